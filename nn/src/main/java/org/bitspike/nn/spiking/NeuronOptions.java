package org.bitspike.nn.spiking;

import java.util.Arrays;

/**
 * The settings every {@link Neuron} shares; {@link #defaults()} gives threshold 1, {@link Reset#SUBTRACT},
 * no detached reset, the arctan surrogate with alpha 2, {@link StepMode#SINGLE} and full BPTT.
 *
 * @param threshold {@code theta}: the neuron fires iff its charged potential {@code H >= theta}; positive
 *     and finite (default 1)
 * @param reset what firing does to the potential (default {@link Reset#SUBTRACT})
 * @param detachReset when true the spike used in the reset is detached ({@code S.detach()}), so the only
 *     gradient path through a spike is its output: the reset still changes the forward, but no gradient
 *     flows from {@code V[t]} back through {@code S[t]} into {@code H[t]} (SpikingJelly's
 *     {@code detach_reset}; cheaper backward, often better trained). Default false: the reset is
 *     differentiated through the surrogate like any other use of the spike
 * @param surrogate the gradient the spike pretends to have, centred on the threshold
 *     ({@link Spikes#fire}). Default {@link Surrogate#arctan(double) arctan(2)}: the default of both
 *     snnTorch and SpikingJelly, non-zero everywhere so a neuron far from its threshold still learns
 *     (the rectangle's window gives a silent neuron no gradient at all), and smooth, so the unrolled
 *     neuron with it as a stand-in can be gradient-checked without kinks
 * @param stepMode {@link StepMode#SINGLE} ({@code [N, ...]}, default) or {@link StepMode#MULTI} ({@code [T, N, ...]})
 * @param detachEvery truncated BPTT: when {@code k > 0} the potential is detached ({@code V.detach()}) before
 *     every step whose count since the last {@link Neuron#resetState()} is a positive multiple of {@code k},
 *     so a gradient from step {@code t} reaches no input before step {@code k floor(t / k)}; 0 (default)
 *     is full back-propagation through time. Steps are counted from the last reset in both step modes, so
 *     truncation does not break their identity
 */
public record NeuronOptions(double threshold, Reset reset, boolean detachReset, Surrogate surrogate, StepMode stepMode,
        int detachEvery) {
    public NeuronOptions {
        if (!(threshold > 0) || !Double.isFinite(threshold)) {
            throw new IllegalArgumentException("NeuronOptions: threshold must be positive and finite (a neuron fires iff "
                    + "its potential >= threshold), got " + threshold);
        }
        if (reset == null) {
            throw new IllegalArgumentException("NeuronOptions: reset mode is null; it must be one of "
                    + Arrays.toString(Reset.values()));
        }
        if (stepMode == null) {
            throw new IllegalArgumentException("NeuronOptions: step mode is null; it must be one of "
                    + Arrays.toString(StepMode.values()));
        }
        if (surrogate == null) {
            throw new IllegalArgumentException("NeuronOptions: surrogate is null; pass one of Surrogate's factories, "
                    + "e.g. Surrogate.arctan(2)");
        }
        if (detachEvery < 0) {
            throw new IllegalArgumentException("NeuronOptions: detachEvery must be 0 (full BPTT) or a positive number "
                    + "of steps, got " + detachEvery);
        }
    }

    /** Threshold 1, reset by subtraction, reset not detached, arctan(2), single step, full BPTT. */
    public static NeuronOptions defaults() {
        return new NeuronOptions(1, Reset.SUBTRACT, false, Surrogate.arctan(2), StepMode.SINGLE, 0);
    }

    public NeuronOptions withThreshold(double newThreshold) {
        return new NeuronOptions(newThreshold, reset, detachReset, surrogate, stepMode, detachEvery);
    }

    public NeuronOptions withReset(Reset newReset) {
        return new NeuronOptions(threshold, newReset, detachReset, surrogate, stepMode, detachEvery);
    }

    public NeuronOptions withDetachReset(boolean newDetachReset) {
        return new NeuronOptions(threshold, reset, newDetachReset, surrogate, stepMode, detachEvery);
    }

    public NeuronOptions withSurrogate(Surrogate newSurrogate) {
        return new NeuronOptions(threshold, reset, detachReset, newSurrogate, stepMode, detachEvery);
    }

    public NeuronOptions withStepMode(StepMode newStepMode) {
        return new NeuronOptions(threshold, reset, detachReset, surrogate, newStepMode, detachEvery);
    }

    /** Truncated BPTT every {@code k} steps (0: full BPTT); see {@link #detachEvery()}. */
    public NeuronOptions withDetachEvery(int k) {
        return new NeuronOptions(threshold, reset, detachReset, surrogate, stepMode, k);
    }

    @Override
    public String toString() {
        return "threshold " + threshold + ", reset " + reset + (detachReset ? " (detached)" : "") + ", " + surrogate
                + ", " + stepMode + (detachEvery > 0 ? ", detach every " + detachEvery : "");
    }
}
