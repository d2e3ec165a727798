package org.bitspike.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link PackedKernels#xnorConv2d} and {@link PackedKernels#packXnorWeights}: the scalar oracle
 * against an independent reference (the float convolution of the unpacked +-1 maps, the input
 * explicitly padded with {@code padValue}) and hand-computed cases; the vector provider against the
 * oracle, bit for bit, on sizes that hit every tail (64-bit words, 4-pixel tiles, 8- and 16-channel
 * panels, 64-pixel tasks, 64-channel output words) and on 1 and 3 threads.
 */
class PackedKernelsXnorTest {
    private static final PackedKernels ORACLE = KernelProvider.scalar().packed();
    private static final PackedKernels VECTOR = KernelProvider.lookup("vector").provider().packed();
    private static final int[] CINS = {1, 3, 32, 63, 64, 65, 128, 200};
    private static final int X_OFF = 5;
    private static final int W_OFF = 3;
    private static final int Y_OFF = 2;

    // ---- hand-computed cases ---------------------------------------------------------------

    /**
     * One channel, 3x3 input and kernel, padding 1. By hand, output (0, 0): the inside taps
     * {@code w[1][1] x[0][0] + w[1][2] x[0][1] + w[2][1] x[1][0] + w[2][2] x[1][1] = 1 - 1 + 1 + 1 = 2},
     * the padded taps' weights {@code w[0][0..2], w[1][0], w[2][0]} sum to {@code 1 + 1 - 1 - 1 + 1 = 1};
     * output (1, 1) has every tap inside: rows {@code -1 + 3 - 1 = 1}; output (2, 2): inside
     * {@code 1 + 1 - 1 - 1 = 0}, padded weights {@code w[0][2], w[1][2], w[2][0..2]} sum to 1.
     * So {@code acc = inside + padValue * padded}.
     */
    private static final float[] HAND_X = {1, -1, 1, -1, 1, 1, 1, 1, -1};
    private static final float[] HAND_W = {1, 1, -1, -1, 1, 1, 1, -1, 1};

    @Test
    void handComputedOneChannelThreeByThree() {
        int[][] want = {{1, 1, -1}, {2, 1, 0}, {3, 1, 1}}; // padValue -1, 0, +1 at (0,0), (1,1), (2,2)
        for (int padValue = -1; padValue <= 1; padValue++) {
            for (PackedKernels k : new PackedKernels[] {ORACLE, VECTOR}) {
                int[] acc = handConv(k, 1, padValue);
                int[] w = want[padValue + 1];
                String what = k.getClass().getSimpleName() + " padValue " + padValue;
                assertEquals(w[0], acc[0], what + " (0, 0)");
                assertEquals(w[1], acc[4], what + " (1, 1)");
                assertEquals(w[2], acc[8], what + " (2, 2)");
                // stride 2 keeps outputs (0, 0) and (2, 2) of stride 1
                assertArrayEquals(new int[] {w[0], acc[2], acc[6], w[2]}, handConv(k, 2, padValue), what + " stride 2");
            }
        }
        // stride 1, padValue +1: the whole map, to pin the corners' shares as well
        assertArrayEquals(new int[] {3, -1, 5, 3, 1, 3, 1, -1, 1}, handConv(ORACLE, 1, 1));
    }

    @Test
    void handComputedEpilogues() {
        // stride 1, padValue 0: the IntRaw map checked at the end, then scaled and thresholded
        int[] raw = handConv(ORACLE, 1, 0);
        Conv2dGeometry g = Conv2dGeometry.of(1, 1, 3, 3, 1, 3, 3, 1, 1, 1, 1);
        long[] x = pack(HAND_X, 1, 1, 9);
        long[] w = PackedKernels.packXnorWeights(1, 1, 3, 3, HAND_W, 0);
        for (PackedKernels k : new PackedKernels[] {ORACLE, VECTOR}) {
            float[] y = new float[9];
            k.xnorConv2d(g, 0, x, 0, w, 0, new PackedEpilogue.Affine(new float[] {0.5f}, new float[] {-0.25f}, y, 0),
                    Parallel.shared());
            for (int i = 0; i < 9; i++) {
                assertEquals(raw[i] * 0.5f - 0.25f, y[i], "affine " + i);
            }
            long[] bits = new long[9];
            k.xnorConv2d(g, 0, x, 0, w, 0, new PackedEpilogue.IntBits(new int[] {1}, new int[] {2}, bits, 0),
                    Parallel.shared());
            for (int i = 0; i < 9; i++) {
                assertEquals(raw[i] >= 1 && raw[i] <= 2 ? 1L : 0L, bits[i], "bits " + i + " of acc " + raw[i]);
            }
        }
        assertArrayEquals(new int[] {2, -2, 2, 2, 1, 2, 0, -2, 0}, raw, "padValue 0, by hand from HAND_X and HAND_W");
    }

    private static int[] handConv(PackedKernels k, int stride, int padValue) {
        Conv2dGeometry g = Conv2dGeometry.of(1, 1, 3, 3, 1, 3, 3, stride, 1, 1, 1);
        long[] x = pack(HAND_X, 1, 1, 9);
        long[] w = PackedKernels.packXnorWeights(1, 1, 3, 3, HAND_W, 0);
        int[] y = new int[g.outputSize()];
        k.xnorConv2d(g, padValue, x, 0, w, 0, new PackedEpilogue.IntRaw(y, 0), Parallel.shared());
        return y;
    }

    @Test
    void floatEpiloguesAreRejected() {
        Conv2dGeometry g = Conv2dGeometry.of(1, 1, 3, 3, 1, 3, 3, 1, 1, 1, 1);
        long[] x = new long[9];
        long[] w = new long[9];
        for (PackedKernels k : new PackedKernels[] {ORACLE, VECTOR}) {
            assertThrows(IllegalArgumentException.class, () -> k.xnorConv2d(g, 0, x, 0, w, 0,
                    new PackedEpilogue.FloatRaw(new float[9], 0), Parallel.shared()));
            assertThrows(IllegalArgumentException.class, () -> k.xnorConv2d(g, 0, x, 0, w, 0,
                    new PackedEpilogue.FloatBits(new float[1], new float[1], new long[9], 0), Parallel.shared()));
        }
    }

    /** Layout row {@code (co, kh, kw)} of {@code cin} bits; {@code w >= 0} is 1, -0 too, NaN is 0. */
    @Test
    void packXnorWeightsLayoutAndSignRule() {
        // cout 1, cin 3, 1 x 2 kernel: w[0, ci, 0, kw] = {ci 0: 0.5, -0}, {ci 1: NaN, -1}, {ci 2: 0, -MIN_VALUE}
        float[] w = {9, 0.5f, -0f, Float.NaN, -1f, 0f, -Float.MIN_VALUE};
        long[] packed = PackedKernels.packXnorWeights(1, 3, 1, 2, w, 1);
        assertArrayEquals(new long[] {0b101L, 0b001L}, packed, "tap (0, 0) has ci 0 and 2 set, tap (0, 1) ci 0");
        Random rnd = new Random(7);
        float[] specials = {0.5f, -0f, 0f, Float.NaN, -1f, Float.MIN_VALUE, -Float.MIN_VALUE,
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        int cout = 3, cin = 130, kH = 2, kW = 3, words = BitKernels.words(cin);
        float[] big = new float[cout * cin * kH * kW + 4];
        for (int i = 0; i < big.length; i++) {
            big[i] = rnd.nextInt(3) == 0 ? specials[rnd.nextInt(specials.length)] : (float) rnd.nextGaussian();
        }
        long[] got = PackedKernels.packXnorWeights(cout, cin, kH, kW, big, 4);
        assertEquals(cout * kH * kW * words, got.length);
        for (int co = 0; co < cout; co++) {
            for (int kh = 0; kh < kH; kh++) {
                for (int kw = 0; kw < kW; kw++) {
                    int row = ((co * kH + kh) * kW + kw) * words;
                    for (int ci = 0; ci < 64 * words; ci++) {
                        boolean want = ci < cin && big[4 + ((co * cin + ci) * kH + kh) * kW + kw] >= 0f;
                        boolean bit = (got[row + (ci >>> 6)] >>> (ci & 63) & 1L) != 0;
                        assertEquals(want, bit, "co " + co + " kh " + kh + " kw " + kw + " ci " + ci);
                    }
                }
            }
        }
    }

    // ---- the oracle against the float convolution --------------------------------------------

    @Property(tries = 40, seed = "20261208")
    void oracleMatchesFloatConvolutionOfPaddedInput(@ForAll("geometries") Conv2dGeometry g,
                                                   @ForAll("padValues") int padValue, @ForAll long seed) {
        Random rnd = new Random(seed);
        long[] x = randomBits(rnd, g.n() * g.h() * g.w(), g.cin(), X_OFF);
        long[] w = randomBits(rnd, g.cout() * g.kH() * g.kW(), g.cin(), W_OFF);
        int[] got = new int[Y_OFF + g.outputSize()];
        ORACLE.xnorConv2d(g, padValue, x, X_OFF, w, W_OFF, new PackedEpilogue.IntRaw(got, Y_OFF), Parallel.shared());
        int[] want = reference(g, padValue, x, w);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[Y_OFF + i], g + " padValue " + padValue + " output " + i);
        }
    }

    /** The oracle's Affine and IntBits outputs from its IntRaw ones by the definitions, by hand. */
    @Property(tries = 30, seed = "20261209")
    void oracleEpiloguesFollowTheirDefinitions(@ForAll("geometries") Conv2dGeometry g,
                                              @ForAll("padValues") int padValue, @ForAll long seed) {
        Random rnd = new Random(seed);
        long[] x = randomBits(rnd, g.n() * g.h() * g.w(), g.cin(), X_OFF);
        long[] w = randomBits(rnd, g.cout() * g.kH() * g.kW(), g.cin(), W_OFF);
        Outputs o = Outputs.run(ORACLE, g, padValue, x, w, rnd.nextLong(), Parallel.shared());
        int plane = g.outH() * g.outW(), wordsOut = BitKernels.words(g.cout());
        for (int n = 0; n < g.n(); n++) {
            for (int co = 0; co < g.cout(); co++) {
                for (int p = 0; p < plane; p++) {
                    int acc = o.raw[Y_OFF + (n * g.cout() + co) * plane + p];
                    float scaled = acc * o.scale[co];
                    assertEquals(Float.floatToRawIntBits(scaled + o.shift[co]),
                            Float.floatToRawIntBits(o.affine[Y_OFF + (n * g.cout() + co) * plane + p]));
                    boolean fire = o.lower[co] <= acc && acc <= o.upper[co];
                    long word = o.bits[Y_OFF + (n * plane + p) * wordsOut + (co >>> 6)];
                    assertEquals(fire, (word >>> (co & 63) & 1L) != 0, "bit of channel " + co + " acc " + acc);
                }
            }
            for (int p = 0; p < plane; p++) {
                long last = o.bits[Y_OFF + (n * plane + p) * wordsOut + wordsOut - 1];
                assertEquals(0L, last & ~BitKernels.lastWordMask(g.cout()), "padding bits of the output are 0");
            }
        }
    }

    // ---- the vector provider against the oracle ------------------------------------------------

    @Property(tries = 40, seed = "20261210")
    void vectorIsBitIdenticalToOracle(@ForAll("geometries") Conv2dGeometry g, @ForAll("padValues") int padValue,
                                      @ForAll long seed) {
        checkVectorAgainstOracle(g, padValue, seed);
    }

    /** Every input-channel tail, 1x1 and 3x3, strides 1 and 2, padding 0..2, every padValue. */
    @Test
    void vectorIsBitIdenticalToOracleOnChannelTails() {
        long seed = 1;
        for (int cin : CINS) {
            for (int k : new int[] {1, 3}) {
                for (int stride = 1; stride <= 2; stride++) {
                    for (int pad = 0; pad <= 2; pad++) {
                        int cout = 1 + (int) (seed * 13 % 40);
                        Conv2dGeometry g = Conv2dGeometry.of(2, cin, 5 + cin % 3, 6, cout, k, k, stride, pad, 1, 1);
                        for (int padValue = -1; padValue <= 1; padValue++) {
                            checkVectorAgainstOracle(g, padValue, seed++);
                        }
                    }
                }
            }
        }
    }

    /** Bigger maps: several 64-pixel tasks with a tail, output-channel words 64 + 66, 5x5 and 2x3 kernels. */
    @Test
    @Tag("slow")
    void vectorIsBitIdenticalToOracleOnLargerMaps() {
        checkVectorAgainstOracle(Conv2dGeometry.of(3, 128, 9, 11, 130, 3, 3, 1, 1, 1, 1), 1, 11);
        checkVectorAgainstOracle(Conv2dGeometry.of(2, 65, 12, 10, 64, 5, 5, 1, 2, 1, 1), 0, 12);
        checkVectorAgainstOracle(Conv2dGeometry.of(2, 200, 13, 9, 17, 2, 3, 2, 1, 1, 1), -1, 13);
        checkVectorAgainstOracle(Conv2dGeometry.of(4, 64, 16, 16, 128, 1, 1, 1, 0, 1, 1), 1, 14);
    }

    private static void checkVectorAgainstOracle(Conv2dGeometry g, int padValue, long seed) {
        Random rnd = new Random(seed);
        long[] x = randomBits(rnd, g.n() * g.h() * g.w(), g.cin(), X_OFF);
        long[] w = randomBits(rnd, g.cout() * g.kH() * g.kW(), g.cin(), W_OFF);
        long epilogueSeed = rnd.nextLong();
        Outputs want = Outputs.run(ORACLE, g, padValue, x, w, epilogueSeed, Parallel.shared());
        for (int threads : new int[] {1, 3}) {
            try (Parallel parallel = Parallel.of(threads)) {
                Outputs got = Outputs.run(VECTOR, g, padValue, x, w, epilogueSeed, parallel);
                String what = g + " padValue " + padValue + " threads " + threads;
                assertArrayEquals(want.raw, got.raw, what + " IntRaw");
                assertArrayEquals(want.affine, got.affine, what + " Affine");
                assertArrayEquals(want.bits, got.bits, what + " IntBits");
            }
        }
    }

    /** The three int epilogues of one convolution, into arrays with sentinels around the outputs. */
    record Outputs(int[] raw, float[] scale, float[] shift, float[] affine, int[] lower, int[] upper, long[] bits) {
        static Outputs run(PackedKernels k, Conv2dGeometry g, int padValue, long[] x, long[] w, long seed,
                           Parallel parallel) {
            Random rnd = new Random(seed);
            int cout = g.cout(), taps = g.kH() * g.kW(), range = g.cin() * taps;
            float[] scale = new float[cout], shift = new float[cout];
            int[] lower = new int[cout], upper = new int[cout];
            for (int co = 0; co < cout; co++) {
                scale[co] = (float) rnd.nextGaussian();
                shift[co] = (float) rnd.nextGaussian() * 10;
                // bounds inside, outside and across the accumulation range; some never fire
                lower[co] = rnd.nextInt(3) == 0 ? Integer.MIN_VALUE : rnd.nextInt(2 * range + 3) - range - 1;
                upper[co] = rnd.nextInt(3) == 0 ? Integer.MAX_VALUE : rnd.nextInt(2 * range + 3) - range - 1;
            }
            int plane = g.outH() * g.outW();
            int[] raw = new int[Y_OFF + g.outputSize() + 3];
            float[] affine = new float[Y_OFF + g.outputSize() + 3];
            long[] bits = new long[Y_OFF + g.n() * plane * BitKernels.words(cout) + 3];
            java.util.Arrays.fill(raw, 0x5EED);
            java.util.Arrays.fill(affine, Float.NaN);
            java.util.Arrays.fill(bits, 0x5EEDFACEL);
            k.xnorConv2d(g, padValue, x, X_OFF, w, W_OFF, new PackedEpilogue.IntRaw(raw, Y_OFF), parallel);
            k.xnorConv2d(g, padValue, x, X_OFF, w, W_OFF, new PackedEpilogue.Affine(scale, shift, affine, Y_OFF),
                    parallel);
            k.xnorConv2d(g, padValue, x, X_OFF, w, W_OFF, new PackedEpilogue.IntBits(lower, upper, bits, Y_OFF),
                    parallel);
            return new Outputs(raw, scale, shift, affine, lower, upper, bits);
        }
    }

    // ---- reference and data ------------------------------------------------------------------

    /**
     * The float convolution (scalar oracle, no padding) of the unpacked +-1 input, explicitly padded
     * with {@code padValue} in every channel, and the unpacked +-1 weights; every sum is an integer
     * below 2^24, so exact.
     */
    private static int[] reference(Conv2dGeometry g, int padValue, long[] x, long[] w) {
        int words = BitKernels.words(g.cin());
        int ph = g.h() + 2 * g.padH(), pw = g.w() + 2 * g.padW();
        float[] padded = new float[g.n() * g.cin() * ph * pw];
        java.util.Arrays.fill(padded, padValue);
        for (int n = 0; n < g.n(); n++) {
            for (int ih = 0; ih < g.h(); ih++) {
                for (int iw = 0; iw < g.w(); iw++) {
                    int row = X_OFF + ((n * g.h() + ih) * g.w() + iw) * words;
                    for (int ci = 0; ci < g.cin(); ci++) {
                        padded[((n * g.cin() + ci) * ph + ih + g.padH()) * pw + iw + g.padW()] =
                                BitTestData.bit(x, row, words, 0, ci) ? 1f : -1f;
                    }
                }
            }
        }
        int taps = g.kH() * g.kW();
        float[] wf = new float[g.cout() * g.cin() * taps];
        for (int co = 0; co < g.cout(); co++) {
            for (int tap = 0; tap < taps; tap++) {
                for (int ci = 0; ci < g.cin(); ci++) {
                    wf[(co * g.cin() + ci) * taps + tap] =
                            BitTestData.bit(w, W_OFF + (co * taps + tap) * words, words, 0, ci) ? 1f : -1f;
                }
            }
        }
        Conv2dGeometry unpadded = new Conv2dGeometry(g.n(), g.cin(), ph, pw, g.cout(), g.kH(), g.kW(),
                g.strideH(), g.strideW(), 0, 0, 1, 1, 1);
        float[] y = new float[unpadded.outputSize()];
        KernelProvider.scalar().conv().conv2d(unpadded, padded, 0, wf, 0, null, 0, y, 0, Parallel.shared());
        int[] out = new int[y.length];
        for (int i = 0; i < y.length; i++) {
            out[i] = (int) y[i];
            assertEquals(out[i], y[i], 0f, "the float reference is an exact integer");
        }
        return out;
    }

    /** {@code rows} packed rows of {@code k} random bits from {@code off}, padding bits random (ignored). */
    private static long[] randomBits(Random rnd, int rows, int k, int off) {
        return BitTestData.randomBits(rnd, rows, k, off, BitKernels.words(k), true);
    }

    /** The packed pixel rows of a float NCHW map by the sign rule. */
    private static long[] pack(float[] x, int n, int c, int plane) {
        long[] packed = new long[n * plane * BitKernels.words(c)];
        for (int img = 0; img < n; img++) {
            KernelProvider.scalar().bits().pack(plane, c, x, img * c * plane, 1, plane, BitKernels.SIGN_THRESHOLD,
                    packed, img * plane * BitKernels.words(c), BitKernels.words(c), Parallel.shared());
        }
        return packed;
    }

    @Provide
    Arbitrary<Integer> padValues() {
        return Arbitraries.of(-1, 0, 1);
    }

    /** n 1-3, cin among the word tails, cout 1-40, planes 1-9, kernels 1, 2, 3, 5, stride 1-2, padding 0-2. */
    @Provide
    Arbitrary<Conv2dGeometry> geometries() {
        return Combinators.combine(
                Arbitraries.integers().between(1, 3),
                Arbitraries.of(1, 3, 32, 63, 64, 65, 128, 200),
                Arbitraries.integers().between(1, 40),
                Arbitraries.integers().between(1, 9),
                Arbitraries.integers().between(1, 9),
                Arbitraries.of(1, 2, 3, 5),
                Arbitraries.integers().between(1, 2),
                Arbitraries.integers().between(0, 2)
        ).as((n, cin, cout, h, w, k, stride, pad) -> Conv2dGeometry.of(n, cin, Math.max(h, k - 2 * pad),
                Math.max(w, k - 2 * pad), cout, k, k, stride, pad, 1, 1));
    }
}
