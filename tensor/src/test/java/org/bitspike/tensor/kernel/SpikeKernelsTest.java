package org.bitspike.tensor.kernel;

import static org.bitspike.tensor.kernel.ElementwiseKernelsTest.SIZES;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The Vector API spike-layer passes against the scalar oracle, bit for bit (the order of every
 * float operation and of the sums is part of {@link SpikeKernels}' contract; NaN payloads aside):
 * every size tail, run offsets, every phase of the 16 partials ({@code j0}), with and without the
 * {@code du} output, partials that already hold values, clipping values from tiny to huge, and
 * potentials with NaN, infinities, signed zeros, subnormals, negative values and exact ties with
 * the thresholds and window ends (and their neighbouring floats). Outputs are pre-filled with a
 * sentinel and compared whole, so a write outside the run fails too.
 */
class SpikeKernelsTest {
    private static final int[] J0 = {0, 1, 5, 15, 16, 37};
    private static final int LANES = Tuning.SUM_LANES;
    private static final float SENTINEL = -31337f;
    /** Clipping values a: ordinary, inexact reciprocals, tiny (z overflows) and huge (z underflows). */
    private static final float[] CLIPS = {1f, 0.37f, 3f, 1e-30f, 1e30f};
    private static final int U_OFF = 3;
    private static final int G_OFF = 1;
    private static final int OUT_OFF = 2;

    private static final SpikeKernels SCALAR = KernelProvider.scalar().spikes();
    private static final SpikeKernels VECTOR = KernelProvider.lookup("vector").provider().spikes();

    /**
     * Potentials for clipping value a: z = u / a around the interesting points (0, the thresholds
     * 0.5 and 1, the window end 2), exact multiples of a and their float neighbours, Gaussian
     * values, and with {@code specials} NaN, infinities, signed zeros, subnormals and the extremes.
     */
    static float[] potentials(int n, long seed, float a, boolean specials) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 0f, Float.MIN_VALUE,
            -Float.MIN_NORMAL / 3, Float.MAX_VALUE, -Float.MAX_VALUE};
        float[] marks = {0f, 0.5f, 1f, 2f, -1f};
        float[] u = new float[n];
        for (int i = 0; i < n; i++) {
            int kind = rnd.nextInt(16);
            if (specials && kind == 0) {
                u[i] = special[rnd.nextInt(special.length)];
            } else if (kind < 4) {
                float m = marks[rnd.nextInt(marks.length)] * a;
                int step = rnd.nextInt(3) - 1;
                u[i] = step < 0 ? Math.nextDown(m) : step > 0 ? Math.nextUp(m) : m;
            } else {
                u[i] = (float) (rnd.nextGaussian() * 1.5 + 0.5) * a;
            }
        }
        return u;
    }

    private static float[] gradients(int n, long seed, boolean specials) {
        float[] g = ElementwiseKernelsTest.data(n, seed, specials);
        return g;
    }

    private static float[] filled(int n) {
        float[] out = new float[n];
        Arrays.fill(out, SENTINEL);
        return out;
    }

    private static double[] partials(int sets, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] p = new double[sets * LANES];
        for (int i = 0; i < p.length; i++) {
            p[i] = rnd.nextGaussian();
        }
        return p;
    }

    private static void assertSameFloats(float[] want, float[] got, String what) {
        for (int i = 0; i < want.length; i++) {
            int at = i;
            boolean same = Float.floatToRawIntBits(want[i]) == Float.floatToRawIntBits(got[i])
                    || Float.isNaN(want[i]) && Float.isNaN(got[i]);
            assertEquals(true, same, () -> what + ": element " + at + " is " + got[at] + ", oracle " + want[at]);
        }
    }

    private static void assertSameDoubles(double[] want, double[] got, String what) {
        for (int i = 0; i < want.length; i++) {
            int at = i;
            boolean same = Double.doubleToRawLongBits(want[i]) == Double.doubleToRawLongBits(got[i])
                    || Double.isNaN(want[i]) && Double.isNaN(got[i]);
            assertEquals(true, same, () -> what + ": partial " + at + " is " + got[at] + ", oracle " + want[at]);
        }
    }

    private static String where(int n, int j0, float a, boolean specials) {
        return "n=" + n + " j0=" + j0 + " a=" + a + " specials=" + specials;
    }

    @Test
    void clippedSumsEqualOracle() {
        for (int n : SIZES) {
            for (int j0 : J0) {
                for (float a : CLIPS) {
                    for (boolean specials : new boolean[] {false, true}) {
                        long seed = n * 131L + j0 * 7L + Float.floatToIntBits(a) + (specials ? 1 : 0);
                        float[] u = potentials(n + U_OFF, seed, a, specials);
                        double[] want = partials(2, seed);
                        double[] got = want.clone();
                        SCALAR.clippedSums(n, u, U_OFF, a, j0, want);
                        VECTOR.clippedSums(n, u, U_OFF, a, j0, got);
                        assertSameDoubles(want, got, "clippedSums " + where(n, j0, a, specials));
                    }
                }
            }
        }
    }

    @Test
    void fireEqualsOracle() {
        float[] thresholds = {0.5f, 0f, 1f, -0f, Float.NaN, Float.NEGATIVE_INFINITY, 0.7071f};
        for (int n : SIZES) {
            for (float a : CLIPS) {
                for (float t : thresholds) {
                    for (boolean specials : new boolean[] {false, true}) {
                        long seed = n * 17L + Float.floatToIntBits(a) + Float.floatToIntBits(t) + (specials ? 1 : 0);
                        float[] u = potentials(n + U_OFF, seed, a, specials);
                        float[] want = filled(n + OUT_OFF + 3);
                        float[] got = filled(n + OUT_OFF + 3);
                        SCALAR.fire(n, u, U_OFF, a, t, want, OUT_OFF);
                        VECTOR.fire(n, u, U_OFF, a, t, got, OUT_OFF);
                        assertSameFloats(want, got, "fire t=" + t + " " + where(n, 0, a, specials));
                    }
                }
            }
        }
    }

    /** (lo, hi, height): the default window, the authors' later one, everything, and a negative height. */
    private static final float[][] WINDOWS = {{0f, 2f, 0.5f}, {0f, 1f, 1f}, {Float.NEGATIVE_INFINITY,
        Float.POSITIVE_INFINITY, 0.25f}, {-1f, 0.5f, -3f}};

    @Test
    void fireBackwardEqualsOracle() {
        for (int n : SIZES) {
            for (int j0 : J0) {
                for (float a : CLIPS) {
                    for (float[] w : WINDOWS) {
                        for (boolean specials : new boolean[] {false, true}) {
                            for (boolean withDu : new boolean[] {true, false}) {
                                long seed = n * 131L + j0 * 7L + Float.floatToIntBits(a) + Float.floatToIntBits(w[1])
                                        + (specials ? 1 : 0);
                                float[] u = potentials(n + U_OFF, seed, a, specials);
                                float[] g = gradients(n + G_OFF, seed + 1, specials);
                                double[] wantSums = partials(1, seed);
                                double[] gotSums = wantSums.clone();
                                float[] want = withDu ? filled(n + OUT_OFF + 3) : null;
                                float[] got = withDu ? filled(n + OUT_OFF + 3) : null;
                                SCALAR.fireBackward(n, g, G_OFF, u, U_OFF, a, w[0], w[1], w[2], j0, wantSums, want,
                                        OUT_OFF);
                                VECTOR.fireBackward(n, g, G_OFF, u, U_OFF, a, w[0], w[1], w[2], j0, gotSums, got,
                                        OUT_OFF);
                                String what = "fireBackward window " + Arrays.toString(w) + " du=" + withDu + " "
                                        + where(n, j0, a, specials);
                                assertSameDoubles(wantSums, gotSums, what);
                                if (withDu) {
                                    assertSameFloats(want, got, what);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** (scale, invExt): typical, negative scale, the l2 = 0 form, and a large invExt (heavy cancellation). */
    private static final float[][] RATIOS = {{0.7f, 1.3f}, {-2.5f, 0.25f}, {0f, 0f}, {1e-3f, 7.5f}};

    @Test
    void ratioBackwardEqualsOracle() {
        for (int n : SIZES) {
            for (int j0 : J0) {
                for (float a : CLIPS) {
                    for (float[] r : RATIOS) {
                        for (boolean specials : new boolean[] {false, true}) {
                            for (boolean withDu : new boolean[] {true, false}) {
                                long seed = n * 131L + j0 * 7L + Float.floatToIntBits(a) + Float.floatToIntBits(r[0])
                                        + (specials ? 1 : 0);
                                float[] u = potentials(n + U_OFF, seed, a, specials);
                                double[] wantSums = partials(1, seed);
                                double[] gotSums = wantSums.clone();
                                float[] want = withDu ? filled(n + OUT_OFF + 3) : null;
                                float[] got = withDu ? filled(n + OUT_OFF + 3) : null;
                                SCALAR.ratioBackward(n, u, U_OFF, a, r[0], r[1], j0, wantSums, want, OUT_OFF);
                                VECTOR.ratioBackward(n, u, U_OFF, a, r[0], r[1], j0, gotSums, got, OUT_OFF);
                                String what = "ratioBackward " + Arrays.toString(r) + " du=" + withDu + " "
                                        + where(n, j0, a, specials);
                                assertSameDoubles(wantSums, gotSums, what);
                                if (withDu) {
                                    assertSameFloats(want, got, what);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** A golden case, by hand, a = 2: z = -0.5, 0.25, 0.5, 1, 3, NaN. */
    @Test
    void oracleByHand() {
        float[] u = {-1f, 0.5f, 1f, 2f, 6f, Float.NaN};
        double[] sums = new double[2 * LANES];
        SCALAR.clippedSums(6, u, 0, 2f, 14, sums);
        // positions 14, 15, 16, 17, 18, 19 -> partials 14, 15, 0, 1, 2, 3
        assertEquals(0.0, sums[14]);
        assertEquals(0.25, sums[15]);
        assertEquals(0.5, sums[0]);
        assertEquals(1.0, sums[1]);
        assertEquals(1.0, sums[2]);
        assertEquals(0.0, sums[3]);
        assertEquals(0.0625, sums[LANES + 15]);
        assertEquals(0.25, sums[LANES]);

        float[] spikes = new float[6];
        SCALAR.fire(6, u, 0, 2f, 0.5f, spikes, 0);
        assertSameFloats(new float[] {0f, 0f, 1f, 1f, 1f, 0f}, spikes, "fire");

        float[] g = {1f, 1f, 1f, 1f, 1f, 1f};
        float[] du = new float[6];
        double[] fs = new double[LANES];
        SCALAR.fireBackward(5, g, 0, u, 0, 2f, 0f, 2f, 0.5f, 0, fs, du, 0);
        // window (0, 2]: z = 0.25, 0.5, 1 inside, gz = 0.5, du = 0.25; gz * u = 0.25, 0.5, 1
        assertSameFloats(new float[] {0f, 0.25f, 0.25f, 0.25f, 0f, 0f}, du, "fireBackward du");
        assertEquals(0.25, fs[1]);
        assertEquals(1.0, fs[3]);

        double[] rs = new double[LANES];
        SCALAR.ratioBackward(5, u, 0, 2f, 2f, 1f, 0, rs, du, 0);
        // gz = 2 * (1 - z) on [0, 1] (z = 1 included, the clamp's convention): 1.5, 1, 0
        assertSameFloats(new float[] {0f, 0.75f, 0.5f, 0f, 0f, 0f}, du, "ratioBackward du");
        assertEquals(0.75, rs[1]);
        assertEquals(1.0, rs[2]);
    }
}
