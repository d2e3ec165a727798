package org.bitspike.autograd;

import org.bitspike.tensor.Tensor;

/**
 * A differentiable primitive: the closed set of ops the engine records. Each declares its forward
 * (on tensors) and its backward (on {@link Var}s, so that a recorded backward is itself
 * differentiable) in one place, with the derivative in its Javadoc. Every other differentiable op
 * is a composite of these.
 *
 * <p>The contract, shared with {@link Function custom functions}:
 * <ul>
 *   <li>{@code forward} computes the output from the input values and saves in the context what
 *       the backward needs; it never modifies its inputs;</li>
 *   <li>{@code backward} returns one gradient per input, or null where
 *       {@link Context#needsInputGrad(int)} is false. A gradient may have the shape of the
 *       broadcast output: the engine, never the rule, sums it back to the input's shape and casts
 *       it to the input's dtype;</li>
 *   <li>an input without a derivative throws {@link AutogradException#noGradient}; a rule never
 *       returns zeros for a derivative it does not have.</li>
 * </ul>
 * The set is sealed by family, so the compiler knows every primitive and the op-table test can
 * demand a row for each.
 */
sealed interface Primitive
        permits ElementwisePrimitive, ReductionPrimitive, MatmulPrimitive, ConvolutionPrimitive, ShapePrimitive,
        CustomPrimitive {

    /** The op's name in messages, e.g. {@code "mul"}. */
    String name();

    /** The name of input {@code i} in messages, e.g. {@code "other"}. */
    default String inputName(int i) {
        return i == 0 ? "input" : "input " + i;
    }

    /** Whether the output is a newly allocated tensor, a view of input 0, or possibly anything. */
    enum Aliasing { FRESH, VIEW_OF_INPUT, UNKNOWN }

    /** What the forward's output may share storage with; most ops allocate their output. */
    default Aliasing outputAliasing() {
        return Aliasing.FRESH;
    }

    /** Computes the output from the input values, saving what the backward needs in {@code ctx}. */
    Tensor forward(Tensor[] inputs, Context ctx);

    /** The gradient with respect to each input, given the gradient {@code grad} of the output. */
    Var[] backward(Var grad, Context ctx);
}
