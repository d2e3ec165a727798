package org.bitspike.testing;

import java.util.stream.IntStream;
import org.bitspike.autograd.Var;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.Tensor;

/**
 * One input of a sample: its logical shape, its {@link Layout}, and the FLOAT64 values drawn for
 * it. The values have the logical shape, except for {@link Layout#EXPANDED}, where they have a 1
 * where the view broadcasts.
 *
 * <p>The forward check hands the op {@link #view()}. The gradient check cannot differentiate with
 * respect to a view, so it differentiates with respect to a FLOAT64 {@link #backing()} tensor and
 * the checked function cuts the input out of it with differentiable views ({@link #view(Var)}):
 * the op under test really runs on strided data inside the checked function.
 *
 * @param shape the logical shape
 * @param layout how the op sees the input
 * @param values the drawn values (FLOAT64, contiguous)
 */
public record Input(int[] shape, Layout layout, Tensor values) {
    public Input {
        shape = shape.clone();
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** Draws the values of an input of {@code shape} from {@code domain}, in a random fitting layout if {@code anyLayout}. */
    public static Input draw(Dice d, int[] shape, Domain domain, boolean anyLayout) {
        Layout layout = anyLayout ? Layout.pick(d, shape, domain) : Layout.CONTIGUOUS;
        int[] drawn = shape.clone();
        if (layout == Layout.EXPANDED) {
            int[] wide = IntStream.range(0, shape.length).filter(i -> shape[i] > 1).toArray();
            drawn[wide[d.between(0, wide.length - 1)]] = 1;
        }
        return new Input(shape, layout, domain.draw(d.key(), drawn));
    }

    /** A new tensor the forward check hands the op: the values in this input's layout. */
    public Tensor view() {
        return layout.view(values, shape);
    }

    /**
     * The FLOAT64 tensor the gradient check differentiates, from which {@link #view(Var)} cuts the
     * input: padded rows at offset 7 ({@link Layout#OFFSET}), reversed dimensions
     * ({@link Layout#PERMUTED}), every other element of the last dimension ({@link Layout#STEPPED}),
     * or the values themselves.
     */
    public Tensor backing() {
        return switch (layout) {
            case CONTIGUOUS, EXPANDED -> values;
            case OFFSET -> {
                int last = lastSize();
                int rows = values.numel() / last;
                Tensor flat = Tensor.full(DType.FLOAT64, Layout.SENTINEL, Layout.LEAD + rows * (last + 1));
                flat.narrow(0, Layout.LEAD, rows * (last + 1)).view(paddedShape()).narrow(-1, 0, last)
                        .copy_(values.reshape(shape.length == 0 ? new int[] {1} : shape));
                yield flat;
            }
            case PERMUTED -> values.permute(Layout.reversed(shape.length)).contiguous();
            case STEPPED -> {
                int[] wide = shape.clone();
                wide[wide.length - 1] = 2 * wide[wide.length - 1];
                Tensor b = Tensor.full(DType.FLOAT64, Layout.SENTINEL, wide);
                b.slice(-1, 1, wide[wide.length - 1], 2).copy_(values);
                yield b;
            }
        };
    }

    /** The input as the op sees it, cut out of {@code backing} (a Var of {@link #backing()}) with differentiable views. */
    public Var view(Var backing) {
        return switch (layout) {
            case CONTIGUOUS -> backing;
            case OFFSET -> {
                int last = lastSize();
                int rows = Nd.numel(shape) / last;
                Var padded = backing.narrow(0, Layout.LEAD, rows * (last + 1)).view(paddedShape()).narrow(-1, 0, last);
                yield shape.length == 0 ? padded.reshape() : padded;
            }
            case PERMUTED -> backing.permute(Layout.reversed(shape.length));
            case STEPPED -> backing.slice(-1, 1, 2 * shape[shape.length - 1], 2);
            case EXPANDED -> backing.expand(shape);
        };
    }

    /**
     * Where element {@code at} of {@link #backing()} sits in the input as the op sees it, for
     * gradient-check failures (which index the backing): "its logical element [1, 3]" for the
     * offset, permuted and stepped layouts, "it feeds its logical elements [*, 3]" for an expanded
     * one ({@code *}: every position of a broadcast dimension), "a spare element outside the view"
     * for padding; null for a contiguous input, whose backing is the input itself.
     */
    String describeBackingElement(int[] at) {
        String index = java.util.Arrays.toString(at);
        String prefix = "backing element " + index + " (" + toString() + " layout)";
        switch (layout) {
            case CONTIGUOUS -> {
                return null;
            }
            case OFFSET -> {
                int last = lastSize();
                int p = at[0] - Layout.LEAD;
                if (p < 0 || p % (last + 1) == last) {
                    return prefix + " is a spare element outside the view";
                }
                int flat = p / (last + 1) * last + p % (last + 1);
                return prefix + " is its logical element " + java.util.Arrays.toString(Nd.unravel(flat, shape));
            }
            case PERMUTED -> {
                int[] logical = new int[at.length];
                for (int d = 0; d < at.length; d++) {
                    logical[d] = at[at.length - 1 - d];
                }
                return prefix + " is its logical element " + java.util.Arrays.toString(logical);
            }
            case STEPPED -> {
                int j = at[at.length - 1];
                if (j % 2 == 0) {
                    return prefix + " is a spare element outside the view";
                }
                int[] logical = at.clone();
                logical[logical.length - 1] = (j - 1) / 2;
                return prefix + " is its logical element " + java.util.Arrays.toString(logical);
            }
            case EXPANDED -> {
                int[] small = values.shape();
                StringBuilder b = new StringBuilder("[");
                for (int d = 0; d < at.length; d++) {
                    b.append(d == 0 ? "" : ", ").append(small[d] == 1 && shape[d] > 1 ? "*" : String.valueOf(at[d]));
                }
                return prefix + " feeds its logical elements " + b.append(']') + " (* : every position of a broadcast"
                        + " dimension)";
            }
            default -> throw new IllegalStateException("layout " + layout);
        }
    }

    private int lastSize() {
        return shape.length == 0 ? 1 : shape[shape.length - 1];
    }

    /** {@code shape} (at least 1-D) with one spare element after each row. */
    private int[] paddedShape() {
        int[] s = shape.length == 0 ? new int[] {1} : shape.clone();
        s[s.length - 1] += 1;
        return s;
    }

    @Override
    public String toString() {
        return layout.name().toLowerCase(java.util.Locale.ROOT) + " " + java.util.Arrays.toString(shape);
    }
}
