package org.bitspike.nn.bayes;

import java.util.Arrays;
import org.bitspike.autograd.GradMode;
import org.bitspike.autograd.Var;
import org.bitspike.nn.Functional;
import org.bitspike.nn.Layer;
import org.bitspike.nn.spiking.Spikes;
import org.bitspike.nn.spiking.Surrogate;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.bitspike.tensor.TensorException;

/**
 * BiSNN's leaky integrate-and-fire layer with synaptic and refractory traces (DECOLLE's neuron, digest 5.2), one
 * time step per {@link #forward(Var)} call, {@code [N, in]} spikes in, {@code [N, out]} spikes out:
 *
 * <pre>
 *   Q[t] = beta  Q[t-1] + S_in[t]            beta  = exp(-1 / tau_syn)     (synaptic trace, per input)
 *   P[t] = alpha P[t-1] + Q[t-1]             alpha = exp(-1 / tau_mem)     (eligibility trace, per input)
 *   R[t] = a_r   R[t-1] + S[t-1]             a_r   = exp(-1 / tau_ref)     (refractory trace, per neuron)
 *   U[t] = c (P[t] W^T + b) - R[t]           c = 1 / sqrt(in), fixed
 *   S[t] = 1[U[t] >= 0]                      backward: dS/dU = 1[-0.5 < U <= 0.5]
 * </pre>
 *
 * with every trace 0 before the first step (so {@code P[0] = 0}: the first step sees only the bias). The threshold
 * is 0, absorbed into the optional bias. The surrogate is {@link #SURROGATE}, {@code Surrogate.rectangle(-0.5, 0.5,
 * 1)}: BiSNN's {@code smooth_step}, the derivative of {@code clamp(U, -0.5, 0.5) + 0.5}.
 *
 * <p>Local learning (DECOLLE): the traces are constants, never part of the graph, so the output's gradient
 * reaches only this step's {@code W} and {@code b} through {@code U[t]} ({@code dU/dW = c P[t]}), never an earlier
 * step nor the layer below (the input is read as a value). The weights are whatever the learning rule writes
 * into the {@code weight} parameter: floats, the sign of a latent weight, a relaxed Bernoulli sample or +-1.
 *
 * <p>State: {@link #state()} (null before the first step and after {@link #resetState()}, the one way to start a
 * new sequence); a step whose batch size differs from the state's is refused, naming both.
 */
public final class TraceLif extends Layer {
    /** BiSNN's surrogate: {@code 1[-0.5 < U <= 0.5]}, the rectangle of width 1 centred on the threshold 0. */
    public static final Surrogate.Rectangle SURROGATE = Surrogate.rectangle(-0.5, 0.5, 1);

    /**
     * The traces after a step, all constants: synaptic {@code q} and eligibility {@code p} ({@code [N, in]}),
     * refractory {@code r}, spikes {@code s} and the potential {@code u} that fired them ({@code [N, out]}).
     */
    public record State(Tensor q, Tensor p, Tensor r, Tensor s, Tensor u) {
        /** The batch size the state was built for. */
        public int batch() {
            return q.size(0);
        }
    }

    private final int in;
    private final int out;
    private final boolean hasBias;
    private final Traces traces;
    private final double scale;
    private State state;
    /** Test hook: fire with the surrogate's smooth function instead of the step (a differentiable stand-in). */
    private boolean smoothStandIn;

    /**
     * A layer of {@code out} neurons fed by {@code in} inputs.
     *
     * @param bias whether {@code U} has a bias {@code b [out]} (the threshold; BiSNN's two-moons MLP has none)
     * @param init how the weight (and bias) are drawn, from {@code key.fold(0)} (and {@code key.fold(1)})
     */
    public TraceLif(int in, int out, boolean bias, Traces traces, WeightInit init, DType dtype, RandomKey key) {
        if (in <= 0 || out <= 0) {
            throw new IllegalArgumentException("TraceLif: feature counts must be positive, got " + in + " -> " + out);
        }
        if (traces == null || init == null || dtype == null || !dtype.isFloating() || key == null) {
            throw new IllegalArgumentException("TraceLif: traces, init, a floating dtype and a key are required, got "
                    + traces + ", " + init + ", " + dtype + ", " + key);
        }
        this.in = in;
        this.out = out;
        this.hasBias = bias;
        this.traces = traces;
        this.scale = 1 / Math.sqrt(in);
        parameter("weight", init.draw(key.fold(0), dtype, out, in));
        if (bias) {
            parameter("bias", init.draw(key.fold(1), dtype, out));
        }
    }

    public int inFeatures() {
        return in;
    }

    public int outFeatures() {
        return out;
    }

    public Traces traces() {
        return traces;
    }

    /** The fixed factor {@code c = 1 / sqrt(in)}. */
    public double scale() {
        return scale;
    }

    public Var weight() {
        return parameter("weight");
    }

    /** The bias, or null. */
    public Var bias() {
        return hasBias ? parameter("bias") : null;
    }

    /** The traces after the last step, or null before the first step and after {@link #resetState()}. */
    public State state() {
        return state;
    }

    /** Forgets every trace: the next step starts a sequence from zero traces. */
    public void resetState() {
        state = null;
    }

    @Override
    protected Var compute(Var input) {
        checkInputDtype(input, "weight");
        if (input.dim() != 2 || input.size(1) != in) {
            throw TensorException.of(describe(), "one step's input must be [N, %d] spikes, got %s", in,
                    Arrays.toString(input.shape()));
        }
        State previous = state;
        int batch = input.size(0);
        if (previous != null && previous.batch() != batch) {
            throw TensorException.of(describe(), "the traces hold a batch of %d from the previous step but this step's "
                    + "input %s has %d; call resetState() before a new sequence", previous.batch(),
                    Arrays.toString(input.shape()), batch);
        }
        Tensor x = input.value();
        Tensor q;
        Tensor p;
        Tensor r;
        try (GradMode.Scope scope = GradMode.noGrad()) {
            if (previous == null) {
                q = x.copy();
                p = Tensor.zeros(x.dtype(), batch, in);
                r = Tensor.zeros(x.dtype(), batch, out);
            } else {
                q = previous.q().mul(traces.beta()).add(x);
                p = previous.p().mul(traces.alpha()).add(previous.q());
                r = previous.r().mul(traces.refractoryDecay()).add(previous.s());
            }
        }
        Var u = Functional.linear(Var.of(p), weight(), bias()).mul(scale).sub(Var.of(r));
        Var s = smoothStandIn ? SURROGATE.smoothFunction().apply(u) : Spikes.heaviside(u, SURROGATE);
        // NOTE: the stand-in's output is not 0/1; the refractory trace still takes the real spikes
        Tensor fired = smoothStandIn ? u.value().ge(0.0).to(u.dtype()) : s.value();
        state = new State(q, p, r, fired, u.value());
        return s;
    }

    /**
     * Makes this layer output its surrogate's smooth function of {@code U} instead of the step: a differentiable
     * stand-in whose gradient with respect to the weights can be checked by finite differences. Tests only.
     */
    TraceLif smoothStandIn() {
        smoothStandIn = true;
        return this;
    }

    @Override
    protected String describe() {
        return "TraceLif(" + in + " -> " + out + (hasBias ? ", bias" : "") + ", tau_mem " + traces.tauMem()
                + ", tau_syn " + traces.tauSyn() + ", tau_ref " + traces.tauRef() + ")";
    }
}
