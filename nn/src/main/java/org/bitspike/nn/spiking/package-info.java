/**
 * Spiking networks over time (IF, LIF and PLIF neurons) and one-time-step spiking networks / sparse
 * binary-activation networks (BANN) trained with the Hoyer regulariser (the papers' digest, sections
 * 1.1 and 2).
 *
 * <dl>
 *   <dt>spike functions</dt>
 *   <dd>{@link org.bitspike.nn.spiking.Surrogate} (rectangle, triangle, sigmoid, fast sigmoid,
 *       arctan: a named smooth function and its derivative) and
 *       {@link org.bitspike.nn.spiking.Spikes} (the Heaviside step, firing at 0, with a surrogate
 *       backward);</dd>
 *   <dt>neurons over time</dt>
 *   <dd>{@link org.bitspike.nn.spiking.Neuron} (charge, fire at {@code H >= theta},
 *       {@link org.bitspike.nn.spiking.Reset reset}; the membrane potential is the layer's own state,
 *       cleared by {@code resetState()} or {@code Neuron.resetStates(model)}) with
 *       {@link org.bitspike.nn.spiking.IFNeuron}, {@link org.bitspike.nn.spiking.LIFNeuron} (time
 *       constant tau) and {@link org.bitspike.nn.spiking.PLIFNeuron} (learned leak sigmoid(w)), set by
 *       {@link org.bitspike.nn.spiking.NeuronOptions}; {@link org.bitspike.nn.spiking.StepMode}
 *       {@code SINGLE} ({@code [N, ...]} per call) or {@code MULTI} ({@code [T, N, ...]}), with
 *       {@link org.bitspike.nn.spiking.MultiStep} folding time into the batch for stateless layers;
 *       back-propagation through time is the graph engine's, truncated by detaching the state. The time
 *       machinery (state, step modes, truncation, {@code resetStates}) is
 *       {@link org.bitspike.nn.spiking.MembraneLayer}'s, shared with the Hoyer neuron;</dd>
 *   <dt>the Hoyer layer</dt>
 *   <dd>{@link org.bitspike.nn.spiking.HoyerSpike}: fires when {@code u / |v|} reaches the Hoyer
 *       extremum ({@link org.bitspike.nn.spiking.Hoyer}) of the clipped map, per channel, per layer
 *       or fixed; FLOAT32 runs on the fused passes of {@link org.bitspike.tensor.Spiking};
 *       {@link org.bitspike.nn.spiking.HoyerNeuron}, its multi-time-step form (section 2.7): a leaky membrane
 *       (trainable leak, initially 1) fired by a Hoyer spike and reset softly by |v| times the running theta,
 *       one running theta shared by the steps or one per step;</dd>
 *   <dt>training</dt>
 *   <dd>{@link org.bitspike.nn.spiking.HoyerRegularizer} (a {@link org.bitspike.nn.train.Regularizer}
 *       the training loop holds) and {@link org.bitspike.nn.spiking.HoyerKinds}, the zoo's spiking
 *       layers (pool before batch norm, dropout), and {@link org.bitspike.nn.spiking.MultiStepHoyerKinds}, their
 *       multi-step form: the T steps folded into the batch for the stateless layers and unfolded by each neuron
 *       ({@link org.bitspike.nn.spiking.FoldedTime}), the image repeated and the logits summed over T
 *       ({@link org.bitspike.nn.spiking.DirectSteps});</dd>
 *   <dt>inspection</dt>
 *   <dd>{@link org.bitspike.nn.spiking.SpikeStatistics} (firing rates, {@code z - theta} histograms,
 *       theta and |v|) and {@link org.bitspike.nn.spiking.PotentialNoise}, both attached to one model
 *       through {@link org.bitspike.nn.spiking.SpikeObserver}s and closed by their owner;
 *       {@link org.bitspike.nn.spiking.TimeMonitor}: per neuron layer and time step, the firing rate and the charged
 *       potential's statistics (read through {@link org.bitspike.nn.spiking.Neuron#observeSteps}, one
 *       {@link org.bitspike.nn.spiking.NeuronStep} per step in either step mode), and per layer and step the
 *       accounting's operations, a multi-step forward split into its steps;</dd>
 *   <dt>deployment</dt>
 *   <dd>{@link org.bitspike.nn.spiking.Folding}: batch norm and Hoyer spike folded into one exact
 *       per-channel comparison of the accumulated input.</dd>
 * </dl>
 */
package org.bitspike.nn.spiking;
