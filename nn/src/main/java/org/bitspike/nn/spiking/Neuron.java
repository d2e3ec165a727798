package org.bitspike.nn.spiking;

import java.util.ArrayList;
import java.util.List;
import org.bitspike.autograd.HookHandle;
import org.bitspike.autograd.Var;
import org.bitspike.nn.accounting.Countable;
import org.bitspike.nn.accounting.Forward;
import org.bitspike.nn.accounting.OpCounts;
import org.bitspike.nn.accounting.OpKind;
import org.bitspike.tensor.Tensor;

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
 * is the one way to forget a sequence (call it, or {@link #resetStates(org.bitspike.nn.Layer)} on the whole model,
 * between samples: it resets the {@link HoyerNeuron}s too). Nothing is global: two models, or two neurons, never
 * share state. The time machinery (step modes, state, truncation) is {@link MembraneLayer}'s.
 *
 * <p>In {@link StepMode#SINGLE} the input {@code [N, ...]} is one step and the state carries over to the next
 * call; in {@link StepMode#MULTI} the input {@code [T, N, ...]} is a sequence, looped here, and the state after
 * its last step carries over too. Both run the same step, so they agree bit for bit. Back-propagation
 * through time is the graph engine's: the state is an ordinary {@link Var}, and truncation
 * ({@link NeuronOptions#detachEvery()}, {@link #detachState()}) is {@code V.detach()}.
 */
public abstract class Neuron extends MembraneLayer implements Countable {
    private final NeuronOptions options;
    /** Empty unless someone watches the steps ({@link #observeSteps}): then each step pays one list walk. */
    private final List<NeuronStepObserver> stepObservers = new ArrayList<>(0);
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

    @Override
    protected StepMode stepMode() {
        return options.stepMode();
    }

    @Override
    protected int detachEvery() {
        return options.detachEvery();
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

    /** One charge, fire, reset (the previous potential is 0 on the first step). */
    @Override
    protected final Next advance(Var previous, Var x, long t) {
        Var v = previous != null ? previous : Var.of(Tensor.zeros(x.dtype(), x.shape()));
        Var h = charge(v, x);
        Var s = fire(h);
        Var r = options.detachReset() ? s.detach() : s;
        Var next = switch (options.reset()) {
            case SUBTRACT -> h.sub(r.mul(options.threshold()));
            case ZERO -> h.mul(r.neg().add(1));
            case NONE -> h;
        };
        if (!stepObservers.isEmpty()) {
            NeuronStep step = new NeuronStep(this, t, x, h, s, next);
            for (NeuronStepObserver o : List.copyOf(stepObservers)) {
                o.stepped(step);
            }
        }
        return new Next(s, next);
    }

    /**
     * Shows every step of this neuron, in either step mode, to {@code observer} until the returned handle is removed:
     * its input, charged potential, spikes and new potential ({@link NeuronStep}). How a monitor sees each step of a
     * multi-step call, which a forward observer sees only as a whole. Nothing global: the caller owns the handle; a
     * neuron nobody observes pays one emptiness check per step.
     */
    public HookHandle observeSteps(NeuronStepObserver observer) {
        if (observer == null) {
            throw new IllegalArgumentException(describe() + ": observeSteps: the observer is null");
        }
        stepObservers.add(observer);
        return () -> stepObservers.remove(observer);
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
