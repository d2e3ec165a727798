package org.bitspike.nn.spiking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bitspike.autograd.Var;
import org.bitspike.nn.BatchNorm;
import org.bitspike.nn.Conv2d;
import org.bitspike.nn.Dropout;
import org.bitspike.nn.Functional;
import org.bitspike.nn.Layer;
import org.bitspike.nn.Sequential;
import org.bitspike.nn.models.Models;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The zoo's Hoyer variants: the papers' block order, spikes where the float models have ReLUs, and they train. */
class HoyerZooTest {

    @Test
    void theSmallVggHasThePapersBlocks() {
        Sequential model = Models.vggSmall(1, 10, HoyerKinds.papers(), RandomKey.of(1));
        List<Layer> features = ((Sequential) model.children().get("features")).layers();
        List<String> kinds = new ArrayList<>();
        features.forEach(l -> kinds.add(l.toString().startsWith("MaxPool") ? "MaxPool" : l.getClass().getSimpleName()));
        assertEquals(List.of("Conv2d", "BatchNorm", "HoyerSpike", "Dropout", "Conv2d", "MaxPool", "BatchNorm", "HoyerSpike",
                "Dropout", "Conv2d", "BatchNorm", "HoyerSpike", "Dropout", "Conv2d", "MaxPool", "BatchNorm", "HoyerSpike", "Dropout"),
                kinds);
        Map<String, Layer> layers = model.namedLayers();
        assertEquals(HoyerSpike.Threshold.CHANNEL_WISE, ((HoyerSpike) layers.get("features.2")).options().threshold());
        assertEquals(HoyerSpike.Threshold.LAYER, ((HoyerSpike) layers.get("classifier.3")).options().threshold());
        assertInstanceOf(Dropout.class, layers.get("classifier.4"));
        for (Layer l : layers.values()) {
            if (l instanceof Conv2d conv) {
                assertFalse(conv.namedParameters().containsKey("bias"), "bias-free convolutions");
            }
        }
    }

    @Test
    void everyZooModelHasASpikingVariantThatNeverMaxPoolsSpikes() {
        for (String name : Models.NAMES) {
            int size = name.equals("vgg-small") || Models.CONVERSION_SOURCES.contains(name) ? 28 : 32; // the 28x28 models
            Layer model = Models.create(name, 3, 10, HoyerKinds.papers(), RandomKey.of(2));
            Layer previous = null;
            int spikes = 0;
            for (Layer l : leaves(model)) {
                if (l instanceof HoyerSpike) {
                    spikes++;
                }
                if (l.toString().startsWith("MaxPool")) {
                    assertFalse(previous instanceof HoyerSpike || previous instanceof Dropout, name + ": spikes max-pooled");
                }
                previous = l;
            }
            assertTrue(spikes > 0, name);
            model.eval();
            Var logits = model.forward(Tensor.randn(RandomKey.of(3), 2, 3, size, size));
            assertArrayEquals(new int[] {2, 10}, logits.shape(), name);
        }
    }

    @Test
    void theFloatZooIsUnchanged() {
        Layer model = Models.create("vgg-small", 1, 10, RandomKey.of(1));
        assertTrue(model.namedLayers().values().stream().noneMatch(l -> l instanceof HoyerSpike || l instanceof Dropout));
        assertInstanceOf(BatchNorm.class, model.namedLayers().get("features.1"));
        assertTrue(model.namedLayers().get("features.6").toString().startsWith("MaxPool"), "float pools after the ReLU");
    }

    @Test
    void aHoyerSmallVggLearnsAndItsClipValuesTrain() {
        Layer model = Models.create("vgg-small", 1, 10, HoyerKinds.papers(), RandomKey.of(4));
        Tensor x = Tensor.randn(RandomKey.of(5), 16, 1, 28, 28);
        Tensor y = Tensor.of(new long[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5}, 16);
        try (HoyerRegularizer hoyer = HoyerRegularizer.attach(model, HoyerRegularizer.Options.mean(0.05))) {
            double first = Double.NaN;
            double last = Double.NaN;
            for (int step = 0; step < 20; step++) {
                try (var s = hoyer.begin()) {
                    Var loss = Functional.crossEntropy(model.forward(x), y).add(s.penalty());
                    model.zeroGrad();
                    loss.backward();
                    for (Var p : model.parameters()) {
                        p.value().sub_(p.grad().value().mul(0.05));
                    }
                    last = loss.itemDouble();
                    first = step == 0 ? last : first;
                }
            }
            assertTrue(last < 0.6 * first, first + " -> " + last);
            for (Map.Entry<String, Var> e : model.namedParameters().entrySet()) {
                if (e.getKey().endsWith(".v")) {
                    assertTrue(e.getValue().value().itemDouble() != 1.0, e.getKey() + " was not trained");
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new HoyerKinds(HoyerSpike.Options.DEFAULT,
                HoyerSpike.Options.DEFAULT, 1.0));
    }

    private static List<Layer> leaves(Layer model) {
        List<Layer> out = new ArrayList<>();
        for (Layer l : model.namedLayers().values()) {
            if (l.children().isEmpty()) {
                out.add(l);
            }
        }
        return out;
    }
}
