package org.bitspike.autograd;

/**
 * The bodies of {@link Var}'s composite activations, kept out of {@code Var} so that the facade stays
 * a list of one-line, documented entry points. Each validates its arguments, naming the op.
 */
final class Activations {
    private Activations() {
    }

    static Var softplus(Var x, double beta, double threshold) {
        if (!(beta > 0) || Double.isInfinite(beta)) {
            throw AutogradException.of("softplus", "beta must be positive and finite, got %s for shape %s", beta,
                    x.shape());
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
}
