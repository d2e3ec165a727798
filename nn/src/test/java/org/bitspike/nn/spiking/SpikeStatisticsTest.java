package org.bitspike.nn.spiking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.bitspike.autograd.GradMode;
import org.bitspike.autograd.Var;
import org.bitspike.nn.Layers;
import org.bitspike.nn.Sequential;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Spike statistics count what a hand computation of the same forwards gives, per mode, and cost nothing once closed. */
class SpikeStatisticsTest {

    private static Sequential model() {
        return new Sequential(new HoyerSpike(2, HoyerSpike.Options.DEFAULT.withThreshold(HoyerSpike.Threshold.FIXED)),
                Layers.flatten(), new HoyerSpike(8, HoyerSpike.Options.DEFAULT.withThreshold(HoyerSpike.Threshold.LAYER)));
    }

    @Test
    void firingRatesAndHistogramsMatchAHandCount() {
        Sequential model = model();
        // fixed threshold (theta = 1, v = 1): z = u, spike iff u >= 1
        Tensor u = Tensor.of(new float[] {-2f, 0.5f, 0.97f, 1f, 1.02f, 3f, 0.2f, 1.5f}, 1, 2, 2, 2);
        try (SpikeStatistics stats = SpikeStatistics.attach(model)) {
            model.eval();
            try (GradMode.Scope s = GradMode.noGrad()) {
                model.forward(u);
            }
            SpikeStatistics.LayerCounts first = stats.layers().get(0);
            assertEquals("0", first.name());
            assertEquals(4.0 / 8, first.firingRate(false), 1e-12);
            assertTrue(Double.isNaN(first.firingRate(true)), "no training forward yet");
            // z - theta: -3, -0.5, -0.03, 0, 0.02, 2, -0.8, 0.5; |.| < 0.05: three of eight
            assertEquals(3.0 / 8, first.nearThresholdMass(false), 1e-12);
            long[] h = first.histogram(false);
            assertEquals(82, h.length);
            assertEquals(1, h[0], "-3 is below -1");
            assertEquals(1, h[81], "2 is above 1");
            assertEquals(8, java.util.Arrays.stream(h).sum());
            assertEquals(2, h[1 + (int) ((0.0 + 1) / 0.025)], "0 and 0.02 share the bin [0, 0.025)");
            assertEquals(1, h[1 + (int) ((0.5 + 1) / 0.025)], "0.5 alone in its bin");

            model.train();
            model.forward(Var.of(u));
            assertEquals(4.0 / 8, first.firingRate(true), 1e-12);
            assertArrayEquals(new long[82], first.histogram(true), "training forwards are not histogrammed by default");
            Map<?, ?> summary = (Map<?, ?>) stats.summary().get("0");
            assertEquals(4.0 / 8, (Double) summary.get("firing_rate_train"), 1e-12);
            assertEquals(1.0, (Double) summary.get("theta"), 0);
            assertEquals(1.0, (Double) summary.get("clip"), 0);

            stats.reset();
            assertTrue(Double.isNaN(first.firingRate(false)) && Double.isNaN(first.nearThresholdMass(false)));
        }
    }

    @Test
    void closingDetachesAndAModelWithoutSpikesIsRefused() {
        Sequential model = model();
        SpikeStatistics stats = SpikeStatistics.attach(model);
        stats.close();
        model.forward(Tensor.ones(DType.FLOAT32, 1, 2, 2, 2));
        assertTrue(Double.isNaN(stats.layers().get(0).firingRate(true)), "a closed statistics object sees nothing");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SpikeStatistics.attach(new Sequential(Layers.relu())));
        assertTrue(e.getMessage().contains("no HoyerSpike layer"), e.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> new SpikeStatistics.Options(1, -1, 10, 0.05, false));
        assertTrue(bad.getMessage().contains("lo 1.0 < hi -1.0"), bad.getMessage());
    }

    @Test
    void noiseIsRelativeToThePotentialsSpreadAndStopsWhenClosed() {
        HoyerSpike spike = new HoyerSpike(2, HoyerSpike.Options.DEFAULT);
        Sequential model = new Sequential(spike);
        Tensor u = Tensor.randn(RandomKey.of(3), 16, 2, 4, 4);
        Tensor[] seen = new Tensor[1];
        spike.observe(e -> seen[0] = e.potential().value());
        model.eval();
        try (PotentialNoise noise = PotentialNoise.attach(model, 0.2, RandomKey.of(9))) {
            model.forward(u);
            Tensor added = seen[0].sub(u);
            double relative = Math.sqrt(added.var().itemDouble() / u.var().itemDouble());
            assertEquals(0.2, relative, 0.03, "noise std relative to std(u)");
        }
        model.forward(u);
        assertEquals(0, seen[0].sub(u).abs().max().itemDouble(), 0, "closed: no noise");
        try (PotentialNoise none = PotentialNoise.attach(model, 0, RandomKey.of(9))) {
            model.forward(u);
            assertEquals(0, seen[0].sub(u).abs().max().itemDouble(), 0, "sigma 0 adds nothing");
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PotentialNoise.attach(model, -0.1, RandomKey.of(1)));
        assertTrue(e.getMessage().contains("sigma must be non-negative and finite, got -0.1"), e.getMessage());
    }
}
