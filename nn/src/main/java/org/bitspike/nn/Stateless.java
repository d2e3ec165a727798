package org.bitspike.nn;

import java.util.function.UnaryOperator;
import org.bitspike.autograd.Var;
import org.bitspike.nn.accounting.Countable;
import org.bitspike.nn.accounting.Forward;
import org.bitspike.nn.accounting.OpCounts;
import org.bitspike.tensor.Convolution.PoolOptions;

/** A layer without parameters or state: a named function of its input, and the operations one call costs. */
final class Stateless extends Layer implements Countable {
    private final Layers.Operation operation;
    private final String description;
    private final UnaryOperator<Var> function;
    private final Countable cost;
    private final PoolOptions pool;

    Stateless(Layers.Operation operation, String description, UnaryOperator<Var> function, Countable cost) {
        this(operation, description, function, cost, null);
    }

    /** A pooling layer, which remembers its window for code that rewrites it (deployment). */
    Stateless(Layers.Operation operation, String description, UnaryOperator<Var> function, Countable cost,
              PoolOptions pool) {
        this.operation = operation;
        this.description = description;
        this.function = function;
        this.cost = cost;
        this.pool = pool;
    }

    /** The window of a pooling layer; null for the others. */
    PoolOptions pool() {
        return pool;
    }

    Layers.Operation operation() {
        return operation;
    }

    @Override
    protected Var compute(Var input) {
        return function.apply(input);
    }

    @Override
    public OpCounts cost(Forward forward) {
        return cost.cost(forward);
    }

    @Override
    protected String describe() {
        return description;
    }
}
