package org.bitspike.nn;

import java.util.Arrays;
import org.bitspike.autograd.GradMode;
import org.bitspike.autograd.Var;
import org.bitspike.tensor.Convolution.ConvOptions;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.Normalization;
import org.bitspike.tensor.Normalization.Activation;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.bitspike.tensor.TensorException;

/**
 * The functional form of the layers and losses: stateless functions of {@link Var}s that the
 * modules call. Each is a composite of autograd primitives, so its gradient needs no rule of its own.
 */
public final class Functional {
    private Functional() {
    }

    /** {@code x @ weight^T + bias} for {@code x [..., in]}, {@code weight [out, in]}, {@code bias [out]} (may be null). */
    public static Var linear(Var x, Var weight, Var bias) {
        if (weight.dim() != 2 || x.dim() == 0 || x.size(x.dim() - 1) != weight.size(1)) {
            throw TensorException.of("linear", "input %s does not match weight %s: the last input dimension must "
                    + "equal the weight's second", x.shape(), weight.shape());
        }
        Var y = x.matmul(weight.t());
        return bias == null ? y : y.add(bias);
    }

    /** 2-D convolution; {@code bias} may be null. */
    public static Var conv2d(Var x, Var weight, Var bias, ConvOptions options) {
        return x.conv2d(weight, bias, options);
    }

    /**
     * Batch normalisation over every dimension but 1 (the channels) of {@code x [N, C, ...]}. In
     * training it normalises with the batch mean and biased variance and, when running statistics
     * are given, updates them in place: {@code running = (1 - momentum) * running + momentum * batch}
     * (with the unbiased variance, as PyTorch does). In evaluation it uses the running statistics.
     * {@code weight} and {@code bias} ({@code [C]}) may be null.
     */
    public static Var batchNorm(Var x, Tensor runningMean, Tensor runningVar, Var weight, Var bias, boolean training,
            double momentum, double eps) {
        return batchNorm(x, runningMean, runningVar, weight, bias, training, momentum, eps, Activation.IDENTITY);
    }

    /**
     * {@link #batchNorm(Var, Tensor, Tensor, Var, Var, boolean, double, double) Batch normalisation}
     * followed by {@code activation}, fused: with {@code RELU} the result (and its gradient) is bit
     * for bit {@code batchNorm(...).relu()}, but a FLOAT32 input takes one pass for the output
     * instead of several, and two for the backward.
     */
    public static Var batchNorm(Var x, Tensor runningMean, Tensor runningVar, Var weight, Var bias, boolean training,
            double momentum, double eps, Activation activation) {
        if (x.dim() < 2) {
            throw TensorException.of("batchNorm", "input of shape %s needs a channel dimension (rank >= 2)", x.shape());
        }
        int channels = x.size(1);
        int[] dims = new int[x.dim() - 1];
        dims[0] = 0;
        for (int d = 2; d < x.dim(); d++) {
            dims[d - 1] = d;
        }
        int[] perChannel = new int[x.dim()];
        Arrays.fill(perChannel, 1);
        perChannel[1] = channels;
        for (Tensor t : new Tensor[] {runningMean, runningVar}) {
            if (t != null && (t.dim() != 1 || t.size(0) != channels)) {
                throw TensorException.of("batchNorm", "running statistics of shape %s do not match %d channels of input %s",
                        t.shape(), channels, x.shape());
            }
        }
        if ((runningMean == null) != (runningVar == null)) {
            throw TensorException.of("batchNorm", "running mean and variance must be given together, got %s and %s",
                    runningMean == null ? "null" : runningMean.shape(), runningVar == null ? "null" : runningVar.shape());
        }
        int count = x.numel() / channels;
        if (count < 2 && training) {
            throw TensorException.of("batchNorm", "training needs more than one value per channel, got input %s",
                    x.shape());
        }
        if ((training || runningMean == null) && weight != null && bias != null) { // the fused op
            BatchNormFunction op = new BatchNormFunction(eps, activation);
            Var y = op.apply(x, weight, bias);
            if (training && runningMean != null) {
                updateRunning(op.statistics()[0], op.statistics()[1], runningMean, runningVar, momentum, count);
            }
            return y;
        }
        if (!(training || runningMean == null)) {
            return evaluationBatchNorm(x, runningMean, runningVar, weight, bias, eps, activation, perChannel);
        }
        Var mean = x.mean(dims, true);
        Var centred = x.sub(mean);
        Var variance = centred.mul(centred).mean(dims, true);
        Var normalised = centred.mul(variance.add(eps).rsqrt());
        if (training && runningMean != null) {
            updateRunning(mean.value().reshape(channels), variance.value().reshape(channels), runningMean,
                    runningVar, momentum, count);
        }
        if (weight != null) {
            normalised = normalised.mul(weight.reshape(perChannel));
        }
        Var y = bias == null ? normalised : normalised.add(bias.reshape(perChannel));
        return activation == Activation.RELU ? y.relu() : y;
    }

    /**
     * Evaluation is a per-channel affine map, {@code act((x - mean) * (w / sqrt(var + eps)) + b)}:
     * one fused pass when nothing needs a gradient, else the same formula in differentiable ops
     * (bit for bit the same values).
     */
    private static Var evaluationBatchNorm(Var x, Tensor runningMean, Tensor runningVar, Var weight, Var bias,
            double eps, Activation activation, int[] perChannel) {
        Tensor invStd = runningVar.add(eps).rsqrt();
        boolean float32 = x.value().dtype() == DType.FLOAT32 && runningMean.dtype() == DType.FLOAT32
                && invStd.dtype() == DType.FLOAT32 && (weight == null || weight.value().dtype() == DType.FLOAT32)
                && (bias == null || bias.value().dtype() == DType.FLOAT32);
        boolean needsGrad = GradMode.isEnabled() && (x.requiresGrad() || weight != null && weight.requiresGrad()
                || bias != null && bias.requiresGrad());
        if (float32 && !needsGrad) {
            Tensor scale = weight == null ? invStd : weight.value().mul(invStd);
            return Var.of(Normalization.channelAffine(x.value(), runningMean, scale, bias == null ? null : bias.value(),
                    activation));
        }
        Var scale = weight == null ? Var.of(invStd) : weight.mul(Var.of(invStd));
        Var y = x.sub(Var.of(runningMean.reshape(perChannel))).mul(scale.reshape(perChannel));
        // NOTE: without a bias the kernel still adds a shift of +0 (turning -0 into +0); so does this.
        y = bias != null ? y.add(bias.reshape(perChannel)) : y.add(0.0);
        return activation == Activation.RELU ? y.relu() : y;
    }

    private static void updateRunning(Tensor mean, Tensor biasedVar, Tensor runningMean, Tensor runningVar,
            double momentum, int count) {
        try (GradMode.Scope scope = GradMode.noGrad()) {
            runningMean.mul_(1 - momentum).addScaled_(mean.to(runningMean.dtype()), momentum);
            Tensor unbiased = biasedVar.mul((double) count / (count - 1));
            runningVar.mul_(1 - momentum).addScaled_(unbiased.to(runningVar.dtype()), momentum);
        }
    }

    /**
     * Layer normalisation over the trailing dimensions {@code normalizedShape} of {@code x}:
     * {@code y = (x - mean) / sqrt(var + eps) * weight + bias}, with the mean and the biased
     * variance (divided by the count, as PyTorch) over those dimensions, separately for every
     * leading index. {@code x [..., *normalizedShape]} gives {@code y} of the same shape;
     * {@code weight} and {@code bias} have shape {@code normalizedShape} and may be null. A
     * composite: its gradient (of any order) comes from the primitives. Nothing is modified.
     *
     * @throws TensorException naming {@code layerNorm} and the shapes when {@code normalizedShape} is
     *     empty or not a suffix of x's shape, a weight or bias has another shape, or eps is not positive
     *     and finite; or naming the null argument when x is null
     */
    public static Var layerNorm(Var x, int[] normalizedShape, Var weight, Var bias, double eps) {
        Losses.notNull("layerNorm", "input", x);
        int k = normalizedShape == null ? 0 : normalizedShape.length;
        if (k == 0 || k > x.dim() || !Arrays.equals(normalizedShape, Arrays.copyOfRange(x.shape(), x.dim() - k, x.dim()))) {
            throw TensorException.of("layerNorm", "normalized shape %s must be a non-empty suffix of the input shape %s",
                    normalizedShape == null ? "null" : Arrays.toString(normalizedShape), x.shape());
        }
        checkEps("layerNorm", eps);
        for (Var p : new Var[] {weight, bias}) {
            if (p != null && !Arrays.equals(p.shape(), normalizedShape)) {
                throw TensorException.of("layerNorm", "%s of shape %s must have the normalized shape %s (input %s)",
                        p == weight ? "weight" : "bias", p.shape(), Arrays.toString(normalizedShape), x.shape());
            }
        }
        int[] dims = new int[k];
        for (int i = 0; i < k; i++) {
            dims[i] = x.dim() - k + i;
        }
        Var y = standardise(x, dims, eps);
        if (weight != null) {
            y = y.mul(weight);
        }
        return bias == null ? y : y.add(bias);
    }

    /**
     * Group normalisation of {@code x [N, C, ...]}: the channels are split into {@code groups}
     * consecutive groups of {@code C / groups}, and each (sample, group) is normalised over its
     * channels and every spatial position with its mean and biased variance,
     * {@code (x - mean) / sqrt(var + eps)}, then scaled and shifted per channel by {@code weight}
     * and {@code bias} ({@code [C]}, may be null). The output has x's shape. A composite; nothing
     * is modified. {@code groups = 1} is a layer norm over {@code [C, ...]} with per-channel affine;
     * {@code groups = C} is instance normalisation.
     *
     * @throws TensorException naming {@code groupNorm} and the shapes when x has rank below 2, C is
     *     not divisible by a positive {@code groups}, a weight or bias is not {@code [C]}, or eps is
     *     not positive and finite; or naming the null argument when x is null
     */
    public static Var groupNorm(Var x, int groups, Var weight, Var bias, double eps) {
        Losses.notNull("groupNorm", "input", x);
        if (x.dim() < 2) {
            throw TensorException.of("groupNorm", "input of shape %s needs a channel dimension (rank >= 2)", x.shape());
        }
        int channels = x.size(1);
        if (groups <= 0 || channels % groups != 0) {
            throw TensorException.of("groupNorm", "%d channels of input %s are not divisible into %d groups", channels,
                    x.shape(), groups);
        }
        checkEps("groupNorm", eps);
        for (Var p : new Var[] {weight, bias}) {
            if (p != null && (p.dim() != 1 || p.size(0) != channels)) {
                throw TensorException.of("groupNorm", "%s of shape %s must be [%d], the channels of input %s",
                        p == weight ? "weight" : "bias", p.shape(), channels, x.shape());
            }
        }
        int n = x.size(0);
        Var grouped = x.reshape(n, groups, x.numel() / Math.max(1, n * groups));
        Var y = standardise(grouped, new int[] {2}, eps).reshape(x.shape());
        int[] perChannel = new int[x.dim()];
        Arrays.fill(perChannel, 1);
        perChannel[1] = channels;
        if (weight != null) {
            y = y.mul(weight.reshape(perChannel));
        }
        return bias == null ? y : y.add(bias.reshape(perChannel));
    }

    /** {@code (x - mean) / sqrt(biased var + eps)} over {@code dims}. */
    private static Var standardise(Var x, int[] dims, double eps) {
        Var centred = x.sub(x.mean(dims, true));
        return centred.mul(centred.mul(centred).mean(dims, true).add(eps).rsqrt());
    }

    private static void checkEps(String op, double eps) {
        if (!(eps > 0) || Double.isInfinite(eps)) {
            throw TensorException.of(op, "eps must be positive and finite, got %s", eps);
        }
    }

    /** Inverted dropout: zeroes each element with probability {@code p} and scales the rest by {@code 1/(1-p)}. */
    public static Var dropout(Var x, double p, RandomKey key, boolean training) {
        if (!(p >= 0 && p < 1)) {
            throw TensorException.of("dropout", "probability must be in [0, 1), got %s", p);
        }
        if (!training || p == 0) {
            return x;
        }
        // the mask keeps with probability round((1 - p) 2^16) / 2^16: scale by its inverse, so the mean is exact
        double keep = Math.round((1 - p) * 65536) / 65536.0;
        return new DropoutMask(key, keep).apply(x);
    }

    /**
     * {@code x * mask / keep} as one op ({@link Tensor#maskedScale}: the keep probability in steps of
     * 2^-16, four mask elements per random draw): the mask is drawn again from the key in the
     * backward instead of being stored, and the backward (the same op on the gradient) is itself
     * differentiable.
     */
    private static final class DropoutMask extends org.bitspike.autograd.Function {
        private final RandomKey key;
        private final double keep;

        DropoutMask(RandomKey key, double keep) {
            this.key = key;
            this.keep = keep;
        }

        @Override
        public String name() {
            return "dropout";
        }

        @Override
        protected Tensor forward(org.bitspike.autograd.Context ctx, Tensor... x) {
            return x[0].maskedScale(key, keep, keep == 0 ? 0 : 1 / keep);
        }

        @Override
        protected Var[] backward(org.bitspike.autograd.Context ctx, Var g) {
            return new Var[] {apply(g)};
        }
    }

    /**
     * {@code x > 0 ? x : slope * x}, elementwise, same shape; x is not modified. Derivative 1 where
     * {@code x > 0}, else {@code slope} (also at 0, as PyTorch).
     *
     * @throws TensorException naming {@code leakyRelu} when the slope is not finite
     */
    public static Var leakyRelu(Var x, double slope) {
        if (!Double.isFinite(slope)) {
            throw TensorException.of("leakyRelu", "slope must be finite, got %s (input %s)", slope, x.shape());
        }
        return Var.where(x.value().gt(0), x, x.mul(slope));
    }

    // ------------------------------------------------------------------ losses

    /**
     * Cross-entropy of {@code logits [N, C]} against class indices {@code labels [N]} (INT64 or
     * INT32), with label smoothing {@code epsilon}: the target puts {@code 1 - epsilon} on the label
     * and {@code epsilon / C} on every class, so the loss is
     * {@code (1 - epsilon) * nll + epsilon * mean over classes of -log p}. Class weights, an ignored
     * index and probability targets are in {@link Losses#crossEntropy(Var, Tensor, CrossEntropyOptions)}.
     */
    public static Var crossEntropy(Var logits, Tensor labels, double labelSmoothing, Reduction reduction) {
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw TensorException.of("crossEntropy", "label smoothing must be in [0, 1], got %s", labelSmoothing);
        }
        checkClassification("crossEntropy", logits, labels);
        Var logp = logits.logSoftmax(1);
        Var nll = pick(logp, labels).neg();
        Var perSample = labelSmoothing == 0 ? nll
                : nll.mul(1 - labelSmoothing).sub(logp.mean(1, false).mul(labelSmoothing));
        return reduce("crossEntropy", perSample, reduction);
    }

    /** Cross-entropy without smoothing, mean over the batch. */
    public static Var crossEntropy(Var logits, Tensor labels) {
        return crossEntropy(logits, labels, 0, Reduction.MEAN);
    }

    /** Negative log-likelihood of log-probabilities {@code logProbs [N, C]} at {@code labels [N]}. */
    public static Var nllLoss(Var logProbs, Tensor labels, Reduction reduction) {
        checkClassification("nllLoss", logProbs, labels);
        return reduce("nllLoss", pick(logProbs, labels).neg(), reduction);
    }

    /** Squared error {@code (input - target)^2}, reduced; the shapes must be equal. */
    public static Var mseLoss(Var input, Var target, Reduction reduction) {
        if (!Arrays.equals(input.shape(), target.shape())) {
            throw TensorException.of("mseLoss", "input %s and target %s must have the same shape", input.shape(),
                    target.shape());
        }
        Var diff = input.sub(target);
        return reduce("mseLoss", diff.mul(diff), reduction);
    }

    private static Var pick(Var scores, Tensor labels) {
        return scores.gather(1, labels.reshape(labels.numel(), 1)).reshape(labels.numel());
    }

    private static Var reduce(String op, Var perSample, Reduction reduction) {
        return Losses.reduce(op, perSample, reduction, false);
    }

    private static void checkClassification(String op, Var scores, Tensor labels) {
        if (scores.dim() != 2) {
            throw TensorException.of(op, "scores must be [N, C], got %s", scores.shape());
        }
        if (labels.dim() != 1 || labels.size(0) != scores.size(0)) {
            throw TensorException.of(op, "labels of shape %s do not match scores %s: need [%d]", labels.shape(),
                    scores.shape(), scores.size(0));
        }
        if (labels.dtype() != DType.INT64 && labels.dtype() != DType.INT32) {
            throw TensorException.of(op, "labels must be INT64 or INT32 class indices, got %s", labels.dtype());
        }
        long[] values = labels.toLongArray();
        int classes = scores.size(1);
        for (int i = 0; i < values.length; i++) {
            if (values[i] < 0 || values[i] >= classes) {
                throw TensorException.of(op, "label %d at index %d is outside [0, %d) for scores %s", values[i], i,
                        classes, scores.shape());
            }
        }
    }
}
