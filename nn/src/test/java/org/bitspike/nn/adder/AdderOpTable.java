package org.bitspike.nn.adder;

import java.util.ArrayList;
import java.util.List;
import org.bitspike.autograd.Autograd;
import org.bitspike.autograd.Context;
import org.bitspike.autograd.Function;
import org.bitspike.autograd.GradMode;
import org.bitspike.autograd.GradOptions;
import org.bitspike.autograd.Var;
import org.bitspike.tensor.AdderInputGradient;
import org.bitspike.tensor.AdderWeightGradient;
import org.bitspike.tensor.Convolution.ConvOptions;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.Tensor;
import org.bitspike.testing.Dice;
import org.bitspike.testing.Domain;
import org.bitspike.testing.Nd;
import org.bitspike.testing.OpSpec;
import org.bitspike.testing.OpSpec.Checks;
import org.bitspike.testing.OpSpec.Sample;

/**
 * The op table of {@code nn/adder}, held to the public {@code OpContract} by {@link AdderOpTableTest}.
 *
 * <ul>
 *   <li>{@code adderConv2d EXACT}, {@code adderLinear EXACT}: the ops with the exact subgradient rules, forward
 *       against the naive {@code -sum |x - w|} and both gradients against finite differences of the forward;</li>
 *   <li>{@code adderConv2d <rule> as d/d<input> of <smooth form>}: AdderNet's rules are not derivatives of the
 *       layer, but each is the exact gradient of a named smooth form of it: HardTanh(w - x) of
 *       {@code -sum huber(x - w)}, identity w - x of {@code -sum (x - w)^2 / 2} (input side), full precision
 *       x - w of {@code -sum (x - w)^2 / 2} (weight side). Each spec's forward is that smooth form (naive,
 *       double) and its backward the adder op's backward under the rule, the other operand held constant, so
 *       the gradient check proves the rule is what it claims, wiring included (the op's argument order,
 *       padding, stride, dilation).</li>
 * </ul>
 * Second order is refused by the ops (their backward declares no gradient), so no spec checks it.
 */
final class AdderOpTable {
    private AdderOpTable() {
    }

    /** The value of one tap as a function of d = x - w: the layer's, or a smooth form's. */
    enum Form {
        ABS {
            @Override
            double term(double d) {
                return -Math.abs(d);
            }
        },
        HUBER {
            @Override
            double term(double d) {
                double a = Math.abs(d);
                return -(a <= 1 ? d * d / 2 : a - 0.5);
            }
        },
        SQUARE {
            @Override
            double term(double d) {
                return -d * d / 2;
            }
        };

        abstract double term(double d);
    }

    static List<OpSpec<?>> specs() {
        List<OpSpec<?>> specs = new ArrayList<>();
        specs.add(exactConv());
        specs.add(exactLinear());
        specs.add(ruleConv("HARDTANH as d/dinput of -sum huber(x - w)", AdderRules.EXACT.withInput(AdderInputGradient.HARDTANH),
                Form.HUBER, 0));
        specs.add(ruleConv("IDENTITY as d/dinput of -sum (x - w)^2 / 2", AdderRules.EXACT.withInput(AdderInputGradient.IDENTITY),
                Form.SQUARE, 0));
        specs.add(ruleConv("FULL_PRECISION as d/dweight of -sum (x - w)^2 / 2",
                AdderRules.EXACT.withWeight(AdderWeightGradient.FULL_PRECISION), Form.SQUARE, 1));
        return specs;
    }

    private static OpSpec<ConvOptions> exactConv() {
        return OpSpec.<ConvOptions>of("adderConv2d EXACT", List.of(Domain.REAL),
                AdderOpTable::convSample,
                (x, o) -> AdderOps.conv2d(x[0], x[1], o, AdderRules.EXACT),
                (x, o) -> naiveConv(x[0], x[1], o, Form.ABS))
                .with(Checks.DEFAULT.withoutSecondOrder())
                .bad("weight [3, 3, 1, 1] for 2 input channels", () -> AdderOps.conv2d(full(1, 2, 4, 4), full(3, 3, 1, 1),
                        ConvOptions.DEFAULT, AdderRules.EXACT), "adderConv2d", "[1, 2, 4, 4]", "[3, 3, 1, 1]")
                .bad("null rules", () -> AdderOps.conv2d(full(1, 2, 4, 4), full(3, 2, 1, 1), ConvOptions.DEFAULT, null),
                        "adderConv2d", "rules (null)")
                .bad("eta NaN", () -> AdderRules.ADDERNET.withEta(Double.NaN), "AdderRules", "eta", "NaN");
    }

    private static OpSpec<Void> exactLinear() {
        return OpSpec.<Void>of("adderLinear EXACT", List.of(Domain.REAL),
                (Dice d) -> {
                    int k = d.between(1, 5);
                    return Sample.of(null, new int[] {d.between(1, 4), k}, new int[] {d.between(1, 4), k});
                },
                (x, a) -> AdderOps.linear(x[0], x[1], AdderRules.EXACT),
                (x, a) -> new Nd(new int[] {x[0].shape()[0], x[1].shape()[0]}, // [N, O, 1, 1] is [N, O] in memory
                        naiveConv(asImage(x[0]), asFilter(x[1]), ConvOptions.DEFAULT, Form.ABS).data()))
                .with(Checks.DEFAULT.withoutSecondOrder())
                .bad("input [2, 3] for weight [4, 5]", () -> AdderOps.linear(full(2, 3), full(4, 5), AdderRules.EXACT),
                        "adderLinear", "[2, 3]", "[4, 5]");
    }

    /**
     * The smooth form {@code form} of the adder convolution as the forward, the adder op's backward under
     * {@code rules} as the backward, for input {@code differentiated} (0 the input, 1 the weight).
     */
    private static OpSpec<ConvOptions> ruleConv(String what, AdderRules rules, Form form, int differentiated) {
        return OpSpec.<ConvOptions>of("adderConv2d " + what, List.of(Domain.REAL),
                AdderOpTable::convSample,
                (x, o) -> new SmoothForm(o, rules, form, differentiated).apply(x[0], x[1]),
                (x, o) -> naiveConv(x[0], x[1], o, form))
                .with(Checks.DEFAULT.withoutSecondOrder().withConstants(1 - differentiated));
    }

    /** A smooth form's value with the adder op's backward attached to one operand. */
    private static final class SmoothForm extends Function {
        private final ConvOptions options;
        private final AdderRules rules;
        private final Form form;
        private final int differentiated;

        SmoothForm(ConvOptions options, AdderRules rules, Form form, int differentiated) {
            this.options = options;
            this.rules = rules;
            this.form = form;
            this.differentiated = differentiated;
        }

        @Override
        public boolean isNonDifferentiable(int i) {
            return i != differentiated;
        }

        @Override
        protected Tensor forward(Context ctx, Tensor... in) {
            ctx.saveInputs(0, 1);
            Nd y = naiveConv(Nd.of(in[0]), Nd.of(in[1]), options, form);
            return Tensor.of(y.data(), y.shape()).to(in[0].dtype());
        }

        @Override
        protected Var[] backward(Context ctx, Var grad) {
            Var g;
            try (GradMode.Scope scope = GradMode.enableGrad()) { // a backward runs without recording
                Var x = Var.withGrad(ctx.input(0).value());
                Var w = Var.withGrad(ctx.input(1).value());
                Var y = AdderOps.conv2d(x, w, options, rules);
                Var operand = differentiated == 0 ? x : w;
                g = Autograd.grad(List.of(y), List.of(Var.of(grad.value())), List.of(operand), GradOptions.DEFAULT).get(0);
            }
            Var[] grads = new Var[2];
            grads[differentiated] = g;
            return grads;
        }
    }

    private static Sample<ConvOptions> convSample(Dice d) {
        ConvOptions o = d.coin() ? ConvOptions.DEFAULT : new ConvOptions(d.between(1, 2), d.between(1, 2),
                d.between(0, 2), d.between(0, 1), d.between(1, 2), d.between(1, 2), 1);
        int cin = d.between(1, 3);
        int cout = d.between(1, 3);
        int kh = d.between(1, 3);
        int kw = d.between(1, 3);
        int h = Math.max(1, o.dilationH() * (kh - 1) + 1 - 2 * o.padH()) + d.between(0, 3);
        int w = Math.max(1, o.dilationW() * (kw - 1) + 1 - 2 * o.padW()) + d.between(0, 3);
        return Sample.of(o, new int[] {d.between(1, 2), cin, h, w}, new int[] {cout, cin, kh, kw});
    }

    /** {@code y[n, o, i, j] = sum_taps form(x - w)}, a padded tap reading x = 0 (AdderNet's unfold). */
    static Nd naiveConv(Nd x, Nd w, ConvOptions o, Form form) {
        int[] xs = x.shape();
        int[] ws = w.shape();
        int oh = (xs[2] + 2 * o.padH() - o.dilationH() * (ws[2] - 1) - 1) / o.strideH() + 1;
        int ow = (xs[3] + 2 * o.padW() - o.dilationW() * (ws[3] - 1) - 1) / o.strideW() + 1;
        Nd y = Nd.zeros(xs[0], ws[0], oh, ow);
        for (int n = 0; n < xs[0]; n++) {
            for (int co = 0; co < ws[0]; co++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double acc = 0;
                        for (int c = 0; c < ws[1]; c++) {
                            for (int p = 0; p < ws[2]; p++) {
                                int ih = i * o.strideH() - o.padH() + p * o.dilationH();
                                for (int q = 0; q < ws[3]; q++) {
                                    int iw = j * o.strideW() - o.padW() + q * o.dilationW();
                                    boolean inside = ih >= 0 && ih < xs[2] && iw >= 0 && iw < xs[3];
                                    double xv = inside ? x.get(n, c, ih, iw) : 0;
                                    acc += form.term(xv - w.get(co, c, p, q));
                                }
                            }
                        }
                        y.add(acc, n, co, i, j);
                    }
                }
            }
        }
        return y;
    }

    /** {@code x[N, K]} as the image {@code [N, K, 1, 1]}. */
    private static Nd asImage(Nd x) {
        return new Nd(new int[] {x.shape()[0], x.shape()[1], 1, 1}, x.data());
    }

    /** {@code w[O, K]} as the filter {@code [O, K, 1, 1]}. */
    private static Nd asFilter(Nd w) {
        return new Nd(new int[] {w.shape()[0], w.shape()[1], 1, 1}, w.data());
    }

    private static Var full(int... shape) {
        return Var.of(Tensor.ones(DType.FLOAT64, shape));
    }
}
