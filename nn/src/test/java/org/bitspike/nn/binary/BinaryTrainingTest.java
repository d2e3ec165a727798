package org.bitspike.nn.binary;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.bitspike.autograd.Var;
import org.bitspike.nn.BatchNorm;
import org.bitspike.nn.Layer;
import org.bitspike.nn.Layers;
import org.bitspike.nn.Sequential;
import org.bitspike.nn.binary.BinaryOptions.PadValue;
import org.bitspike.nn.data.DataLoader;
import org.bitspike.nn.data.Dataset;
import org.bitspike.nn.optim.ParamGroup;
import org.bitspike.nn.optim.Sgd;
import org.bitspike.nn.train.EpochResult;
import org.bitspike.nn.train.Trainer;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * A tiny binary network trained by the real training loop: the {@link LatentWeightClipping}
 * callback keeps every latent weight in [-1, 1] (a run without it, from the same weights at +-0.99,
 * lets weights leave),
 * and the binary network learns (the training loss falls).
 */
class BinaryTrainingTest {

    /** 72 images 6x6 of 3 classes: class c has a bright row at 2c, plus seeded noise. */
    private static Dataset dataset() {
        int n = 72;
        byte[] pixels = new byte[n * 36];
        int[] labels = new int[n];
        RandomKey key = RandomKey.of(5);
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
            for (int p = 0; p < 36; p++) {
                int value = (int) (key.uniformDouble(i * 36L + p) * 100) + (p / 6 == 2 * labels[i] ? 150 : 0);
                pixels[i * 36 + p] = (byte) Math.min(255, value);
            }
        }
        return Dataset.of(pixels, labels, 1, 6, 6, 3);
    }

    private static Sequential model() {
        RandomKey seed = RandomKey.of(31);
        BinaryOptions binary = BinaryOptions.xnor().withPadValue(PadValue.PLUS_ONE);
        // NOTE: the first layer's input is the image: not quantized, as in every BNN of the digest (section 7)
        return new Sequential(new BinaryConv2d(1, 8, 3, 1, 1, binary.withInput(Quantizer.identity()), seed.fold(1)),
                BatchNorm.of2d(8), new BinaryConv2d(8, 8, 3, 1, 1, binary, seed.fold(2)), BatchNorm.of2d(8),
                Layers.flatten(), new BinaryLinear(8 * 36, 3, binary, seed.fold(3)));
    }

    /** Moves every latent weight to +-0.99 (its sign kept), so that one step can push it past 1. */
    private static Sequential nearTheBound(Sequential model) {
        for (Layer l : model.namedLayers().values()) {
            if (l instanceof BinaryConv2d c) {
                c.weight().value().copy_(Quantizer.sign(c.weight().value()).mul(0.99));
            } else if (l instanceof BinaryLinear d) {
                d.weight().value().copy_(Quantizer.sign(d.weight().value()).mul(0.99));
            }
        }
        return model;
    }

    private static List<EpochResult> train(Layer model, boolean clip, int epochs) {
        Sgd sgd = new Sgd(List.of(new ParamGroup(model.parameters(), 0.5, 0)), 0.9, 0, false);
        DataLoader loader = DataLoader.builder(dataset(), RandomKey.of(7)).batchSize(12).shuffle(true).build();
        Trainer.Builder b = Trainer.builder(model, sgd, loader);
        if (clip) {
            b.callback(new LatentWeightClipping());
        }
        return b.build().fit(epochs);
    }

    private static double maxAbsLatent(Layer model) {
        double max = 0;
        for (Layer l : model.namedLayers().values()) {
            if (l instanceof BinaryConv2d c) {
                max = Math.max(max, c.weight().value().abs().max().itemDouble());
            } else if (l instanceof BinaryLinear d) {
                max = Math.max(max, d.weight().value().abs().max().itemDouble());
            }
        }
        return max;
    }

    @Test
    void clippingCallbackKeepsLatentWeightsInRangeAndTheNetworkLearns() {
        Sequential free = nearTheBound(model());
        train(free, false, 2);
        assertTrue(maxAbsLatent(free) > 1, "without clipping some latent weight leaves [-1, 1]: " + maxAbsLatent(free));

        Sequential clipped = nearTheBound(model());
        List<EpochResult> epochs = train(clipped, true, 4);
        assertTrue(maxAbsLatent(clipped) <= 1, "max |latent weight| " + maxAbsLatent(clipped));
        double first = epochs.get(0).trainLoss();
        double last = epochs.get(epochs.size() - 1).trainLoss();
        assertTrue(last < 0.7 * first, "training loss " + first + " -> " + last);
        Var logits = clipped.eval().forward(Var.of(Tensor.zeros(1, 1, 6, 6)));
        assertTrue(logits.shape()[1] == 3);
    }
}
