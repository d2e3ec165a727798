package org.bitspike.nn.optim;

import java.util.List;
import org.bitspike.tensor.Tensor;

/**
 * Stochastic gradient descent with PyTorch's semantics: {@code d = g + wd * p}; with momentum
 * {@code buf = momentum * buf + (1 - dampening) * d} (the first step sets {@code buf = d}), then
 * {@code d = buf}, or {@code d + momentum * buf} with Nesterov; finally {@code p -= lr * d}.
 * Each line of {@link #update} is one pass of an in-place op ({@code mul_} by a scalar, the fused
 * {@code addScaled_}), so after the first step (which creates the momentum buffer) a step allocates
 * nothing for contiguous parameters.
 */
public final class Sgd extends Optimizer {
    private final double momentum;
    private final double dampening;
    private final boolean nesterov;

    public Sgd(List<ParamGroup> groups, double momentum, double dampening, boolean nesterov) {
        super(groups);
        if (!(momentum >= 0) || !(dampening >= 0 && dampening <= 1) || (nesterov && (momentum == 0 || dampening != 0))) {
            throw new IllegalArgumentException(String.format("Sgd: momentum %s must be >= 0 and dampening %s in [0, 1]; "
                    + "Nesterov needs momentum > 0 and no dampening", momentum, dampening));
        }
        this.momentum = momentum;
        this.dampening = dampening;
        this.nesterov = nesterov;
    }

    /** Plain momentum SGD over one group. */
    public static Sgd of(List<org.bitspike.autograd.Var> params, double lr, double momentum, double weightDecay) {
        return new Sgd(List.of(new ParamGroup(params, lr, weightDecay)), momentum, 0, false);
    }

    /** The momentum buffer only, with momentum; created lazily from the first gradient (as PyTorch). */
    @Override
    protected List<String> stateNames() {
        return momentum > 0 ? List.of("momentum") : List.of();
    }

    @Override
    protected void update(Tensor p, Tensor g, ParamGroup group, int slot) {
        double lr = group.lr();
        double wd = group.weightDecay();
        if (momentum == 0) {
            if (wd != 0) {
                p.mul_(1 - lr * wd);
            }
            p.addScaled_(g, -lr);
            return;
        }
        Tensor buf = state(slot, "momentum");
        if (buf == null) {
            buf = putState(slot, "momentum", g.copy());
            if (wd != 0) {
                buf.addScaled_(p, wd);
            }
        } else {
            buf.mul_(momentum).addScaled_(g, 1 - dampening);
            if (wd != 0) {
                buf.addScaled_(p, wd * (1 - dampening));
            }
        }
        if (nesterov) { // p -= lr * (g + wd p + momentum buf), with the decay applied to the old p
            if (wd != 0) {
                p.mul_(1 - lr * wd);
            }
            p.addScaled_(g, -lr).addScaled_(buf, -lr * momentum);
        } else {
            p.addScaled_(buf, -lr);
        }
    }
}
