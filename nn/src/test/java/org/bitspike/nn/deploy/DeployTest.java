package org.bitspike.nn.deploy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.bitspike.autograd.GradMode;
import org.bitspike.nn.BatchNorm;
import org.bitspike.nn.CrossEntropyOptions;
import org.bitspike.nn.Layer;
import org.bitspike.nn.Losses;
import org.bitspike.nn.adder.AdderKinds;
import org.bitspike.nn.binary.BinaryKinds;
import org.bitspike.nn.models.LayerKinds;
import org.bitspike.nn.models.Models;
import org.bitspike.nn.optim.Sgd;
import org.bitspike.nn.spiking.HoyerKinds;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.bitspike.tensor.TensorException;
import org.junit.jupiter.api.Test;

/** Deployed models against the evaluation forward of the models they came from. */
class DeployTest {

    /** A few SGD steps on random data, then both signs and zeros of gamma in every batch norm. */
    static Layer trained(Layer model, RandomKey key) {
        Sgd sgd = Sgd.of(model.parameters(), 0.05, 0.9, 0);
        for (int step = 0; step < 3; step++) {
            Tensor x = Tensor.randn(key.fold(1000 + step), 8, 1, 28, 28);
            long[] y = new long[8];
            for (int i = 0; i < 8; i++) {
                y[i] = key.fold(2000 + step).uniformLong(i, 10);
            }
            sgd.zeroGrad();
            Losses.crossEntropy(model.forward(x), Tensor.of(y), CrossEntropyOptions.defaults()).backward();
            sgd.step();
        }
        try (GradMode.Scope scope = GradMode.noGrad()) {
            for (Layer l : model.namedLayers().values()) {
                if (l instanceof BatchNorm bn) {
                    double[] g = bn.weight().value().toDoubleArray();
                    g[0] = -g[0];
                    g[2] = -Math.abs(g[2]);
                    g[1] = 0;
                    bn.weight().value().copy_(Tensor.of(g, g.length).to(DType.FLOAT32));
                }
            }
        }
        return model;
    }

    private static Tensor evaluate(Layer model, Tensor x) {
        boolean training = model.isTraining();
        try (GradMode.Scope scope = GradMode.noGrad()) {
            model.eval();
            return model.forward(x).value();
        } finally {
            if (training) {
                model.train();
            }
        }
    }

    @Test
    void xnorSmallVggIsExact() {
        RandomKey key = RandomKey.of(7);
        Layer model = trained(Models.create("vgg-small", 1, 10, new BinaryKinds(BinaryKinds.Style.XNOR), key), key);
        DeployedModel deployed = Deploy.deploy(model, 1, 28, 28);
        List<String> stages = deployed.stages();
        assertTrue(stages.stream().filter(s -> s.startsWith("xnor conv")).count() == 4, String.join("\n", stages));
        assertTrue(stages.stream().anyMatch(s -> s.contains("AND channels") && !s.contains("(0 AND")),
                String.join("\n", stages));
        Tensor x = Tensor.randn(key.fold(3000), 5, 1, 28, 28);
        Tensor expected = evaluate(model, x);
        Tensor got = deployed.forward(x);
        assertArrayEquals(expected.shape(), got.shape());
        assertArrayEquals(expected.toFloatArray(), got.toFloatArray(), 0f, deployed.toString());
    }

    @Test
    void hoyerSmallVggMatchesUpToTheSpikeSumsOrder() {
        RandomKey key = RandomKey.of(9);
        Layer model = trained(Models.create("vgg-small", 1, 10, HoyerKinds.papers(), key), key);
        DeployedModel deployed = Deploy.deploy(model, 1, 28, 28);
        assertTrue(deployed.stages().stream().filter(s -> s.startsWith("spike conv")).count() == 4,
                deployed.toString());
        Tensor x = Tensor.randn(key.fold(3000), 6, 1, 28, 28);
        float[] expected = evaluate(model, x).toFloatArray();
        float[] got = deployed.forward(x).toFloatArray();
        double scale = 0;
        for (float v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < got.length; i++) {
            assertEquals(expected[i], got[i], 1e-4 * scale, "logit " + i + "\n" + deployed);
        }
    }

    @Test
    void adderAndFloatSmallVggsAreExactFloatSections() {
        RandomKey key = RandomKey.of(13);
        for (Layer model : List.of(Models.create("vgg-small", 1, 10, AdderKinds.addernet(), key),
                Models.create("vgg-small", 1, 10, LayerKinds.FLOAT, key))) {
            trained(model, key);
            DeployedModel deployed = Deploy.deploy(model, 1, 28, 28);
            assertEquals(1, deployed.stages().size(), deployed.toString());
            Tensor x = Tensor.randn(key.fold(3000), 4, 1, 28, 28);
            assertArrayEquals(evaluate(model, x).toFloatArray(), deployed.forward(x).toFloatArray(), 0f,
                    deployed.toString());
        }
        DeployedModel adder = Deploy.deploy(Models.create("vgg-small", 1, 10, AdderKinds.addernet(), key), 1, 28, 28);
        assertTrue(adder.stages().get(0).contains("adder2d, batchnorm+relu"), adder.toString());
    }

    @Test
    void refusesWhatItCannotDeploy() {
        RandomKey key = RandomKey.of(1);
        Layer bireal = Models.create("vgg-small", 1, 10, new BinaryKinds(BinaryKinds.Style.BIREAL), key);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Deploy.deploy(bireal, 1, 28, 28));
        assertTrue(e.getMessage().contains("residual block at 'features."), e.getMessage());
        Layer xnor = Models.create("vgg-small", 1, 10, new BinaryKinds(BinaryKinds.Style.XNOR), key);
        e = assertThrows(IllegalArgumentException.class, () -> Deploy.deploy(xnor, 1, 28));
        assertTrue(e.getMessage().contains("[C, H, W]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Deploy.deploy(xnor, 3, 28, 28));
        assertTrue(e.getMessage().contains("input channels"), e.getMessage());
        DeployedModel deployed = Deploy.deploy(xnor, 1, 28, 28);
        TensorException bad = assertThrows(TensorException.class, () -> deployed.forward(Tensor.zeros(2, 1, 14, 14)));
        assertTrue(bad.getMessage().contains("[N, 1, 28, 28]"), bad.getMessage());
    }
}
