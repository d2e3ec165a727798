/**
 * Models and their parts.
 *
 * <h2>Vocabulary</h2>
 * <dl>
 *   <dt>{@link org.bitspike.nn.Layer}</dt>
 *   <dd>a node of a model tree with named <em>parameters</em> (trainable leaf
 *       {@link org.bitspike.autograd.Var}s), <em>buffers</em> (saved, untrained tensors such as
 *       running statistics and random-draw counters) and <em>children</em>; names compose with dots
 *       ({@code features.3.weight}). Layers are in <em>training</em> or <em>evaluation</em> mode.</dd>
 *   <dt>state dict</dt>
 *   <dd>every parameter value and buffer by dotted name; loading is strict by default and reports
 *       missing, unexpected and mis-shaped entries together.</dd>
 *   <dt>{@link org.bitspike.nn.Functional}</dt>
 *   <dd>the stateless functions behind the layers and the losses, composites of autograd primitives.</dd>
 *   <dt>layers</dt>
 *   <dd>{@link org.bitspike.nn.Linear}, {@link org.bitspike.nn.Conv2d}, {@link org.bitspike.nn.BatchNorm},
 *       {@link org.bitspike.nn.Dropout}, the pooling layers of {@link org.bitspike.nn.Pooling} and the
 *       parameter-free ones of {@link org.bitspike.nn.Layers}, combined with
 *       {@link org.bitspike.nn.Sequential}. Randomness (initialisation, dropout masks) always comes
 *       from an explicit {@link org.bitspike.tensor.RandomKey}.</dd>
 *   <dt>{@link org.bitspike.nn.Losses}</dt>
 *   <dd>the losses beyond {@link org.bitspike.nn.Functional}'s cross-entropy, NLL and MSE, each
 *       reduced by a {@link org.bitspike.nn.Reduction}; cross-entropy's options are a
 *       {@link org.bitspike.nn.CrossEntropyOptions} record.</dd>
 *   <dt>dtype</dt>
 *   <dd>parameters and running statistics are FLOAT32 unless a layer is built with a dtype or
 *       converted by {@link org.bitspike.nn.Layer#to}; a layer refuses an input of another dtype
 *       (naming both) rather than promoting it.</dd>
 * </dl>
 * Optimisers and schedules are in {@code org.bitspike.nn.optim}. Every layer here declares what one forward costs
 * ({@link org.bitspike.nn.accounting.Countable}), so {@link org.bitspike.nn.accounting.OpCounter} counts what a
 * model executed.
 *
 * <h2>Conventions at kinks and edges</h2>
 * Composite losses take their derivatives from the primitives, so at a kink they inherit the
 * primitives' choices; these are the ones a user can meet:
 * <ul>
 *   <li>{@code l1Loss} at {@code input = target}: derivative 0 ({@code abs}'s {@code sign(0) = 0}, as PyTorch).</li>
 *   <li>{@code smoothL1Loss(beta)} and {@code huberLoss(delta)} at {@code |d| = beta} (or delta):
 *       the outer, linear branch (PyTorch's {@code |d| < beta} test); the first derivative is
 *       continuous there, so only the second derivative (0, not {@code 1 / beta}) depends on it.
 *       {@code beta = 0} is L1. {@code huber(delta) = delta * smoothL1(beta = delta)}.</li>
 *   <li>{@code binaryCrossEntropy}: each log is clamped at -100 (PyTorch); where it is clamped
 *       ({@code p <= e^-100}, including {@code p = 0}) its derivative is 0, not NaN. Above the clamp
 *       the derivative of {@code log p} is {@code 1 / max(p, m)}, {@code m} the dtype's smallest
 *       normal number: exact in FLOAT64 (where {@code m} is far below {@code e^-100}); in FLOAT32 it
 *       keeps the gradient finite for subnormal {@code p} (where {@code 1/p} overflows).</li>
 *   <li>{@code binaryCrossEntropyWithLogits}: built on the stable {@code softplus}, finite with a
 *       finite gradient for every finite logit; no kink.</li>
 *   <li>{@code klDiv} with a zero (non-log) target: the term {@code t log t} is 0 ({@code 0 log 0 = 0})
 *       and its derivative with respect to the target is taken as 0 (the one-sided limit is -inf),
 *       so there {@code dl/dt = -input}; {@code dl/dinput = -t = 0} is exact.</li>
 *   <li>{@code crossEntropy} with every sample ignored: MEAN is {@code 0 / 0 = NaN} and the gradient
 *       with respect to the logits is exactly 0, both as PyTorch; SUM is 0.</li>
 *   <li>{@code leakyRelu} and ReLU at 0: derivative of the negative side (0 for ReLU).</li>
 *   <li>{@code layerNorm}, {@code groupNorm}, {@code batchNorm}: biased variance plus eps inside
 *       the square root (PyTorch); smooth everywhere for {@code eps > 0}.</li>
 * </ul>
 */
package org.bitspike.nn;
