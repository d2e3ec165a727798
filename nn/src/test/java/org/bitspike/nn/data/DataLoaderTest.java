package org.bitspike.nn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.junit.jupiter.api.Test;

/**
 * The loader: coverage, drop-last, determinism (same key, any worker count, resumed mid-epoch),
 * keyed augmentation, and the background threads (failures re-thrown, nothing left running after a
 * close, an abandoned epoch or a finished one).
 */
class DataLoaderTest {
    static final RandomKey KEY = RandomKey.of(2024);
    static final Transform[] AUGMENT = {Transform.randomCrop(2), Transform.randomHorizontalFlip(),
            Transform.normalize(0.5, 0.25)};

    /** {@code n} images of [1, 5, 6]: pixels 0 and 1 hold the image's index, the rest seeded noise. */
    static Dataset numbered(int n) {
        byte[] pixels = DataFiles.randomBytes(n * 30, 99);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            pixels[i * 30] = (byte) i;
            pixels[i * 30 + 1] = (byte) (i >> 8);
            labels[i] = i % 7;
        }
        return Dataset.of(pixels, labels, 1, 5, 6, 7);
    }

    /** The indices of a batch's images (read back from pixels 0 and 1; only without transforms). */
    static int[] ids(Batch b) {
        float[] x = b.images().toFloatArray();
        return IntStream.range(0, b.size())
                .map(j -> Math.round(x[j * 30] * 255) | Math.round(x[j * 30 + 1] * 255) << 8).toArray();
    }

    static List<Batch> all(Iterable<Batch> epoch) {
        List<Batch> out = new ArrayList<>();
        for (Batch b : epoch) {
            out.add(b);
        }
        return out;
    }

    static void assertSameBatches(List<Batch> expected, List<Batch> actual, String what) {
        assertEquals(expected.size(), actual.size(), what + ": batch count");
        for (int k = 0; k < expected.size(); k++) {
            assertArrayEquals(expected.get(k).images().shape(), actual.get(k).images().shape(), what + ", batch " + k);
            assertArrayEquals(expected.get(k).images().toFloatArray(), actual.get(k).images().toFloatArray(),
                    what + ", batch " + k);
            assertArrayEquals(expected.get(k).labels().toLongArray(), actual.get(k).labels().toLongArray(),
                    what + ", batch " + k);
        }
    }

    static void assertStopped(BatchIterator it) {
        for (Thread t : it.threads()) {
            assertFalse(t.isAlive(), t.getName() + " still running");
        }
    }

    @Test
    void anEpochVisitsEveryImageOnce() {
        Dataset d = numbered(103);
        try (DataLoader loader = DataLoader.builder(d, KEY).batchSize(10).shuffle(true).build()) {
            assertEquals(11, loader.batchesPerEpoch());
            List<Batch> batches = all(loader.epoch(0));
            assertEquals(11, batches.size());
            assertEquals(3, batches.get(10).size());
            int[] seen = batches.stream().flatMapToInt(b -> Arrays.stream(ids(b))).toArray();
            assertFalse(Arrays.equals(IntStream.range(0, 103).toArray(), seen), "shuffled");
            assertArrayEquals(IntStream.range(0, 103).toArray(), Arrays.stream(seen).sorted().toArray());
            Batch first = batches.get(0);
            assertEquals(DType.FLOAT32, first.images().dtype());
            assertArrayEquals(new int[] {10, 1, 5, 6}, first.images().shape());
            assertEquals(DType.INT64, first.labels().dtype());
            int[] firstIds = ids(first);
            for (int j = 0; j < 10; j++) {
                assertEquals(firstIds[j] % 7, first.labels().getLong(j));
                assertArrayEquals(d.image(firstIds[j]).toFloatArray(), first.images().select(0, j).contiguous().toFloatArray());
            }
        }
    }

    @Test
    void dropLastAndNoShuffle() {
        try (DataLoader loader = DataLoader.builder(numbered(103), KEY).batchSize(10).dropLast(true).build()) {
            assertEquals(10, loader.batchesPerEpoch());
            List<Batch> batches = all(loader.epoch(3));
            assertEquals(10, batches.size());
            int[] seen = batches.stream().flatMapToInt(b -> Arrays.stream(ids(b))).toArray();
            assertArrayEquals(IntStream.range(0, 100).toArray(), seen, "in dataset order, the last 3 dropped");
        }
        try (DataLoader empty = DataLoader.builder(numbered(3), KEY).batchSize(4).dropLast(true).build()) {
            assertEquals(0, empty.batchesPerEpoch());
            assertFalse(empty.epoch(0).iterator().hasNext());
        }
    }

    @Test
    void sameKeySameBatchesOtherEpochOrKeyOtherOrder() {
        Dataset d = numbered(200);
        List<List<Batch>> runs = new ArrayList<>();
        for (RandomKey key : new RandomKey[] {KEY, RandomKey.of(2024), RandomKey.of(7)}) {
            try (DataLoader loader = DataLoader.builder(d, key).batchSize(16).shuffle(true).transforms(AUGMENT).build()) {
                runs.add(all(loader.epoch(0)));
                runs.add(all(loader.epoch(1)));
            }
        }
        assertSameBatches(runs.get(0), runs.get(2), "epoch 0, same key");
        assertSameBatches(runs.get(1), runs.get(3), "epoch 1, same key");
        assertNotEquals(Arrays.toString(runs.get(0).get(0).labels().toLongArray()),
                Arrays.toString(runs.get(1).get(0).labels().toLongArray()), "epochs 0 and 1 differ");
        assertNotEquals(Arrays.toString(runs.get(0).get(0).labels().toLongArray()),
                Arrays.toString(runs.get(4).get(0).labels().toLongArray()), "keys differ");
    }

    @Test
    void workersAndPrefetchDoNotChangeTheBatches() {
        Dataset d = numbered(150);
        List<Batch> reference;
        try (DataLoader one = DataLoader.builder(d, KEY).batchSize(8).shuffle(true).transforms(AUGMENT).build()) {
            reference = all(one.epoch(5));
        }
        for (int workers : new int[] {2, 3, 7, 40}) {
            for (int prefetch : new int[] {1, 3, 16}) {
                try (DataLoader many = DataLoader.builder(d, KEY).batchSize(8).shuffle(true).transforms(AUGMENT)
                        .workers(workers).prefetch(prefetch).build()) {
                    assertSameBatches(reference, all(many.epoch(5)), workers + " workers, prefetch " + prefetch);
                }
            }
        }
    }

    @Test
    void augmentationIsKeyedBySampleNotPosition() {
        Dataset d = numbered(40);
        float[][] shuffled = new float[40][];
        float[][] ordered = new float[40][];
        try (DataLoader plain = DataLoader.builder(d, KEY).batchSize(40).shuffle(true).build();
             DataLoader aug = DataLoader.builder(d, KEY).batchSize(40).shuffle(true).transforms(AUGMENT).build();
             DataLoader inOrder = DataLoader.builder(d, KEY).batchSize(7).transforms(AUGMENT).build()) {
            int[] order = ids(plain.epoch(1).iterator().next());
            Batch b = aug.epoch(1).iterator().next();
            for (int j = 0; j < 40; j++) {
                shuffled[order[j]] = b.images().select(0, j).contiguous().toFloatArray();
            }
            int i = 0;
            for (Batch c : inOrder.epoch(1)) {
                for (int j = 0; j < c.size(); j++) {
                    ordered[i++] = c.images().select(0, j).contiguous().toFloatArray();
                }
            }
            for (int s = 0; s < 40; s++) {
                assertArrayEquals(ordered[s], shuffled[s], "sample " + s + " augmented the same wherever it lands");
            }
            Batch other = inOrder.epoch(2).iterator().next();
            assertFalse(Arrays.equals(ordered[0], other.images().select(0, 0).contiguous().toFloatArray())
                    && Arrays.equals(ordered[1], other.images().select(0, 1).contiguous().toFloatArray())
                    && Arrays.equals(ordered[2], other.images().select(0, 2).contiguous().toFloatArray()),
                    "another epoch draws other augmentations");
        }
    }

    @Test
    void resumingMidEpochEqualsAnUninterruptedEpoch() {
        Dataset d = numbered(90);
        try (DataLoader loader = DataLoader.builder(d, KEY).batchSize(8).shuffle(true).transforms(AUGMENT)
                .workers(2).build()) {
            List<Batch> full = all(loader.epoch(4));
            assertEquals(12, full.size());
            for (int k : new int[] {0, 1, 5, 11, 12}) {
                DataLoader.Epoch tail = loader.epoch(4).skip(k);
                assertEquals(12 - k, tail.size());
                assertSameBatches(full.subList(k, 12), all(tail), "resumed at batch " + k);
            }
            // interrupted after 5 batches, resumed from the iterator's position
            int resumeAt;
            try (BatchIterator it = loader.epoch(4).iterator()) {
                for (int k = 0; k < 5; k++) {
                    it.next();
                }
                resumeAt = it.nextBatch();
            }
            assertEquals(5, resumeAt);
            assertSameBatches(full.subList(5, 12), all(loader.epoch(4).skip(2).skip(resumeAt - 2)), "skip composes");
            var e = assertThrows(IllegalArgumentException.class, () -> loader.epoch(4).skip(13));
            assertEquals("Epoch.skip: can skip 0..12 batches of epoch 4 from batch 0, got 13", e.getMessage());
        }
    }

    /** A transform that throws {@code failure} on dataset sample {@code bad}. */
    static Transform failingAt(int bad, Throwable failure) {
        return (pixels, offset, c, h, w, key) -> {
            if (Math.round(pixels[offset] * 255) == bad) {
                if (failure instanceof Error err) {
                    throw err;
                }
                throw (RuntimeException) failure;
            }
        };
    }

    @Test
    void aFailureOnTheBackgroundThreadIsRethrownWhenItsBatchIsDue() {
        for (int workers : new int[] {1, 3}) {
            RuntimeException boom = new IllegalStateException("boom at sample 37");
            try (DataLoader loader = DataLoader.builder(numbered(100), KEY).batchSize(10)
                    .transforms(failingAt(37, boom)).workers(workers).build()) {
                BatchIterator it = loader.epoch(0).iterator();
                for (int k = 0; k < 3; k++) {
                    assertEquals(10, it.next().size(), "batches before the failing one arrive");
                }
                DataLoaderException e = assertThrows(DataLoaderException.class, it::next);
                assertSame(boom, e.getCause());
                assertEquals("data loader: building batch 3 of epoch 0 failed on a background thread: "
                        + "java.lang.IllegalStateException: boom at sample 37", e.getMessage());
                assertStopped(it);
                assertFalse(it.hasNext());
            }
        }
        AssertionError error = new AssertionError("an Error, not an Exception");
        try (DataLoader loader = DataLoader.builder(numbered(20), KEY).batchSize(4)
                .transforms(failingAt(0, error)).build()) {
            DataLoaderException e = assertThrows(DataLoaderException.class, () -> loader.epoch(0).iterator().next());
            assertSame(error, e.getCause());
        }
    }

    @Test
    void closingMidEpochStopsTheThreads() {
        try (DataLoader loader = DataLoader.builder(numbered(200), KEY).batchSize(4).workers(3).prefetch(2).build()) {
            BatchIterator it = loader.epoch(0).iterator();
            it.next();
            it.close();
            assertStopped(it);
            var e = assertThrows(IllegalStateException.class, it::hasNext);
            assertTrue(e.getMessage().startsWith("data loader: epoch 0 was stopped at batch 1 of 50"), e.getMessage());
            it.close(); // idempotent
        }
    }

    @Test
    void startingAnotherEpochStopsAnAbandonedOne() {
        try (DataLoader loader = DataLoader.builder(numbered(200), KEY).batchSize(4).build()) {
            BatchIterator abandoned = loader.epoch(0).iterator();
            abandoned.next();
            BatchIterator next = loader.epoch(1).iterator();
            assertStopped(abandoned);
            assertThrows(IllegalStateException.class, abandoned::next);
            assertEquals(50, all(() -> next).size());
            assertStopped(next); // a finished pass leaves nothing running either
        }
    }

    @Test
    void closingTheLoaderStopsItsPassAndRefusesMore() {
        DataLoader loader = DataLoader.builder(numbered(200), KEY).batchSize(4).build();
        BatchIterator it = loader.epoch(0).iterator();
        it.next();
        loader.close();
        assertStopped(it);
        var e = assertThrows(IllegalStateException.class, () -> loader.epoch(1).iterator());
        assertEquals("DataLoader: closed, cannot iterate epoch 1", e.getMessage());
    }

    @Test
    void closingWakesAConsumerWaitingForABatch() throws InterruptedException {
        CountDownLatch building = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        Transform stuck = (pixels, offset, c, h, w, key) -> {
            building.countDown();
            try {
                never.await(); // until close() interrupts the worker
            } catch (InterruptedException e) {
                throw new IllegalStateException("interrupted", e);
            }
        };
        DataLoader loader = DataLoader.builder(numbered(10), KEY).batchSize(2).transforms(stuck).build();
        BatchIterator it = loader.epoch(0).iterator();
        Thread closer = new Thread(() -> {
            try {
                building.await();
            } catch (InterruptedException e) {
                return;
            }
            loader.close();
        });
        closer.start();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        try {
            it.next(); // waits until the closer stops the pass
        } catch (Throwable t) {
            thrown.set(t);
        }
        closer.join();
        assertTrue(thrown.get() instanceof IllegalStateException, "got " + thrown.get());
        assertStopped(it);
    }

    @Test
    void builderChecks() {
        Dataset rgb = Dataset.of(new byte[12], new int[] {0}, 3, 2, 2, 1);
        var e = assertThrows(IllegalArgumentException.class, () -> DataLoader.builder(rgb, KEY)
                .transforms(Transform.normalize(new double[] {0.5, 0.5}, new double[] {1, 1})).build());
        assertEquals("normalize: 2 means and standard deviations for images of 3 channels (expected 1 or 3)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DataLoader.builder(rgb, KEY).batchSize(0));
        assertThrows(IllegalArgumentException.class, () -> DataLoader.builder(rgb, KEY).workers(0));
        assertThrows(IllegalArgumentException.class, () -> DataLoader.builder(rgb, KEY).prefetch(0));
        try (DataLoader loader = DataLoader.builder(rgb, KEY).batchSize(Integer.MAX_VALUE).build()) {
            assertEquals(1, all(loader.epoch(0)).get(0).size());
            assertThrows(IllegalArgumentException.class, () -> loader.epoch(-1));
        }
    }
}
