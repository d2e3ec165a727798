package org.bitspike.nn.spiking;

import java.util.Objects;
import org.bitspike.autograd.Context;
import org.bitspike.autograd.Function;
import org.bitspike.autograd.Var;
import org.bitspike.tensor.Tensor;
import org.bitspike.tensor.TensorException;

/**
 * Spike functions: the Heaviside step in the forward, a {@link Surrogate}'s derivative in the
 * backward. A potential exactly at the threshold fires (the step is {@code x >= 0}); a NaN
 * potential does not (every comparison with NaN is false). Spikes have the potential's dtype and
 * are exactly 0 or 1.
 */
public final class Spikes {
    private Spikes() {
    }

    /** {@code x >= 0 ? 1 : 0} with backward {@code grad * surrogate.derivative(x)}. */
    public static Var heaviside(Var x, Surrogate surrogate) {
        Objects.requireNonNull(x, "heaviside: input is null");
        return new SpikeFunction(surrogate, true).apply(x, Var.of(Tensor.scalar(x.dtype(), 0)));
    }

    /**
     * {@code x >= threshold ? 1 : 0} (threshold broadcast to x, not differentiated) with backward
     * {@code grad * surrogate.derivative(x - threshold)}: the surrogate centred on the threshold, as
     * in multi-step SNNs.
     */
    public static Var fire(Var x, Tensor threshold, Surrogate surrogate) {
        return new SpikeFunction(surrogate, true).apply(x, Var.of(checkThreshold("fire", x, threshold)));
    }

    /**
     * {@code x >= threshold ? 1 : 0} with backward {@code grad * surrogate.derivative(x)}: the
     * surrogate anchored on the potential itself rather than on the threshold, as the Hoyer spike's
     * window {@code (0, 2]} is on the normalised potential whatever the threshold.
     */
    public static Var fireAnchored(Var x, Tensor threshold, Surrogate surrogate) {
        return new SpikeFunction(surrogate, false).apply(x, Var.of(checkThreshold("fireAnchored", x, threshold)));
    }

    private static Tensor checkThreshold(String op, Var x, Tensor threshold) {
        Objects.requireNonNull(x, op + ": input is null");
        Objects.requireNonNull(threshold, op + ": threshold is null");
        if (threshold.dtype() != x.dtype()) {
            throw TensorException.of(op, "threshold of dtype %s does not match the potential's %s", threshold.dtype(),
                    x.dtype());
        }
        return threshold;
    }

    /** The step with a surrogate backward; input 1, the threshold, has no derivative. */
    private static final class SpikeFunction extends Function {
        private final Surrogate surrogate;
        private final boolean centred;

        SpikeFunction(Surrogate surrogate, boolean centred) {
            this.surrogate = Objects.requireNonNull(surrogate, "spike: surrogate is null");
            this.centred = centred;
        }

        @Override
        public String name() {
            return "spike(" + surrogate + ")";
        }

        @Override
        public String inputName(int i) {
            return i == 0 ? "potential" : "threshold";
        }

        @Override
        public boolean isNonDifferentiable(int i) {
            return i == 1;
        }

        @Override
        protected Tensor forward(Context ctx, Tensor... x) {
            ctx.saveInputs(0, 1);
            return x[0].ge(x[1]).to(x[0].dtype());
        }

        @Override
        protected Var[] backward(Context ctx, Var grad) {
            Var x = ctx.input(0);
            Var at = centred ? x.sub(ctx.input(1)) : x;
            return new Var[] {grad.mul(surrogate.derivative(at)), null};
        }
    }

    /** {@code atan(pi/2 alpha x) / pi + 1/2}, elementwise in double precision (no tensor arctangent exists). */
    static Var arctanStep(Var x, double alpha) {
        return new Function() {
            @Override
            public String name() {
                return "arctanStep";
            }

            @Override
            protected Tensor forward(Context ctx, Tensor... in) {
                ctx.saveInputs(0);
                double[] v = in[0].toDoubleArray();
                for (int i = 0; i < v.length; i++) {
                    v[i] = Math.atan(Math.PI / 2 * alpha * v[i]) / Math.PI + 0.5;
                }
                // NOTE: Tensor.of with an empty shape is 1-D; reshape keeps a 0-d input 0-d
                return Tensor.of(v, v.length).reshape(in[0].shape()).to(in[0].dtype());
            }

            @Override
            protected Var[] backward(Context ctx, Var grad) {
                return new Var[] {grad.mul(new Surrogate.Arctan(alpha).derivative(ctx.input(0)))};
            }
        }.apply(x);
    }
}
