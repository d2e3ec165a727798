package org.bitspike.nn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.List;

import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The Javadoc examples of this package, compiled and run on the real Fashion-MNIST files. */
class ExamplesTest {
    @Test
    void datasetExample() throws IOException {
        Dataset all = Datasets.fashionMnist(Split.TRAIN);
        Dataset.TrainValidation parts = all.split(0.1, RandomKey.of(7));   // 54,000 + 6,000
        Tensor first = parts.train().image(0);                              // FLOAT32 [1, 28, 28]
        assertEquals(54_000, parts.train().size());
        assertEquals(6_000, parts.validation().size());
        assertArrayEquals(new int[] {1, 28, 28}, first.shape());
        assertEquals(10_000, Datasets.fashionMnist(Split.TEST).size());
    }

    @Test
    void loaderExample() throws IOException {
        Dataset train = Datasets.fashionMnist(Split.TRAIN);
        List<Transform> augment = List.of(
                Transform.randomCrop(4),
                Transform.randomHorizontalFlip(),
                Transform.normalize(new double[] {0.2860}, new double[] {0.3530}));
        int seen = 0;
        try (DataLoader loader = DataLoader.builder(train, RandomKey.of(1))
                .batchSize(128).shuffle(true).dropLast(true)
                .transforms(augment)
                .build()) {
            for (int epoch = 0; epoch < 2; epoch++) {
                for (Batch batch : loader.epoch(epoch)) {
                    assertArrayEquals(new int[] {128, 1, 28, 28}, batch.images().shape());
                    assertArrayEquals(new int[] {128}, batch.labels().shape());
                    seen += batch.size();
                }
            }
        }
        assertEquals(2 * 468 * 128, seen);
    }
}
