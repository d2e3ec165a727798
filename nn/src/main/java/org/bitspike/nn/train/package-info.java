/**
 * Training: the loop, its callbacks and what they write.
 *
 * <h2>Vocabulary</h2>
 * <dl>
 *   <dt>{@link org.bitspike.nn.train.Trainer}</dt>
 *   <dd>epochs of forward, loss, backward and optimiser step over a loader's batches, validation
 *       after each, callbacks around both. Its {@code state()} (model, optimiser, counters, best
 *       result) is everything a run needs to continue exactly.</dd>
 *   <dt>{@link org.bitspike.nn.train.Callback}</dt>
 *   <dd>observers: {@link org.bitspike.nn.train.MetricsLog} (JSON lines and CSV per epoch),
 *       {@link org.bitspike.nn.train.Checkpoints} (last and best state as safetensors, with the run's
 *       metadata; resuming), {@link org.bitspike.nn.train.EarlyStopping}.</dd>
 *   <dt>{@link org.bitspike.nn.train.Evaluation}</dt>
 *   <dd>loss, accuracy and any metrics of a model in evaluation mode, nothing recorded.</dd>
 * </dl>
 */
package org.bitspike.nn.train;
