package org.bitspike.nn.spiking;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.bitspike.autograd.GradMode;
import org.bitspike.autograd.Var;
import org.bitspike.nn.BatchNorm;
import org.bitspike.nn.Conv2d;
import org.bitspike.nn.Dropout;
import org.bitspike.nn.Functional;
import org.bitspike.nn.Layer;
import org.bitspike.nn.Layers;
import org.bitspike.nn.Linear;
import org.bitspike.nn.Sequential;
import org.bitspike.nn.accounting.Countable;
import org.bitspike.nn.accounting.Forward;
import org.bitspike.nn.accounting.LayerCosts;
import org.bitspike.nn.accounting.OpCounts;
import org.bitspike.nn.accounting.OpKind;
import org.bitspike.nn.models.ResidualBlock;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.bitspike.tensor.TensorException;

/**
 * Folded inference for Hoyer spiking models (the BANN deploy form, digest section 2.5 last
 * paragraph): every {@code BatchNorm -> HoyerSpike} run becomes one {@link FoldedThreshold}, so a
 * hidden layer is "accumulate, compare with a per-channel float constant".
 *
 * <p>How the thresholds are found, and why they are exact: in evaluation, channel c of
 * {@code BatchNorm -> HoyerSpike} maps a float x through {@code d = x - mean}, {@code p = d * k}
 * ({@code k = gamma / sqrt(var + eps)}), {@code u = p + beta}, {@code z = u / |v|}, and fires iff
 * {@code z >= threshold}, each step rounded to the dtype. Rounding to nearest is monotone, so with
 * finite {@code mean, k, beta} and a finite non-zero {@code |v|} each step is monotone in x (non-
 * decreasing, or non-increasing for {@code k < 0}) and produces NaN only from {@code inf * 0}, i.e.
 * at the infinite inputs when {@code k = 0}. The firing set is therefore a suffix of the floats
 * ({@code k > 0}), a prefix ({@code k < 0}), or all / none of the finite floats ({@code k = 0}).
 * {@link ThresholdSearch} finds its ends by bisection over the ordered bit patterns of the dtype,
 * asking the unfolded evaluation itself (fresh copies of the batch norm and spike) at each step:
 * the result is two neighbouring floats of which exactly one fires, so no input, however close to
 * the threshold, is decided differently. The preconditions are checked and a model that breaks them
 * (a non-finite running mean, bias or scale, {@code v} zero or not finite) is refused, naming the
 * layer and channel.
 *
 * <p>NOTE: folding always uses evaluation semantics (running statistics, running theta, dropout off),
 * whatever the mode of the source: it is what the folded model is compared with.
 */
public final class Folding {
    private Folding() {
    }

    /**
     * An inference-only copy of {@code model} in which every {@code BatchNorm -> HoyerSpike} pair (in
     * evaluation semantics; a dropout between them is allowed) is a {@link FoldedThreshold}, a
     * {@link HoyerSpike} not preceded by a batch norm (e.g. after a residual sum) is folded alone
     * ({@code u} = its input), a batch norm not followed by a spike is frozen in evaluation (a copy
     * of its constants, the same call), and every {@link Dropout} (the identity in evaluation) is
     * removed. The result emits, on every input, exactly the spikes and outputs of
     * {@code model.eval().forward(input)}.
     *
     * <p>What is copied: {@link Sequential} containers and {@link ResidualBlock}s (same child names, so
     * parameter names match the source's), {@link Conv2d} and {@link Linear} layers (their parameters
     * copied: the folded model is a snapshot, training the source later does not change it). The stateless layers of
     * this framework (pooling, flatten, activations: no parameters, buffers or children, and
     * evaluation-independent) are called through a wrapper, never adopted, so nothing done to the
     * folded model reaches them. {@code model} is not modified, not even its modes. A root that is
     * not a {@link Sequential} becomes the only child, named {@code "0"}.
     *
     * <p>The source's {@link HoyerSpike#observe observers} are not called while folding and its
     * {@link HoyerSpike#perturb perturbations} are not folded in: the thresholds are those of the
     * plain evaluation forward (the folded layers are fresh copies).
     *
     * <p>The result is in evaluation mode and refuses {@code train()} and conversion to another
     * dtype (a folded threshold reached by switching an inner container to training refuses its
     * forward).
     *
     * <p>Shapes: as the source's. No gradient flows through a folded threshold.
     *
     * <pre>{@code
     * Layer model = Models.create("vgg-small", 1, 10, HoyerKinds.papers(), key);
     * // ... train ...
     * Layer deploy = Folding.fold(model);              // model untouched; deploy is in evaluation
     * Tensor logits = deploy.forward(images).value();  // model.eval().forward(images), bit for bit
     * }</pre>
     * ({@code FoldingTest.vggSmallAfterTrainingFoldsExactly} runs this.)
     *
     * @throws IllegalArgumentException naming the layer's path and class for a structure that cannot
     *     be folded: a container other than {@code Sequential} and {@code ResidualBlock}, a layer with
     *     state of another class or a layer from outside this framework (its evaluation behaviour
     *     cannot be vouched for), batch norm
     *     and spike of different dtypes or channel counts, or constants breaking the preconditions
     *     above (naming the channel and value)
     */
    public static Layer fold(Layer model) {
        Objects.requireNonNull(model, "fold: model is null");
        if (model instanceof Sequential root) {
            return new FoldedModel(foldSequence(root, ""));
        }
        Map<String, Layer> single = new LinkedHashMap<>();
        single.put("0", foldLayer(model, "0"));
        return new FoldedModel(single);
    }

    /** The folded children of {@code seq}, by their names in the source. */
    private static Map<String, Layer> foldSequence(Sequential seq, String prefix) {
        List<Map.Entry<String, Layer>> entries = new ArrayList<>();
        for (Map.Entry<String, Layer> e : seq.children().entrySet()) {
            if (!(e.getValue() instanceof Dropout)) {
                entries.add(e);
            }
        }
        Map<String, Layer> out = new LinkedHashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            String name = entries.get(i).getKey();
            Layer layer = entries.get(i).getValue();
            Layer next = i + 1 < entries.size() ? entries.get(i + 1).getValue() : null;
            if (layer instanceof BatchNorm norm && next instanceof HoyerSpike spike) {
                String spikeName = entries.get(i + 1).getKey();
                out.put(spikeName, foldPair(prefix + name + " -> " + prefix + spikeName, norm, spike));
                i++;
            } else {
                out.put(name, foldLayer(layer, prefix + name));
            }
        }
        return out;
    }

    private static Sequential sequential(Map<String, Layer> parts) {
        Sequential seq = new Sequential();
        parts.forEach(seq::add);
        return seq;
    }

    /** One layer that is not the batch norm of a pair, folded. */
    private static Layer foldLayer(Layer layer, String path) {
        if (layer instanceof HoyerSpike spike) {
            return foldPair(path, null, spike);
        } else if (layer instanceof BatchNorm norm) {
            return new FrozenNorm(path, norm);
        } else if (layer instanceof Sequential inner) {
            return sequential(foldSequence(inner, path + "."));
        } else if (layer instanceof ResidualBlock block) {
            Map<String, Layer> parts = block.children();
            Map<String, Layer> main = foldSequence((Sequential) parts.get("main"), path + ".main.");
            Layer shortcut = parts.get("shortcut");
            return new ResidualBlock(sequential(main),
                    shortcut == null ? null : foldLayer(shortcut, path + ".shortcut"),
                    foldLayer(parts.get("activation"), path + ".activation"));
        } else if (layer instanceof Conv2d conv) {
            return copy(conv);
        } else if (layer instanceof Linear linear) {
            return copy(linear);
        } else if (layer.children().isEmpty() && layer.stateDict().isEmpty()
                && layer.getClass().getPackage() == Layer.class.getPackage()) {
            return Layers.borrowed(layer);
        }
        throw new IllegalArgumentException("fold: cannot fold " + layer.getClass().getName() + " at '" + path
                + "': only Sequential containers, residual blocks, Conv2d, Linear, BatchNorm, HoyerSpike, Dropout "
                + "and the stateless layers of org.bitspike.nn (pooling, flatten, activations) are supported");
    }

    /** {@code norm} (or none) followed by {@code spike} as one folded threshold. */
    static FoldedThreshold foldPair(String what, BatchNorm norm, HoyerSpike spike) {
        int channels = spike.channels();
        Tensor v = spike.clip().value();
        DType dtype = v.dtype();
        double absV = Math.abs(v.toDoubleArray()[0]);
        if (!(absV > 0) || Double.isInfinite(absV)) {
            throw new IllegalArgumentException("fold " + what + ": the spike's |v| is " + absV + "; folding needs a "
                    + "finite non-zero clipping value");
        }
        HoyerSpike spikeCopy = new HoyerSpike(channels, spike.options(), dtype);
        spikeCopy.load(spike.stateDict());
        spikeCopy.eval();
        if (norm == null) {
            return fold(what, dtype, channels, u -> spikeCopy.forward(Var.of(u)).value());
        }
        Tensor weight = norm.weight().value().copy();
        Tensor bias = norm.bias().value().copy();
        Tensor mean = norm.runningMean().copy();
        Tensor variance = norm.runningVar().copy();
        double eps = norm.eps();
        if (weight.size(0) != channels || weight.dtype() != dtype) {
            throw new IllegalArgumentException(String.format("fold %s: the BatchNorm has %d channels of %s but the "
                    + "HoyerSpike %d of %s", what, weight.size(0), weight.dtype(), channels, dtype));
        }
        checkFinite(what, "running mean", mean, null);
        checkFinite(what, "bias", bias, null);
        // the scale the evaluation applies, computed as Functional.batchNorm computes it
        checkFinite(what, "scale weight / sqrt(runningVar + eps)", weight.mul(variance.add(eps).rsqrt()),
                "(weight %s, running var %s, eps " + eps + ")", weight, variance);
        Var w = Var.of(weight);
        Var b = Var.of(bias);
        return fold(what, dtype, channels, x -> spikeCopy.forward(
                Functional.batchNorm(Var.of(x), mean, variance, w, b, false, 0, eps)).value());
    }

    private static FoldedThreshold fold(String what, DType dtype, int channels,
            java.util.function.Function<Tensor, Tensor> fire) {
        try (GradMode.Scope scope = GradMode.noGrad()) {
            ThresholdSearch.Bounds bounds = ThresholdSearch.search(what, dtype, channels, fire);
            return new FoldedThreshold(what, dtype, bounds.lower(), bounds.upper());
        }
    }

    private static void checkFinite(String what, String name, Tensor values, String detail, Tensor... also) {
        double[] v = values.toDoubleArray();
        for (int c = 0; c < v.length; c++) {
            if (!Double.isFinite(v[c])) {
                String more = "";
                if (detail != null) {
                    Object[] args = new Object[also.length];
                    for (int j = 0; j < also.length; j++) {
                        args[j] = also[j].toDoubleArray()[c];
                    }
                    more = " " + String.format(detail, args);
                }
                throw new IllegalArgumentException("fold " + what + ": channel " + c + " has a non-finite " + name + " "
                        + v[c] + more + "; the folded threshold is exact only for finite batch-norm constants");
            }
        }
    }

    /**
     * A batch norm not followed by a spike (e.g. before a residual sum), frozen in evaluation: the
     * call {@link BatchNorm#forward} makes in evaluation, on copies of its constants.
     */
    private static final class FrozenNorm extends Layer implements Countable {
        private final String source;
        private final double eps;

        FrozenNorm(String source, BatchNorm norm) {
            this.source = source;
            this.eps = norm.eps();
            buffer("weight", norm.weight().value().copy());
            buffer("bias", norm.bias().value().copy());
            buffer("runningMean", norm.runningMean().copy());
            buffer("runningVar", norm.runningVar().copy());
        }

        @Override
        protected Var compute(Var x) {
            if (x.dim() < 2 || x.size(1) != buffer("weight").size(0) || x.dtype() != buffer("weight").dtype()) {
                throw TensorException.of(describe(), "input %s of %s must be [N, %d, ...] of %s", x.shape(), x.dtype(),
                        buffer("weight").size(0), buffer("weight").dtype());
            }
            return Functional.batchNorm(x, buffer("runningMean"), buffer("runningVar"), Var.of(buffer("weight")),
                    Var.of(buffer("bias")), false, 0, eps);
        }

        /** Two FLOPs per element, one scale and one shift, as an evaluation {@link BatchNorm}. */
        @Override
        public OpCounts cost(Forward forward) {
            return LayerCosts.elementwise(OpKind.FLOP, 2, forward.output());
        }

        @Override
        protected String describe() {
            return "FrozenBatchNorm(" + source + ", eps " + eps + ")";
        }
    }

    private static Conv2d copy(Conv2d conv) {
        Tensor w = conv.weight().value();
        int groups = conv.options().groups();
        Conv2d copy = new Conv2d(w.size(1) * groups, w.size(0), w.size(2), conv.options(), conv.bias() != null,
                w.dtype(), RandomKey.of(0));
        copy.load(conv.stateDict());
        copy.eval();
        return copy;
    }

    private static Linear copy(Linear linear) {
        Tensor w = linear.weight().value();
        Linear copy = new Linear(w.size(1), w.size(0), linear.bias() != null, w.dtype(), RandomKey.of(0));
        copy.load(linear.stateDict());
        copy.eval();
        return copy;
    }
}
