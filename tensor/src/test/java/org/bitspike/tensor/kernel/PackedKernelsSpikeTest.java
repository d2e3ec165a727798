package org.bitspike.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Tag;
import net.jqwik.api.constraints.IntRange;

/**
 * The spike-event convolution and its companions in {@link PackedKernels}: the scalar oracle against
 * an independent FLOAT64 sum of the definition, the float convolution of the unpacked 0/1 input and a
 * plain float loop in the documented order (exactly); the Vector API kernel, in its adaptive, event
 * and dense forms, bit-identical to the oracle on sizes that hit every word, vector and tile tail,
 * strides 1 and 2, padding 0 and 1, 1x1 and 3x3, every float epilogue and 1 and 3 threads; the
 * threshold epilogue at NaN accumulations and infinite or empty bounds; the spike weight layout;
 * threshold packing and max pooling on packed bits against plain loops.
 *
 * <p>NOTE: floats are compared by {@link Float#floatToIntBits}, which maps every NaN to one pattern:
 * the contract fixes the order of the additions, not which NaN payload x86 propagates when two NaNs
 * meet (C2 may swap the operands of a commutative add).
 */
class PackedKernelsSpikeTest {
    private static final Parallel ONE = Parallel.of(1);
    private static final Parallel THREE = Parallel.of(3);
    private static final PackedKernels SCALAR = KernelProvider.scalar().packed();
    private static final PackedKernels VECTOR = KernelProvider.lookup("vector").provider().packed();
    private static final int[] CINS = {1, 3, 31, 64, 65, 130};
    private static final int[] COUTS = {1, 7, 16, 33, 128};
    private static final double[] DENSITIES = {0, 0.01, 0.1, 0.5, 1};
    /** (kernel, stride, pad) combinations: 1x1 and 3x3, strides 1 and 2, padding 0 and 1. */
    private static final int[][] FORMS = {{3, 1, 1}, {1, 1, 0}, {3, 2, 0}, {1, 2, 1}, {3, 1, 0}, {1, 1, 1},
            {3, 2, 1}, {1, 2, 0}};

    // ---- data -------------------------------------------------------------------------------

    /** A packed input (padding bits of each row's last word set at random: kernels must ignore them) and weights. */
    record Spikes(Conv2dGeometry g, long[] x, float[] w) {
        static Spikes random(Conv2dGeometry g, double density, SplittableRandom rnd) {
            int words = BitKernels.words(g.cin());
            long[] x = new long[g.n() * g.h() * g.w() * words];
            for (int p = 0; p < g.n() * g.h() * g.w(); p++) {
                for (int ci = 0; ci < words * 64; ci++) {
                    boolean on = ci < g.cin() ? rnd.nextDouble() < density : rnd.nextBoolean();
                    x[p * words + (ci >>> 6)] |= (on ? 1L : 0L) << ci;
                }
            }
            float[] w = new float[g.kH() * g.kW() * g.cin() * g.cout()];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) (rnd.nextDouble() * 2 - 1);
            }
            return new Spikes(g, x, w);
        }

        boolean spiked(int n, int ci, int ih, int iw) {
            int words = BitKernels.words(g.cin());
            return (x[((n * g.h() + ih) * g.w() + iw) * words + (ci >>> 6)] >>> ci & 1) != 0;
        }

        float weight(int kh, int kw, int ci, int co) {
            return w[((kh * g.kW() + kw) * g.cin() + ci) * g.cout() + co];
        }
    }

    static Conv2dGeometry geometry(int n, int cin, int cout, int h, int w, int[] form) {
        return Conv2dGeometry.of(n, cin, h, w, cout, form[0], form[0], form[1], form[2], 1, 1);
    }

    /** Every geometry of (b): each (cin, cout) pair with one of the {@link #FORMS} in turn, 5x7 planes. */
    static List<Conv2dGeometry> tailGeometries() {
        List<Conv2dGeometry> gs = new ArrayList<>();
        int i = 0;
        for (int cin : CINS) {
            for (int cout : COUTS) {
                gs.add(geometry(2, cin, cout, 5, 7, FORMS[i++ % FORMS.length]));
            }
        }
        return gs;
    }

    // ---- references ---------------------------------------------------------------------------

    /** The definition as a plain float loop: per output, taps ascending, then input channels ascending. */
    static float[] orderedLoop(Spikes s) {
        Conv2dGeometry g = s.g();
        float[] y = new float[g.outputSize()];
        for (int n = 0; n < g.n(); n++) {
            for (int co = 0; co < g.cout(); co++) {
                for (int oh = 0; oh < g.outH(); oh++) {
                    for (int ow = 0; ow < g.outW(); ow++) {
                        float acc = 0f;
                        for (int kh = 0; kh < g.kH(); kh++) {
                            for (int kw = 0; kw < g.kW(); kw++) {
                                int ih = oh * g.strideH() - g.padH() + kh, iw = ow * g.strideW() - g.padW() + kw;
                                if (ih < 0 || ih >= g.h() || iw < 0 || iw >= g.w()) {
                                    continue;
                                }
                                for (int ci = 0; ci < g.cin(); ci++) {
                                    if (s.spiked(n, ci, ih, iw)) {
                                        acc += s.weight(kh, kw, ci, co);
                                    }
                                }
                            }
                        }
                        y[((n * g.cout() + co) * g.outH() + oh) * g.outW() + ow] = acc;
                    }
                }
            }
        }
        return y;
    }

    /** The FLOAT64 sums of the fired weights ({@code [0]}) and of their magnitudes ({@code [1]}), NCHW. */
    static double[][] doubleSums(Spikes s) {
        Conv2dGeometry g = s.g();
        double[] sum = new double[g.outputSize()], mag = new double[g.outputSize()];
        for (int n = 0; n < g.n(); n++) {
            for (int oh = 0; oh < g.outH(); oh++) {
                for (int ow = 0; ow < g.outW(); ow++) {
                    for (int kh = 0; kh < g.kH(); kh++) {
                        for (int kw = 0; kw < g.kW(); kw++) {
                            int ih = oh * g.strideH() - g.padH() + kh, iw = ow * g.strideW() - g.padW() + kw;
                            if (ih < 0 || ih >= g.h() || iw < 0 || iw >= g.w()) {
                                continue;
                            }
                            for (int ci = 0; ci < g.cin(); ci++) {
                                if (!s.spiked(n, ci, ih, iw)) {
                                    continue;
                                }
                                for (int co = 0; co < g.cout(); co++) {
                                    int o = ((n * g.cout() + co) * g.outH() + oh) * g.outW() + ow;
                                    sum[o] += s.weight(kh, kw, ci, co);
                                    mag[o] += Math.abs(s.weight(kh, kw, ci, co));
                                }
                            }
                        }
                    }
                }
            }
        }
        return new double[][] {sum, mag};
    }

    /** The scalar float convolution of the unpacked 0/1 input with the kernel in its NCHW layout {@code [cout, cin, kH, kW]}. */
    static float[] floatConv(Spikes s) {
        Conv2dGeometry g = s.g();
        float[] x01 = new float[g.inputSize()];
        for (int n = 0; n < g.n(); n++) {
            for (int ci = 0; ci < g.cin(); ci++) {
                for (int ih = 0; ih < g.h(); ih++) {
                    for (int iw = 0; iw < g.w(); iw++) {
                        x01[((n * g.cin() + ci) * g.h() + ih) * g.w() + iw] = s.spiked(n, ci, ih, iw) ? 1f : 0f;
                    }
                }
            }
        }
        float[] oihw = new float[g.weightSize()];
        for (int co = 0; co < g.cout(); co++) {
            for (int ci = 0; ci < g.cin(); ci++) {
                for (int kh = 0; kh < g.kH(); kh++) {
                    for (int kw = 0; kw < g.kW(); kw++) {
                        oihw[((co * g.cin() + ci) * g.kH() + kh) * g.kW() + kw] = s.weight(kh, kw, ci, co);
                    }
                }
            }
        }
        float[] y = new float[g.outputSize()];
        KernelProvider.scalar().conv().conv2d(g, x01, 0, oihw, 0, null, 0, y, 0, ONE);
        return y;
    }

    static float[] raw(PackedKernels k, Spikes s, Parallel p) {
        float[] y = new float[s.g().outputSize()];
        k.spikeConv2d(s.g(), s.x(), 0, s.w(), 0, new PackedEpilogue.FloatRaw(y, 0), p);
        return y;
    }

    // ---- (a) the oracle against independent references ----------------------------------------

    @Example
    void oracleMatchesReferences() {
        SplittableRandom rnd = new SplittableRandom(1);
        for (Conv2dGeometry g : List.of(geometry(2, 3, 5, 6, 5, FORMS[0]), geometry(1, 70, 9, 4, 5, FORMS[2]),
                geometry(3, 130, 17, 3, 4, FORMS[1]), Conv2dGeometry.of(1, 5, 7, 6, 4, 2, 3, 3, 2, 1, 1))) {
            for (double d : DENSITIES) {
                checkOracle(Spikes.random(g, d, rnd));
            }
        }
    }

    @Property(tries = 20, seed = "20261208")
    @Tag("slow")
    void oracleMatchesReferencesOnRandomShapes(@ForAll @IntRange(min = 1, max = 140) int cin,
                                               @ForAll @IntRange(min = 1, max = 40) int cout,
                                               @ForAll @IntRange(min = 0, max = 7) int form,
                                               @ForAll @IntRange(min = 0, max = 100) int percent, @ForAll long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        checkOracle(Spikes.random(geometry(2, cin, cout, 4, 5, FORMS[form]), percent / 100.0, rnd));
    }

    private static void checkOracle(Spikes s) {
        Conv2dGeometry g = s.g();
        float[] y = raw(SCALAR, s, ONE);
        assertBits("oracle vs ordered float loop", g, orderedLoop(s), y);
        double[][] ref = doubleSums(s);
        float[] conv = floatConv(s);
        int terms = g.kH() * g.kW() * g.cin();
        for (int o = 0; o < y.length; o++) {
            // a sum of t floats in any order is within (t - 1) u sum|w| of the exact sum, u = 2^-24
            double bound = terms * 0x1p-24 * ref[1][o];
            if (!(Math.abs(y[o] - ref[0][o]) <= bound) || !(Math.abs(conv[o] - ref[0][o]) <= bound)
                    || !(Math.abs(y[o] - conv[o]) <= 2 * bound)) {
                fail(g + " output " + o + ": oracle " + y[o] + ", float conv " + conv[o] + ", FLOAT64 " + ref[0][o]
                        + " (bound " + bound + ")");
            }
        }
    }

    /** A hand-computed case: 2 channels, 2x2 input, 2x2 kernel, padding 1, so a 3x3 output of partial windows. */
    @Example
    void goldenCase() {
        Conv2dGeometry g = Conv2dGeometry.of(1, 2, 2, 2, 1, 2, 2, 1, 1, 1, 1);
        // spikes by pixel (ih, iw): (0, 0) ci 0; (0, 1) ci 1; (1, 0) none; (1, 1) ci 0 and 1
        long[] x = {0b01, 0b10, 0b00, 0b11};
        // w[kh][kw][ci]: (0,0) 1 10, (0,1) 100 1000, (1,0) 0.5 5, (1,1) 50 500
        float[] w = {1, 10, 100, 1000, 0.5f, 5, 50, 500};
        // output (oh, ow) reads input (oh - 1 + kh, ow - 1 + kw): e.g. (1, 1) adds tap (0,0) ci 0, tap (0,1)
        // ci 1, tap (1,1) ci 0 and 1: 1 + 1000 + 50 + 500; (1, 2) adds tap (0,0) ci 1, tap (1,0) ci 0 and 1
        float[] want = {50, 0.5f + 500, 5, 100, 1 + 1000 + 50 + 500, 10 + 0.5f + 5, 0, 100 + 1000, 1 + 10};
        Spikes s = new Spikes(g, x, w);
        assertArrayEquals(want, orderedLoop(s));
        for (PackedKernels k : List.of(SCALAR, VECTOR)) {
            assertArrayEquals(want, raw(k, s, ONE), k.getClass().getSimpleName());
        }
        for (SpikeConvPaths.Path path : SpikeConvPaths.Path.values()) {
            float[] y = new float[9];
            ((SpikeConvPaths) VECTOR).spikeConv2d(g, x, 0, w, 0, new PackedEpilogue.FloatRaw(y, 0), ONE, path);
            assertArrayEquals(want, y, path.toString());
        }
    }

    // ---- (b) the vector kernel bit-identical to the oracle -------------------------------------

    @Example
    void vectorFormsAreBitIdenticalToOracle() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (Conv2dGeometry g : tailGeometries()) {
            for (double d : DENSITIES) {
                checkVector(Spikes.random(g, d, rnd), rnd);
            }
        }
    }

    @Property(tries = 15, seed = "20261209")
    @Tag("slow")
    void vectorFormsAreBitIdenticalToOracleOnRandomShapes(@ForAll @IntRange(min = 1, max = 200) int cin,
                                                          @ForAll @IntRange(min = 1, max = 140) int cout,
                                                          @ForAll @IntRange(min = 1, max = 11) int width,
                                                          @ForAll @IntRange(min = 0, max = 7) int form,
                                                          @ForAll @IntRange(min = 0, max = 100) int percent,
                                                          @ForAll long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        checkVector(Spikes.random(geometry(3, cin, cout, 4, width, FORMS[form]), percent / 100.0, rnd), rnd);
    }

    private static void checkVector(Spikes s, SplittableRandom rnd) {
        Conv2dGeometry g = s.g();
        float[] scale = new float[g.cout()], shift = new float[g.cout()], lower = new float[g.cout()],
                upper = new float[g.cout()];
        for (int co = 0; co < g.cout(); co++) {
            scale[co] = (float) (rnd.nextDouble() * 4 - 2);
            shift[co] = (float) (rnd.nextDouble() * 2 - 1);
            lower[co] = (float) (rnd.nextDouble() * 2 - 1.5);
            upper[co] = lower[co] + (float) rnd.nextDouble() * 2;
        }
        int words = BitKernels.words(g.cout()), pixels = g.n() * g.outH() * g.outW();
        float[] rawWant = raw(SCALAR, s, ONE), affWant = new float[g.outputSize()];
        long[] bitsWant = new long[pixels * words];
        SCALAR.spikeConv2d(g, s.x(), 0, s.w(), 0, new PackedEpilogue.Affine(scale, shift, affWant, 0), ONE);
        SCALAR.spikeConv2d(g, s.x(), 0, s.w(), 0, new PackedEpilogue.FloatBits(lower, upper, bitsWant, 0), ONE);
        for (SpikeConvPaths.Path path : SpikeConvPaths.Path.values()) {
            for (Parallel p : List.of(ONE, THREE)) {
                String what = path + ", " + p.threads() + " threads";
                float[] y = new float[g.outputSize()];
                spike(g, s, new PackedEpilogue.FloatRaw(y, 0), p, path);
                assertBits("FloatRaw " + what, g, rawWant, y);
                float[] a = new float[g.outputSize()];
                spike(g, s, new PackedEpilogue.Affine(scale, shift, a, 0), p, path);
                assertBits("Affine " + what, g, affWant, a);
                long[] b = new long[pixels * words];
                spike(g, s, new PackedEpilogue.FloatBits(lower, upper, b, 0), p, path);
                assertArrayEquals(bitsWant, b, () -> "FloatBits " + what + " " + g);
            }
        }
        assertBits("default spikeConv2d", g, rawWant, raw(VECTOR, s, THREE));
    }

    private static void spike(Conv2dGeometry g, Spikes s, PackedEpilogue e, Parallel p, SpikeConvPaths.Path path) {
        ((SpikeConvPaths) VECTOR).spikeConv2d(g, s.x(), 0, s.w(), 0, e, p, path);
    }

    @Example
    void offsetsAreHonouredAndNothingOutsideIsWritten() {
        Conv2dGeometry g = geometry(2, 70, 19, 5, 6, FORMS[0]);
        Spikes s = Spikes.random(g, 0.3, new SplittableRandom(3));
        float[] want = raw(SCALAR, s, ONE);
        int off = 7;
        long[] x = new long[off + s.x().length];
        System.arraycopy(s.x(), 0, x, off, s.x().length);
        float[] w = new float[off + s.w().length];
        System.arraycopy(s.w(), 0, w, off, s.w().length);
        for (SpikeConvPaths.Path path : SpikeConvPaths.Path.values()) {
            float[] y = new float[off + want.length + 5];
            Arrays.fill(y, -7f);
            ((SpikeConvPaths) VECTOR).spikeConv2d(g, x, off, w, off, new PackedEpilogue.FloatRaw(y, off), THREE, path);
            assertBits("offsets " + path, g, want, Arrays.copyOfRange(y, off, off + want.length));
            for (int i = 0; i < y.length; i++) {
                if (i < off || i >= off + want.length) {
                    assertEquals(-7f, y[i], path + ": wrote outside the output at " + i);
                }
            }
        }
    }

    @Example
    void integerEpiloguesAreRefused() {
        Conv2dGeometry g = geometry(1, 3, 2, 3, 3, FORMS[0]);
        Spikes s = Spikes.random(g, 0.5, new SplittableRandom(4));
        for (PackedKernels k : List.of(SCALAR, VECTOR)) {
            for (PackedEpilogue e : List.of(new PackedEpilogue.IntRaw(new int[g.outputSize()], 0),
                    new PackedEpilogue.IntBits(new int[2], new int[2], new long[9], 0))) {
                IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                        () -> k.spikeConv2d(g, s.x(), 0, s.w(), 0, e, ONE));
                assertTrue(ex.getMessage().startsWith("spikeConv2d: epilogue " + e.getClass().getSimpleName()),
                        ex.getMessage());
            }
        }
    }

    // ---- (c) threshold bits at NaN, infinities and empty bounds --------------------------------

    @Example
    void floatBitsFollowTheBoundsAtNaNInfinityAndEmptyIntervals() {
        SplittableRandom rnd = new SplittableRandom(11);
        Conv2dGeometry g = geometry(2, 5, 70, 4, 5, FORMS[0]);
        Spikes s = Spikes.random(g, 0.6, rnd);
        float[] w = s.w();
        for (int i = 0; i < w.length; i++) {
            int co = i % g.cout();
            if (co % 7 == 1) {
                w[i] = i % 3 == 0 ? Float.POSITIVE_INFINITY : i % 3 == 1 ? Float.NEGATIVE_INFINITY : w[i]; // inf - inf
            } else if (co % 7 == 2 && i % 5 == 0) {
                w[i] = Float.NaN;
            } else if (co % 7 == 3) {
                w[i] = Float.POSITIVE_INFINITY;
            }
        }
        float[] acc = raw(SCALAR, s, ONE);
        boolean sawNaN = false;
        for (float a : acc) {
            sawNaN |= Float.isNaN(a);
        }
        assertTrue(sawNaN, "the data must produce NaN accumulations");
        float[] lower = new float[g.cout()], upper = new float[g.cout()];
        for (int co = 0; co < g.cout(); co++) {
            switch (co % 5) {
                case 0 -> { lower[co] = Float.NEGATIVE_INFINITY; upper[co] = Float.POSITIVE_INFINITY; } // all but NaN
                case 1 -> { lower[co] = 0.5f; upper[co] = -0.5f; }                                   // never
                case 2 -> { lower[co] = Float.NEGATIVE_INFINITY; upper[co] = 0f; }
                case 3 -> { lower[co] = 0f; upper[co] = Float.POSITIVE_INFINITY; }
                default -> { lower[co] = Float.POSITIVE_INFINITY; upper[co] = Float.POSITIVE_INFINITY; } // only +inf
            }
        }
        int words = BitKernels.words(g.cout()), plane = g.outH() * g.outW();
        long[] want = new long[g.n() * plane * words];
        for (int n = 0; n < g.n(); n++) {
            for (int p = 0; p < plane; p++) {
                for (int co = 0; co < g.cout(); co++) {
                    float a = acc[(n * g.cout() + co) * plane + p];
                    if (lower[co] <= a && a <= upper[co]) {
                        want[(n * plane + p) * words + (co >>> 6)] |= 1L << co;
                    }
                }
            }
        }
        for (PackedKernels k : List.of(SCALAR, VECTOR)) {
            long[] b = new long[want.length];
            k.spikeConv2d(g, s.x(), 0, w, 0, new PackedEpilogue.FloatBits(lower, upper, b, 0), THREE);
            assertArrayEquals(want, b, k.getClass().getSimpleName());
        }
        for (SpikeConvPaths.Path path : SpikeConvPaths.Path.values()) {
            long[] b = new long[want.length];
            ((SpikeConvPaths) VECTOR).spikeConv2d(g, s.x(), 0, w, 0, new PackedEpilogue.FloatBits(lower, upper, b, 0),
                    ONE, path);
            assertArrayEquals(want, b, path.toString());
            float[] y = new float[acc.length];
            ((SpikeConvPaths) VECTOR).spikeConv2d(g, s.x(), 0, w, 0, new PackedEpilogue.FloatRaw(y, 0), ONE, path);
            assertBits("FloatRaw with inf/NaN weights, " + path, g, acc, y);
        }
    }

    // ---- (d) the spike weight layout ------------------------------------------------------------

    @Example
    void transposeSpikeWeightsPutsOutputChannelsLast() {
        int cout = 3, cin = 2, kh = 2, kw = 3;
        float[] w = new float[5 + cout * cin * kh * kw];
        for (int i = 0; i < w.length; i++) {
            w[i] = i - 5;
        }
        float[] t = PackedKernels.transposeSpikeWeights(cout, cin, kh, kw, w, 5);
        assertEquals(cout * cin * kh * kw, t.length);
        for (int co = 0; co < cout; co++) {
            for (int ci = 0; ci < cin; ci++) {
                for (int a = 0; a < kh; a++) {
                    for (int b = 0; b < kw; b++) {
                        assertEquals(((co * cin + ci) * kh + a) * kw + b, t[((a * kw + b) * cin + ci) * cout + co]);
                    }
                }
            }
        }
        // w[co=1, ci=0, kh=1, kw=2] is element ((1 * 2 + 0) * 2 + 1) * 3 + 2 = 17 of the kernel; it lands at
        // ((kh * kW + kw) * cin + ci) * cout + co = ((1 * 3 + 2) * 2 + 0) * 3 + 1 = 31
        assertEquals(17f, t[31]);
    }

    // ---- (e) thresholdPack and maxPool2d ---------------------------------------------------------

    @Example
    void thresholdPackMatchesPlainLoop() {
        SplittableRandom rnd = new SplittableRandom(21);
        float[] specials = {Float.NaN, 0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0.25f, -0.25f};
        for (int c : new int[] {1, 3, 31, 64, 65, 130}) {
            int n = 2, h = 3, w = 5, words = BitKernels.words(c);
            float[] x = new float[3 + n * c * h * w];
            for (int i = 0; i < x.length; i++) {
                x[i] = i % 9 == 0 ? specials[i % specials.length] : (float) (rnd.nextDouble() * 2 - 1);
            }
            float[] lower = new float[c], upper = new float[c];
            for (int ci = 0; ci < c; ci++) {
                lower[ci] = ci % 4 == 0 ? Float.NEGATIVE_INFINITY : (float) (rnd.nextDouble() - 0.75);
                upper[ci] = ci % 4 == 1 ? Float.POSITIVE_INFINITY : ci % 4 == 2 ? lower[ci] - 1 : lower[ci] + 0.5f;
            }
            long[] want = new long[2 + n * h * w * words];
            for (int img = 0; img < n; img++) {
                for (int p = 0; p < h * w; p++) {
                    for (int ci = 0; ci < c; ci++) {
                        float v = x[3 + (img * c + ci) * h * w + p];
                        if (lower[ci] <= v && v <= upper[ci]) {
                            want[2 + (img * h * w + p) * words + (ci >>> 6)] |= 1L << ci;
                        }
                    }
                }
            }
            for (PackedKernels k : List.of(SCALAR, VECTOR)) {
                long[] y = new long[want.length];
                k.thresholdPack(n, c, h, w, x, 3, lower, upper, y, 2, THREE);
                assertArrayEquals(want, y, k.getClass().getSimpleName() + " c = " + c);
            }
        }
    }

    @Example
    void maxPoolOrsSpikesAndAndsThresholdBits() {
        // one image, 3 channels, 2x2 input, 2x2 window: channel 0 (OR) fired at one pixel, channel 1 (AND)
        // at all four, channel 2 (AND) at three of four
        long[] x = {0b011, 0b110, 0b110, 0b110};
        Pool2dGeometry g = Pool2dGeometry.of(1, 3, 2, 2, 2, 2, 0);
        for (PackedKernels k : List.of(SCALAR, VECTOR)) {
            long[] y = new long[1];
            k.maxPool2d(g, x, 0, new long[] {0b001}, y, 0, ONE);
            assertEquals(0b011L, y[0], k.getClass().getSimpleName());
        }
    }

    @Example
    void maxPoolMatchesPlainLoop() {
        SplittableRandom rnd = new SplittableRandom(23);
        for (int c : new int[] {1, 31, 64, 65, 130}) {
            for (Pool2dGeometry g : List.of(Pool2dGeometry.of(2, c, 6, 7, 2, 2, 0), Pool2dGeometry.of(1, c, 7, 5, 3, 2, 0),
                    new Pool2dGeometry(2, c, 5, 6, 2, 3, 1, 2, 0, 0, 2, 1))) {
                int words = BitKernels.words(c);
                long[] x = new long[1 + g.n() * g.h() * g.w() * words];
                for (int i = 0; i < x.length; i++) {
                    x[i] = rnd.nextLong();
                }
                long[] or = new long[words];
                for (int i = 0; i < words; i++) {
                    or[i] = rnd.nextLong();
                }
                long[] want = new long[g.n() * g.outH() * g.outW() * words];
                for (int n = 0; n < g.n(); n++) {
                    for (int oh = 0; oh < g.outH(); oh++) {
                        for (int ow = 0; ow < g.outW(); ow++) {
                            for (int ci = 0; ci < c; ci++) {
                                boolean any = false, all = true;
                                for (int a = 0; a < g.kH(); a++) {
                                    for (int b = 0; b < g.kW(); b++) {
                                        int ih = oh * g.strideH() + a * g.dilationH(), iw = ow * g.strideW() + b * g.dilationW();
                                        boolean bit = (x[1 + ((n * g.h() + ih) * g.w() + iw) * words + (ci >>> 6)] >>> ci & 1) != 0;
                                        any |= bit;
                                        all &= bit;
                                    }
                                }
                                boolean orRule = (or[ci >>> 6] >>> ci & 1) != 0;
                                if (orRule ? any : all) {
                                    want[((n * g.outH() + oh) * g.outW() + ow) * words + (ci >>> 6)] |= 1L << ci;
                                }
                            }
                        }
                    }
                }
                for (PackedKernels k : List.of(SCALAR, VECTOR)) {
                    long[] y = new long[want.length];
                    k.maxPool2d(g, x, 1, or, y, 0, THREE);
                    assertArrayEquals(want, y, k.getClass().getSimpleName() + " " + g);
                }
            }
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static void assertBits(String what, Object geometry, float[] want, float[] got) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToIntBits(want[i]) != Float.floatToIntBits(got[i])) {
                fail(what + " " + geometry + ": element " + i + " is " + got[i] + " (0x"
                        + Integer.toHexString(Float.floatToRawIntBits(got[i])) + "), the oracle's " + want[i] + " (0x"
                        + Integer.toHexString(Float.floatToRawIntBits(want[i])) + ")");
            }
        }
    }
}
