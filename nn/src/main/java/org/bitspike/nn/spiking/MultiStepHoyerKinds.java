package org.bitspike.nn.spiking;

import java.util.Objects;
import org.bitspike.nn.Layer;
import org.bitspike.nn.models.LayerKinds;
import org.bitspike.nn.models.Models;
import org.bitspike.tensor.RandomKey;

/**
 * The zoo's layers for multi-time-step Hoyer SNNs (digest section 2.7): {@link HoyerKinds}' convolutions, norms,
 * pooling before the norm, dropout and float classifier, with a {@link HoyerNeuron} (leak 1, soft reset by the
 * running theta) in place of every {@link HoyerSpike}. The network takes the T steps folded into its batch, so the
 * stateless layers run on {@code [T*N, ...]} and each neuron, wrapped in {@link FoldedTime}, unfolds time;
 * {@link #model} wraps the network in {@link DirectSteps} (the image repeated T times, logits summed over T).
 *
 * <p>With T = 1 the model is the one-step Hoyer network of {@link HoyerKinds}, output for output (same weights).
 *
 * @param spikes the one-step kinds whose spike options, dropout and layers are used
 * @param running one running theta per step, or one shared
 * @param steps T, at least 1
 */
public record MultiStepHoyerKinds(HoyerKinds spikes, HoyerNeuron.RunningTheta running, int steps) implements LayerKinds {
    public MultiStepHoyerKinds {
        Objects.requireNonNull(spikes, "MultiStepHoyerKinds: the Hoyer kinds are null");
        Objects.requireNonNull(running, "MultiStepHoyerKinds: running-theta mode is null; SHARED or PER_STEP");
        if (steps <= 0) {
            throw new IllegalArgumentException("MultiStepHoyerKinds: T must be at least 1 step, got " + steps);
        }
    }

    /** The papers' spikes ({@link HoyerKinds#papers()}) over {@code steps} steps with one shared running theta. */
    public static MultiStepHoyerKinds papers(int steps) {
        return new MultiStepHoyerKinds(HoyerKinds.papers(), HoyerNeuron.RunningTheta.SHARED, steps);
    }

    /** The zoo model {@code name} ({@link Models#create}) built from these kinds, run for T steps by {@link DirectSteps}. */
    public DirectSteps model(String name, int inChannels, int classes, RandomKey key) {
        return new DirectSteps(steps, Models.create(name, inChannels, classes, this, key));
    }

    /** The options of the neuron after a convolution ({@code spatial}) or a hidden linear layer. */
    public HoyerNeuron.Options neuronOptions(boolean spatial) {
        HoyerSpike.Options spike = spatial ? spikes.conv() : spikes.linear();
        HoyerNeuron.Options o = running == HoyerNeuron.RunningTheta.SHARED ? HoyerNeuron.Options.shared(spike)
                : HoyerNeuron.Options.perStep(spike, steps);
        return o.withStepMode(StepMode.MULTI);
    }

    @Override
    public Layer conv(int in, int out, int kernel, int stride, int padding, RandomKey key) {
        return spikes.conv(in, out, kernel, stride, padding, key);
    }

    @Override
    public Layer norm(int channels, boolean spatial) {
        return spikes.norm(channels, spatial);
    }

    @Override
    public Layer activation(int channels) {
        return activation(channels, true);
    }

    @Override
    public Layer activation(int channels, boolean spatial) {
        return new FoldedTime(steps, new HoyerNeuron(channels, neuronOptions(spatial)));
    }

    @Override
    public Layer linear(int in, int out, RandomKey key) {
        return spikes.linear(in, out, key);
    }

    @Override
    public boolean poolBeforeNorm() {
        return spikes.poolBeforeNorm();
    }

    @Override
    public double dropout() {
        return spikes.dropout();
    }
}
