package org.bitspike.nn.convert;

import org.bitspike.autograd.Var;
import org.bitspike.nn.Layer;
import org.bitspike.nn.accounting.Countable;
import org.bitspike.nn.accounting.Forward;
import org.bitspike.nn.accounting.OpCounts;

/**
 * A parameter-free layer of the source (average pooling, flatten) called by the converted network without being
 * adopted into its tree, so a counter on one model never observes the other (as {@code Folding}'s wrapper).
 */
final class Borrowed extends Layer implements Countable {
    private final Layer layer;

    Borrowed(Layer layer) {
        this.layer = layer;
    }

    @Override
    protected Var compute(Var input) {
        return layer.forward(input);
    }

    @Override
    public OpCounts cost(Forward forward) {
        if (!(layer instanceof Countable countable)) {
            throw new IllegalStateException(describe() + ": the borrowed layer declares no operation count");
        }
        return countable.cost(forward);
    }

    @Override
    protected String describe() {
        return SourceModel.firstLine(layer);
    }
}
