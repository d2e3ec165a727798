package org.bitspike.nn.data;

import java.util.List;
import java.util.Objects;

import org.bitspike.tensor.RandomKey;

/**
 * Batches of a {@link Dataset}, epoch by epoch: seeded shuffling, per-sample transforms, and
 * decoding ahead of the training loop on background threads.
 *
 * <p><b>Determinism.</b> Everything is a function of the loader's {@link RandomKey}, the epoch and
 * the batch index: the epoch's order is {@code keyShuffle.fold(epoch).permutation(N)} and the
 * transforms of sample {@code i} (its index in the dataset) draw from
 * {@code keyAugment.fold(epoch).fold(i).fold(t)} for the {@code t}-th transform, where
 * {@code [keyShuffle, keyAugment] = key.split(2)}. So the same key gives the same batches on every run,
 * for any number of workers and any timing, and {@code epoch(e).skip(k)} yields exactly the batches
 * {@code k, k+1, ...} an uninterrupted pass over epoch {@code e} would have.
 *
 * <p><b>Threads.</b> Iterating an epoch starts its workers (one by default), which build up to
 * {@code prefetch} batches ahead into bounded queues; a failure there is re-thrown on the iterating
 * thread as a {@link DataLoaderException}. A loader runs one pass at a time: starting another
 * epoch's iteration, closing the {@link BatchIterator}, or closing the loader stops and joins the
 * previous pass's threads, so an epoch abandoned half-way costs nothing once the next one starts.
 *
 * <pre>{@code
 * try (DataLoader loader = DataLoader.builder(train, RandomKey.of(1))
 *         .batchSize(128).shuffle(true).dropLast(true)
 *         .transforms(Transform.randomCrop(2), Transform.randomHorizontalFlip())
 *         .build()) {
 *     for (int epoch = 0; epoch < 10; epoch++) {
 *         for (Batch batch : loader.epoch(epoch)) {
 *             // batch.images(): FLOAT32 [128, 1, 28, 28], batch.labels(): INT64 [128]
 *         }
 *     }
 * }
 * }</pre>
 */
public final class DataLoader implements AutoCloseable {
    private final BatchMaker maker;
    private final int workers;
    private final int prefetch;
    private BatchIterator active;
    private boolean closed;

    private DataLoader(BatchMaker maker, int workers, int prefetch) {
        this.maker = maker;
        this.workers = workers;
        this.prefetch = prefetch;
    }

    /**
     * A builder over {@code dataset}, whose shuffling and random transforms draw from {@code key}.
     * Defaults: batch size 32, no shuffling, last partial batch kept, no transforms, 4 batches of
     * prefetch, 1 worker.
     */
    public static Builder builder(Dataset dataset, RandomKey key) {
        return new Builder(Objects.requireNonNull(dataset, "dataset"), Objects.requireNonNull(key, "key"));
    }

    /** The dataset batches are drawn from. */
    public Dataset dataset() {
        return maker.dataset();
    }

    /** Samples per batch (the last batch of an epoch may be smaller unless drop-last is set). */
    public int batchSize() {
        return maker.batchSize();
    }

    /** Batches in a full epoch. */
    public int batchesPerEpoch() {
        return maker.batches();
    }

    /**
     * Epoch {@code epoch} (0, 1, ...), from its first batch. Nothing runs until it is iterated.
     *
     * @throws IllegalArgumentException if {@code epoch} is negative
     */
    public Epoch epoch(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("DataLoader.epoch: epoch must be >= 0, got " + epoch);
        }
        return new Epoch(epoch, 0);
    }

    /** Stops the running pass, if any, and refuses further iteration; idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        if (active != null) {
            active.close();
            active = null;
        }
    }

    private synchronized BatchIterator start(int epoch, int first) {
        if (closed) {
            throw new IllegalStateException("DataLoader: closed, cannot iterate epoch " + epoch);
        }
        if (active != null) {
            active.close();
        }
        active = new BatchIterator(maker, epoch, first, workers, prefetch);
        return active;
    }

    /**
     * One epoch's batches from a given batch on; an immutable description that starts background work
     * each time it is iterated (stopping this loader's previous pass).
     */
    public final class Epoch implements Iterable<Batch> {
        private final int number;
        private final int first;

        private Epoch(int number, int first) {
            this.number = number;
            this.first = first;
        }

        /** The epoch number. */
        public int number() {
            return number;
        }

        /** Index of the first batch this iteration yields. */
        public int firstBatch() {
            return first;
        }

        /** Number of batches this iteration yields. */
        public int size() {
            return batchesPerEpoch() - first;
        }

        /**
         * The same epoch without its next {@code batches} batches: for resuming a run interrupted after
         * {@code first + batches} batches of this epoch.
         *
         * @throws IllegalArgumentException if {@code batches} is negative or more than remain
         */
        public Epoch skip(int batches) {
            if (batches < 0 || batches > size()) {
                throw new IllegalArgumentException("Epoch.skip: can skip 0.." + size() + " batches of epoch "
                        + number + " from batch " + first + ", got " + batches);
            }
            return new Epoch(number, first + batches);
        }

        /** Starts the background work and returns the batches, in order. */
        @Override
        public BatchIterator iterator() {
            return start(number, first);
        }

        @Override
        public String toString() {
            return "epoch " + number + " from batch " + first + " of " + batchesPerEpoch();
        }
    }

    /** Settings of a {@link DataLoader}; each setter validates its argument. */
    public static final class Builder {
        private final Dataset dataset;
        private final RandomKey key;
        private int batchSize = 32;
        private boolean shuffle;
        private boolean dropLast;
        private Transform[] transforms = new Transform[0];
        private int prefetch = 4;
        private int workers = 1;

        private Builder(Dataset dataset, RandomKey key) {
            this.dataset = dataset;
            this.key = key;
        }

        /** Samples per batch, at least 1. */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("DataLoader: batch size must be >= 1, got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /** Whether each epoch visits the samples in a fresh seeded order (else in dataset order). */
        public Builder shuffle(boolean shuffle) {
            this.shuffle = shuffle;
            return this;
        }

        /** Whether to leave out an epoch's last batch when it would be smaller than the batch size. */
        public Builder dropLast(boolean dropLast) {
            this.dropLast = dropLast;
            return this;
        }

        /** Per-sample transforms, applied in this order to images in [0, 1]; replaces earlier ones. */
        public Builder transforms(Transform... transforms) {
            for (Transform t : transforms) {
                Objects.requireNonNull(t, "transform");
            }
            this.transforms = transforms.clone();
            return this;
        }

        /** As {@link #transforms(Transform...)}. */
        public Builder transforms(List<Transform> transforms) {
            return transforms(transforms.toArray(new Transform[0]));
        }

        /** How many batches the background threads may build ahead, at least 1. */
        public Builder prefetch(int batches) {
            if (batches < 1) {
                throw new IllegalArgumentException("DataLoader: prefetch must be >= 1 batch, got " + batches);
            }
            this.prefetch = batches;
            return this;
        }

        /** Background threads building batches; the batches do not depend on it. At least 1. */
        public Builder workers(int workers) {
            if (workers < 1) {
                throw new IllegalArgumentException("DataLoader: workers must be >= 1, got " + workers);
            }
            this.workers = workers;
            return this;
        }

        /**
         * The loader.
         *
         * @throws IllegalArgumentException if a transform cannot apply to the dataset's images, or one
         *                                  batch would exceed {@link Integer#MAX_VALUE} floats
         */
        public DataLoader build() {
            int c = dataset.channels();
            int h = dataset.height();
            int w = dataset.width();
            for (Transform t : transforms) {
                t.check(c, h, w);
            }
            long floats = (long) Math.min(batchSize, dataset.size()) * c * h * w;
            if (floats > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("DataLoader: a batch of " + batchSize + " images of [" + c + ", "
                        + h + ", " + w + "] exceeds " + Integer.MAX_VALUE + " floats");
            }
            return new DataLoader(new BatchMaker(dataset, batchSize, shuffle, dropLast, key, transforms),
                    workers, prefetch);
        }
    }
}
