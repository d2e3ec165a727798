package org.bitspike.nn.deploy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.bitspike.autograd.Var;
import org.bitspike.nn.BatchNorm;
import org.bitspike.nn.Conv2d;
import org.bitspike.nn.Functional;
import org.bitspike.nn.Layer;
import org.bitspike.nn.Layers;
import org.bitspike.nn.Layers.Operation;
import org.bitspike.nn.Linear;
import org.bitspike.nn.Pooling;
import org.bitspike.nn.accounting.OpCounts;
import org.bitspike.nn.accounting.OpKind;
import org.bitspike.nn.adder.AdderConv2d;
import org.bitspike.nn.adder.AdderLinear;
import org.bitspike.tensor.Adder;
import org.bitspike.tensor.Convolution.ConvOptions;
import org.bitspike.tensor.Convolution.PoolOptions;
import org.bitspike.tensor.Normalization.Activation;
import org.bitspike.tensor.Tensor;

/**
 * One layer of a float section, on copies of its constants, computed by the very calls the source
 * layer makes in evaluation (so its outputs are the source's, bit for bit), and saved as tensors plus
 * a one-line configuration.
 */
sealed interface DenseOp {

    Var apply(Var x);

    /** The constants, by short name. */
    Map<String, Tensor> tensors();

    /** The operations one call executed, from its input and output shapes (the accounting's kinds). */
    OpCounts cost(int[] in, int[] out);

    /** {@code kind} or {@code kind:arguments}, what {@link #of(String, Map)} reads back. */
    String config();

    /** The float-section form of a source layer; null when the layer is not one of the supported kinds. */
    static DenseOp from(Layer layer) {
        if (layer instanceof Conv2d c) {
            return new Conv(c.weight().value().copy(), c.bias() == null ? null : c.bias().value().copy(), c.options());
        }
        if (layer instanceof Linear l) {
            return new Dense(l.weight().value().copy(), l.bias() == null ? null : l.bias().value().copy());
        }
        if (layer instanceof BatchNorm n) {
            return new Norm(n.weight().value().copy(), n.bias().value().copy(), n.runningMean().copy(),
                    n.runningVar().copy(), n.eps(), false);
        }
        if (layer instanceof AdderConv2d a) {
            return new AdderConv(a.weight().value().copy(), a.options());
        }
        if (layer instanceof AdderLinear a) {
            return new AdderDense(a.weight().value().copy());
        }
        Operation op = Layers.operation(layer);
        if (op == Operation.RELU) {
            return new Relu();
        }
        if (op == Operation.FLATTEN && layer.toString().startsWith("Flatten(1)")) {
            return new Flatten();
        }
        if (op == Operation.MAX_POOL) {
            return new MaxPool(Pooling.options(layer));
        }
        return null;
    }

    /**
     * Reads a saved op back.
     *
     * @throws IllegalArgumentException naming the configuration when it is unknown or its tensors are missing
     */
    static DenseOp of(String config, Map<String, Tensor> t) {
        String[] parts = config.split(":", 2);
        String args = parts.length > 1 ? parts[1] : "";
        return switch (parts[0]) {
            case "conv2d" -> {
                int[] a = ints(config, args, 7);
                yield new Conv(need(t, "weight", config), t.get("bias"),
                        new ConvOptions(a[0], a[1], a[2], a[3], a[4], a[5], a[6]));
            }
            case "linear" -> new Dense(need(t, "weight", config), t.get("bias"));
            case "adder2d" -> {
                int[] a = ints(config, args, 7);
                yield new AdderConv(need(t, "weight", config), new ConvOptions(a[0], a[1], a[2], a[3], a[4], a[5], a[6]));
            }
            case "adderlinear" -> new AdderDense(need(t, "weight", config));
            case "batchnorm", "batchnorm+relu" -> new Norm(need(t, "weight", config), need(t, "bias", config),
                    need(t, "mean", config), need(t, "var", config), eps(config, args), parts[0].endsWith("relu"));
            case "relu" -> new Relu();
            case "flatten" -> new Flatten();
            case "maxpool" -> {
                int[] a = ints(config, args, 8);
                yield new MaxPool(new PoolOptions(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]));
            }
            default -> throw new IllegalArgumentException("unknown float layer '" + config + "'");
        };
    }

    private static Tensor need(Map<String, Tensor> t, String name, String config) {
        Tensor v = t.get(name);
        if (v == null) {
            throw new IllegalArgumentException("float layer '" + config + "' has no tensor '" + name + "'");
        }
        return v;
    }

    private static int[] ints(String config, String csv, int length) {
        try {
            String[] s = csv.split(",");
            int[] out = new int[s.length];
            for (int i = 0; i < s.length; i++) {
                out[i] = Integer.parseInt(s[i].trim());
            }
            if (out.length != length) {
                throw new IllegalArgumentException("float layer '" + config + "' has " + out.length + " arguments, "
                        + "expected " + length);
            }
            return out;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("float layer '" + config + "': bad number in its arguments", e);
        }
    }

    private static double eps(String config, String text) {
        try {
            double eps = Double.parseDouble(text);
            if (!(eps > 0)) {
                throw new IllegalArgumentException("float layer '" + config + "': eps must be positive");
            }
            return eps;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("float layer '" + config + "': eps is not a number", e);
        }
    }

    static long numel(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    private static Map<String, Tensor> named(Object... nameValue) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (int i = 0; i < nameValue.length; i += 2) {
            if (nameValue[i + 1] != null) {
                m.put((String) nameValue[i], (Tensor) nameValue[i + 1]);
            }
        }
        return m;
    }

    /** {@code Conv2d}'s evaluation forward. */
    record Conv(Tensor weight, Tensor bias, ConvOptions o) implements DenseOp {
        @Override
        public Var apply(Var x) {
            return x.conv2d(Var.of(weight), bias == null ? null : Var.of(bias), o);
        }

        @Override
        public Map<String, Tensor> tensors() {
            return named("weight", weight, "bias", bias);
        }

        @Override
        public OpCounts cost(int[] in, int[] out) {
            long macs = numel(out) * weight.size(1) * weight.size(2) * weight.size(3);
            return OpCounts.of(OpKind.MAC, macs).with(OpKind.FLOP, bias == null ? 0 : numel(out));
        }

        @Override
        public String config() {
            return String.format("conv2d:%d,%d,%d,%d,%d,%d,%d", o.strideH(), o.strideW(), o.padH(), o.padW(),
                    o.dilationH(), o.dilationW(), o.groups());
        }
    }

    /** {@code Linear}'s evaluation forward. */
    record Dense(Tensor weight, Tensor bias) implements DenseOp {
        @Override
        public Var apply(Var x) {
            return Functional.linear(x, Var.of(weight), bias == null ? null : Var.of(bias));
        }

        @Override
        public Map<String, Tensor> tensors() {
            return named("weight", weight, "bias", bias);
        }

        @Override
        public OpCounts cost(int[] in, int[] out) {
            long macs = numel(out) * weight.size(1);
            return OpCounts.of(OpKind.MAC, macs).with(OpKind.FLOP, bias == null ? 0 : numel(out));
        }

        @Override
        public String config() {
            return "linear";
        }
    }

    /**
     * {@code BatchNorm}'s evaluation forward (running statistics), with the ReLU that follows it fused
     * when {@code relu} (as {@code Sequential} runs a batch norm and its ReLU: one pass, the same values).
     */
    record Norm(Tensor weight, Tensor bias, Tensor mean, Tensor var, double eps, boolean relu) implements DenseOp {
        @Override
        public Var apply(Var x) {
            return Functional.batchNorm(x, mean, var, Var.of(weight), Var.of(bias), false, 0, eps,
                    relu ? Activation.RELU : Activation.IDENTITY);
        }

        /** This norm with the following ReLU fused in. */
        Norm withRelu() {
            return new Norm(weight, bias, mean, var, eps, true);
        }

        @Override
        public Map<String, Tensor> tensors() {
            return named("weight", weight, "bias", bias, "mean", mean, "var", var);
        }

        @Override
        public OpCounts cost(int[] in, int[] out) {
            return OpCounts.of(OpKind.FLOP, (relu ? 3 : 2) * numel(out));
        }

        @Override
        public String config() {
            return (relu ? "batchnorm+relu:" : "batchnorm:") + eps;
        }
    }

    /**
     * {@code AdderConv2d}'s evaluation forward: the adder kernel of training ({@code Adder.conv2d}); the
     * batch norm and ReLU after it are the next op, one fused pass.
     */
    record AdderConv(Tensor weight, ConvOptions o) implements DenseOp {
        @Override
        public Var apply(Var x) {
            return Var.of(Adder.conv2d(x.value(), weight, o));
        }

        @Override
        public Map<String, Tensor> tensors() {
            return named("weight", weight);
        }

        @Override
        public OpCounts cost(int[] in, int[] out) {
            return OpCounts.of(OpKind.ADD, 2 * numel(out) * weight.size(1) * weight.size(2) * weight.size(3));
        }

        @Override
        public String config() {
            return String.format("adder2d:%d,%d,%d,%d,%d,%d,%d", o.strideH(), o.strideW(), o.padH(), o.padW(),
                    o.dilationH(), o.dilationW(), o.groups());
        }
    }

    /** {@code AdderLinear}'s evaluation forward ({@code Adder.linear}). */
    record AdderDense(Tensor weight) implements DenseOp {
        @Override
        public Var apply(Var x) {
            return Var.of(Adder.linear(x.value(), weight));
        }

        @Override
        public Map<String, Tensor> tensors() {
            return named("weight", weight);
        }

        @Override
        public OpCounts cost(int[] in, int[] out) {
            return OpCounts.of(OpKind.ADD, 2 * numel(out) * weight.size(1));
        }

        @Override
        public String config() {
            return "adderlinear";
        }
    }

    record Relu() implements DenseOp {
        @Override
        public Var apply(Var x) {
            return x.relu();
        }

        @Override
        public Map<String, Tensor> tensors() {
            return Map.of();
        }

        @Override
        public OpCounts cost(int[] in, int[] out) {
            return OpCounts.of(OpKind.FLOP, numel(out));
        }

        @Override
        public String config() {
            return "relu";
        }
    }

    record Flatten() implements DenseOp {
        @Override
        public Var apply(Var x) {
            return x.flatten(1, x.dim() - 1);
        }

        @Override
        public Map<String, Tensor> tensors() {
            return Map.of();
        }

        @Override
        public OpCounts cost(int[] in, int[] out) {
            return OpCounts.ZERO;
        }

        @Override
        public String config() {
            return "flatten";
        }
    }

    record MaxPool(PoolOptions o) implements DenseOp {
        @Override
        public Var apply(Var x) {
            return x.maxPool2d(o);
        }

        @Override
        public Map<String, Tensor> tensors() {
            return Map.of();
        }

        @Override
        public OpCounts cost(int[] in, int[] out) {
            return OpCounts.of(OpKind.FLOP, numel(out) * (o.kH() * o.kW() - 1));
        }

        @Override
        public String config() {
            return String.format("maxpool:%d,%d,%d,%d,%d,%d,%d,%d", o.kH(), o.kW(), o.strideH(), o.strideW(), o.padH(),
                    o.padW(), o.dilationH(), o.dilationW());
        }
    }
}
