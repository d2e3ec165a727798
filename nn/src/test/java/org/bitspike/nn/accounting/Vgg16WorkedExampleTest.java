package org.bitspike.nn.accounting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.bitspike.autograd.GradMode;
import org.bitspike.autograd.Var;
import org.bitspike.nn.BatchNorm;
import org.bitspike.nn.Conv2d;
import org.bitspike.nn.Layer;
import org.bitspike.nn.Layers;
import org.bitspike.nn.Linear;
import org.bitspike.nn.Pooling;
import org.bitspike.nn.Sequential;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The worked example of digest section 1.3, from real layers: the papers' VGG16 for CIFAR-10 (section 2.5: 3x3
 * convolutions {@code 64,64,M,128,128,M,256,256,256,M,512,512,512,M,512,512,512}, max pooling right after the
 * convolution before each M, then FC 2048 -> 4096 -> 4096 -> 10) costs 313.2 M conv + 25.2 M FC = 338.4 M MACs per
 * image, 1.557 mJ at 4.6 pJ; as a one-step SNN whose hidden layers fire at a 20% rate it costs
 * {@code 1.77 M x 4.6 pJ + 0.2 x 336.6 M x 0.9 pJ = 68.7 uJ}, about 23x less.
 */
class Vgg16WorkedExampleTest {
    private static final int[] CONFIG = {64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512};

    /** Fires at exactly every fifth element (flat order), whatever its input: a controlled 20% spike rate. */
    static final class FifthSpikes extends Layer implements Countable {
        @Override
        protected Var compute(Var input) {
            float[] spikes = new float[input.numel()];
            for (int i = 0; i < spikes.length; i += 5) {
                spikes[i] = 1;
            }
            return Var.of(Tensor.of(spikes, input.shape()));
        }

        @Override
        public OpCounts cost(Forward forward) {
            return LayerCosts.elementwise(OpKind.CMP, 1, forward.output());
        }
    }

    /** The VGG16 with {@code activation} after every hidden layer; the weighted layers are shared between calls. */
    private static Sequential vgg16(List<Layer> weighted, Supplier<Layer> activation) {
        Sequential model = new Sequential();
        int w = 0;
        for (int i = 0; i < CONFIG.length; i++) {
            model.add(weighted.get(w++));
            if (i + 1 < CONFIG.length && CONFIG[i + 1] == 0) {
                model.add(Pooling.max(2));
                i++;
            }
            model.add(weighted.get(w++)).add(activation.get());
        }
        model.add(Layers.flatten());
        model.add(weighted.get(w++)).add(activation.get());
        model.add(weighted.get(w++)).add(activation.get());
        return model.add(weighted.get(w));
    }

    private static List<Layer> weightedLayers() {
        RandomKey key = RandomKey.of(16);
        List<Layer> layers = new ArrayList<>();
        int in = 3;
        int k = 0;
        for (int width : CONFIG) {
            if (width > 0) {
                layers.add(new Conv2d(in, width, 3, 1, 1, false, key.fold(k++)));
                layers.add(BatchNorm.of2d(width));
                in = width;
            }
        }
        layers.add(new Linear(2048, 4096, false, key.fold(k++)));
        layers.add(new Linear(4096, 4096, false, key.fold(k++)));
        layers.add(new Linear(4096, 10, false, key.fold(k)));
        return layers;
    }

    private static OpCounter run(Sequential model, Tensor image) {
        model.eval();
        try (OpCounter counter = OpCounter.attach(model); GradMode.Scope s = GradMode.noGrad()) {
            model.forward(image);
            return counter;
        }
    }

    @Test
    void vgg16OnCifar10CostsThePapersMacsAndTheOneStepSnnAbout23TimesLessEnergy() {
        List<Layer> weighted = weightedLayers();
        Tensor image = Tensor.randn(RandomKey.of(32), 1, 3, 32, 32);
        CostTable table = CostTable.horowitz45nm();

        OpCounter dnn = run(vgg16(weighted, Layers::relu), image);
        long conv = 0;
        long fc = 0;
        for (LayerCount c : dnn.layers()) {
            if (c.layer() instanceof Conv2d) {
                conv += c.counts().get(OpKind.MAC);
            } else if (c.layer() instanceof Linear) {
                fc += c.counts().get(OpKind.MAC);
            }
        }
        assertEquals(313_196_544L, conv, "313.2 M conv MACs: max pooling shrinks the map");
        assertEquals(2048L * 4096 + 4096L * 4096 + 4096L * 10, fc, "25.2 M FC MACs");
        assertEquals(338_403_328L, dnn.total().get(OpKind.MAC));
        assertEquals(1_769_472L, dnn.layers().get(1).counts().get(OpKind.MAC), "the first conv alone, 1.77 M");
        Energy dnnEnergy = Energy.of(dnn, table, EnergyModel.DENSE_MACS);
        assertEquals(1.5566e9, dnnEnergy.picojoules(), 0.0001e9, "338.4 M x 4.6 pJ = 1.557 mJ");
        assertEquals(dnnEnergy.picojoules(), Energy.of(dnn, table, EnergyModel.COUNTED).picojoulesByKind().get(OpKind.MAC),
                1e-3, "a dense network's counted MACs are its dense MACs");

        OpCounter snn = run(vgg16(weighted, FifthSpikes::new), image);
        Energy rateModel = Energy.of(snn, table, EnergyModel.RATE_MODEL);
        double macAndAc = rateModel.picojoulesByKind().get(OpKind.MAC) + rateModel.picojoulesByKind().get(OpKind.AC);
        // 1.77 M x 4.6 pJ + 0.2 x 336.6 M x 0.9 pJ; the rate is ceil(n / 5) / n, at most 0.05% above 20% (n >= 2048)
        assertEquals(1_769_472 * 4.6, rateModel.picojoulesByKind().get(OpKind.MAC), 1e-3, "the first layer sees pixels");
        assertEquals(68.73e6, macAndAc, 0.03e6, "section 1.3: 68.7 uJ");
        assertEquals(22.65, dnnEnergy.picojoules() / macAndAc, 0.02, "about 23x cheaper, comparisons ignored");
        assertTrue(dnnEnergy.picojoules() / rateModel.picojoules() > 22, "still ~23x with one comparison per neuron");

        // counted from the spikes that arrived, padded taps cost nothing, so fewer ACs than the rate model's
        Energy counted = Energy.of(snn, table, EnergyModel.COUNTED);
        long acs = snn.total().get(OpKind.AC);
        double rateAcs = snn.layers().stream().mapToDouble(LayerCount::rateModelAccumulates).sum();
        assertTrue(acs < rateAcs && acs > 0.8 * rateAcs, acs + " counted ACs vs " + rateAcs + " in the rate model");
        assertEquals(338_403_328L, snn.total().denseMacs(), "the same weights, the same dense MACs");
        assertTrue(counted.picojoules() < 0.05 * dnnEnergy.picojoules(), counted.toString());
        assertTrue(counted.toString().contains("compute-only estimate"), counted.toString());
    }
}
