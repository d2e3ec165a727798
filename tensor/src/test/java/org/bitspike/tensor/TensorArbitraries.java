package org.bitspike.tensor;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Test support: jqwik generators for shapes (rank 0..4, sizes 0..5, zero sizes and scalars
 * included), tensors in every layout, broadcast-compatible shape pairs and dimension subsets.
 * Element values come from a {@link SplittableRandom} seeded by a generated long, so a reported
 * jqwik seed reproduces the data too.
 */
final class TensorArbitraries {
    /** The fixed seed of every property in this package (jqwik prints it again on failure). */
    static final String SEED = "5140425813";

    static final DType[] ALL_DTYPES = DType.values();
    static final DType[] NUMERIC = {DType.INT32, DType.INT64, DType.FLOAT32, DType.FLOAT64};
    static final DType[] FLOATING = {DType.FLOAT32, DType.FLOAT64};

    private TensorArbitraries() {
    }

    /** One size: 0 now and then, otherwise 1..5. */
    static Arbitrary<Integer> size() {
        return Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just(0)),
                Tuple.of(14, Arbitraries.integers().between(1, 5)));
    }

    /** One size, never 0. */
    static Arbitrary<Integer> positiveSize() {
        return Arbitraries.integers().between(1, 5);
    }

    /** Shapes of rank {@code minRank..maxRank} with sizes 0..5. */
    static Arbitrary<int[]> shapes(int minRank, int maxRank) {
        return Arbitraries.integers().between(minRank, maxRank)
                .flatMap(rank -> size().list().ofSize(rank).map(TensorArbitraries::toArray));
    }

    /** Shapes of rank 0..4. */
    static Arbitrary<int[]> shapes() {
        return shapes(0, 4);
    }

    /** Shapes of rank {@code minRank..maxRank} with sizes 1..5 (no empty tensors). */
    static Arbitrary<int[]> nonEmptyShapes(int minRank, int maxRank) {
        return Arbitraries.integers().between(minRank, maxRank)
                .flatMap(rank -> positiveSize().list().ofSize(rank).map(TensorArbitraries::toArray));
    }

    static int[] toArray(List<Integer> list) {
        return list.stream().mapToInt(Integer::intValue).toArray();
    }

    // ---------------------------------------------------------------- values

    /**
     * Row-major values for {@code dtype}: floats mostly uniform in [-3, 3) with some exact integers
     * (ties for max/argmax) and halves (round-half-even cases); with {@code specials}, now and then
     * NaN, infinities and signed zeros. Integers in [-5, 5]; booleans fair.
     */
    static Tensor random(DType dtype, int[] shape, long seed, boolean specials) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int n = Shapes.numel("random", shape);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = switch (dtype) {
                case BOOL -> rnd.nextBoolean() ? 1 : 0;
                case INT32, INT64 -> rnd.nextInt(-5, 6);
                case FLOAT32, FLOAT64 -> floatValue(rnd, specials);
            };
        }
        return Tensor.of(v).reshape(shape).to(dtype); // of(v) with no shape would be 1-D
    }

    private static final double[] SPECIALS = {
        Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.0};

    private static double floatValue(SplittableRandom rnd, boolean specials) {
        int kind = rnd.nextInt(24);
        if (specials && kind == 0) {
            return SPECIALS[rnd.nextInt(SPECIALS.length)];
        }
        if (kind < 4) {
            return rnd.nextInt(-3, 4);
        }
        if (kind < 6) {
            return rnd.nextInt(-3, 3) + 0.5;
        }
        return rnd.nextDouble(-3, 3);
    }

    // ---------------------------------------------------------------- samples in every layout

    /**
     * A tensor of {@code shape} whose content is {@code small} (the same shape with the dims in
     * {@code collapsed} set to 1) broadcast: the "expanded" layout is then a true stride-0 view.
     */
    record Sample(DType dtype, int[] shape, int[] smallShape, long seed, boolean specials) {
        Tensor small() {
            return random(dtype, smallShape, seed, specials);
        }

        /** The logical value, contiguous. */
        Tensor logical() {
            return small().expand(shape).copy();
        }

        /** Every layout, expanded included (read-only use). */
        List<TensorLayouts.Layout> layouts() {
            return TensorLayouts.all(small(), shape);
        }

        /** Writable layouts only. */
        List<TensorLayouts.Layout> writableLayouts() {
            return TensorLayouts.writable(logical());
        }

        int rank() {
            return shape.length;
        }

        @Override
        public String toString() {
            return dtype + " " + Arrays.toString(shape) + " from " + Arrays.toString(smallShape)
                    + " seed " + seed + (specials ? " with NaN/inf" : "");
        }
    }

    /** Samples over {@code shapes}, of one of {@code dtypes}. */
    static Arbitrary<Sample> samples(Arbitrary<int[]> shapes, boolean specials, DType... dtypes) {
        return shapes.flatMap(shape -> samplesOf(shape, specials, dtypes));
    }

    /** Samples of exactly {@code shape}, of one of {@code dtypes}. */
    static Arbitrary<Sample> samplesOf(int[] shape, boolean specials, DType... dtypes) {
        return Combinators.combine(
                Arbitraries.of(dtypes),
                Arbitraries.integers().between(0, (1 << shape.length) - 1).withoutEdgeCases(),
                Arbitraries.longs().withoutEdgeCases(),
                specials ? Arbitraries.of(false, false, true) : Arbitraries.just(false))
                .as((dtype, mask, seed, sp) -> new Sample(dtype, shape, collapse(shape, mask), seed, sp));
    }

    static Arbitrary<Sample> samples(DType... dtypes) {
        return samples(shapes(), false, dtypes);
    }

    /** {@code shape} with the dims whose bit is set in {@code mask} set to size 1. */
    static int[] collapse(int[] shape, int mask) {
        int[] s = shape.clone();
        for (int d = 0; d < s.length; d++) {
            if ((mask & (1 << d)) != 0) {
                s[d] = 1;
            }
        }
        return s;
    }

    // ---------------------------------------------------------------- broadcasting

    /** Operand shapes and the shape they broadcast to. */
    record BroadcastShapes(int[] out, int[][] operands) {
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder();
            for (int[] o : operands) {
                sb.append(Arrays.toString(o)).append(' ');
            }
            return sb.append("-> ").append(Arrays.toString(out)).toString();
        }
    }

    /**
     * {@code count} shapes that broadcast together: each takes a suffix of a common shape's
     * dimensions with some of them set to 1.
     */
    static Arbitrary<BroadcastShapes> broadcastShapes(int count) {
        return shapes().flatMap(full -> {
            Arbitrary<int[]> one = Combinators.combine(
                    Arbitraries.integers().between(0, full.length),
                    Arbitraries.integers().between(0, (1 << full.length) - 1))
                    .as((rank, mask) -> collapse(Arrays.copyOfRange(full, full.length - rank, full.length), mask));
            return one.list().ofSize(count).map(list -> {
                int[][] operands = list.toArray(new int[0][]);
                int[] out = new int[0];
                for (int[] o : operands) {
                    out = Naive.broadcast(out, o);
                }
                return new BroadcastShapes(out, operands);
            });
        });
    }

    // ---------------------------------------------------------------- dimension subsets

    /**
     * A subset of {@code 0..rank-1} chosen by {@code mask}, written in an order and sign given by
     * {@code variant}: bit 0 reverses the order, bit 1 uses negative indices.
     */
    static int[] dimSubset(int rank, int mask, int variant) {
        int[] dims = new int[Integer.bitCount(mask)];
        int k = 0;
        for (int d = 0; d < rank; d++) {
            if ((mask & (1 << d)) != 0) {
                dims[k++] = (variant & 2) != 0 ? d - rank : d;
            }
        }
        if ((variant & 1) != 0) {
            for (int i = 0; i < dims.length / 2; i++) {
                int t = dims[i];
                dims[i] = dims[dims.length - 1 - i];
                dims[dims.length - 1 - i] = t;
            }
        }
        return dims;
    }
}
