package org.bitspike.nn.bayes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The Fashion-MNIST path of the runner (rate coding, 10 classes, cross-entropy, softmax probabilities) on random
 * pixels: shapes, probabilities, and that a run is a pure function of its seed. Not an accuracy test.
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
}
