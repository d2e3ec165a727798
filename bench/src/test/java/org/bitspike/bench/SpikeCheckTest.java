package org.bitspike.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.bitspike.autograd.GradMode;
import org.bitspike.nn.Layer;
import org.bitspike.nn.Sequential;
import org.bitspike.nn.spiking.HoyerSpike;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

class SpikeCheckTest {
    @Test
    void countsTheRatesOfEachLayer() {
        SpikeCheck check = SpikeCheck.of("t", List.of("a", "b"));
        check.count("a", new float[] {1, 0, 0, 1});
        check.count("a", new float[] {0, 0, 0, 1});
        check.count("b", new float[] {1, 0});
        assertEquals(Map.of("a", 3.0 / 8, "b", 0.5), check.rates());
        check.requireEveryLayerFires();
        check.requireSomeFire();
    }

    @Test
    void catchesASpikeThatIsNeitherZeroNorOne() {
        SpikeCheck check = SpikeCheck.of("t", List.of("a"));
        check.count("a", new float[] {1, 0, 0});
        check.count("a", new float[] {0, 0.5f, 2});
        for (Runnable r : List.<Runnable>of(check::requireEveryLayerFires, check::requireSomeFire)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, r::run);
            assertEquals("t: spike layer a emitted 0.5 at flat index 4 (of its outputs since the check began), "
                    + "expected only 0 and 1", e.getMessage());
        }
    }

    @Test
    void everyLayerMustFireSometimesButNotAlways() {
        SpikeCheck silent = SpikeCheck.of("t", List.of("a", "b"));
        silent.count("a", new float[] {1, 0});
        silent.count("b", new float[] {0, 0, 0});
        IllegalStateException e = assertThrows(IllegalStateException.class, silent::requireEveryLayerFires);
        assertTrue(e.getMessage().startsWith("t: spike layer b fired 0 of 3 times, expected a rate strictly between 0 and 1"),
                e.getMessage());
        silent.requireSomeFire(); // a fires

        SpikeCheck saturated = SpikeCheck.of("t", List.of("a"));
        saturated.count("a", new float[] {1, 1});
        assertThrows(IllegalStateException.class, saturated::requireEveryLayerFires);
        e = assertThrows(IllegalStateException.class, saturated::requireSomeFire);
        assertTrue(e.getMessage().startsWith("t: the spike layers fired 2 of 2 times, expected some but not all"),
                e.getMessage());

        SpikeCheck idle = SpikeCheck.of("t", List.of("a"));
        e = assertThrows(IllegalStateException.class, idle::requireEveryLayerFires);
        assertTrue(e.getMessage().startsWith("t: spike layer a fired 0 of 0 times"), e.getMessage());
    }

    @Test
    void aModelWithoutSpikeLayersPasses() {
        SpikeCheck none = SpikeCheck.of("t", List.of());
        none.requireEveryLayerFires();
        none.requireSomeFire();
    }

    @Test
    void anUnknownLayerIsRefusedByName() {
        SpikeCheck check = SpikeCheck.of("t", List.of("a"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> check.count("b", new float[] {1}));
        assertEquals("t: b is not a watched spike layer; watched: [a]", e.getMessage());
    }

    @Test
    void attachWatchesTheModelsSpikeLayersUntilClosed() {
        Layer model = new Sequential().add("s", new HoyerSpike(2, HoyerSpike.Options.DEFAULT)).train();
        // Channel 0: clip(0.5, -1) has extremum 0.5, so 0.5 fires; channel 1: (0.1, 0.9) has 0.82, so 0.9 fires.
        Tensor x = Tensor.of(new float[] {0.5f, 0.1f, -1, 0.9f}, 2, 2);
        SpikeCheck check = SpikeCheck.attach("t", model);
        assertEquals(1, check.layers());
        try (GradMode.Scope scope = GradMode.noGrad()) {
            model.forward(x);
            check.close();
            model.forward(Tensor.of(new float[] {1, 1, 1, 1}, 2, 2)); // every neuron fires, not counted
        }
        assertEquals(Map.of("s", 0.5), check.rates());
    }
}
