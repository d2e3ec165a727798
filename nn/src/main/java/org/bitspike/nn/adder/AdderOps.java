package org.bitspike.nn.adder;

import org.bitspike.autograd.Context;
import org.bitspike.autograd.Function;
import org.bitspike.autograd.Var;
import org.bitspike.tensor.Adder;
import org.bitspike.tensor.AdderInputGradient;
import org.bitspike.tensor.AdderWeightGradient;
import org.bitspike.tensor.Convolution.ConvOptions;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.Tensor;

/**
 * The adder ops on {@link Var}s, each an autograd {@link Function} over the fused kernels of
 * {@link Adder}: the forward never materialises a broadcast difference tensor, and the backward runs the
 * {@link AdderRules} chosen. The backward is itself recorded as an op that declares its inputs
 * non-differentiable, so asking for a second-order gradient raises "no gradient for adderConv2d backward
 * ..." instead of returning zeros.
 */
public final class AdderOps {
    private AdderOps() {
    }

    /**
     * {@code y[N, Cout, OH, OW] = -sum_{c, kh, kw} |x_patch - w|} ({@link Adder#conv2d}), differentiable to first
     * order in {@code x} and {@code weight} under {@code rules}.
     */
    public static Var conv2d(Var x, Var weight, ConvOptions options, AdderRules rules) {
        require("adderConv2d", x, weight, options, rules);
        return new Forward("adderConv2d", conv(options), rules).apply(x, weight);
    }

    /** {@code y[N, O] = -sum_k |x[N, k] - w[O, k]|} ({@link Adder#linear}), first order under {@code rules}. */
    public static Var linear(Var x, Var weight, AdderRules rules) {
        require("adderLinear", x, weight, ConvOptions.DEFAULT, rules);
        return new Forward("adderLinear", LINEAR, rules).apply(x, weight);
    }

    private static void require(String op, Var x, Var weight, ConvOptions options, AdderRules rules) {
        if (x == null || weight == null || options == null || rules == null) {
            throw new IllegalArgumentException(op + ": input (" + x + "), weight (" + weight + "), options ("
                    + options + ") and rules (" + rules + ") must be non-null");
        }
    }

    /** The weight gradient rescaled to the norm {@code eta * sqrt(k)} when the rules ask for it (digest 6.3). */
    static Tensor scaled(Tensor gradWeight, AdderRules rules) {
        if (!rules.scales()) {
            return gradWeight;
        }
        Tensor wide = gradWeight.to(DType.FLOAT64); // the norm of a FLOAT32 gradient, summed in double
        double norm = Math.sqrt(wide.mul(wide).sum().itemDouble());
        if (norm == 0) {
            return gradWeight; // nothing to scale; never 0/0
        }
        return gradWeight.mul(rules.eta() * Math.sqrt(gradWeight.numel()) / norm);
    }

    /** The three kernels of one adder op (the convolution's, with its options, or the fully connected layer's). */
    private interface Kernels {
        Tensor forward(Tensor x, Tensor w);

        Tensor input(Tensor grad, Tensor x, Tensor w, AdderInputGradient rule);

        Tensor weight(Tensor grad, Tensor x, Tensor w, AdderWeightGradient rule);
    }

    private static Kernels conv(ConvOptions options) {
        return new Kernels() {
            @Override
            public Tensor forward(Tensor x, Tensor w) {
                return Adder.conv2d(x, w, options);
            }

            @Override
            public Tensor input(Tensor grad, Tensor x, Tensor w, AdderInputGradient rule) {
                return Adder.conv2dBackwardInput(grad, x, w, rule, options);
            }

            @Override
            public Tensor weight(Tensor grad, Tensor x, Tensor w, AdderWeightGradient rule) {
                return Adder.conv2dBackwardWeight(grad, x, w, rule, options);
            }
        };
    }

    private static final Kernels LINEAR = new Kernels() {
        @Override
        public Tensor forward(Tensor x, Tensor w) {
            return Adder.linear(x, w);
        }

        @Override
        public Tensor input(Tensor grad, Tensor x, Tensor w, AdderInputGradient rule) {
            return Adder.linearBackwardInput(grad, x, w, rule);
        }

        @Override
        public Tensor weight(Tensor grad, Tensor x, Tensor w, AdderWeightGradient rule) {
            return Adder.linearBackwardWeight(grad, x, w, rule);
        }
    };

    /** The forward of an adder op; its backward is two {@link Backward}s. */
    private static final class Forward extends Function {
        private final String name;
        private final Kernels kernels;
        private final AdderRules rules;

        Forward(String name, Kernels kernels, AdderRules rules) {
            this.name = name;
            this.kernels = kernels;
            this.rules = rules;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String inputName(int i) {
            return i == 0 ? "input" : "weight";
        }

        @Override
        protected Tensor forward(Context ctx, Tensor... in) {
            ctx.saveInputs(0, 1);
            return kernels.forward(in[0], in[1]);
        }

        @Override
        protected Var[] backward(Context ctx, Var grad) {
            Var x = ctx.input(0);
            Var w = ctx.input(1);
            Var dx = ctx.needsInputGrad(0) ? new Backward(name, kernels, rules, true).apply(grad, x, w) : null;
            Var dw = ctx.needsInputGrad(1) ? new Backward(name, kernels, rules, false).apply(grad, x, w) : null;
            return new Var[] {dx, dw};
        }
    }

    /** One gradient of a {@link Forward}, recorded as an op without gradient of its own. */
    private static final class Backward extends Function {
        private final String op;
        private final Kernels kernels;
        private final AdderRules rules;
        private final boolean ofInput;

        Backward(String op, Kernels kernels, AdderRules rules, boolean ofInput) {
            this.op = op;
            this.kernels = kernels;
            this.rules = rules;
            this.ofInput = ofInput;
        }

        @Override
        public String name() {
            return op + " backward (" + (ofInput ? "input" : "weight") + " gradient, " + rules + ")";
        }

        @Override
        public String inputName(int i) {
            return switch (i) {
                case 0 -> "output gradient";
                case 1 -> "input";
                default -> "weight";
            };
        }

        @Override
        public boolean isNonDifferentiable(int i) {
            return true; // NOTE: first order only, by design: the rules are not derivatives of the forward
        }

        @Override
        protected Tensor forward(Context ctx, Tensor... in) {
            return ofInput ? kernels.input(in[0], in[1], in[2], rules.input())
                    : scaled(kernels.weight(in[0], in[1], in[2], rules.weight()), rules);
        }

        @Override
        protected Var[] backward(Context ctx, Var grad) {
            throw new IllegalStateException("unreachable: every input is declared non-differentiable");
        }
    }
}
