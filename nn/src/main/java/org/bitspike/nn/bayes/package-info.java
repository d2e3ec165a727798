/**
 * BiSNN: spiking networks with binary weights trained online by local losses, with a straight-through or a
 * Bayesian learning rule (Jang, Skatchkovsky, Simeone; the papers' digest, section 5).
 *
 * <dl>
 *   <dt>neuron</dt>
 *   <dd>{@link org.bitspike.nn.bayes.TraceLif}: leaky integrate-and-fire with a synaptic trace {@code Q}, an
 *       eligibility (membrane) trace {@code P}, a refractory trace {@code R}, potential {@code U = c (W P + b) - R}
 *       with the fixed {@code c = 1 / sqrt(fan_in)}, spikes {@code S = 1[U >= 0]} and the rectangular surrogate of
 *       width 1; time constants in {@link org.bitspike.nn.bayes.Traces}; state explicit, reset by
 *       {@code resetState()};</dd>
 *   <dt>local learning (DECOLLE)</dt>
 *   <dd>{@link org.bitspike.nn.bayes.Readout}: a fixed random +-1 readout per layer, never trained;
 *       {@link org.bitspike.nn.bayes.DecolleNetwork}: the layers and their readouts, one time step per call, no
 *       gradient between layers nor through time; {@link org.bitspike.nn.bayes.LocalLoss}: cross-entropy for
 *       classes, BCE with logits for one output; {@link org.bitspike.nn.bayes.OnlineTrainer}: a sequence with an
 *       update at every step after a burn-in;</dd>
 *   <dt>rules</dt>
 *   <dd>a {@link org.bitspike.nn.bayes.Rule} picks the optimiser over the same layers: {@code FLOAT} (Adam on
 *       real weights), {@code STRAIGHT_THROUGH} ({@link org.bitspike.nn.bayes.StraightThroughSgd}: a latent weight
 *       {@code theta}, forward {@code sign(theta)}) and {@code BAYES} ({@link org.bitspike.nn.bayes.BayesBiSnn}:
 *       natural parameters {@code theta} of Bernoulli weights, {@code q(w = +1) = sigmoid(2 theta)}, a relaxed
 *       sample {@code tanh((theta + delta) / tau)} per step, prior {@code p0}, KL weight {@code rho}). The binary
 *       rules keep {@code theta} as optimiser state and write the forward weight into the layer's parameter;</dd>
 *   <dt>prediction</dt>
 *   <dd>{@link org.bitspike.nn.bayes.Prediction}: logits = the last layer's readout summed over the steps after
 *       the burn-in; MAP ({@code sign(theta)}) and an S-sample ensemble of +-1 networks ({@code p(y|x)} = the mean
 *       of their softmax, or sigmoid for one output); {@link org.bitspike.nn.bayes.Scores}: accuracy, NLL, ECE with
 *       10 and 15 bins;</dd>
 *   <dt>experiments</dt>
 *   <dd>{@link org.bitspike.nn.bayes.BiSnnConfig} (the digest's hyper-parameter table per task) and
 *       {@link org.bitspike.nn.bayes.BiSnnExperiment}: a configuration and data in, a trained model and per-epoch
 *       metrics out.</dd>
 * </dl>
 */
package org.bitspike.nn.bayes;
