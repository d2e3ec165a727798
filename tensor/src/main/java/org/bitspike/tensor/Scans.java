package org.bitspike.tensor;

/**
 * Cumulative ops along one dimension. The input is read in row-major order as
 * {@code [outer, n, inner]} around the scanned dimension of size {@code n}; the output is a fresh
 * contiguous tensor of the input's shape.
 *
 * <p>NOTE: floating sums run in double and each output is rounded once to the input's dtype, as
 * the other reductions do, so a FLOAT32 prefix sum does not drift with its length. Integer and BOOL
 * inputs sum in INT64 (PyTorch's promotion), wrapping on overflow.
 */
final class Scans {
    private Scans() {
    }

    /** {@code out[..i..] = sum of t[..j..] for j <= i} along {@code dim} ({@code j >= i} when {@code reverse}). */
    static Tensor cumsum(Tensor t, int dim, boolean reverse) {
        int d = Shapes.dim("cumsum", dim, Math.max(t.dim(), 1), t.shapeRef());
        int[] shape = t.shape();
        Slices slices = Slices.around(t, d);
        int outer = slices.outer();
        int n = slices.n();
        int inner = slices.inner();
        if (t.dtype().isFloating()) {
            double[] x = t.toDoubleArray();
            double[] y = new double[x.length];
            for (int o = 0; o < outer; o++) {
                for (int i = 0; i < inner; i++) {
                    double sum = 0;
                    for (int k = 0; k < n; k++) {
                        int at = (o * n + (reverse ? n - 1 - k : k)) * inner + i;
                        sum += x[at];
                        y[at] = sum;
                    }
                }
            }
            return Tensor.of(y).reshape(shape).to(t.dtype()); // of(y) with no shape would be 1-D
        }
        long[] x = t.toLongArray();
        long[] y = new long[x.length];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                long sum = 0;
                for (int k = 0; k < n; k++) {
                    int at = (o * n + (reverse ? n - 1 - k : k)) * inner + i;
                    sum += x[at];
                    y[at] = sum;
                }
            }
        }
        return Tensor.of(y).reshape(shape);
    }
}
