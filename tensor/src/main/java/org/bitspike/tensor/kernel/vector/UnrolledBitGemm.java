package org.bitspike.tensor.kernel.vector;

import org.bitspike.tensor.kernel.BitKernels;
import org.bitspike.tensor.kernel.Parallel;
import org.bitspike.tensor.kernel.Tuning;

/**
 * Register-blocked popcount GEMM on plain {@code long}s and {@link Long#bitCount}: the fast path
 * where the Vector API has no lane-wise bit count (JDK 17 and 18).
 *
 * <p>Every kernel counts mismatches {@code D[i, j] = popcount(A_i XOR B_j)} (last word masked);
 * the epilogue turns them into the XNOR result {@code k - 2 D} or the AND result
 * {@code (popcount(A_i) + popcount(B_j) - D) / 2}, which is exact because
 * {@code popcount(a) + popcount(b) = popcount(a ^ b) + 2 popcount(a & b)}. The micro-kernel reads
 * one word of 4 rows of A and 2 rows of B once and updates a 4 x 2 tile of counters. Tasks are
 * fixed {@link Tuning#BIT_GEMM_ROWS_PER_TASK} x {@link Tuning#BIT_GEMM_COLS_PER_TASK} blocks of C.
 */
final class UnrolledBitGemm {
    private UnrolledBitGemm() {
    }

    static void gemm(boolean xnor, int m, int n, int k, long[] a, int aOff, int lda,
                     long[] b, int bOff, int ldb, int[] c, int cOff, int ldc, Parallel parallel) {
        int words = BitKernels.words(k);
        int full = k >>> 6;
        long mask = BitKernels.lastWordMask(k);
        int[] pa = xnor ? null : BitGemmSupport.rowPopcounts(m, 0, a, aOff, lda, words, mask);
        int[] pb = xnor ? null : BitGemmSupport.rowPopcounts(n, 0, b, bOff, ldb, words, mask);
        int mb = Tuning.BIT_GEMM_ROWS_PER_TASK;
        int nb = Tuning.BIT_GEMM_COLS_PER_TASK;
        int nBlocks = BitGemmSupport.ceilDiv(n, nb);
        parallel.forEach(BitGemmSupport.ceilDiv(m, mb) * nBlocks, t -> {
            int i0 = t / nBlocks * mb;
            int i1 = Math.min(m, i0 + mb);
            int j0 = t % nBlocks * nb;
            int j1 = Math.min(n, j0 + nb);
            mismatches(i0, i1, j0, j1, full, words > full, mask, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
            for (int i = i0; i < i1; i++) {
                int ci = cOff + i * ldc;
                for (int j = j0; j < j1; j++) {
                    int d = c[ci + j];
                    c[ci + j] = xnor ? k - 2 * d : (pa[i] + pb[j] - d) >> 1;
                }
            }
        });
    }

    /** Writes {@code D[i, j]} for the block {@code [i0, i1) x [j0, j1)} of C. */
    private static void mismatches(int i0, int i1, int j0, int j1, int full, boolean tail, long mask,
                                   long[] a, int aOff, int lda, long[] b, int bOff, int ldb,
                                   int[] c, int cOff, int ldc) {
        int i = i0;
        for (; i + 4 <= i1; i += 4) {
            int j = j0;
            for (; j + 2 <= j1; j += 2) {
                kernel4x2(a, aOff + i * lda, lda, b, bOff + j * ldb, ldb, full, tail, mask,
                        c, cOff + i * ldc + j, ldc);
            }
            for (; j < j1; j++) {
                for (int r = 0; r < 4; r++) {
                    c[cOff + (i + r) * ldc + j] = kernel1x1(a, aOff + (i + r) * lda, b, bOff + j * ldb,
                            full, tail, mask);
                }
            }
        }
        for (; i < i1; i++) {
            for (int j = j0; j < j1; j++) {
                c[cOff + i * ldc + j] = kernel1x1(a, aOff + i * lda, b, bOff + j * ldb, full, tail, mask);
            }
        }
    }

    private static void kernel4x2(long[] a, int a0, int lda, long[] b, int b0, int ldb,
                                  int full, boolean tail, long mask, int[] c, int c0, int ldc) {
        int a1 = a0 + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        int b1 = b0 + ldb;
        int d00 = 0, d01 = 0, d10 = 0, d11 = 0, d20 = 0, d21 = 0, d30 = 0, d31 = 0;
        for (int w = 0; w < full; w++) {
            long y0 = b[b0 + w];
            long y1 = b[b1 + w];
            long x = a[a0 + w];
            d00 += Long.bitCount(x ^ y0);
            d01 += Long.bitCount(x ^ y1);
            x = a[a1 + w];
            d10 += Long.bitCount(x ^ y0);
            d11 += Long.bitCount(x ^ y1);
            x = a[a2 + w];
            d20 += Long.bitCount(x ^ y0);
            d21 += Long.bitCount(x ^ y1);
            x = a[a3 + w];
            d30 += Long.bitCount(x ^ y0);
            d31 += Long.bitCount(x ^ y1);
        }
        if (tail) {
            long y0 = b[b0 + full];
            long y1 = b[b1 + full];
            long x = a[a0 + full];
            d00 += Long.bitCount((x ^ y0) & mask);
            d01 += Long.bitCount((x ^ y1) & mask);
            x = a[a1 + full];
            d10 += Long.bitCount((x ^ y0) & mask);
            d11 += Long.bitCount((x ^ y1) & mask);
            x = a[a2 + full];
            d20 += Long.bitCount((x ^ y0) & mask);
            d21 += Long.bitCount((x ^ y1) & mask);
            x = a[a3 + full];
            d30 += Long.bitCount((x ^ y0) & mask);
            d31 += Long.bitCount((x ^ y1) & mask);
        }
        c[c0] = d00;
        c[c0 + 1] = d01;
        c[c0 + ldc] = d10;
        c[c0 + ldc + 1] = d11;
        c[c0 + 2 * ldc] = d20;
        c[c0 + 2 * ldc + 1] = d21;
        c[c0 + 3 * ldc] = d30;
        c[c0 + 3 * ldc + 1] = d31;
    }

    private static int kernel1x1(long[] a, int a0, long[] b, int b0, int full, boolean tail, long mask) {
        int d = 0;
        for (int w = 0; w < full; w++) {
            d += Long.bitCount(a[a0 + w] ^ b[b0 + w]);
        }
        if (tail) {
            d += Long.bitCount((a[a0 + full] ^ b[b0 + full]) & mask);
        }
        return d;
    }
}
