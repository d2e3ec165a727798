package org.bitspike.tensor.kernel.vector;

import org.bitspike.tensor.kernel.BitKernels;
import org.bitspike.tensor.kernel.KernelProvider;
import org.bitspike.tensor.kernel.Parallel;

/**
 * The fast bit kernels. Packing and unpacking are {@link VectorBitPacking}. The popcount GEMM is
 * chosen once, at construction: on JDK 19+ (where {@code VectorOperators.BIT_COUNT} exists) the
 * {@link PopcountVectorBitGemm} vector kernel, before that the plain-Java {@link ScalarPanelBitGemm}
 * on {@link Long#bitCount}.
 */
// NOTE: measured on a 2-core Zen 4 (AVX-512 VPOPCNTDQ) shared with other jobs, one thread, best of
// three forks, Gop/s (one op = one binary multiply-accumulate) for M x N x K = 1024^3 / 1024 x 256
// x 576 / 1024 x 256 x 1152: JDK 25 vector 275 / 362 / 513, plain-Java panels 101 / 122 / 142,
// oracle 74 / 51 / 79; JDK 17 plain-Java panels 98 / 105 / 111, oracle 71 / 39 / 68 (a Vector API
// SWAR popcount reached only ~30 on either JDK).
final class VectorBitKernels implements BitKernels {
    private final BitKernels scalar = KernelProvider.scalar().bits();
    private final VectorBitPacking packing = new VectorBitPacking(scalar);
    private final boolean vectorPopcount;

    VectorBitKernels() {
        this.vectorPopcount = PopcountVectorBitGemm.available();
    }

    /** Which popcount GEMM runs, for the start-up log line. */
    String describe() {
        return vectorPopcount
                ? "bit GEMM: Vector API BIT_COUNT, " + PopcountVectorBitGemm.P + "-column panels"
                : "bit GEMM: plain-Java Long.bitCount panels (no lane-wise bit count before JDK 19)";
    }

    @Override
    public void pack(int rows, int k, float[] src, int srcOff, int srcRs, int srcCs, float threshold,
                     long[] dst, int dstOff, int ldw, Parallel parallel) {
        assert rows >= 0 && k >= 0 && ldw >= BitKernels.words(k);
        packing.pack(rows, k, src, srcOff, srcRs, srcCs, threshold, dst, dstOff, ldw, parallel);
    }

    @Override
    public void unpack(int rows, int k, long[] src, int srcOff, int ldw, float one, float zero,
                       float[] dst, int dstOff, int dstRs, int dstCs, Parallel parallel) {
        assert rows >= 0 && k >= 0 && ldw >= BitKernels.words(k);
        packing.unpack(rows, k, src, srcOff, ldw, one, zero, dst, dstOff, dstRs, dstCs, parallel);
    }

    @Override
    public void xnorGemm(int m, int n, int k, long[] a, int aOff, int lda, long[] b, int bOff, int ldb,
                         int[] c, int cOff, int ldc, Parallel parallel) {
        gemm(true, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, parallel);
    }

    @Override
    public void andGemm(int m, int n, int k, long[] a, int aOff, int lda, long[] b, int bOff, int ldb,
                        int[] c, int cOff, int ldc, Parallel parallel) {
        gemm(false, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, parallel);
    }

    private void gemm(boolean xnor, int m, int n, int k, long[] a, int aOff, int lda, long[] b, int bOff,
                      int ldb, int[] c, int cOff, int ldc, Parallel parallel) {
        assert m >= 0 && n >= 0 && k >= 0 && lda >= BitKernels.words(k) && ldb >= BitKernels.words(k);
        if (vectorPopcount) {
            PopcountVectorBitGemm.gemm(xnor, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, parallel);
        } else {
            ScalarPanelBitGemm.gemm(xnor, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, parallel);
        }
    }
}
