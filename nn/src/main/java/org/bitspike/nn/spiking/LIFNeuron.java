package org.bitspike.nn.spiking;

import org.bitspike.autograd.Var;

/**
 * Leaky integrate-and-fire with membrane time constant {@code tau} (in steps), SpikingJelly's {@code LIFNode}
 * with {@code decay_input=True}:
 *
 * <pre>  H[t] = V[t-1] + (X[t] - V[t-1]) / tau  =  (1 - 1/tau) V[t-1] + X[t] / tau</pre>
 *
 * so the potential decays by {@code beta = 1 - 1/tau} per step and a constant input {@code x} charges it
 * towards {@code x}. snnTorch's {@code Leaky} is {@code H = beta V + X} (the input not scaled): the same
 * neuron with the input multiplied by {@code tau}, or threshold divided by it. {@code tau > 1} (at 1 the
 * neuron forgets everything each step; below it the potential would overshoot and oscillate).
 */
public final class LIFNeuron extends Neuron {
    private final double tau;

    /** A LIF neuron with time constant {@code tau} and {@link NeuronOptions#defaults()}. */
    public LIFNeuron(double tau) {
        this(tau, NeuronOptions.defaults());
    }

    public LIFNeuron(double tau, NeuronOptions options) {
        super(options);
        this.tau = checkTau("LIFNeuron", tau);
    }

    /** The membrane time constant, in steps. */
    public double tau() {
        return tau;
    }

    /** H = V + (X - V) / tau: a subtraction, a scaling, an addition. */
    @Override
    protected int chargeFlops() {
        return 3;
    }

    @Override
    protected Var charge(Var v, Var x) {
        return v.add(x.sub(v).div(tau));
    }

    @Override
    protected String leak() {
        return "tau " + tau + ", ";
    }

    static double checkTau(String layer, double tau) {
        if (!(tau > 1) || !Double.isFinite(tau)) {
            throw new IllegalArgumentException(layer + ": tau must be finite and > 1 (the decay per step is 1 - 1/tau, "
                    + "in (0, 1)), got " + tau);
        }
        return tau;
    }
}
