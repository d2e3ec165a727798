package org.bitspike.nn;

import java.util.function.UnaryOperator;
import org.bitspike.autograd.Var;

/** A layer without parameters or state: a named function of its input. */
final class Stateless extends Layer {
    private final String description;
    private final UnaryOperator<Var> function;

    Stateless(String description, UnaryOperator<Var> function) {
        this.description = description;
        this.function = function;
    }

    @Override
    protected Var compute(Var input) {
        return function.apply(input);
    }

    @Override
    protected String describe() {
        return description;
    }
}
