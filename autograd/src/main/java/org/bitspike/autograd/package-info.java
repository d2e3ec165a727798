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
 *
 * <p>The activations and reductions researchers reach for follow PyTorch at their kinks:
 * {@code hardtanh} passes <em>no</em> gradient at its bounds (PyTorch's hardtanh, unlike
 * {@code clamp}, which passes it); {@code elu} has derivative {@code alpha} at 0 (the left branch
 * {@code alpha e^x}) and, at NaN, output NaN with derivative 1 (PyTorch's right branch); {@code softplus} and {@code logSigmoid} have their exact derivatives
 * {@code sigmoid(x)} and {@code sigmoid(-x)} (1/2 at 0) and are finite with finite gradients for
 * every finite x; {@code softplus(beta, threshold)} is x with gradient 1 above the threshold;
 * {@code std} has gradient 0 where the variance is 0 (sqrt's derivative is infinite there);
 * {@code prod}'s gradient is the product of the other elements of the slice, so with one zero
 * only the zero gets a gradient and with several none does (second derivatives are exact with at
 * most one zero per slice); {@code pow(a, b)} has {@code da = 0} at {@code a = 0, b = 0} and
 * {@code db = 0} at {@code a = 0, b >= 0} ({@code -inf} for {@code b < 0}, as PyTorch); {@code pow(x, p)}
 * with a constant exponent follows IEEE {@code pow}, so its gradient at {@code x = -0.0} for
 * {@code p = 0.5} is {@code +inf} (PyTorch's rsqrt shortcut gives {@code -inf} there, and {@code +inf}
 * for a tensor exponent); {@code sort} and {@code topk} give each value's gradient to the
 * element it came from (ties are broken by position, so the gradient goes to the lower index).
 * Where a composite would take a subgradient at a point of a smooth function, or overflow, the op
 * is a primitive ({@code softplus}, {@code erf}, {@code log1p}, {@code expm1}); and where a
 * composite discards a branch with {@code where}, the discarded branch is kept finite so no
 * {@code 0 * inf} leaks into the gradient ({@code elu} computes {@code expm1(min(x, 0))},
 * {@code gelu(TANH)} cubes a clamped x).
 */
package org.bitspike.autograd;
