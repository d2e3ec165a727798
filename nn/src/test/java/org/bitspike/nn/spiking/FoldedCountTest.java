package org.bitspike.nn.spiking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bitspike.autograd.GradMode;
import org.bitspike.nn.Layer;
import org.bitspike.nn.accounting.LayerCount;
import org.bitspike.nn.accounting.OpCounter;
import org.bitspike.nn.accounting.OpCounts;
import org.bitspike.nn.accounting.OpKind;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * A folded model is counted like the evaluation model it equals: the same accumulates (the same spikes arrive), the
 * same comparisons (a folded threshold per neuron instead of a Hoyer spike), and no batch-norm work before a spike.
 */
class FoldedCountTest {

    private static OpCounts count(Layer model, Tensor x) {
        try (OpCounter counter = OpCounter.attach(model); GradMode.Scope s = GradMode.noGrad()) {
            model.forward(x);
            assertTrue(counter.layers().stream().allMatch(LayerCount::counted), "every layer declares its cost");
            return counter.total();
        }
    }

    @Test
    void foldingKeepsTheAccumulatesAndComparisonsAndDropsTheNormsBeforeSpikes() {
        for (boolean pooled : new boolean[] {false, true}) {
            FoldingTest.Spec spec = new FoldingTest.Spec(41, pooled, HoyerSpike.Threshold.CHANNEL_WISE,
                    HoyerSpike.Threshold.LAYER, 1.0, false);
            Layer model = FoldingTest.model(spec);
            model.eval();
            Tensor x = FoldingTest.input(spec, 1);
            OpCounts unfolded = count(model, x);
            OpCounts folded = count(Folding.fold(model), x);
            assertEquals(unfolded.get(OpKind.MAC), folded.get(OpKind.MAC), "the first conv sees the analog input");
            assertEquals(unfolded.get(OpKind.AC), folded.get(OpKind.AC), "the same spikes arrive");
            assertTrue(unfolded.get(OpKind.AC) > 0, "some spikes arrived");
            assertEquals(unfolded.get(OpKind.CMP), folded.get(OpKind.CMP), "one comparison per neuron either way");
            int side = pooled ? 3 : 6;
            long normElements = 4L * (3 * side * side + 4 * side * side + 5);
            assertEquals(unfolded.get(OpKind.FLOP) - 2 * normElements, folded.get(OpKind.FLOP),
                    "the three norms before spikes (2 FLOPs per element) are folded away");
        }
    }
}
