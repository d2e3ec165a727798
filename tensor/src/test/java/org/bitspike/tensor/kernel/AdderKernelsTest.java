package org.bitspike.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import org.bitspike.tensor.AdderInputGradient;
import org.bitspike.tensor.AdderWeightGradient;

/**
 * Adder kernels: the Vector API kernels bit-identical to the scalar oracle (every rule, sizes that hit
 * every vector and tile tail, stride, padding, dilation, 1x1 and 3x3, batch 1 and 3, data full of exact
 * ties), both independent of the thread count, and both against a FLOAT64 reference computed here from
 * the definition in another form (dx scattered from every output, not gathered).
 */
class AdderKernelsTest {
    private static final Parallel ONE = Parallel.of(1);
    private static final Parallel TWO = Parallel.of(2);
    private static final Parallel THREE = Parallel.of(3);
    private static final AdderKernels SCALAR = KernelProvider.scalar().adder();
    private static final AdderKernels VECTOR = KernelProvider.lookup("vector").provider().adder();

    /** Awkward shapes: tails of 16-lane vectors, 2-vector tap tiles, 4-row tiles, stride, padding, dilation. */
    static Stream<Conv2dGeometry> namedCases() {
        return Stream.of(
                Conv2dGeometry.of(1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1),      // one of everything
                Conv2dGeometry.of(3, 3, 7, 5, 5, 3, 3, 1, 1, 1, 1),      // 35 positions, 27 taps, 5 filters
                Conv2dGeometry.of(1, 4, 9, 7, 3, 3, 3, 2, 1, 1, 1),      // stride 2
                Conv2dGeometry.of(3, 2, 13, 11, 7, 3, 3, 1, 2, 2, 1),    // padding 2, dilation 2
                Conv2dGeometry.of(1, 7, 5, 13, 6, 1, 1, 1, 0, 1, 1),     // 1x1, 65 positions
                Conv2dGeometry.of(3, 5, 6, 6, 4, 1, 1, 2, 1, 1, 1),      // 1x1 stride 2 with padding
                Conv2dGeometry.of(1, 1, 16, 16, 9, 5, 5, 3, 2, 1, 1),    // 5x5, stride 3, 1 channel
                new Conv2dGeometry(3, 3, 9, 12, 2, 2, 3, 2, 1, 0, 2, 2, 1, 1), // rectangular everything
                Conv2dGeometry.of(1, 11, 8, 8, 13, 3, 3, 1, 1, 1, 1),    // 99 taps: 3 tap tiles + tail
                Conv2dGeometry.of(3, 8, 20, 20, 8, 3, 3, 1, 1, 1, 1),    // 1200 positions: 2 dw ranges
                Conv2dGeometry.of(2, 70, 4, 4, 5, 3, 3, 1, 1, 1, 1),     // 630 taps: input panels in slices
                Conv2dGeometry.of(1, 3, 41, 29, 4, 3, 3, 1, 1, 1, 1));   // 1189 positions: forward slices
    }

    @Provide
    Arbitrary<Conv2dGeometry> geometries() {
        Arbitrary<int[]> shape = Combinators.combine(
                Arbitraries.integers().between(1, 3), Arbitraries.integers().between(1, 9),
                Arbitraries.integers().between(1, 9), Arbitraries.integers().between(1, 12),
                Arbitraries.integers().between(1, 12), Arbitraries.of(1, 2, 3, 5), Arbitraries.of(1, 2, 3))
                .as((n, cin, cout, h, w, kh, kw) -> new int[] {n, cin, cout, h, w, kh, kw});
        Arbitrary<int[]> hyper = Combinators.combine(Arbitraries.integers().between(1, 3),
                Arbitraries.integers().between(0, 2), Arbitraries.integers().between(1, 2))
                .as((s, p, d) -> new int[] {s, p, d});
        return Combinators.combine(shape, hyper).as((s, p) -> {
            int h = Math.max(s[3], p[2] * (s[5] - 1) + 1 - 2 * p[1]);
            int w = Math.max(s[4], p[2] * (s[6] - 1) + 1 - 2 * p[1]);
            return new Conv2dGeometry(s[0], s[1], h, w, s[2], s[5], s[6], p[0], p[0], p[1], p[1], p[2], p[2], 1);
        });
    }

    // ---- scalar vs vector, thread counts ----

    @Example
    void vectorIsBitIdenticalToOracleOnNamedCases() {
        SplittableRandom rnd = new SplittableRandom(13);
        namedCases().forEach(g -> {
            checkBitIdentical(g, Data.random(g, rnd));
            checkBitIdentical(g, Data.ties(g, rnd));
        });
    }

    @Property(tries = 60, seed = "20261207")
    @Tag("slow")
    void vectorIsBitIdenticalToOracle(@ForAll("geometries") Conv2dGeometry g, @ForAll long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        checkBitIdentical(g, seed % 2 == 0 ? Data.random(g, rnd) : Data.ties(g, rnd));
    }

    private static void checkBitIdentical(Conv2dGeometry g, Data d) {
        float[] want = forward(SCALAR, g, d, ONE);
        for (Parallel p : List.of(ONE, TWO, THREE)) {
            assertBits("adderConv2d", g, want, forward(VECTOR, g, d, p));
            assertBits("adderConv2d (scalar, threads)", g, want, forward(SCALAR, g, d, p));
        }
        for (AdderInputGradient rule : AdderInputGradient.values()) {
            float[] ref = input(SCALAR, g, rule, d, ONE);
            for (Parallel p : List.of(ONE, TWO, THREE)) {
                assertBits("adderConv2dBackwardInput " + rule, g, ref, input(VECTOR, g, rule, d, p));
                assertBits("adderConv2dBackwardInput (scalar, threads) " + rule, g, ref, input(SCALAR, g, rule, d, p));
            }
        }
        for (AdderWeightGradient rule : AdderWeightGradient.values()) {
            float[] ref = weight(SCALAR, g, rule, d, ONE);
            for (Parallel p : List.of(ONE, TWO, THREE)) {
                assertBits("adderConv2dBackwardWeight " + rule, g, ref, weight(VECTOR, g, rule, d, p));
                assertBits("adderConv2dBackwardWeight (scalar, threads) " + rule, g, ref,
                        weight(SCALAR, g, rule, d, p));
            }
        }
    }

    @Example
    void offsetsAreHonouredAndNothingOutsideIsWritten() {
        Conv2dGeometry g = Conv2dGeometry.of(2, 3, 7, 6, 5, 3, 3, 1, 1, 1, 1);
        Data d = Data.random(g, new SplittableRandom(3));
        int off = 7;
        for (AdderKernels k : List.of(SCALAR, VECTOR)) {
            float[] y = filled(off + g.outputSize() + 5);
            k.adderConv2d(g, shift(d.x, off), off, shift(d.w, off), off, y, off, TWO);
            assertOffsetResult(g, forward(SCALAR, g, d, ONE), y, off);
            float[] dx = filled(off + g.inputSize() + 5);
            k.adderConv2dBackwardInput(g, AdderInputGradient.HARDTANH, shift(d.dy, off), off, shift(d.x, off), off,
                    shift(d.w, off), off, dx, off, TWO);
            assertOffsetResult(g, input(SCALAR, g, AdderInputGradient.HARDTANH, d, ONE), dx, off);
            float[] dw = filled(off + g.weightSize() + 5);
            k.adderConv2dBackwardWeight(g, AdderWeightGradient.FULL_PRECISION, shift(d.dy, off), off, shift(d.x, off),
                    off, shift(d.w, off), off, dw, off, TWO);
            assertOffsetResult(g, weight(SCALAR, g, AdderWeightGradient.FULL_PRECISION, d, ONE), dw, off);
        }
    }

    // ---- against the FLOAT64 reference ----

    @Example
    void namedCasesMatchReference() {
        SplittableRandom rnd = new SplittableRandom(17);
        namedCases().forEach(g -> checkAgainstReference(g, Data.random(g, rnd)));
    }

    @Property(tries = 40, seed = "20261208")
    @Tag("slow")
    void kernelsMatchReference(@ForAll("geometries") Conv2dGeometry g, @ForAll long seed) {
        checkAgainstReference(g, Data.random(g, new SplittableRandom(seed)));
    }

    private static void checkAgainstReference(Conv2dGeometry g, Data d) {
        double[] x = toDouble(d.x), w = toDouble(d.w), dy = toDouble(d.dy);
        Reference fwd = Reference.forward(g, x, w);
        for (AdderKernels k : List.of(SCALAR, VECTOR)) {
            String name = k.getClass().getSimpleName();
            assertClose(name + " adderConv2d", g, forward(k, g, d, TWO), fwd, g.patchSize());
            double[] y64 = new double[g.outputSize()];
            k.adderConv2d(g, x, 0, w, 0, y64, 0, TWO);
            assertClose(name + " FLOAT64 adderConv2d", g, y64, fwd, g.patchSize(), 0x1p-52);
            for (AdderInputGradient rule : AdderInputGradient.values()) {
                Reference ref = Reference.input(g, rule, dy, x, w);
                int terms = g.cout() * g.kH() * g.kW();
                assertClose(name + " adderConv2dBackwardInput " + rule, g, input(k, g, rule, d, TWO), ref, terms);
                double[] dx64 = new double[g.inputSize()];
                k.adderConv2dBackwardInput(g, rule, dy, 0, x, 0, w, 0, dx64, 0, TWO);
                assertClose(name + " FLOAT64 adderConv2dBackwardInput " + rule, g, dx64, ref, terms, 0x1p-52);
            }
            for (AdderWeightGradient rule : AdderWeightGradient.values()) {
                Reference ref = Reference.weight(g, rule, dy, x, w);
                int terms = g.n() * g.outH() * g.outW();
                assertClose(name + " adderConv2dBackwardWeight " + rule, g, weight(k, g, rule, d, TWO), ref, terms);
                double[] dw64 = new double[g.weightSize()];
                k.adderConv2dBackwardWeight(g, rule, dy, 0, x, 0, w, 0, dw64, 0, TWO);
                assertClose(name + " FLOAT64 adderConv2dBackwardWeight " + rule, g, dw64, ref, terms, 0x1p-52);
            }
        }
    }

    /** A hand-computed case: one 2x2 input, one 2x2 filter, padding 1 gives a 3x3 output of border sums. */
    @Example
    void goldenCaseWithPadding() {
        Conv2dGeometry g = Conv2dGeometry.of(1, 1, 2, 2, 1, 2, 2, 1, 1, 1, 1);
        float[] x = {1, 2, 3, 4};
        float[] w = {1, 0, 0, 1};
        // centre output reads the whole input: |1-1| + |2-0| + |3-0| + |4-1| = 8; corner (0, 0) reads
        // three padded zeros and x[0][0] = 1 against w[1][1] = 1: |0-1| + |0-0| + |0-0| + |1-1| = 1;
        // (2, 1) reads x[1][0], x[1][1] and two padded zeros: |3-1| + |4-0| + |0-0| + |0-1| = 7
        float[] want = {-1, -3, -4, -4, -8, -6, -5, -7, -4};
        for (AdderKernels k : List.of(SCALAR, VECTOR)) {
            float[] y = new float[9];
            k.adderConv2d(g, x, 0, w, 0, y, 0, ONE);
            assertArrayEquals(want, y, k.getClass().getSimpleName());
        }
    }

    @Example
    void hardTanhIsTheClampForEveryNumberAndTheSignForNaN() {
        float[] special = {0f, -0f, 1f, -1f, Math.nextUp(1f), Math.nextDown(-1f), 0.5f, -0.75f, Float.MIN_VALUE,
                -Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        SplittableRandom rnd = new SplittableRandom(5);
        for (int i = 0; i < 10_000 + special.length; i++) {
            float d = i < special.length ? special[i] : Float.intBitsToFloat(rnd.nextInt());
            if (Float.isNaN(d)) {
                assertEquals(Math.copySign(1f, d), AdderKernels.hardTanh(d));
                continue;
            }
            assertEquals(Float.floatToRawIntBits(Math.min(Math.max(d, -1f), 1f)),
                    Float.floatToRawIntBits(AdderKernels.hardTanh(d)), "hardTanh(" + d + ")");
            assertEquals(Double.doubleToRawLongBits(Math.min(Math.max((double) d, -1.0), 1.0)),
                    Double.doubleToRawLongBits(AdderKernels.hardTanh((double) d)), "hardTanh(" + d + "d)");
        }
        assertEquals(-1f, AdderKernels.hardTanh(Float.intBitsToFloat(0xffc00000)));
    }

    @Example
    void weightGradientSplitsDependOnTheGeometryOnly() {
        assertEquals(1, AdderKernels.weightGradientSplits(Conv2dGeometry.of(1, 1, 10, 10, 1, 3, 3, 1, 1, 1, 1)));
        assertEquals(2, AdderKernels.weightGradientSplits(Conv2dGeometry.of(3, 8, 20, 20, 8, 3, 3, 1, 1, 1, 1)));
        assertEquals(Tuning.ADDER_WEIGHT_GRAD_SPLITS,
                AdderKernels.weightGradientSplits(Conv2dGeometry.of(64, 1, 28, 28, 1, 3, 3, 1, 1, 1, 1)));
    }

    // ---- helpers ----

    private static float[] forward(AdderKernels k, Conv2dGeometry g, Data d, Parallel p) {
        float[] y = filled(g.outputSize());
        k.adderConv2d(g, d.x, 0, d.w, 0, y, 0, p);
        return y;
    }

    private static float[] input(AdderKernels k, Conv2dGeometry g, AdderInputGradient rule, Data d, Parallel p) {
        float[] dx = filled(g.inputSize());
        k.adderConv2dBackwardInput(g, rule, d.dy, 0, d.x, 0, d.w, 0, dx, 0, p);
        return dx;
    }

    private static float[] weight(AdderKernels k, Conv2dGeometry g, AdderWeightGradient rule, Data d, Parallel p) {
        float[] dw = filled(g.weightSize());
        k.adderConv2dBackwardWeight(g, rule, d.dy, 0, d.x, 0, d.w, 0, dw, 0, p);
        return dw;
    }

    /** Output arrays start as NaN so an element a kernel forgets to write cannot pass. */
    private static float[] filled(int n) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, Float.NaN);
        return a;
    }

    private static float[] shift(float[] a, int off) {
        float[] s = new float[off + a.length + 3];
        java.util.Arrays.fill(s, 1e30f);
        System.arraycopy(a, 0, s, off, a.length);
        return s;
    }

    private static void assertOffsetResult(Conv2dGeometry g, float[] want, float[] got, int off) {
        for (int i = 0; i < off; i++) {
            assertTrue(Float.isNaN(got[i]), g + ": wrote before the offset at " + i);
        }
        float[] body = java.util.Arrays.copyOfRange(got, off, off + want.length);
        assertBits("offset", g, want, body);
        for (int i = off + want.length; i < got.length; i++) {
            assertTrue(Float.isNaN(got[i]), g + ": wrote past the end at " + i);
        }
    }

    private static void assertBits(String what, Conv2dGeometry g, float[] want, float[] got) {
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i])) {
                fail(what + " " + g + ": element " + i + " is " + got[i] + ", the oracle gives " + want[i]);
            }
        }
    }

    private static void assertClose(String what, Conv2dGeometry g, float[] got, Reference ref, int terms) {
        assertClose(what, g, toDouble(got), ref, terms, 0x1p-24);
    }

    /** {@code |got - ref| <= (terms + 2) * eps * bound}, bound the sum of the terms' magnitudes. */
    private static void assertClose(String what, Conv2dGeometry g, double[] got, Reference ref, int terms, double eps) {
        for (int i = 0; i < got.length; i++) {
            double tol = (terms + 2) * eps * ref.bound[i] * 2 + Double.MIN_NORMAL;
            if (!(Math.abs(got[i] - ref.value[i]) <= tol)) {
                fail(what + " " + g + ": element " + i + " is " + got[i] + ", the reference gives " + ref.value[i]
                        + " (tolerance " + tol + ")");
            }
        }
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    /** Inputs of one test: x, w and dy. */
    record Data(float[] x, float[] w, float[] dy) {
        static Data random(Conv2dGeometry g, SplittableRandom rnd) {
            return new Data(gaussian(rnd, g.inputSize(), 1), gaussian(rnd, g.weightSize(), 1),
                    gaussian(rnd, g.outputSize(), 1));
        }

        /** Values on a grid of halves in [-2, 2], so x == w (sign 0) and |w - x| == 1 (the clamp's edge) occur. */
        static Data ties(Conv2dGeometry g, SplittableRandom rnd) {
            return new Data(grid(rnd, g.inputSize()), grid(rnd, g.weightSize()), gaussian(rnd, g.outputSize(), 1));
        }

        private static float[] gaussian(SplittableRandom rnd, int n, double scale) {
            float[] a = new float[n];
            for (int i = 0; i < n; i++) {
                double u = rnd.nextDouble(), v = rnd.nextDouble();
                a[i] = (float) (scale * Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v));
            }
            return a;
        }

        private static float[] grid(SplittableRandom rnd, int n) {
            float[] a = new float[n];
            for (int i = 0; i < n; i++) {
                a[i] = (rnd.nextInt(9) - 4) * 0.5f;
            }
            return a;
        }
    }

    /** FLOAT64 values from the definition, with the sum of each value's term magnitudes (for the tolerance). */
    record Reference(double[] value, double[] bound) {
        /** Every (n, o, p, tap) in one loop nest; the tap's input index is null in the padding. */
        interface Visitor {
            void visit(int n, int o, int p, int r, int xIndex);
        }

        static void visit(Conv2dGeometry g, Visitor v) {
            int plane = g.outH() * g.outW();
            for (int n = 0; n < g.n(); n++) {
                for (int o = 0; o < g.cout(); o++) {
                    for (int p = 0; p < plane; p++) {
                        int oh = p / g.outW(), ow = p % g.outW();
                        for (int c = 0; c < g.cin(); c++) {
                            for (int a = 0; a < g.kH(); a++) {
                                for (int b = 0; b < g.kW(); b++) {
                                    int ih = oh * g.strideH() - g.padH() + a * g.dilationH();
                                    int iw = ow * g.strideW() - g.padW() + b * g.dilationW();
                                    boolean in = ih >= 0 && ih < g.h() && iw >= 0 && iw < g.w();
                                    int r = (c * g.kH() + a) * g.kW() + b;
                                    v.visit(n, o, p, r, in ? ((n * g.cin() + c) * g.h() + ih) * g.w() + iw : -1);
                                }
                            }
                        }
                    }
                }
            }
        }

        static Reference forward(Conv2dGeometry g, double[] x, double[] w) {
            double[] y = new double[g.outputSize()], bound = new double[g.outputSize()];
            int plane = g.outH() * g.outW(), k = g.patchSize();
            visit(g, (n, o, p, r, xi) -> {
                double t = Math.abs((xi < 0 ? 0 : x[xi]) - w[o * k + r]);
                y[(n * g.cout() + o) * plane + p] -= t;
                bound[(n * g.cout() + o) * plane + p] += t;
            });
            return new Reference(y, bound);
        }

        static Reference input(Conv2dGeometry g, AdderInputGradient rule, double[] dy, double[] x, double[] w) {
            double[] dx = new double[g.inputSize()], bound = new double[g.inputSize()];
            int plane = g.outH() * g.outW(), k = g.patchSize();
            visit(g, (n, o, p, r, xi) -> {
                if (xi >= 0) {
                    double d = w[o * k + r] - x[xi];
                    double f = switch (rule) {
                        case HARDTANH -> Math.max(-1, Math.min(1, d));
                        case SIGN -> Math.signum(d);
                        case IDENTITY -> d;
                    };
                    double t = dy[(n * g.cout() + o) * plane + p] * f;
                    dx[xi] += t;
                    bound[xi] += Math.abs(t) + Math.abs(dy[(n * g.cout() + o) * plane + p] * (Math.abs(w[o * k + r])
                            + Math.abs(x[xi])));
                }
            });
            return new Reference(dx, bound);
        }

        static Reference weight(Conv2dGeometry g, AdderWeightGradient rule, double[] dy, double[] x, double[] w) {
            double[] dw = new double[g.weightSize()], bound = new double[g.weightSize()];
            int plane = g.outH() * g.outW(), k = g.patchSize();
            visit(g, (n, o, p, r, xi) -> {
                double d = (xi < 0 ? 0 : x[xi]) - w[o * k + r];
                double f = rule == AdderWeightGradient.SIGN ? Math.signum(d) : d;
                double gy = dy[(n * g.cout() + o) * plane + p];
                dw[o * k + r] += gy * f;
                bound[o * k + r] += Math.abs(gy) * (Math.abs(f) + Math.abs(w[o * k + r]) + (xi < 0 ? 0 : Math.abs(x[xi])));
            });
            return new Reference(dw, bound);
        }
    }
}
