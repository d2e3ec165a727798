package org.bitspike.nn.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.bitspike.nn.Layer;
import org.bitspike.nn.Conv2d;
import org.bitspike.nn.Layers;
import org.bitspike.nn.Linear;
import org.bitspike.nn.Pooling;
import org.bitspike.nn.Sequential;
import org.bitspike.nn.accounting.LayerCount;
import org.bitspike.nn.accounting.OpCounter;
import org.bitspike.nn.accounting.OpCounts;
import org.bitspike.nn.accounting.OpKind;
import org.bitspike.nn.data.Batch;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Spikes and operations per image: an {@link OpCounter} on the converted network counts one step per time step, MACs
 * where the analog image arrives, and one accumulate per fan-out weight for each spike that actually arrived.
 */
class ConvertAccountingTest {
    private static final RandomKey KEY = RandomKey.of(1408);
    private static final int STEPS = 20;

    @Test
    void acsAreTheSpikesThatArrivedTimesTheFanOut() {
        Sequential model = new Sequential(ConvertFixtures.randomLinear(5, 8, 0.7, KEY.fold(1)), Layers.relu(),
                ConvertFixtures.randomLinear(8, 6, 0.5, KEY.fold(2)), Layers.relu(),
                ConvertFixtures.randomLinear(6, 3, 0.5, KEY.fold(3)));
        Tensor x = Tensor.randn(KEY.fold(4), DType.FLOAT64, 7, 5);
        SpikingNetwork snn = Converter.convert(model, List.of(x), ConversionOptions.defaults()
                .withPropagation(Propagation.ONE_STEP).withPercentile(99));
        Simulation sim;
        try (OpCounter counter = OpCounter.attach(snn)) {
            sim = snn.simulate(x, STEPS);
            assertEquals(STEPS, counter.steps().size(), "one counter step per time step");
            assertEquals((long) STEPS * 7, counter.samples());
            OpCounts first = counts(counter, snn.synapses(0));
            assertEquals((long) STEPS * 7 * 5 * 8, first.get(OpKind.MAC), "the analog image: dense MACs every step");
            assertEquals(0, first.get(OpKind.AC));
            long spikes0 = Math.round(sim.spikeCounts(0).sum().itemDouble());
            long spikes1 = Math.round(sim.spikeCounts(1).sum().itemDouble());
            assertTrue(spikes0 > 0 && spikes1 > 0, "both stages fire: " + spikes0 + ", " + spikes1);
            assertEquals(spikes0 * 6, counts(counter, snn.synapses(1)).get(OpKind.AC), "stage 1: 6 synapses per spike");
            assertEquals(spikes1 * 3, counts(counter, snn.synapses(2)).get(OpKind.AC), "output: 3 synapses per spike");
            assertEquals(0, counts(counter, snn.synapses(1)).get(OpKind.MAC));
            assertEquals((long) STEPS * 7 * (8 + 6), counter.total().get(OpKind.CMP), "one comparison per neuron-step");
        }
        assertEquals((spikesOf(sim, 0) + spikesOf(sim, 1)) / 7, sim.spikesPerImage(), 1e-12);
    }

    private static double spikesOf(Simulation sim, int l) {
        return sim.spikeCounts(l).sum().itemDouble();
    }

    private static OpCounts counts(OpCounter counter, Layer layer) {
        return counter.layers().stream().filter(c -> c.layer() == layer).map(LayerCount::counts).findFirst()
                .orElseThrow();
    }

    @Test
    void evaluateGivesTheLatencyCurveOverBatches() {
        // FLOAT32 images [N, C, H, W], as a data loader's batches hold
        Sequential model = new Sequential(new Conv2d(1, 4, 3, 1, 1, false, KEY.fold(5)), Pooling.avg(2), Layers.relu(),
                Layers.flatten(), new Linear(16, 3, false, KEY.fold(6)));
        Tensor x = Tensor.randn(KEY.fold(7), 12, 1, 4, 4);
        Tensor labels = ConvertFixtures.ann(model, x).argmax(1, false); // the ANN is right on every image
        SpikingNetwork snn = Converter.convert(model, List.of(x), ConversionOptions.defaults().withPercentile(100));
        List<Batch> batches = List.of(new Batch(x.narrow(0, 0, 5), labels.narrow(0, 0, 5)),
                new Batch(x.narrow(0, 5, 7), labels.narrow(0, 5, 7)));
        LatencyCurve curve = snn.evaluate(batches, 200);
        Simulation whole = snn.simulate(x, 200);
        assertArrayEquals(whole.accuracy(labels), curve.accuracy(), 1e-12, "batching does not change the curve");
        assertEquals(12, curve.images());
        assertEquals(whole.spikesPerImage(), curve.spikesPerImage(), 1e-6 * whole.spikesPerImage());
        assertTrue(curve.finalAccuracy() >= 11.0 / 12, "at T = 200 the SNN agrees with its ANN: " + curve.finalAccuracy());
        int reach = curve.stepsToReach(curve.finalAccuracy());
        assertTrue(reach >= 1 && reach <= 200);
        assertEquals(1, curve.spikesPerStage().length);
    }
}
