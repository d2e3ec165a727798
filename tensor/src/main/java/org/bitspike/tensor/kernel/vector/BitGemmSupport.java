package org.bitspike.tensor.kernel.vector;

import org.bitspike.tensor.kernel.Parallel;
import org.bitspike.tensor.kernel.Tuning;

/** Pieces shared by the fast popcount GEMMs: the task grid, B panels and row popcounts. */
final class BitGemmSupport {
    private BitGemmSupport() {
    }

    static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }

    /** One block of C: rows {@code i0 ..< i1}, columns {@code j0 ..< j1}. */
    @FunctionalInterface
    interface Block {
        void run(int i0, int i1, int j0, int j1);
    }

    /**
     * Runs {@code body} once per block of the fixed grid of {@link Tuning#BIT_GEMM_ROWS_PER_TASK} x
     * {@link Tuning#BIT_GEMM_COLS_PER_TASK} tiles of an {@code m x n} C. The grid depends only on m
     * and n, never on the thread count.
     */
    static void forEachBlock(int m, int n, Parallel parallel, Block body) {
        int mb = Tuning.BIT_GEMM_ROWS_PER_TASK;
        int nb = Tuning.BIT_GEMM_COLS_PER_TASK;
        int nBlocks = ceilDiv(n, nb);
        parallel.forEach(ceilDiv(m, mb) * nBlocks, t -> {
            int i0 = t / nBlocks * mb;
            int j0 = t % nBlocks * nb;
            body.run(i0, Math.min(m, i0 + mb), j0, Math.min(n, j0 + nb));
        });
    }

    /**
     * Popcount of each of {@code rows} packed rows (last word masked), into an array of length
     * {@code max(rows, length)} (padding entries 0).
     */
    static int[] rowPopcounts(int rows, int length, long[] x, int off, int ld, int words, long tailMask) {
        int[] out = new int[Math.max(rows, length)];
        for (int r = 0; r < rows; r++) {
            int base = off + r * ld;
            int count = 0;
            for (int w = 0; w < words - 1; w++) {
                count += Long.bitCount(x[base + w]);
            }
            if (words > 0) {
                count += Long.bitCount(x[base + words - 1] & tailMask);
            }
            out[r] = count;
        }
        return out;
    }

    /**
     * Copies the {@code n} rows of B into {@code ceil(n / width)} panels of {@code width} rows,
     * each stored word-major: word {@code w} of row {@code p * width + col} goes to
     * {@code panel[(p * words + w) * width + col]}. The last word of every row is masked to its
     * valid bits and the rows missing from the last panel are zero, so kernels never look at
     * padding.
     */
    static long[] packPanels(int width, int n, int words, long mask, long[] b, int bOff, int ldb, Parallel parallel) {
        int panels = ceilDiv(n, width);
        long[] panel = new long[panels * words * width];
        parallel.forEach(panels, p -> {
            int base = p * words * width;
            for (int col = 0; col < width && p * width + col < n; col++) {
                int src = bOff + (p * width + col) * ldb;
                for (int w = 0; w < words; w++) {
                    long x = b[src + w];
                    panel[base + w * width + col] = w == words - 1 ? x & mask : x;
                }
            }
        });
        return panel;
    }
}
