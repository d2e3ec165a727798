package org.bitspike.nn.binary;

import java.util.Objects;
import org.bitspike.autograd.Function;
import org.bitspike.autograd.Var;
import org.bitspike.tensor.Tensor;

/**
 * A quantizer: a forward that maps real values to a few levels and a declared pseudo-gradient that
 * training uses in place of the forward's derivative (0 almost everywhere). Each built-in is a
 * record whose forward and pseudo-gradient sit side by side; {@link #apply} runs them as one
 * autograd {@link Function}. {@link QuantizerKind} names them for layers and the command line.
 *
 * <p>The sign rule of bitspike (the same as {@code BitTensor}'s SIGN packing, the Bop optimiser
 * and the flip-ratio callback): {@code sign(x) = +1} for {@code x >= 0} (also {@code -0}),
 * {@code -1} for {@code x < 0} and for NaN; see {@link #sign(Tensor)}.
 *
 * <p>NOTE: not sealed, unlike the spiking {@code Surrogate}: a layer accepts any quantizer so a
 * test (or a researcher) can plug in a smooth stand-in and gradient-check the layer around it. The
 * built-ins below are the closed set {@link QuantizerKind} names.
 */
public interface Quantizer {

    /** The quantized {@code x}, recorded with this quantizer's pseudo-gradient; x must be floating point. */
    Var apply(Var x);

    /** What the outputs can be, which decides the padding values a binary layer can honour. */
    Outputs outputs();

    /** The value sets of quantizer outputs. */
    enum Outputs {
        /** {@code {-1, +1}}: binary. */
        SIGN(-1, 1, true),
        /** {@code {-alpha, +alpha}} with a positive scale per output channel: binary up to the scale. */
        SCALED_SIGN(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, true),
        /** {@code {0, 1}}: binary (spike-like). */
        HEAVISIDE(0, 1, true),
        /** {@code 2^k} levels in {@code [0, 1]}: not binary for k > 1. */
        LEVELS(0, 1, false),
        /** Unquantized real values. */
        REAL(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, false);

        private final double lo;
        private final double hi;
        private final boolean binary;

        Outputs(double lo, double hi, boolean binary) {
            this.lo = lo;
            this.hi = hi;
            this.binary = binary;
        }

        /** Whether every output is one of two values (up to a per-channel scale). */
        public boolean isBinary() {
            return binary;
        }

        /** Whether {@code v} is one of the two values of a binary set ({-1, +1} or {0, 1}); false otherwise. */
        public boolean isLevel(double v) {
            return switch (this) {
                case SIGN -> v == 1 || v == -1;
                case HEAVISIDE -> v == 0 || v == 1;
                default -> false;
            };
        }

        /** Whether {@code v} lies in the closed range of the outputs. */
        public boolean admits(double v) {
            return v >= lo && v <= hi;
        }
    }

    /**
     * The sign rule: {@code +1} where {@code x >= 0} (also {@code -0}), {@code -1} where
     * {@code x < 0} or NaN, in x's dtype. (Not {@link Tensor#sign()}, which is 0 at 0 and NaN at NaN.)
     */
    static Tensor sign(Tensor x) {
        return Tensor.where(x.ge(0.0), Tensor.scalar(x.dtype(), 1), Tensor.scalar(x.dtype(), -1));
    }

    /** The identity: no quantization ({@code "none"}), gradient 1. */
    static Identity identity() {
        return new Identity();
    }

    /** {@link SteSign} with {@code clip}: +-1 forward, {@code g * 1[|x| <= clip]} backward. */
    static SteSign steSign(double clip) {
        return new SteSign(clip);
    }

    /** {@link ApproxSign}: +-1 forward, Bi-Real's {@code g * max(0, 2 - 2|x|)} backward. */
    static ApproxSign approxSign() {
        return new ApproxSign();
    }

    /** {@link SwishSign} with steepness {@code beta}. */
    static SwishSign swishSign(double beta) {
        return new SwishSign(beta);
    }

    /** {@link SteHeaviside} with {@code clip}: {0, 1} forward, {@code g * 1[|x| <= clip]} backward. */
    static SteHeaviside steHeaviside(double clip) {
        return new SteHeaviside(clip);
    }

    /** {@link DoReFa} with {@code bits} in 1..8. */
    static DoReFa doReFa(int bits) {
        return new DoReFa(bits);
    }

    /** {@link MagnitudeAwareSign} with {@code clip} and the scale's gradient {@code scaleGradient}. */
    static MagnitudeAwareSign magnitudeAwareSign(double clip, MagnitudeAwareSign.ScaleGradient scaleGradient) {
        return new MagnitudeAwareSign(clip, scaleGradient);
    }

    /**
     * A quantizer applied value by value: {@code y = quantize(x)} forward and
     * {@code dL/dx = dL/dy * pseudoDerivative(x)} backward.
     */
    interface Elementwise extends Quantizer {
        /** The forward on values, in x's dtype; x is not modified. */
        Tensor quantize(Tensor x);

        /**
         * The factor the backward multiplies the incoming gradient by, written with {@link Var} ops
         * (so the backward is itself differentiable where the factor is smooth).
         */
        Var pseudoDerivative(Var x);

        /**
         * {@code dL/dx} from {@code dL/dy}: {@code grad * pseudoDerivative(x)} by default; a quantizer whose
         * factor is a 0/1 window overrides it to select the gradient instead (one pass fewer over the map, and
         * exactly 0 outside the window, never {@code NaN * 0}).
         */
        default Var backward(Var grad, Var x) {
            return grad.mul(pseudoDerivative(x));
        }

        @Override
        default Var apply(Var x) {
            Quantizers.checkInput(toString(), x, 0);
            return new Quantizers.ElementwiseFunction(this).apply(x);
        }
    }

    /** The identity ({@code "none"}): output = input, gradient = incoming gradient. */
    record Identity() implements Quantizer {
        @Override
        public Var apply(Var x) {
            return Objects.requireNonNull(x, "identity quantizer: input is null");
        }

        @Override
        public Outputs outputs() {
            return Outputs.REAL;
        }

        @Override
        public String toString() {
            return "none";
        }
    }

    /**
     * The straight-through sign estimator (BinaryNet, Hubara/Courbariaux et al. 2016; Larq's
     * {@code ste_sign}): forward {@code sign(x)} by the sign rule, backward
     * {@code g * 1[|x| <= clip]} (digest section 7, item 1). {@code clip = +infinity} is the plain
     * identity STE.
     */
    record SteSign(double clip) implements Elementwise {
        public SteSign {
            Quantizers.checkClip("steSign", clip);
        }

        @Override
        public Tensor quantize(Tensor x) {
            return sign(x);
        }

        @Override
        public Var pseudoDerivative(Var x) {
            return Quantizers.window(x, clip);
        }

        @Override
        public Var backward(Var grad, Var x) {
            return Quantizers.insideWindow(grad, x, clip);
        }

        @Override
        public Outputs outputs() {
            return Outputs.SIGN;
        }

        @Override
        public String toString() {
            return "SteSign(clip " + clip + ")";
        }
    }

    /**
     * Bi-Real Net's ApproxSign (Liu et al., ECCV 2018, eq. 4; Larq's {@code approx_sign}): forward
     * {@code sign(x)}, backward {@code g * (2 - 2|x|)} on {@code |x| <= 1} and 0 outside: the
     * derivative of the piecewise polynomial {@link #smooth} {@code F(x) = 2x - x|x|} on
     * {@code [-1, 1]}, {@code sign(x)} outside.
     */
    record ApproxSign() implements Elementwise {
        @Override
        public Tensor quantize(Tensor x) {
            return sign(x);
        }

        @Override
        public Var pseudoDerivative(Var x) {
            // NOTE: where, not a product with the window: outside it (also at +-infinity and NaN) the
            // factor is exactly 0, never (2 - 2|x|) * 0 = NaN
            return Var.where(x.value().abs().le(1.0), x.abs().mul(-2).add(2), Var.of(Tensor.scalar(x.dtype(), 0)));
        }

        /** {@code F(x) = 2c - c|c|} with {@code c = clamp(x, -1, 1)}: the function whose derivative the backward is. */
        public Var smooth(Var x) {
            Var c = x.clamp(-1, 1);
            return c.mul(2).sub(c.mul(c.abs()));
        }

        /** {@link #smooth} with this quantizer's backward attached, for a gradient check. */
        public Function smoothFunction() {
            return Quantizers.smoothFunction("smooth ApproxSign", this::smooth, this::pseudoDerivative);
        }

        @Override
        public Outputs outputs() {
            return Outputs.SIGN;
        }

        @Override
        public String toString() {
            return "ApproxSign";
        }
    }

    /**
     * The SwishSign of BNN+ (Darabi et al. 2018; Larq's {@code swish_sign}): forward {@code sign(x)},
     * backward {@code g * f'(x)} with {@code f(x) = 2 s (1 + beta x (1 - s)) - 1},
     * {@code s = sigmoid(beta x)}, so {@code f'(x) = 2 beta s (1 - s) (2 + beta x (1 - 2 s))}
     * (equal to Larq's {@code beta (2 - beta x tanh(beta x / 2)) / (1 + cosh(beta x))}).
     */
    record SwishSign(double beta) implements Elementwise {
        public SwishSign {
            Quantizers.checkPositive("swishSign", "beta", beta);
        }

        @Override
        public Tensor quantize(Tensor x) {
            return sign(x);
        }

        @Override
        public Var pseudoDerivative(Var x) {
            // NOTE: beta x is clamped to +-60, where the factor is below 1e-23 (0 in FLOAT32), so that
            // +-infinity gives 0 instead of 0 * infinity = NaN; NaN stays NaN
            Var bx = x.mul(beta).clamp(-60, 60);
            Var s = bx.sigmoid();
            return s.mul(s.neg().add(1)).mul(bx.mul(s.mul(-2).add(1)).add(2)).mul(2 * beta);
        }

        /** {@code f(x) = 2 sigmoid(beta x) (1 + beta x (1 - sigmoid(beta x))) - 1}. */
        public Var smooth(Var x) {
            Var bx = x.mul(beta);
            Var s = bx.sigmoid();
            return s.mul(bx.mul(s.neg().add(1)).add(1)).mul(2).sub(1);
        }

        /** {@link #smooth} with this quantizer's backward attached, for a gradient check. */
        public Function smoothFunction() {
            return Quantizers.smoothFunction("smooth SwishSign(beta " + beta + ")", this::smooth, this::pseudoDerivative);
        }

        @Override
        public Outputs outputs() {
            return Outputs.SIGN;
        }

        @Override
        public String toString() {
            return "SwishSign(beta " + beta + ")";
        }
    }

    /**
     * The straight-through Heaviside (Larq's {@code ste_heaviside}): forward {@code 1} where
     * {@code x >= 0} and {@code 0} where {@code x < 0} or NaN, the spike rule of
     * {@code nn/spiking} (a value exactly at 0 fires); backward {@code g * 1[|x| <= clip]}. Its
     * {0, 1} outputs pack exactly with {@code BitTensor}'s SPIKE encoding ({@code > 0} is 1).
     */
    record SteHeaviside(double clip) implements Elementwise {
        public SteHeaviside {
            Quantizers.checkClip("steHeaviside", clip);
        }

        @Override
        public Tensor quantize(Tensor x) {
            return x.ge(0.0).to(x.dtype());
        }

        @Override
        public Var pseudoDerivative(Var x) {
            return Quantizers.window(x, clip);
        }

        @Override
        public Var backward(Var grad, Var x) {
            return Quantizers.insideWindow(grad, x, clip);
        }

        @Override
        public Outputs outputs() {
            return Outputs.HEAVISIDE;
        }

        @Override
        public String toString() {
            return "SteHeaviside(clip " + clip + ")";
        }
    }

    /**
     * DoReFa-Net's k-bit activation quantizer (Zhou et al. 2016, eq. 5 on the clipped input; Larq's
     * {@code DoReFaQuantizer}, mode "activations"): forward {@code round(n c) / n} with
     * {@code c = clamp(x, 0, 1)} and {@code n = 2^k - 1} (round half to even, as {@code tf.round});
     * backward {@code g * 1[0 <= x <= 1]}, the clip's gradient with the rounding passed straight
     * through. NaN stays NaN (with gradient 0).
     */
    record DoReFa(int bits) implements Elementwise {
        public DoReFa {
            if (bits < 1 || bits > 8) {
                throw new IllegalArgumentException("Quantizer.doReFa: bits must be in 1..8, got " + bits);
            }
        }

        /** {@code 2^k - 1}, the largest level times n. */
        public int levels() {
            return (1 << bits) - 1;
        }

        @Override
        public Tensor quantize(Tensor x) {
            int n = levels();
            return x.clamp(0, 1).mul(n).round().div(n);
        }

        @Override
        public Var pseudoDerivative(Var x) {
            Tensor inside = x.value().ge(0.0).logicalAnd(x.value().le(1.0));
            return Var.of(inside.to(x.dtype()));
        }

        @Override
        public Outputs outputs() {
            return bits == 1 ? Outputs.HEAVISIDE : Outputs.LEVELS;
        }

        @Override
        public String toString() {
            return "DoReFa(" + bits + " bits)";
        }
    }

    /**
     * Bi-Real Net's magnitude-aware weight quantizer (Liu et al. 2018, section 3.2; Larq's
     * {@code magnitude_aware_sign}): forward {@code sign(W) * alpha_o} with
     * {@code alpha_o = mean |W[o]|} over every dimension but the first (the output channel of a
     * {@code [out, in, kh, kw]} or {@code [out, in]} weight); backward
     * {@code g * alpha_o * 1[|W| <= clip]} plus, with {@link ScaleGradient#INCLUDED}, the scale's
     * own term {@code (sum_{j in o} g_j sign(W_j)) * d|W_i|/dW_i / n_o}.
     *
     * <p>NOTE: {@link ScaleGradient#DETACHED} is the default: Bi-Real's update rule treats the
     * scale as a constant of the step and Larq stops its gradient; INCLUDED is XNOR-Net's full chain
     * rule (Rastegari et al. 2016, eq. 7), kept for the ablation. {@code d|w|/dw} at {@code w = 0}
     * is 0, the subgradient autograd's {@code abs} uses.
     */
    record MagnitudeAwareSign(double clip, ScaleGradient scaleGradient) implements Quantizer {
        /** Whether the per-channel scale sends a gradient to the weights. */
        public enum ScaleGradient {
            /** The scale is a constant of the step (Bi-Real, Larq), in every order of differentiation (TF's stop_gradient). */
            DETACHED,
            /** The scale is differentiated too (XNOR-Net's eq. 7). */
            INCLUDED
        }

        public MagnitudeAwareSign {
            Quantizers.checkClip("magnitudeAwareSign", clip);
            Objects.requireNonNull(scaleGradient, "Quantizer.magnitudeAwareSign: scaleGradient is null");
        }

        @Override
        public Var apply(Var w) {
            Quantizers.checkInput(toString(), w, 2);
            return new Quantizers.MagnitudeAwareFunction(this).apply(w);
        }

        /** {@code mean |w|} over every dimension but 0, kept as size-1 dimensions: the scale alpha. */
        Var scale(Var w) {
            return w.abs().mean(Quantizers.allButFirst(w.dim()), true);
        }

        @Override
        public Outputs outputs() {
            return Outputs.SCALED_SIGN;
        }

        @Override
        public String toString() {
            return "MagnitudeAwareSign(clip " + clip + ", scale " + scaleGradient + ")";
        }
    }
}
