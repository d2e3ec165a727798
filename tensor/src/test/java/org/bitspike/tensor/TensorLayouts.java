package org.bitspike.tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Test support: the same logical tensor in awkward memory layouts, so that every op test can check
 * "op on a strided view == op on a contiguous copy".
 *
 * <ul>
 *   <li>{@code contiguous} - a fresh row-major copy;</li>
 *   <li>{@code offset7} - at storage offset 7 inside a bigger backing tensor with padded strides
 *       (every dimension has spare elements after it), the padding filled with a sentinel;</li>
 *   <li>{@code permuted} - stored in reversed dimension order and permuted back, so the strides
 *       grow instead of shrink;</li>
 *   <li>{@code stepped} - every other element of a backing tensor twice as large (plus one) along
 *       every dimension, starting at index 1: no dimension has stride 1;</li>
 *   <li>{@code expanded} (read-only) - stride 0 along the broadcast dimensions of a smaller tensor,
 *       itself stored at offset 7.</li>
 * </ul>
 *
 * Padding and gaps hold {@link #SENTINEL}, so an op that reads outside the view sees a value that
 * is not in the data.
 */
public final class TensorLayouts {
    /** Value stored in padding: not a value any generator produces. */
    public static final double SENTINEL = -31337;

    private TensorLayouts() {
    }

    /** A named tensor; the name says which layout it is in. */
    public record Layout(String name, Tensor tensor) {
        @Override
        public String toString() {
            return name + " " + java.util.Arrays.toString(tensor.shape()) + " strides "
                    + java.util.Arrays.toString(tensor.strides()) + " offset " + tensor.offset();
        }
    }

    /** The writable layouts of {@code x}: contiguous, offset7, permuted and stepped copies. */
    public static List<Layout> writable(Tensor x) {
        List<Layout> out = new ArrayList<>();
        out.add(new Layout("contiguous", x.copy()));
        out.add(new Layout("offset7", offset7(x)));
        out.add(new Layout("permuted", permuted(x)));
        out.add(new Layout("stepped", stepped(x)));
        return out;
    }

    /**
     * Every layout of {@code small.expand(shape)}: the writable layouts of its contiguous copy, and
     * the expanded (stride-0, read-only) view itself.
     */
    public static List<Layout> all(Tensor small, int[] shape) {
        Tensor logical = small.expand(shape).copy();
        List<Layout> out = writable(logical);
        out.add(new Layout("expanded", offset7(small).expand(shape)));
        return out;
    }

    /** A copy of {@code x} at storage offset 7, with padded strides. */
    public static Tensor offset7(Tensor x) {
        int[] shape = x.shape();
        int[] padded = shape.clone();
        for (int d = 0; d < padded.length; d++) {
            padded[d] += d + 1;
        }
        int n = Shapes.numel("offset7", padded);
        Tensor flat = Tensor.full(x.dtype(), SENTINEL, 7 + n);
        Tensor v = flat.narrow(0, 7, n).view(padded);
        for (int d = 0; d < shape.length; d++) {
            v = v.narrow(d, 0, shape[d]);
        }
        v.copy_(x);
        assert v.offset() == 7;
        return v;
    }

    /** A copy of {@code x} stored with its dimensions reversed, permuted back to x's order. */
    public static Tensor permuted(Tensor x) {
        int rank = x.dim();
        int[] order = new int[rank];
        for (int i = 0; i < rank; i++) {
            order[i] = rank - 1 - i;
        }
        Tensor stored = Tensor.zeros(x.dtype(), x.permute(order).shape());
        stored.copy_(x.permute(order));
        return stored.permute(order); // reversing is its own inverse
    }

    /** A copy of {@code x} at every other position (from 1) of a backing tensor along each dimension. */
    public static Tensor stepped(Tensor x) {
        int[] shape = x.shape();
        int[] backing = new int[shape.length];
        for (int d = 0; d < shape.length; d++) {
            backing[d] = 2 * shape[d] + 1;
        }
        Tensor v = Tensor.full(x.dtype(), SENTINEL, backing);
        for (int d = 0; d < shape.length; d++) {
            v = v.slice(d, 1, backing[d], 2);
        }
        v.copy_(x);
        return v;
    }

    /** {@code small}, stored at offset 7, broadcast to {@code shape} with stride 0. */
    public static Tensor expanded(Tensor small, int[] shape) {
        return offset7(small).expand(shape);
    }
}
