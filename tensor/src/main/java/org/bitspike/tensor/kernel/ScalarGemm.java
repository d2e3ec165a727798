package org.bitspike.tensor.kernel;

/**
 * The GEMM oracle: a plain i-p-j loop. Each {@code C[i, j]} accumulates its products in ascending
 * {@code p}, in the dtype of the operands. Rows are split across threads; each row is computed by
 * one task, so the result does not depend on the thread count.
 */
final class ScalarGemm implements Gemm {
    @Override
    public void sgemm(int m, int n, int k,
                      float[] a, int aOff, int aRs, int aCs,
                      float[] b, int bOff, int bRs, int bCs,
                      float[] c, int cOff, int ldc, boolean accumulate, Parallel parallel) {
        int rowsPerTask = Math.max(1, Tuning.SCALAR_GEMM_ROWS_PER_TASK);
        int tasks = (m + rowsPerTask - 1) / rowsPerTask;
        parallel.forEach(tasks, t -> {
            int i1 = Math.min(m, (t + 1) * rowsPerTask);
            for (int i = t * rowsPerTask; i < i1; i++) {
                int ci = cOff + i * ldc;
                if (!accumulate) {
                    java.util.Arrays.fill(c, ci, ci + n, 0f);
                }
                for (int p = 0; p < k; p++) {
                    float av = a[aOff + i * aRs + p * aCs];
                    int bp = bOff + p * bRs;
                    for (int j = 0; j < n; j++) {
                        c[ci + j] += av * b[bp + j * bCs];
                    }
                }
            }
        });
    }

    /** Materialises B one block of rows at a time and reuses the strided kernel on each block. */
    @Override
    public void sgemm(int m, int n, int k, float[] a, int aOff, int aRs, int aCs,
                      FloatMatrixSource b, float[] c, int cOff, int ldc, boolean accumulate, Parallel parallel) {
        int rowsPerBlock = Math.max(1, Math.min(k, Tuning.SCALAR_SOURCE_BLOCK_ELEMENTS / Math.max(1, n)));
        float[] block = new float[rowsPerBlock * n];
        for (int p0 = 0; p0 < k || p0 == 0; p0 += rowsPerBlock) {
            int rows = Math.min(rowsPerBlock, k - p0);
            if (rows > 0) {
                b.copyBlock(p0, rows, 0, n, block, 0, n, 1);
            }
            sgemm(m, n, rows, a, aOff + p0 * aCs, aRs, aCs, block, 0, n, 1, c, cOff, ldc,
                    accumulate || p0 > 0, parallel);
            if (k == 0) {
                break;
            }
        }
    }

    @Override
    public void dgemm(int m, int n, int k,
                      double[] a, int aOff, int aRs, int aCs,
                      double[] b, int bOff, int bRs, int bCs,
                      double[] c, int cOff, int ldc, boolean accumulate, Parallel parallel) {
        int rowsPerTask = Math.max(1, Tuning.SCALAR_GEMM_ROWS_PER_TASK);
        int tasks = (m + rowsPerTask - 1) / rowsPerTask;
        parallel.forEach(tasks, t -> {
            int i1 = Math.min(m, (t + 1) * rowsPerTask);
            for (int i = t * rowsPerTask; i < i1; i++) {
                int ci = cOff + i * ldc;
                if (!accumulate) {
                    java.util.Arrays.fill(c, ci, ci + n, 0.0);
                }
                for (int p = 0; p < k; p++) {
                    double av = a[aOff + i * aRs + p * aCs];
                    int bp = bOff + p * bRs;
                    for (int j = 0; j < n; j++) {
                        c[ci + j] += av * b[bp + j * bCs];
                    }
                }
            }
        });
    }
}
