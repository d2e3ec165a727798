package org.bitspike.tensor;

import org.bitspike.tensor.kernel.ElementwiseKernels;
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
        // Combine the partials: partial i = partial 2i + partial 2i+1, halving until one is left,
        // for all outputs at once (a lane-major row of partials is a dense run for the kernel).
        // NOTE: partials past `lanes` are +0 and only ever the second operand: x + +0 == x for any
        // partial (none is -0: each starts at +0), so skipping that addition is exact.
        ElementwiseKernels k = kernels.elementwise();
        int oStride = rowsLayout ? lanes : 1;
        int lStride = rowsLayout ? 1 : outputs;
        int count = lanes;
        for (int w = LANES / 2; w >= 1; w /= 2) {
            for (int i = 0; i < w && 2 * i < count; i++) {
                if (2 * i + 1 < count) {
                    k.binary(ElementwiseKernels.Binary.ADD, outputs, acc, 2 * i * lStride, oStride,
                            acc, (2 * i + 1) * lStride, oStride, acc, i * lStride, oStride);
                } else if (i > 0) {
                    for (int o = 0; o < outputs; o++) {
                        acc[i * lStride + o * oStride] = acc[2 * i * lStride + o * oStride];
                    }
                }
            }
            count = (count + 1) / 2;
        }
        if (oStride == 1) {
            return java.util.Arrays.copyOf(acc, outputs);
        }
        double[] out = new double[outputs];
        for (int o = 0; o < outputs; o++) {
            out[o] = acc[o * oStride];
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
        int rowAccScale = extreme || !rowsLayout ? 1 : lanes;
        // NOTE: one small lambda per run kind and dtype: a lambda holding both kernels (each inlined
        // into it) grew past C2's inlining budget, and the vector code it then boxed ran 10x slower.
        Iteration.Run run;
        if (part.dtype() == DType.FLOAT32) {
            float[] data = part.storage().floats();
            if (os == 0) {
                run = (off, n) -> k.row(what, n, data, off[0], xs, off[2], mean == null ? 0 : mean[off[1]], acc,
                        off[1] * rowAccScale, rowLaneStride);
            } else {
                run = (off, n) -> k.columns(what, n, data, off[0], xs, mean, off[1], os, acc,
                        accIndex(extreme, off[1], off[2]), columnAccStride);
            }
        } else {
            double[] data = part.storage().doubles();
            if (os == 0) {
                run = (off, n) -> k.row(what, n, data, off[0], xs, off[2], mean == null ? 0 : mean[off[1]], acc,
                        off[1] * rowAccScale, rowLaneStride);
            } else {
                run = (off, n) -> k.columns(what, n, data, off[0], xs, mean, off[1], os, acc,
                        accIndex(extreme, off[1], off[2]), columnAccStride);
            }
        }
        loop.forEach(base, run);
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
