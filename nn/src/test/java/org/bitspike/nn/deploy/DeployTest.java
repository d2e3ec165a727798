package org.bitspike.nn.deploy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.bitspike.autograd.GradMode;
import org.bitspike.nn.BrieflyTrained;
import org.bitspike.nn.Layer;
import org.bitspike.nn.accounting.OpCounter;
import org.bitspike.nn.accounting.OpCounts;
import org.bitspike.nn.accounting.OpKind;
import org.bitspike.nn.adder.AdderKinds;
import org.bitspike.nn.binary.BinaryKinds;
import org.bitspike.nn.models.LayerKinds;
import org.bitspike.nn.models.Models;
import org.bitspike.nn.spiking.HoyerKinds;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.bitspike.tensor.TensorException;
import org.junit.jupiter.api.Test;

/** Deployed models against the evaluation forward of the models they came from. */
class DeployTest {

    static Layer trained(Layer model, RandomKey key) {
        return BrieflyTrained.model(model, key);
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

    /**
     * The source's accounting (OpCounter on its evaluation forward, without the classifier: the deployed
     * model runs it as the source's dense layer on the unpacked spikes, MACs) and the deployed model's
     * executed counts.
     */
    private static OpCounts[] counts(Layer model, DeployedModel deployed, Tensor x) {
        boolean training = model.isTraining();
        model.eval();
        try (OpCounter counter = OpCounter.attach(model); GradMode.Scope scope = GradMode.noGrad()) {
            model.forward(x);
            DeployedModel.Counted counted = deployed.forwardCounted(x);
            assertArrayEquals(deployed.forward(x).toFloatArray(), counted.output().toFloatArray(), 0f);
            OpCounts source = counter.layers().stream().filter(l -> !l.name().equals("classifier.5"))
                    .map(l -> l.counts()).reduce(OpCounts.ZERO, OpCounts::plus);
            return new OpCounts[] {source, counted.total()};
        } finally {
            if (training) {
                model.train();
            }
        }
    }

    @Test
    void countsWhatTheKernelsExecuted() {
        RandomKey key = RandomKey.of(9);
        Layer hoyer = trained(Models.create("vgg-small", 1, 10, HoyerKinds.papers(), key), key);
        DeployedModel deployedHoyer = Deploy.deploy(hoyer, 1, 28, 28);
        Tensor x = Tensor.randn(key.fold(3000), 6, 1, 28, 28);
        OpCounts[] h = counts(hoyer, deployedHoyer, x);
        // the same spikes arrive, so the same accumulates; the first conv is the same MACs, plus the classifier's
        assertEquals(h[0].get(OpKind.AC), h[1].get(OpKind.AC), h[0] + " vs " + h[1]);
        assertEquals(h[0].get(OpKind.MAC) + 6 * 256 * 10, h[1].get(OpKind.MAC), h[0] + " vs " + h[1]);
        assertTrue(h[1].get(OpKind.AC) > 0 && h[1].get(OpKind.CMP) > 0, h[1].toString());
        // other spikes in, other accumulates: a blank image fires differently from a busy one
        OpCounts blank = deployedHoyer.forwardCounted(Tensor.zeros(6, 1, 28, 28)).total();
        assertTrue(blank.get(OpKind.AC) != h[1].get(OpKind.AC), blank + " vs " + h[1]);

        RandomKey k2 = RandomKey.of(7);
        Layer xnor = trained(Models.create("vgg-small", 1, 10, new BinaryKinds(BinaryKinds.Style.XNOR), k2), k2);
        DeployedModel deployedXnor = Deploy.deploy(xnor, 1, 28, 28);
        OpCounts[] b = counts(xnor, deployedXnor, x);
        // every term inside the map is popcounted, the +1 border is a precomputed share per tap: the source counts
        // a BOP per term, border included, so the deployed BOPs are fewer by the border terms times their channels
        assertTrue(b[1].get(OpKind.BOP) > 0 && b[1].get(OpKind.BOP) < b[0].get(OpKind.BOP), b[0] + " vs " + b[1]);
        // the XNOR classifier (classifier.4) reads +-1 values: MACs in both
        assertEquals(b[0].get(OpKind.MAC), b[1].get(OpKind.MAC), b[0] + " vs " + b[1]);
        long words = deployedXnor.forwardCounted(x).stages().stream().filter(c -> c.unit().equals("popcount words"))
                .mapToLong(StageCount::work).sum();
        // 32- and 64-channel rows are one word each: one popcount word per term of 32 or 64 BOPs
        assertTrue(words > 0 && words < b[1].get(OpKind.BOP), words + " words for " + b[1]);
    }
}
