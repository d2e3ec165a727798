package org.bitspike.testing;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;

/**
 * jqwik {@link Arbitrary}s for tensor tests: shapes, floating dtypes, broadcast-compatible shapes
 * and awkward views of a given tensor. Shapes shrink towards small ranks and sizes; the draws that
 * need a whole sample at once ({@link #broadcastPairs}, {@link #dice}) come from a seeded
 * {@link Dice}, the same sampler a test can use without jqwik.
 *
 * <pre>{@code
 * @Property
 * void negIsItsOwnInverse(@ForAll("shapes") int[] shape, @ForAll long seed) { ... }
 *
 * @Provide
 * Arbitrary<int[]> shapes() {
 *     return TensorArbitraries.shapes(0, 3, 4);
 * }
 * }</pre>
 */
public final class TensorArbitraries {
    private TensorArbitraries() {
    }

    /** Shapes of rank {@code minRank..maxRank} (rank 0 is the 0-d shape) with sizes {@code 1..maxDim}. */
    public static Arbitrary<int[]> shapes(int minRank, int maxRank, int maxDim) {
        if (minRank < 0 || maxRank < minRank || maxDim < 1) {
            throw new IllegalArgumentException("TensorArbitraries.shapes: need 0 <= minRank <= maxRank and maxDim >= 1, "
                    + "got ranks " + minRank + ".." + maxRank + ", maxDim " + maxDim);
        }
        return Arbitraries.integers().between(1, maxDim).array(int[].class).ofMinSize(minRank).ofMaxSize(maxRank);
    }

    /** FLOAT32 and FLOAT64. */
    public static Arbitrary<DType> floatingDTypes() {
        return Arbitraries.of(DType.FLOAT32, DType.FLOAT64);
    }

    /** A seeded sampler per try, for samples drawn as a whole (the way {@link OpContract} draws). */
    public static Arbitrary<Dice> dice(Dice.Size size) {
        return Arbitraries.longs().map(seed -> new Dice(RandomKey.of(seed), size));
    }

    /** Two shapes of rank up to {@code maxRank} that broadcast together ({@link Dice#broadcastPair}). */
    public static Arbitrary<int[][]> broadcastPairs(int maxRank) {
        return dice(Dice.Size.REGULAR).map(d -> d.broadcastPair(maxRank));
    }

    /** {@code n} shapes of rank up to {@code maxRank} that broadcast together ({@link Dice#broadcastTuple}). */
    public static Arbitrary<int[][]> broadcastTuples(int n, int maxRank) {
        return dice(Dice.Size.REGULAR).map(d -> d.broadcastTuple(n, maxRank));
    }

    /** A tensor in a layout; its {@code toString} names the layout, shape, strides and offset. */
    public record View(Layout layout, Tensor tensor) {
        @Override
        public String toString() {
            return layout.name().toLowerCase(java.util.Locale.ROOT) + " " + Arrays.toString(tensor.shape()) + " strides "
                    + Arrays.toString(tensor.strides()) + " offset " + tensor.offset();
        }
    }

    /**
     * Views of {@code small.expand(shape)} in every layout that fits: fresh copies in the contiguous,
     * offset, permuted and stepped layouts, and the stride-0 broadcast view itself where
     * {@code small} is smaller than {@code shape}. {@code small} is not modified.
     */
    public static Arbitrary<View> views(Tensor small, int[] shape) {
        boolean broadcasts = !Arrays.equals(small.shape(), shape);
        List<Layout> fitting = Layout.fitting(shape, Domain.REAL).stream()
                .filter(l -> l != Layout.EXPANDED || broadcasts).toList();
        return Arbitraries.of(fitting).map(l -> new View(l, l.view(small, shape)));
    }

    /** Views of {@code values} in the contiguous, offset, permuted and stepped layouts that fit its shape. */
    public static Arbitrary<View> views(Tensor values) {
        return views(values, values.shape());
    }
}
