package org.bitspike.nn.bayes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.bitspike.nn.io.Checkpoint;
import org.bitspike.nn.io.Safetensors;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Fashion-MNIST path of the runner (rate coding, 10 classes, cross-entropy, softmax probabilities) on random
 * pixels: shapes, probabilities, that a run is a pure function of its seed, and that a run saved after an epoch and
 * restored into a fresh build continues exactly as one never interrupted. Not an accuracy test.
 */
class FashionMnistSmokeTest {
    @Test
    void tenClassRunIsSeededAndGivesProbabilityRows() {
        Tensor x = Tensor.rand(RandomKey.of(1), DType.FLOAT32, 24, 784);
        long[] y = new long[24];
        for (int i = 0; i < y.length; i++) {
            y[i] = i % 10;
        }
        Tensor labels = Tensor.of(y, 24);
        BiSnnConfig c = BiSnnConfig.fashionMnist(Rule.BAYES).withHidden(8).withSteps(4, 1).withEpochs(1).withBatch(8)
                .withSamples(3);
        BiSnnExperiment.Result a = BiSnnExperiment.train(c, x, labels, x, labels);
        BiSnnExperiment.Result b = BiSnnExperiment.train(c, x, labels, x, labels);
        assertEquals(a.epochs(), b.epochs(), "same seed, same run");
        Tensor p = a.predictMap(x);
        assertArrayEquals(new int[] {24, 10}, p.shape());
        double[] v = p.toDoubleArray();
        for (int i = 0; i < 24; i++) {
            double sum = 0;
            for (int k = 0; k < 10; k++) {
                sum += v[i * 10 + k];
            }
            assertEquals(1, sum, 1e-12);
        }
        BiSnnExperiment.Evaluation e = a.evaluate(x, labels);
        assertArrayEquals(new int[] {1, 2, 3}, e.sizes());
        assertTrue(e.ensemble().ece15() >= 0 && e.ensemble().count() == 24);
        BiSnnExperiment.Result other = BiSnnExperiment.train(c.withSeed(2), x, labels, x, labels);
        assertTrue(!other.epochs().equals(a.epochs()), "another seed, another run");
    }

    @ParameterizedTest
    @EnumSource(Rule.class)
    void runRestoredAfterAnEpochEndsAsAnUninterruptedOne(Rule rule, @TempDir Path dir) throws IOException {
        Tensor x = Tensor.rand(RandomKey.of(3), DType.FLOAT32, 16, 784);
        Tensor labels = Tensor.of(new long[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5}, 16);
        BiSnnConfig c = BiSnnConfig.fashionMnist(rule).withHidden(6).withSteps(4, 1).withEpochs(2).withBatch(8)
                .withSamples(2);
        BiSnnExperiment.Result whole = BiSnnExperiment.train(c, x, labels, x, labels);

        BiSnnExperiment.Result first = BiSnnExperiment.build(c, 784);
        BiSnnExperiment.trainEpoch(first, 0, x, labels, x, labels);
        Path file = dir.resolve("last.safetensors");
        Safetensors.write(file, first.state(), Map.of("epoch", "1"));
        Checkpoint saved = Safetensors.read(file);
        BiSnnExperiment.Result resumed = BiSnnExperiment.build(c, 784);
        resumed.restore(saved.tensors());
        BiSnnExperiment.Epoch second = BiSnnExperiment.trainEpoch(resumed, 1, x, labels, x, labels);

        assertEquals(whole.epochs().get(1), second, "the second epoch's loss and scores");
        Map<String, Tensor> expected = whole.state();
        Map<String, Tensor> actual = resumed.state();
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((k, v) -> assertArrayEquals(v.toDoubleArray(), actual.get(k).toDoubleArray(), k));
        assertTrue(Files.size(file) > 0);
    }

    @Test
    void restoreRefusesForeignEntries() {
        BiSnnExperiment.Result r = BiSnnExperiment.build(BiSnnConfig.fashionMnist(Rule.STRAIGHT_THROUGH).withHidden(4),
                784);
        Map<String, Tensor> state = new java.util.LinkedHashMap<>(r.state());
        state.put("trainer.step", Tensor.scalar(DType.INT64, 3));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> r.restore(state));
        assertTrue(e.getMessage().contains("trainer.step"), e.getMessage());
    }
}
