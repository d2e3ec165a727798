package org.bitspike.nn.spiking;

import java.util.Arrays;
import java.util.Objects;
import org.bitspike.autograd.Var;
import org.bitspike.nn.accounting.Countable;
import org.bitspike.nn.accounting.Forward;
import org.bitspike.nn.accounting.LayerCosts;
import org.bitspike.nn.accounting.OpCounts;
import org.bitspike.nn.accounting.OpKind;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.Tensor;
import org.bitspike.tensor.TensorException;

/**
 * The multi-time-step Hoyer neuron (digest section 2.7): the {@link HoyerSpike} of the one-step papers fired on a
 * leaky membrane that integrates the input over time and is reset softly by the running threshold:
 *
 * <pre>
 *   m[t] = lambda m[t-1] + x[t]                  m[-1] = 0; lambda: one trainable scalar per layer, init 1 (IF)
 *   o[t] = HoyerSpike(m[t])                      z = m[t] / |v|, theta from clip(z, 0, 1) of this step's batch
 *                                                (training) or the running theta (evaluation)
 *   m[t] = m[t] - |v|.detach() r o[t]            r: the running theta ([C] channel-wise, broadcast over [N, C, ...])
 * </pre>
 *
 * Everything Hoyer is the child {@link HoyerSpike} {@code spike}, run (its forward) once per step: the one clipping
 * value v shared by every step, the running theta(s), the surrogate backward on z, and its observers, so the
 * {@link HoyerRegularizer}, {@link SpikeStatistics}, {@link PotentialNoise} and operation counters attached to a
 * model see (and perturb) every step of every Hoyer neuron without knowing about time; a perturbation changes what
 * the spike sees, not the membrane. The running theta is one buffer moved at every step
 * ({@link RunningTheta#SHARED}: any number of steps) or one per step ({@link RunningTheta#PER_STEP}, the lava-dl
 * port's choice: T is fixed at construction, and the buffer is {@code [T, C]}).
 *
 * <p>The time machinery is {@link MembraneLayer}'s, as for the IF/LIF/PLIF {@link Neuron}s: {@link StepMode#SINGLE}
 * ({@code [N, C, ...]} per call) and {@link StepMode#MULTI} ({@code [T, N, C, ...]}) run the same step and agree bit
 * for bit; the membrane is the layer's state, forgotten by {@link #resetState()} or
 * {@link MembraneLayer#resetStates} ({@code Neuron.resetStates(model)}) for the whole model; truncated BPTT by
 * {@link Options#detachEvery()}.
 *
 * <p>Gradients: o[t] has the spike's surrogate gradient (to m[t] and v); the leak gets {@code dm[t]/dlambda =
 * m[t-1]}; the reset subtracts a constant per channel times o[t], so its gradient flows only through the spike
 * (and not at all with {@link Options#detachReset()}).
 *
 * <p>NOTE: the reset uses the running theta as it stands after this step's spike, i.e. in training already moved
 * toward this step's batch theta (the update happens when the spike fires); in evaluation it is the threshold the
 * neuron fired at, so the reset is exact. It is not scaled by the spike's {@link HoyerSpike.Options#scale()} (the
 * digest's formula). A fixed threshold resets by {@code |v|}.
 *
 * <p>NOTE: the first step charges {@code m[0] = x[0]} (no multiply by the leak of a zero membrane), so one step of
 * this neuron is exactly the one-step {@link HoyerSpike} on the same input.
 */
public final class HoyerNeuron extends MembraneLayer implements Countable {
    /** Where the running theta lives over time. */
    public enum RunningTheta {
        /** One running theta, moved at every step: any number of steps. */
        SHARED,
        /** One running theta per step ({@code [T, C]}): at most T steps between resets. */
        PER_STEP
    }

    /**
     * How a Hoyer neuron behaves.
     *
     * @param spike the Hoyer spike's options (threshold granularity, scale, momentum, surrogate)
     * @param running one shared running theta or one per step
     * @param steps T, the number of per-step running thetas: positive for {@link RunningTheta#PER_STEP}, 0 for
     *     {@link RunningTheta#SHARED} (which takes any number of steps)
     * @param stepMode {@link StepMode#SINGLE} ({@code [N, C, ...]}) or {@link StepMode#MULTI} ({@code [T, N, C, ...]})
     * @param detachEvery truncated BPTT every k steps since the last reset (0: full BPTT), as {@link NeuronOptions}
     * @param detachReset whether the spike in the reset is detached (no gradient through the reset)
     */
    public record Options(HoyerSpike.Options spike, RunningTheta running, int steps, StepMode stepMode, int detachEvery,
            boolean detachReset) {
        public Options {
            Objects.requireNonNull(spike, "HoyerNeuron: spike options are null");
            Objects.requireNonNull(running, "HoyerNeuron: running-theta mode is null; SHARED or PER_STEP");
            Objects.requireNonNull(stepMode, "HoyerNeuron: step mode is null; SINGLE or MULTI");
            if (running == RunningTheta.PER_STEP && steps <= 0) {
                throw new IllegalArgumentException("HoyerNeuron: per-step running thetas need T >= 1 steps, got T = " + steps);
            }
            if (running == RunningTheta.SHARED && steps != 0) {
                throw new IllegalArgumentException("HoyerNeuron: a shared running theta takes any number of steps; give "
                        + "steps 0, got " + steps + " (or use PER_STEP for one running theta per step)");
            }
            if (detachEvery < 0) {
                throw new IllegalArgumentException("HoyerNeuron: detachEvery must be 0 (full BPTT) or a positive number "
                        + "of steps, got " + detachEvery);
            }
        }

        /** One shared running theta, single step, full BPTT, reset not detached. */
        public static Options shared(HoyerSpike.Options spike) {
            return new Options(spike, RunningTheta.SHARED, 0, StepMode.SINGLE, 0, false);
        }

        /** One running theta per step for {@code steps} steps, single step, full BPTT, reset not detached. */
        public static Options perStep(HoyerSpike.Options spike, int steps) {
            return new Options(spike, RunningTheta.PER_STEP, steps, StepMode.SINGLE, 0, false);
        }

        public Options withStepMode(StepMode mode) {
            return new Options(spike, running, steps, mode, detachEvery, detachReset);
        }

        public Options withDetachEvery(int k) {
            return new Options(spike, running, steps, stepMode, k, detachReset);
        }

        public Options withDetachReset(boolean detach) {
            return new Options(spike, running, steps, stepMode, detachEvery, detach);
        }
    }

    private final int channels;
    private final Options options;
    /** Test hook: fire with this surrogate's smooth function of {@code z - s theta} (evaluation only), or null. */
    private Surrogate smoothStandIn;

    /** A FLOAT32 Hoyer neuron over {@code channels} channels (dimension 1 of each step). */
    public HoyerNeuron(int channels, Options options) {
        this(channels, options, DType.FLOAT32);
    }

    public HoyerNeuron(int channels, Options options, DType dtype) {
        this.options = Objects.requireNonNull(options, "HoyerNeuron: options are null");
        this.channels = channels;
        child("spike", new HoyerSpike(channels, options.spike(), dtype,
                options.running() == RunningTheta.PER_STEP ? options.steps() : 0));
        parameter("leak", Tensor.scalar(dtype, 1));
    }

    public int channels() {
        return channels;
    }

    public Options options() {
        return options;
    }

    /** The Hoyer spike: v ({@link HoyerSpike#clip()}) and the running theta(s) ({@link HoyerSpike#runningTheta()}). */
    public HoyerSpike spike() {
        return (HoyerSpike) children().get("spike");
    }

    /** lambda, the trainable leak (0-d, initialised to 1: an integrate-and-fire membrane). */
    public Var leak() {
        return parameter("leak");
    }

    @Override
    protected StepMode stepMode() {
        return options.stepMode();
    }

    @Override
    protected int detachEvery() {
        return options.detachEvery();
    }

    @Override
    protected void checkSequence(int time, int[] stepShape) {
        if (stepShape.length < 2 || stepShape[1] != channels) {
            throw TensorException.of(describe(), "each step's input must be [N, %d, ...] (rank >= 2, %d channels in "
                    + "dimension 1), got %s", channels, channels, Arrays.toString(stepShape));
        }
        if (options.running() == RunningTheta.PER_STEP && steps() + time > options.steps()) {
            throw TensorException.of(describe(), "one running theta per step for T = %d steps, but this input would run "
                    + "steps %d to %d since the last reset; call resetState() (or Neuron.resetStates(model)) between "
                    + "sequences, or use RunningTheta.SHARED for any T", options.steps(), steps(), steps() + time - 1);
        }
    }

    @Override
    protected Next advance(Var previous, Var x, long t) {
        checkInputDtype(x, "leak");
        HoyerSpike spike = spike();
        // m[t] = lambda m[t-1] + x[t]; the first step is x itself (see the class NOTE)
        Var m = previous == null ? x : previous.mul(leak()).add(x);
        Tensor running = spike.runningTheta(t);
        Var o = smoothStandIn != null ? smooth(m, running) : spike.forwardStep(m, t);
        // read after the spike: training moved the running theta at this step
        Tensor magnitude = spike.clip().value().abs();
        Tensor reset = HoyerFunctions.broadcastable(spike.evaluationTheta(running).mul(magnitude), m.dim());
        Var r = options.detachReset() ? o.detach() : o;
        return new Next(o, m.sub(r.mul(Var.of(reset))));
    }

    private Var smooth(Var m, Tensor running) {
        if (isTraining()) {
            throw new IllegalStateException(describe() + ": the smooth stand-in runs in evaluation only");
        }
        Tensor threshold = HoyerFunctions.broadcastable(spike().evaluationTheta(running).mul(options.spike().scale()),
                m.dim());
        return smoothStandIn.smoothFunction().apply(m.div(spike().clip().abs()).sub(Var.of(threshold)));
    }

    /**
     * Makes this neuron fire with {@code surrogate}'s smooth function of {@code z - s theta} instead of the Hoyer
     * spike, in evaluation (running theta): a differentiable model of the neuron whose gradients through time can be
     * checked by finite differences. Observers are not called. For tests only; returns this.
     */
    HoyerNeuron smoothStandIn(Surrogate surrogate) {
        smoothStandIn = Objects.requireNonNull(surrogate);
        return this;
    }

    /**
     * Per neuron and step (the output holds every step in multi-step mode): the charge's multiply-add (2 FLOPs,
     * counted at every step although the first has nothing to leak) and the reset's multiply-subtract (2 FLOPs). The
     * spike's comparison (and its Hoyer extremum in training) is counted by the child {@link HoyerSpike}, whose
     * forward runs once per step.
     */
    @Override
    public OpCounts cost(Forward forward) {
        return LayerCosts.elementwise(OpKind.FLOP, 4, forward.output());
    }

    @Override
    protected String describe() {
        return "HoyerNeuron(" + channels + ", " + options.spike().threshold().label() + ", leak "
                + leak().value().itemDouble() + ", "
                + (options.running() == RunningTheta.SHARED ? "shared running theta" : "running theta per step, T = "
                + options.steps()) + ", " + options.stepMode()
                + (options.detachEvery() > 0 ? ", detach every " + options.detachEvery() : "")
                + (options.detachReset() ? ", detached reset" : "") + ")";
    }
}
