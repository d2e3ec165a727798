package org.bitspike.nn.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;
import org.bitspike.autograd.GradMode;
import org.bitspike.autograd.Var;
import org.bitspike.nn.BatchNorm;
import org.bitspike.nn.Functional;
import org.bitspike.nn.Layer;
import org.bitspike.nn.Layers;
import org.bitspike.nn.Layers.Operation;
import org.bitspike.nn.Pooling;
import org.bitspike.nn.binary.BinaryConv2d;
import org.bitspike.nn.binary.BinaryLinear;
import org.bitspike.nn.binary.LearnableShift;
import org.bitspike.nn.binary.Quantizer;
import org.bitspike.nn.spiking.HoyerSpike;
import org.bitspike.nn.spiking.ThresholdSearch;
import org.bitspike.tensor.BitTensor.Encoding;
import org.bitspike.tensor.Convolution.PoolOptions;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.Tensor;

/**
 * The per-channel layers between an accumulation and its decision, and their folding into bounds.
 *
 * <p>Allowed between them: one max pool, batch norms (evaluation: running statistics), learnable
 * shifts; each is monotone per channel, which is what makes the firing set an interval
 * ({@link ThresholdSearch}'s precondition). The decision is a {@link HoyerSpike} (SPIKE) or the sign
 * input quantizer of the next binary layer (SIGN), possibly after a flatten.
 *
 * @param steps the chain's layers in order (the pool included), as evaluation functions on tensors
 * @param poolIndex index of the pool in {@code steps}, or -1
 * @param decision what makes the bit, or null when the chain ends without one
 * @param end index of the first leaf after the chain (the decision's layer for a quantizer decision)
 */
record Chain(List<Step> steps, int poolIndex, PoolOptions pool, String poolPath, UnaryOperator<Tensor> decision,
             Encoding encoding, int end, String describe) {

    /** One chain layer as the evaluation forward computes it. */
    record Step(String name, UnaryOperator<Tensor> apply) {
    }

    /** The chain after the accumulation at leaf {@code index}. */
    static Chain after(int index, IntFunction<Layer> layerAt, IntFunction<String> pathAt) {
        List<Step> steps = new ArrayList<>();
        int poolIndex = -1;
        PoolOptions pool = null;
        String poolPath = null;
        int j = index + 1;
        List<String> names = new ArrayList<>();
        while (true) {
            Layer layer = layerAt.apply(j);
            if (layer == null) {
                return new Chain(steps, poolIndex, pool, poolPath, null, null, j, String.join(" -> ", names));
            }
            if (Layers.operation(layer) == Operation.MAX_POOL && poolIndex < 0) {
                poolIndex = steps.size();
                pool = Pooling.options(layer);
                poolPath = pathAt.apply(j);
                steps.add(new Step("pool", t -> t));
            } else if (layer instanceof BatchNorm norm) {
                steps.add(new Step("norm", frozen(norm)));
            } else if (layer instanceof LearnableShift shift) {
                Tensor s = shift.namedParameters().get("shift").value().copy();
                steps.add(new Step("shift", t -> t.add(perChannel(s, t))));
            } else if (layer instanceof HoyerSpike spike) {
                names.add(pathAt.apply(j));
                return new Chain(steps, poolIndex, pool, poolPath, spikeOf(spike), Encoding.SPIKE, j + 1,
                        String.join(" -> ", names));
            } else {
                Layer binary = Layers.operation(layer) == Operation.FLATTEN ? layerAt.apply(j + 1) : layer;
                if (Deploy.isXnor(binary)) {
                    Quantizer q = binary instanceof BinaryConv2d c ? c.binaryOptions().input()
                            : ((BinaryLinear) binary).binaryOptions().input();
                    names.add("sign of " + pathAt.apply(binary == layer ? j : j + 1));
                    return new Chain(steps, poolIndex, pool, poolPath, t -> q.apply(Var.of(t)).value().gt(0.0)
                            .to(t.dtype()), Encoding.SIGN, j, String.join(" -> ", names));
                }
                return new Chain(steps, poolIndex, pool, poolPath, null, null, j, String.join(" -> ", names));
            }
            names.add(pathAt.apply(j));
            j++;
        }
    }

    /**
     * The bounds of the chain's decision on the accumulation of {@code channels} channels ({@code acc *
     * scale + bias} first, as the accumulating layer's own forward does), and the pool's OR/AND channels.
     *
     * @param linear whether the accumulation is {@code [N, C]} (a linear layer's) rather than a map's
     */
    Bounds bounds(String what, int channels, boolean linear, Tensor scale, Tensor bias) {
        UnaryOperator<Tensor> pre = t -> {
            Tensor y = scale == null ? t : t.mul(perChannel(scale, t));
            return bias == null ? y : y.add(perChannel(bias, y));
        };
        try (GradMode.Scope scope = GradMode.noGrad()) {
            ThresholdSearch.Bounds fires = ThresholdSearch.search(what + " -> " + describe, DType.FLOAT32, channels,
                    x -> decide(pre.apply(shaped(x, linear)), 0, linear));
            boolean[] or = new boolean[channels];
            if (poolIndex >= 0) {
                ThresholdSearch.Bounds after = ThresholdSearch.search(what + " pooled -> " + describe, DType.FLOAT32,
                        channels, u -> decide(shaped(u, linear), poolIndex + 1, linear));
                for (int c = 0; c < channels; c++) {
                    // a falling chain (fires on a prefix) pools by AND; rising, constant or never: by OR
                    or[c] = !(after.lower()[c] == Double.NEGATIVE_INFINITY && after.upper()[c] != Double.POSITIVE_INFINITY);
                }
            }
            return new Bounds(fires.lower(), fires.upper(), or);
        }
    }

    /** Steps {@code from..} then the decision, back to {@code [K, C]}. */
    private Tensor decide(Tensor x, int from, boolean linear) {
        Tensor t = x;
        for (int s = from; s < steps.size(); s++) {
            t = steps.get(s).apply().apply(t);
        }
        Tensor bits = decision.apply(t);
        return linear ? bits : bits.reshape(bits.size(0), bits.size(1));
    }

    private static Tensor shaped(Tensor x, boolean linear) {
        return linear ? x : x.reshape(x.size(0), x.size(1), 1, 1);
    }

    private static Tensor perChannel(Tensor p, Tensor like) {
        int[] shape = new int[like.dim()];
        java.util.Arrays.fill(shape, 1);
        shape[1] = p.numel();
        return p.reshape(shape);
    }

    /** A batch norm in evaluation, on copies of its constants (what {@link BatchNorm#forward} computes there). */
    private static UnaryOperator<Tensor> frozen(BatchNorm norm) {
        Tensor mean = norm.runningMean().copy();
        Tensor variance = norm.runningVar().copy();
        Var weight = Var.of(norm.weight().value().copy());
        Var bias = Var.of(norm.bias().value().copy());
        double eps = norm.eps();
        return t -> Functional.batchNorm(Var.of(t), mean, variance, weight, bias, false, 0, eps).value();
    }

    /** A fresh evaluation copy of the spike (the source keeps its mode, observers and perturbations). */
    private static UnaryOperator<Tensor> spikeOf(HoyerSpike spike) {
        HoyerSpike copy = new HoyerSpike(spike.channels(), spike.options(), spike.clip().dtype());
        copy.load(spike.stateDict());
        copy.eval();
        return t -> copy.forward(Var.of(t)).value();
    }
}
