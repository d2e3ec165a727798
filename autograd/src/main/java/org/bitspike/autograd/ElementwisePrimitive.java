package org.bitspike.autograd;

import org.bitspike.tensor.DType;
import org.bitspike.tensor.Tensor;

/**
 * Elementwise primitives: unary maps, broadcasting binary ops, {@code where}, {@code clamp} and
 * casts. {@code g} is the gradient of the output {@code y}; binary gradients come back in the
 * broadcast shape and the engine sums them to each input's shape.
 */
sealed interface ElementwisePrimitive extends Primitive {

    /** Binary ops call their inputs "input" and "other". */
    sealed interface Binary extends ElementwisePrimitive {
        @Override
        default String inputName(int i) {
            return i == 0 ? "input" : "other";
        }
    }

    /** {@code y = -x}; {@code dx = -g}. */
    record Neg() implements ElementwisePrimitive {
        public String name() { return "neg"; }
        public Tensor forward(Tensor[] x, Context ctx) { return x[0].neg(); }
        public Var[] backward(Var g, Context ctx) { return new Var[] {g.neg()}; }
    }

    /** {@code y = |x|}; {@code dx = g * sign(x)}, so 0 at {@code x = 0} (a subgradient). */
    record Abs() implements ElementwisePrimitive {
        public String name() { return "abs"; }
        public Tensor forward(Tensor[] x, Context ctx) { ctx.saveInputs(0); return x[0].abs(); }
        public Var[] backward(Var g, Context ctx) { return new Var[] {g.mul(Var.of(ctx.input(0).value().sign()))}; }
    }

    /** {@code y = e^x}; {@code dx = g * y}. */
    record Exp() implements ElementwisePrimitive {
        public String name() { return "exp"; }
        public Tensor forward(Tensor[] x, Context ctx) { ctx.saveOutput(); return x[0].exp(); }
        public Var[] backward(Var g, Context ctx) { return new Var[] {g.mul(ctx.output())}; }
    }

    /** {@code y = ln x}; {@code dx = g / x}. */
    record Log() implements ElementwisePrimitive {
        public String name() { return "log"; }
        public Tensor forward(Tensor[] x, Context ctx) { ctx.saveInputs(0); return x[0].log(); }
        public Var[] backward(Var g, Context ctx) { return new Var[] {g.div(ctx.input(0))}; }
    }

    /** {@code y = ln(1 + x)}; {@code dx = g / (1 + x)}. */
    record Log1p() implements ElementwisePrimitive {
        public String name() { return "log1p"; }
        public Tensor forward(Tensor[] x, Context ctx) { ctx.saveInputs(0); return x[0].log1p(); }
        public Var[] backward(Var g, Context ctx) { return new Var[] {g.div(ctx.input(0).add(1))}; }
    }

    /**
     * {@code y = e^x - 1}; {@code dx = g * e^x}. NOTE: {@code e^x}, not {@code y + 1}: for x below
     * about -20 the sum cancels (relative error 2e-8 at x = -20, and 0 instead of 2e-39 at x = -89),
     * which elu's gradient on very negative inputs would inherit.
     */
    record Expm1() implements ElementwisePrimitive {
        public String name() { return "expm1"; }
        public Tensor forward(Tensor[] x, Context ctx) { ctx.saveInputs(0); return x[0].expm1(); }
        public Var[] backward(Var g, Context ctx) { return new Var[] {g.mul(ctx.input(0).exp())}; }
    }

    /**
     * {@code y = ln(1 + e^x)}, computed as {@code max(x, 0) + log1p(e^-|x|)}; {@code dx = g * sigmoid(x)}.
     * NOTE: a primitive, not a composite: {@code exp().add(1).log()} overflows for x >= 89 in FLOAT32
     * (710 in FLOAT64), and the stable form through relu and abs would take their subgradients at 0
     * (derivative 0 + 0 instead of 1/2). sigmoid is finite everywhere and smooth, so the gradient of
     * the gradient is too.
     */
    record Softplus() implements ElementwisePrimitive {
        public String name() { return "softplus"; }
        public Tensor forward(Tensor[] x, Context ctx) { ctx.saveInputs(0); return x[0].softplus(); }
        public Var[] backward(Var g, Context ctx) { return new Var[] {g.mul(ctx.input(0).sigmoid())}; }
    }

    /** {@code y = sqrt(x)}; {@code dx = g / (2 y)}. */
    record Sqrt() implements ElementwisePrimitive {
        public String name() { return "sqrt"; }
        public Tensor forward(Tensor[] x, Context ctx) { ctx.saveOutput(); return x[0].sqrt(); }
        public Var[] backward(Var g, Context ctx) { return new Var[] {g.div(ctx.output().mul(2))}; }
    }

    /** {@code y = 1 / sqrt(x)}; {@code dx = -g * y^3 / 2}. */
    record Rsqrt() implements ElementwisePrimitive {
        public String name() { return "rsqrt"; }
        public Tensor forward(Tensor[] x, Context ctx) { ctx.saveOutput(); return x[0].rsqrt(); }
        public Var[] backward(Var g, Context ctx) { return new Var[] {g.mul(ctx.output().pow(3)).mul(-0.5)}; }
    }

    /** {@code y = sin x}; {@code dx = g * cos x}. */
    record Sin() implements ElementwisePrimitive {
        public String name() { return "sin"; }
        public Tensor forward(Tensor[] x, Context ctx) { ctx.saveInputs(0); return x[0].sin(); }
        public Var[] backward(Var g, Context ctx) { return new Var[] {g.mul(ctx.input(0).cos())}; }
    }

    /** {@code y = cos x}; {@code dx = -g * sin x}. */
    record Cos() implements ElementwisePrimitive {
        public String name() { return "cos"; }
        public Tensor forward(Tensor[] x, Context ctx) { ctx.saveInputs(0); return x[0].cos(); }
        public Var[] backward(Var g, Context ctx) { return new Var[] {g.mul(ctx.input(0).sin()).neg()}; }
    }

    /** {@code y = tanh x}; {@code dx = g * (1 - y^2)}. */
    record Tanh() implements ElementwisePrimitive {
        public String name() { return "tanh"; }
        public Tensor forward(Tensor[] x, Context ctx) { ctx.saveOutput(); return x[0].tanh(); }
        public Var[] backward(Var g, Context ctx) {
            Var y = ctx.output();
            return new Var[] {g.sub(g.mul(y.mul(y)))};
        }
    }

    /** {@code y = 1 / (1 + e^-x)}; {@code dx = g * y * (1 - y)}. */
    record Sigmoid() implements ElementwisePrimitive {
        public String name() { return "sigmoid"; }
        public Tensor forward(Tensor[] x, Context ctx) { ctx.saveOutput(); return x[0].sigmoid(); }
        public Var[] backward(Var g, Context ctx) {
            Var y = ctx.output();
            return new Var[] {g.mul(y.sub(y.mul(y)))};
        }
    }

    /**
     * {@code y = max(x, 0)}; {@code dx = g * [y > 0]}, so 0 at {@code x = 0}. NOTE: the mask is a
     * constant, so the second derivative is 0 (true everywhere except the kink).
     */
    record Relu() implements ElementwisePrimitive {
        public String name() { return "relu"; }
        public Tensor forward(Tensor[] x, Context ctx) { ctx.saveOutput(); return x[0].relu(); }
        public Var[] backward(Var g, Context ctx) {
            Tensor positive = ctx.output().value().gt(0);
            return new Var[] {Var.where(positive, g, zero(g))};
        }
    }

    /** {@code y = 1 / x}; {@code dx = -g * y^2}. */
    record Reciprocal() implements ElementwisePrimitive {
        public String name() { return "reciprocal"; }
        public Tensor forward(Tensor[] x, Context ctx) { ctx.saveOutput(); return x[0].reciprocal(); }
        public Var[] backward(Var g, Context ctx) {
            Var y = ctx.output();
            return new Var[] {g.mul(y.mul(y)).neg()};
        }
    }

    /** {@code y = x^p} for a constant {@code p}; {@code dx = g * p * x^(p-1)} (0 for {@code p = 0}). */
    record PowScalar(double exponent) implements ElementwisePrimitive {
        public String name() { return "pow"; }
        public Tensor forward(Tensor[] x, Context ctx) { ctx.saveInputs(0); return x[0].pow(exponent); }
        public Var[] backward(Var g, Context ctx) {
            Var x = ctx.input(0);
            if (exponent == 0) {
                return new Var[] {g.mul(Var.of(Tensor.zeros(x.dtype(), x.shape())))};
            }
            return new Var[] {g.mul(x.pow(exponent - 1)).mul(exponent)};
        }
    }

    /**
     * {@code y = min(max(x, min), max)}; {@code dx = g * [min <= x <= max]} (the gradient passes at
     * the bounds, as PyTorch's does).
     */
    record Clamp(double min, double max) implements ElementwisePrimitive {
        public String name() { return "clamp"; }
        public Tensor forward(Tensor[] x, Context ctx) { ctx.saveInputs(0); return x[0].clamp(min, max); }
        public Var[] backward(Var g, Context ctx) {
            Tensor x = ctx.input(0).value();
            return new Var[] {Var.where(x.ge(min).logicalAnd(x.le(max)), g, zero(g))};
        }
    }

    /**
     * {@code y = min(max(x, min), max)} as PyTorch's {@code hardtanh}; {@code dx = g * [min < x < max]}.
     * NOTE: unlike {@link Clamp}, no gradient passes at the bounds themselves (PyTorch's hardtanh and
     * clamp differ there too, and we match both).
     */
    record Hardtanh(double min, double max) implements ElementwisePrimitive {
        public String name() { return "hardtanh"; }
        public Tensor forward(Tensor[] x, Context ctx) { ctx.saveInputs(0); return x[0].clamp(min, max); }
        public Var[] backward(Var g, Context ctx) {
            Tensor x = ctx.input(0).value();
            return new Var[] {Var.where(x.gt(min).logicalAnd(x.lt(max)), g, zero(g))};
        }
    }

    /** {@code y = erf(x)}; {@code dx = g * 2/sqrt(pi) * e^(-x^2)}. */
    record Erf() implements ElementwisePrimitive {
        public String name() { return "erf"; }
        public Tensor forward(Tensor[] x, Context ctx) { ctx.saveInputs(0); return x[0].erf(); }
        public Var[] backward(Var g, Context ctx) {
            Var x = ctx.input(0);
            return new Var[] {g.mul(x.mul(x).neg().exp()).mul(2 / Math.sqrt(Math.PI))};
        }
    }

    /** {@code y = x} in another dtype; {@code dx = g} (the engine casts it back to x's dtype). */
    record Cast(DType dtype) implements ElementwisePrimitive {
        public String name() { return "to"; }
        public Aliasing outputAliasing() { return Aliasing.VIEW_OF_INPUT; }
        public Tensor forward(Tensor[] x, Context ctx) { return x[0].to(dtype); }
        public Var[] backward(Var g, Context ctx) { return new Var[] {g}; }
    }

    /** {@code y = x} stored contiguously; {@code dx = g}. */
    record Contiguous() implements ElementwisePrimitive {
        public String name() { return "contiguous"; }
        public Aliasing outputAliasing() { return Aliasing.VIEW_OF_INPUT; }
        public Tensor forward(Tensor[] x, Context ctx) { return x[0].contiguous(); }
        public Var[] backward(Var g, Context ctx) { return new Var[] {g}; }
    }

    /**
     * Piecewise-constant maps: their derivative is 0 almost everywhere and undefined at the jumps, so
     * the backward refuses instead of returning zeros that would silently stop training. Train
     * through them with a straight-through estimator, a {@link Function} with a declared gradient.
     */
    sealed interface PiecewiseConstant extends ElementwisePrimitive {
        @Override
        default Var[] backward(Var g, Context ctx) {
            throw AutogradException.noGradient(name(), "input", "it is piecewise constant (derivative 0 almost "
                    + "everywhere, undefined at the jumps); use a straight-through estimator, a Function with a "
                    + "declared gradient, to train through it");
        }
    }

    /** {@code y = sign(x)}; no gradient. */
    record Sign() implements PiecewiseConstant {
        public String name() { return "sign"; }
        public Tensor forward(Tensor[] x, Context ctx) { return x[0].sign(); }
    }

    /** {@code y = floor(x)}; no gradient. */
    record Floor() implements PiecewiseConstant {
        public String name() { return "floor"; }
        public Tensor forward(Tensor[] x, Context ctx) { return x[0].floor(); }
    }

    /** {@code y = ceil(x)}; no gradient. */
    record Ceil() implements PiecewiseConstant {
        public String name() { return "ceil"; }
        public Tensor forward(Tensor[] x, Context ctx) { return x[0].ceil(); }
    }

    /** {@code y = round(x)} (half to even); no gradient. */
    record Round() implements PiecewiseConstant {
        public String name() { return "round"; }
        public Tensor forward(Tensor[] x, Context ctx) { return x[0].round(); }
    }

    /** {@code y = a + b}; {@code da = g}, {@code db = g}. */
    record Add() implements Binary {
        public String name() { return "add"; }
        public Tensor forward(Tensor[] x, Context ctx) { return x[0].add(x[1]); }
        public Var[] backward(Var g, Context ctx) { return new Var[] {g, g}; }
    }

    /** {@code y = a - b}; {@code da = g}, {@code db = -g}. */
    record Sub() implements Binary {
        public String name() { return "sub"; }
        public Tensor forward(Tensor[] x, Context ctx) { return x[0].sub(x[1]); }
        public Var[] backward(Var g, Context ctx) { return new Var[] {g, ctx.needsInputGrad(1) ? g.neg() : null}; }
    }

    /** {@code y = a * b}; {@code da = g * b}, {@code db = g * a}. */
    record Mul() implements Binary {
        public String name() { return "mul"; }
        public Tensor forward(Tensor[] x, Context ctx) {
            if (ctx.needsInputGrad(0)) {
                ctx.saveInputs(1);
            }
            if (ctx.needsInputGrad(1)) {
                ctx.saveInputs(0);
            }
            return x[0].mul(x[1]);
        }
        public Var[] backward(Var g, Context ctx) {
            return new Var[] {
                ctx.needsInputGrad(0) ? g.mul(ctx.input(1)) : null,
                ctx.needsInputGrad(1) ? g.mul(ctx.input(0)) : null};
        }
    }

    /** {@code y = a / b}; {@code da = g / b}, {@code db = -g * y / b}. */
    record Div() implements Binary {
        public String name() { return "div"; }
        public Tensor forward(Tensor[] x, Context ctx) {
            ctx.saveInputs(1);
            if (ctx.needsInputGrad(1)) {
                ctx.saveOutput();
            }
            return x[0].div(x[1]);
        }
        public Var[] backward(Var g, Context ctx) {
            Var gOverB = g.div(ctx.input(1));
            return new Var[] {gOverB, ctx.needsInputGrad(1) ? gOverB.mul(ctx.output()).neg() : null};
        }
    }

    /**
     * {@code y = a ^ b}; {@code da = g * b * a^(b-1)}, {@code db = g * y * ln a} for {@code a > 0}.
     * NOTE: at {@code a = 0} and {@code b >= 0}, {@code db} is taken as 0 (y * ln a would be 0 * -inf =
     * NaN), which is the derivative for {@code b > 0}, where {@code 0^b} is constant; {@code ln} reads 1
     * there, so the gradient of the gradient is 0 too, not NaN. For {@code b < 0}, {@code y = inf} and
     * {@code db = -inf}, as PyTorch's.
     * NOTE: at {@code a = 0, b = 0}, {@code da} is 0, as PyTorch's and the scalar-exponent
     * {@code pow}'s are ({@code b * a^(b-1)} would be 0 * inf = NaN). The mask is on the exponent of
     * the power, which reads {@code b - 1 = 0} there, so {@code da = g * b * a^0} is 0 and every
     * derivative of it is finite; away from that point nothing changes (for {@code b = 0} and
     * {@code a != 0} the formula already gives 0, and its derivative in b, {@code g / a}, is kept).
     */
    record Pow() implements Binary {
        public String name() { return "pow"; }
        public Tensor forward(Tensor[] x, Context ctx) {
            ctx.saveInputs(0, 1);
            ctx.saveOutput();
            return x[0].pow(x[1]);
        }
        public Var[] backward(Var g, Context ctx) {
            Var a = ctx.input(0);
            Var b = ctx.input(1);
            Var one = Var.of(Tensor.scalar(a.dtype(), 1));
            // ln a is read as 0 only where a = 0 and b >= 0 (y is 0 or 1 there); for b < 0, y = inf and
            // db = inf * ln 0 = -inf, as PyTorch's, rather than inf * 0 = NaN
            Var logA = ctx.needsInputGrad(1)
                    ? Var.where(a.value().eq(0).logicalAnd(b.value().ge(0)), one, a).log() : null;
            Var da = null;
            if (ctx.needsInputGrad(0)) {
                Tensor zeroToZero = a.value().eq(0).logicalAnd(b.value().eq(0));
                da = g.mul(b).mul(a.pow(Var.where(zeroToZero, one, b).sub(1)));
            }
            return new Var[] {
                da,
                ctx.needsInputGrad(1) ? g.mul(ctx.output()).mul(logA) : null};
        }
    }

    /**
     * {@code y = max(a, b)}; {@code da = g * w}, {@code db = g * (1 - w)} with {@code w = 1} where
     * {@code a > b}, {@code 1/2} where they are equal, else 0.
     */
    record Maximum() implements Binary {
        public String name() { return "maximum"; }
        public Tensor forward(Tensor[] x, Context ctx) { ctx.saveInputs(0, 1); return x[0].maximum(x[1]); }
        public Var[] backward(Var g, Context ctx) { return splitTies(g, ctx, true); }
    }

    /** {@code y = min(a, b)}; as {@link Maximum} with {@code a < b}. */
    record Minimum() implements Binary {
        public String name() { return "minimum"; }
        public Tensor forward(Tensor[] x, Context ctx) { ctx.saveInputs(0, 1); return x[0].minimum(x[1]); }
        public Var[] backward(Var g, Context ctx) { return splitTies(g, ctx, false); }
    }

    /** {@code y = cond ? a : b}; {@code da = g * cond}, {@code db = g * !cond}. */
    record Where(Tensor condition) implements Binary {
        public String name() { return "where"; }
        public Tensor forward(Tensor[] x, Context ctx) { return Tensor.where(condition, x[0], x[1]); }
        public Var[] backward(Var g, Context ctx) {
            Var zero = zero(g);
            return new Var[] {
                ctx.needsInputGrad(0) ? Var.where(condition, g, zero) : null,
                ctx.needsInputGrad(1) ? Var.where(condition, zero, g) : null};
        }
    }

    private static Var[] splitTies(Var g, Context ctx, boolean max) {
        Tensor a = ctx.input(0).value();
        Tensor b = ctx.input(1).value();
        Tensor wins = max ? a.gt(b) : a.lt(b);
        Tensor w = wins.to(g.dtype()).add(a.eq(b).to(g.dtype()).mul(0.5));
        Var ga = g.mul(Var.of(w));
        return new Var[] {ga, ctx.needsInputGrad(1) ? g.sub(ga) : null};
    }

    private static Var zero(Var like) {
        return Var.of(Tensor.scalar(like.dtype(), 0));
    }
}
