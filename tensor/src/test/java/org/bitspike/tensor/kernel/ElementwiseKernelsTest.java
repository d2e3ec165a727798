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
 * with a sentinel and compared whole, so a write outside the run fails too.
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
