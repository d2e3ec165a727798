package org.bitspike.autograd;

import org.bitspike.tensor.DType;
import org.bitspike.tensor.Tensor;

/**
 * The bodies of {@link Var}'s composite activations, kept out of {@code Var} so that the facade stays
 * a list of one-line, documented entry points. Each validates its arguments, naming the op.
 */
final class Activations {
    private static final double TANH_GELU_BOUND = 100;

    private Activations() {
    }

    static Var softplus(Var x, double beta, double threshold) {
        if (!(beta > 0) || Double.isInfinite(beta)) {
            throw AutogradException.of("softplus", "beta must be positive and finite, got %s for shape %s", beta,
                    x.shape());
        }
        double rounded = x.dtype() == DType.FLOAT32 ? (float) beta : beta;
        if (rounded == 0 || Double.isInfinite(rounded)) {
            throw AutogradException.of("softplus", "beta %s rounds to %s in the input's dtype %s (shape %s): it must "
                    + "stay positive and finite", beta, rounded, x.dtype(), x.shape());
        }
        if (Double.isNaN(threshold)) {
            throw AutogradException.of("softplus", "threshold must not be NaN (use +Infinity for none), shape %s",
                    x.shape());
        }
        Var scaled = beta == 1 ? x : x.mul(beta);
        Var soft = beta == 1 ? scaled.softplus() : scaled.softplus().div(beta);
        if (threshold == Double.POSITIVE_INFINITY) {
            return soft;
        }
        // NOTE: both branches have finite gradients everywhere, so the where is safe (no 0 * inf).
        return Var.where(scaled.value().gt(threshold), x, soft);
    }

    static Var hardtanh(Var x, double min, double max) {
        if (!(min <= max)) {
            throw AutogradException.of("hardtanh", "bounds must be numbers with min <= max, got min %s, max %s for "
                    + "shape %s", min, max, x.shape());
        }
        return Engine.apply(new ElementwisePrimitive.Hardtanh(min, max), x);
    }

    static Var gelu(Var x, GeluApproximation approximation) {
        if (approximation == null) {
            throw AutogradException.of("gelu", "approximation is null (NONE or TANH) for shape %s", x.shape());
        }
        return switch (approximation) {
            // NOTE: as PyTorch, 1 + erf(x / sqrt 2) cancels for x below about -8, where gelu is below 1e-14
            // in magnitude: the absolute error stays at a few ulp of 1 times |x|.
            case NONE -> x.mul(x.mul(1 / Math.sqrt(2)).erf().add(1)).mul(0.5);
            case TANH -> {
                // NOTE: the cube sees x clamped to [-100, 100]: tanh of the inner term is already exactly +-1 at
                // |x| = 100 (its argument is 3.6e4), so values do not change, but x^3 can no longer overflow
                // (FLOAT32 from |x| = 7e12) and feed 0 * inf = NaN into the gradient.
                Var bounded = x.clamp(-TANH_GELU_BOUND, TANH_GELU_BOUND);
                Var inner = x.add(bounded.mul(bounded).mul(bounded).mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
                yield x.mul(inner.tanh().add(1)).mul(0.5);
            }
        };
    }

    static Var elu(Var x, double alpha) {
        if (!Double.isFinite(alpha)) {
            throw AutogradException.of("elu", "alpha must be finite, got %s for shape %s", alpha, x.shape());
        }
        // NOTE: the negative branch sees min(x, 0), so e^x - 1 never overflows where the where discards it
        // (a gradient 0 * inf = NaN would otherwise leak through); clamp passes its gradient at its bound,
        // so the derivative at 0 is alpha e^0 = alpha, as PyTorch's.
        // NOTE: NaN takes the identity branch, as PyTorch's (its backward tests x <= 0, false for NaN):
        // the output is NaN and the gradient 1 (the clamp would have passed no gradient, a silent 0).
        Var negative = x.clamp(Double.NEGATIVE_INFINITY, 0).expm1().mul(alpha);
        Tensor identity = x.value().gt(0).logicalOr(x.value().ne(x.value()));
        return Var.where(identity, x, negative);
    }
}
