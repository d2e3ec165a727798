package org.bitspike.nn.spiking;

import org.bitspike.autograd.Var;

/**
 * One step of one {@link Neuron}, as its step observers see it ({@link Neuron#observeSteps}); none of the values may
 * be modified.
 *
 * @param neuron the neuron that stepped
 * @param t the step's index since the neuron's last {@link Neuron#resetState()}: the same in both step modes
 * @param input {@code X[t]}, this step's input {@code [N, ...]}
 * @param charged {@code H[t]}, the potential compared with the threshold (before firing and reset)
 * @param spikes {@code S[t]}, the step's 0/1 output
 * @param potential {@code V[t]}, the potential after the reset, carried to the next step
 */
public record NeuronStep(Neuron neuron, long t, Var input, Var charged, Var spikes, Var potential) {
}
