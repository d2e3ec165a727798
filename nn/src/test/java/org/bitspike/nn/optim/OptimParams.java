package org.bitspike.nn.optim;

import org.bitspike.autograd.Var;
import org.bitspike.tensor.Tensor;

/** Parameters and gradients for the optimizer tests. */
final class OptimParams {
    private OptimParams() {
    }

    /** A float64 parameter of shape [values.length] that records its gradient. */
    static Var param(double... values) {
        return Var.withGrad(Tensor.of(values, values.length));
    }

    /** Sets the gradient of {@code p} to {@code g} by back-propagating {@code sum(p * g)}. */
    static void grad(Var p, double... g) {
        p.zeroGrad();
        p.mul(Var.of(Tensor.of(g, g.length))).sum().backward();
    }
}
