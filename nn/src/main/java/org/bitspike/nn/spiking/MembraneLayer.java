package org.bitspike.nn.spiking;

import java.util.Arrays;
import java.util.Objects;
import org.bitspike.autograd.Var;
import org.bitspike.nn.Layer;
import org.bitspike.tensor.TensorException;

/**
 * A layer whose neurons carry a membrane potential from one time step to the next: the time machinery shared by
 * the {@link Neuron}s (IF, LIF, PLIF) and the {@link HoyerNeuron}, so that both read their input, keep their state
 * and are reset the same way.
 *
 * <p>The potential is the layer's own state, {@link #state()}: {@code null} before the first step and after
 * {@link #resetState()}, the one way to forget a sequence (or {@link #resetStates(Layer)} for every such layer of a
 * model, between samples). Nothing is global: two layers never share state.
 *
 * <p>In {@link StepMode#SINGLE} the input {@code [N, ...]} is one step and the state carries over to the next call;
 * in {@link StepMode#MULTI} the input {@code [T, N, ...]} is a sequence, looped here, and the state after its last
 * step carries over too. Both modes run the same {@link #advance} per step, so they agree bit for bit. Truncated
 * back-propagation through time ({@link #detachEvery()}, {@link #detachState()}) is {@code V.detach()}.
 */
public abstract class MembraneLayer extends Layer {
    private Var potential;
    private long steps;

    /** What one step produced: the layer's output and the potential carried to the next step. */
    protected record Next(Var output, Var potential) {
    }

    /** How this layer reads its input: one step ({@code [N, ...]}) or a sequence ({@code [T, N, ...]}). */
    protected abstract StepMode stepMode();

    /** Truncated BPTT: detach the state before every step whose count since the last reset is a multiple of k; 0 never. */
    protected abstract int detachEvery();

    /**
     * One step: the output and the new potential from the previous potential ({@code null} on the first step after a
     * reset: the potential starts at 0) and this step's input {@code x} ({@code [N, ...]}); {@code t} is the step's
     * index since the last reset. The only place either step mode computes anything.
     */
    protected abstract Next advance(Var previous, Var x, long t);

    /**
     * Checks a sequence of {@code time} steps, each of shape {@code stepShape}, starting at step {@link #steps()},
     * before any of it runs, so that a refused input changes nothing (a single step is a sequence of one); nothing
     * to check by default.
     */
    protected void checkSequence(int time, int[] stepShape) {
    }

    /** The membrane potential after the last step (shape of one step's input), or {@code null} before the first step. */
    public Var state() {
        return potential;
    }

    /** The number of steps run since the last {@link #resetState()}. */
    public long steps() {
        return steps;
    }

    /** Forgets the membrane potential (back to 0 at the next step) and restarts the step count. */
    public void resetState() {
        potential = null;
        steps = 0;
    }

    /**
     * Cuts the gradient path through the state: later steps see the same potential but no gradient flows into
     * the steps before (truncated BPTT by hand; {@link #detachEvery()} does it every k steps).
     */
    public void detachState() {
        if (potential != null) {
            potential = potential.detach();
        }
    }

    /**
     * Calls {@link #resetState()} on every layer with a membrane ({@link Neuron}s and {@link HoyerNeuron}s) in
     * {@code model}'s tree ({@code model} itself included); returns how many were reset. {@code Neuron.resetStates}
     * is this same method.
     */
    public static int resetStates(Layer model) {
        Objects.requireNonNull(model, "Neuron.resetStates: model is null");
        int count = 0;
        for (Layer layer : model.namedLayers().values()) {
            if (layer instanceof MembraneLayer m) {
                m.resetState();
                count++;
            }
        }
        return count;
    }

    @Override
    protected final Var compute(Var input) {
        if (!input.dtype().isFloating()) {
            throw TensorException.of(describe(), "input %s of dtype %s must be floating point (FLOAT32 or FLOAT64)",
                    Arrays.toString(input.shape()), input.dtype());
        }
        return switch (stepMode()) {
            case SINGLE -> {
                if (input.dim() < 1) {
                    throw TensorException.of(describe(), "single-step input must be [N, ...] (rank >= 1), got a scalar");
                }
                checkSequence(1, input.shape());
                yield step(input);
            }
            case MULTI -> multiStep(input);
        };
    }

    private Var multiStep(Var input) {
        if (input.dim() < 2) {
            throw TensorException.of(describe(), "multi-step input must be [T, N, ...] (rank >= 2), got %s of rank %d; "
                    + "for one step use StepMode.SINGLE", Arrays.toString(input.shape()), input.dim());
        }
        int time = input.size(0);
        if (time == 0) {
            throw TensorException.of(describe(), "multi-step input %s has T = 0 time steps; at least one is needed",
                    Arrays.toString(input.shape()));
        }
        checkSequence(time, Arrays.copyOfRange(input.shape(), 1, input.dim()));
        Var[] outputs = new Var[time];
        for (int t = 0; t < time; t++) {
            outputs[t] = step(input.select(0, t));
        }
        return Var.stack(0, outputs);
    }

    /** Truncation, the state's shape check, then the subclass's step. */
    private Var step(Var x) {
        int k = detachEvery();
        if (k > 0 && steps > 0 && steps % k == 0) {
            detachState();
        }
        Var v = potential;
        if (v != null && (!Arrays.equals(v.shape(), x.shape()) || v.dtype() != x.dtype())) {
            throw TensorException.of(describe(), "the membrane potential is %s %s from the previous step but this step's "
                    + "input is %s %s (batch size or shape changed mid-sequence?); call resetState() on this neuron, or "
                    + "Neuron.resetStates(model), before a new sequence", v.dtype(), Arrays.toString(v.shape()), x.dtype(),
                    Arrays.toString(x.shape()));
        }
        Next next = advance(v, x, steps);
        potential = next.potential();
        steps++;
        return next.output();
    }
}
