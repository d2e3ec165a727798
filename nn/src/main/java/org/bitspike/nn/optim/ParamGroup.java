package org.bitspike.nn.optim;

import java.util.List;
import org.bitspike.autograd.Var;

/**
 * Parameters that share a learning rate and a weight decay, e.g. every weight with decay and the
 * BatchNorm parameters and thresholds without. The base learning rate is what a schedule scales;
 * the current one is what the next step uses.
 */
public final class ParamGroup {
    private final List<Var> params;
    private final double baseLr;
    private final double weightDecay;
    private double lr;

    public ParamGroup(List<Var> params, double lr, double weightDecay) {
        if (!(lr >= 0) || !(weightDecay >= 0)) {
            throw new IllegalArgumentException(String.format("ParamGroup: lr %s and weight decay %s must be >= 0",
                    lr, weightDecay));
        }
        for (Var p : params) {
            if (!p.requiresGrad() || !p.isLeaf()) {
                String which = p.name() != null ? "'" + p.name() + "'" : "of shape " + java.util.Arrays.toString(p.shape());
                throw new IllegalArgumentException("ParamGroup: parameter " + which
                        + " is not a trainable leaf (create it with Var.withGrad)");
            }
        }
        this.params = List.copyOf(params);
        this.baseLr = lr;
        this.weightDecay = weightDecay;
        this.lr = lr;
    }

    public List<Var> params() {
        return params;
    }

    public double baseLr() {
        return baseLr;
    }

    public double lr() {
        return lr;
    }

    /** Sets the learning rate of the next steps (what a schedule does). */
    public void setLr(double newLr) {
        if (!(newLr >= 0)) {
            throw new IllegalArgumentException("ParamGroup: lr must be >= 0, got " + newLr);
        }
        lr = newLr;
    }

    public double weightDecay() {
        return weightDecay;
    }
}
