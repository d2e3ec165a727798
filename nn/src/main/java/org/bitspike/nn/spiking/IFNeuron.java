package org.bitspike.nn.spiking;

import org.bitspike.autograd.Var;

/**
 * Integrate-and-fire: no leak, {@code H[t] = V[t-1] + X[t]} (SpikingJelly's {@code IFNode}); the
 * neuron of ANN-to-SNN conversion. See {@link Neuron} for fire and reset.
 */
public final class IFNeuron extends Neuron {
    /** An IF neuron with {@link NeuronOptions#defaults()}. */
    public IFNeuron() {
        this(NeuronOptions.defaults());
    }

    public IFNeuron(NeuronOptions options) {
        super(options);
    }

    /** H = V + X: one addition. */
    @Override
    protected int chargeFlops() {
        return 1;
    }

    @Override
    protected Var charge(Var v, Var x) {
        return v.add(x);
    }
}
