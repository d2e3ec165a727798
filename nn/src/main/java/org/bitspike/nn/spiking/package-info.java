/**
 * One-time-step spiking networks / sparse binary-activation networks (BANN) trained with the
 * Hoyer regulariser (the papers' digest, sections 1.1 and 2).
 *
 * <dl>
 *   <dt>spike functions</dt>
 *   <dd>{@link org.bitspike.nn.spiking.Surrogate} (rectangle, triangle, sigmoid, fast sigmoid,
 *       arctan: a named smooth function and its derivative) and
 *       {@link org.bitspike.nn.spiking.Spikes} (the Heaviside step, firing at 0, with a surrogate
 *       backward);</dd>
 *   <dt>the layer</dt>
 *   <dd>{@link org.bitspike.nn.spiking.HoyerSpike}: fires when {@code u / |v|} reaches the Hoyer
 *       extremum ({@link org.bitspike.nn.spiking.Hoyer}) of the clipped map, per channel, per layer
 *       or fixed; FLOAT32 runs on the fused passes of {@link org.bitspike.tensor.Spiking};</dd>
 *   <dt>training</dt>
 *   <dd>{@link org.bitspike.nn.spiking.HoyerRegularizer} (a {@link org.bitspike.nn.train.Regularizer}
 *       the training loop holds) and {@link org.bitspike.nn.spiking.HoyerKinds}, the zoo's spiking
 *       layers (pool before batch norm, dropout);</dd>
 *   <dt>inspection</dt>
 *   <dd>{@link org.bitspike.nn.spiking.SpikeStatistics} (firing rates, {@code z - theta} histograms,
 *       theta and |v|) and {@link org.bitspike.nn.spiking.PotentialNoise}, both attached to one model
 *       through {@link org.bitspike.nn.spiking.SpikeObserver}s and closed by their owner;</dd>
 *   <dt>deployment</dt>
 *   <dd>{@link org.bitspike.nn.spiking.Folding}: batch norm and Hoyer spike folded into one exact
 *       per-channel comparison of the accumulated input.</dd>
 * </dl>
 */
package org.bitspike.nn.spiking;
