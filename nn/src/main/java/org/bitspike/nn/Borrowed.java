package org.bitspike.nn;

import org.bitspike.autograd.Var;
import org.bitspike.nn.accounting.Countable;
import org.bitspike.nn.accounting.Forward;
import org.bitspike.nn.accounting.OpCounts;

/**
 * A stateless layer of another model (pooling, flatten, an activation), called but not adopted: it is not
 * registered as a child, so no mode switch, conversion, load or operation counter of the borrowing model
 * reaches the owner's object. See {@link Layers#borrowed(Layer)}.
 */
final class Borrowed extends Layer implements Countable {
    private final Layer layer;

    /** The layer this one forwards to. */
    Layer borrowed() {
        return layer;
    }

    Borrowed(Layer layer) {
        this.layer = layer;
    }

    @Override
    protected Var compute(Var input) {
        return layer.forward(input);
    }

    /** The borrowed layer's cost: every stateless layer of {@code org.bitspike.nn} declares one. */
    @Override
    public OpCounts cost(Forward forward) {
        if (!(layer instanceof Countable countable)) {
            throw new IllegalStateException(describe() + ": the borrowed layer declares no operation count");
        }
        return countable.cost(forward);
    }

    @Override
    protected String describe() {
        String s = layer.toString().trim();
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
