package org.bitspike.testing;

import java.util.Arrays;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;

/**
 * The random choices of one sample, without jqwik: each call consumes the next position of a
 * {@link RandomKey}'s stream, so the same key replays the same shapes, arguments and values.
 * {@link TensorArbitraries} wraps the same draws as jqwik {@code Arbitrary}s.
 *
 * <pre>{@code
 * Dice d = new Dice(RandomKey.of(seed), Dice.Size.REGULAR);
 * int[][] ab = d.broadcastPair(3);            // e.g. [[2, 1, 3], [3]]
 * Tensor a = Domain.REAL.draw(d.key(), ab[0]); // FLOAT64 values in [-2, 2]
 * }</pre>
 *
 * <p>Not thread-safe (it counts its draws); make one per sample.
 */
public final class Dice {
    /**
     * How big the sampled tensors are: regular for forward and first-order checks, small for second
     * order, and {@link #EMPTY} (regular sizes, but {@link #shape} draws a size-0 dimension about one
     * time in four) for {@code OpContract}'s empty-inputs check.
     */
    public enum Size {
        REGULAR(3, 1), SMALL(2, 1), EMPTY(3, 0);

        /** Largest size of a dimension of an elementwise or movement op's input. */
        public final int maxDim;
        /** Smallest size {@link #shape} draws: 1, or 0 for {@link #EMPTY}. */
        public final int minDim;

        Size(int maxDim, int minDim) {
            this.maxDim = maxDim;
            this.minDim = minDim;
        }
    }

    private final RandomKey key;
    private final Size size;
    private long next;

    /** Draws from {@code key}'s stream; {@code size} bounds {@link #shape(int, int)}. */
    public Dice(RandomKey key, Size size) {
        if (key == null || size == null) {
            throw new IllegalArgumentException("Dice: key " + key + " and size " + size + " must not be null");
        }
        this.key = key;
        this.size = size;
    }

    public Size size() {
        return size;
    }

    /** Uniform in {@code [lo, hi]}. */
    public int between(int lo, int hi) {
        if (hi < lo) {
            throw new IllegalArgumentException("Dice.between: empty range [" + lo + ", " + hi + "]");
        }
        return lo + (int) key.uniformLong(next++, hi - lo + 1L);
    }

    public boolean coin() {
        return between(0, 1) == 1;
    }

    /** One of {@code options}, uniformly. */
    @SafeVarargs
    public final <T> T pick(T... options) {
        return options[between(0, options.length - 1)];
    }

    /** A fresh key for drawing values (consumes one draw). */
    public RandomKey key() {
        return key.fold(next++);
    }

    /** A uniformly random permutation of {@code 0..n-1}. */
    public int[] permutation(int n) {
        return key().permutation(n);
    }

    /** FLOAT32 or FLOAT64. */
    public DType floatingDType() {
        return pick(DType.FLOAT32, DType.FLOAT64);
    }

    /** Rank {@code minRank..maxRank}, sizes {@code size.minDim..size.maxDim}; rank 0 is the 0-d shape. */
    public int[] shape(int minRank, int maxRank) {
        return shape(minRank, maxRank, size.maxDim);
    }

    /** Rank {@code minRank..maxRank}, sizes {@code size.minDim..maxDim} (0 only for {@link Size#EMPTY}). */
    public int[] shape(int minRank, int maxRank, int maxDim) {
        int[] s = new int[between(minRank, maxRank)];
        for (int d = 0; d < s.length; d++) {
            s[d] = between(1, maxDim);
            if (size.minDim == 0 && between(0, 3) == 0) {
                s[d] = 0;
            }
        }
        return s;
    }

    /** {@code shape} with each dimension set to 1 with probability 1/4. */
    public int[] someOnes(int[] shape) {
        int[] s = shape.clone();
        for (int d = 0; d < s.length; d++) {
            if (between(0, 3) == 0) {
                s[d] = 1;
            }
        }
        return s;
    }

    /**
     * Two shapes that broadcast together: a random shape with some sizes set to 1, and a suffix of
     * it with other sizes set to 1, in random order (so either operand may be the smaller).
     */
    public int[][] broadcastPair(int maxRank) {
        int[] full = shape(0, maxRank);
        int[] a = someOnes(full);
        int[] b = someOnes(Arrays.copyOfRange(full, between(0, full.length), full.length));
        return coin() ? new int[][] {a, b} : new int[][] {b, a};
    }

    /**
     * {@code n} shapes that broadcast together: each a suffix of one random shape with some sizes
     * set to 1. The first keeps the full rank.
     */
    public int[][] broadcastTuple(int n, int maxRank) {
        if (n < 1) {
            throw new IllegalArgumentException("Dice.broadcastTuple: n must be at least 1, got " + n);
        }
        int[] full = shape(0, maxRank);
        int[][] shapes = new int[n][];
        for (int i = 0; i < n; i++) {
            shapes[i] = someOnes(Arrays.copyOfRange(full, i == 0 ? 0 : between(0, full.length), full.length));
        }
        return shapes;
    }

    /** A dimension of a tensor of rank {@code rank >= 1}, negative (counted from the end) half the time. */
    public int dim(int rank) {
        int d = between(0, rank - 1);
        return coin() ? d - rank : d;
    }

    /** A non-empty set of distinct dimensions of {@code rank} (empty for rank 0), some negative. */
    public int[] dims(int rank) {
        if (rank == 0) {
            return new int[0];
        }
        int[] order = permutation(rank);
        int[] dims = Arrays.copyOf(order, between(1, rank));
        for (int i = 0; i < dims.length; i++) {
            dims[i] = coin() ? dims[i] - rank : dims[i];
        }
        return dims;
    }
}
