package org.bitspike.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bitspike.bench.TrainSuite.Inference;
import org.bitspike.bench.TrainSuite.Model;
import org.bitspike.bench.TrainSuite.Training;
import org.bitspike.bench.TrainSuite.Workload;
import org.bitspike.nn.Layer;
import org.bitspike.nn.data.Batch;
import org.bitspike.nn.spiking.HoyerRegularizer;
import org.bitspike.nn.spiking.HoyerSpike;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TrainSuiteTest {
    /** Few batches, so the tests are quick; the check steps wrap around them. */
    private static final Workload SMALL = new Workload(8, 4, 10);

    @Test
    void batchesAreRealNormalisedFashionMnist() {
        List<Batch> batches = TrainSuite.loadBatches(SMALL);
        assertEquals(SMALL.batches(), batches.size());
        double sum = 0;
        double sumSq = 0;
        long n = 0;
        for (Batch b : batches) {
            assertArrayEquals(new int[] {8, 1, 28, 28}, b.images().shape());
            for (float v : b.images().toFloatArray()) {
                sum += v;
                sumSq += v * v;
                n++;
            }
            for (long label : b.labels().toLongArray()) {
                assertTrue(label >= 0 && label < TrainSuite.CLASSES, "label " + label);
            }
        }
        // Normalised with the training set's statistics: about zero mean and unit variance.
        double mean = sum / n;
        double std = Math.sqrt(sumSq / n - mean * mean);
        assertEquals(0, mean, 0.25);
        assertEquals(1, std, 0.25);
        assertTrue(!batches.get(0).images().contentEquals(batches.get(1).images()), "consecutive batches differ");
    }

    @ParameterizedTest
    @EnumSource(Model.class)
    void flopTableMatchesTheModel(Model model) {
        List<int[]> shapes = new ArrayList<>();
        model.create().namedParameters().forEach((name, p) -> {
            // NOTE: Bi-Real's full-precision 1x1 shortcut convolution is extra work on top of the table's float VGG
            if (name.endsWith("weight") && p.dim() > 1 && !name.contains(".shortcut.")) {
                shapes.add(p.shape());
            }
        });
        assertEquals(TrainSuite.CONVS.length + TrainSuite.LINEARS.length, shapes.size());
        for (int i = 0; i < TrainSuite.CONVS.length; i++) {
            int[] c = TrainSuite.CONVS[i];
            assertArrayEquals(new int[] {c[1], c[0], 3, 3}, shapes.get(i), "conv " + i);
        }
        for (int i = 0; i < TrainSuite.LINEARS.length; i++) {
            int[] l = TrainSuite.LINEARS[i];
            assertArrayEquals(new int[] {l[1], l[0]}, shapes.get(TrainSuite.CONVS.length + i), "linear " + i);
        }
        // Forward of one image: 28.9 + 924.8 + 462.4 + 924.8 MFLOP of convs / 64, plus the linears.
        double forward = 2.0 * 784 * (32 * 1 * 9 + 32 * 32 * 9) + 2.0 * 196 * (64 * 32 * 9 + 64 * 64 * 9)
                + 2.0 * (3136 * 256 + 256 * 10);
        assertEquals(forward, TrainSuite.flops(TrainSuite.Pass.INFERENCE, 1), 1e-6);
        assertEquals(3 * forward - 2.0 * 784 * 32 * 9, TrainSuite.flops(TrainSuite.Pass.TRAIN, 1), 1e-6);
    }

    @ParameterizedTest
    @EnumSource(Model.class)
    void trainingStepsTakeConsecutiveBatchesLearnAndPassTheCheck(Model model) {
        List<Batch> batches = TrainSuite.loadBatches(SMALL);
        Training t = new Training("test", SMALL, model, batches);
        t.run();
        assertEquals(1, t.nextBatch());
        t.verify(); // also trains SMALL.checkSteps() more steps
        assertEquals((1 + SMALL.checkSteps()) % SMALL.batches(), t.nextBatch());
        for (int i = 0; i < SMALL.batches(); i++) {
            assertTrue(Float.isFinite(t.step()));
        }
        assertEquals((1 + SMALL.checkSteps()) % SMALL.batches(), t.nextBatch(), "wraps around the batches");
    }

    @Test
    void theTrainingCheckCatchesANonFiniteLoss() {
        List<Batch> batches = new ArrayList<>(TrainSuite.loadBatches(SMALL));
        Batch first = batches.get(0);
        float[] pixels = first.images().toFloatArray();
        pixels[5] = Float.NaN;
        batches.set(0, new Batch(Tensor.of(pixels, first.images().shape()), first.labels()));
        Training t = new Training("nan", SMALL, Model.VGG_SMALL, batches);
        t.run();
        IllegalStateException e = assertThrows(IllegalStateException.class, t::verify);
        assertTrue(e.getMessage().contains("nan: the first step's loss is NaN"), e.getMessage());
    }

    @Test
    void theTrainingCheckCatchesAModelThatDoesNotLearn() {
        Training t = new Training("frozen", SMALL, Model.VGG_SMALL, TrainSuite.loadBatches(SMALL), 0.0);
        t.run();
        IllegalStateException e = assertThrows(IllegalStateException.class, t::verify);
        assertTrue(e.getMessage().startsWith("frozen: did not learn: the loss on the first batch went from"),
                e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(Model.class)
    void inferenceRunsInEvalModeOnConsecutiveBatchesAndPassesTheCheck(Model kind) {
        List<Batch> batches = TrainSuite.loadBatches(SMALL);
        Inference inf = new Inference("test", kind, batches);
        Layer model = inf.model();
        assertTrue(!model.isTraining());
        for (int i = 0; i < SMALL.batches() + 1; i++) {
            inf.run();
            inf.verify();
        }
        Tensor last = inf.lastLogits();
        assertTrue(last.contentEquals(model.eval().forward(batches.get(0).images()).value()), "wrapped to batch 0");
    }

    @Test
    void theInferenceCheckCatchesNonFiniteLogits() {
        List<Batch> batches = new ArrayList<>(TrainSuite.loadBatches(SMALL));
        Batch first = batches.get(0);
        float[] pixels = first.images().toFloatArray();
        pixels[3] = Float.POSITIVE_INFINITY;
        batches.set(0, new Batch(Tensor.of(pixels, first.images().shape()), first.labels()));
        Inference inf = new Inference("inf", Model.VGG_SMALL, batches);
        inf.run();
        IllegalStateException e = assertThrows(IllegalStateException.class, inf::verify);
        assertTrue(e.getMessage().startsWith("inf: the logits [8, 10] has entry"), e.getMessage());
    }

    @Test
    void eachHoyerCaseIsComparedWithTheFloatCaseOfItsPass() {
        List<BenchCase> cases = new TrainSuite().cases(Scale.QUICK);
        assertEquals(List.of("vgg-small/train", "vgg-small/inference", "vgg-small-hoyer/train",
                "vgg-small-hoyer/inference", "vgg-small-xnor/train", "vgg-small-xnor/inference", "vgg-small-bireal/train",
                "vgg-small-bireal/inference", "vgg-small-adder/train", "vgg-small-adder/inference"),
                cases.stream().map(BenchCase::name).toList());
        List<Optional<String>> partners = new ArrayList<>(List.of(Optional.empty(), Optional.empty()));
        for (int family = 0; family < 4; family++) {
            partners.add(Optional.of("vgg-small/train"));
            partners.add(Optional.of("vgg-small/inference"));
        }
        assertEquals(partners, cases.stream().map(BenchCase::comparedWith).toList());
        assertEquals(TrainSuite.HOYER_LAMBDA, cases.get(2).fields().get("hoyer_lambda"));
        assertTrue(!cases.get(0).fields().containsKey("hoyer_lambda"));
        assertTrue(!cases.get(3).fields().containsKey("hoyer_lambda"), "no regulariser in inference");
        assertEquals(Optional.of(HoyerRegularizer.Options.mean(0.03)), Model.VGG_SMALL_HOYER.regularizer());
        assertEquals(Optional.empty(), Model.VGG_SMALL.regularizer());
    }

    @Test
    void theFloatAndHoyerModelsStartFromTheSameWeights() {
        List<Tensor> floats = weights(Model.VGG_SMALL.create());
        List<Tensor> hoyer = weights(Model.VGG_SMALL_HOYER.create());
        assertEquals(TrainSuite.CONVS.length + TrainSuite.LINEARS.length, floats.size());
        assertEquals(floats.size(), hoyer.size());
        for (int i = 0; i < floats.size(); i++) {
            assertTrue(floats.get(i).contentEquals(hoyer.get(i)), "weight " + i);
        }
    }

    private static List<Tensor> weights(Layer model) {
        return model.namedParameters().values().stream().filter(p -> p.dim() > 1).map(p -> p.value()).toList();
    }

    @Test
    void theHoyerModelHasSpikeLayersAndTheFloatModelNone() {
        assertEquals(5, spikeLayers(Model.VGG_SMALL_HOYER.create()).size(), "4 convolutions and fc256");
        assertEquals(0, spikeLayers(Model.VGG_SMALL.create()).size());
    }

    private static List<HoyerSpike> spikeLayers(Layer model) {
        return model.namedLayers().values().stream().filter(l -> l instanceof HoyerSpike)
                .map(l -> (HoyerSpike) l).toList();
    }

    @Test
    void theHoyerTrainingCheckCatchesARegulariserThatCollectsNothing() {
        Training t = new Training("zero", SMALL, Model.VGG_SMALL_HOYER.create(), HoyerRegularizer.Options.mean(0),
                TrainSuite.loadBatches(SMALL), TrainSuite.LR);
        t.run();
        IllegalStateException e = assertThrows(IllegalStateException.class, t::verify);
        assertTrue(e.getMessage().startsWith("zero: the first step's Hoyer penalty is 0.0, expected in (0, 0.0]"),
                e.getMessage());
    }

    @Test
    void theHoyerTrainingCheckCatchesASilentSpikeLayer() {
        Training t = new Training("silent", SMALL, Model.VGG_SMALL_HOYER.create(),
                HoyerRegularizer.Options.mean(TrainSuite.HOYER_LAMBDA), TrainSuite.loadBatches(SMALL), TrainSuite.LR);
        t.run();
        // From the check steps on, fc256's potentials are -|u|: z <= 0 never reaches theta.
        List<HoyerSpike> spikes = spikeLayers(t.model());
        spikes.get(spikes.size() - 1).perturb(u -> u.abs().neg());
        IllegalStateException e = assertThrows(IllegalStateException.class, t::verify);
        assertTrue(e.getMessage().startsWith("silent: spike layer classifier.3 fired 0 of "
                + SMALL.checkSteps() * SMALL.batch() * 256 + " times"), e.getMessage());
    }

    @Test
    void theHoyerInferenceCheckCatchesAModelThatNeverFires() {
        Inference inf = new Inference("mute", Model.VGG_SMALL_HOYER, TrainSuite.loadBatches(SMALL));
        inf.run();
        inf.verify();
        spikeLayers(inf.model()).forEach(s -> s.perturb(u -> u.abs().neg()));
        inf.run();
        IllegalStateException e = assertThrows(IllegalStateException.class, inf::verify);
        assertTrue(e.getMessage().startsWith("mute: the spike layers fired 0 of "), e.getMessage());
    }
}
