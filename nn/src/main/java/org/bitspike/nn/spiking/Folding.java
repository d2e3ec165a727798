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
import org.bitspike.nn.Linear;
import org.bitspike.nn.Sequential;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;

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
     * evaluation semantics) is a {@link FoldedThreshold}, a {@link HoyerSpike} not preceded by a
     * batch norm is folded alone ({@code u} = its input), and every {@link Dropout} (the identity in
     * evaluation) is removed. The result emits, on every input, exactly the spikes and outputs of
     * {@code model.eval().forward(input)}.
     *
     * <p>What is copied: {@link Sequential} containers (same child names, so parameter names match
     * the source's), {@link Conv2d} and {@link Linear} layers (their parameters copied: the folded
     * model is a snapshot, training the source later does not change it). The stateless layers of
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
     * @throws IllegalArgumentException naming the layer's path and class for a structure that cannot
     *     be folded: a {@code BatchNorm} not followed by a {@code HoyerSpike}, a container other than
     *     {@code Sequential} (e.g. a residual block), a layer with state of another class or a layer
     *     from outside this framework (its evaluation behaviour cannot be vouched for), batch norm
     *     and spike of different dtypes or channel counts, or constants breaking the preconditions
     *     above (naming the channel and value)
     */
    public static Layer fold(Layer model) {
        Objects.requireNonNull(model, "fold: model is null");
        Map<String, Layer> parts;
        if (model instanceof Sequential root) {
            parts = foldSequence(root, "");
        } else {
            Sequential single = new Sequential();
            parts = foldSequence(single.add("0", model), "");
        }
        return new FoldedModel(parts);
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
            String path = prefix + name;
            if (layer instanceof BatchNorm norm) {
                Layer next = i + 1 < entries.size() ? entries.get(i + 1).getValue() : null;
                if (!(next instanceof HoyerSpike spike)) {
                    throw new IllegalArgumentException("fold: BatchNorm at '" + path + "' is followed by "
                            + (next == null ? "nothing" : next.getClass().getSimpleName()) + "; only "
                            + "BatchNorm -> HoyerSpike (dropout between them allowed) can be folded");
                }
                String spikePath = prefix + entries.get(i + 1).getKey();
                out.put(entries.get(i + 1).getKey(), foldPair(path + " -> " + spikePath, norm, spike));
                i++;
            } else if (layer instanceof HoyerSpike spike) {
                out.put(name, foldPair(path, null, spike));
            } else if (layer instanceof Sequential inner) {
                Sequential copy = new Sequential();
                foldSequence(inner, path + ".").forEach(copy::add);
                out.put(name, copy);
            } else if (layer instanceof Conv2d conv) {
                out.put(name, copy(conv));
            } else if (layer instanceof Linear linear) {
                out.put(name, copy(linear));
            } else if (layer.children().isEmpty() && layer.stateDict().isEmpty()
                    && layer.getClass().getPackage() == Layer.class.getPackage()) {
                out.put(name, new Borrowed(layer));
            } else {
                throw new IllegalArgumentException("fold: cannot fold " + layer.getClass().getName() + " at '" + path
                        + "': only Sequential containers, Conv2d, Linear, BatchNorm -> HoyerSpike, HoyerSpike, Dropout "
                        + "and the stateless layers of org.bitspike.nn (pooling, flatten, activations) are supported");
            }
        }
        return out;
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
     * A stateless layer of the source (pooling, flatten, an activation), called but not adopted: it is
     * not registered as a child, so no mode switch, conversion or load of the folded model reaches
     * the source's object.
     */
    private static final class Borrowed extends Layer {
        private final Layer layer;

        Borrowed(Layer layer) {
            this.layer = layer;
        }

        @Override
        public Var forward(Var input) {
            return layer.forward(input);
        }

        @Override
        protected String describe() {
            return layer.toString().trim();
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
