package org.bitspike.tensor.kernel;

import static org.bitspike.tensor.kernel.ElementwiseKernelsTest.SIZES;
import static org.bitspike.tensor.kernel.ElementwiseKernelsTest.data;
import static org.bitspike.tensor.kernel.ElementwiseKernelsTest.toDoubles;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.bitspike.tensor.kernel.ReductionKernels.Accumulate;
import org.junit.jupiter.api.Test;

/**
 * The Vector API reduction runs against the scalar oracle, bit for bit: the summation order is part
 * of {@link ReductionKernels}' contract. Rows start at every phase of the 16 partials ({@code j0}),
 * with partials packed ({@code laneStride} 1, the fast path) or spread; columns with dense and
 * spread accumulators; input strides 1, 2 and 0; sizes that hit every tail; accumulators that
 * already hold values; data with NaN, infinities and signed zeros.
 */
class ReductionKernelsTest {
    private static final int[] J0 = {0, 1, 5, 15, 16, 37};
    private static final int[] X_STRIDES = {1, 2, 0};
    private static final int LANES = Tuning.SUM_LANES;

    private static final ReductionKernels SCALAR = KernelProvider.scalar().reductions();
    private static final ReductionKernels VECTOR = KernelProvider.lookup("vector").provider().reductions();

    private static double[] accumulators(int length, long seed, Accumulate what) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] acc = new double[length];
        for (int i = 0; i < length; i++) {
            acc[i] = switch (what) {
                case MAX -> rnd.nextInt(4) == 0 ? Double.NEGATIVE_INFINITY : rnd.nextGaussian();
                case MIN -> rnd.nextInt(4) == 0 ? Double.POSITIVE_INFINITY : rnd.nextGaussian();
                default -> rnd.nextGaussian() * 10;
            };
        }
        return acc;
    }

    private static void assertSameDoubles(double[] want, double[] got, String what) {
        for (int i = 0; i < want.length; i++) {
            assertEquals(Double.doubleToLongBits(want[i]), Double.doubleToLongBits(got[i]),
                    () -> what + ": accumulator differs");
        }
    }

    @Test
    void rowsEqualOracle() {
        for (Accumulate what : Accumulate.values()) {
            for (int n : SIZES) {
                for (int j0 : J0) {
                    for (int xs : X_STRIDES) {
                        for (int laneStride : new int[] {1, 3}) {
                            for (boolean specials : new boolean[] {false, true}) {
                                float[] x = data(3 + Math.max(1, n * xs), n * 7L + j0 + xs, specials);
                                double mean = 0.25;
                                int accOff = 2;
                                double[] want = accumulators(accOff + LANES * laneStride + 2, n + j0, what);
                                double[] got = want.clone();
                                String msg = what + " row n=" + n + " j0=" + j0 + " x stride " + xs
                                        + " lane stride " + laneStride + (specials ? " with specials" : "");
                                SCALAR.row(what, n, x, 3, xs, j0, mean, want, accOff, laneStride);
                                VECTOR.row(what, n, x, 3, xs, j0, mean, got, accOff, laneStride);
                                assertSameDoubles(want, got, msg + " FLOAT32");
                                double[] xd = toDoubles(x);
                                want = accumulators(want.length, n - j0, what);
                                got = want.clone();
                                SCALAR.row(what, n, xd, 3, xs, j0, mean, want, accOff, laneStride);
                                VECTOR.row(what, n, xd, 3, xs, j0, mean, got, accOff, laneStride);
                                assertSameDoubles(want, got, msg + " FLOAT64");
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void columnsEqualOracle() {
        for (Accumulate what : Accumulate.values()) {
            for (int n : SIZES) {
                for (int xs : X_STRIDES) {
                    for (int accStride : new int[] {1, 2}) {
                        for (boolean specials : new boolean[] {false, true}) {
                            float[] x = data(1 + Math.max(1, n * xs), n * 3L + xs, specials);
                            double[] mean = accumulators(5 + n * accStride + 1, n, Accumulate.SUM);
                            int accOff = 4;
                            double[] want = accumulators(accOff + n * accStride + 3, n + 1L, what);
                            double[] got = want.clone();
                            String msg = what + " columns n=" + n + " x stride " + xs + " acc stride " + accStride
                                    + (specials ? " with specials" : "");
                            SCALAR.columns(what, n, x, 1, xs, mean, 5, accStride, want, accOff, accStride);
                            VECTOR.columns(what, n, x, 1, xs, mean, 5, accStride, got, accOff, accStride);
                            assertSameDoubles(want, got, msg + " FLOAT32");
                            double[] xd = toDoubles(x);
                            want = accumulators(want.length, n + 2L, what);
                            got = want.clone();
                            SCALAR.columns(what, n, xd, 1, xs, mean, 5, accStride, want, accOff, accStride);
                            VECTOR.columns(what, n, xd, 1, xs, mean, 5, accStride, got, accOff, accStride);
                            assertSameDoubles(want, got, msg + " FLOAT64");
                        }
                    }
                }
            }
        }
    }
}
