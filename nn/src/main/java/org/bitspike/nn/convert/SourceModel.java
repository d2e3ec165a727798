package org.bitspike.nn.convert;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bitspike.autograd.Var;
import org.bitspike.nn.BatchNorm;
import org.bitspike.nn.Conv2d;
import org.bitspike.nn.Dropout;
import org.bitspike.nn.Layer;
import org.bitspike.nn.Layers;
import org.bitspike.nn.Linear;
import org.bitspike.nn.Sequential;
import org.bitspike.nn.binary.BinaryConv2d;
import org.bitspike.nn.binary.BinaryLayer;
import org.bitspike.nn.binary.BinaryLinear;
import org.bitspike.nn.binary.BinaryOptions;
import org.bitspike.nn.binary.Quantizer;
import org.bitspike.tensor.Convolution.ConvOptions;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.Tensor;

/**
 * A source ANN read as a list of {@link Stage}s, batch norm folded, or refused with the path of the layer that breaks a
 * rule. The source is not modified: weights are copied.
 */
final class SourceModel {
    private SourceModel() {
    }

    /**
     * One convolution or linear layer with batch norm folded in: the ANN's weight is {@code alpha[o] * kernel[o, ...]},
     * or {@code kernel} when {@code alpha} is null (a float layer). For a binary layer {@code kernel} is +-1.
     *
     * @param conv the convolution's options, null for a linear layer
     */
    record Weighted(String path, Tensor kernel, double[] alpha, ConvOptions conv) {
        boolean binary() {
            return alpha != null;
        }

        int outChannels() {
            return kernel.size(0);
        }

        int inChannels() {
            return kernel.size(1) * (conv == null ? 1 : conv.groups());
        }

        /** {@code kernel} times {@code factor[o]} per output channel, in the kernel's dtype. */
        Tensor scaled(double[] factor) {
            int[] shape = new int[kernel.dim()];
            Arrays.fill(shape, 1);
            shape[0] = factor.length;
            return kernel.mul(Tensor.of(factor, shape).to(kernel.dtype()));
        }

        /** The weight the ANN computes with: {@code alpha[o] kernel[o]}. */
        Tensor annWeight() {
            return alpha == null ? kernel : scaled(alpha);
        }

        /** The ANN's (or a converted) layer applied to {@code x} with {@code weight}. */
        Var apply(Var x, Tensor weight) {
            return conv == null ? x.matmul(Var.of(weight).t()) : x.conv2d(Var.of(weight), null, conv);
        }

        String expectedInput() {
            return conv == null ? "[N, " + inChannels() + "]" : "[N, " + inChannels() + ", H, W]";
        }
    }

    /**
     * A convolution or linear layer with the parameter-free layers before it ({@code before}: flatten, average pooling
     * of the previous stage's output) and after it ({@code after}: average pooling, flatten), feeding the ReLU named
     * {@code name} or, for the last stage ({@code spiking} false), the output.
     */
    record Stage(String name, List<Layer> before, Weighted weighted, List<Layer> after, boolean spiking) {
        /** The stage's ANN pre-activation for input {@code x} (the previous stage's ReLU output or the image). */
        Var annForward(Var x) {
            Var y = x;
            for (Layer l : before) {
                y = l.forward(y);
            }
            y = weighted.apply(y, weighted.annWeight());
            for (Layer l : after) {
                y = l.forward(y);
            }
            return y;
        }
    }

    /** What a leaf of the source is, for conversion. */
    private enum Kind {
        WEIGHTED, NORM, RELU, AVERAGE_POOL, FLATTEN, IDENTITY, MAX_POOL, OTHER
    }

    /** The stages of {@code model}: every stage but the last ends in a ReLU; the last feeds the output. */
    static List<Stage> read(Layer model) {
        if (model == null) {
            throw new IllegalArgumentException("convert: the model is null");
        }
        List<Map.Entry<String, Layer>> leaves = new ArrayList<>();
        collect(model, "", leaves);
        List<Stage> stages = new ArrayList<>();
        List<Layer> before = new ArrayList<>();
        List<Layer> after = new ArrayList<>();
        Weighted weighted = null;
        String previous = null;
        Kind previousKind = null;
        for (Map.Entry<String, Layer> e : leaves) {
            String path = e.getKey();
            Layer layer = e.getValue();
            Kind kind = kind(layer);
            switch (kind) {
                case WEIGHTED -> {
                    if (weighted != null) {
                        throw refuse(path, layer, "a second convolution or linear layer before any ReLU (the stage "
                                + "already has '" + weighted.path() + "'); a converted stage is one weighted layer "
                                + "feeding one ReLU, so that its scale lambda can be moved into its weights");
                    }
                    weighted = weighted(path, layer);
                }
                case NORM -> {
                    if (previousKind != Kind.WEIGHTED) {
                        throw refuse(path, layer, "batch norm must directly follow the convolution or linear layer it "
                                + "is folded into, but follows " + (previous == null ? "nothing" : "'" + previous + "'"));
                    }
                    weighted = fold(weighted, path, (BatchNorm) layer);
                }
                case RELU -> {
                    if (weighted == null) {
                        throw refuse(path, layer, "a ReLU without a convolution or linear layer before it in its stage "
                                + "(after " + (previous == null ? "nothing" : "'" + previous + "'") + ")");
                    }
                    stages.add(new Stage(path, List.copyOf(before), weighted, List.copyOf(after), true));
                    before.clear();
                    after.clear();
                    weighted = null;
                }
                case AVERAGE_POOL, FLATTEN -> (weighted == null ? before : after).add(layer);
                case IDENTITY -> {
                }
                case MAX_POOL -> throw refuse(path, layer, weighted == null && !stages.isEmpty()
                        ? "max pooling after the spike: the maximum of spike trains is not the spike train of the "
                            + "maximum rate, so rates no longer follow the ANN; use average pooling"
                        : "max pooling is not linear in the input current, so it cannot be folded into synapses; use "
                            + "average pooling");
                case OTHER -> throw refuse(path, layer, "unknown layer: only Sequential containers, bias-free Conv2d / "
                        + "Linear, XNOR-scaled BinaryConv2d / BinaryLinear with float inputs, ReLU, average pooling, "
                        + "flatten, dropout and foldable batch norm can be converted");
            }
            previous = path;
            previousKind = kind;
        }
        if (weighted == null) {
            throw new IllegalArgumentException("convert: the model must end with a convolution or linear layer (the "
                    + "output, read by the accumulator), but " + (leaves.isEmpty() ? "it has no layers"
                    : "ends with '" + previous + "' (" + firstLine(leaves.get(leaves.size() - 1).getValue()) + ")"));
        }
        stages.add(new Stage("output", List.copyOf(before), weighted, List.copyOf(after), false));
        return stages;
    }

    private static void collect(Layer layer, String path, List<Map.Entry<String, Layer>> out) {
        if (layer instanceof Sequential seq) {
            seq.children().forEach((name, child) -> collect(child, path.isEmpty() ? name : path + "." + name, out));
        } else if (layer instanceof Dropout) {
            return; // the identity at inference
        } else if (!layer.children().isEmpty()) {
            throw refuse(path, layer, "unknown container " + layer.getClass().getSimpleName() + ": only Sequential "
                    + "trees can be converted (residual sums are not supported)");
        } else {
            out.add(Map.entry(path.isEmpty() ? "(root)" : path, layer));
        }
    }

    /** The kind of a leaf: the weighted layers and batch norm by type, the parameter-free ones by their operation. */
    private static Kind kind(Layer layer) {
        if (layer instanceof Conv2d || layer instanceof Linear || layer instanceof BinaryConv2d
                || layer instanceof BinaryLinear) {
            return Kind.WEIGHTED;
        }
        if (layer instanceof BatchNorm) {
            return Kind.NORM;
        }
        return switch (Layers.operation(layer)) {
            case RELU -> Kind.RELU;
            case AVERAGE_POOL -> Kind.AVERAGE_POOL;
            case FLATTEN -> Kind.FLATTEN;
            case IDENTITY -> Kind.IDENTITY;
            case MAX_POOL -> Kind.MAX_POOL;
            case OTHER -> Kind.OTHER;
        };
    }

    private static Weighted weighted(String path, Layer layer) {
        if (layer instanceof Conv2d conv) {
            requireNoBias(path, layer, conv.bias());
            return new Weighted(path, conv.weight().value().copy(), null, conv.options());
        } else if (layer instanceof Linear linear) {
            requireNoBias(path, layer, linear.bias());
            return new Weighted(path, linear.weight().value().copy(), null, null);
        } else if (layer instanceof BinaryConv2d conv) {
            ConvOptions o = conv.options();
            boolean padded = o.padH() > 0 || o.padW() > 0;
            if (padded && conv.binaryOptions().padValue() != BinaryOptions.PadValue.ZERO) {
                throw refuse(path, layer, "padding with " + conv.binaryOptions().padValue() + " adds a constant "
                        + "border current, a bias in all but name; convert a layer padded with ZERO");
            }
            return binary(path, layer, conv, o);
        }
        return binary(path, layer, (BinaryLinear) layer, null);
    }

    private static Weighted binary(String path, Layer layer, BinaryLayer b, ConvOptions conv) {
        BinaryOptions o = b.binaryOptions();
        if (o.bias()) {
            throw refuse(path, layer, "it has a bias; conversion needs bias-free layers (Lu & Sengupta's rule)");
        }
        if (!(o.input() instanceof Quantizer.Identity)) {
            throw refuse(path, layer, "its input quantizer is " + o.input() + "; the source of a binary SNN keeps "
                    + "float ReLU activations (they become the spikes), so the input quantizer must be none");
        }
        if (o.kernel().outputs() != Quantizer.Outputs.SIGN) {
            throw refuse(path, layer, "its kernel quantizer " + o.kernel() + " outputs " + o.kernel().outputs()
                    + " values; +-1 synapses need a sign quantizer");
        }
        Tensor w = b.weight().value();
        Tensor kernel = o.kernel().apply(Var.of(w)).value().copy();
        double[] alpha = switch (o.scaling()) {
            case NONE -> ones(w.size(0));
            case PER_CHANNEL -> w.abs().mean(allButFirst(w.dim()), false).to(DType.FLOAT64).toDoubleArray();
            case LEARNED -> layer.namedParameters().get("scale").value().to(DType.FLOAT64).toDoubleArray();
        };
        requirePositive(path, layer, alpha, "scale alpha");
        return new Weighted(path, kernel, alpha, conv);
    }

    /**
     * {@code norm} (evaluation semantics: running statistics, whatever its mode) folded into {@code w}:
     * {@code k = gamma / sqrt(var + eps)} multiplies the weights of each output channel, and the shift
     * {@code beta - k mean} would be a bias, so it must be zero. A binary layer takes {@code k} into its scale
     * (a negative {@code k} flips the channel's signs).
     */
    private static Weighted fold(Weighted w, String path, BatchNorm norm) {
        double[] gamma = doubles(norm.weight().value());
        double[] beta = doubles(norm.bias().value());
        double[] mean = doubles(norm.runningMean());
        double[] var = doubles(norm.runningVar());
        if (gamma.length != w.outChannels()) {
            throw refuse(path, norm, "it normalises " + gamma.length + " channels but '" + w.path() + "' has "
                    + w.outChannels() + " outputs");
        }
        double[] k = new double[gamma.length];
        for (int o = 0; o < k.length; o++) {
            k[o] = gamma[o] / Math.sqrt(var[o] + norm.eps());
            double shift = beta[o] - k[o] * mean[o];
            double size = Math.max(1, Math.max(Math.abs(beta[o]), Math.abs(k[o] * mean[o])));
            if (!(Math.abs(shift) <= 1e-12 * size)) {
                throw refuse(path, norm, String.format("cannot be folded into '%s': channel %d leaves the bias "
                        + "beta - gamma mean / sqrt(var + eps) = %s (beta %s, gamma %s, mean %s, var %s), and the "
                        + "converter takes bias-free layers only; train without batch norm (or with a zero shift)",
                        w.path(), o, shift, beta[o], gamma[o], mean[o], var[o]));
            }
        }
        String folded = w.path() + " + " + path;
        if (!w.binary()) {
            return new Weighted(folded, w.scaled(k), null, w.conv());
        }
        double[] alpha = new double[k.length];
        double[] flip = new double[k.length];
        for (int o = 0; o < k.length; o++) {
            alpha[o] = Math.abs(w.alpha()[o] * k[o]);
            flip[o] = k[o] < 0 ? -1 : 1;
        }
        requirePositive(folded, norm, alpha, "scale alpha gamma / sqrt(var + eps)");
        return new Weighted(folded, w.scaled(flip), alpha, w.conv());
    }

    private static void requireNoBias(String path, Layer layer, Var bias) {
        if (bias != null) {
            throw refuse(path, layer, "it has a bias; conversion needs bias-free layers (Lu & Sengupta's rule: a bias "
                    + "is a constant current that rate coding does not scale with the threshold)");
        }
    }

    private static void requirePositive(String path, Layer layer, double[] alpha, String what) {
        for (int o = 0; o < alpha.length; o++) {
            if (!(alpha[o] > 0) || Double.isInfinite(alpha[o])) {
                throw refuse(path, layer, String.format("output channel %d has %s = %s; moving a scale into a "
                        + "threshold needs it positive and finite", o, what, alpha[o]));
            }
        }
    }

    static IllegalArgumentException refuse(String path, Layer layer, String why) {
        return new IllegalArgumentException("convert: cannot convert layer '" + path + "' (" + firstLine(layer) + "): "
                + why);
    }

    static String firstLine(Layer layer) {
        String s = layer.toString().trim();
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static double[] doubles(Tensor t) {
        return t.to(DType.FLOAT64).toDoubleArray();
    }

    private static double[] ones(int n) {
        double[] a = new double[n];
        Arrays.fill(a, 1);
        return a;
    }

    private static int[] allButFirst(int rank) {
        int[] dims = new int[rank - 1];
        for (int i = 1; i < rank; i++) {
            dims[i - 1] = i;
        }
        return dims;
    }
}
