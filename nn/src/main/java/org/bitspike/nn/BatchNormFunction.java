package org.bitspike.nn;

import org.bitspike.autograd.Context;
import org.bitspike.autograd.Function;
import org.bitspike.autograd.GradMode;
import org.bitspike.autograd.Var;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.Normalization;
import org.bitspike.tensor.Normalization.Activation;
import org.bitspike.tensor.Tensor;

/**
 * Training-mode batch normalisation, optionally followed by a ReLU, as one op:
 * {@code y = act(w * xhat + b)} with {@code xhat = (x - mean) * invStd},
 * {@code invStd = 1 / sqrt(var + eps)} over every dimension but the channels (1), instead of the
 * dozen primitives of its composite form. With {@code g} the output gradient masked by the ReLU
 * ({@code 0} where {@code y <= 0}) and {@code n} the values per channel:
 * {@code db = sum g}, {@code dw = sum g * xhat},
 * {@code dx = w * invStd * (g - db / n - xhat * dw / n)}.
 *
 * <p>Inputs: {@code x [N, C, ...]}, {@code w [C]}, {@code b [C]}. The batch mean and biased
 * variance are {@link #statistics() kept} for the running-statistics update. FLOAT32 runs on
 * {@link Normalization}'s fused passes: two passes for the statistics and one for the output
 * forward, two backward. When the backward is recorded (gradients of gradients), or for FLOAT64,
 * it is computed from the saved inputs with differentiable ops, the composite's way.
 */
final class BatchNormFunction extends Function {
    private final double eps;
    private final Activation activation;
    private Tensor mean;
    private Tensor variance;

    BatchNormFunction(double eps, Activation activation) {
        this.eps = eps;
        this.activation = activation;
    }

    @Override
    public String name() {
        return activation == Activation.RELU ? "batchNormRelu" : "batchNorm";
    }

    @Override
    public String inputName(int i) {
        return i == 0 ? "input" : i == 1 ? "weight" : "bias";
    }

    /** The batch mean and biased variance {@code [C]} of the last forward. */
    Tensor[] statistics() {
        return new Tensor[] {mean, variance};
    }

    @Override
    protected Tensor forward(Context ctx, Tensor... in) {
        Tensor x = in[0];
        ctx.saveInputs(0, 1);
        if (activation == Activation.RELU) {
            ctx.saveOutput();
        }
        if (x.dtype() != DType.FLOAT32 || in[1].dtype() != DType.FLOAT32 || in[2].dtype() != DType.FLOAT32) {
            return compositeForward(ctx, in);
        }
        Normalization.Moments moments = Normalization.channelMoments(x);
        mean = moments.mean();
        variance = moments.variance();
        Tensor invStd = variance.add(eps).rsqrt();
        ctx.keep(mean, invStd);
        return Normalization.channelAffine(x, mean, in[1].mul(invStd), in[2], activation);
    }

    /** Other dtypes: the statistics and the affine map with tensor ops. */
    private Tensor compositeForward(Context ctx, Tensor... in) {
        Tensor x = in[0];
        int[] dims = reducedDims(x.dim());
        int[] perChannel = perChannel(x);
        Tensor m = x.mean(dims, true);
        Tensor centred = x.sub(m);
        Tensor v = centred.mul(centred).mean(dims, true);
        mean = m.reshape(x.size(1));
        variance = v.reshape(x.size(1));
        Tensor y = centred.mul(v.add(eps).rsqrt()).mul(in[1].reshape(perChannel)).add(in[2].reshape(perChannel));
        return activation == Activation.RELU ? y.relu() : y;
    }

    @Override
    protected Var[] backward(Context ctx, Var gy) {
        Var x = ctx.input(0);
        Var w = ctx.input(1);
        if (GradMode.isEnabled() || x.value().dtype() != DType.FLOAT32) {
            return recordedBackward(ctx, gy, x, w);
        }
        Tensor y = activation == Activation.RELU ? ctx.output().value() : null;
        Normalization.Gradients g = Normalization.batchNormBackward(gy.value(), x.value(), y, ctx.kept(0),
                ctx.kept(1), w.value(), activation, ctx.needsInputGrad(0));
        return new Var[] {
            g.input() == null ? null : Var.of(g.input()),
            ctx.needsInputGrad(1) ? Var.of(g.weight()) : null,
            ctx.needsInputGrad(2) ? Var.of(g.bias()) : null};
    }

    /** Differentiable ops, recomputing the statistics from x so the gradient has gradients too. */
    private Var[] recordedBackward(Context ctx, Var gy, Var x, Var w) {
        int[] dims = reducedDims(x.dim());
        int[] perChannel = perChannel(x.value());
        double n = (double) x.numel() / x.size(1);
        Var g = gy;
        if (activation == Activation.RELU) {
            // The ReLU's mask is a constant (its second derivative is zero almost everywhere); a
            // select, as the ReLU's own backward, so masked values are +0 whatever gy's sign.
            g = Var.where(ctx.output().value().gt(0), gy, Var.of(Tensor.zeros(gy.value().dtype())));
        }
        Var centred = x.sub(x.mean(dims, true));
        Var invStd = centred.mul(centred).mean(dims, true).add(eps).rsqrt();
        Var xhat = centred.mul(invStd);
        Var db = g.sum(dims, true);
        Var dw = g.mul(xhat).sum(dims, true);
        Var dx = ctx.needsInputGrad(0)
                ? g.sub(db.div(n)).sub(xhat.mul(dw.div(n))).mul(w.reshape(perChannel).mul(invStd))
                : null;
        int c = x.size(1);
        return new Var[] {dx, ctx.needsInputGrad(1) ? dw.reshape(c) : null, ctx.needsInputGrad(2) ? db.reshape(c) : null};
    }

    private static int[] reducedDims(int rank) {
        int[] dims = new int[rank - 1];
        for (int d = 2; d < rank; d++) {
            dims[d - 1] = d;
        }
        return dims; // dims[0] = 0
    }

    private static int[] perChannel(Tensor x) {
        int[] shape = new int[x.dim()];
        java.util.Arrays.fill(shape, 1);
        shape[1] = x.size(1);
        return shape;
    }
}
