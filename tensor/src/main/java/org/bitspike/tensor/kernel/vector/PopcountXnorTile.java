package org.bitspike.tensor.kernel.vector;

import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API micro-kernel of {@link VectorXnorConv}: mismatch counts of a 4-pixel x {@link #P}-channel
 * tile with the lane-wise {@code BIT_COUNT} of JDK 19+, the register tile of
 * {@link PopcountVectorBitGemm} (4 rows x 2 vectors). Used only when {@link #available()}.
 */
final class PopcountXnorTile {
    private static final VectorSpecies<Long> L = LongVector.SPECIES_PREFERRED;
    private static final int LANES = L.length();
    /** Panel width: output channels per micro-kernel call. */
    static final int P = 2 * LANES;

    private PopcountXnorTile() {
    }

    /** Whether this JDK has a lane-wise bit count. */
    static boolean available() {
        return PopcountVectorBitGemm.BIT_COUNT != null;
    }

    /**
     * {@code counts[r * ldc + j + col] = popcount(row r XOR panel column col)} for the 4 rows of
     * {@code k} words at {@code rows[r * k]} and the {@link #P} columns of the panel at {@code base}.
     */
    static void mismatches(long[] rows, int k, long[] panel, int base, long[] counts, int j, int ldc) {
        VectorOperators.Unary bitCount = PopcountVectorBitGemm.BIT_COUNT;
        int a1 = k, a2 = 2 * k, a3 = 3 * k;
        LongVector d00 = LongVector.zero(L), d01 = d00, d10 = d00, d11 = d00;
        LongVector d20 = d00, d21 = d00, d30 = d00, d31 = d00;
        for (int i = 0; i < k; i++) {
            int q = base + i * P;
            LongVector y0 = LongVector.fromArray(L, panel, q);
            LongVector y1 = LongVector.fromArray(L, panel, q + LANES);
            LongVector x = LongVector.broadcast(L, rows[i]);
            d00 = d00.add(x.lanewise(VectorOperators.XOR, y0).lanewise(bitCount));
            d01 = d01.add(x.lanewise(VectorOperators.XOR, y1).lanewise(bitCount));
            x = LongVector.broadcast(L, rows[a1 + i]);
            d10 = d10.add(x.lanewise(VectorOperators.XOR, y0).lanewise(bitCount));
            d11 = d11.add(x.lanewise(VectorOperators.XOR, y1).lanewise(bitCount));
            x = LongVector.broadcast(L, rows[a2 + i]);
            d20 = d20.add(x.lanewise(VectorOperators.XOR, y0).lanewise(bitCount));
            d21 = d21.add(x.lanewise(VectorOperators.XOR, y1).lanewise(bitCount));
            x = LongVector.broadcast(L, rows[a3 + i]);
            d30 = d30.add(x.lanewise(VectorOperators.XOR, y0).lanewise(bitCount));
            d31 = d31.add(x.lanewise(VectorOperators.XOR, y1).lanewise(bitCount));
        }
        d00.intoArray(counts, j);
        d01.intoArray(counts, j + LANES);
        d10.intoArray(counts, ldc + j);
        d11.intoArray(counts, ldc + j + LANES);
        d20.intoArray(counts, 2 * ldc + j);
        d21.intoArray(counts, 2 * ldc + j + LANES);
        d30.intoArray(counts, 3 * ldc + j);
        d31.intoArray(counts, 3 * ldc + j + LANES);
    }

    /**
     * The IntBits words of one pixel from its mismatch counts {@code counts[c0 ..< c0 + width]}: bit
     * {@code co} set iff {@code lo[co] <= count <= hi[co]}, {@code LANES} channels per compare and
     * mask. {@code width} is a multiple of {@link #P} (so of the lanes, and 64 a multiple of it); the
     * channels past {@code cout} must never fire, so the words past it are 0.
     */
    static void packBits(long[] counts, int c0, long[] lo, long[] hi, int width, long[] y, int dst) {
        long word = 0;
        for (int co = 0; co < width; co += LANES) {
            LongVector d = LongVector.fromArray(L, counts, c0 + co);
            VectorMask<Long> fire = d.compare(VectorOperators.GE, LongVector.fromArray(L, lo, co))
                    .and(d.compare(VectorOperators.LE, LongVector.fromArray(L, hi, co)));
            word |= fire.toLong() << (co & 63);
            if (((co + LANES) & 63) == 0 || co + LANES == width) {
                y[dst + (co >>> 6)] = word;
                word = 0;
            }
        }
    }
}
