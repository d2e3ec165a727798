package org.bitspike.nn.spiking;

import org.bitspike.autograd.Context;
import org.bitspike.autograd.Function;
import org.bitspike.autograd.GradMode;
import org.bitspike.autograd.Var;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.Spiking;
import org.bitspike.tensor.Tensor;
import org.bitspike.tensor.TensorException;

/**
 * The two ops of a Hoyer spike layer as functions of the potential u and the clipping value v,
 * with {@code z = u / |v|}: the spike {@link Fire} and the regulariser's term {@link Ratio}.
 * FLOAT32 runs on {@link Spiking}'s fused passes (one pass each way); other dtypes, and backward
 * passes that are themselves recorded (gradients of gradients), use tensor and {@link Var} ops that
 * spell out the same formulas, which is what the FLOAT64 gradient checks see.
 */
final class HoyerFunctions {
    private HoyerFunctions() {
    }

    /** |v| as a float, refusing a zero or non-finite clipping value (z would be infinite or NaN). */
    static double clipMagnitude(String layer, Tensor v) {
        double a = Math.abs(v.itemDouble());
        if (!(a > 0) || Double.isInfinite(a)) {
            throw TensorException.of(layer, "clipping value v = %s: |v| must be positive and finite to normalise the "
                    + "potential", v.itemDouble());
        }
        return a;
    }

    /**
     * {@code z >= threshold ? 1 : 0} (threshold {@code [C]} per channel of u, not differentiated) with
     * backward {@code dz = g * surrogate'(z)}, {@code du = dz / |v|}, {@code dv = -sign(v) sum(dz z) / |v|}.
     */
    static final class Fire extends OfPotential {
        private final Surrogate surrogate;
        private final Tensor threshold;

        Fire(String layer, Surrogate surrogate, Tensor threshold) {
            super(layer);
            this.surrogate = surrogate;
            this.threshold = threshold;
        }

        @Override
        public String name() {
            return layer;
        }

        @Override
        protected Tensor forward(Context ctx, Tensor... in) {
            ctx.saveInputs(0, 1);
            Tensor u = in[0];
            double a = clipMagnitude(layer, in[1]);
            if (u.dtype() == DType.FLOAT32) {
                return Spiking.fire(u, (float) a, threshold.contiguous().toFloatArray());
            }
            return u.div(in[1].abs()).ge(broadcastable(threshold, u.dim())).to(u.dtype());
        }

        @Override
        protected Var[] backward(Context ctx, Var g) {
            Var u = ctx.input(0);
            Var v = ctx.input(1);
            if (!GradMode.isEnabled() && u.dtype() == DType.FLOAT32 && surrogate instanceof Surrogate.Rectangle r) {
                float a = (float) clipMagnitude(layer, v.value());
                return fromFused(ctx, v, Spiking.fireBackward(g.value().contiguous(), u.value(), a, (float) r.lo(),
                        (float) r.hi(), (float) r.height(), ctx.needsInputGrad(0)));
            }
            Var magnitude = v.abs();
            Var z = u.div(magnitude);
            return throughNormalisation(ctx, g.mul(surrogate.derivative(z)), z, magnitude, v);
        }
    }

    /**
     * The squared Hoyer ratio {@code H(clamp(z, 0, 1))} of the whole tensor (0 when every entry is
     * clipped to 0), a 0-d result; the clamp passes its gradient on {@code [0, 1]} (autograd's clamp).
     */
    static final class Ratio extends OfPotential {
        private final Spiking.ClippedSums known;

        /** @param known the potential's clipped sums if already computed (FLOAT32), else null */
        Ratio(String layer, Spiking.ClippedSums known) {
            super(layer);
            this.known = known;
        }

        @Override
        public String name() {
            return "hoyerRatio(" + layer + ")";
        }

        @Override
        protected Tensor forward(Context ctx, Tensor... in) {
            ctx.saveInputs(0, 1);
            Tensor u = in[0];
            double a = clipMagnitude(layer, in[1]);
            if (u.dtype() == DType.FLOAT32) {
                Spiking.ClippedSums s = known != null ? known : Spiking.clippedSums(u, (float) a);
                double l1 = s.totalL1();
                double l2 = s.totalL2();
                ctx.keep(Tensor.scalar(DType.FLOAT64, l1), Tensor.scalar(DType.FLOAT64, l2));
                return Tensor.scalar(DType.FLOAT32, l2 == 0 ? 0 : l1 * l1 / l2);
            }
            return Hoyer.ratio(clip01(u.div(in[1].abs())), false);
        }

        @Override
        protected Var[] backward(Context ctx, Var g) {
            Var u = ctx.input(0);
            Var v = ctx.input(1);
            if (!GradMode.isEnabled() && u.dtype() == DType.FLOAT32) {
                float a = (float) clipMagnitude(layer, v.value());
                return fromFused(ctx, v, Spiking.ratioBackward(u.value(), a, ctx.kept(0).itemDouble(),
                        ctx.kept(1).itemDouble(), g.value().itemDouble(), ctx.needsInputGrad(0)));
            }
            Var magnitude = v.abs();
            Var z = u.div(magnitude);
            Var zc = Var.where(z.value().isNaN(), Var.of(Tensor.scalar(u.dtype(), 0)), z.clamp(0, 1));
            Var l1 = zc.sum();
            Var l2 = zc.square().sum();
            Tensor empty = l2.value().eq(0);
            Var safe = Var.where(empty, Var.of(Tensor.scalar(u.dtype(), 1)), l2);
            Var invExt = l1.div(safe);
            // dH/dzc = 2 l1 / l2 (sign(zc) - zc l1 / l2); 0 when every zc is 0 (l1 = 0)
            Var dzc = Var.of(zc.value().sign()).sub(zc.mul(invExt)).mul(invExt.mul(2));
            Var inside = Var.of(z.value().ge(0).logicalAnd(z.value().le(1)).to(u.dtype()));
            return throughNormalisation(ctx, g.mul(dzc).mul(inside), z, magnitude, v);
        }
    }

    /** A function of the potential u (input 0) and the clipping value v (input 1) through {@code z = u / |v|}. */
    private abstract static class OfPotential extends Function {
        final String layer;

        OfPotential(String layer) {
            this.layer = layer;
        }

        @Override
        public String inputName(int i) {
            return i == 0 ? "potential" : "clip";
        }

        /** The chain rule through z in Var ops: {@code du = dz / |v|}, {@code dv = -sign(v) sum(dz z) / |v|}. */
        static Var[] throughNormalisation(Context ctx, Var dz, Var z, Var magnitude, Var v) {
            return new Var[] {ctx.needsInputGrad(0) ? dz.div(magnitude) : null,
                ctx.needsInputGrad(1) ? dz.mul(z).sum().neg().div(magnitude).mul(Var.of(v.value().sign())) : null};
        }

        /** A fused pass's gradients: du as it is, {@code d|v|} with v's sign applied, in v's dtype and shape. */
        static Var[] fromFused(Context ctx, Var v, Spiking.Gradients d) {
            Var dv = !ctx.needsInputGrad(1) ? null : Var.of(Tensor.scalar(v.dtype(),
                    d.clip() * Math.signum(v.value().itemDouble())).reshape(v.shape()));
            return new Var[] {d.input() == null ? null : Var.of(d.input()), dv};
        }
    }

    /**
     * {@code clamp(z, 0, 1)} with NaN clipped to 0, as the fused FLOAT32 sums do: a NaN potential
     * neither counts toward theta nor poisons the running theta (the same in every dtype).
     */
    static Tensor clip01(Tensor z) {
        return Tensor.where(z.isNaN(), Tensor.scalar(z.dtype(), 0), z.clamp(0, 1));
    }

    /** theta [C] as [1, C, 1, ...] for a rank-{@code rank} input; a 0-d theta as it is. */
    static Tensor broadcastable(Tensor theta, int rank) {
        if (theta.dim() == 0) {
            return theta;
        }
        int[] shape = new int[rank];
        java.util.Arrays.fill(shape, 1);
        shape[1] = theta.size(0);
        return theta.reshape(shape);
    }
}
