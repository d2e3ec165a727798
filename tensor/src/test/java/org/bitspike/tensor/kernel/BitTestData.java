package org.bitspike.tensor.kernel;

import java.util.Random;

/** Seeded test data for the bit-kernel tests: random packed rows and their +/-1 or 0/1 floats. */
final class BitTestData {
    /** Sizes that hit every tail of 64-bit words, 4 x 2 tiles and 16-column panels. */
    static final int[] TAILS = {1, 3, 7, 13, 31, 64, 207, 4098};

    private BitTestData() {
    }

    /**
     * {@code rows} packed rows of {@code k} random bits at stride {@code ld} from {@code off}; the
     * padding bits and the words between rows hold random garbage when {@code dirty}, else 0.
     */
    static long[] randomBits(Random rnd, int rows, int k, int off, int ld, boolean dirty) {
        int words = BitKernels.words(k);
        long[] x = new long[off + Math.max(0, rows - 1) * ld + words + 3];
        if (dirty) {
            for (int i = 0; i < x.length; i++) {
                x[i] = rnd.nextLong();
            }
        }
        long mask = BitKernels.lastWordMask(k);
        for (int r = 0; r < rows; r++) {
            for (int w = 0; w < words; w++) {
                long bits = rnd.nextLong();
                x[off + r * ld + w] = w == words - 1 && !dirty ? bits & mask : bits;
            }
        }
        return x;
    }

    /** Bit {@code j} of packed row {@code r}. */
    static boolean bit(long[] x, int off, int ld, int r, int j) {
        return (x[off + r * ld + (j >>> 6)] >>> (j & 63) & 1L) != 0;
    }

    /** The rows as a dense row-major float matrix, {@code one} for a set bit and {@code zero} else. */
    static float[] toFloats(long[] x, int off, int ld, int rows, int k, float one, float zero) {
        float[] f = new float[rows * k];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < k; j++) {
                f[r * k + j] = bit(x, off, ld, r, j) ? one : zero;
            }
        }
        return f;
    }

    /**
     * Reference product through the scalar float GEMM: {@code C = A B^T} for dense row-major
     * {@code A [m, k]} and {@code B [n, k]}, converted to int (exact: every partial sum is an
     * integer below 2^24).
     */
    static int[] floatProduct(int m, int n, int k, float[] a, float[] b) {
        float[] c = new float[m * n];
        KernelProvider.scalar().gemm().sgemm(m, n, k, a, 0, k, 1, b, 0, 1, k, c, 0, n, false, Parallel.shared());
        int[] out = new int[m * n];
        for (int i = 0; i < out.length; i++) {
            out[i] = (int) c[i];
            if (out[i] != c[i]) {
                throw new AssertionError("float product not integral at " + i + ": " + c[i]);
            }
        }
        return out;
    }

    /** Extracts the {@code m x n} result from a C array with offset and leading dimension. */
    static int[] extract(int[] c, int off, int ldc, int m, int n) {
        int[] out = new int[m * n];
        for (int i = 0; i < m; i++) {
            System.arraycopy(c, off + i * ldc, out, i * n, n);
        }
        return out;
    }
}
