package org.bitspike.nn.convert;

/**
 * How a binary (XNOR-scaled, {@code alpha_o sign(W)}) layer of the source becomes synapses (digest 4.3 item 7).
 *
 * <ul>
 *   <li>{@link #UNIT}: +-1 synapses, and the per-output-channel scale moves into the neuron:
 *       {@code V_th,o = lambda_l / (lambda_{l-1} alpha_o)}; the form a binary in-memory crossbar can hold;</li>
 *   <li>{@link #SCALED}: the scale stays in the synapse, {@code alpha_o sign(W) lambda_{l-1} / lambda_l}, with
 *       threshold 1, as every float layer is converted. The same spikes in exact arithmetic.</li>
 * </ul>
 */
public enum BinarySynapses {
    UNIT,
    SCALED
}
