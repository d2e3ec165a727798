package org.bitspike.autograd;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bitspike.tensor.Convolution.ConvOptions;
import org.bitspike.tensor.Convolution.PoolOptions;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.bitspike.tensor.TensorLayouts;

/**
 * Test support for the op table: the random choices of a sample ({@link Dice}), the value domains
 * inputs are drawn from ({@link Domain}), the memory layouts they are handed to an op in
 * ({@link Layout}, {@link Input}) and the geometry of convolutions and poolings ({@link ConvShapes},
 * {@link PoolShapes}). Everything is a pure function of a {@link RandomKey}, so a jqwik seed
 * reproduces shapes, values and layouts.
 */
final class OpSampling {
    private OpSampling() {
    }

    /** How big the sampled tensors are: regular for forward and first-order checks, small for second order. */
    enum Size {
        REGULAR(3), SMALL(2);

        /** Largest size of a dimension of an elementwise or movement op's input. */
        final int maxDim;

        Size(int maxDim) {
            this.maxDim = maxDim;
        }
    }

    /** The random choices of one sample: each call consumes the next position of the key's stream. */
    static final class Dice {
        private final RandomKey key;
        private final Size size;
        private long next;

        Dice(RandomKey key, Size size) {
            this.key = key;
            this.size = size;
        }

        Size size() {
            return size;
        }

        /** Uniform in {@code [lo, hi]}. */
        int between(int lo, int hi) {
            return lo + (int) key.uniformLong(next++, hi - lo + 1L);
        }

        boolean coin() {
            return between(0, 1) == 1;
        }

        @SafeVarargs
        final <T> T pick(T... options) {
            return options[between(0, options.length - 1)];
        }

        /** A fresh key for drawing values. */
        RandomKey key() {
            return key.fold(next++);
        }

        int[] permutation(int n) {
            return key().permutation(n);
        }

        /** Rank {@code minRank..maxRank}, sizes {@code 1..size.maxDim}. */
        int[] shape(int minRank, int maxRank) {
            return shape(minRank, maxRank, size.maxDim);
        }

        int[] shape(int minRank, int maxRank, int maxDim) {
            int[] s = new int[between(minRank, maxRank)];
            for (int d = 0; d < s.length; d++) {
                s[d] = between(1, maxDim);
            }
            return s;
        }

        /** {@code shape} with each dimension set to 1 with probability 1/4. */
        int[] someOnes(int[] shape) {
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
        int[][] broadcastPair(int maxRank) {
            int[] full = shape(0, maxRank);
            int[] a = someOnes(full);
            int[] b = someOnes(Arrays.copyOfRange(full, between(0, full.length), full.length));
            return coin() ? new int[][] {a, b} : new int[][] {b, a};
        }

        /** A dimension of a tensor of rank {@code rank >= 1}, negative (counted from the end) half the time. */
        int dim(int rank) {
            int d = between(0, rank - 1);
            return coin() ? d - rank : d;
        }

        /** A non-empty set of distinct dimensions of {@code rank} (empty for rank 0), some negative. */
        int[] dims(int rank) {
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

    /**
     * Where an input's values come from. Each domain keeps the op away from its kinks, poles, jumps
     * and ties, where a derivative (or a finite difference) is meaningless.
     */
    enum Domain {
        /** Uniform in [-2, 2]. */
        REAL(true),
        /** Uniform in [0.2, 2]: bases of log, sqrt, rsqrt and pow stay above 0.1. */
        POSITIVE(true),
        /** |x| uniform in [0.2, 2], either sign: away from the kinks of abs, relu and sign and the pole of 1/x. */
        NONZERO(true),
        /** Uniform in [-2, 2] but at least 0.1 from the clamp bounds {@link #CLAMP_MIN} and {@link #CLAMP_MAX}. */
        OFF_CLAMP_BOUNDS(true),
        /** Fractional part in [0.1, 0.9]: away from the jumps of floor and ceil. */
        OFF_INTEGERS(true),
        /** Fractional part at least 0.1 from 1/2: away from the jumps of round. */
        OFF_HALVES(true),
        /** Odd multiples of 0.1 in [-1.9, 1.9]: never equal to an {@link #EVEN_TENTHS} value (maximum, minimum). */
        ODD_TENTHS(true),
        /** Even multiples of 0.1 in [-2, 2]. */
        EVEN_TENTHS(true),
        /** All elements distinct and at least 0.06 apart (a shuffled grid): no ties for max, argmax, pooling. */
        DISTINCT(false);

        static final double CLAMP_MIN = -0.5;
        static final double CLAMP_MAX = 0.7;

        private final boolean repeats;

        Domain(boolean repeats) {
            this.repeats = repeats;
        }

        /** Whether the op may see one value several times (false when repeated values would be ties). */
        boolean allowsRepeats() {
            return repeats;
        }

        /** FLOAT64 values of {@code shape}, contiguous. */
        Tensor draw(RandomKey key, int[] shape) {
            int n = Naive.numel(shape);
            double[] v = new double[n];
            int[] rank = this == DISTINCT ? key.fold(1).permutation(n) : null;
            RandomKey second = key.fold(2);
            for (int i = 0; i < n; i++) {
                double u = key.uniformDouble(i);
                double w = second.uniformDouble(i);
                v[i] = switch (this) {
                    case REAL -> 4 * u - 2;
                    case POSITIVE -> 0.2 + 1.8 * u;
                    case NONZERO -> (w < 0.5 ? -1 : 1) * (0.2 + 1.8 * u);
                    case OFF_CLAMP_BOUNDS -> offClampBounds(4 * u - 2);
                    case OFF_INTEGERS -> Math.floor(6 * u - 3) + 0.1 + 0.8 * w;
                    case OFF_HALVES -> Math.floor(6 * u - 3) + (w < 0.5 ? 0.8 * w : 0.2 + 0.8 * w);
                    case ODD_TENTHS -> (2 * Math.floor(20 * u - 10) + 1) * 0.1;
                    case EVEN_TENTHS -> 2 * Math.floor(21 * u - 10) * 0.1;
                    case DISTINCT -> (rank[i] - (n - 1) / 2.0) * 0.1 + 0.04 * u;
                };
            }
            return Tensor.of(v, n).reshape(shape);
        }

        private static double offClampBounds(double x) {
            for (double bound : new double[] {CLAMP_MIN, CLAMP_MAX}) {
                if (Math.abs(x - bound) < 0.1) {
                    return x + (x < bound ? -0.2 : 0.2);
                }
            }
            return x;
        }
    }

    /**
     * How an input is laid out in memory when the op sees it. For the forward check the view is built
     * with {@link TensorLayouts}; for the gradient check the checked function receives a FLOAT64
     * <em>backing</em> tensor and cuts the view out of it with differentiable {@link Var} views, so
     * the op under test really runs on strided data inside the checked function.
     */
    enum Layout {
        /** A fresh row-major tensor. */
        CONTIGUOUS,
        /** At storage offset 7 with padded strides. */
        OFFSET,
        /** Stored with the dimensions reversed, permuted back: strides grow instead of shrink. */
        PERMUTED,
        /** Every other element: no dimension of the view has stride 1. */
        STEPPED,
        /** A smaller tensor broadcast with stride 0 along a dimension of size > 1. */
        EXPANDED;

        /** Whether this layout is possible for an input of {@code shape} drawn from {@code domain}. */
        boolean fits(int[] shape, Domain domain) {
            return switch (this) {
                case CONTIGUOUS, OFFSET -> true;
                case PERMUTED -> shape.length >= 2;
                case STEPPED -> shape.length >= 1;
                case EXPANDED -> domain.allowsRepeats() && Arrays.stream(shape).anyMatch(s -> s > 1);
            };
        }

        /** A random layout that fits. */
        static Layout pick(Dice d, int[] shape, Domain domain) {
            List<Layout> fitting = new ArrayList<>();
            for (Layout l : values()) {
                if (l.fits(shape, domain)) {
                    fitting.add(l);
                }
            }
            return fitting.get(d.between(0, fitting.size() - 1));
        }
    }

    /**
     * One input of a sample: its logical shape, its layout, and the values drawn for it (of
     * {@code drawnShape}, which for {@link Layout#EXPANDED} has a 1 where the view broadcasts).
     */
    record Input(int[] shape, Layout layout, Tensor values) {

        /** Draws the values of an input of {@code shape} in a random fitting layout. */
        static Input draw(Dice d, int[] shape, Domain domain, boolean anyLayout) {
            Layout layout = anyLayout ? Layout.pick(d, shape, domain) : Layout.CONTIGUOUS;
            int[] drawn = shape.clone();
            if (layout == Layout.EXPANDED) {
                int[] wide = java.util.stream.IntStream.range(0, shape.length).filter(i -> shape[i] > 1).toArray();
                drawn[wide[d.between(0, wide.length - 1)]] = 1;
            }
            return new Input(shape, layout, domain.draw(d.key(), drawn));
        }

        /** The tensor the op sees in the forward check, built with {@link TensorLayouts}. */
        Tensor view() {
            return switch (layout) {
                case CONTIGUOUS -> values.copy();
                case OFFSET -> TensorLayouts.offset7(values);
                case PERMUTED -> TensorLayouts.permuted(values);
                case STEPPED -> TensorLayouts.stepped(values);
                case EXPANDED -> TensorLayouts.expanded(values, shape);
            };
        }

        /** The FLOAT64 tensor handed to gradcheck, from which {@link #view(Var)} cuts the input. */
        Tensor backing() {
            return switch (layout) {
                case CONTIGUOUS, EXPANDED -> values;
                case OFFSET -> {
                    int last = shape.length == 0 ? 1 : shape[shape.length - 1];
                    int rows = values.numel() / last;
                    Tensor flat = Tensor.full(DType.FLOAT64, TensorLayouts.SENTINEL, 7 + rows * (last + 1));
                    flat.narrow(0, 7, rows * (last + 1)).view(paddedShape()).narrow(-1, 0, last)
                            .copy_(values.reshape(shape.length == 0 ? new int[] {1} : shape));
                    yield flat;
                }
                case PERMUTED -> values.permute(reversed(shape.length)).contiguous();
                case STEPPED -> {
                    int[] wide = shape.clone();
                    wide[wide.length - 1] = 2 * wide[wide.length - 1];
                    Tensor b = Tensor.full(DType.FLOAT64, TensorLayouts.SENTINEL, wide);
                    b.slice(-1, 1, wide[wide.length - 1], 2).copy_(values);
                    yield b;
                }
            };
        }

        /** The input as the op sees it, cut out of {@code backing} with differentiable views. */
        Var view(Var backing) {
            return switch (layout) {
                case CONTIGUOUS -> backing;
                case OFFSET -> {
                    int last = shape.length == 0 ? 1 : shape[shape.length - 1];
                    int rows = Naive.numel(shape) / last;
                    Var padded = backing.narrow(0, 7, rows * (last + 1)).view(paddedShape()).narrow(-1, 0, last);
                    yield shape.length == 0 ? padded.reshape() : padded;
                }
                case PERMUTED -> backing.permute(reversed(shape.length));
                case STEPPED -> backing.slice(-1, 1, 2 * shape[shape.length - 1], 2);
                case EXPANDED -> backing.expand(shape);
            };
        }

        /** {@code shape} (at least 1-D) with one spare element after each row. */
        private int[] paddedShape() {
            int[] s = shape.length == 0 ? new int[] {1} : shape.clone();
            s[s.length - 1] += 1;
            return s;
        }

        private static int[] reversed(int rank) {
            int[] order = new int[rank];
            for (int i = 0; i < rank; i++) {
                order[i] = rank - 1 - i;
            }
            return order;
        }
    }

    /** Input and weight shapes and options of a convolution (bias sized by the weight). */
    record ConvShapes(int[] x, int[] w, ConvOptions options, boolean bias) {
        int[] y() {
            return Naive.convOutputShape(x, w, options);
        }

        /** Plain convolutions, or with random stride, padding, dilation, groups and bias. */
        static ConvShapes draw(Dice d, boolean withOptions) {
            boolean small = d.size() == Size.SMALL;
            int groups = withOptions ? d.between(1, 2) : 1;
            int cin = groups * d.between(1, small ? 1 : 2);
            int cout = groups * d.between(1, small ? 1 : 2);
            int kh = d.between(1, 3);
            int kw = d.between(1, 3);
            ConvOptions o = withOptions
                    ? new ConvOptions(d.between(1, 2), d.between(1, 2), d.between(0, 2), d.between(0, 1),
                            d.between(1, 2), d.between(1, 2), groups)
                    : ConvOptions.DEFAULT;
            int extra = small ? 1 : 3;
            int h = Math.max(1, o.dilationH() * (kh - 1) + 1 - 2 * o.padH()) + d.between(0, extra);
            int w = Math.max(1, o.dilationW() * (kw - 1) + 1 - 2 * o.padW()) + d.between(0, extra);
            int n = d.between(1, small ? 1 : 2);
            return new ConvShapes(new int[] {n, cin, h, w}, new int[] {cout, cin / groups, kh, kw}, o,
                    withOptions && d.coin());
        }
    }

    /** Input shape and options of a pooling; every window covers at least one input element. */
    record PoolShapes(int[] x, PoolOptions options, boolean countIncludePad) {
        int[] y() {
            return Naive.poolOutputShape(x, options);
        }

        static PoolShapes draw(Dice d) {
            boolean small = d.size() == Size.SMALL;
            int kh = d.between(1, 3);
            int kw = d.between(1, 3);
            int dh = d.between(1, 2);
            int dw = d.between(1, 2);
            int effH = dh * (kh - 1) + 1;
            int effW = dw * (kw - 1) + 1;
            PoolOptions o = new PoolOptions(kh, kw, d.between(1, 3), d.between(1, 3), d.between(0, effH / 2),
                    d.between(0, effW / 2), dh, dw);
            int extra = small ? 1 : 3;
            int[] x = {d.between(1, small ? 1 : 2), d.between(1, 2), effH + d.between(0, extra), effW + d.between(0, extra)};
            return new PoolShapes(x, o, d.coin());
        }
    }
}
