package org.bitspike.tensor.kernel;

/**
 * General matrix multiply on arrays with arbitrary element strides:
 * {@code C[i, j] (+)= sum_p A[i, p] * B[p, j]} for {@code i < m, j < n, p < k}.
 *
 * <p>{@code A[i, p]} is {@code a[aOff + i * aRowStride + p * aColStride]} (so a transposed operand is
 * a stride swap, never a copy), likewise B; C is row-major with leading dimension {@code ldc}.
 * When {@code accumulate} is false C is overwritten, otherwise added to. A and B are not modified;
 * C must not alias them. Results are bit-identical for any {@link Parallel}.
 */
public interface Gemm {
    /** FLOAT32 GEMM, the fast path. */
    void sgemm(int m, int n, int k,
               float[] a, int aOff, int aRowStride, int aColStride,
               float[] b, int bOff, int bRowStride, int bColStride,
               float[] c, int cOff, int ldc, boolean accumulate, Parallel parallel);

    /**
     * FLOAT32 GEMM whose B operand ({@code k x n}) is a {@link FloatMatrixSource}, packed block by
     * block and never materialised whole (im2col fused into packing).
     */
    void sgemm(int m, int n, int k,
               float[] a, int aOff, int aRowStride, int aColStride,
               FloatMatrixSource b,
               float[] c, int cOff, int ldc, boolean accumulate, Parallel parallel);

    /** FLOAT64 GEMM, the reference path (scalar speed is acceptable). */
    void dgemm(int m, int n, int k,
               double[] a, int aOff, int aRowStride, int aColStride,
               double[] b, int bOff, int bRowStride, int bColStride,
               double[] c, int cOff, int ldc, boolean accumulate, Parallel parallel);
}
