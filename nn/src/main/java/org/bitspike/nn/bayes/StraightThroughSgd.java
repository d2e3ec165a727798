package org.bitspike.nn.bayes;

import java.util.List;
import org.bitspike.autograd.Var;
import org.bitspike.nn.optim.ParamGroup;
import org.bitspike.tensor.Tensor;

/**
 * The ST-BiSNN rule (digest 5.3, BiSNN's {@code BiSGD}): a latent real weight {@code theta} per binary weight,
 * forward weight {@code w = sign(theta)}, and plain SGD on the latent weight with the gradient of the forward
 * weight (straight through, no clipping, no momentum):
 *
 * <pre>
 *   g = dL[t]/dw          (the local loss of this step, surrogate gradient)
 *   theta <- theta - lr g
 *   w <- sign(theta)      (sign(0) = +1)
 * </pre>
 *
 * The latent weights start as a copy of the parameters (BiSNN: +-10 or +-5, so {@code lr} is in the hundreds).
 */
public final class StraightThroughSgd extends BinaryRule {
    /** Trains {@code params} (their current values become the latent weights) with learning rate {@code lr >= 0}. */
    public StraightThroughSgd(List<Var> params, double lr) {
        super(params, checkLr(lr), "StraightThroughSgd");
    }

    private static double checkLr(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("StraightThroughSgd: the learning rate must be >= 0 and finite, got " + lr);
        }
        return lr;
    }

    @Override
    protected String stateName() {
        return "latent";
    }

    @Override
    protected void update(Tensor param, Tensor grad, ParamGroup group, int slot) {
        Tensor latent = theta(slot);
        latent.addScaled_(grad, -group.lr());
        param.copy_(sign(latent));
    }
}
