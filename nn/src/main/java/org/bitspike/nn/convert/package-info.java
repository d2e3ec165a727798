/**
 * ANN-to-SNN conversion (Lu &amp; Sengupta 2020; the papers' digest, sections 4.3-4.5): a trained bias-free ReLU
 * network becomes a network of integrate-and-fire neurons whose firing rates approximate the ReLU activations.
 *
 * <dl>
 *   <dt>source</dt>
 *   <dd>a tree of {@link org.bitspike.nn.Sequential}s of bias-free {@link org.bitspike.nn.Conv2d} /
 *       {@link org.bitspike.nn.Linear} (or XNOR-scaled {@link org.bitspike.nn.binary.BinaryConv2d} /
 *       {@link org.bitspike.nn.binary.BinaryLinear} with float inputs), ReLU, average pooling, flatten, dropout
 *       (the identity at inference) and batch norm folded into the layer before it when that leaves no bias;</dd>
 *   <dt>stage</dt>
 *   <dd>one convolution or linear layer with the pooling / flatten around it, feeding one ReLU (a spiking stage)
 *       or nothing (the output stage, the last one);</dd>
 *   <dt>lambda</dt>
 *   <dd>the scale of a stage: the p-th percentile (default 99.7) of its ReLU's outputs over a calibration set
 *       ({@link org.bitspike.nn.convert.ThresholdBalancing}); the output stage's lambda is 1;</dd>
 *   <dt>normalisation</dt>
 *   <dd>the chosen form of threshold balancing: weights are rescaled layer by layer,
 *       {@code W_l <- W_l lambda_{l-1} / lambda_l} (lambda before the first stage is 1), and every threshold is 1,
 *       as in the paper's code; except for binary layers converted with unit synapses
 *       ({@link org.bitspike.nn.convert.BinarySynapses#UNIT}), whose +-1 synapses keep no scale and whose
 *       per-output-channel threshold is {@code V_th,o = lambda_l / (lambda_{l-1} alpha_o)};</dd>
 *   <dt>spiking network</dt>
 *   <dd>{@link org.bitspike.nn.convert.SpikingNetwork}: IF neurons with reset by subtraction in place of each
 *       ReLU, the analog image as the first stage's input current at every step (direct encoding), and an output
 *       accumulator (the last stage's summed input current, no spikes); one forward is one time step;</dd>
 *   <dt>propagation</dt>
 *   <dd>{@link org.bitspike.nn.convert.Propagation}: layer-delayed (stage {@code l} first receives input at step
 *       {@code l}) or one-step (every stage within the same step);</dd>
 *   <dt>simulation</dt>
 *   <dd>{@link org.bitspike.nn.convert.Simulation}: the accumulated output at every step (the latency curve),
 *       spikes per stage and neuron.</dd>
 * </dl>
 */
package org.bitspike.nn.convert;
