package org.bitspike.nn.spiking;

import org.bitspike.autograd.Context;
import org.bitspike.autograd.Function;
import org.bitspike.autograd.Var;
import org.bitspike.tensor.Tensor;

/**
 * The gradient a spike pretends to have. A spike's forward is the Heaviside step
 * {@code H(x) = x >= 0 ? 1 : 0} (so a potential exactly at the threshold fires, everywhere in
 * bitspike); its derivative is 0 almost everywhere, so training replaces it by the derivative of a
 * named smooth function {@link #smooth(Var)} that approximates the step. Each surrogate declares
 * that function and its derivative {@link #derivative(Var)}; the spike's backward multiplies the
 * incoming gradient by the derivative, so checking the derivative against finite differences of
 * the smooth function ({@link #smoothFunction()}) checks the spike's backward.
 *
 * <p>The five are the ones snnTorch and SpikingJelly ship: {@link Rectangle} (the Hoyer papers'
 * window), {@link Triangle}, {@link Sigmoid}, {@link FastSigmoid} and {@link Arctan}.
 */
public sealed interface Surrogate {
    /** The smooth function whose derivative the spike's backward uses, as differentiable ops. */
    Var smooth(Var x);

    /** The derivative of {@link #smooth}, written with {@link Var} ops (so the backward is itself differentiable). */
    Var derivative(Var x);

    /** The Heaviside spike of {@code x} with this surrogate: 1 where {@code x >= 0}, else 0, in x's dtype. */
    default Var spike(Var x) {
        return Spikes.heaviside(x, this);
    }

    /**
     * {@link #smooth} as a {@link Function} whose backward is {@code grad * derivative(x)}: the exact
     * backward the spike uses, attached to the smooth forward, for a gradient check.
     */
    default Function smoothFunction() {
        Surrogate self = this;
        return new Function() {
            @Override
            public String name() {
                return "smooth " + self;
            }

            @Override
            protected Tensor forward(Context ctx, Tensor... x) {
                ctx.saveInputs(0);
                return self.smooth(Var.of(x[0])).value();
            }

            @Override
            protected Var[] backward(Context ctx, Var grad) {
                return new Var[] {grad.mul(self.derivative(ctx.input(0)))};
            }
        };
    }

    /** {@code height * 1[lo < x <= hi]}: the derivative of the ramp {@code height * (clamp(x, lo, hi) - lo)}. */
    static Rectangle rectangle(double lo, double hi, double height) {
        return new Rectangle(lo, hi, height);
    }

    /** {@code height * max(0, 1 - |x| / width)}: the derivative of a piecewise quadratic (SpikingJelly's PiecewiseQuadratic). */
    static Triangle triangle(double width, double height) {
        return new Triangle(width, height);
    }

    /** The derivative of {@code sigmoid(alpha x)} (SpikingJelly's Sigmoid, snnTorch's sigmoid; alpha 4 and 25 by default there). */
    static Sigmoid sigmoid(double alpha) {
        return new Sigmoid(alpha);
    }

    /** {@code 1 / (1 + slope |x|)^2}: the derivative of {@code x / (1 + slope |x|)} (snnTorch's fast_sigmoid, slope 25). */
    static FastSigmoid fastSigmoid(double slope) {
        return new FastSigmoid(slope);
    }

    /** The derivative of {@code atan(pi/2 alpha x) / pi + 1/2} (SpikingJelly's ATan, alpha 2). */
    static Arctan arctan(double alpha) {
        return new Arctan(alpha);
    }

    /**
     * A rectangular window on {@code (lo, hi]} of height {@code height}. The Hoyer spike uses
     * {@code (0, 2]} with height 0.5 on the normalised potential (the papers' 2022 code).
     */
    record Rectangle(double lo, double hi, double height) implements Surrogate {
        public Rectangle {
            if (!(lo < hi) || !Double.isFinite(lo) || !Double.isFinite(hi)) {
                throw new IllegalArgumentException("Surrogate.rectangle: window (" + lo + ", " + hi
                        + "] must be finite with lo < hi (a positive width)");
            }
            checkPositive("rectangle", "height", height);
        }

        @Override
        public Var smooth(Var x) {
            return x.clamp(lo, hi).sub(lo).mul(height);
        }

        @Override
        public Var derivative(Var x) {
            Tensor inside = x.value().gt(lo).logicalAnd(x.value().le(hi));
            return Var.of(inside.to(x.dtype()).mul(height));
        }

        /** The window's indicator times the height, in double precision (for references and folding). */
        public double derivative(double x) {
            return x > lo && x <= hi ? height : 0;
        }
    }

    /** A triangle of half-width {@code width} and peak {@code height} at 0. */
    record Triangle(double width, double height) implements Surrogate {
        public Triangle {
            checkPositive("triangle", "width", width);
            checkPositive("triangle", "height", height);
        }

        @Override
        public Var smooth(Var x) {
            Var c = x.clamp(-width, width);
            return c.sub(c.mul(c.abs()).div(2 * width)).add(width / 2).mul(height);
        }

        @Override
        public Var derivative(Var x) {
            return x.abs().div(-width).add(1).relu().mul(height);
        }
    }

    /** The logistic function's derivative with steepness {@code alpha}. */
    record Sigmoid(double alpha) implements Surrogate {
        public Sigmoid {
            checkPositive("sigmoid", "alpha", alpha);
        }

        @Override
        public Var smooth(Var x) {
            return x.mul(alpha).sigmoid();
        }

        @Override
        public Var derivative(Var x) {
            Var s = x.mul(alpha).sigmoid();
            return s.mul(s.neg().add(1)).mul(alpha);
        }
    }

    /** The fast sigmoid {@code x / (1 + slope |x|)}: no exponential, heavier tails than the logistic. */
    record FastSigmoid(double slope) implements Surrogate {
        public FastSigmoid {
            checkPositive("fastSigmoid", "slope", slope);
        }

        @Override
        public Var smooth(Var x) {
            return x.div(x.abs().mul(slope).add(1));
        }

        @Override
        public Var derivative(Var x) {
            return x.abs().mul(slope).add(1).square().reciprocal();
        }
    }

    /** The arctangent step {@code atan(pi/2 alpha x) / pi + 1/2}. */
    record Arctan(double alpha) implements Surrogate {
        public Arctan {
            checkPositive("arctan", "alpha", alpha);
        }

        @Override
        public Var smooth(Var x) {
            return Spikes.arctanStep(x, alpha);
        }

        @Override
        public Var derivative(Var x) {
            double k = Math.PI / 2 * alpha;
            return x.mul(k).square().add(1).reciprocal().mul(alpha / 2);
        }
    }

    private static void checkPositive(String surrogate, String what, double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException("Surrogate." + surrogate + ": " + what + " must be positive and finite, got "
                    + value);
        }
    }
}
