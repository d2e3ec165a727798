package org.bitspike.testing;

import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import org.bitspike.tensor.Tensor;

/**
 * A row-major array of doubles with a shape: the logical values of a tensor, for naive references.
 * {@link #of(Tensor)} reads a tensor one element at a time with {@link Tensor#getDouble}, so a
 * reference written on {@code Nd}s never calls the tensor op it is checked against.
 *
 * <p>The arrays are shared, not copied: {@link #data()} is the live storage (references fill it),
 * {@link #shape()} is a copy (callers may modify it).
 *
 * @param shape the dimensions, row-major
 * @param data the values, {@code numel(shape)} of them
 */
public record Nd(int[] shape, double[] data) {
    public Nd {
        if (shape == null || data == null || numel(shape) != data.length) {
            throw new IllegalArgumentException("Nd: shape " + Arrays.toString(shape) + " holds "
                    + (shape == null ? "?" : numel(shape)) + " values, got " + (data == null ? "null" : data.length));
        }
        shape = shape.clone();
    }

    /** The logical contents of {@code t} (any dtype, any layout), read one element at a time. */
    public static Nd of(Tensor t) {
        int[] shape = t.shape();
        double[] data = new double[numel(shape)];
        for (int i = 0; i < data.length; i++) {
            data[i] = t.getDouble(unravel(i, shape));
        }
        return new Nd(shape, data);
    }

    /** Zeros of {@code shape}. */
    public static Nd zeros(int... shape) {
        return new Nd(shape, new double[numel(shape)]);
    }

    /** A copy of the shape (so callers may modify it). */
    @Override
    public int[] shape() {
        return shape.clone();
    }

    public int numel() {
        return data.length;
    }

    public int rank() {
        return shape.length;
    }

    /** The value at a full index. */
    public double get(int... index) {
        return data[ravel(index, shape)];
    }

    /** Adds {@code v} at a full index (modifies this array). */
    public void add(double v, int... index) {
        data[ravel(index, shape)] += v;
    }

    /** {@code f} of every element, same shape. */
    public Nd map(DoubleUnaryOperator f) {
        double[] out = new double[data.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = f.applyAsDouble(data[i]);
        }
        return new Nd(shape, out);
    }

    /** {@code f(a, b)} over the broadcast of the two shapes (NumPy rules, worked out again). */
    public static Nd zip(Nd a, Nd b, DoubleBinaryOperator f) {
        int[] shape = broadcast(a.shape, b.shape);
        double[] out = new double[numel(shape)];
        for (int i = 0; i < out.length; i++) {
            int[] at = unravel(i, shape);
            out[i] = f.applyAsDouble(a.broadcastRead(at), b.broadcastRead(at));
        }
        return new Nd(shape, out);
    }

    /** The element of this array that lands at {@code outIndex} of a broadcast result. */
    public double broadcastRead(int[] outIndex) {
        int[] index = new int[shape.length];
        int lead = outIndex.length - shape.length;
        for (int d = 0; d < index.length; d++) {
            index[d] = shape[d] == 1 ? 0 : outIndex[lead + d];
        }
        return get(index);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Nd n && Arrays.equals(shape, n.shape) && Arrays.equals(data, n.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return Arrays.toString(shape) + " " + Arrays.toString(data);
    }

    // ------------------------------------------------------------------ indexing

    /** The number of elements of {@code shape} (1 for a 0-d shape). */
    public static int numel(int[] shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        return n;
    }

    /** The full index of row-major position {@code flat} in {@code shape}. */
    public static int[] unravel(int flat, int[] shape) {
        int[] index = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            index[d] = flat % shape[d];
            flat /= shape[d];
        }
        return index;
    }

    /** The row-major position of a full index; throws when it lies outside {@code shape}. */
    public static int ravel(int[] index, int[] shape) {
        if (index.length != shape.length) {
            throw new IndexOutOfBoundsException("Nd: index " + Arrays.toString(index) + " has rank " + index.length
                    + ", shape " + Arrays.toString(shape) + " rank " + shape.length);
        }
        int flat = 0;
        for (int d = 0; d < shape.length; d++) {
            if (index[d] < 0 || index[d] >= shape[d]) {
                throw new IndexOutOfBoundsException("Nd: index " + Arrays.toString(index) + " is outside shape "
                        + Arrays.toString(shape) + " at dimension " + d);
            }
            flat = flat * shape[d] + index[d];
        }
        return flat;
    }

    /** NumPy broadcasting, worked out again: align on the right, sizes equal or 1. */
    public static int[] broadcast(int[]... shapes) {
        int rank = 0;
        for (int[] s : shapes) {
            rank = Math.max(rank, s.length);
        }
        int[] out = new int[rank];
        Arrays.fill(out, 1);
        for (int[] s : shapes) {
            for (int i = 0; i < s.length; i++) {
                int d = rank - s.length + i;
                if (s[i] != 1) {
                    if (out[d] != 1 && out[d] != s[i]) {
                        throw new IllegalArgumentException("broadcast: shapes " + Arrays.deepToString(shapes)
                                + " differ at dimension " + d + " (" + out[d] + " vs " + s[i] + ") and neither is 1");
                    }
                    out[d] = s[i];
                }
            }
        }
        return out;
    }
}
