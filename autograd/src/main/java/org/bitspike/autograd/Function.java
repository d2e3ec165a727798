package org.bitspike.autograd;

import org.bitspike.tensor.Tensor;

/**
 * A custom differentiable op: a forward on tensors and a declared backward, recorded by the engine
 * exactly like a built-in primitive. This is how straight-through estimators, surrogate spike
 * gradients and adder-network gradients are written:
 *
 * <pre>{@code
 * // sign in the forward, the identity clipped to |x| <= 1 in the backward (a straight-through estimator)
 * final class SteSign extends Function {
 *     protected Tensor forward(Context ctx, Tensor... x) { ctx.saveInputs(0); return x[0].sign(); }
 *     protected Var[] backward(Context ctx, Var g) {
 *         Tensor inside = ctx.input(0).value().abs().le(1);
 *         return new Var[] {Var.where(inside, g, g.mul(0))};
 *     }
 * }
 * Var y = new SteSign().apply(x);
 * }</pre>
 *
 * <p>The contract is the built-ins': the forward must not modify its inputs and saves what the
 * backward needs in the {@link Context} (saved inputs are version-checked); the backward returns
 * one gradient per input, in the output's (broadcast) shape or the input's, written with
 * {@link Var} ops so that it is itself differentiable when the graph is recorded. An input with no
 * derivative (an index, a threshold that is not trained) is declared with
 * {@link #isNonDifferentiable}; asking for its gradient raises "no gradient for ... with respect
 * to ...", as does a backward that returns null for an input that needs a gradient. Check a new
 * function with {@link GradCheck}.
 */
public abstract class Function {

    /** The op's name in messages and graphs; the simple class name by default. */
    public String name() {
        String simple = getClass().getSimpleName();
        return simple.isEmpty() ? getClass().getName() : simple;
    }

    /** The name of input {@code i} in messages; {@code "input i"} by default. */
    public String inputName(int i) {
        return "input " + i;
    }

    /** Whether input {@code i} has no derivative; false by default. */
    public boolean isNonDifferentiable(int i) {
        return false;
    }

    /** Computes the output from the input values; saves what the backward needs in {@code ctx}. */
    protected abstract Tensor forward(Context ctx, Tensor... inputs);

    /** One gradient per input (null for inputs that need none) given the output gradient {@code grad}. */
    protected abstract Var[] backward(Context ctx, Var grad);

    /** Runs the function on {@code inputs}, recording it when an input requires a gradient. */
    public final Var apply(Var... inputs) {
        return Engine.apply(new CustomPrimitive(this), inputs);
    }
}
