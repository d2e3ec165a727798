package org.bitspike.autograd;

import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import org.bitspike.tensor.Convolution.ConvOptions;
import org.bitspike.tensor.Convolution.PoolOptions;
import org.bitspike.testing.Nd;

/**
 * Test support: the op table's references, written as plain loops over row-major {@code double}
 * arrays ({@link Nd}, which reads tensors element by element), so no reference calls
 * the tensor op it is checked against: broadcasting, strides, reductions and convolution geometry
 * are all worked out again here.
 */
final class Naive {
    private Naive() {
    }

    // ------------------------------------------------------------------ indexing

    static int numel(int[] shape) {
        return Nd.numel(shape);
    }

    static int[] unravel(int flat, int[] shape) {
        return Nd.unravel(flat, shape);
    }

    static int ravel(int[] index, int[] shape) {
        return Nd.ravel(index, shape);
    }

    static int[] broadcast(int[]... shapes) {
        return Nd.broadcast(shapes);
    }

    static double broadcastRead(Nd x, int[] outIndex) {
        return x.broadcastRead(outIndex);
    }

    // ------------------------------------------------------------------ elementwise

    static Nd map(Nd x, DoubleUnaryOperator f) {
        return x.map(f);
    }

    static Nd zip(Nd a, Nd b, DoubleBinaryOperator f) {
        return Nd.zip(a, b, f);
    }

    static Nd where(Nd condition, Nd a, Nd b) {
        int[] shape = broadcast(condition.shape(), a.shape(), b.shape());
        double[] out = new double[numel(shape)];
        for (int i = 0; i < out.length; i++) {
            int[] at = unravel(i, shape);
            out[i] = broadcastRead(condition, at) != 0 ? broadcastRead(a, at) : broadcastRead(b, at);
        }
        return new Nd(shape, out);
    }

    // ------------------------------------------------------------------ reductions

    /** Folds {@code op} over {@code dims} starting from {@code init}, then applies {@code finish}. */
    static Nd reduce(Nd x, int[] dims, boolean keepDim, double init, DoubleBinaryOperator op, DoubleUnaryOperator finish) {
        boolean[] reduced = new boolean[x.rank()];
        for (int d : dims) {
            reduced[d] = true;
        }
        int[] kept = x.shape().clone();
        for (int d : dims) {
            kept[d] = 1;
        }
        double[] acc = new double[numel(kept)];
        Arrays.fill(acc, init);
        for (int i = 0; i < x.numel(); i++) {
            int[] at = unravel(i, x.shape());
            for (int d = 0; d < at.length; d++) {
                if (reduced[d]) {
                    at[d] = 0;
                }
            }
            int j = ravel(at, kept);
            acc[j] = op.applyAsDouble(acc[j], x.data()[i]);
        }
        Nd out = map(new Nd(kept, acc), finish);
        return keepDim ? out : new Nd(removeDims(x.shape(), reduced), out.data());
    }

    static Nd sum(Nd x, int[] dims, boolean keepDim) {
        return reduce(x, dims, keepDim, 0, Double::sum, v -> v);
    }

    static Nd amax(Nd x, int[] dims, boolean keepDim) {
        return reduce(x, dims, keepDim, Double.NEGATIVE_INFINITY, Math::max, v -> v);
    }

    static Nd amin(Nd x, int[] dims, boolean keepDim) {
        return reduce(x, dims, keepDim, Double.POSITIVE_INFINITY, Math::min, v -> v);
    }

    static Nd norm(Nd x, int p, int[] dims, boolean keepDim) {
        return p == 1 ? reduce(x, dims, keepDim, 0, (a, v) -> a + Math.abs(v), v -> v)
                : reduce(x, dims, keepDim, 0, (a, v) -> a + v * v, Math::sqrt);
    }

    /** The index along {@code dim} of the first maximum (or minimum) of each slice. */
    static Nd argExtremum(Nd x, int dim, boolean keepDim, boolean max) {
        Nd best = max ? amax(x, new int[] {dim}, true) : amin(x, new int[] {dim}, true);
        Nd index = new Nd(best.shape(), new double[best.numel()]);
        Arrays.fill(index.data(), -1);
        for (int i = 0; i < x.numel(); i++) {
            int[] at = unravel(i, x.shape());
            int along = at[dim];
            at[dim] = 0;
            int j = ravel(at, best.shape());
            if (index.data()[j] < 0 && x.data()[i] == best.data()[j]) {
                index.data()[j] = along;
            }
        }
        int[] shape = keepDim ? best.shape() : removeAt(best.shape(), dim);
        return new Nd(shape, index.data());
    }

    /** Number of elements reduced over {@code dims}. */
    static int count(int[] shape, int[] dims) {
        int n = 1;
        for (int d : dims) {
            n *= shape[d];
        }
        return n;
    }

    static Nd softmax(Nd x, int dim, boolean log) {
        Nd max = amax(x, new int[] {dim}, true);
        Nd shifted = zip(x, max, (a, m) -> a - m);
        Nd total = sum(map(shifted, Math::exp), new int[] {dim}, true);
        return log ? zip(shifted, total, (s, t) -> s - Math.log(t)) : zip(shifted, total, (s, t) -> Math.exp(s) / t);
    }

    private static int[] removeDims(int[] shape, boolean[] removed) {
        return java.util.stream.IntStream.range(0, shape.length).filter(d -> !removed[d]).map(d -> shape[d]).toArray();
    }

    // ------------------------------------------------------------------ linear algebra

    /** NumPy matmul: 1-D operands promoted (and the added dimension removed), batch dimensions broadcast. */
    static Nd matmul(Nd a, Nd b) {
        boolean rowVector = a.rank() == 1;
        boolean columnVector = b.rank() == 1;
        Nd x = rowVector ? new Nd(new int[] {1, a.shape()[0]}, a.data()) : a;
        Nd y = columnVector ? new Nd(new int[] {b.shape()[0], 1}, b.data()) : b;
        int m = x.shape()[x.rank() - 2];
        int k = x.shape()[x.rank() - 1];
        int n = y.shape()[y.rank() - 1];
        int[] batch = broadcast(Arrays.copyOf(x.shape(), x.rank() - 2), Arrays.copyOf(y.shape(), y.rank() - 2));
        int[] outShape = Arrays.copyOf(batch, batch.length + 2);
        outShape[batch.length] = m;
        outShape[batch.length + 1] = n;
        Nd out = Nd.zeros(outShape);
        for (int i = 0; i < out.numel(); i++) {
            int[] at = unravel(i, outShape);
            double s = 0;
            for (int p = 0; p < k; p++) {
                int[] ai = at.clone();
                ai[ai.length - 1] = p;
                int[] bi = at.clone();
                bi[bi.length - 2] = p;
                s += broadcastRead(x, ai) * broadcastRead(y, bi);
            }
            out.data()[i] = s;
        }
        int[] shape = outShape;
        if (rowVector) {
            shape = removeAt(shape, shape.length - 2);
        }
        if (columnVector) {
            shape = removeAt(shape, shape.length - 1);
        }
        return new Nd(shape, out.data());
    }

    private static int[] removeAt(int[] shape, int d) {
        boolean[] removed = new boolean[shape.length];
        removed[d] = true;
        return removeDims(shape, removed);
    }

    // ------------------------------------------------------------------ convolution and pooling

    /** Output size along one axis: {@code floor((in + 2 pad - dilation (k - 1) - 1) / stride) + 1}. */
    static int outSize(int in, int k, int stride, int pad, int dilation) {
        return Math.floorDiv(in + 2 * pad - dilation * (k - 1) - 1, stride) + 1;
    }

    static int[] convOutputShape(int[] x, int[] w, ConvOptions o) {
        return new int[] {x[0], w[0], outSize(x[2], w[2], o.strideH(), o.padH(), o.dilationH()),
            outSize(x[3], w[3], o.strideW(), o.padW(), o.dilationW())};
    }

    /**
     * {@code y[n, co, oh, ow] = b[co] + sum over ci in co's group, kh, kw of
     * x[n, ci, oh s - p + kh d, ow s - p + kw d] w[co, ci - group start, kh, kw]}, zero outside x.
     */
    static Nd conv2d(Nd x, Nd w, Nd bias, ConvOptions o) {
        Nd y = Nd.zeros(convOutputShape(x.shape(), w.shape(), o));
        forEachConvTap(x.shape(), w.shape(), o, (n, co, oh, ow, ci, wc, kh, kw, ih, iw) ->
                y.add(x.get(n, ci, ih, iw) * w.get(co, wc, kh, kw), n, co, oh, ow));
        if (bias != null) {
            for (int i = 0; i < y.numel(); i++) {
                y.data()[i] += bias.data()[unravel(i, y.shape())[1]];
            }
        }
        return y;
    }

    /** The adjoint of {@link #conv2d} in its input: every tap sends {@code gy * w} back to the x it read. */
    static Nd conv2dBackwardInput(Nd gy, Nd w, int[] xShape, ConvOptions o) {
        Nd dx = Nd.zeros(xShape);
        forEachConvTap(xShape, w.shape(), o, (n, co, oh, ow, ci, wc, kh, kw, ih, iw) ->
                dx.add(gy.get(n, co, oh, ow) * w.get(co, wc, kh, kw), n, ci, ih, iw));
        return dx;
    }

    /** The adjoint of {@link #conv2d} in its weight: every tap adds {@code gy * x} to the weight it used. */
    static Nd conv2dBackwardWeight(Nd x, Nd gy, int[] wShape, ConvOptions o) {
        Nd dw = Nd.zeros(wShape);
        forEachConvTap(x.shape(), wShape, o, (n, co, oh, ow, ci, wc, kh, kw, ih, iw) ->
                dw.add(gy.get(n, co, oh, ow) * x.get(n, ci, ih, iw), co, wc, kh, kw));
        return dw;
    }

    interface ConvTap {
        void at(int n, int co, int oh, int ow, int ci, int wc, int kh, int kw, int ih, int iw);
    }

    /** Every (output, kernel tap) pair of a convolution whose input position lies inside x. */
    static void forEachConvTap(int[] x, int[] w, ConvOptions o, ConvTap tap) {
        int[] y = convOutputShape(x, w, o);
        int coPerGroup = w[0] / o.groups();
        int ciPerGroup = w[1];
        for (int n = 0; n < y[0]; n++) {
            for (int co = 0; co < y[1]; co++) {
                int group = co / coPerGroup;
                for (int oh = 0; oh < y[2]; oh++) {
                    for (int ow = 0; ow < y[3]; ow++) {
                        for (int wc = 0; wc < ciPerGroup; wc++) {
                            for (int kh = 0; kh < w[2]; kh++) {
                                for (int kw = 0; kw < w[3]; kw++) {
                                    int ih = oh * o.strideH() - o.padH() + kh * o.dilationH();
                                    int iw = ow * o.strideW() - o.padW() + kw * o.dilationW();
                                    if (ih >= 0 && ih < x[2] && iw >= 0 && iw < x[3]) {
                                        tap.at(n, co, oh, ow, group * ciPerGroup + wc, wc, kh, kw, ih, iw);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    static int[] poolOutputShape(int[] x, PoolOptions o) {
        return new int[] {x[0], x[1], outSize(x[2], o.kH(), o.strideH(), o.padH(), o.dilationH()),
            outSize(x[3], o.kW(), o.strideW(), o.padW(), o.dilationW())};
    }

    /** The flat in-plane positions {@code ih * W + iw} of window {@code (oh, ow)} inside the input, in scan order. */
    static int[] window(int[] x, PoolOptions o, int oh, int ow) {
        int[] taps = new int[o.kH() * o.kW()];
        int count = 0;
        for (int kh = 0; kh < o.kH(); kh++) {
            for (int kw = 0; kw < o.kW(); kw++) {
                int ih = oh * o.strideH() - o.padH() + kh * o.dilationH();
                int iw = ow * o.strideW() - o.padW() + kw * o.dilationW();
                if (ih >= 0 && ih < x[2] && iw >= 0 && iw < x[3]) {
                    taps[count++] = ih * x[3] + iw;
                }
            }
        }
        return Arrays.copyOf(taps, count);
    }

    /** For each window, the in-plane position of its first maximum in scan order (padding never wins). */
    static int[][] argmax(Nd x, PoolOptions o) {
        int[] y = poolOutputShape(x.shape(), o);
        int plane = x.shape()[2] * x.shape()[3];
        int[][] at = new int[numel(y)][];
        for (int i = 0; i < at.length; i++) {
            int[] yi = unravel(i, y);
            int base = (yi[0] * x.shape()[1] + yi[1]) * plane;
            int best = -1;
            for (int tap : window(x.shape(), o, yi[2], yi[3])) {
                if (best < 0 || x.data()[base + tap] > x.data()[base + best]) {
                    best = tap;
                }
            }
            at[i] = new int[] {base, best};
        }
        return at;
    }

    static Nd maxPool2d(Nd x, PoolOptions o) {
        int[][] at = argmax(x, o);
        Nd y = Nd.zeros(poolOutputShape(x.shape(), o));
        for (int i = 0; i < at.length; i++) {
            y.data()[i] = x.data()[at[i][0] + at[i][1]];
        }
        return y;
    }

    /** {@code gy} added at the argmax of each window of {@code x}. */
    static Nd maxPool2dBackward(Nd x, Nd gy, PoolOptions o) {
        int[][] at = argmax(x, o);
        Nd dx = Nd.zeros(x.shape());
        for (int i = 0; i < at.length; i++) {
            dx.data()[at[i][0] + at[i][1]] += gy.data()[i];
        }
        return dx;
    }

    static Nd avgPool2d(Nd x, PoolOptions o, boolean countIncludePad) {
        Nd y = Nd.zeros(poolOutputShape(x.shape(), o));
        int plane = x.shape()[2] * x.shape()[3];
        for (int i = 0; i < y.numel(); i++) {
            int[] yi = unravel(i, y.shape());
            int base = (yi[0] * x.shape()[1] + yi[1]) * plane;
            int[] taps = window(x.shape(), o, yi[2], yi[3]);
            double s = 0;
            for (int tap : taps) {
                s += x.data()[base + tap];
            }
            y.data()[i] = s / (countIncludePad ? o.kH() * o.kW() : taps.length);
        }
        return y;
    }

    static Nd avgPool2dBackward(Nd gy, int[] xShape, PoolOptions o, boolean countIncludePad) {
        Nd dx = Nd.zeros(xShape);
        int plane = xShape[2] * xShape[3];
        for (int i = 0; i < gy.numel(); i++) {
            int[] yi = unravel(i, gy.shape());
            int base = (yi[0] * xShape[1] + yi[1]) * plane;
            int[] taps = window(xShape, o, yi[2], yi[3]);
            for (int tap : taps) {
                dx.data()[base + tap] += gy.data()[i] / (countIncludePad ? o.kH() * o.kW() : taps.length);
            }
        }
        return dx;
    }

    // ------------------------------------------------------------------ movement

    static Nd reshape(Nd x, int... shape) {
        int[] resolved = shape.clone();
        int known = 1;
        int unknown = -1;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == -1) {
                unknown = d;
            } else {
                known *= shape[d];
            }
        }
        if (unknown >= 0) {
            resolved[unknown] = x.numel() / known;
        }
        if (numel(resolved) != x.numel()) {
            throw new IllegalArgumentException("reshape " + x + " to " + Arrays.toString(shape));
        }
        return new Nd(resolved, x.data().clone());
    }

    static Nd permute(Nd x, int... order) {
        int[] shape = new int[order.length];
        for (int d = 0; d < order.length; d++) {
            shape[d] = x.shape()[order[d]];
        }
        Nd out = Nd.zeros(shape);
        for (int i = 0; i < out.numel(); i++) {
            int[] at = unravel(i, shape);
            int[] from = new int[order.length];
            for (int d = 0; d < order.length; d++) {
                from[order[d]] = at[d];
            }
            out.data()[i] = x.get(from);
        }
        return out;
    }

    static Nd expand(Nd x, int... shape) {
        Nd out = Nd.zeros(shape);
        for (int i = 0; i < out.numel(); i++) {
            out.data()[i] = broadcastRead(x, unravel(i, shape));
        }
        return out;
    }

    static Nd slice(Nd x, int dim, int start, int end, int step) {
        int[] shape = x.shape().clone();
        shape[dim] = (end - start + step - 1) / step;
        Nd out = Nd.zeros(shape);
        for (int i = 0; i < out.numel(); i++) {
            int[] at = unravel(i, shape);
            at[dim] = start + at[dim] * step;
            out.data()[i] = x.get(at);
        }
        return out;
    }

    /** Zeros of {@code shape} with {@code g} written at {@code [start:end:step]} along {@code dim}. */
    static Nd sliceBackward(Nd g, int[] shape, int dim, int start, int step) {
        Nd out = Nd.zeros(shape);
        for (int i = 0; i < g.numel(); i++) {
            int[] at = unravel(i, g.shape());
            at[dim] = start + at[dim] * step;
            out.add(g.data()[i], at);
        }
        return out;
    }

    static Nd cat(int dim, Nd... parts) {
        int[] shape = parts[0].shape().clone();
        shape[dim] = 0;
        for (Nd p : parts) {
            shape[dim] += p.shape()[dim];
        }
        Nd out = Nd.zeros(shape);
        int start = 0;
        for (Nd p : parts) {
            for (int i = 0; i < p.numel(); i++) {
                int[] at = unravel(i, p.shape());
                at[dim] += start;
                out.add(p.data()[i], at);
            }
            start += p.shape()[dim];
        }
        return out;
    }

    /** {@code out[..i..] = x[..index[..i..]..]} along {@code dim}. */
    static Nd gather(Nd x, int dim, Nd index) {
        Nd out = Nd.zeros(index.shape());
        for (int i = 0; i < out.numel(); i++) {
            int[] at = unravel(i, index.shape());
            at[dim] = (int) index.data()[i];
            out.data()[i] = x.get(at);
        }
        return out;
    }

    /** {@code base} with {@code src[..i..]} added at {@code [..index[..i..]..]} along {@code dim}, for i over index. */
    static Nd scatterAdd(Nd base, int dim, Nd index, Nd src) {
        Nd out = new Nd(base.shape(), base.data().clone());
        for (int i = 0; i < index.numel(); i++) {
            int[] at = unravel(i, index.shape());
            double v = src.get(at);
            at[dim] = (int) index.data()[i];
            out.add(v, at);
        }
        return out;
    }
}
