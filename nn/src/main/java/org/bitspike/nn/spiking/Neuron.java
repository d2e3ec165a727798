package org.bitspike.nn.spiking;

import java.util.Arrays;
import java.util.Objects;
import org.bitspike.autograd.Var;
import org.bitspike.nn.Layer;
import org.bitspike.nn.accounting.Countable;
import org.bitspike.nn.accounting.Forward;
import org.bitspike.nn.accounting.OpCounts;
import org.bitspike.nn.accounting.OpKind;
import org.bitspike.tensor.Tensor;
import org.bitspike.tensor.TensorException;

/**
 * A spiking neuron layer: every element of the input is one neuron that, at each time step,
 * charges, fires and resets:
 *
 * <pre>
 *   H[t] = charge(V[t-1], X[t])                 (the subclass: IF, LIF, PLIF)
 *   S[t] = 1 if H[t] >= theta else 0            (backward: surrogate'(H[t] - theta))
 *   V[t] = H[t] - theta S[t]   | H[t] (1 - S[t])   | H[t]     (Reset SUBTRACT | ZERO | NONE)
 * </pre>
 *
 * with {@code V[-1] = 0}. The output is the spikes {@code S}; the membrane potential {@code V} is the
 * layer's state, {@link #state()}: {@code null} before the first step and after {@link #resetState()}, which
 * is the one way to forget a sequence (call it, or {@link #resetStates(Layer)} on the whole model, between
 * samples). Nothing is global: two models, or two neurons, never share state.
 *
 * <p>In {@link StepMode#SINGLE} the input {@code [N, ...]} is one step and the state carries over to the next
 * call; in {@link StepMode#MULTI} the input {@code [T, N, ...]} is a sequence, looped here, and the state after
 * its last step carries over too. Both run the same step, so they agree bit for bit. Back-propagation
 * through time is the graph engine's: the state is an ordinary {@link Var}, and truncation
 * ({@link NeuronOptions#detachEvery()}, {@link #detachState()}) is {@code V.detach()}.
 */
public abstract class Neuron extends Layer implements Countable {
    private final NeuronOptions options;
    private Var potential;
    private long steps;
    /** Test hook: fire with the surrogate's smooth function instead of the step (a differentiable stand-in). */
    private boolean smoothStandIn;

    protected Neuron(NeuronOptions options) {
        if (options == null) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": options are null; use "
                    + "NeuronOptions.defaults()");
        }
        this.options = options;
    }

    /** This neuron's settings. */
    public NeuronOptions options() {
        return options;
    }

    /**
     * The charged potential from the previous potential {@code v} and the input {@code x} of one step, both of
     * the same shape and dtype: {@code H[t] = charge(V[t-1], X[t])}.
     */
    protected abstract Var charge(Var v, Var x);

    /** Full-precision operations per neuron per step of {@link #charge}: 1 for IF's addition, 3 for a leak. */
    protected abstract int chargeFlops();

    /**
     * Per neuron and step (the output holds every step in multi-step mode): one comparison with the threshold, the
     * charge's FLOPs ({@link #chargeFlops()}) and the reset's (a multiply-subtract by the spike: 2; none: 0).
     */
    @Override
    public OpCounts cost(Forward forward) {
        long neuronSteps = forward.output().numel();
        int reset = options.reset() == Reset.NONE ? 0 : 2;
        return OpCounts.of(OpKind.CMP, neuronSteps).with(OpKind.FLOP, neuronSteps * (chargeFlops() + reset));
    }

    /** The membrane potential after the last step (shape of one step's input), or {@code null} before the first step. */
    public Var state() {
        return potential;
    }

    /** Forgets the membrane potential (back to {@code V = 0} at the next step) and restarts the step count. */
    public void resetState() {
        potential = null;
        steps = 0;
    }

    /**
     * Cuts the gradient path through the state: later steps see the same potential but no gradient flows into
     * the steps before (truncated BPTT by hand; {@link NeuronOptions#detachEvery()} does it every k steps).
     */
    public void detachState() {
        if (potential != null) {
            potential = potential.detach();
        }
    }

    /**
     * Calls {@link #resetState()} on every {@link Neuron} in {@code model}'s tree ({@code model} itself
     * included); returns how many were reset.
     */
    public static int resetStates(Layer model) {
        Objects.requireNonNull(model, "Neuron.resetStates: model is null");
        int count = 0;
        for (Layer layer : model.namedLayers().values()) {
            if (layer instanceof Neuron neuron) {
                neuron.resetState();
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
        return switch (options.stepMode()) {
            case SINGLE -> {
                if (input.dim() < 1) {
                    throw TensorException.of(describe(), "single-step input must be [N, ...] (rank >= 1), got a scalar");
                }
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
        Var[] spikes = new Var[time];
        for (int t = 0; t < time; t++) {
            spikes[t] = step(input.select(0, t));
        }
        return Var.stack(0, spikes);
    }

    /** One charge, fire, reset: the only place either step mode computes anything. */
    private Var step(Var x) {
        int k = options.detachEvery();
        if (k > 0 && steps > 0 && steps % k == 0) {
            detachState();
        }
        Var v = potential;
        if (v == null) {
            v = Var.of(Tensor.zeros(x.dtype(), x.shape()));
        } else if (!Arrays.equals(v.shape(), x.shape()) || v.dtype() != x.dtype()) {
            throw TensorException.of(describe(), "the membrane potential is %s %s from the previous step but this step's "
                    + "input is %s %s (batch size or shape changed mid-sequence?); call resetState() on this neuron, or "
                    + "Neuron.resetStates(model), before a new sequence", v.dtype(), Arrays.toString(v.shape()), x.dtype(),
                    Arrays.toString(x.shape()));
        }
        Var h = charge(v, x);
        Var s = fire(h);
        Var r = options.detachReset() ? s.detach() : s;
        potential = switch (options.reset()) {
            case SUBTRACT -> h.sub(r.mul(options.threshold()));
            case ZERO -> h.mul(r.neg().add(1));
            case NONE -> h;
        };
        steps++;
        return s;
    }

    private Var fire(Var h) {
        Tensor theta = Tensor.scalar(h.dtype(), options.threshold());
        if (smoothStandIn) {
            return options.surrogate().smoothFunction().apply(h.sub(Var.of(theta)));
        }
        return Spikes.fire(h, theta, options.surrogate());
    }

    /**
     * Makes this neuron fire with its surrogate's smooth function ({@link Surrogate#smoothFunction()} of
     * {@code H - theta}) instead of the step: a differentiable model of the neuron whose gradients through time
     * can be checked by finite differences. For tests only; returns this.
     */
    Neuron smoothStandIn() {
        smoothStandIn = true;
        return this;
    }

    @Override
    protected String describe() {
        return getClass().getSimpleName() + "(" + leak() + options + ")";
    }

    /** The leak's part of {@link #describe()}, e.g. {@code "tau 2.0, "}; empty for none. */
    protected String leak() {
        return "";
    }
}
