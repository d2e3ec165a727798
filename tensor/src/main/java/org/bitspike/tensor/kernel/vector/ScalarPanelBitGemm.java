package org.bitspike.tensor.kernel.vector;

import org.bitspike.tensor.kernel.BitKernels;
import org.bitspike.tensor.kernel.Parallel;

/**
 * Popcount GEMM in plain Java on {@link Long#bitCount}: the fast path where the Vector API has no
 * lane-wise bit count (JDK 17 and 18). It uses no Vector API class.
 *
 * <p>Every kernel counts mismatches {@code D[i, j] = popcount(A_i XOR B_j)} (last word masked);
 * the epilogue turns them into the XNOR result {@code k - 2 D} or the AND result
 * {@code (popcount(A_i) + popcount(B_j) - D) / 2}, exact because
 * {@code popcount(a) + popcount(b) = popcount(a ^ b) + 2 popcount(a & b)}.
 *
 * <p>B is copied into word-major panels of {@value #P} rows ({@link BitGemmSupport#packPanels});
 * the micro-kernel takes one row of A and one panel and, per word, XORs the A word with the
 * {@value #P} consecutive panel words into {@value #P} counters.
 */
// NOTE: measured on JDK 17 (Zen 4), this 1 x 8 panel kernel ran ~1.6x faster than a 4 x 2
// register-blocked kernel on the row-major operands (110-135 vs 70-80 Gop/s at K = 576 and 1024,
// one thread): its fixed 8-wide inner loop over contiguous panel words is what C2 compiles best.
// 4 x 4, 3 x 3, 8 x 2 and 8 x 4 tiles, 16-column panels, and a Vector API SWAR popcount (~30 Gop/s)
// were all slower.
final class ScalarPanelBitGemm {
    /** Panel width: columns of C per micro-kernel. */
    static final int P = 8;

    private ScalarPanelBitGemm() {
    }

    static void gemm(boolean xnor, int m, int n, int k, long[] a, int aOff, int lda,
                     long[] b, int bOff, int ldb, int[] c, int cOff, int ldc, Parallel parallel) {
        int words = BitKernels.words(k);
        long mask = BitKernels.lastWordMask(k);
        long[] panel = BitGemmSupport.packPanels(P, n, words, mask, b, bOff, ldb, parallel);
        int[] pa = xnor ? null : BitGemmSupport.rowPopcounts(m, 0, a, aOff, lda, words, mask);
        int[] pb = xnor ? null : BitGemmSupport.rowPopcounts(n, 0, b, bOff, ldb, words, mask);
        BitGemmSupport.forEachBlock(m, n, parallel, (i0, i1, j0, j1) -> {
            int[] d = new int[P];
            for (int j = j0; j < j1; j += P) {
                int base = j / P * words * P;
                int valid = Math.min(P, j1 - j);
                for (int i = i0; i < i1; i++) {
                    mismatches(a, aOff + i * lda, words, mask, panel, base, d);
                    int ci = cOff + i * ldc + j;
                    if (xnor) {
                        for (int col = 0; col < valid; col++) {
                            c[ci + col] = k - 2 * d[col];
                        }
                    } else {
                        for (int col = 0; col < valid; col++) {
                            c[ci + col] = (pa[i] + pb[j + col] - d[col]) >> 1;
                        }
                    }
                }
            }
        });
    }

    /** {@code d[col] = popcount(A_row XOR panel column col)} for the {@value #P} panel columns. */
    private static void mismatches(long[] a, int a0, int words, long mask, long[] panel, int base, int[] d) {
        java.util.Arrays.fill(d, 0);
        int full = words - 1;
        for (int w = 0; w < full; w++) {
            long x = a[a0 + w];
            int q = base + w * P;
            for (int col = 0; col < P; col++) {
                d[col] += Long.bitCount(x ^ panel[q + col]);
            }
        }
        if (words > 0) {
            // the panel's last words are already masked; A's is masked here
            long x = a[a0 + full] & mask;
            int q = base + full * P;
            for (int col = 0; col < P; col++) {
                d[col] += Long.bitCount(x ^ panel[q + col]);
            }
        }
    }
}
