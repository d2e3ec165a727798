package org.bitspike.nn.deploy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.bitspike.nn.BatchNorm;
import org.bitspike.nn.Conv2d;
import org.bitspike.nn.Dropout;
import org.bitspike.nn.Layer;
import org.bitspike.nn.Layers;
import org.bitspike.nn.Layers.Operation;
import org.bitspike.nn.Linear;
import org.bitspike.nn.Pooling;
import org.bitspike.nn.Sequential;
import org.bitspike.nn.binary.BinaryConv2d;
import org.bitspike.nn.binary.BinaryLinear;
import org.bitspike.nn.binary.LearnableShift;
import org.bitspike.nn.binary.Quantizer;
import org.bitspike.nn.models.ResidualBlock;
import org.bitspike.nn.spiking.HoyerSpike;
import org.bitspike.tensor.BitTensor.Encoding;
import org.bitspike.tensor.Convolution.ConvOptions;
import org.bitspike.tensor.Convolution.PoolOptions;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.PackedOps;
import org.bitspike.tensor.Tensor;

/**
 * Turns a trained binary or spiking model into its packed inference form ({@link DeployedModel}).
 *
 * <p>The model's layers are read in order (nested {@link Sequential}s flattened, dropout and identity
 * dropped, as in evaluation). From the first decision on (a binary layer's sign quantizer or a
 * {@link HoyerSpike}, see the package comment) activations stay packed:
 * <ul>
 *   <li>a {@link BinaryConv2d} or {@link BinaryLinear} with a sign input quantizer and a +-1 kernel
 *       runs as an XNOR-popcount convolution on a SIGN map (its pad value honoured);</li>
 *   <li>a {@link Conv2d} or {@link Linear} on a SPIKE map runs as a spike-event convolution;</li>
 *   <li>a linear layer after a flatten is a convolution whose kernel covers the whole map (the NCHW
 *       flatten order is the kernel's own);</li>
 *   <li>the chain from such an accumulation to the next decision (the layer's alpha and bias, a max
 *       pool, batch norm, a learnable shift, then the quantizer or spike) becomes the fused bounds of
 *       the convolution and, for a pool inside the chain, a packed pool (OR where the rest of the
 *       chain rises, AND where it falls);</li>
 *   <li>where no decision follows (the classifier), the accumulation is turned back into the float
 *       values the source computes and the rest runs as float sections.</li>
 * </ul>
 * Float sections (the first layer, the classifier) run as {@link DenseOp}s: copies of the source layers computed by the calls the source makes.
 *
 * <p>Exactness: binary paths are exact (integer accumulations, bounds found on the chain itself), so a
 * deployed binary network gives the source's evaluation outputs bit for bit. A spike-event
 * convolution sums float weights in its own order (taps, then channels), not the float convolution's,
 * so a potential within the rounding of the sum from a threshold may fire differently.
 */
public final class Deploy {
    private Deploy() {
    }

    /** A leaf layer and its path in the source. */
    private record Leaf(String path, Layer layer) {
    }

    /**
     * The deployed form of {@code model} for inputs {@code [N, inputShape...]} ({@code [C, H, W]}).
     * {@code model} is not modified (not even its mode).
     *
     * @throws IllegalArgumentException naming the layer's path for what cannot be deployed: FLOAT64
     *     parameters, residual blocks (a float map between binary layers), a binary layer whose
     *     quantized kernel is not +-1 or whose input is not a sign, a non-monotone layer between an
     *     accumulation and its decision, shapes that do not chain
     */
    public static DeployedModel deploy(Layer model, int... inputShape) {
        Objects.requireNonNull(model, "deploy: model is null");
        if (inputShape.length != 3 || Arrays.stream(inputShape).anyMatch(s -> s <= 0)) {
            throw new IllegalArgumentException("deploy: input shape must be [C, H, W] with positive sizes, got "
                    + Arrays.toString(inputShape));
        }
        List<Leaf> leaves = new ArrayList<>();
        flatten(model, "", leaves);
        return new Planner(leaves, inputShape.clone()).plan(model);
    }

    private static void flatten(Layer layer, String path, List<Leaf> out) {
        if (layer instanceof Sequential seq) {
            for (Map.Entry<String, Layer> e : seq.children().entrySet()) {
                flatten(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey(), out);
            }
            return;
        }
        if (layer instanceof ResidualBlock) {
            throw new IllegalArgumentException("deploy: cannot deploy the residual block at '" + path + "': its shortcut "
                    + "carries a float map around the binary layers (Bi-Real / ReActNet); the packed path needs a "
                    + "decision between every two accumulating layers");
        }
        if (layer.parameters().stream().anyMatch(p -> p.dtype() != DType.FLOAT32)) {
            throw new IllegalArgumentException("deploy: layer '" + path + "' (" + layer + ") has non-FLOAT32 parameters;"
                    + " deployment is for FLOAT32 models");
        }
        if (layer instanceof Dropout || Layers.operation(layer) == Operation.IDENTITY) {
            return;
        }
        out.add(new Leaf(path, layer));
    }

    /** Walks the leaves once, tracking the activation's kind and shape. */
    private static final class Planner {
        private final List<Leaf> leaves;
        private final int[] inputShape;
        private final List<Stage> stages = new ArrayList<>();
        private final List<Leaf> dense = new ArrayList<>();
        /** Per-image shape: [C, H, W] (a vector is [C, 1, 1] with {@link #vector} set). */
        private int[] shape;
        private boolean vector;
        /** The encoding of the packed map, or null while activations are floats. */
        private Encoding packed;

        Planner(List<Leaf> leaves, int[] inputShape) {
            this.leaves = leaves;
            this.inputShape = inputShape;
            this.shape = inputShape.clone();
        }

        DeployedModel plan(Layer model) {
            int i = 0;
            while (i < leaves.size()) {
                Leaf leaf = leaves.get(i);
                if (packed == null) {
                    Chain chain = accumulates(leaf.layer()) ? Chain.after(i, this::layerAt, this::pathAt) : null;
                    dense.add(leaf);
                    shape = Shapes.after(leaf.path(), leaf.layer(), shape);
                    Operation op = Layers.operation(leaf.layer());
                    if (leaf.layer() instanceof Linear || leaf.layer() instanceof BinaryLinear || op == Operation.FLATTEN) {
                        vector = true;
                    } else if (leaf.layer() instanceof Conv2d || leaf.layer() instanceof BinaryConv2d) {
                        vector = false;
                    }
                    if (chain != null && chain.decision() != null) {
                        flushDense();
                        Bounds b = chain.bounds(leaf.path(), shape[0], vector, null, null);
                        stages.add(new Stage.Pack(chain.describe(), b.floatLower(), b.floatUpper(), chain.encoding()));
                        if (vector && chain.pool() != null) {
                            throw new IllegalArgumentException("deploy: '" + chain.poolPath() + "' pools a vector");
                        }
                        poolStage(chain, b);
                        packed = chain.encoding();
                        i = chain.end();
                        continue;
                    }
                    i++;
                    continue;
                }
                Operation op = Layers.operation(leaf.layer());
                boolean flattened = op == Operation.FLATTEN;
                Leaf acc = flattened && i + 1 < leaves.size() ? leaves.get(i + 1) : leaf;
                if (flattened && !(acc.layer() instanceof Linear || acc.layer() instanceof BinaryLinear)) {
                    stages.add(new Stage.Unpack(false));
                    packed = null;
                    continue;
                }
                if (op == Operation.MAX_POOL) {
                    PoolOptions o = Pooling.options(leaf.layer());
                    stages.add(new Stage.Pool(leaf.path(), o, allTrue(shape[0])));
                    shape = Shapes.pooled(leaf.path(), shape, o);
                    i++;
                    continue;
                }
                int next = flattened ? i + 2 : i + 1;
                if (packed == Encoding.SIGN && isXnor(acc.layer()) || packed == Encoding.SPIKE && isFloat(acc.layer())) {
                    Chain chain = Chain.after(next - 1, this::layerAt, this::pathAt);
                    if (chain.decision() == null && packed == Encoding.SPIKE) {
                        // NOTE: the classifier on spikes runs as the source's float layer on the unpacked
                        // spikes: the same sums in the same order, so the logits are exact given the spikes
                        // (a spike-event sum would round differently, and it is a small layer).
                        stages.add(new Stage.Unpack(vector));
                        packed = null;
                        continue;
                    }
                    packedAccumulation(acc, chain);
                    i = chain.decision() != null ? chain.end() : next;
                    continue;
                }
                stages.add(new Stage.Unpack(vector));
                packed = null;
            }
            flushDense();
            if (packed != null) {
                stages.add(new Stage.Unpack(vector));
            }
            return new DeployedModel(model.toString(), inputShape, stages);
        }

        private Layer layerAt(int index) {
            return index < leaves.size() ? leaves.get(index).layer() : null;
        }

        private String pathAt(int index) {
            return leaves.get(index).path();
        }

        /** One XNOR or spike convolution on the packed map, with its chain. */
        private void packedAccumulation(Leaf acc, Chain chain) {
            Layer layer = acc.layer();
            boolean linear = layer instanceof Linear || layer instanceof BinaryLinear;
            Tensor w = linear ? Shapes.linearKernel(acc.path(), layer, shape) : weightOf(layer);
            ConvOptions options = linear ? ConvOptions.DEFAULT : convOptions(layer);
            int[] out = linear ? new int[] {w.size(0), 1, 1} : Shapes.conv(acc.path(), shape, w, options);
            Tensor scale = layer instanceof BinaryConv2d c ? c.outputScale() : layer instanceof BinaryLinear l
                    ? l.outputScale() : null;
            Tensor bias = biasOf(layer);
            boolean xnor = packed == Encoding.SIGN;
            if (chain.decision() == null) {
                stages.add(new Stage.Xnor(acc.path(), PackedOps.packXnorWeights(Shapes.binaryKernel(acc.path(), layer,
                        shape)), options, Shapes.padValue(layer), null, null, null, copy(scale), copy(bias), linear));
                packed = null;
                shape = out;
                vector = linear;
                return;
            }
            Bounds b = chain.bounds(acc.path(), out[0], linear, scale, bias);
            if (xnor) {
                stages.add(new Stage.Xnor(acc.path() + " -> " + chain.describe(),
                        PackedOps.packXnorWeights(Shapes.binaryKernel(acc.path(), layer, shape)), options, Shapes.padValue(layer), b.intLower(),
                        b.intUpper(), chain.encoding(), null, null, linear));
            } else {
                stages.add(new Stage.Spike(acc.path() + " -> " + chain.describe(), PackedOps.spikeWeights(w), options,
                        b.floatLower(), b.floatUpper(), chain.encoding()));
            }
            shape = out;
            vector = linear;
            poolStage(chain, b);
            packed = chain.encoding();
        }

        private void poolStage(Chain chain, Bounds b) {
            if (chain.pool() != null) {
                stages.add(new Stage.Pool(chain.poolPath(), chain.pool(), b.orChannels()));
                shape = Shapes.pooled(chain.poolPath(), shape, chain.pool());
            }
        }

        private void flushDense() {
            if (dense.isEmpty()) {
                return;
            }
            List<DenseOp> ops = new ArrayList<>();
            for (Leaf leaf : dense) {
                DenseOp op = DenseOp.from(leaf.layer());
                if (op == null) {
                    throw new IllegalArgumentException("deploy: cannot run '" + leaf.path() + "' (" + leaf.layer()
                            + ") in a float section: supported there are Conv2d, Linear, AdderConv2d, AdderLinear, BatchNorm, ReLU, max pooling "
                            + "and flatten; packed, binary layers with a sign input and float layers on spikes");
                }
                if (op instanceof DenseOp.Relu && !ops.isEmpty() && ops.get(ops.size() - 1) instanceof DenseOp.Norm norm
                        && !norm.relu()) {
                    ops.set(ops.size() - 1, norm.withRelu());
                    continue;
                }
                ops.add(op);
            }
            String what = dense.get(0).path() + (dense.size() > 1 ? " .. " + dense.get(dense.size() - 1).path() : "");
            stages.add(new Stage.Dense(what, ops));
            dense.clear();
        }
    }

    static boolean accumulates(Layer layer) {
        return layer instanceof Conv2d || layer instanceof Linear || layer instanceof BinaryConv2d
                || layer instanceof BinaryLinear;
    }

    static boolean isFloat(Layer layer) {
        return layer instanceof Conv2d || layer instanceof Linear;
    }

    /** A binary layer whose input is a sign: the packed SIGN map it reads is exactly its quantized input. */
    static boolean isXnor(Layer layer) {
        Quantizer input = layer instanceof BinaryConv2d c ? c.binaryOptions().input()
                : layer instanceof BinaryLinear l ? l.binaryOptions().input() : null;
        return input != null && input.outputs() == Quantizer.Outputs.SIGN;
    }

    private static Tensor weightOf(Layer layer) {
        return layer instanceof Conv2d c ? c.weight().value() : ((BinaryConv2d) layer).weight().value();
    }

    private static ConvOptions convOptions(Layer layer) {
        return layer instanceof Conv2d c ? c.options() : ((BinaryConv2d) layer).options();
    }

    private static Tensor biasOf(Layer layer) {
        var bias = layer instanceof Conv2d c ? c.bias() : layer instanceof Linear l ? l.bias()
                : layer instanceof BinaryConv2d b ? b.bias() : layer instanceof BinaryLinear bl ? bl.bias() : null;
        return bias == null ? null : bias.value();
    }

    private static Tensor copy(Tensor t) {
        return t == null ? null : t.copy();
    }

    private static boolean[] allTrue(int n) {
        boolean[] b = new boolean[n];
        Arrays.fill(b, true);
        return b;
    }

    static boolean isNorm(Layer layer) {
        return layer instanceof BatchNorm;
    }

    static boolean isShift(Layer layer) {
        return layer instanceof LearnableShift;
    }

    static boolean isSpike(Layer layer) {
        return layer instanceof HoyerSpike;
    }
}
