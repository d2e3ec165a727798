/**
 * Reverse-mode automatic differentiation over {@code org.bitspike.tensor}.
 *
 * <h2>Vocabulary</h2>
 * <dl>
 *   <dt>{@link org.bitspike.autograd.Var}</dt>
 *   <dd>a tensor value plus gradient-tracking state. A <em>leaf</em> is a value no recorded op
 *       produced (a constant, or a parameter created with {@code Var.withGrad}); its gradient
 *       accumulates in {@code grad()}.</dd>
 *   <dt>primitive</dt>
 *   <dd>one of the closed, sealed set of differentiable ops the engine records; each declares its
 *       forward (on tensors) and its backward (on {@code Var}s) in one record, with the derivative
 *       in its Javadoc. Everything else ({@code mean}, {@code var}, {@code logsumexp},
 *       {@code max(dim)}, {@code stack}, {@code split}, losses, layers) is a composite of them.</dd>
 *   <dt>node</dt>
 *   <dd>what a recorded op call leaves in the graph: its primitive, its {@link
 *       org.bitspike.autograd.Context context} of saved tensors, and edges to its inputs' nodes.
 *       The graph is per value, not a global tape, so graphs on different threads or side by side
 *       never interfere.</dd>
 *   <dt>backward</dt>
 *   <dd>the engine's iterative walk in reverse topological order. It sums each node's incoming
 *       gradients, runs gradient hooks, calls the rule, and is the single place where a gradient is
 *       summed back over broadcast dimensions and cast to its input's dtype. Without
 *       {@link org.bitspike.autograd.GradOptions#retainGraph()} saved tensors are released as it
 *       goes.</dd>
 *   <dt>version check</dt>
 *   <dd>saved values remember their storage's version counter; a backward that reads one
 *       modified in place since raises an error naming the op and the tensor.</dd>
 *   <dt>{@link org.bitspike.autograd.Function}</dt>
 *   <dd>the public way to add an op with a declared gradient (straight-through estimators,
 *       surrogate spikes, adder gradients), held to the same contract as the primitives.</dd>
 *   <dt>{@link org.bitspike.autograd.GradCheck}</dt>
 *   <dd>central finite differences in FLOAT64 against the analytical gradients, exact or by
 *       random projections, first or second order.</dd>
 * </dl>
 *
 * <h2>Gradient conventions at kinks and ties</h2>
 * {@code relu} and {@code abs} have gradient 0 at 0; {@code clamp} passes the gradient at its
 * bounds; {@code maximum}/{@code minimum} split it equally between equal operands;
 * {@code amax}/{@code amin}/{@code max()} share it equally among tied extrema; {@code max(dim)} and
 * max pooling give it to the first extremum in scan order; the 2-norm of a zero vector has
 * gradient 0. {@code sign}, {@code floor}, {@code ceil} and {@code round} have no gradient: a
 * backward through them raises "no gradient for sign with respect to input" rather than returning
 * zeros. Comparisons and {@code argmax} return plain tensors.
 */
package org.bitspike.autograd;
