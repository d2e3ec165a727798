package org.bitspike.nn;

import org.bitspike.autograd.Context;
import org.bitspike.autograd.Function;
import org.bitspike.autograd.GradMode;
import org.bitspike.autograd.Var;
import org.bitspike.tensor.Tensor;

/**
 * Training-mode batch normalisation as one op, {@code y = w * xhat + b} with
 * {@code xhat = (x - mean) / sqrt(var + eps)} over every dimension but the channels (1), instead
 * of the dozen primitives of its composite form. With {@code gy} the output gradient and {@code n}
 * the values per channel:
 * {@code db = sum gy}, {@code dw = sum gy * xhat},
 * {@code dx = w / sqrt(var + eps) * (gy - db / n - xhat * dw / n)}.
 *
 * <p>Inputs: {@code x [N, C, ...]}, {@code w [C]}, {@code b [C]}. The batch mean and biased
 * variance are {@link #statistics() kept} for the running-statistics update. When the backward is
 * recorded (gradients of gradients), it is computed from the saved inputs with differentiable ops,
 * the composite's way; otherwise from the kept normalised input, in a few passes.
 */
final class BatchNormFunction extends Function {
    private final double eps;
    private Tensor mean;
    private Tensor variance;

    BatchNormFunction(double eps) {
        this.eps = eps;
    }

    @Override
    public String name() {
        return "batchNorm";
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
        int[] dims = reducedDims(x.dim());
        int[] perChannel = perChannel(x);
        Tensor m = x.mean(dims, true);
        Tensor centred = x.sub(m);
        Tensor v = centred.mul(centred).mean(dims, true);
        Tensor invStd = v.add(eps).rsqrt();
        Tensor xhat = centred.mul(invStd);
        mean = m.reshape(x.size(1));
        variance = v.reshape(x.size(1));
        ctx.saveInputs(0, 1);
        ctx.keep(xhat, invStd);
        return xhat.mul(in[1].reshape(perChannel)).add(in[2].reshape(perChannel));
    }

    @Override
    protected Var[] backward(Context ctx, Var gy) {
        Var x = ctx.input(0);
        Var w = ctx.input(1);
        int[] dims = reducedDims(x.dim());
        int[] perChannel = perChannel(x.value());
        double n = (double) x.numel() / x.size(1);
        if (GradMode.isEnabled()) { // recorded: differentiate through x again
            Var centred = x.sub(x.mean(dims, true));
            Var invStd = centred.mul(centred).mean(dims, true).add(eps).rsqrt();
            Var xhat = centred.mul(invStd);
            return gradients(ctx, gy, xhat, invStd, w.reshape(perChannel), dims, n);
        }
        return gradients(ctx, gy, Var.of(ctx.kept(0)), Var.of(ctx.kept(1)), w.reshape(perChannel), dims, n);
    }

    private static Var[] gradients(Context ctx, Var gy, Var xhat, Var invStd, Var w, int[] dims, double n) {
        Var db = gy.sum(dims, true);
        Var dw = gy.mul(xhat).sum(dims, true);
        Var dx = ctx.needsInputGrad(0)
                ? gy.sub(db.div(n)).sub(xhat.mul(dw.div(n))).mul(w.mul(invStd))
                : null;
        int c = xhat.size(1);
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
