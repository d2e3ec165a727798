package org.bitspike.tensor;

import org.bitspike.tensor.kernel.KernelProvider;
import org.bitspike.tensor.kernel.Parallel;
import org.bitspike.tensor.kernel.ReductionKernels;
import org.bitspike.tensor.kernel.ReductionKernels.Accumulate;
import org.bitspike.tensor.kernel.Tuning;

/**
 * The floating reductions' single pass: the input is walked once in its own layout, with no
 * permuted copy, each run going to the provider's {@link ReductionKernels} together with the
 * outputs it feeds.
 *
 * <p>The iteration engine plans the input with two extra operands: the output index (0 along the
 * reduced dims) and {@code j}, an element's row-major position among its output's reduced
 * elements (0 along the kept dims). A run is then either a <em>row</em> (the reduced dims last,
 * e.g. {@code sum(1)} of {@code [64, 512]}, or each {@code (n, c)} plane of a BatchNorm reduction
 * over {@code (0, 2, 3)}) or <em>columns</em> (kept dims last: {@code sum(0)} of {@code [64, 512]},
 * the bias gradient). Sums keep {@value Tuning#SUM_LANES} double partials per output (see {@link
 * Tuning#SUM_LANES}), laid out so the runs' kernel reads them contiguously: output-major for rows,
 * lane-major for columns. The partials are combined by a fixed pairwise tree.
 *
 * <p>NOTE: every output's result depends only on its values and their logical order: not on the
 * layout, how the engine coalesces it, the provider or the thread count. Large inputs are split
 * over a kept dimension into tasks that own disjoint outputs.
 */
final class Accumulation {
    private static final int LANES = Tuning.SUM_LANES;

    private final Tensor x;
    private final int[] shape;
    private final int[] outStrides;
    private final int[] jStrides;
    private final int outputs;
    private final int reducedCount;
    /**
     * Partials kept per output: min(LANES, reducedCount), since position j only reaches partial
     * j mod LANES (the missing ones are +0, which the combining tree adds exactly: a partial that
     * starts at +0 is never -0). Keeps {@code sum(0)} of a {@code [2, n]} at 2 n doubles, not 16 n.
     */
    private final int lanes;
    /** Sums: the partials of output o are at o * lanes + l (rows) or l * outputs + o (columns). */
    private final boolean rowsLayout;

    /** @param reduced sorted, distinct, valid dimensions of x */
    Accumulation(Tensor x, int[] reduced) {
        this.x = x;
        this.shape = x.shapeRef();
        int rank = shape.length;
        boolean[] isReduced = new boolean[rank];
        for (int d : reduced) {
            isReduced[d] = true;
        }
        outStrides = new int[rank];
        jStrides = new int[rank];
        int o = 1;
        int j = 1;
        for (int d = rank - 1; d >= 0; d--) {
            if (isReduced[d]) {
                jStrides[d] = j;
                j *= shape[d];
            } else {
                outStrides[d] = o;
                o *= shape[d];
            }
        }
        outputs = o;
        reducedCount = j;
        lanes = Math.max(1, Math.min(LANES, reducedCount));
        rowsLayout = Iteration.plan(shape, x.stridesRef(), outStrides, jStrides).innerStride(1) == 0;
    }

    /** Number of outputs (the product of the kept sizes). */
    int outputs() {
        return outputs;
    }

    /** Number of values each output reduces. */
    int reducedCount() {
        return reducedCount;
    }

    /**
     * Per output, the sum of {@code x} ({@code SUM}) or of {@code (x - mean[o])^2}
     * ({@code SQUARED_DEVIATION}), in double.
     */
    double[] sums(KernelProvider kernels, Parallel parallel, Accumulate what, double[] mean) {
        assert what == Accumulate.SUM || what == Accumulate.SQUARED_DEVIATION;
        double[] acc = new double[Math.multiplyExact(outputs, lanes)];
        run(kernels.reductions(), parallel, what, mean, acc);
        double[] out = new double[outputs];
        double[] p = new double[LANES];
        for (int o = 0; o < outputs; o++) {
            for (int l = 0; l < LANES; l++) {
                p[l] = l < lanes ? acc[rowsLayout ? o * lanes + l : l * outputs + o] : 0.0;
            }
            // NOTE: a fixed pairwise tree: ((p0 + p1) + (p2 + p3)) + ..., the same for every provider.
            for (int w = LANES / 2; w >= 1; w /= 2) {
                for (int i = 0; i < w; i++) {
                    p[i] = p[2 * i] + p[2 * i + 1];
                }
            }
            out[o] = p[0];
        }
        return out;
    }

    /** Per output, the maximum ({@code MAX}) or minimum ({@code MIN}); NaN if any value is NaN. */
    double[] extremes(KernelProvider kernels, Parallel parallel, Accumulate what) {
        assert what == Accumulate.MAX || what == Accumulate.MIN;
        double[] acc = new double[outputs];
        java.util.Arrays.fill(acc, what == Accumulate.MAX ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
        run(kernels.reductions(), parallel, what, null, acc);
        return acc;
    }

    /** The pass, split over a kept dimension when the input is large. */
    private void run(ReductionKernels k, Parallel parallel, Accumulate what, double[] mean, double[] acc) {
        long numel = (long) outputs * reducedCount;
        int split = -1;
        for (int d = 0; d < shape.length; d++) {
            if (outStrides[d] != 0 && shape[d] > 1 && (split < 0 || shape[d] > shape[split])) {
                split = d;
            }
        }
        if (split < 0 || numel < Tuning.REDUCTION_PARALLEL_ELEMENTS) {
            pass(k, x, 0, what, mean, acc);
            return;
        }
        int size = shape[split];
        int tasks = (int) Math.min(size, Math.max(1, numel / Tuning.REDUCTION_TASK_ELEMENTS));
        int d = split;
        parallel.forEach(tasks, t -> {
            int start = (int) ((long) size * t / tasks);
            int end = (int) ((long) size * (t + 1) / tasks);
            pass(k, x.narrow(d, start, end - start), start * outStrides[d], what, mean, acc);
        });
    }

    /** Accumulates every element of {@code part} (x or a slice of it along a kept dim, starting at output outBase). */
    private void pass(ReductionKernels k, Tensor part, int outBase, Accumulate what, double[] mean, double[] acc) {
        Iteration.Loop loop = Iteration.plan(part.shapeRef(), part.stridesRef(), outStrides, jStrides);
        int xs = loop.innerStride(0);
        int os = loop.innerStride(1);
        assert os != 0 || loop.innerStride(2) == 1 || loop.innerStride(2) == 0 : "a row advances j by 1";
        int[] base = {part.offset(), outBase, 0};
        boolean extreme = what == Accumulate.MAX || what == Accumulate.MIN;
        int rowLaneStride = rowsLayout ? 1 : outputs;
        int columnAccStride = extreme ? os : rowsLayout ? os * lanes : os;
        if (part.dtype() == DType.FLOAT32) {
            float[] data = part.storage().floats();
            loop.forEach(base, (off, n) -> {
                int o = off[1];
                if (os == 0) {
                    k.row(what, n, data, off[0], xs, off[2], mean == null ? 0 : mean[o], acc,
                            extreme ? o : rowsLayout ? o * lanes : o, rowLaneStride);
                } else {
                    k.columns(what, n, data, off[0], xs, mean, o, os, acc, accIndex(extreme, o, off[2]), columnAccStride);
                }
            });
        } else {
            double[] data = part.storage().doubles();
            loop.forEach(base, (off, n) -> {
                int o = off[1];
                if (os == 0) {
                    k.row(what, n, data, off[0], xs, off[2], mean == null ? 0 : mean[o], acc,
                            extreme ? o : rowsLayout ? o * lanes : o, rowLaneStride);
                } else {
                    k.columns(what, n, data, off[0], xs, mean, o, os, acc, accIndex(extreme, o, off[2]), columnAccStride);
                }
            });
        }
    }

    /** Where output o's partial for position j lives (its only slot for an extremum). */
    private int accIndex(boolean extreme, int o, int j) {
        if (extreme) {
            return o;
        }
        int lane = j % LANES;
        return rowsLayout ? o * lanes + lane : lane * outputs + o;
    }
}
