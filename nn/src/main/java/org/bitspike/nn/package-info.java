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
 * </dl>
 * Optimisers and schedules are in {@code org.bitspike.nn.optim}.
 */
package org.bitspike.nn;
