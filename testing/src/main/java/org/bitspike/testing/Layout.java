package org.bitspike.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bitspike.tensor.Tensor;

/**
 * How an input is laid out in memory when an op sees it. Every layout is a view whose logical
 * values equal the given ones; only the strides and the storage around it differ, so an op that
 * ignores strides, reads outside its view or writes into its input shows up. Spare storage holds
 * {@link #SENTINEL}, a value no {@link Domain} produces.
 */
public enum Layout {
    /** A fresh row-major tensor. */
    CONTIGUOUS,
    /** At storage offset 7 inside a larger storage, with spare elements after every dimension (padded strides). */
    OFFSET,
    /** Stored with the dimensions reversed, permuted back: strides grow instead of shrink. */
    PERMUTED,
    /** Every other element of a larger storage, from index 1 along every dimension: no stride is 1. */
    STEPPED,
    /** A smaller tensor broadcast with stride 0 along a dimension of size > 1 (read-only). */
    EXPANDED;

    /** The value of every storage element outside a view. */
    public static final double SENTINEL = -31337;

    /** Storage offset of {@link #OFFSET} and {@link #EXPANDED} views. */
    static final int LEAD = 7;

    /**
     * Whether this layout is possible for an input of {@code shape} drawn from {@code domain}:
     * {@link #PERMUTED} needs rank 2, {@link #STEPPED} rank 1, {@link #EXPANDED} a dimension of size
     * > 1 and a domain that allows repeated values.
     */
    public boolean fits(int[] shape, Domain domain) {
        return switch (this) {
            case CONTIGUOUS, OFFSET -> true;
            case PERMUTED -> shape.length >= 2;
            case STEPPED -> shape.length >= 1;
            case EXPANDED -> domain.allowsRepeats() && Arrays.stream(shape).anyMatch(s -> s > 1);
        };
    }

    /** The layouts that fit {@code shape} and {@code domain}, in declaration order. */
    public static List<Layout> fitting(int[] shape, Domain domain) {
        List<Layout> fitting = new ArrayList<>();
        for (Layout l : values()) {
            if (l.fits(shape, domain)) {
                fitting.add(l);
            }
        }
        return fitting;
    }

    /** A random layout that fits (one draw of {@code d}). */
    public static Layout pick(Dice d, int[] shape, Domain domain) {
        List<Layout> fitting = fitting(shape, domain);
        return fitting.get(d.between(0, fitting.size() - 1));
    }

    /**
     * A new view in this layout whose logical values are {@code values} ({@code values} is not
     * modified and shares no storage with the result). For {@link #EXPANDED}, which needs a smaller
     * tensor, use {@link #view(Tensor, int[])}; here it returns the values at offset 7 with
     * stride 0 along their size-1 dimensions only.
     */
    public Tensor view(Tensor values) {
        return view(values, values.shape());
    }

    /**
     * A new view in this layout whose logical values are {@code small.expand(shape)}: for
     * {@link #EXPANDED} the broadcast view itself (stride 0 along the dimensions where {@code small}
     * has size 1, storage at offset 7); for the other layouts a copy of the broadcast values.
     *
     * @param small values broadcastable to {@code shape} (not modified)
     * @param shape the logical shape of the view
     */
    public Tensor view(Tensor small, int[] shape) {
        Tensor logical = small.expand(shape);
        return switch (this) {
            case CONTIGUOUS -> logical.copy();
            case OFFSET -> embed(logical, 1);
            case PERMUTED -> {
                int[] order = reversed(shape.length);
                yield logical.permute(order).copy().permute(order); // reversing is its own inverse
            }
            case STEPPED -> embed(logical, 2);
            case EXPANDED -> embed(small, 1).expand(shape);
        };
    }

    /**
     * A copy of {@code x} at storage offset {@link #LEAD} inside a storage of {@link #SENTINEL}s in
     * which every dimension has {@code step * size + d + 1} elements; the view takes every
     * {@code step}-th of them, from {@code step - 1}.
     */
    private static Tensor embed(Tensor x, int step) {
        int[] s = x.shape();
        int[] storage = new int[s.length];
        for (int d = 0; d < s.length; d++) {
            storage[d] = step * s[d] + d + 1;
        }
        int n = Nd.numel(storage);
        Tensor v = Tensor.full(x.dtype(), SENTINEL, LEAD + n).narrow(0, LEAD, n).view(storage);
        for (int d = 0; d < s.length; d++) {
            v = v.slice(d, step - 1, step - 1 + step * s[d], step);
        }
        v.copy_(x);
        return v;
    }

    static int[] reversed(int rank) {
        int[] order = new int[rank];
        for (int i = 0; i < rank; i++) {
            order[i] = rank - 1 - i;
        }
        return order;
    }
}
