package org.bitspike.nn.spiking;

/**
 * How a {@link Neuron} reads its input.
 *
 * <ul>
 *   <li>{@link #SINGLE}: the input {@code [N, ...]} is one time step; the membrane potential is kept
 *       for the next call, so a caller loops over time itself;</li>
 *   <li>{@link #MULTI}: the input {@code [T, N, ...]} is a whole sequence; the neuron loops over the
 *       {@code T} steps itself and returns the spikes {@code [T, N, ...]}. Stateless layers go
 *       around it wrapped in {@link MultiStep}.</li>
 * </ul>
 *
 * Both give the same values and gradients, bit for bit (NeuronStepModeTest).
 */
public enum StepMode {
    SINGLE,
    MULTI
}
