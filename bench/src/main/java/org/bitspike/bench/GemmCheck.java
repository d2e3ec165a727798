package org.bitspike.bench;

import java.util.SplittableRandom;

/** Operands and a cheap correctness check for FLOAT32 GEMM benchmarks (CLI and JMH). */
public final class GemmCheck {
    /** Entries of C compared with a double-precision dot product per case. */
    public static final int SAMPLES = 64;

    private GemmCheck() {
    }

    /** {@code count} floats uniform in [-1, 1) from a generator seeded with {@code seed}. */
    public static float[] random(int count, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[count];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return x;
    }

    /**
     * Checks {@value #SAMPLES} entries of {@code C = A B} (row-major, dense: A is {@code m x k}, B
     * {@code k x n}, C {@code m x n}; none modified): the four corners and seeded random positions,
     * each against a double-precision dot product.
     *
     * <p>NOTE: the tolerance is the standard bound for a float sum of {@code k} products in any
     * order, {@code (k + 2) u sum|a_ip b_pj|} with {@code u = 2^-24}. It holds for every blocking and
     * FMA use, and is still tight enough to catch a wrong tail, a skipped block or a stale row, which
     * all miss by whole terms.
     *
     * @param what names the run in the error, e.g. {@code "gemm square/512 (vector, 2 threads)"}
     * @throws IllegalStateException naming the entry, its value, the reference and the tolerance
     */
    public static void verify(String what, int m, int n, int k, float[] a, float[] b, float[] c) {
        if (m == 0 || n == 0) {
            return;
        }
        SplittableRandom rnd = new SplittableRandom(m * 31L + n * 17L + k);
        for (int s = 0; s < SAMPLES; s++) {
            int i;
            int j;
            switch (s) {
                case 0 -> { i = 0; j = 0; }
                case 1 -> { i = 0; j = n - 1; }
                case 2 -> { i = m - 1; j = 0; }
                case 3 -> { i = m - 1; j = n - 1; }
                default -> { i = rnd.nextInt(m); j = rnd.nextInt(n); }
            }
            double ref = 0;
            double mag = 0;
            for (int p = 0; p < k; p++) {
                double t = (double) a[i * k + p] * b[p * n + j];
                ref += t;
                mag += Math.abs(t);
            }
            double tol = (k + 2) * 0x1p-24 * mag + Float.MIN_NORMAL;
            float got = c[i * n + j];
            if (!(Math.abs(got - ref) <= tol)) {
                throw new IllegalStateException(String.format(java.util.Locale.ROOT,
                        "%s: wrong result: C[%d, %d] = %s but the double-precision reference is %s"
                                + " (|difference| %.3g > tolerance %.3g; m=%d n=%d k=%d)",
                        what, i, j, got, ref, Math.abs(got - ref), tol, m, n, k));
            }
        }
    }
}
