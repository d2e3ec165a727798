package org.bitspike.tensor;

import org.bitspike.tensor.kernel.KernelProvider;
import org.bitspike.tensor.kernel.Parallel;
import org.bitspike.tensor.kernel.ReductionKernels.Accumulate;

/**
 * Reductions over any set of dimensions, and softmax.
 *
 * <p>Floating sum, mean, var, amax and amin make one pass over the input as it lies ({@link
 * Accumulation}, the provider's kernels): sums accumulate in double in a fixed order of the logical
 * positions, so results do not depend on the layout, the provider or the thread count. The other
 * reductions (integers, norms, logsumexp, softmax, max/min with indices) move the reduced
 * dimensions last (a permuted view), make the tensor contiguous and read rows of {@code R}
 * consecutive elements in order.
 */
final class Reductions {
    private Reductions() {
    }

    enum Kind {
        SUM, MEAN, MAX, MIN
    }

    /** The input viewed as [outer, R] rows, plus the result shapes. */
    private record Rows(Tensor data, int outer, int r, int[] keptShape, int[] keepDimShape) {
        int[] shape(boolean keepDim) {
            return keepDim ? keepDimShape : keptShape;
        }
    }

    private static Rows rows(String op, Tensor t, int[] dims) {
        int rank = t.dim();
        int[] reduced = Shapes.dims(op, dims, t.shapeRef());
        boolean[] isReduced = new boolean[rank];
        for (int d : reduced) {
            isReduced[d] = true;
        }
        int[] order = new int[rank];
        int[] kept = new int[rank - reduced.length];
        int[] keepDim = t.shape();
        int k = 0;
        int outer = 1;
        for (int d = 0; d < rank; d++) {
            if (!isReduced[d]) {
                order[k] = d;
                kept[k++] = t.shapeRef()[d];
                outer *= t.shapeRef()[d];
            }
        }
        int r = 1;
        for (int d : reduced) {
            order[k++] = d;
            r *= t.shapeRef()[d];
            keepDim[d] = 1;
        }
        Tensor data = t.permute(order).contiguous();
        return new Rows(data, outer, r, kept, keepDim);
    }

    /** The result shape of reducing {@code reduced} (sorted, valid) of {@code shape}. */
    private static int[] resultShape(int[] shape, int[] reduced, boolean keepDim) {
        boolean[] isReduced = new boolean[shape.length];
        for (int d : reduced) {
            isReduced[d] = true;
        }
        int[] out = new int[keepDim ? shape.length : shape.length - reduced.length];
        int k = 0;
        for (int d = 0; d < shape.length; d++) {
            if (!isReduced[d]) {
                out[k++] = shape[d];
            } else if (keepDim) {
                out[k++] = 1;
            }
        }
        return out;
    }

    /** {@code values} rounded once into a fresh floating tensor of {@code shape}. */
    private static Tensor floating(String op, DType dtype, int[] shape, double[] values) {
        Tensor out = Tensor.allocate(op, dtype, shape);
        if (dtype == DType.FLOAT32) {
            float[] o = out.storage().floats();
            for (int i = 0; i < values.length; i++) {
                o[i] = (float) values[i];
            }
        } else {
            System.arraycopy(values, 0, out.storage().doubles(), 0, values.length);
        }
        return out;
    }

    /**
     * The product over {@code dims} (1 for an empty set). NOTE: floating products run in double and
     * round once; integers and BOOL multiply in INT64 (PyTorch's promotion), wrapping on overflow.
     */
    static Tensor prod(Tensor t, int[] dims, boolean keepDim) {
        Rows rows = rows("prod", t, dims);
        int[] shape = rows.shape(keepDim);
        if (t.dtype().isFloating()) {
            double[] x = rows.data.toDoubleArray();
            double[] v = new double[rows.outer];
            for (int row = 0; row < rows.outer; row++) {
                double p = 1;
                for (int k = row * rows.r, end = k + rows.r; k < end; k++) {
                    p *= x[k];
                }
                v[row] = p;
            }
            return floating("prod", t.dtype(), shape, v);
        }
        long[] x = rows.data.toLongArray();
        long[] v = new long[rows.outer];
        for (int row = 0; row < rows.outer; row++) {
            long p = 1;
            for (int k = row * rows.r, end = k + rows.r; k < end; k++) {
                p *= x[k];
            }
            v[row] = p;
        }
        return Tensor.of(v).reshape(shape); // of(v) with no shape would be 1-D
    }

    static Tensor reduce(Kind kind, Tensor t, int[] dims, boolean keepDim) {
        return reduce(KernelProvider.get(), Parallel.shared(), kind, t, dims, keepDim);
    }

    static Tensor reduce(KernelProvider kernels, Parallel parallel, Kind kind, Tensor t, int[] dims, boolean keepDim) {
        String op = kind.name().toLowerCase(java.util.Locale.ROOT);
        DType in = t.dtype();
        if (kind == Kind.MEAN && !in.isFloating()) {
            throw TensorException.of(op, "needs a floating dtype, got %s of shape %s; convert with to(FLOAT32)",
                    in, t.shapeRef());
        }
        if (in.isFloating()) {
            int[] reduced = Shapes.dims(op, dims, t.shapeRef());
            Accumulation acc = new Accumulation(t, reduced);
            int r = acc.reducedCount();
            if ((kind == Kind.MAX || kind == Kind.MIN) && r == 0) {
                throw TensorException.of(op, "cannot reduce an empty dimension set of shape %s over dims %s (no"
                        + " identity)", t.shapeRef(), dims);
            }
            double[] v = switch (kind) {
                case SUM, MEAN -> acc.sums(kernels, parallel, Accumulate.SUM, null);
                case MAX -> acc.extremes(kernels, parallel, Accumulate.MAX);
                case MIN -> acc.extremes(kernels, parallel, Accumulate.MIN);
            };
            if (kind == Kind.MEAN) {
                for (int o = 0; o < v.length; o++) {
                    v[o] = r == 0 ? Double.NaN : v[o] / r;
                }
            }
            return floating(op, in, resultShape(t.shapeRef(), reduced, keepDim), v);
        }
        Rows rows = rows(op, t, dims);
        if ((kind == Kind.MAX || kind == Kind.MIN) && rows.r == 0) {
            throw TensorException.of(op, "cannot reduce an empty dimension set of shape %s over dims %s (no identity)",
                    t.shapeRef(), dims);
        }
        boolean floating = in.isFloating();
        DType outType = floating ? in : (kind == Kind.SUM ? DType.INT64 : in);
        Tensor out = Tensor.allocate(op, outType, rows.shape(keepDim));
        Storage src = rows.data.storage();
        int r = rows.r;
        for (int row = 0; row < rows.outer; row++) {
            int base = rows.data.offset() + row * r;
            if (floating) {
                double acc = switch (kind) {
                    case SUM, MEAN -> 0;
                    case MAX -> Double.NEGATIVE_INFINITY;
                    case MIN -> Double.POSITIVE_INFINITY;
                };
                for (int i = 0; i < r; i++) {
                    double v = Elementwise.read(src, base + i);
                    acc = switch (kind) {
                        case SUM, MEAN -> acc + v;
                        case MAX -> Math.max(acc, v);
                        case MIN -> Math.min(acc, v);
                    };
                }
                if (kind == Kind.MEAN) {
                    acc = r == 0 ? Double.NaN : acc / r;
                }
                Elementwise.write(out.storage(), row, acc);
            } else {
                long acc = switch (kind) {
                    case SUM, MEAN -> 0;
                    case MAX -> Long.MIN_VALUE;
                    case MIN -> Long.MAX_VALUE;
                };
                for (int i = 0; i < r; i++) {
                    long v = Elementwise.readLong(src, base + i);
                    acc = switch (kind) {
                        case SUM, MEAN -> acc + v;
                        case MAX -> Math.max(acc, v);
                        case MIN -> Math.min(acc, v);
                    };
                }
                if (outType == DType.INT64) {
                    out.storage().longs()[row] = acc;
                } else {
                    Elementwise.write(out.storage(), row, acc);
                }
            }
        }
        return out;
    }

    static Tensor var(Tensor t, int[] dims, int correction, boolean keepDim) {
        return var(KernelProvider.get(), Parallel.shared(), t, dims, correction, keepDim);
    }

    /** Two passes in double: the mean, then the squared deviations from it. */
    static Tensor var(KernelProvider kernels, Parallel parallel, Tensor t, int[] dims, int correction, boolean keepDim) {
        if (!t.dtype().isFloating()) {
            throw TensorException.of("var", "needs a floating dtype, got %s of shape %s", t.dtype(), t.shapeRef());
        }
        if (correction < 0) {
            throw TensorException.of("var", "correction must be >= 0, got %d", correction);
        }
        int[] reduced = Shapes.dims("var", dims, t.shapeRef());
        Accumulation acc = new Accumulation(t, reduced);
        int r = acc.reducedCount();
        double[] mean = acc.sums(kernels, parallel, Accumulate.SUM, null);
        for (int o = 0; o < mean.length; o++) {
            mean[o] /= r;
        }
        double[] ss = acc.sums(kernels, parallel, Accumulate.SQUARED_DEVIATION, mean);
        for (int o = 0; o < ss.length; o++) {
            // NOTE: as PyTorch, the divisor is max(0, r - correction): r <= correction gives
            // +inf where the deviations are not all 0, and NaN (0 / 0) where they are (one element).
            ss[o] = ss[o] / Math.max(0, r - correction);
        }
        return floating("var", t.dtype(), resultShape(t.shapeRef(), reduced, keepDim), ss);
    }

    static Tensor norm(Tensor t, int p, int[] dims, boolean keepDim) {
        if (p != 1 && p != 2) {
            throw TensorException.of("norm", "p must be 1 or 2, got %d", p);
        }
        if (!t.dtype().isFloating()) {
            throw TensorException.of("norm", "needs a floating dtype, got %s of shape %s", t.dtype(), t.shapeRef());
        }
        Rows rows = rows("norm", t, dims);
        Tensor out = Tensor.allocate("norm", t.dtype(), rows.shape(keepDim));
        Storage src = rows.data.storage();
        int r = rows.r;
        for (int row = 0; row < rows.outer; row++) {
            int base = rows.data.offset() + row * r;
            double acc = 0;
            if (p == 1) {
                for (int i = 0; i < r; i++) {
                    acc += Math.abs(Elementwise.read(src, base + i));
                }
            } else {
                // NOTE: scaled by the largest magnitude so squares neither overflow nor underflow.
                double scale = 0;
                for (int i = 0; i < r; i++) {
                    scale = Math.max(scale, Math.abs(Elementwise.read(src, base + i)));
                }
                if (scale > 0 && !Double.isInfinite(scale)) {
                    for (int i = 0; i < r; i++) {
                        double v = Elementwise.read(src, base + i) / scale;
                        acc += v * v;
                    }
                    acc = scale * Math.sqrt(acc);
                } else {
                    acc = scale;
                }
                for (int i = 0; i < r; i++) {
                    if (Double.isNaN(Elementwise.read(src, base + i))) {
                        acc = Double.NaN;
                    }
                }
            }
            Elementwise.write(out.storage(), row, acc);
        }
        return out;
    }

    static Tensor logsumexp(Tensor t, int[] dims, boolean keepDim) {
        if (!t.dtype().isFloating()) {
            throw TensorException.of("logsumexp", "needs a floating dtype, got %s of shape %s", t.dtype(), t.shapeRef());
        }
        Rows rows = rows("logsumexp", t, dims);
        Tensor out = Tensor.allocate("logsumexp", t.dtype(), rows.shape(keepDim));
        for (int row = 0; row < rows.outer; row++) {
            Elementwise.write(out.storage(), row,
                    logSumExpRow(rows.data.storage(), rows.data.offset() + row * rows.r, rows.r));
        }
        return out;
    }

    private static double logSumExpRow(Storage src, int base, int r) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < r; i++) {
            double v = Elementwise.read(src, base + i);
            if (Double.isNaN(v)) {
                return Double.NaN;
            }
            max = Math.max(max, v);
        }
        if (Double.isInfinite(max)) {
            return max; // all -inf gives -inf; any +inf gives +inf
        }
        double s = 0;
        for (int i = 0; i < r; i++) {
            s += Math.exp(Elementwise.read(src, base + i) - max);
        }
        return max + Math.log(s);
    }

    /** Softmax or log-softmax along one dimension. */
    static Tensor softmax(Tensor t, int dim, boolean log) {
        String op = log ? "logSoftmax" : "softmax";
        if (!t.dtype().isFloating()) {
            throw TensorException.of(op, "needs a floating dtype, got %s of shape %s", t.dtype(), t.shapeRef());
        }
        int d = Shapes.dim(op, dim, Math.max(t.dim(), 1), t.shapeRef());
        Tensor x = t.dim() == 0 ? t.reshape(1) : t;
        int last = x.dim() - 1;
        Tensor moved = x.transpose(d, last).contiguous();
        int r = moved.size(last);
        int outer = r == 0 ? 0 : moved.numel() / r;
        Tensor out = Tensor.allocate(op, t.dtype(), moved.shapeRef());
        Storage src = moved.storage();
        Storage dst = out.storage();
        for (int row = 0; row < outer; row++) {
            int base = moved.offset() + row * r;
            // NOTE: shifted by the row maximum, x - max is computed before anything is added to it:
            // exp(x - logsumexp) would lose eps * |x| (rows of 1e4s summing to 1 only within 1e-12).
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < r; i++) {
                max = Math.max(max, Elementwise.read(src, base + i));
            }
            double sum = 0;
            for (int i = 0; i < r; i++) {
                sum += Math.exp(Elementwise.read(src, base + i) - max);
            }
            double logSum = Math.log(sum);
            for (int i = 0; i < r; i++) {
                double shifted = Elementwise.read(src, base + i) - max;
                Elementwise.write(dst, row * r + i, log ? shifted - logSum : Math.exp(shifted) / sum);
            }
        }
        Tensor back = out.transpose(d, last);
        back = d == last ? back : back.contiguous();
        return t.dim() == 0 ? back.reshape() : back;
    }

    /** Max or min along one dimension with the index of the first extremum (NaN counts as extreme). */
    static Tensor.Indexed extremum(Tensor t, int dim, boolean keepDim, boolean max) {
        String op = max ? "max" : "min";
        Rows rows = rows(op, t, new int[] {Shapes.dim(op, dim, t.dim(), t.shapeRef())});
        if (rows.r == 0) {
            throw TensorException.of(op, "cannot take %s over empty dimension %d of shape %s", op, dim, t.shapeRef());
        }
        Tensor values = Tensor.allocate(op, t.dtype(), rows.shape(keepDim));
        Tensor indices = Tensor.allocate(op, DType.INT64, rows.shape(keepDim));
        Storage src = rows.data.storage();
        for (int row = 0; row < rows.outer; row++) {
            int base = rows.data.offset() + row * rows.r;
            int best = 0;
            if (t.dtype().isFloating()) {
                double bestV = Elementwise.read(src, base);
                for (int i = 1; i < rows.r && !Double.isNaN(bestV); i++) {
                    double v = Elementwise.read(src, base + i);
                    if (Double.isNaN(v) || (max ? v > bestV : v < bestV)) {
                        best = i;
                        bestV = v;
                    }
                }
            } else {
                // NOTE: integers compare as longs: INT64 values beyond 2^53 can be equal as doubles.
                long bestV = Elementwise.readLong(src, base);
                for (int i = 1; i < rows.r; i++) {
                    long v = Elementwise.readLong(src, base + i);
                    if (max ? v > bestV : v < bestV) {
                        best = i;
                        bestV = v;
                    }
                }
            }
            if (t.dtype() == DType.INT64) {
                values.storage().longs()[row] = src.longs()[base + best];
            } else {
                Elementwise.write(values.storage(), row, Elementwise.read(src, base + best));
            }
            indices.storage().longs()[row] = best;
        }
        return new Tensor.Indexed(values, indices);
    }
}
