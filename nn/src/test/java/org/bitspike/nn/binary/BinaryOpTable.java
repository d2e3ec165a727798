package org.bitspike.nn.binary;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.bitspike.autograd.Autograd;
import org.bitspike.autograd.GradOptions;
import org.bitspike.autograd.Var;
import org.bitspike.nn.binary.Quantizer.MagnitudeAwareSign.ScaleGradient;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.Tensor;
import org.bitspike.testing.Dice;
import org.bitspike.testing.Domain;
import org.bitspike.testing.Nd;
import org.bitspike.testing.OpSpec;
import org.bitspike.testing.OpSpec.Checks;
import org.bitspike.testing.OpSpec.EdgeCase;
import org.bitspike.testing.OpSpec.Sample;

/**
 * The op table of {@code nn/binary}, held to the public {@code OpContract} by
 * {@link BinaryOpTableTest} as {@code SpikingOpTable} is. Per quantizer (each in two or more
 * parameterisations, so a formula that ignores a parameter cannot pass):
 * <ul>
 *   <li>{@code <q>}: the forward equals its definition (naive double formula) on every input
 *       ({@link Checks#NO_GRADIENT}: the backward is a pseudo-gradient, not the step's derivative),
 *       with edge cases at 0, -0, NaN, +-clip and +-infinity whose expected gradients are the
 *       declared pseudo-gradient there;</li>
 *   <li>{@code <q> pseudo-gradient}: the vector-Jacobian product {@code g^T dq/dx} that autograd
 *       computes through the quantizer, as a function of (x, g), equals the declared
 *       pseudo-gradient formula applied to g, on random inputs and awkward layouts;</li>
 *   <li>{@code smooth ApproxSign}, {@code smooth SwishSign(...)}: the smooth function whose
 *       derivative the pseudo-gradient is, with the quantizer's backward attached, gradchecked
 *       (first and second order) in FLOAT64.</li>
 * </ul>
 */
final class BinaryOpTable {
    private BinaryOpTable() {
    }

    /** The parameterisations the table covers. */
    static List<Quantizer> quantizers() {
        return List.of(Quantizer.steSign(1), Quantizer.steSign(0.5), Quantizer.steSign(Double.POSITIVE_INFINITY),
                Quantizer.approxSign(),
                Quantizer.swishSign(5), Quantizer.swishSign(2),
                Quantizer.steHeaviside(1), Quantizer.steHeaviside(0.5),
                Quantizer.doReFa(1), Quantizer.doReFa(2), Quantizer.doReFa(5),
                Quantizer.magnitudeAwareSign(1, ScaleGradient.DETACHED),
                Quantizer.magnitudeAwareSign(0.5, ScaleGradient.DETACHED),
                Quantizer.magnitudeAwareSign(1, ScaleGradient.INCLUDED),
                Quantizer.magnitudeAwareSign(0.5, ScaleGradient.INCLUDED));
    }

    static List<OpSpec<?>> specs() {
        List<OpSpec<?>> specs = new ArrayList<>();
        for (Quantizer q : quantizers()) {
            specs.add(forward(q));
            specs.add(pseudoGradient(q));
        }
        Quantizer.ApproxSign approx = Quantizer.approxSign();
        specs.add(OpSpec.unary("smooth ApproxSign", Domain.REAL.awayFrom(0.05, -1, 0, 1),
                x -> approx.smoothFunction().apply(x), BinaryOpTable::approxSmooth));
        for (double beta : new double[] {5, 2}) {
            Quantizer.SwishSign swish = Quantizer.swishSign(beta);
            specs.add(OpSpec.unary("smooth " + swish, Domain.REAL, x -> swish.smoothFunction().apply(x), v -> {
                double s = 1 / (1 + Math.exp(-beta * v));
                return 2 * s * (1 + beta * v * (1 - s)) - 1;
            }));
        }
        return specs;
    }

    // ------------------------------------------------------------------ definitions, naive

    /** The sign rule: +1 for x >= 0 (also -0), -1 for x < 0 and NaN. */
    static double sign(double v) {
        return v >= 0 ? 1 : -1;
    }

    static double approxSmooth(double v) {
        double c = Math.min(Math.max(v, -1), 1);
        return 2 * c - c * Math.abs(c);
    }

    /** The forward of an elementwise quantizer, from its documented definition. */
    static double quantize(Quantizer q, double v) {
        if (q instanceof Quantizer.SteSign || q instanceof Quantizer.ApproxSign || q instanceof Quantizer.SwishSign) {
            return sign(v);
        }
        if (q instanceof Quantizer.SteHeaviside) {
            return v >= 0 ? 1 : 0;
        }
        if (q instanceof Quantizer.DoReFa d) {
            if (Double.isNaN(v)) {
                return Double.NaN;
            }
            double n = (1 << d.bits()) - 1;
            return Math.rint(Math.min(Math.max(v, 0), 1) * n) / n;
        }
        throw new IllegalStateException("not elementwise: " + q);
    }

    /** The declared pseudo-derivative of an elementwise quantizer (the backward is g times this). */
    static double pseudoDerivative(Quantizer q, double v) {
        if (q instanceof Quantizer.SteSign s) {
            return Math.abs(v) <= s.clip() ? 1 : 0;
        }
        if (q instanceof Quantizer.SteHeaviside s) {
            return Math.abs(v) <= s.clip() ? 1 : 0;
        }
        if (q instanceof Quantizer.ApproxSign) {
            return Math.abs(v) <= 1 ? 2 - 2 * Math.abs(v) : 0;
        }
        if (q instanceof Quantizer.SwishSign s) {
            // Larq's form, independent of the one in the code
            double b = s.beta();
            return b * (2 - b * v * Math.tanh(b * v / 2)) / (1 + Math.cosh(b * v));
        }
        if (q instanceof Quantizer.DoReFa) {
            return v >= 0 && v <= 1 ? 1 : 0;
        }
        throw new IllegalStateException("not elementwise: " + q);
    }

    /** sign(x) * mean |x[o]| per slice o of dimension 0. */
    static Nd magnitudeAware(Nd x) {
        double[] alpha = channelMeanAbs(x);
        int per = x.numel() / Math.max(1, x.shape()[0]);
        double[] out = new double[x.numel()];
        for (int i = 0; i < out.length; i++) {
            out[i] = sign(x.data()[i]) * alpha[i / per];
        }
        return new Nd(x.shape(), out);
    }

    /** The declared backward of MagnitudeAwareSign: g alpha 1[|x| <= clip] (+ the scale's term when INCLUDED). */
    static Nd magnitudeAwareBackward(Quantizer.MagnitudeAwareSign q, Nd x, Nd g) {
        double[] alpha = channelMeanAbs(x);
        int per = x.numel() / Math.max(1, x.shape()[0]);
        double[] gs = new double[alpha.length];
        for (int i = 0; i < x.numel(); i++) {
            gs[i / per] += g.data()[i] * sign(x.data()[i]);
        }
        double[] out = new double[x.numel()];
        for (int i = 0; i < out.length; i++) {
            double v = x.data()[i];
            out[i] = g.data()[i] * alpha[i / per] * (Math.abs(v) <= q.clip() ? 1 : 0);
            if (q.scaleGradient() == ScaleGradient.INCLUDED) {
                out[i] += gs[i / per] * Math.signum(v) / per;
            }
        }
        return new Nd(x.shape(), out);
    }

    private static double[] channelMeanAbs(Nd x) {
        int channels = x.shape()[0];
        int per = x.numel() / Math.max(1, channels);
        double[] alpha = new double[channels];
        for (int i = 0; i < x.numel(); i++) {
            alpha[i / per] += Math.abs(x.data()[i]);
        }
        for (int o = 0; o < channels; o++) {
            alpha[o] /= per;
        }
        return alpha;
    }

    // ------------------------------------------------------------------ specs

    private static OpSpec<Void> forward(Quantizer q) {
        String name = q.toString();
        OpSpec<Void> spec;
        if (q instanceof Quantizer.MagnitudeAwareSign m) {
            spec = OpSpec.<Void>of(name, List.of(Domain.REAL), (Dice d) -> Sample.of(null, d.shape(2, 4)),
                    (x, a) -> m.apply(x[0]), (x, a) -> magnitudeAware(x[0]))
                    .with(Checks.NO_GRADIENT)
                    .edge(magnitudeAwareEdge(m))
                    .bad("a 1-d input (no output channel)", () -> m.apply(Var.of(Tensor.zeros(DType.FLOAT64, 3))),
                            "MagnitudeAwareSign", "[3]", "rank >= 2")
                    .bad("clip 0", () -> Quantizer.magnitudeAwareSign(0, ScaleGradient.DETACHED),
                            "Quantizer.magnitudeAwareSign", "clip", "0.0", "positive")
                    .bad("a null scale gradient", () -> Quantizer.magnitudeAwareSign(1, null), "scaleGradient is null");
        } else {
            DoubleUnaryOperator f = v -> quantize(q, v);
            spec = OpSpec.unary(name, Domain.REAL, q::apply, f).with(Checks.NO_GRADIENT).edge(elementwiseEdge(q));
            spec = withParameterErrors(q, spec);
        }
        return spec
                .bad("an INT32 input", () -> q.apply(Var.of(Tensor.of(new int[] {1, -2}, 1, 2))), name, "[1, 2]", "INT32",
                        "FLOAT32 or FLOAT64")
                .bad("a null input", () -> q.apply(null), name, "input is null");
    }

    /**
     * The special values with their forward and pseudo-derivative from the definitions: 0 and -0
     * (+1 or 1 by the sign rule), NaN (-1 or 0; NaN for DoReFa; never a gradient), +-infinity,
     * +-MIN_VALUE and the clip or window bounds from both sides.
     */
    private static EdgeCase<Void> elementwiseEdge(Quantizer q) {
        double bound = q instanceof Quantizer.SteSign s ? s.clip() : q instanceof Quantizer.SteHeaviside h ? h.clip() : 1;
        double in = Double.isInfinite(bound) ? 1e300 : bound;
        double[] v = {0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE,
                -Double.MIN_VALUE, in, -in, Math.nextUp(in), -Math.nextUp(in), 0.5, 0.25};
        double[] out = new double[v.length];
        double[] grad = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = quantize(q, v[i]);
            grad[i] = pseudoDerivative(q, v[i]);
        }
        if (q instanceof Quantizer.SwishSign) {
            grad[2] = Double.NaN; // NOTE: the smooth derivative of NaN is NaN, as Larq's
            grad[3] = 0; // and vanishes at +-infinity (Larq's closed form is inf/inf there)
            grad[4] = 0;
        }
        return EdgeCase.<Void>at("0, -0, NaN, +-inf, +-MIN_VALUE, +-" + in + " and just outside, 0.5, 0.25", null,
                        Tensor.of(v, v.length))
                .output(Tensor.of(out, out.length)).gradients(Tensor.of(grad, grad.length))
                .tolerance(1e-12); // NOTE: SwishSign's factor is computed in another (equal) form than Larq's
    }

    /** {@code [[0, -2, 0.5], [-0, NaN, 1]]}: alpha = 2.5/3 and NaN; with clip 0.5 the 1 is outside. */
    private static EdgeCase<Void> magnitudeAwareEdge(Quantizer.MagnitudeAwareSign m) {
        double a = 2.5 / 3;
        Tensor x = Tensor.of(new double[] {0, -2, 0.5, -0.0, Double.NaN, 1}, 2, 3);
        double nan = Double.NaN;
        Tensor out = Tensor.of(new double[] {a, -a, a, nan, nan, nan}, 2, 3);
        // gradient of the sum: g = 1; row 0: alpha * window, + (1 - 1 + 1) * signum / 3 when INCLUDED
        boolean inc = m.scaleGradient() == ScaleGradient.INCLUDED;
        double w2 = 0.5 <= m.clip() ? 1 : 0;
        Tensor grad = Tensor.of(new double[] {a, (inc ? -1.0 / 3 : 0), a * w2 + (inc ? 1.0 / 3 : 0), nan, nan, nan},
                2, 3);
        return EdgeCase.<Void>at("[[0, -2, 0.5], [-0, NaN, 1]]", null, x).output(out).gradients(grad).tolerance(1e-15);
    }

    private static OpSpec<Void> withParameterErrors(Quantizer q, OpSpec<Void> spec) {
        if (q instanceof Quantizer.SteSign) {
            return spec.bad("clip NaN", () -> Quantizer.steSign(Double.NaN), "Quantizer.steSign", "clip", "NaN", "positive")
                    .bad("clip -1", () -> Quantizer.steSign(-1), "Quantizer.steSign", "clip", "-1.0", "positive");
        }
        if (q instanceof Quantizer.SteHeaviside) {
            return spec.bad("clip 0", () -> Quantizer.steHeaviside(0), "Quantizer.steHeaviside", "clip", "0.0");
        }
        if (q instanceof Quantizer.SwishSign) {
            return spec.bad("beta 0", () -> Quantizer.swishSign(0), "Quantizer.swishSign", "beta", "0.0", "positive")
                    .bad("beta infinity", () -> Quantizer.swishSign(Double.POSITIVE_INFINITY), "Quantizer.swishSign",
                            "beta", "Infinity", "finite");
        }
        if (q instanceof Quantizer.DoReFa) {
            return spec.bad("0 bits", () -> Quantizer.doReFa(0), "Quantizer.doReFa", "bits", "1..8", "0")
                    .bad("9 bits", () -> Quantizer.doReFa(9), "Quantizer.doReFa", "bits", "1..8", "9");
        }
        return spec;
    }

    /**
     * {@code g^T dq/dx} through autograd as a function of (x, g), against the declared formula.
     * The result carries no gradient of its own here ({@link Checks#NO_GRADIENT}); the smooth specs
     * check the pseudo-gradients that are derivatives.
     */
    private static OpSpec<Void> pseudoGradient(Quantizer q) {
        String name = q + " pseudo-gradient";
        boolean magnitude = q instanceof Quantizer.MagnitudeAwareSign;
        return OpSpec.<Void>of(name, List.of(Domain.REAL, Domain.REAL),
                        (Dice d) -> {
                            int[] s = magnitude ? d.shape(2, 4) : d.shape(0, 3);
                            return Sample.of(null, s, s);
                        },
                        (x, a) -> vjp(q, x[0].value(), x[1].value()),
                        (x, a) -> magnitude ? magnitudeAwareBackward((Quantizer.MagnitudeAwareSign) q, x[0], x[1])
                                : Nd.zip(x[0], x[1], (v, g) -> g * pseudoDerivative(q, v)))
                .with(Checks.NO_GRADIENT);
    }

    /** The gradient autograd sends to x when {@code q(x)} receives {@code g}. */
    static Var vjp(Quantizer q, Tensor x, Tensor g) {
        Var leaf = Var.withGrad(x);
        Var y = q.apply(leaf);
        return Autograd.grad(List.of(y), List.of(Var.of(g)), List.of(leaf), GradOptions.DEFAULT).get(0);
    }
}
