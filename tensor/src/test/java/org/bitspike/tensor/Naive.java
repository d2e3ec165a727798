package org.bitspike.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;

/**
 * Test support: naive references written with index arithmetic on row-major double arrays, and
 * the assertions the op tests share. Nothing here calls the code under test except to read a
 * tensor's values ({@link Tensor#toDoubleArray()}) and shape.
 */
final class Naive {
    private Naive() {
    }

    // ---------------------------------------------------------------- index arithmetic

    static int numel(int[] shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        return n;
    }

    /** Row-major multi-index of flat position {@code flat}. */
    static int[] unravel(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
        return idx;
    }

    /** Row-major flat position of {@code idx}. */
    static int ravel(int[] idx, int[] shape) {
        int flat = 0;
        for (int d = 0; d < shape.length; d++) {
            flat = flat * shape[d] + idx[d];
        }
        return flat;
    }

    /** NumPy broadcast of two shapes, written independently of {@link Shapes#broadcast}. */
    static int[] broadcast(int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int sa = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int sb = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            out[i] = sa == 1 ? sb : sa;
        }
        return out;
    }

    /** The element of {@code data} (shape {@code shape}) that broadcasts to output index {@code outIdx}. */
    static double at(double[] data, int[] shape, int[] outIdx) {
        int lead = outIdx.length - shape.length;
        int flat = 0;
        for (int d = 0; d < shape.length; d++) {
            int i = shape[d] == 1 ? 0 : outIdx[d + lead];
            flat = flat * shape[d] + i;
        }
        return data[flat];
    }

    /** {@code f(a, b)} elementwise with broadcasting. */
    static double[] binary(double[] a, int[] sa, double[] b, int[] sb, DoubleBinaryOperator f) {
        int[] out = broadcast(sa, sb);
        double[] r = new double[numel(out)];
        for (int i = 0; i < r.length; i++) {
            int[] idx = unravel(i, out);
            r[i] = f.applyAsDouble(at(a, sa, idx), at(b, sb, idx));
        }
        return r;
    }

    /** {@code v} as stored in {@code dtype} (integer values are exact in the tests' ranges). */
    static double round(DType dtype, double v) {
        return switch (dtype) {
            case FLOAT32 -> (float) v;
            case FLOAT64 -> v;
            case INT32 -> (int) v;
            case INT64 -> (long) v;
            case BOOL -> v != 0 ? 1 : 0;
        };
    }

    static double[] round(DType dtype, double[] v) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = round(dtype, v[i]);
        }
        return r;
    }

    // ---------------------------------------------------------------- assertions

    /** Shapes, dtypes and every element equal (NaN equals NaN, -0.0 differs from 0.0). */
    static void assertSame(Tensor expected, Tensor actual, Object context) {
        assertArrayEquals(expected.shape(), actual.shape(), () -> "shape: " + context);
        assertEquals(expected.dtype(), actual.dtype(), () -> "dtype: " + context);
        double[] e = expected.toDoubleArray();
        double[] a = actual.toDoubleArray();
        for (int i = 0; i < e.length; i++) {
            if (Double.doubleToLongBits(e[i]) != Double.doubleToLongBits(a[i])) {
                fail(context + ": element " + i + " " + Arrays.toString(unravel(i, expected.shape()))
                        + " expected " + e[i] + " but was " + a[i] + "\nexpected " + expected + "\nactual   " + actual);
            }
        }
    }

    /** Shape, dtype and values equal exactly (NaN equals NaN). */
    static void assertValues(double[] expected, int[] shape, DType dtype, Tensor actual, Object context) {
        assertClose(expected, shape, dtype, actual, 0, 0, context);
    }

    /**
     * Shape and dtype equal, values within {@code atol + rtol * |expected|}; NaN must meet NaN and an
     * infinity the same infinity.
     */
    static void assertClose(double[] expected, int[] shape, DType dtype, Tensor actual,
                            double rtol, double atol, Object context) {
        assertArrayEquals(shape, actual.shape(), () -> "shape: " + context);
        assertEquals(dtype, actual.dtype(), () -> "dtype: " + context);
        double[] a = actual.toDoubleArray();
        for (int i = 0; i < expected.length; i++) {
            if (!close(expected[i], a[i], rtol, atol)) {
                fail(context + ": element " + i + " " + Arrays.toString(unravel(i, shape))
                        + " expected " + expected[i] + " but was " + a[i] + "\nactual " + actual);
            }
        }
    }

    static boolean close(double e, double a, double rtol, double atol) {
        if (Double.isNaN(e) || Double.isNaN(a)) {
            return Double.isNaN(e) && Double.isNaN(a);
        }
        if (Double.isInfinite(e) || Double.isInfinite(a)) {
            return e == a;
        }
        if (rtol == 0 && atol == 0) {
            return Double.doubleToLongBits(e) == Double.doubleToLongBits(a) || e == a;
        }
        return Math.abs(e - a) <= atol + rtol * Math.abs(e);
    }

    // ---------------------------------------------------------------- storage-level checks

    /** Every element of {@code t}'s backing storage (not just the view), as doubles. */
    static double[] storageValues(Tensor t) {
        Storage s = t.storage();
        double[] v = new double[s.length()];
        for (int i = 0; i < v.length; i++) {
            v[i] = Elementwise.read(s, i);
        }
        return v;
    }

    /** Storage positions of {@code t}'s elements. */
    static boolean[] viewPositions(Tensor t) {
        boolean[] in = new boolean[t.storage().length()];
        int[] shape = t.shape();
        int[] strides = t.strides();
        for (int e = 0; e < t.numel(); e++) {
            int[] idx = unravel(e, shape);
            int o = t.offset();
            for (int d = 0; d < idx.length; d++) {
                o += idx[d] * strides[d];
            }
            in[o] = true;
        }
        return in;
    }

    /** Storage elements outside the view {@code t} still hold their values from {@code before}. */
    static void assertOnlyViewWritten(double[] before, Tensor t, Object context) {
        boolean[] in = viewPositions(t);
        double[] after = storageValues(t);
        for (int i = 0; i < after.length; i++) {
            if (!in[i] && Double.doubleToLongBits(before[i]) != Double.doubleToLongBits(after[i])) {
                fail(context + ": storage element " + i + " outside the view changed from " + before[i] + " to " + after[i]);
            }
        }
    }
}
