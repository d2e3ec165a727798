package org.bitspike.tensor;

import java.util.Arrays;
import org.bitspike.tensor.kernel.BitKernels;
import org.bitspike.tensor.kernel.KernelProvider;
import org.bitspike.tensor.kernel.Parallel;

/**
 * An immutable tensor of binary values packed 64 to a {@code long} along one dimension, the
 * operand layout of the XNOR- and AND-popcount kernels.
 *
 * <h2>Layout</h2>
 * A BitTensor of {@link #shape()} {@code [d0, ..., d(r-1)]} packed along {@link #packedDim()}
 * {@code p} stores the tensor with dimension {@code p} moved last: each combination of the other
 * indices, in row-major order of the remaining dimensions, is one row of {@code K = shape[p]} bits
 * in {@link BitKernels#words words(K)} consecutive longs (the layout of {@link BitKernels}: bit
 * {@code j} of a row is bit {@code j % 64} of word {@code j / 64}, padding bits of the last word
 * are 0). For example an NCHW activation packed along channels ({@code p = 1}) has {@code N * H * W}
 * rows of {@code C} bits, in (n, h, w) order.
 *
 * <h2>Encodings and the sign rule</h2>
 * The encodings differ in which values pack to 1 and in what the bits unpack to:
 * <ul>
 *   <li>{@link Encoding#SIGN} (binary weights and activations, 1 is +1 and 0 is -1) packs by the
 *       one sign rule of bitspike: {@code sign(x) = +1} for {@code x >= 0} (so both {@code +0} and
 *       {@code -0} are +1) and {@code -1} for {@code x < 0} and for NaN. The quantizers of
 *       {@code nn/binary}, the Bop optimiser and the flip-ratio callback use the same rule, so a
 *       packed weight is bit for bit the sign a layer trained with.</li>
 *   <li>{@link Encoding#SPIKE} (spikes, 1 is a spike and 0 silence) packs {@code x > 0} to 1: a
 *       spike tensor holds 0 or 1, and a 0 (also {@code -0}) or NaN must stay silent.</li>
 * </ul>
 *
 * {@snippet :
 * Tensor x = Tensor.of(new float[] {0.3f, -2f, 0f, 5f}, 2, 2);
 * BitTensor bits = BitTensor.pack(x, 1);                  // rows [1, 0] and [1, 1]: 0 packs to +1
 * Tensor signs = bits.unpack();                           // [[1, -1], [1, 1]]
 * Tensor dots = BitTensor.xnorMatmul(bits, bits);         // INT32 [[2, 0], [0, 2]]
 * Tensor spikes = BitTensor.pack(x, 1, Encoding.SPIKE).unpack(); // [[1, 0], [0, 1]]
 * }
 */
public final class BitTensor {

    /** What a bit stands for. */
    public enum Encoding {
        /** Binary values: 1 is +1, 0 is -1; {@code x >= 0} packs to 1 (NaN to 0). */
        // NOTE: the kernels pack `x >= threshold`; with threshold +0.0f that is x >= 0, true for -0.0
        // (IEEE: -0 == +0) and false for NaN, in the scalar and the Vector API compare alike.
        SIGN(1f, -1f, BitKernels.SIGN_THRESHOLD),
        /** Spikes: 1 is a spike (1), 0 is silence (0); {@code x > 0} packs to 1 (0, -0 and NaN to 0). */
        SPIKE(1f, 0f, BitKernels.SPIKE_THRESHOLD);

        private final float one;
        private final float zero;
        private final float packThreshold;

        Encoding(float one, float zero, float packThreshold) {
            this.one = one;
            this.zero = zero;
            this.packThreshold = packThreshold;
        }

        /**
         * Whether {@code value} packs to a set bit: {@code value >= 0} for SIGN, {@code value > 0}
         * for SPIKE, false for NaN in both.
         */
        public boolean packsToOne(double value) {
            return this == SIGN ? value >= 0 : value > 0;
        }

        /** The value a set bit unpacks to. */
        public float one() {
            return one;
        }

        /** The value a clear bit unpacks to. */
        public float zero() {
            return zero;
        }
    }

    private final int[] shape;
    private final int packedDim;
    private final Encoding encoding;
    private final int rowWords;
    private final long[] words;

    private BitTensor(int[] shape, int packedDim, Encoding encoding, long[] words) {
        this.shape = shape;
        this.packedDim = packedDim;
        this.encoding = encoding;
        this.rowWords = BitKernels.words(shape[packedDim]);
        this.words = words;
    }

    /** Packs the signs of {@code t} along {@code dim}: {@link Encoding#SIGN}, {@code value >= 0} is 1 (+1). */
    public static BitTensor pack(Tensor t, int dim) {
        return pack(t, dim, Encoding.SIGN);
    }

    /**
     * Packs {@code t} along {@code dim} (negative counts from the end) by the encoding's rule
     * ({@link Encoding#packsToOne}): SIGN packs {@code value >= 0} (also -0) to 1, SPIKE packs
     * {@code value > 0} to 1; NaN packs to 0 in both. Any dtype; {@code t} is not modified and may
     * be any strided view.
     *
     * @throws TensorException if {@code t} is 0-d or {@code dim} is out of range
     */
    public static BitTensor pack(Tensor t, int dim, Encoding encoding) {
        if (t.dim() == 0) {
            throw TensorException.of("BitTensor.pack", "cannot pack a 0-d tensor (shape %s): it has no dimension to pack along",
                    t.shapeRef());
        }
        int p = Shapes.dim("BitTensor.pack", dim, t.dim());
        // NOTE: other dtypes are compared in their own dtype and the 0/1 result packed: a cast to
        // FLOAT32 first would turn tiny positive doubles into 0 and change their bit.
        boolean direct = t.dtype() == DType.FLOAT32;
        Tensor src = direct ? t : (encoding == Encoding.SIGN ? t.ge(0.0) : t.gt(0.0)).to(DType.FLOAT32);
        float threshold = direct ? encoding.packThreshold : 0.5f;
        int[] shape = t.shape();
        int k = shape[p];
        int rows = Shapes.numel("BitTensor.pack", shape) / Math.max(1, k);
        if (k == 0) {
            rows = 0;
        }
        int ldw = BitKernels.words(k);
        long[] words = new long[Math.multiplyExact(rows, ldw)];
        float[] data = src.storage().floats();
        BitKernels kernels = KernelProvider.get().bits();
        forEachRowRun(src, p, (offset, count, rowStride, firstRow) -> kernels.pack(count, k, data, offset, rowStride,
                src.stridesRef()[p], threshold, words, firstRow * ldw, ldw, Parallel.shared()));
        return new BitTensor(shape, p, encoding, words);
    }

    /** The values back as a new contiguous FLOAT32 tensor of {@link #shape()}. */
    public Tensor unpack() {
        Tensor out = Tensor.allocate("BitTensor.unpack", DType.FLOAT32, shape);
        int k = shape[packedDim];
        float[] data = out.storage().floats();
        int colStride = out.stridesRef()[packedDim];
        BitKernels kernels = KernelProvider.get().bits();
        forEachRowRun(out, packedDim, (offset, count, rowStride, firstRow) -> kernels.unpack(count, k, words,
                firstRow * rowWords, rowWords, encoding.one(), encoding.zero(), data, offset, rowStride, colStride,
                Parallel.shared()));
        return out;
    }

    /**
     * {@code a @ b^T} on +/-1 values, exactly: for {@code a} of shape {@code [M, K]} and {@code b}
     * of shape {@code [N, K]}, both {@link Encoding#SIGN} and packed along dimension 1 (K), returns
     * the INT32 tensor {@code C [M, N]} with {@code C[i, j] = sum_p a[i, p] * b[j, p]
     * = K - 2 popcount(a_i XOR b_j)}. Equals {@code a.unpack().matmul(b.unpack().t())} exactly.
     *
     * @throws TensorException if an operand is not 2-d, not packed along dimension 1, not SIGN, or
     *         the K sizes differ
     */
    public static Tensor xnorMatmul(BitTensor a, BitTensor b) {
        return popcountMatmul("xnorMatmul", Encoding.SIGN, a, b);
    }

    /**
     * {@code a @ b^T} on 0/1 spikes, exactly: as {@link #xnorMatmul} but both operands
     * {@link Encoding#SPIKE}, and {@code C[i, j] = popcount(a_i AND b_j)}, the number of positions
     * where both spike.
     */
    public static Tensor andMatmul(BitTensor a, BitTensor b) {
        return popcountMatmul("andMatmul", Encoding.SPIKE, a, b);
    }

    private static Tensor popcountMatmul(String op, Encoding needed, BitTensor a, BitTensor b) {
        if (a.shape.length != 2 || b.shape.length != 2) {
            throw TensorException.of(op, "cannot multiply %s by %s^T: both operands must be 2-d ([M, K] and [N, K])",
                    a.shape, b.shape);
        }
        if (a.packedDim != 1 || b.packedDim != 1) {
            throw TensorException.of(op, "cannot multiply %s packed along dim %d by %s packed along dim %d:"
                    + " both operands must be packed along dim 1 (K)", a.shape, a.packedDim, b.shape, b.packedDim);
        }
        if (a.encoding != needed || b.encoding != needed) {
            throw TensorException.of(op, "cannot multiply %s (%s) by %s (%s): both operands must be %s",
                    a.shape, a.encoding, b.shape, b.encoding, needed);
        }
        int m = a.shape[0];
        int k = a.shape[1];
        int n = b.shape[0];
        if (b.shape[1] != k) {
            throw TensorException.of(op, "cannot multiply %s by %s^T: inner dimensions %d != %d",
                    a.shape, b.shape, k, b.shape[1]);
        }
        Tensor out = Tensor.allocate(op, DType.INT32, new int[] {m, n});
        int[] c = out.storage().ints();
        BitKernels kernels = KernelProvider.get().bits();
        if (needed == Encoding.SIGN) {
            kernels.xnorGemm(m, n, k, a.words, 0, a.rowWords, b.words, 0, b.rowWords, c, 0, n, Parallel.shared());
        } else {
            kernels.andGemm(m, n, k, a.words, 0, a.rowWords, b.words, 0, b.rowWords, c, 0, n, Parallel.shared());
        }
        return out;
    }

    /** A copy of the logical shape (the packed dimension in its original place). */
    public int[] shape() {
        return shape.clone();
    }

    /** The dimension the bits are packed along, in {@code [0, rank)}. */
    public int packedDim() {
        return packedDim;
    }

    public Encoding encoding() {
        return encoding;
    }

    /**
     * Number of packed rows: the product of every size but the packed one (0 when the packed size
     * is 0, as nothing is stored then).
     */
    public int rows() {
        return rowWords == 0 ? 0 : words.length / rowWords;
    }

    /** Longs per packed row: {@code ceil(shape[packedDim] / 64)}. */
    public int rowWords() {
        return rowWords;
    }

    /**
     * A BitTensor from its packed words (copied), in the layout described on this class: e.g. read back
     * from a file.
     *
     * @throws TensorException if the shape or dimension is invalid, the word count is not
     *         {@code rows * words(K)}, or a padding bit of a row's last word is set (the words do not
     *         match the shape)
     */
    public static BitTensor fromWords(int[] shape, int packedDim, Encoding encoding, long[] words) {
        String op = "BitTensor.fromWords";
        if (shape.length == 0) {
            throw TensorException.of(op, "shape must have at least one dimension");
        }
        int p = Shapes.dim(op, packedDim, shape.length);
        int k = shape[p];
        long numel = Shapes.numel(op, shape);
        int rowWords = BitKernels.words(k);
        long rows = k == 0 ? 0 : numel / k;
        if (words.length != rows * rowWords) {
            throw TensorException.of(op, "shape %s packed along %d needs %d rows of %d words (%d), got %d words", shape,
                    p, rows, rowWords, rows * rowWords, words.length);
        }
        long mask = BitKernels.lastWordMask(k);
        for (long r = 0; r < rows && rowWords > 0; r++) {
            long last = words[(int) (r * rowWords + rowWords - 1)];
            if ((last & ~mask) != 0) {
                throw TensorException.of(op, "row %d of shape %s packed along %d has padding bits set beyond its %d "
                        + "values (word %016x): the words do not match the shape", r, shape, p, k, last);
            }
        }
        return new BitTensor(shape.clone(), p, encoding, words.clone());
    }

    /** A BitTensor over {@code words} (not copied: the caller gives up the array), for the packed ops. */
    static BitTensor wrap(int[] shape, int packedDim, Encoding encoding, long[] words) {
        return new BitTensor(shape.clone(), packedDim, encoding, words);
    }

    /** The packed words themselves, for the packed ops, which only read them. */
    long[] wordsRef() {
        return words;
    }

    /** A copy of the packed words, in the layout described on this class. */
    public long[] words() {
        return words.clone();
    }

    @Override
    public String toString() {
        return "BitTensor[shape=" + Arrays.toString(shape) + ", packedDim=" + packedDim + ", " + encoding + "]";
    }

    /** Receives {@code count} rows starting at packed row {@code firstRow}, the first at {@code offset}. */
    @FunctionalInterface
    private interface RowRun {
        void accept(int offset, int count, int rowStride, int firstRow);
    }

    /**
     * Walks the rows of {@code t} seen with dimension {@code p} moved last, in row-major order of
     * the other dimensions, as few runs of evenly strided rows as the strides allow (adjacent
     * dimensions that are contiguous with each other are merged, size-1 dimensions dropped).
     */
    private static void forEachRowRun(Tensor t, int p, RowRun run) {
        int[] shape = t.shapeRef();
        int[] strides = t.stridesRef();
        if (Shapes.numel("BitTensor", shape) == 0) {
            return;
        }
        int[] sizes = new int[shape.length];
        int[] steps = new int[shape.length];
        int r = 0;
        for (int d = 0; d < shape.length; d++) {
            if (d == p || shape[d] == 1) {
                continue;
            }
            if (r > 0 && steps[r - 1] == strides[d] * shape[d]) {
                sizes[r - 1] *= shape[d];
                steps[r - 1] = strides[d];
            } else {
                sizes[r] = shape[d];
                steps[r] = strides[d];
                r++;
            }
        }
        if (r == 0) {
            run.accept(t.offset(), 1, 0, 0);
            return;
        }
        int count = sizes[r - 1];
        int rowStride = steps[r - 1];
        int[] counter = new int[r - 1];
        int offset = t.offset();
        int firstRow = 0;
        while (true) {
            run.accept(offset, count, rowStride, firstRow);
            firstRow += count;
            int d = r - 2;
            while (d >= 0) {
                counter[d]++;
                offset += steps[d];
                if (counter[d] < sizes[d]) {
                    break;
                }
                offset -= steps[d] * sizes[d];
                counter[d] = 0;
                d--;
            }
            if (d < 0) {
                return;
            }
        }
    }
}
