package org.bitspike.nn.spiking;

import org.bitspike.autograd.Var;
import org.bitspike.tensor.Spiking;
import org.bitspike.tensor.Tensor;

/**
 * What one {@link HoyerSpike} forward hands its observers.
 *
 * @param layer the layer that ran
 * @param potential u, the layer's input (the membrane potential, after any perturbation)
 * @param clip v, the trainable clipping value (use {@code clip.abs()})
 * @param theta the threshold statistic used, before the scale s: {@code [C]} channel-wise, 0-d otherwise
 * @param threshold the threshold z was compared with, {@code s * theta}, shaped to broadcast against z
 * @param spikes the 0/1 output
 * @param training whether the layer was in training mode (batch theta) or evaluation (running theta)
 * @param clippedSums the per-channel sums of {@code clamp(z, 0, 1)} and their squares when the forward
 *     computed them (FLOAT32 training with a Hoyer threshold), else null: a regulariser reuses them
 */
public record SpikeEvent(HoyerSpike layer, Var potential, Var clip, Tensor theta, Tensor threshold, Var spikes,
        boolean training, Spiking.ClippedSums clippedSums) {
    /** z = u / |v|, the normalised potential the threshold was compared with (computed on each call, no gradient). */
    public Tensor normalised() {
        return potential.value().div(clip.value().abs());
    }
}
