package org.bitspike.nn.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bitspike.nn.BatchNorm;
import org.bitspike.nn.Conv2d;
import org.bitspike.nn.Dropout;
import org.bitspike.nn.Layers;
import org.bitspike.nn.Linear;
import org.bitspike.nn.Pooling;
import org.bitspike.nn.Sequential;
import org.bitspike.nn.data.DataLoader;
import org.bitspike.nn.data.Dataset;
import org.bitspike.nn.data.Transform;
import org.bitspike.nn.optim.ParamGroup;
import org.bitspike.nn.optim.Schedule;
import org.bitspike.nn.optim.Sgd;
import org.bitspike.tensor.RandomKey;

/**
 * A small but complete training run for tests: a synthetic 3-class image dataset, a conv net with
 * BatchNorm and dropout, momentum SGD with weight decay on two parameter groups and a cosine
 * schedule, shuffling and augmentation, checkpoints and a metrics log. Also a main, so tests can
 * run it in a separate JVM (to kill it, or with another thread count).
 */
final class TrainingFixture {
    static final int CLASSES = 3;
    /** The line a stalled child prints on standard output once it waits to be killed. */
    static final String STALLED = "STALLED";

    private TrainingFixture() {
    }

    /** 96 images 8x8: class c has a bright horizontal bar at row 2c+1, plus seeded noise. */
    static Dataset dataset() {
        int n = 96;
        byte[] pixels = new byte[n * 64];
        int[] labels = new int[n];
        RandomKey key = RandomKey.of(77);
        for (int i = 0; i < n; i++) {
            labels[i] = i % CLASSES;
            for (int p = 0; p < 64; p++) {
                int row = p / 8;
                int value = (int) (key.uniformDouble(i * 64L + p) * 90) + (row == 2 * labels[i] + 1 ? 160 : 0);
                pixels[i * 64 + p] = (byte) Math.min(255, value);
            }
        }
        return Dataset.of(pixels, labels, 1, 8, 8, CLASSES);
    }

    static Trainer trainer(Path dir, int epochs, Callback... extra) {
        RandomKey seed = RandomKey.of(2024);
        Sequential model = new Sequential(new Conv2d(1, 4, 3, 1, 1, false, seed.fold(1)), BatchNorm.of2d(4), Layers.relu(),
                Pooling.max(2), Layers.flatten(), new Dropout(0.2, seed.fold(2)), new Linear(64, CLASSES, seed.fold(3)));
        List<org.bitspike.autograd.Var> decayed = List.of(model.namedParameters().get("0.weight"),
                model.namedParameters().get("6.weight"));
        List<org.bitspike.autograd.Var> rest = model.namedParameters().entrySet().stream()
                .filter(e -> !e.getKey().endsWith("0.weight") && !e.getKey().equals("6.weight")).map(Map.Entry::getValue).toList();
        Sgd sgd = new Sgd(List.of(new ParamGroup(decayed, 0.1, 1e-3), new ParamGroup(rest, 0.1, 0)), 0.9, 0, true);
        Dataset.TrainValidation split = dataset().split(24, seed.fold(4));
        DataLoader train = DataLoader.builder(split.train(), seed.fold(5)).batchSize(16).shuffle(true)
                .transforms(Transform.randomCrop(1), Transform.randomHorizontalFlip()).build();
        DataLoader validation = DataLoader.builder(split.validation(), seed.fold(6)).batchSize(16).build();
        int steps = epochs * train.batchesPerEpoch();
        Trainer.Builder b = Trainer.builder(model, sgd, train).validation(validation).schedule(Schedule.cosine(steps, 0.01))
                .callback(new MetricsLog(dir)).callback(new Checkpoints(dir, Map.of("run", "fixture")));
        for (Callback c : extra) {
            b.callback(c);
        }
        return b.build();
    }

    /**
     * {@code main(dir, epochs[, stallAtEpoch, stallAtBatch])}: trains (resuming from {@code dir} if
     * it holds a checkpoint); with a stall point, writes {@code dir/stalled} when it reaches that
     * batch and then waits to be killed.
     */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int epochs = Integer.parseInt(args[1]);
        Trainer trainer = args.length > 3
                ? trainer(dir, epochs, stallAt(dir, Integer.parseInt(args[2]), Integer.parseInt(args[3])))
                : trainer(dir, epochs);
        Checkpoints.resume(trainer, dir);
        trainer.fit(epochs);
    }

    /** A callback that writes {@code dir/stalled} at the given batch and then waits to be killed. */
    private static Callback stallAt(Path dir, int epoch, int batch) {
        return new Callback() {
            @Override
            public void onBatchEnd(Trainer t, BatchResult b) {
                if (b.epoch() == epoch && b.batch() == batch) {
                    try {
                        Files.writeString(dir.resolve("stalled"), "stalled");
                        // NOTE: not test output: the message the parent test blocks on, over the child's stdout pipe
                        System.out.println(STALLED);
                        System.out.flush();
                        new java.util.concurrent.CountDownLatch(1).await(); // until killed
                    } catch (IOException | InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        };
    }
}
