package org.bitspike.nn.accounting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.bitspike.autograd.GradMode;
import org.bitspike.nn.Conv2d;
import org.bitspike.nn.Layer;
import org.bitspike.nn.Linear;
import org.bitspike.nn.models.LayerKinds;
import org.bitspike.nn.models.Models;
import org.bitspike.nn.spiking.HoyerKinds;
import org.bitspike.nn.spiking.HoyerSpike;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The zoo's small VGG, float and Hoyer-spiking, counted as the papers describe them: the float one in dense MACs, the
 * spiking one in MACs for its first convolution only (it sees pixels) and ACs wherever spikes arrive, with one
 * comparison per spiking neuron; both on the same dense-MAC skeleton.
 */
class ZooCountTest {
    private static final RandomKey KEY = RandomKey.of(3);

    private static List<LayerCount> count(LayerKinds kinds, Tensor images) {
        Layer model = Models.vggSmall(1, 10, kinds, KEY);
        try (GradMode.Scope s = GradMode.noGrad()) {
            model.forward(images); // a training forward sets the spikes' running thresholds
            model.eval();
            try (OpCounter counter = OpCounter.attach(model)) {
                model.forward(images);
                assertTrue(counter.layers().stream().allMatch(LayerCount::counted), "every zoo layer declares its cost");
                return counter.layers();
            }
        }
    }

    @Test
    void theSpikingSmallVggPaysMacsOnlyWherePixelsArriveAndAccumulatesElsewhere() {
        Tensor images = Tensor.rand(KEY.fold(1), 4, 1, 28, 28);
        List<LayerCount> dense = count(LayerKinds.FLOAT, images);
        List<LayerCount> spiking = count(HoyerKinds.papers(), images);
        List<LayerCount> denseWeighted = weighted(dense);
        List<LayerCount> spikingWeighted = weighted(spiking);
        assertEquals(6, spikingWeighted.size(), "four convolutions and two linear layers");
        for (int i = 0; i < 6; i++) {
            OpCounts d = denseWeighted.get(i).counts();
            OpCounts s = spikingWeighted.get(i).counts();
            assertEquals(d.denseMacs(), s.denseMacs(), "same skeleton at " + spikingWeighted.get(i).name());
            assertEquals(d.denseMacs(), d.get(OpKind.MAC), "the float model pays every MAC");
            assertEquals(0, d.get(OpKind.AC));
            if (i == 0) {
                assertEquals(s.denseMacs(), s.get(OpKind.MAC), "the first convolution sees pixels");
            } else {
                assertEquals(0, s.get(OpKind.MAC), spikingWeighted.get(i).name() + " receives spikes");
                assertTrue(s.get(OpKind.AC) < s.denseMacs(), "silent inputs and padding cost nothing");
            }
        }
        long neurons = spiking.stream().filter(c -> c.layer() instanceof HoyerSpike)
                .mapToLong(c -> c.counts().get(OpKind.CMP)).sum();
        // 4 images x (32 x 28 x 28 + 32 x 14 x 14 + 64 x 14 x 14 + 64 x 7 x 7 + 256) neurons: pooling before the spike
        assertEquals(4L * (32 * 28 * 28 + 32 * 14 * 14 + 64 * 14 * 14 + 64 * 7 * 7 + 256), neurons);
        assertEquals(neurons, spiking.stream().mapToLong(c -> c.counts().get(OpKind.CMP)).sum(), "only spikes compare");
    }

    private static List<LayerCount> weighted(List<LayerCount> layers) {
        return layers.stream().filter(c -> c.layer() instanceof Conv2d || c.layer() instanceof Linear).toList();
    }
}
