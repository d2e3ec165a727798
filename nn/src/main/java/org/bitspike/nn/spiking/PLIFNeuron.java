package org.bitspike.nn.spiking;

import org.bitspike.autograd.Var;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.Tensor;

/**
 * Parametric LIF (Fang et al. 2021, SpikingJelly's {@code ParametricLIFNode}): a {@link LIFNeuron} whose
 * leak is learned. One scalar parameter {@code w} per layer, {@code 1/tau = sigmoid(w)}:
 *
 * <pre>  H[t] = V[t-1] + (X[t] - V[t-1]) sigmoid(w)</pre>
 *
 * initialised from a time constant as {@code w = -ln(tau - 1)}, so that {@code sigmoid(w) = 1/tau}
 * ({@code tau > 1}; SpikingJelly's default is 2, {@code w = 0}). The sigmoid keeps the decay in (0, 1)
 * whatever {@code w} trains to. {@code d H / d w = (X - V) sigmoid(w) (1 - sigmoid(w))}.
 */
public final class PLIFNeuron extends Neuron {
    /** A PLIF neuron starting at time constant {@code tau}, FLOAT32, with {@link NeuronOptions#defaults()}. */
    public PLIFNeuron(double tau) {
        this(tau, NeuronOptions.defaults());
    }

    public PLIFNeuron(double tau, NeuronOptions options) {
        super(options);
        LIFNeuron.checkTau("PLIFNeuron", tau);
        parameter("w", Tensor.scalar(DType.FLOAT32, -Math.log(tau - 1)));
    }

    /** The current time constant {@code 1 / sigmoid(w)}. */
    public double tau() {
        return 1 + Math.exp(-parameter("w").value().itemDouble());
    }

    /** H = V + (X - V) sigmoid(w): a subtraction, a scaling, an addition (the sigmoid is once per layer). */
    @Override
    protected int chargeFlops() {
        return 3;
    }

    @Override
    protected Var charge(Var v, Var x) {
        checkInputDtype(x, "w");
        return v.add(x.sub(v).mul(parameter("w").sigmoid()));
    }

    @Override
    protected String leak() {
        return "tau " + tau() + " learned, ";
    }
}
