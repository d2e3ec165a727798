package org.bitspike.nn.spiking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bitspike.autograd.Var;
import org.bitspike.nn.Linear;
import org.bitspike.nn.Sequential;
import org.bitspike.nn.accounting.OpCounter;
import org.bitspike.nn.accounting.OpCounts;
import org.bitspike.nn.accounting.OpKind;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Neurons over time in the accounting: a comparison per neuron and step, and the layer after them paid per spike. */
class NeuronCountTest {

    @Test
    void aMultiStepNetworkPaysAComparisonPerNeuronStepAndOneAccumulatePerArrivedSpike() {
        NeuronOptions multi = NeuronOptions.defaults().withStepMode(StepMode.MULTI);
        LIFNeuron first = new LIFNeuron(2, multi);
        Linear readout = new Linear(4, 3, false, RandomKey.of(2));
        Sequential model = new Sequential(first, new MultiStep(readout), new IFNeuron(multi.withReset(Reset.NONE)));
        Tensor x = Tensor.randn(RandomKey.of(1), 5, 2, 4).mul(2); // T = 5 steps of 2 samples, 4 inputs
        OpCounts total;
        Var spikes;
        try (OpCounter counter = OpCounter.attach(model)) {
            spikes = first.forward(Var.of(x));
            first.resetState();
            model.forward(Var.of(x));
            total = counter.total();
        }
        long fired = Math.round(spikes.value().sum().itemDouble());
        assertTrue(fired > 0 && fired < 40, "some spikes, not all: " + fired);
        // the LIF layer ran twice (40 neuron-steps each), the IF readout neurons once (5 x 2 x 3)
        assertEquals(2 * 40 + 30, total.get(OpKind.CMP));
        // LIF: 3 charge + 2 reset FLOPs per neuron-step; IF without reset: 1
        assertEquals(2 * 40 * 5 + 30, total.get(OpKind.FLOP));
        assertEquals(3 * fired, total.get(OpKind.AC), "each arrived spike reaches the 3 readout neurons");
        assertEquals(0, total.get(OpKind.MAC));
    }
}
