package org.bitspike.tensor.kernel.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.bitspike.tensor.kernel.BitKernels;
import org.bitspike.tensor.kernel.Parallel;
import org.bitspike.tensor.kernel.Tuning;

/**
 * Fast packing and unpacking, by layout. Rows of contiguous floats ({@code colStride == 1}) go
 * through the Vector API: one compare of {@code lanes} floats is {@code lanes} bits
 * ({@code VectorMask.toLong}; JDK 19+, before that the scalar loop), and unpacking blends
 * {@code one} and {@code zero} under {@code VectorMask.fromLong}. Layouts whose rows are closer together than their elements (the
 * channels of NCHW: row stride 1, column stride H * W) are walked column by column across a block
 * of rows, so memory is read and written contiguously instead of one cache line per element (and,
 * at power-of-two strides, one L1 set). Anything else falls back to the scalar oracle.
 */
final class VectorBitPacking {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = F.length();

    private final BitKernels scalar;
    /** Whether rows of contiguous floats are packed with {@code VectorMask.toLong}. */
    private final boolean vectorPack;

    // NOTE: VectorMask.toLong is not intrinsified on JDK 17: there the vector row packing ran at
    // half the speed of the scalar loop (0.5 vs 1.0 Gelem/s), on JDK 25 at 6x its speed (5.6
    // Gelem/s). Only 17 and 25 were measured; 19 is assumed, the release that also brought
    // BIT_COUNT. Unpacking with VectorMask.fromLong was the faster on both (1.0 and 11 Gelem/s).
    VectorBitPacking(BitKernels scalar) {
        this.scalar = scalar;
        this.vectorPack = Runtime.version().feature() >= 19 && 64 % LANES == 0;
    }

    void pack(int rows, int k, float[] src, int srcOff, int srcRs, int srcCs, float threshold,
              long[] dst, int dstOff, int ldw, Parallel parallel) {
        int per = Tuning.BIT_PACK_ROWS_PER_TASK;
        int tasks = BitGemmSupport.ceilDiv(rows, per);
        if (srcCs == 1 && vectorPack) {
            parallel.forEach(tasks, t -> {
                for (int r = t * per, r1 = Math.min(rows, r + per); r < r1; r++) {
                    packRow(k, src, srcOff + r * srcRs, threshold, dst, dstOff + r * ldw);
                }
            });
        } else if (Math.abs(srcRs) < Math.abs(srcCs)) {
            parallel.forEach(tasks, t -> packColumns(t * per, Math.min(rows, t * per + per), k, src, srcOff, srcRs,
                    srcCs, threshold, dst, dstOff, ldw));
        } else {
            scalar.pack(rows, k, src, srcOff, srcRs, srcCs, threshold, dst, dstOff, ldw, parallel);
        }
    }

    void unpack(int rows, int k, long[] src, int srcOff, int ldw, float one, float zero,
                float[] dst, int dstOff, int dstRs, int dstCs, Parallel parallel) {
        int per = Tuning.BIT_PACK_ROWS_PER_TASK;
        int tasks = BitGemmSupport.ceilDiv(rows, per);
        if (dstCs == 1 && 64 % LANES == 0) {
            parallel.forEach(tasks, t -> {
                for (int r = t * per, r1 = Math.min(rows, r + per); r < r1; r++) {
                    unpackRow(k, src, srcOff + r * ldw, one, zero, dst, dstOff + r * dstRs);
                }
            });
        } else if (Math.abs(dstRs) < Math.abs(dstCs)) {
            parallel.forEach(tasks, t -> unpackColumns(t * per, Math.min(rows, t * per + per), k, src, srcOff, ldw,
                    one, zero, dst, dstOff, dstRs, dstCs));
        } else {
            scalar.unpack(rows, k, src, srcOff, ldw, one, zero, dst, dstOff, dstRs, dstCs, parallel);
        }
    }

    private static void packRow(int k, float[] src, int s, float threshold, long[] dst, int d) {
        int words = BitKernels.words(k);
        int vectorEnd = k - LANES;
        for (int w = 0; w < words; w++) {
            int j0 = w << 6;
            int j1 = Math.min(k, j0 + 64);
            long bits = 0;
            int j = j0;
            for (; j <= vectorEnd && j < j1; j += LANES) {
                long m = FloatVector.fromArray(F, src, s + j).compare(VectorOperators.GE, threshold).toLong();
                bits |= m << (j - j0);
            }
            for (; j < j1; j++) {
                bits |= (src[s + j] >= threshold ? 1L : 0L) << (j - j0);
            }
            dst[d + w] = bits;
        }
    }

    private static void unpackRow(int k, long[] src, int s, float one, float zero, float[] dst, int d) {
        FloatVector ones = FloatVector.broadcast(F, one);
        FloatVector zeros = FloatVector.broadcast(F, zero);
        int j = 0;
        for (; j <= k - LANES; j += LANES) {
            long bits = src[s + (j >>> 6)] >>> (j & 63);
            zeros.blend(ones, VectorMask.fromLong(F, bits)).intoArray(dst, d + j);
        }
        for (; j < k; j++) {
            dst[d + j] = (src[s + (j >>> 6)] >>> (j & 63) & 1L) != 0 ? one : zero;
        }
    }

    /** Rows {@code [r0, r1)}, one column at a time across the block (rows adjacent in memory). */
    private static void packColumns(int r0, int r1, int k, float[] src, int srcOff, int srcRs, int srcCs,
                                    float threshold, long[] dst, int dstOff, int ldw) {
        int words = BitKernels.words(k);
        for (int r = r0; r < r1; r++) {
            java.util.Arrays.fill(dst, dstOff + r * ldw, dstOff + r * ldw + words, 0L);
        }
        for (int j = 0; j < k; j++) {
            int s = srcOff + j * srcCs;
            int d = dstOff + (j >>> 6);
            int shift = j & 63;
            for (int r = r0; r < r1; r++) {
                dst[d + r * ldw] |= (src[s + r * srcRs] >= threshold ? 1L : 0L) << shift;
            }
        }
    }

    private static void unpackColumns(int r0, int r1, int k, long[] src, int srcOff, int ldw, float one, float zero,
                                      float[] dst, int dstOff, int dstRs, int dstCs) {
        int oneBits = Float.floatToRawIntBits(one);
        int zeroBits = Float.floatToRawIntBits(zero);
        for (int j = 0; j < k; j++) {
            int s = srcOff + (j >>> 6);
            int d = dstOff + j * dstCs;
            int shift = j & 63;
            for (int r = r0; r < r1; r++) {
                int select = -(int) (src[s + r * ldw] >>> shift & 1L);
                dst[d + r * dstRs] = Float.intBitsToFloat(oneBits & select | zeroBits & ~select);
            }
        }
    }
}
