package org.bitspike.tensor;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Sorting along one dimension, and top-k. The order is stable: equal values keep their order of
 * position (so, descending too, the lower index comes first among ties), and {@code -0.0} equals
 * {@code 0.0}. NaN sorts above every number, as in PyTorch and NumPy: last ascending, first
 * descending, and a "largest" top-k takes NaNs first. Indices are INT64; values are gathered from
 * the input, so they keep its dtype.
 */
final class Sorting {
    private Sorting() {
    }

    static Tensor.Indexed sort(Tensor t, int dim, boolean descending) {
        int d = Shapes.dim("sort", dim, Math.max(t.dim(), 1), t.shapeRef());
        Tensor indices = sortedIndices(t, d, descending);
        return new Tensor.Indexed(t.gather(d, indices), indices);
    }

    static Tensor.Indexed topk(Tensor t, int k, int dim, boolean largest, boolean sorted) {
        int d = Shapes.dim("topk", dim, Math.max(t.dim(), 1), t.shapeRef());
        int size = t.dim() == 0 ? 1 : t.shapeRef()[d];
        int least = t.dim() == 0 ? 1 : 0; // NOTE: a 0-d result cannot be empty, so a 0-d input needs k = 1
        if (k < least || k > size) {
            throw TensorException.of("topk", "k must be in [%d, %d], the size of dimension %d of shape %s, got %d",
                    least, size, d, t.shapeRef(), k);
        }
        Tensor indices = sortedIndices(t, d, largest);
        if (t.dim() > 0) {
            indices = indices.narrow(d, 0, k).contiguous();
        }
        if (!sorted) { // the chosen elements in their order of position
            indices = indices.gather(d, sortedIndices(indices, d, false));
        }
        return new Tensor.Indexed(t.gather(d, indices), indices);
    }

    /** The INT64 permutation that sorts each slice of {@code t} along {@code d}, stably. */
    private static Tensor sortedIndices(Tensor t, int d, boolean descending) {
        int[] shape = t.shape();
        Slices slices = Slices.around(t, d);
        int outer = slices.outer();
        int n = slices.n();
        int inner = slices.inner();
        long[] out = new long[t.numel()];
        Comparator<Integer> order;
        if (t.dtype().isFloating()) {
            double[] x = t.toDoubleArray();
            order = (a, b) -> compare(x[a], x[b]);
        } else {
            long[] x = t.toLongArray();
            order = (a, b) -> Long.compare(x[a], x[b]);
        }
        if (descending) {
            order = order.reversed(); // NOTE: reversed() keeps ties in their order, since the sort is stable
        }
        Integer[] slice = new Integer[n];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * n * inner + i;
                for (int k = 0; k < n; k++) {
                    slice[k] = base + k * inner;
                }
                Arrays.sort(slice, order); // a stable merge sort
                for (int k = 0; k < n; k++) {
                    out[base + k * inner] = (slice[k] - base) / inner;
                }
            }
        }
        return Tensor.of(out).reshape(shape); // of(out) with no shape would be 1-D
    }

    /** Ascending order with NaN above everything and {@code -0.0 == 0.0}. */
    private static int compare(double a, double b) {
        boolean nanA = Double.isNaN(a);
        boolean nanB = Double.isNaN(b);
        if (nanA || nanB) {
            return Boolean.compare(nanA, nanB);
        }
        return a < b ? -1 : a > b ? 1 : 0;
    }
}
