package org.bitspike.nn.spiking;

/**
 * Sees every step of the {@link Neuron}s it is attached to ({@link Neuron#observeSteps}), in either step mode:
 * how a monitor reads the membrane at each step of a multi-step call. Whoever attaches one holds its handle and
 * removes it; a neuron without step observers pays nothing but an emptiness check.
 */
@FunctionalInterface
public interface NeuronStepObserver {
    /** Called once per step, on the thread that ran it, after the step's spikes and new potential were computed. */
    void stepped(NeuronStep step);
}
