package org.bitspike.tensor;

import java.util.Arrays;

/** Shape arithmetic shared by every op: validation, element counts, strides and broadcasting. */
public final class Shapes {
    private Shapes() {
    }

    /**
     * Number of elements of {@code shape}.
     *
     * @throws TensorException if a size is negative or the count exceeds {@link Integer#MAX_VALUE}
     */
    public static int numel(String op, int[] shape) {
        long n = 1;
        for (int s : shape) {
            if (s < 0) {
                throw TensorException.of(op, "negative size in shape %s", shape);
            }
            n *= s;
            if (n > Integer.MAX_VALUE) {
                throw TensorException.of(op, "shape %s has more than Integer.MAX_VALUE (%d) elements",
                        shape, Integer.MAX_VALUE);
            }
        }
        return (int) n;
    }

    /** Row-major (C-order) strides of {@code shape}. */
    public static int[] contiguousStrides(int[] shape) {
        int[] strides = new int[shape.length];
        int s = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            strides[d] = s;
            s *= Math.max(shape[d], 1);
        }
        return strides;
    }

    /** Normalises a possibly negative dimension index against {@code rank}. */
    public static int dim(String op, int dim, int rank) {
        int d = dim < 0 ? dim + rank : dim;
        if (rank == 0) {
            throw TensorException.of(op, "dimension %d out of range: a 0-d tensor has no dimensions", dim);
        }
        if (d < 0 || d >= rank) {
            throw TensorException.of(op, "dimension %d out of range for a tensor of rank %d (valid: %d..%d)",
                    dim, rank, -rank, rank - 1);
        }
        return d;
    }

    /**
     * Like {@link #dim(String, int, int)}, naming {@code shape} in the error. {@code rank} is the
     * number of valid dimensions, which may exceed the shape's (unsqueeze, stack).
     */
    public static int dim(String op, int dim, int rank, int[] shape) {
        int d = dim < 0 ? dim + rank : dim;
        if (rank == 0) {
            throw TensorException.of(op, "dimension %d out of range: a tensor of shape %s has no dimensions", dim, shape);
        }
        if (d < 0 || d >= rank) {
            throw TensorException.of(op, "dimension %d out of range (valid: %d..%d) for shape %s",
                    dim, -rank, rank - 1, shape);
        }
        return d;
    }

    /**
     * Like {@link #dims(String, int[], int)} for a tensor of {@code shape}, naming it in errors: the
     * dimensions a reduction runs over. NOTE: as PyTorch, a 0-d tensor accepts dimension 0 (or -1)
     * as if it had shape {@code [1]}, and there is nothing to reduce: the result is an empty set, so
     * {@code sum}, {@code prod}, {@code amax}, ... along it return the value itself.
     */
    public static int[] dims(String op, int[] dims, int[] shape) {
        int rank = shape.length;
        if (rank == 0) {
            boolean seen = false;
            for (int raw : dims) {
                dim(op, raw, 1, shape);
                if (seen) {
                    throw TensorException.of(op, "dimension %d repeated in %s for shape %s", raw, dims, shape);
                }
                seen = true;
            }
            return new int[0];
        }
        boolean[] seen = new boolean[rank];
        for (int raw : dims) {
            int d = dim(op, raw, rank, shape);
            if (seen[d]) {
                throw TensorException.of(op, "dimension %d repeated in %s for shape %s", raw, dims, shape);
            }
            seen[d] = true;
        }
        return dims(op, dims, rank);
    }

    /** Normalises and de-duplicates a set of dimensions; returns them sorted. */
    public static int[] dims(String op, int[] dims, int rank) {
        boolean[] seen = new boolean[rank];
        for (int raw : dims) {
            int d = dim(op, raw, rank);
            if (seen[d]) {
                throw TensorException.of(op, "dimension %d repeated in %s", raw, dims);
            }
            seen[d] = true;
        }
        int[] out = new int[dims.length];
        int k = 0;
        for (int d = 0; d < rank; d++) {
            if (seen[d]) {
                out[k++] = d;
            }
        }
        return out;
    }

    /** NumPy broadcasting of two shapes (align on the right; sizes equal or one of them 1). */
    public static int[] broadcast(String op, int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i - (rank - a.length);
            int db = i - (rank - b.length);
            int sa = da >= 0 ? a[da] : 1;
            int sb = db >= 0 ? b[db] : 1;
            if (sa != sb && sa != 1 && sb != 1) {
                throw TensorException.of(op, "shapes %s and %s cannot be broadcast: size %d != %d at dimension %d"
                        + " (sizes must match or one be 1)", a, b, sa, sb, i);
            }
            out[i] = sa == 1 ? sb : sa;
        }
        return out;
    }

    /** Broadcast of any number of shapes. */
    public static int[] broadcast(String op, int[]... shapes) {
        int[] out = new int[0];
        for (int[] s : shapes) {
            out = broadcast(op, out, s);
        }
        return out;
    }

    /** Pretty form used in messages: {@code [2, 3]}. */
    public static String str(int[] shape) {
        return Arrays.toString(shape);
    }
}
