package org.bitspike.tensor.kernel;

/**
 * The bit-kernel oracle: plain loops, one bit or one word at a time, {@link Long#bitCount} (a
 * {@code popcnt} intrinsic) for the popcounts. Every other implementation is tested against it.
 * Tasks are fixed blocks of rows ({@link Tuning#BIT_PACK_ROWS_PER_TASK},
 * {@link Tuning#SCALAR_BIT_GEMM_ROWS_PER_TASK}).
 */
final class ScalarBitKernels implements BitKernels {

    @Override
    public void pack(int rows, int k, float[] src, int srcOff, int srcRs, int srcCs, float threshold,
                     long[] dst, int dstOff, int ldw, Parallel parallel) {
        assert rows >= 0 && k >= 0 && ldw >= BitKernels.words(k);
        int words = BitKernels.words(k);
        int per = Tuning.BIT_PACK_ROWS_PER_TASK;
        parallel.forEach(ceilDiv(rows, per), t -> {
            for (int r = t * per, r1 = Math.min(rows, r + per); r < r1; r++) {
                int s = srcOff + r * srcRs;
                int d = dstOff + r * ldw;
                for (int w = 0; w < words; w++) {
                    int j0 = w << 6;
                    int j1 = Math.min(k, j0 + 64);
                    long bits = 0;
                    for (int j = j0; j < j1; j++) {
                        bits |= (src[s + j * srcCs] >= threshold ? 1L : 0L) << (j - j0);
                    }
                    dst[d + w] = bits;
                }
            }
        });
    }

    @Override
    public void unpack(int rows, int k, long[] src, int srcOff, int ldw, float one, float zero,
                       float[] dst, int dstOff, int dstRs, int dstCs, Parallel parallel) {
        assert rows >= 0 && k >= 0 && ldw >= BitKernels.words(k);
        int per = Tuning.BIT_PACK_ROWS_PER_TASK;
        // NOTE: a bit selects between the raw bits of `one` and `zero` (no branch to mispredict on
        // random bits, and exact for any two values, unlike zero + bit * (one - zero)).
        int oneBits = Float.floatToRawIntBits(one);
        int zeroBits = Float.floatToRawIntBits(zero);
        parallel.forEach(ceilDiv(rows, per), t -> {
            for (int r = t * per, r1 = Math.min(rows, r + per); r < r1; r++) {
                int s = srcOff + r * ldw;
                int d = dstOff + r * dstRs;
                for (int j = 0; j < k; j++) {
                    int select = -(int) (src[s + (j >>> 6)] >>> (j & 63) & 1L);
                    dst[d + j * dstCs] = Float.intBitsToFloat(oneBits & select | zeroBits & ~select);
                }
            }
        });
    }

    @Override
    public void xnorGemm(int m, int n, int k, long[] a, int aOff, int lda, long[] b, int bOff, int ldb,
                         int[] c, int cOff, int ldc, Parallel parallel) {
        popcountGemm(true, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, parallel);
    }

    @Override
    public void andGemm(int m, int n, int k, long[] a, int aOff, int lda, long[] b, int bOff, int ldb,
                        int[] c, int cOff, int ldc, Parallel parallel) {
        popcountGemm(false, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, parallel);
    }

    /** {@code xnor}: {@code k - 2 * popcount(a ^ b)}; otherwise {@code popcount(a & b)}. */
    private static void popcountGemm(boolean xnor, int m, int n, int k,
                                     long[] a, int aOff, int lda, long[] b, int bOff, int ldb,
                                     int[] c, int cOff, int ldc, Parallel parallel) {
        int words = BitKernels.words(k);
        assert m >= 0 && n >= 0 && k >= 0 && lda >= words && ldb >= words;
        long tailMask = BitKernels.lastWordMask(k);
        int per = Tuning.SCALAR_BIT_GEMM_ROWS_PER_TASK;
        parallel.forEach(ceilDiv(m, per), t -> {
            for (int i = t * per, i1 = Math.min(m, i + per); i < i1; i++) {
                int ai = aOff + i * lda;
                for (int j = 0; j < n; j++) {
                    int bj = bOff + j * ldb;
                    int count = 0;
                    for (int w = 0; w < words; w++) {
                        long x = xnor ? a[ai + w] ^ b[bj + w] : a[ai + w] & b[bj + w];
                        if (w == words - 1) {
                            x &= tailMask;
                        }
                        count += Long.bitCount(x);
                    }
                    c[cOff + i * ldc + j] = xnor ? k - 2 * count : count;
                }
            }
        });
    }

    static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }
}
