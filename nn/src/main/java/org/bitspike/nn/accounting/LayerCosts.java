package org.bitspike.nn.accounting;

import org.bitspike.autograd.Var;
import org.bitspike.tensor.Convolution.ConvOptions;
import org.bitspike.tensor.Convolution.PoolOptions;
import org.bitspike.tensor.TensorException;

/**
 * The counting rules shared by the layers that implement {@link Countable}: the convolution and linear layers of
 * every family, pooling and elementwise work. Every count is for one forward of the whole batch and is computed
 * from the shapes the layer actually saw, so a map that max pooling shrank is counted at its pooled size.
 */
public final class LayerCosts {
    private LayerCosts() {
    }

    /**
     * A convolution with weight {@code [out, in / groups, kH, kW]}: on a dense input its dense MACs
     * {@code N Cout Hout Wout (Cin / groups) kH kW} (digest section 1.2, padded taps included); on spikes
     * ({@link Forward#inputIsSpikes()}) one AC per (output channel, output position, kernel tap) whose input fired,
     * padded taps and silent inputs costing nothing; plus one FLOP per output element for a bias.
     */
    public static OpCounts convolution(Forward forward, int[] weightShape, ConvOptions options, boolean bias) {
        Var x = forward.input();
        Var y = forward.output();
        if (x.dim() != 4 || y.dim() != 4 || weightShape.length != 4) {
            throw TensorException.of("LayerCosts.convolution", "input %s, output %s and weight %s must all be 4-d",
                    x.shape(), y.shape(), weightShape);
        }
        long dense = convolutionMacs(x.shape(), weightShape, options, y.shape());
        OpCounts counts = OpCounts.ZERO.withDenseMacs(dense);
        if (forward.inputIsSpikes()) {
            long perOutputChannel = weightShape[0] / options.groups();
            counts = counts.with(OpKind.AC, Math.multiplyExact(perOutputChannel,
                    firedTaps(x, weightShape[2], weightShape[3], options, y.size(2), y.size(3))));
        } else {
            counts = counts.with(OpKind.MAC, dense);
        }
        return bias ? counts.with(OpKind.FLOP, y.numel()) : counts;
    }

    /** The dense MACs of a convolution: {@code N Cout Hout Wout (Cin / groups) kH kW}. */
    public static long convolutionMacs(int[] inputShape, int[] weightShape, ConvOptions options, int[] outputShape) {
        long perOutput = (long) (inputShape[1] / options.groups()) * weightShape[2] * weightShape[3];
        return Math.multiplyExact(perOutput, (long) outputShape[0] * outputShape[1] * outputShape[2] * outputShape[3]);
    }

    /**
     * The (input channel, output position, kernel tap) triples of a convolution whose input is non-zero, summed over
     * the batch: the convolution of the non-zero mask with a ones kernel, summed. Computed separably: an input at
     * row {@code h} is read by {@code rowReads[h]} (output row, kernel row) pairs, and likewise for columns.
     */
    public static long firedTaps(Var input, int kH, int kW, ConvOptions options, int outH, int outW) {
        int n = input.size(0);
        int c = input.size(1);
        int h = input.size(2);
        int w = input.size(3);
        long[] rows = reads(h, outH, kH, options.strideH(), options.padH(), options.dilationH());
        long[] cols = reads(w, outW, kW, options.strideW(), options.padW(), options.dilationW());
        double[] v = input.value().toDoubleArray();
        long total = 0;
        int i = 0;
        for (int plane = 0; plane < n * c; plane++) {
            for (int r = 0; r < h; r++) {
                long rowReads = rows[r];
                for (int q = 0; q < w; q++, i++) {
                    if (v[i] != 0) {
                        total += rowReads * cols[q];
                    }
                }
            }
        }
        return total;
    }

    /**
     * For each input index along one axis, how many (output index, kernel index) pairs read it:
     * {@code o stride - pad + k dilation == i} with {@code 0 <= o < outSize}, {@code 0 <= k < kernel}.
     */
    static long[] reads(int inSize, int outSize, int kernel, int stride, int pad, int dilation) {
        long[] reads = new long[inSize];
        for (int o = 0; o < outSize; o++) {
            for (int k = 0; k < kernel; k++) {
                int i = o * stride - pad + k * dilation;
                if (i >= 0 && i < inSize) {
                    reads[i]++;
                }
            }
        }
        return reads;
    }

    /**
     * A linear layer {@code [.., in] -> [.., out]}: dense MACs {@code (numel(input) / in) in out}; on spikes one AC per
     * output feature for each non-zero input; one FLOP per output element for a bias.
     */
    public static OpCounts linear(Forward forward, int in, int out, boolean bias) {
        Var x = forward.input();
        long dense = Math.multiplyExact((long) x.numel(), out);
        OpCounts counts = OpCounts.ZERO.withDenseMacs(dense);
        if (forward.inputIsSpikes()) {
            counts = counts.with(OpKind.AC, Math.multiplyExact(nonZero(x), out));
        } else {
            counts = counts.with(OpKind.MAC, dense);
        }
        return bias ? counts.with(OpKind.FLOP, forward.output().numel()) : counts;
    }

    /** The number of non-zero elements of {@code v}. */
    public static long nonZero(Var v) {
        long nz = 0;
        for (double x : v.value().toDoubleArray()) {
            if (x != 0) {
                nz++;
            }
        }
        return nz;
    }

    /** Which pooling: the maximum (comparisons) or the mean (additions and one scaling) of each window. */
    public enum Pool {
        MAX, AVERAGE
    }

    /**
     * A pooling of {@code [N, C, H, W]} to {@code [N, C, Hout, Wout]}: each output window of {@code t} in-bounds
     * inputs costs {@code t - 1} FLOPs for a maximum (comparisons of values, not thresholds: not CMPs) and {@code t}
     * for an average ({@code t - 1} additions and one scaling). Padded taps cost nothing.
     */
    public static OpCounts pooling(Forward forward, Pool pool, PoolOptions options) {
        Var x = forward.input();
        Var y = forward.output();
        if (x.dim() != 4 || y.dim() != 4) {
            throw TensorException.of("LayerCosts.pooling", "input %s and output %s must be 4-d", x.shape(), y.shape());
        }
        long rows = sum(reads(x.size(2), y.size(2), options.kH(), options.strideH(), options.padH(), options.dilationH()));
        long cols = sum(reads(x.size(3), y.size(3), options.kW(), options.strideW(), options.padW(), options.dilationW()));
        long planes = (long) y.size(0) * y.size(1);
        long taps = Math.multiplyExact(planes, rows * cols);
        return OpCounts.of(OpKind.FLOP, pool == Pool.MAX ? taps - (long) y.numel() : taps);
    }

    /**
     * Adaptive average pooling: output cell {@code (i, j)} averages rows {@code floor(i H / outH)} to
     * {@code ceil((i + 1) H / outH)} and likewise columns; each cell of {@code t} inputs costs {@code t} FLOPs.
     */
    public static OpCounts adaptiveAverage(Forward forward) {
        Var x = forward.input();
        Var y = forward.output();
        long rows = adaptiveSpan(x.size(2), y.size(2));
        long cols = adaptiveSpan(x.size(3), y.size(3));
        return OpCounts.of(OpKind.FLOP, Math.multiplyExact((long) y.size(0) * y.size(1), rows * cols));
    }

    private static long adaptiveSpan(int in, int out) {
        long span = 0;
        for (int i = 0; i < out; i++) {
            span += -Math.floorDiv(-(long) (i + 1) * in, out) - Math.floorDiv((long) i * in, out);
        }
        return span;
    }

    /** {@code perElement} operations of {@code kind} for each element of {@code v}. */
    public static OpCounts elementwise(OpKind kind, long perElement, Var v) {
        return OpCounts.of(kind, Math.multiplyExact(perElement, v.numel()));
    }

    private static long sum(long[] a) {
        long s = 0;
        for (long x : a) {
            s += x;
        }
        return s;
    }
}
