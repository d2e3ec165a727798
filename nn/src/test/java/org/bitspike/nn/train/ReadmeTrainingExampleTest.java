package org.bitspike.nn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.IntStream;
import org.bitspike.nn.Layer;
import org.bitspike.nn.data.DataLoader;
import org.bitspike.nn.data.Dataset;
import org.bitspike.nn.data.Datasets;
import org.bitspike.nn.data.Split;
import org.bitspike.nn.data.Transform;
import org.bitspike.nn.models.Models;
import org.bitspike.nn.optim.Optimizer;
import org.bitspike.nn.optim.Sgd;
import org.bitspike.tensor.RandomKey;
import org.junit.jupiter.api.Test;

/** The README's training example, on a slice of the data and one epoch so that it runs in a test. */
class ReadmeTrainingExampleTest {
    @Test
    void trainingSection() throws Exception {
        Dataset slice = Datasets.fashionMnist(Split.TRAIN).subset(IntStream.range(0, 256).toArray());
        Layer model = Models.create("vgg-small", 1, 10, RandomKey.of(1));
        Optimizer sgd = Sgd.of(model.parameters(), 0.05, 0.9, 5e-4);
        try (DataLoader train = DataLoader.builder(slice, RandomKey.of(2))
                .batchSize(64).shuffle(true).transforms(Transform.normalize(0.286, 0.353)).build()) {
            Trainer trainer = Trainer.builder(model, sgd, train).callback(new TerminalProgress(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()), false)).build();
            assertEquals(1, trainer.fit(1).size());
        }
    }
}
