package org.bitspike.nn.optim;

import java.util.ArrayList;
import java.util.List;
import org.bitspike.autograd.Var;
import org.bitspike.tensor.Tensor;

/**
 * RMSprop with PyTorch's update rules. Per parameter, with {@code wd} the group's weight decay:
 * <pre>{@code
 * g = grad + wd * p                                  (when wd != 0)
 * s = alpha * s + (1 - alpha) * g^2                  (the square average)
 * a = alpha * a + (1 - alpha) * g                    (centered only: the gradient average)
 * d = sqrt(s - a^2) + eps   (centered)   or   sqrt(s) + eps
 * b = momentum * b + g / d;  p -= lr * b             (momentum > 0)
 * p -= lr * g / d                                    (momentum = 0)
 * }</pre>
 * Every state starts at zero; the state names are {@code squareAvg}, {@code gradAvg} (centered) and
 * {@code momentumBuffer} (momentum), saved and restored by {@link #stateDict()} with the step count.
 * {@link #load} refuses a parameter's state that lacks one this configuration uses (state saved
 * without momentum or centering, loaded into an RMSprop with them): PyTorch refuses it too (at its
 * step), and a gradient average or momentum restarted at zero mid-run would silently differ from
 * both the saved run and a fresh one.
 * NOTE: written with tensor ops, it allocates a few parameter-sized temporaries per step (the
 * squared gradient, the denominator and the ratio).
 */
public final class RMSprop extends Optimizer {
    private final double alpha;
    private final double eps;
    private final double momentum;
    private final boolean centered;

    /**
     * @param groups the parameters, with their learning rates and (L2) weight decays
     * @param alpha smoothing constant of the averages, in {@code [0, 1]}
     * @param eps added to the denominator, {@code > 0} (PyTorch also allows 0, which divides by
     *     zero on a zero gradient)
     * @param momentum {@code >= 0}; 0 for none
     * @param centered normalise by an estimate of the gradient's variance instead of its second moment
     */
    public RMSprop(List<ParamGroup> groups, double alpha, double eps, double momentum, boolean centered) {
        super(groups);
        if (!(alpha >= 0 && alpha <= 1) || !(eps > 0) || !(momentum >= 0) || Double.isInfinite(momentum)) {
            throw new IllegalArgumentException(String.format("RMSprop: alpha %s must be in [0, 1], eps %s > 0 and "
                    + "momentum %s finite and >= 0", alpha, eps, momentum));
        }
        this.alpha = alpha;
        this.eps = eps;
        this.momentum = momentum;
        this.centered = centered;
    }

    /** PyTorch's defaults (alpha 0.99, eps 1e-8, no momentum, not centered) over one group. */
    public static RMSprop of(List<Var> params, double lr, double weightDecay) {
        return new RMSprop(List.of(new ParamGroup(params, lr, weightDecay)), 0.99, 1e-8, 0, false);
    }

    @Override
    protected List<String> stateNames() {
        List<String> names = new ArrayList<>(List.of("step", "squareAvg"));
        if (centered) {
            names.add("gradAvg");
        }
        if (momentum > 0) {
            names.add("momentumBuffer");
        }
        return names;
    }

    @Override
    protected String describe() {
        return "RMSprop (" + (centered ? "centered" : "not centered") + ", momentum " + momentum + ")";
    }

    @Override
    protected void update(Tensor p, Tensor g, ParamGroup group, int slot) {
        incrementStep(slot);
        Tensor square = state(slot, "squareAvg");
        if (square == null) {
            square = putState(slot, "squareAvg", Tensor.zeros(p.dtype(), p.shape()));
            if (centered) {
                putState(slot, "gradAvg", Tensor.zeros(p.dtype(), p.shape()));
            }
            if (momentum > 0) {
                putState(slot, "momentumBuffer", Tensor.zeros(p.dtype(), p.shape()));
            }
        }
        double wd = group.weightDecay();
        Tensor grad = wd != 0 ? g.add(p.mul(wd)) : g;
        square.mul_(alpha).addScaled_(grad.mul(grad), 1 - alpha);
        Tensor variance = square;
        if (centered) {
            Tensor avg = state(slot, "gradAvg");
            avg.mul_(alpha).addScaled_(grad, 1 - alpha);
            variance = square.sub(avg.mul(avg));
        }
        Tensor denom = variance.sqrt().add(eps);
        if (momentum > 0) {
            Tensor buf = state(slot, "momentumBuffer");
            buf.mul_(momentum).add_(grad.div(denom));
            p.addScaled_(buf, -group.lr());
        } else {
            p.addScaled_(grad.div(denom), -group.lr());
        }
    }
}
