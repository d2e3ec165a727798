package org.bitspike.tensor.kernel;

/**
 * Kernels on bit-packed rows: packing floats into bits, unpacking them back, and the XNOR- and
 * AND-popcount matrix multiplies that binary and spiking layers run on.
 *
 * <h2>Layout</h2>
 * A binary value {@code b in {-1, +1}} or a spike {@code s in {0, 1}} is one bit: 1 stands for +1
 * (or a spike), 0 for -1 (or silence). A row of {@code k} bits occupies {@link #words words(k)}
 * {@code = ceil(k / 64)} consecutive {@code long}s; bit {@code j} of the row is bit {@code j % 64}
 * (counting from the least significant) of word {@code j / 64}. The {@code 64 * words(k) - k}
 * padding bits of the last word are always written as 0 by {@link #pack}. Rows start {@code ldw}
 * words apart ({@code ldw >= words(k)}); words between rows are never read or written.
 *
 * <p>The multiplies mask the padding themselves, so their results do not depend on what the padding
 * bits hold; zero padding still matters to anyone reading the words directly.
 *
 * <h2>Arguments</h2>
 * Array/offset based like {@link Gemm}: kernels {@code assert} their preconditions, the tensor-level
 * facades validate. Source arrays are never modified; destination arrays are written only inside
 * the described rows. Work is split into tasks whose count and boundaries do not depend on the
 * thread count, and every result is an exact integer or a copy, so results are bit-identical for any
 * {@link Parallel}.
 */
public interface BitKernels {

    /**
     * Threshold that makes {@link #pack} the spike rule {@code value > 0} (BitTensor's SPIKE encoding): the
     * smallest positive float, so {@code value >= SPIKE_THRESHOLD} exactly when {@code value > 0}. The sign rule
     * of the SIGN encoding ({@code value >= 0} is +1) packs with threshold {@link #SIGN_THRESHOLD}.
     */
    // NOTE: x >= Float.MIN_VALUE <=> x > 0 holds for every float: MIN_VALUE is the successor of +0
    // and Java compares subnormals exactly (no flush-to-zero). -0.0 and +0.0 both pack to 0.
    float SPIKE_THRESHOLD = Float.MIN_VALUE;

    /** Threshold that makes {@link #pack} the sign rule {@code value >= 0} (also -0; NaN packs to 0, i.e. -1). */
    float SIGN_THRESHOLD = 0f;

    /** Number of {@code long} words that hold a row of {@code k} bits: {@code ceil(k / 64)}. */
    static int words(int k) {
        return (k + 63) >>> 6;
    }

    /**
     * Mask of the valid bits of the last word of a row of {@code k} bits (all ones when {@code k} is
     * a multiple of 64).
     */
    static long lastWordMask(int k) {
        return -1L >>> ((-k) & 63);
    }

    /**
     * Packs {@code rows} rows of {@code k} floats into bits: bit {@code (r, j)} is
     * {@code src[srcOff + r * srcRowStride + j * srcColStride] >= threshold}.
     *
     * <p>NaN compares false, so a NaN packs to 0 (-1 in sign mode, no spike in spike mode). The
     * strides may be any non-negative values, so a dimension of a strided tensor packs in place:
     * the channels of one image of an NCHW tensor are {@code rows = H * W, srcRowStride = 1,
     * srcColStride = H * W}.
     *
     * @param src read only
     * @param dst rows {@code r < rows} of {@code words(k)} words at {@code dstOff + r * ldw} are
     *            overwritten (padding bits set to 0); nothing else is touched
     * @param ldw words between the starts of consecutive packed rows, {@code >= words(k)}
     */
    void pack(int rows, int k,
              float[] src, int srcOff, int srcRowStride, int srcColStride, float threshold,
              long[] dst, int dstOff, int ldw, Parallel parallel);

    /**
     * Unpacks {@code rows} rows of {@code k} bits into floats:
     * {@code dst[dstOff + r * dstRowStride + j * dstColStride]} becomes {@code one} where bit
     * {@code (r, j)} is set and {@code zero} where it is clear. Sign mode is {@code one = 1,
     * zero = -1}; spike mode is {@code one = 1, zero = 0}. Padding bits are ignored.
     *
     * @param src read only
     * @param dst the {@code rows * k} addressed elements are overwritten; the addresses must be
     *            distinct
     */
    void unpack(int rows, int k,
                long[] src, int srcOff, int ldw, float one, float zero,
                float[] dst, int dstOff, int dstRowStride, int dstColStride, Parallel parallel);

    /**
     * XNOR-popcount GEMM on +/-1 values: {@code C[i, j] = sum_p a_ip * b_jp = k - 2 *
     * popcount(A_i XOR B_j)} over the {@code k} valid bits, for {@code i < m, j < n}. Equals a float
     * GEMM of {@code A * B^T} on the unpacked +/-1 matrices exactly.
     *
     * @param a {@code m} packed rows of {@code k} bits, row {@code i} at {@code aOff + i * lda};
     *          read only
     * @param b {@code n} packed rows of {@code k} bits (B is stored as its rows, i.e. the matrix
     *          multiplied is {@code B^T}), row {@code j} at {@code bOff + j * ldb}; read only
     * @param c {@code C[i, j]} is written to {@code c[cOff + i * ldc + j]} (overwritten); must
     *          not alias
     */
    void xnorGemm(int m, int n, int k,
                  long[] a, int aOff, int lda,
                  long[] b, int bOff, int ldb,
                  int[] c, int cOff, int ldc, Parallel parallel);

    /**
     * AND-popcount GEMM on 0/1 values (spikes times binary weights): {@code C[i, j] = sum_p a_ip *
     * b_jp = popcount(A_i AND B_j)} over the {@code k} valid bits. Arguments as {@link #xnorGemm}.
     */
    void andGemm(int m, int n, int k,
                 long[] a, int aOff, int lda,
                 long[] b, int bOff, int ldb,
                 int[] c, int cOff, int ldc, Parallel parallel);
}
