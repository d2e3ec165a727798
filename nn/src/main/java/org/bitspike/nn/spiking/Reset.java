package org.bitspike.nn.spiking;

/**
 * What a {@link Neuron} does to its membrane potential after it fires. With the charged potential
 * {@code H[t]}, the spike {@code S[t]} (0 or 1) and the threshold {@code theta}, the potential
 * carried to the next step is:
 *
 * <ul>
 *   <li>{@link #SUBTRACT}: {@code V[t] = H[t] - theta S[t]} (soft reset: the excess above the
 *       threshold is kept, so rates are proportional to input; what ANN-to-SNN conversion needs);</li>
 *   <li>{@link #ZERO}: {@code V[t] = H[t] (1 - S[t])} (hard reset to 0);</li>
 *   <li>{@link #NONE}: {@code V[t] = H[t]} (no reset: the neuron keeps firing while above threshold).</li>
 * </ul>
 */
public enum Reset {
    SUBTRACT,
    ZERO,
    NONE
}
