package org.bitspike.tensor;

import java.util.Arrays;
import org.bitspike.tensor.kernel.BatchNormKernels;
import org.bitspike.tensor.kernel.KernelProvider;
import org.bitspike.tensor.kernel.Parallel;
import org.bitspike.tensor.kernel.ReductionKernels.Accumulate;
import org.bitspike.tensor.kernel.Tuning;

/**
 * Batch normalisation's passes over a {@code [N, C, *]} tensor, per channel (dimension 1), each
 * fused with an optional ReLU: what a BatchNorm followed by a ReLU costs in a handful of passes
 * instead of the dozen ops of its composite form.
 *
 * <ul>
 *   <li>{@link #channelMoments}: the batch mean and biased variance of every channel;</li>
 *   <li>{@link #channelAffine}: {@code y = act((x - center[c]) * scale[c] + shift[c])}, one pass,
 *       the forward of training ({@code center = mean, scale = w / sqrt(var + eps), shift = b}) and
 *       of evaluation (the running statistics);</li>
 *   <li>{@link #batchNormBackward}: the gradients of that forward in two passes.</li>
 * </ul>
 * The FLOAT32 passes run on the provider's {@link BatchNormKernels}; results do not depend on the
 * provider or the thread count (sums follow the reductions' fixed order, and a task owns whole
 * channels).
 *
 * <pre>{@code
 * Normalization.Moments m = Normalization.channelMoments(x);          // x [64, 32, 28, 28]
 * Tensor invStd = m.variance().add(1e-5).rsqrt();
 * Tensor y = Normalization.channelAffine(x, m.mean(), invStd.mul(w), b, Normalization.Activation.RELU);
 * }</pre>
 */
public final class Normalization {
    private static final int LANES = Tuning.SUM_LANES;

    private Normalization() {
    }

    /** The function applied after the affine map. */
    public enum Activation {
        /** None: {@code y = z}. */
        IDENTITY,
        /** {@code y = max(z, 0)}: NaN stays NaN, {@code -0} gives {@code +0}; its gradient is 0 where {@code z <= 0}. */
        RELU
    }

    /** Per-channel batch statistics, each {@code [C]} in the input's dtype. */
    public record Moments(Tensor mean, Tensor variance) {
    }

    /**
     * Gradients of {@link #channelAffine} in its training form (see {@link #batchNormBackward}):
     * {@code input} like x (null when not asked for), {@code weight} and {@code bias} {@code [C]}.
     */
    public record Gradients(Tensor input, Tensor weight, Tensor bias) {
    }

    /**
     * The mean and the biased variance ({@code sum (x - mean)^2 / count}) of each channel of
     * {@code x [N, C, *]} (rank >= 2, floating), over every other dimension: two passes in double,
     * the same values as {@code x.mean(dims)} and {@code x.var(dims, 0)} over dims {@code 0, 2, ..}.
     * {@code x} is not modified.
     */
    public static Moments channelMoments(Tensor x) {
        checkChannels("channelMoments", x);
        if (!x.dtype().isFloating()) {
            throw TensorException.of("channelMoments", "needs a floating dtype, got %s of shape %s", x.dtype(),
                    x.shapeRef());
        }
        KernelProvider kernels = KernelProvider.get();
        Parallel parallel = Parallel.shared();
        Accumulation acc = new Accumulation(x, reducedDims(x.dim()));
        double count = acc.reducedCount();
        double[] mean = acc.sums(kernels, parallel, Accumulate.SUM, null);
        for (int c = 0; c < mean.length; c++) {
            mean[c] /= count;
        }
        double[] variance = acc.sums(kernels, parallel, Accumulate.SQUARED_DEVIATION, mean);
        for (int c = 0; c < variance.length; c++) {
            variance[c] /= count;
        }
        return new Moments(Tensor.of(mean, mean.length).to(x.dtype()), Tensor.of(variance, variance.length).to(x.dtype()));
    }

    /**
     * {@code y[n, c, ...] = act((x[n, c, ...] - center[c]) * scale[c] + shift[c])} in float, in that
     * order (no fused multiply-add): one pass. {@code x} is FLOAT32 {@code [N, C, *]} (rank >= 2);
     * {@code center}, {@code scale} and {@code shift} are FLOAT32 {@code [C]}, any of them may be null
     * (0, 1 and 0). Returns a new contiguous tensor shaped like x; nothing is modified.
     */
    public static Tensor channelAffine(Tensor x, Tensor center, Tensor scale, Tensor shift, Activation act) {
        String op = "channelAffine";
        checkChannels(op, x);
        checkFloat32(op, "input", x);
        int channels = x.size(1);
        float[] cs = perChannel(op, "center", center, channels, 0f);
        float[] ss = perChannel(op, "scale", scale, channels, 1f);
        float[] bs = perChannel(op, "shift", shift, channels, 0f);
        Tensor src = x.contiguous();
        Tensor y = Tensor.allocate(op, DType.FLOAT32, x.shapeRef());
        float[] xs = src.storage().floats();
        float[] ys = y.storage().floats();
        int xBase = src.offset();
        int plane = src.numel() / Math.max(1, x.size(0) * channels);
        boolean relu = act == Activation.RELU;
        BatchNormKernels k = KernelProvider.get().batchNorm();
        forPlanes(x, (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                int c = p % channels;
                k.affine(plane, xs, xBase + p * plane, cs[c], ss[c], bs[c], relu, ys, p * plane);
            }
        });
        return y;
    }

    /**
     * The gradients of {@code y = act(w * (x - mean) * invStd + b)} per channel, where {@code mean}
     * and {@code invStd} are the batch statistics of x itself (training-mode batch normalisation, so
     * they depend on x too). With {@code g = gy} masked to 0 where {@code y <= 0} (ReLU) and
     * {@code n} the values per channel:
     * {@code db = sum g}, {@code dw = invStd * sum g (x - mean)},
     * {@code dx = w invStd (g - db / n - (x - mean) invStd dw / n)}.
     * Two passes: the sums (in double, in the reductions' fixed order), then dx.
     *
     * @param gy     the output gradient, FLOAT32 shaped like x
     * @param x      the input, FLOAT32 {@code [N, C, *]}
     * @param y      the forward's output (its sign is the ReLU's mask); only read for {@code RELU}, may be
     *               null for {@code IDENTITY}
     * @param mean   the batch mean {@code [C]} the forward used
     * @param invStd {@code 1 / sqrt(var + eps)} {@code [C]} the forward used
     * @param weight {@code w [C]}, or null for ones
     * @param inputGradient whether to compute dx (the pass over x is skipped when not)
     * @return dx (null unless asked for), dw and db; nothing is modified
     */
    public static Gradients batchNormBackward(Tensor gy, Tensor x, Tensor y, Tensor mean, Tensor invStd,
                                              Tensor weight, Activation act, boolean inputGradient) {
        String op = "batchNormBackward";
        checkChannels(op, x);
        checkFloat32(op, "input", x);
        checkFloat32(op, "output gradient", gy);
        if (!Arrays.equals(gy.shapeRef(), x.shapeRef())) {
            throw TensorException.of(op, "output gradient of shape %s does not match input %s", gy.shapeRef(),
                    x.shapeRef());
        }
        boolean relu = act == Activation.RELU;
        if (relu) {
            if (y == null) {
                throw TensorException.of(op, "RELU needs the forward's output to mask the gradient, got null");
            }
            checkFloat32(op, "output", y);
            if (!Arrays.equals(y.shapeRef(), x.shapeRef())) {
                throw TensorException.of(op, "output of shape %s does not match input %s", y.shapeRef(), x.shapeRef());
            }
        }
        int channels = x.size(1);
        float[] ms = perChannel(op, "mean", requireNonNull(op, "mean", mean), channels, 0f);
        float[] is = perChannel(op, "invStd", requireNonNull(op, "invStd", invStd), channels, 1f);
        float[] ws = perChannel(op, "weight", weight, channels, 1f);
        Tensor gc = gy.contiguous();
        Tensor xc = x.contiguous();
        Tensor yc = relu ? y.contiguous() : null;
        float[] gs = gc.storage().floats();
        float[] xs = xc.storage().floats();
        float[] ysOrNull = relu ? yc.storage().floats() : null;
        int gBase = gc.offset();
        int xBase = xc.offset();
        int yBase = relu ? yc.offset() : 0;
        int images = x.size(0);
        int plane = x.numel() / Math.max(1, images * channels);
        BatchNormKernels k = KernelProvider.get().batchNorm();

        double[] sumG = new double[channels];
        double[] sumGX = new double[channels];
        // A task owns whole channels, each summed image by image in position order: the same bits
        // for any thread count.
        Parallel parallel = Parallel.shared();
        java.util.function.IntConsumer channelSums = c -> {
            double[] partials = new double[2 * LANES];
            for (int img = 0; img < images; img++) {
                int at = (img * channels + c) * plane;
                k.gradientSums(plane, gs, gBase + at, xs, xBase + at, ysOrNull, yBase + at, img * plane, ms[c],
                        partials);
            }
            sumG[c] = combine(partials, 0);
            sumGX[c] = combine(partials, LANES);
        };
        if ((long) x.numel() < Tuning.REDUCTION_PARALLEL_ELEMENTS) {
            for (int c = 0; c < channels; c++) {
                channelSums.accept(c);
            }
        } else {
            parallel.forEach(channels, channelSums);
        }

        float[] dw = new float[channels];
        float[] db = new float[channels];
        float[] meanG = new float[channels];
        float[] meanGX = new float[channels];
        float[] scale = new float[channels];
        double n = (double) images * plane;
        for (int c = 0; c < channels; c++) {
            db[c] = (float) sumG[c];
            dw[c] = (float) (sumGX[c] * is[c]);
            meanG[c] = (float) (sumG[c] / n);
            meanGX[c] = (float) (sumGX[c] * is[c] / n);
            scale[c] = ws[c] * is[c];
        }
        Tensor dx = null;
        if (inputGradient) {
            dx = Tensor.allocate(op, DType.FLOAT32, x.shapeRef());
            float[] dxs = dx.storage().floats();
            forPlanes(x, (p0, p1) -> {
                for (int p = p0; p < p1; p++) {
                    int c = p % channels;
                    int at = p * plane;
                    k.inputGradient(plane, gs, gBase + at, xs, xBase + at, ysOrNull, yBase + at, ms[c], is[c],
                            scale[c], meanG[c], meanGX[c], dxs, at);
                }
            });
        }
        return new Gradients(dx, Tensor.of(dw, channels), Tensor.of(db, channels));
    }

    /**
     * The 16 partials at {@code off} combined by the reductions' pairwise tree (partial i = partial
     * 2i + partial 2i+1, halving), the tree {@code Accumulation} applies to all outputs at once.
     */
    static double combine(double[] partials, int off) {
        double[] p = Arrays.copyOfRange(partials, off, off + LANES);
        for (int w = LANES / 2; w >= 1; w /= 2) {
            for (int i = 0; i < w; i++) {
                p[i] = p[2 * i] + p[2 * i + 1];
            }
        }
        return p[0];
    }

    /** Work on planes {@code [p0, p1)} ({@code p = image * C + channel}). */
    @FunctionalInterface
    interface PlaneRange {
        void run(int p0, int p1);
    }

    /** Runs {@code body} over all {@code N * C} planes of x, split into tasks when x is large. */
    static void forPlanes(Tensor x, PlaneRange body) {
        int planes = x.size(0) * x.size(1);
        long numel = x.numel();
        if (numel < Tuning.ELEMENTWISE_PARALLEL_ELEMENTS || planes < 2) {
            body.run(0, planes);
            return;
        }
        int tasks = (int) Math.min(planes, Math.max(2, numel / Tuning.ELEMENTWISE_TASK_ELEMENTS));
        Parallel.shared().forEach(tasks, t -> body.run((int) ((long) planes * t / tasks),
                (int) ((long) planes * (t + 1) / tasks)));
    }

    private static int[] reducedDims(int rank) {
        int[] dims = new int[rank - 1];
        for (int d = 2; d < rank; d++) {
            dims[d - 1] = d;
        }
        return dims;
    }

    private static void checkChannels(String op, Tensor x) {
        if (x.dim() < 2 || x.size(1) == 0) {
            throw TensorException.of(op, "input of shape %s needs a channel dimension 1 (rank >= 2, at least one channel)",
                    x.shapeRef());
        }
    }

    private static void checkFloat32(String op, String what, Tensor t) {
        if (t.dtype() != DType.FLOAT32) {
            throw TensorException.of(op, "%s must be FLOAT32, got %s of shape %s", what, t.dtype(), t.shapeRef());
        }
    }

    private static Tensor requireNonNull(String op, String what, Tensor t) {
        if (t == null) {
            throw TensorException.of(op, "%s is required, got null", what);
        }
        return t;
    }

    /** The values of a {@code [C]} FLOAT32 tensor, or {@code fill} repeated when it is null. */
    private static float[] perChannel(String op, String what, Tensor t, int channels, float fill) {
        if (t == null) {
            float[] filled = new float[channels];
            Arrays.fill(filled, fill);
            return filled;
        }
        if (t.dim() != 1 || t.size(0) != channels || t.dtype() != DType.FLOAT32) {
            throw TensorException.of(op, "%s must be FLOAT32 [%d] (one per channel), got %s %s", what, channels,
                    t.dtype(), t.shapeRef());
        }
        Tensor c = t.contiguous();
        return Arrays.copyOfRange(c.storage().floats(), c.offset(), c.offset() + channels);
    }
}
