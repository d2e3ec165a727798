package org.bitspike.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The Vector API elementwise kernels against the scalar oracle on every run shape: sizes that hit
 * every tail ({@link #SIZES}), offsets, stride 1, stride 0 (broadcast) on either side, other strides
 * (the oracle's loop), and the output aliasing an input exactly (in-place ops). Data mixes normal
 * values with NaN, infinities, signed zeros, subnormals and equal pairs. Outputs are pre-filled
 * with a sentinel and compared whole, so a write outside the run fails too. The fused in-place
 * kernels (binary with a scalar, addScaled, adam) are checked the same way, and the oracle's fused
 * kernels against the unfused kernels they replace.
 *
 * <p>Exact, bit for bit (NaN payloads aside), for every op.
 */
class ElementwiseKernelsTest {
    static final int[] SIZES = {0, 1, 3, 7, 13, 31, 64, 207, 4098};
    /** (a stride, b stride, out stride); out strides other than 1 always take the oracle's loop. */
    private static final int[][] STRIDES = {{1, 1, 1}, {1, 0, 1}, {0, 1, 1}, {0, 0, 1}, {2, 1, 1}, {1, 3, 1},
        {0, 2, 1}, {1, 1, 2}};
    private static final int[] OFFSETS = {0, 5};
    private static final float SENTINEL = -31337f;

    private static final ElementwiseKernels SCALAR = KernelProvider.scalar().elementwise();
    private static final ElementwiseKernels VECTOR = KernelProvider.lookup("vector").provider().elementwise();

    /** Floats with specials every few elements and exact ties between the two operands now and then. */
    static float[] data(int n, long seed, boolean specials) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[n];
        float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 0f, Float.MIN_VALUE,
            -Float.MIN_NORMAL / 3, Float.MAX_VALUE, 1f, -1f};
        for (int i = 0; i < n; i++) {
            int kind = rnd.nextInt(16);
            x[i] = specials && kind == 0 ? special[rnd.nextInt(special.length)]
                    : kind < 3 ? rnd.nextInt(-2, 3) : (float) (rnd.nextGaussian() * 3);
        }
        return x;
    }

    private static float[] filled(int length) {
        float[] out = new float[length];
        Arrays.fill(out, SENTINEL);
        return out;
    }

    /** Array long enough for n elements at offset off and stride s (at least one element for stride 0). */
    private static int span(int n, int off, int s) {
        return off + Math.max(1, (n - 1) * Math.abs(s) + 1) + 3;
    }

    private static void assertSameFloats(float[] want, float[] got, String what) {
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToIntBits(want[i]) != Float.floatToIntBits(got[i])) {
                fail(what + ": index " + i + " expected " + want[i] + " but was " + got[i]);
            }
        }
    }

    @Test
    void binaryFloatEqualsOracle() {
        for (ElementwiseKernels.Binary op : ElementwiseKernels.Binary.values()) {
            forEachRun((n, s, off) -> {
                float[] a = data(span(n, off, s[0]), n * 31L + s[0], true);
                float[] b = data(span(n, off, s[1]), n * 17L + s[1] + 1, true);
                if (s[0] == 1 && s[1] == 1) {
                    System.arraycopy(a, 0, b, 0, Math.min(a.length, b.length) / 4); // ties
                }
                float[] want = filled(span(n, off, s[2]));
                float[] got = want.clone();
                SCALAR.binary(op, n, a, off, s[0], b, off, s[1], want, off, s[2]);
                VECTOR.binary(op, n, a, off, s[0], b, off, s[1], got, off, s[2]);
                assertSameFloats(want, got, op + " n=" + n + " strides " + Arrays.toString(s) + " offset " + off);
            });
        }
    }

    @Test
    void binaryFloatInPlaceEqualsOracle() {
        for (ElementwiseKernels.Binary op : ElementwiseKernels.Binary.values()) {
            for (int n : SIZES) {
                for (int bs : new int[] {1, 0}) {
                    float[] a = data(n + 5, n, true);
                    float[] b = data(span(n, 5, bs), n + 9L, true);
                    float[] want = a.clone();
                    float[] got = a.clone();
                    SCALAR.binary(op, n, want, 5, 1, b, 5, bs, want, 5, 1);
                    VECTOR.binary(op, n, got, 5, 1, b, 5, bs, got, 5, 1);
                    assertSameFloats(want, got, op + " in place n=" + n + " b stride " + bs);
                }
            }
        }
    }

    @Test
    void binaryDoubleEqualsOracle() {
        for (ElementwiseKernels.Binary op : ElementwiseKernels.Binary.values()) {
            forEachRun((n, s, off) -> {
                double[] a = toDoubles(data(span(n, off, s[0]), n * 3L + s[0], true));
                double[] b = toDoubles(data(span(n, off, s[1]), n * 5L + s[1] + 1, true));
                double[] want = new double[span(n, off, s[2])];
                Arrays.fill(want, SENTINEL);
                double[] got = want.clone();
                SCALAR.binary(op, n, a, off, s[0], b, off, s[1], want, off, s[2]);
                VECTOR.binary(op, n, a, off, s[0], b, off, s[1], got, off, s[2]);
                for (int i = 0; i < want.length; i++) {
                    assertEquals(Double.doubleToLongBits(want[i]), Double.doubleToLongBits(got[i]),
                            op + " n=" + n + " strides " + Arrays.toString(s) + " index " + i);
                }
            });
        }
    }

    @Test
    void compareEqualsOracle() {
        for (ElementwiseKernels.Compare op : ElementwiseKernels.Compare.values()) {
            forEachRun((n, s, off) -> {
                float[] a = data(span(n, off, s[0]), n * 7L + s[0], true);
                float[] b = data(span(n, off, s[1]), n * 11L + s[1] + 1, true);
                if (s[0] == 1 && s[1] == 1) {
                    System.arraycopy(a, 0, b, 0, Math.min(a.length, b.length) / 3);
                }
                boolean[] want = new boolean[span(n, off, s[2])];
                Arrays.fill(want, true);
                boolean[] got = want.clone();
                SCALAR.compare(op, n, a, off, s[0], b, off, s[1], want, off, s[2]);
                VECTOR.compare(op, n, a, off, s[0], b, off, s[1], got, off, s[2]);
                assertTrue(Arrays.equals(want, got), op + " n=" + n + " strides " + Arrays.toString(s));
                double[] ad = toDoubles(a);
                double[] bd = toDoubles(b);
                Arrays.fill(want, true);
                Arrays.fill(got, true);
                SCALAR.compare(op, n, ad, off, s[0], bd, off, s[1], want, off, s[2]);
                VECTOR.compare(op, n, ad, off, s[0], bd, off, s[1], got, off, s[2]);
                assertTrue(Arrays.equals(want, got), op + " FLOAT64 n=" + n + " strides " + Arrays.toString(s));
            });
        }
    }

    @Test
    void selectAndConversionsEqualOracle() {
        forEachRun((n, s, off) -> {
            boolean[] c = bools(span(n, off, s[1]), n);
            float[] a = data(span(n, off, s[0]), n + 1L, true);
            float[] b = data(span(n, off, s[2] == 2 ? 1 : s[0]), n + 2L, true);
            float[] want = filled(span(n, off, 1));
            float[] got = want.clone();
            int bs = s[2] == 2 ? 1 : s[0];
            SCALAR.select(n, c, off, s[1], a, off, s[0], b, off, bs, want, off, 1);
            VECTOR.select(n, c, off, s[1], a, off, s[0], b, off, bs, got, off, 1);
            assertSameFloats(want, got, "select n=" + n + " strides " + Arrays.toString(s));
            double[] ad = toDoubles(a);
            double[] bd = toDoubles(b);
            double[] wantD = new double[want.length];
            double[] gotD = new double[want.length];
            SCALAR.select(n, c, off, s[1], ad, off, s[0], bd, off, bs, wantD, off, 1);
            VECTOR.select(n, c, off, s[1], ad, off, s[0], bd, off, bs, gotD, off, 1);
            assertTrue(Arrays.equals(wantD, gotD), "select FLOAT64 n=" + n + " strides " + Arrays.toString(s));

            want = filled(span(n, off, s[2]));
            got = want.clone();
            SCALAR.boolToFloat(n, c, off, s[1], want, off, s[2]);
            VECTOR.boolToFloat(n, c, off, s[1], got, off, s[2]);
            assertSameFloats(want, got, "boolToFloat n=" + n + " strides " + Arrays.toString(s));

            boolean[] wantB = new boolean[span(n, off, s[2])];
            boolean[] gotB = wantB.clone();
            SCALAR.floatToBool(n, a, off, s[0], wantB, off, s[2]);
            VECTOR.floatToBool(n, a, off, s[0], gotB, off, s[2]);
            assertTrue(Arrays.equals(wantB, gotB), "floatToBool n=" + n + " strides " + Arrays.toString(s));
        });
    }

    @Test
    void unaryEqualsOracle() {
        for (ElementwiseKernels.Unary op : ElementwiseKernels.Unary.values()) {
            forEachRun((n, s, off) -> {
                float[] a = data(span(n, off, s[0]), n * 13L + s[0], true);
                if (op == ElementwiseKernels.Unary.EXP || op == ElementwiseKernels.Unary.SIGMOID) {
                    for (int i = 0; i < a.length; i += 7) {
                        a[i] *= 30; // overflow, underflow and subnormal results
                    }
                }
                float[] want = filled(span(n, off, s[2]));
                float[] got = want.clone();
                SCALAR.unary(op, n, a, off, s[0], want, off, s[2]);
                VECTOR.unary(op, n, a, off, s[0], got, off, s[2]);
                assertSameFloats(want, got, op + " n=" + n + " strides " + Arrays.toString(s) + " offset " + off);
            });
        }
    }

    // ---------------------------------------------------------------- fused in-place kernels

    @Test
    void binaryScalarEqualsOracle() {
        float[] scalars = {2.5f, -0.01f, 0f, -0f, Float.NaN, Float.POSITIVE_INFINITY};
        for (ElementwiseKernels.Binary op : ElementwiseKernels.Binary.values()) {
            for (float s : scalars) {
                forEachRun((n, st, off) -> {
                    float[] a = data(span(n, off, st[0]), n * 19L + st[0], true);
                    float[] want = filled(span(n, off, st[2]));
                    float[] got = want.clone();
                    SCALAR.binaryScalar(op, n, a, off, st[0], s, want, off, st[2]);
                    VECTOR.binaryScalar(op, n, a, off, st[0], s, got, off, st[2]);
                    String what = op + " " + s + " n=" + n + " strides " + Arrays.toString(st) + " offset " + off;
                    assertSameFloats(want, got, what);
                    double[] ad = toDoubles(a);
                    double[] wantD = toDoubles(filled(span(n, off, st[2])));
                    double[] gotD = wantD.clone();
                    SCALAR.binaryScalar(op, n, ad, off, st[0], s, wantD, off, st[2]);
                    VECTOR.binaryScalar(op, n, ad, off, st[0], s, gotD, off, st[2]);
                    assertSameDoubles(wantD, gotD, "FLOAT64 " + what);
                });
                for (int n : SIZES) { // in place: out is exactly a's run
                    float[] want = data(n + 5, n + 3L, true);
                    float[] got = want.clone();
                    SCALAR.binaryScalar(op, n, want, 5, 1, s, want, 5, 1);
                    VECTOR.binaryScalar(op, n, got, 5, 1, s, got, 5, 1);
                    assertSameFloats(want, got, op + " " + s + " in place n=" + n);
                }
            }
        }
    }

    /** addScaled against the oracle, and both against MUL by the scalar then ADD (its definition). */
    @Test
    void addScaledEqualsOracleAndTheComposition() {
        float[] alphas = {0.5f, -0.01f, 3f, 1e-30f, -1e30f, 0f};
        for (float alpha : alphas) {
            forEachRun((n, st, off) -> {
                float[] x = data(span(n, off, st[0]), n * 23L + st[0], true);
                float[] y0 = data(span(n, off, st[2]), n * 29L + st[2], true);
                float[] want = y0.clone();
                float[] got = y0.clone();
                SCALAR.addScaled(n, alpha, x, off, st[0], want, off, st[2]);
                VECTOR.addScaled(n, alpha, x, off, st[0], got, off, st[2]);
                String what = "addScaled " + alpha + " n=" + n + " strides " + Arrays.toString(st) + " offset " + off;
                assertSameFloats(want, got, what);
                float[] product = filled(span(n, off, 1));
                float[] composed = y0.clone();
                SCALAR.binaryScalar(ElementwiseKernels.Binary.MUL, n, x, off, st[0], alpha, product, off, 1);
                SCALAR.binary(ElementwiseKernels.Binary.ADD, n, composed, off, st[2], product, off, 1, composed, off, st[2]);
                assertSameFloats(composed, want, what + " vs mul then add");
                double[] xd = toDoubles(x);
                double[] wantD = toDoubles(y0);
                double[] gotD = wantD.clone();
                SCALAR.addScaled(n, alpha, xd, off, st[0], wantD, off, st[2]);
                VECTOR.addScaled(n, alpha, xd, off, st[0], gotD, off, st[2]);
                assertSameDoubles(wantD, gotD, "FLOAT64 " + what);
            });
            for (int n : SIZES) { // x is exactly y's run: y = y + alpha * y
                float[] want = data(n + 5, n + 7L, true);
                float[] got = want.clone();
                SCALAR.addScaled(n, alpha, want, 5, 1, want, 5, 1);
                VECTOR.addScaled(n, alpha, got, 5, 1, got, 5, 1);
                assertSameFloats(want, got, "addScaled " + alpha + " in place n=" + n);
            }
        }
    }

    /** Adam, AdamW, L2, both, and a decay factor that rounds to 1 in float. */
    static final ElementwiseKernels.AdamCoefficients[] ADAM = {
        new ElementwiseKernels.AdamCoefficients(0.9, 0.999, 1 - Math.pow(0.999, 3), 1e-8, 0.01 / (1 - Math.pow(0.9, 3)), 1, 0),
        new ElementwiseKernels.AdamCoefficients(0.9, 0.999, 1 - 0.999, 1e-8, 0.001 / 0.1, 1 - 0.001 * 0.01, 0),
        new ElementwiseKernels.AdamCoefficients(0.8, 0.99, 1 - Math.pow(0.99, 7), 1e-6, 0.1, 1, 0.05),
        new ElementwiseKernels.AdamCoefficients(0.5, 0.9, 0.5, 1e-3, 0.3, 0.97, 0.2),
        new ElementwiseKernels.AdamCoefficients(0.9, 0.999, 0.01, 1e-8, 1e-3, 1 - 1e-10, 0)};

    /** (p, g, m, v) strides: dense, then the oracle's loop for a broadcast or strided operand. */
    private static final int[][] ADAM_STRIDES = {{1, 1, 1, 1}, {1, 0, 1, 1}, {2, 1, 1, 1}, {1, 3, 2, 1}, {1, 1, 1, 2}};

    @Test
    void adamEqualsOracle() {
        assertAdamStepsEqualOracle(ADAM_STRIDES);
    }

    /** (p, g, m, v, vmax) strides for amsgrad: dense, then a broadcast gradient and strided operands. */
    private static final int[][] AMSGRAD_STRIDES = {{1, 1, 1, 1, 1}, {1, 0, 1, 1, 1}, {2, 1, 1, 1, 1}, {1, 1, 1, 1, 3}};

    @Test
    void amsgradEqualsOracle() {
        assertAdamStepsEqualOracle(AMSGRAD_STRIDES);
    }

    /**
     * The vector adam (four strides a row: p, g, m, v) or amsgrad (five: and vmax) equal to the
     * oracle's bit for bit, in FLOAT32 and FLOAT64, for every coefficient set, size and offset.
     */
    private static void assertAdamStepsEqualOracle(int[][] stridesList) {
        for (ElementwiseKernels.AdamCoefficients c : ADAM) {
            for (int n : SIZES) {
                for (int[] st : stridesList) {
                    for (int off : OFFSETS) {
                        boolean amsgrad = st.length == 5;
                        float[] p0 = data(span(n, off, st[0]), n * 37L + st[0], true);
                        float[] g = data(span(n, off, st[1]), n * 41L + st[1], true);
                        float[] m0 = data(span(n, off, st[2]), n * 43L + st[2], true);
                        float[] v0 = data(span(n, off, st[3]), n * 47L + st[3], true);
                        for (int i = 0; i < v0.length; i++) {
                            v0[i] = Math.abs(v0[i]);
                        }
                        float[][] start = {p0, m0, v0};
                        if (amsgrad) {
                            float[] x0 = data(span(n, off, st[4]), n * 53L + st[4], true);
                            for (int i = 0; i < x0.length; i++) {
                                x0[i] = Math.abs(x0[i]) * (i % 2); // half the maxima 0: v wins there
                            }
                            start = new float[][] {p0, m0, v0, x0};
                        }
                        float[][] want = new float[start.length][];
                        float[][] got = new float[start.length][];
                        double[][] wantD = new double[start.length][];
                        double[][] gotD = new double[start.length][];
                        for (int k = 0; k < start.length; k++) {
                            want[k] = start[k].clone();
                            got[k] = start[k].clone();
                            wantD[k] = toDoubles(start[k]);
                            gotD[k] = toDoubles(start[k]);
                        }
                        adamStep(SCALAR, c, n, want, g, off, st);
                        adamStep(VECTOR, c, n, got, g, off, st);
                        String what = c + " n=" + n + " strides " + Arrays.toString(st) + " offset " + off;
                        for (int k = 0; k < start.length; k++) {
                            assertSameFloats(want[k], got[k], "p m v vmax".split(" ")[k] + " " + what);
                        }
                        double[] gd = toDoubles(g);
                        adamStep(SCALAR, c, n, wantD, gd, off, st);
                        adamStep(VECTOR, c, n, gotD, gd, off, st);
                        for (int k = 0; k < start.length; k++) {
                            assertSameDoubles(wantD[k], gotD[k], "FLOAT64 " + "p m v vmax".split(" ")[k] + " " + what);
                        }
                    }
                }
            }
        }
    }

    /** {@code k.adam} on state (p, m, v), or {@code k.amsgrad} on state (p, m, v, vmax), all at offset off. */
    private static void adamStep(ElementwiseKernels k, ElementwiseKernels.AdamCoefficients c, int n, float[][] s,
                                 float[] g, int off, int[] st) {
        if (s.length == 4) {
            k.amsgrad(c, n, s[0], off, st[0], g, off, st[1], s[1], off, st[2], s[2], off, st[3], s[3], off, st[4]);
        } else {
            k.adam(c, n, s[0], off, st[0], g, off, st[1], s[1], off, st[2], s[2], off, st[3]);
        }
    }

    /** {@link #adamStep(ElementwiseKernels, ElementwiseKernels.AdamCoefficients, int, float[][], float[], int, int[])} on FLOAT64. */
    private static void adamStep(ElementwiseKernels k, ElementwiseKernels.AdamCoefficients c, int n, double[][] s,
                                 double[] g, int off, int[] st) {
        if (s.length == 4) {
            k.amsgrad(c, n, s[0], off, st[0], g, off, st[1], s[1], off, st[2], s[2], off, st[3], s[3], off, st[4]);
        } else {
            k.adam(c, n, s[0], off, st[0], g, off, st[1], s[1], off, st[2], s[2], off, st[3]);
        }
    }

    /**
     * The oracle's amsgrad is its adam, bit for bit, when the maximum stays below the new v (a zero
     * maximum), and divides by the maximum when that is larger (the formula written per element).
     */
    @Test
    void amsgradIsAdamWithTheRunningMaximum() {
        int n = 207;
        for (ElementwiseKernels.AdamCoefficients c : ADAM) {
            float[] p = data(n, 1, false);
            float[] g = data(n, 2, false);
            float[] m = data(n, 3, false);
            float[] v = data(n, 4, false);
            for (int i = 0; i < n; i++) {
                v[i] = Math.abs(v[i]);
            }
            float[][] adam = {p.clone(), m.clone(), v.clone()};
            float[][] ams = {p.clone(), m.clone(), v.clone(), new float[n]};
            SCALAR.adam(c, n, adam[0], 0, 1, g, 0, 1, adam[1], 0, 1, adam[2], 0, 1);
            SCALAR.amsgrad(c, n, ams[0], 0, 1, g, 0, 1, ams[1], 0, 1, ams[2], 0, 1, ams[3], 0, 1);
            for (int k = 0; k < 3; k++) {
                assertSameFloats(adam[k], ams[k], "zero maximum " + k + " " + c);
            }
            assertSameFloats(adam[2], ams[3], "the maximum is the new v " + c);
            // a maximum of 1e20 everywhere, above every new v: d = sqrt(1e20 / c2) + eps
            float[] big = new float[n];
            Arrays.fill(big, 1e20f);
            float[][] again = {p.clone(), m.clone(), v.clone(), big};
            SCALAR.amsgrad(c, n, again[0], 0, 1, g, 0, 1, again[1], 0, 1, again[2], 0, 1, again[3], 0, 1);
            for (int i = 0; i < n; i++) {
                float pi = p[i];
                if ((float) c.decay() != 1) {
                    pi = pi * (float) c.decay();
                }
                float d = (float) Math.sqrt(1e20f / (float) c.biasCorrection2()) + (float) c.eps();
                float want = pi + (again[1][i] / d) * (float) -c.stepSize();
                assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(again[0][i]), "element " + i + " " + c);
                assertEquals(1e20f, again[3][i]);
            }
        }
    }

    /** The oracle's adam against the same formula written out with the oracle's unfused kernels. */
    @Test
    void adamIsTheUnfusedComposition() {
        int n = 207;
        for (ElementwiseKernels.AdamCoefficients c : ADAM) {
            float[] p = data(n, 1, true);
            float[] g = data(n, 2, true);
            float[] m = data(n, 3, true);
            float[] v = data(n, 4, false);
            for (int i = 0; i < n; i++) {
                v[i] = Math.abs(v[i]);
            }
            float[] p2 = p.clone();
            float[] m2 = m.clone();
            float[] v2 = v.clone();
            SCALAR.adam(c, n, p, 0, 1, g, 0, 1, m, 0, 1, v, 0, 1);
            float[] gg = g.clone();
            float[] t = new float[n];
            if ((float) c.decay() != 1) {
                SCALAR.binaryScalar(ElementwiseKernels.Binary.MUL, n, p2, 0, 1, (float) c.decay(), p2, 0, 1);
            }
            if (c.l2() != 0) {
                SCALAR.binaryScalar(ElementwiseKernels.Binary.MUL, n, p2, 0, 1, (float) c.l2(), t, 0, 1);
                SCALAR.binary(ElementwiseKernels.Binary.ADD, n, gg, 0, 1, t, 0, 1, gg, 0, 1);
            }
            SCALAR.binaryScalar(ElementwiseKernels.Binary.MUL, n, m2, 0, 1, (float) c.beta1(), m2, 0, 1);
            SCALAR.addScaled(n, (float) (1 - c.beta1()), gg, 0, 1, m2, 0, 1);
            SCALAR.binaryScalar(ElementwiseKernels.Binary.MUL, n, v2, 0, 1, (float) c.beta2(), v2, 0, 1);
            SCALAR.binary(ElementwiseKernels.Binary.MUL, n, gg, 0, 1, gg, 0, 1, t, 0, 1);
            SCALAR.addScaled(n, (float) (1 - c.beta2()), t, 0, 1, v2, 0, 1);
            float[] d = new float[n];
            SCALAR.binaryScalar(ElementwiseKernels.Binary.DIV, n, v2, 0, 1, (float) c.biasCorrection2(), d, 0, 1);
            SCALAR.unary(ElementwiseKernels.Unary.SQRT, n, d, 0, 1, d, 0, 1);
            SCALAR.binaryScalar(ElementwiseKernels.Binary.ADD, n, d, 0, 1, (float) c.eps(), d, 0, 1);
            SCALAR.binary(ElementwiseKernels.Binary.DIV, n, m2, 0, 1, d, 0, 1, t, 0, 1);
            SCALAR.addScaled(n, (float) -c.stepSize(), t, 0, 1, p2, 0, 1);
            assertSameFloats(p2, p, "p " + c);
            assertSameFloats(m2, m, "m " + c);
            assertSameFloats(v2, v, "v " + c);
        }
    }

    private static void assertSameDoubles(double[] want, double[] got, String what) {
        for (int i = 0; i < want.length; i++) {
            if (Double.doubleToLongBits(want[i]) != Double.doubleToLongBits(got[i])) {
                fail(what + ": index " + i + " expected " + want[i] + " but was " + got[i]);
            }
        }
    }

    /** Every size, offset and stride pattern. */
    private static void forEachRun(RunCheck check) {
        for (int n : SIZES) {
            for (int[] s : STRIDES) {
                for (int off : OFFSETS) {
                    check.run(n, s, off);
                }
            }
        }
    }

    @FunctionalInterface
    private interface RunCheck {
        void run(int n, int[] strides, int offset);
    }

    static boolean[] bools(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        boolean[] c = new boolean[n];
        for (int i = 0; i < n; i++) {
            c[i] = rnd.nextBoolean();
        }
        return c;
    }

    static double[] toDoubles(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }
}
