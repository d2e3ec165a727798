package org.bitspike.nn;

import org.bitspike.autograd.GradMode;
import org.bitspike.autograd.Var;
import org.bitspike.nn.accounting.Countable;
import org.bitspike.nn.accounting.Forward;
import org.bitspike.nn.accounting.LayerCosts;
import org.bitspike.nn.accounting.OpCounts;
import org.bitspike.nn.accounting.OpKind;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;

/**
 * Inverted dropout. Each training call draws its mask from {@code key} folded with a call counter;
 * the counter is a buffer, so a model restored from a checkpoint draws the same masks as one that
 * never stopped.
 */
public final class Dropout extends Layer implements Countable {
    private final double p;
    private final RandomKey key;
    private final Tensor calls;

    public Dropout(double p, RandomKey key) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("Dropout: probability must be in [0, 1), got " + p);
        }
        this.p = p;
        this.key = key;
        this.calls = buffer("calls", Tensor.zeros(DType.INT64));
    }

    @Override
    protected Var compute(Var x) {
        if (!isTraining()) {
            return x;
        }
        long call = calls.getLong();
        try (GradMode.Scope scope = GradMode.noGrad()) {
            calls.add_(1);
        }
        return Functional.dropout(x, p, key.fold(call), true);
    }

    /** Free in evaluation (the identity); in training one FLOP per element, the mask's scaling. */
    @Override
    public OpCounts cost(Forward forward) {
        return forward.training() ? LayerCosts.elementwise(OpKind.FLOP, 1, forward.output()) : OpCounts.ZERO;
    }

    @Override
    protected String describe() {
        return "Dropout(" + p + ")";
    }
}
