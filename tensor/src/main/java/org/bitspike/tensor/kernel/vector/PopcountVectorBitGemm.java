package org.bitspike.tensor.kernel.vector;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.bitspike.tensor.kernel.BitKernels;
import org.bitspike.tensor.kernel.Parallel;
import org.bitspike.tensor.kernel.Tuning;

/**
 * Popcount GEMM on {@code LongVector}s with the lane-wise {@code BIT_COUNT} of JDK 19+ (on AVX-512
 * VPOPCNTDQ one {@code vpopcntq} counts 512 bits).
 *
 * <p>Vectorised across columns of C, not along K, so no horizontal reduction is needed and short
 * rows (K = 576 is 9 words) cost nothing extra: B is first copied into panels of {@code P = 2 x
 * lanes} rows stored word-major ({@link BitGemmSupport#packPanels});
 * the micro-kernel broadcasts one word of each of 4 rows of A, XORs it with the two panel vectors
 * of that word and adds the lane-wise bit counts into a 4 x P tile of counters. The epilogue is that
 * of {@link ScalarPanelBitGemm}, done on int vectors.
 *
 * <p>{@code VectorOperators.BIT_COUNT} does not exist in JDK 17, so it is looked up reflectively
 * and this class is used only when {@link #available()}; it still links on 17.
 */
// NOTE: an 8-row tile (16 accumulators) ran 3x slower than this 4-row one on JDK 25; the bigger
// kernel apparently defeats inlining of the Vector API calls, which then box. Keep tiles small.
final class PopcountVectorBitGemm {
    /** {@code VectorOperators.BIT_COUNT}, or null before JDK 19. A static final, so C2 folds it. */
    static final VectorOperators.Unary BIT_COUNT = findBitCount();
    private static final VectorSpecies<Long> L = LongVector.SPECIES_PREFERRED;
    /** Int species with as many lanes as {@link #L}, for the converted counters. */
    private static final VectorSpecies<Integer> I =
            VectorSpecies.of(int.class, VectorShape.forBitSize(L.vectorBitSize() / 2));
    private static final int LANES = L.length();
    /** Panel width: columns of C per micro-kernel. */
    static final int P = 2 * LANES;

    private PopcountVectorBitGemm() {
    }

    private static VectorOperators.Unary findBitCount() {
        if (Runtime.version().feature() < 19) {
            return null;
        }
        try {
            return (VectorOperators.Unary) VectorOperators.class.getField("BIT_COUNT").get(null);
        } catch (ReflectiveOperationException | ClassCastException e) {
            return null;
        }
    }

    /** Whether this JDK has a lane-wise bit count. */
    static boolean available() {
        return BIT_COUNT != null && Tuning.BIT_GEMM_COLS_PER_TASK % P == 0;
    }

    static void gemm(boolean xnor, int m, int n, int k, long[] a, int aOff, int lda,
                     long[] b, int bOff, int ldb, int[] c, int cOff, int ldc, Parallel parallel) {
        int words = BitKernels.words(k);
        long mask = BitKernels.lastWordMask(k);
        int panels = BitGemmSupport.ceilDiv(n, P);
        long[] panel = BitGemmSupport.packPanels(P, n, words, mask, b, bOff, ldb, parallel);
        int[] pa = xnor ? null : BitGemmSupport.rowPopcounts(m, 0, a, aOff, lda, words, mask);
        int[] pb = xnor ? null : BitGemmSupport.rowPopcounts(n, panels * P, b, bOff, ldb, words, mask);
        BitGemmSupport.forEachBlock(m, n, parallel, (i0, i1, j0, j1) -> {
            Epilogue e = new Epilogue(xnor, k, pa, pb, c, cOff, ldc);
            for (int j = j0; j < j1; j += P) {
                int base = j / P * words * P;
                int valid = Math.min(P, j1 - j);
                int i = i0;
                for (; i + 4 <= i1; i += 4) {
                    kernel4(a, aOff + i * lda, lda, words, mask, panel, base, i, j, valid, e);
                }
                for (; i < i1; i++) {
                    kernel1(a, aOff + i * lda, words, mask, panel, base, i, j, valid, e);
                }
            }
        });
    }

    private static void kernel4(long[] a, int a0, int lda, int words, long mask, long[] panel, int base,
                                int i, int j, int valid, Epilogue e) {
        int a1 = a0 + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        LongVector d00 = LongVector.zero(L), d01 = d00, d10 = d00, d11 = d00;
        LongVector d20 = d00, d21 = d00, d30 = d00, d31 = d00;
        // NOTE: the last word is peeled off so that the main loop's broadcasts read A straight
        // from memory; the panel's last words are masked already, A's is masked on the way in.
        int full = words - 1;
        for (int w = 0; w < full; w++) {
            int q = base + w * P;
            LongVector y0 = LongVector.fromArray(L, panel, q);
            LongVector y1 = LongVector.fromArray(L, panel, q + LANES);
            LongVector x = LongVector.broadcast(L, a[a0 + w]);
            d00 = d00.add(x.lanewise(VectorOperators.XOR, y0).lanewise(BIT_COUNT));
            d01 = d01.add(x.lanewise(VectorOperators.XOR, y1).lanewise(BIT_COUNT));
            x = LongVector.broadcast(L, a[a1 + w]);
            d10 = d10.add(x.lanewise(VectorOperators.XOR, y0).lanewise(BIT_COUNT));
            d11 = d11.add(x.lanewise(VectorOperators.XOR, y1).lanewise(BIT_COUNT));
            x = LongVector.broadcast(L, a[a2 + w]);
            d20 = d20.add(x.lanewise(VectorOperators.XOR, y0).lanewise(BIT_COUNT));
            d21 = d21.add(x.lanewise(VectorOperators.XOR, y1).lanewise(BIT_COUNT));
            x = LongVector.broadcast(L, a[a3 + w]);
            d30 = d30.add(x.lanewise(VectorOperators.XOR, y0).lanewise(BIT_COUNT));
            d31 = d31.add(x.lanewise(VectorOperators.XOR, y1).lanewise(BIT_COUNT));
        }
        if (full >= 0) {
            int q = base + full * P;
            LongVector y0 = LongVector.fromArray(L, panel, q);
            LongVector y1 = LongVector.fromArray(L, panel, q + LANES);
            LongVector x = LongVector.broadcast(L, a[a0 + full] & mask);
            d00 = d00.add(x.lanewise(VectorOperators.XOR, y0).lanewise(BIT_COUNT));
            d01 = d01.add(x.lanewise(VectorOperators.XOR, y1).lanewise(BIT_COUNT));
            x = LongVector.broadcast(L, a[a1 + full] & mask);
            d10 = d10.add(x.lanewise(VectorOperators.XOR, y0).lanewise(BIT_COUNT));
            d11 = d11.add(x.lanewise(VectorOperators.XOR, y1).lanewise(BIT_COUNT));
            x = LongVector.broadcast(L, a[a2 + full] & mask);
            d20 = d20.add(x.lanewise(VectorOperators.XOR, y0).lanewise(BIT_COUNT));
            d21 = d21.add(x.lanewise(VectorOperators.XOR, y1).lanewise(BIT_COUNT));
            x = LongVector.broadcast(L, a[a3 + full] & mask);
            d30 = d30.add(x.lanewise(VectorOperators.XOR, y0).lanewise(BIT_COUNT));
            d31 = d31.add(x.lanewise(VectorOperators.XOR, y1).lanewise(BIT_COUNT));
        }
        e.store(d00, d01, i, j, valid);
        e.store(d10, d11, i + 1, j, valid);
        e.store(d20, d21, i + 2, j, valid);
        e.store(d30, d31, i + 3, j, valid);
    }

    private static void kernel1(long[] a, int a0, int words, long mask, long[] panel, int base,
                                int i, int j, int valid, Epilogue e) {
        int full = words - 1;
        LongVector d0 = LongVector.zero(L), d1 = d0;
        for (int w = 0; w < words; w++) {
            long m = w < full ? -1L : mask;
            int q = base + w * P;
            LongVector x = LongVector.broadcast(L, a[a0 + w] & m);
            d0 = d0.add(x.lanewise(VectorOperators.XOR, LongVector.fromArray(L, panel, q)).lanewise(BIT_COUNT));
            d1 = d1.add(x.lanewise(VectorOperators.XOR, LongVector.fromArray(L, panel, q + LANES))
                    .lanewise(BIT_COUNT));
        }
        e.store(d0, d1, i, j, valid);
    }

    /** Turns mismatch counts into results and stores the valid columns of one row of a tile. */
    private record Epilogue(boolean xnor, int k, int[] pa, int[] pb, int[] c, int cOff, int ldc) {
        void store(LongVector d0, LongVector d1, int i, int j, int valid) {
            int ci = cOff + i * ldc + j;
            store(d0, i, j, valid, ci);
            store(d1, i, j + LANES, valid - LANES, ci + LANES);
        }

        private void store(LongVector d, int i, int j, int valid, int ci) {
            if (valid <= 0) {
                return;
            }
            IntVector di = (IntVector) d.convertShape(VectorOperators.L2I, I, 0);
            IntVector r = xnor
                    ? IntVector.broadcast(I, k).sub(di.add(di))
                    : IntVector.fromArray(I, pb, j).add(pa[i]).sub(di).lanewise(VectorOperators.ASHR, 1);
            if (valid >= LANES) {
                r.intoArray(c, ci);
            } else {
                VectorMask<Integer> keep = I.indexInRange(0, valid);
                r.intoArray(c, ci, keep);
            }
        }
    }
}
