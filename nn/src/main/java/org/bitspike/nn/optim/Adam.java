package org.bitspike.nn.optim;

import java.util.List;
import org.bitspike.autograd.Var;
import org.bitspike.tensor.AdamStep;
import org.bitspike.tensor.Tensor;

/**
 * Adam, and AdamW with decoupled weight decay (Loshchilov and Hutter). Per parameter:
 * {@code m = b1 m + (1 - b1) g}, {@code v = b2 v + (1 - b2) g^2}, and
 * {@code p -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)}. Adam adds {@code wd * p} to
 * {@code g} (L2); AdamW instead scales {@code p} by {@code 1 - lr * wd} before the update. Each
 * parameter is updated in one pass by {@link Tensor#adamStep_}; after the first step (which creates
 * the moment estimates) a step allocates nothing for contiguous parameters.
 *
 * <p>With {@code amsgrad} (Reddi, Kale and Kumar, "On the convergence of Adam and beyond", the
 * variant the Hoyer-regularised SNN papers train with) the denominator uses the running maximum of
 * {@code v} instead of {@code v}, as PyTorch: {@code vmax = max(vmax, v)} after the update of
 * {@code v}, and {@code p -= lr * (m / (1 - b1^t)) / (sqrt(vmax / (1 - b2^t)) + eps)}. The running
 * maximum is state ({@code maxExpAvgSq}), saved and restored with the rest; {@link #load} refuses
 * state saved without it (plain Adam's) rather than start it at zero, as PyTorch refuses it. The step is one fused
 * pass too ({@link Tensor#adamStep_(Tensor, Tensor, Tensor, Tensor, AdamStep)}), allocation-free
 * once the state exists.
 */
public final class Adam extends Optimizer {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final boolean decoupled;
    private final boolean amsgrad;

    public Adam(List<ParamGroup> groups, double beta1, double beta2, double eps, boolean decoupledWeightDecay) {
        this(groups, beta1, beta2, eps, decoupledWeightDecay, false);
    }

    /**
     * @param groups the parameters, with their learning rates and weight decays
     * @param beta1 decay of the first moment, in {@code [0, 1)}
     * @param beta2 decay of the second moment, in {@code [0, 1)}
     * @param eps added to the denominator, {@code > 0}
     * @param decoupledWeightDecay AdamW's decay (scales the parameter) instead of Adam's L2 term
     * @param amsgrad divide by the running maximum of the second moment (see the class comment)
     */
    public Adam(List<ParamGroup> groups, double beta1, double beta2, double eps, boolean decoupledWeightDecay,
            boolean amsgrad) {
        super(groups);
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps > 0)) {
            throw new IllegalArgumentException(String.format("Adam: betas %s, %s must be in [0, 1) and eps %s positive",
                    beta1, beta2, eps));
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.decoupled = decoupledWeightDecay;
        this.amsgrad = amsgrad;
    }

    /** Adam with AMSGrad, the usual betas and eps over one group (L2 weight decay, as PyTorch's {@code Adam}). */
    public static Adam amsgrad(List<Var> params, double lr, double weightDecay) {
        return new Adam(List.of(new ParamGroup(params, lr, weightDecay)), 0.9, 0.999, 1e-8, false, true);
    }

    /** Adam with the usual betas (0.9, 0.999) and eps 1e-8 over one group. */
    public static Adam of(List<Var> params, double lr, double weightDecay) {
        return new Adam(List.of(new ParamGroup(params, lr, weightDecay)), 0.9, 0.999, 1e-8, false);
    }

    /** AdamW with the usual betas and eps over one group. */
    public static Adam adamW(List<Var> params, double lr, double weightDecay) {
        return new Adam(List.of(new ParamGroup(params, lr, weightDecay)), 0.9, 0.999, 1e-8, true);
    }

    /**
     * Loaded all together ({@link #load}): a moment estimate restarted at zero while the step count
     * runs on would be bias-corrected wrongly, and a running maximum restarted at zero silently changes
     * AMSGrad (PyTorch refuses such state too, at its step).
     */
    @Override
    protected List<String> stateNames() {
        return amsgrad ? List.of("step", "expAvg", "expAvgSq", "maxExpAvgSq") : List.of("step", "expAvg", "expAvgSq");
    }

    @Override
    protected String describe() {
        return amsgrad ? "Adam (amsgrad)" : "Adam";
    }

    @Override
    protected void update(Tensor p, Tensor g, ParamGroup group, int slot) {
        long t = incrementStep(slot);
        Tensor m = state(slot, "expAvg");
        Tensor v = state(slot, "expAvgSq");
        if (m == null) {
            m = putState(slot, "expAvg", Tensor.zeros(p.dtype(), p.shape()));
            v = putState(slot, "expAvgSq", Tensor.zeros(p.dtype(), p.shape()));
        }
        AdamStep step = new AdamStep(group.lr(), beta1, beta2, eps, group.weightDecay(), decoupled, t);
        // NOTE: one fused pass, rounded as the unfused ops (see Tensor.adamStep_); nothing allocated.
        if (amsgrad) {
            Tensor vmax = state(slot, "maxExpAvgSq");
            if (vmax == null) {
                vmax = putState(slot, "maxExpAvgSq", Tensor.zeros(p.dtype(), p.shape()));
            }
            p.adamStep_(g, m, v, vmax, step);
        } else {
            p.adamStep_(g, m, v, step);
        }
    }
}
