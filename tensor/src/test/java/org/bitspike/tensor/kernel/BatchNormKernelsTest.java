package org.bitspike.tensor.kernel;

import static org.bitspike.tensor.kernel.ElementwiseKernelsTest.SIZES;
import static org.bitspike.tensor.kernel.ElementwiseKernelsTest.data;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The Vector API batch-normalisation passes against the scalar oracle, bit for bit (the order of
 * every float operation and of the sums is part of {@link BatchNormKernels}' contract): every size
 * tail, run offsets, every phase of the 16 partials ({@code j0}), with and without the ReLU mask,
 * partials that already hold values, and data with NaN, infinities and signed zeros.
 */
class BatchNormKernelsTest {
    private static final int[] J0 = {0, 1, 5, 15, 16, 37};
    private static final int LANES = Tuning.SUM_LANES;
    private static final float SENTINEL = -31337f;

    private static final BatchNormKernels SCALAR = KernelProvider.scalar().batchNorm();
    private static final BatchNormKernels VECTOR = KernelProvider.lookup("vector").provider().batchNorm();

    private static void assertSameFloats(float[] want, float[] got, String what) {
        for (int i = 0; i < want.length; i++) {
            int at = i;
            assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]),
                    () -> what + ": element " + at + " is " + got[at] + ", oracle " + want[at]);
        }
    }

    private static float[] filled(int n) {
        float[] out = new float[n];
        java.util.Arrays.fill(out, SENTINEL);
        return out;
    }

    @Test
    void affineEqualsOracle() {
        for (int n : SIZES) {
            for (boolean relu : new boolean[] {false, true}) {
                for (boolean specials : new boolean[] {false, true}) {
                    float[] x = data(n + 3, n * 31L + (relu ? 1 : 0), specials);
                    float[] want = filled(n + 5);
                    float[] got = filled(n + 5);
                    SCALAR.affine(n, x, 3, 0.75f, -1.5f, 0.125f, relu, want, 2);
                    VECTOR.affine(n, x, 3, 0.75f, -1.5f, 0.125f, relu, got, 2);
                    assertSameFloats(want, got, "affine n=" + n + " relu=" + relu + " specials=" + specials);
                }
            }
        }
    }

    @Test
    void reluIsMaxWithPositiveZero() {
        float[] x = {-2f, -0f, 0f, Float.NaN, 3f};
        float[] y = new float[5];
        SCALAR.affine(5, x, 0, 0f, 1f, 0f, true, y, 0);
        assertSameFloats(new float[] {0f, 0f, 0f, Float.NaN, 3f}, y, "relu");
    }

    @Test
    void gradientSumsEqualOracle() {
        for (int n : SIZES) {
            for (int j0 : J0) {
                for (boolean masked : new boolean[] {false, true}) {
                    for (boolean specials : new boolean[] {false, true}) {
                        long seed = n * 131L + j0 * 7L + (masked ? 1 : 0) + (specials ? 2 : 0);
                        float[] gy = data(n + 2, seed, specials);
                        float[] x = data(n + 1, seed + 1, specials);
                        float[] y = masked ? data(n + 4, seed + 2, specials) : null;
                        double[] want = new double[2 * LANES];
                        SplittableRandom rnd = new SplittableRandom(seed);
                        for (int i = 0; i < want.length; i++) {
                            want[i] = rnd.nextGaussian();
                        }
                        double[] got = want.clone();
                        SCALAR.gradientSums(n, gy, 2, x, 1, y, 4, j0, 0.3, want);
                        VECTOR.gradientSums(n, gy, 2, x, 1, y, 4, j0, 0.3, got);
                        for (int i = 0; i < want.length; i++) {
                            int at = i;
                            assertEquals(Double.doubleToLongBits(want[i]), Double.doubleToLongBits(got[i]),
                                    () -> "gradientSums n=" + n + " j0=" + j0 + " masked=" + masked + " specials="
                                            + specials + ": partial " + at);
                        }
                    }
                }
            }
        }
    }

    @Test
    void inputGradientEqualsOracle() {
        for (int n : SIZES) {
            for (boolean masked : new boolean[] {false, true}) {
                for (boolean specials : new boolean[] {false, true}) {
                    long seed = n * 17L + (masked ? 1 : 0) + (specials ? 2 : 0);
                    float[] gy = data(n + 1, seed, specials);
                    float[] x = data(n + 2, seed + 1, specials);
                    float[] y = masked ? data(n, seed + 2, specials) : null;
                    float[] want = filled(n + 3);
                    float[] got = filled(n + 3);
                    SCALAR.inputGradient(n, gy, 1, x, 2, y, 0, 0.2f, 1.7f, 0.9f, -0.05f, 0.3f, want, 3);
                    VECTOR.inputGradient(n, gy, 1, x, 2, y, 0, 0.2f, 1.7f, 0.9f, -0.05f, 0.3f, got, 3);
                    assertSameFloats(want, got, "inputGradient n=" + n + " masked=" + masked + " specials=" + specials);
                }
            }
        }
    }

    /** A golden case, by hand: the mask drops gy where y <= 0 (and where y is NaN). */
    @Test
    void maskedSumsByHand() {
        float[] gy = {1f, 2f, 4f, 8f};
        float[] x = {1f, 2f, 3f, 4f};
        float[] y = {1f, 0f, Float.NaN, 5f};
        double[] sums = new double[2 * LANES];
        SCALAR.gradientSums(4, gy, 0, x, 0, y, 0, 0, 2.0, sums);
        assertEquals(1.0, sums[0]);
        assertEquals(0.0, sums[1]);
        assertEquals(0.0, sums[2]);
        assertEquals(8.0, sums[3]);
        assertEquals(-1.0, sums[LANES]);
        assertEquals(16.0, sums[LANES + 3]);
    }
}
