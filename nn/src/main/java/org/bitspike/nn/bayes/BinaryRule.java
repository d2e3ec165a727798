package org.bitspike.nn.bayes;

import java.util.List;
import java.util.Map;
import org.bitspike.autograd.GradMode;
import org.bitspike.autograd.Var;
import org.bitspike.nn.optim.Optimizer;
import org.bitspike.nn.optim.ParamGroup;
import org.bitspike.tensor.Tensor;

/**
 * An optimiser that trains binary weights through a real parameter {@code theta} per weight, kept as its state
 * (named {@link #stateName()}), and writes the weight the forward uses into the layer's own parameter (as BiSNN's
 * {@code BiSGD} and {@code BayesBiSNNRP} do): the layers stay rule-agnostic. At construction {@code theta} is a copy
 * of each parameter's value and the parameter becomes {@code sign(theta)} ({@link #writeMode()}).
 *
 * <p>The sign rule is bitspike's: {@code sign(0) = +1}, NaN -> -1 (as {@code Quantizer}, the packed kernels).
 */
public abstract sealed class BinaryRule extends Optimizer permits StraightThroughSgd, BayesBiSnn {
    private final List<Var> params;

    BinaryRule(List<Var> params, double lr, String name) {
        super(List.of(new ParamGroup(checkParams(params, name), lr, 0)));
        this.params = List.copyOf(params);
        try (GradMode.Scope scope = GradMode.noGrad()) {
            for (int slot = 0; slot < params.size(); slot++) {
                putState(slot, stateName(), params.get(slot).value().copy());
            }
        }
        writeMode();
    }

    private static List<Var> checkParams(List<Var> params, String name) {
        if (params == null || params.isEmpty()) {
            throw new IllegalArgumentException(name + ": no parameters to train");
        }
        for (Var p : params) {
            if (!p.dtype().isFloating()) {
                throw new IllegalArgumentException(name + ": parameter '" + p.name() + "' is " + p.dtype()
                        + ", not floating point");
            }
        }
        return params;
    }

    /** The name of {@code theta} in the state: {@code latent} or {@code theta}. */
    protected abstract String stateName();

    @Override
    protected final List<String> stateNames() {
        return List.of(stateName());
    }

    /** The parameters, in slot order. */
    public List<Var> params() {
        return params;
    }

    /** {@code theta} of {@code param} (the live state tensor: read it, do not modify it). */
    public Tensor theta(Var param) {
        int slot = params.indexOf(param);
        if (slot < 0) {
            throw new IllegalArgumentException(describe() + ": the parameter '" + param.name() + "' is not trained here");
        }
        return state(slot, stateName());
    }

    /** {@code theta} of parameter {@code slot}. */
    protected Tensor theta(int slot) {
        return state(slot, stateName());
    }

    /** Writes {@code sign(theta)} into every parameter: the deterministic (MAP) network. */
    public void writeMode() {
        try (GradMode.Scope scope = GradMode.noGrad()) {
            for (int slot = 0; slot < params.size(); slot++) {
                params.get(slot).value().copy_(sign(theta(slot)));
            }
        }
    }

    /** Restores the state (see {@link Optimizer#load}), then writes {@code sign(theta)} into the parameters. */
    @Override
    public void load(Map<String, Tensor> saved) {
        super.load(saved);
        writeMode();
    }

    /** {@code +1} where {@code x >= 0} (also -0), {@code -1} where {@code x < 0} or NaN, in x's dtype. */
    static Tensor sign(Tensor x) {
        return Tensor.where(x.ge(0.0), Tensor.scalar(x.dtype(), 1), Tensor.scalar(x.dtype(), -1));
    }

    /** Every parameter's learning rate (one group). */
    protected double lr() {
        return groups().get(0).lr();
    }
}
