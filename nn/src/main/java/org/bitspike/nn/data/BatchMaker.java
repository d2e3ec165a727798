package org.bitspike.nn.data;

import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;

/**
 * Builds batch {@code k} of epoch {@code e} as a pure function of (dataset, settings, key, e, k):
 * the one place the sample order, the byte-to-float conversion and the per-sample transform keys are
 * decided. Safe to call from several threads at once.
 */
final class BatchMaker {
    private final Dataset data;
    private final int batchSize;
    private final boolean shuffle;
    private final boolean dropLast;
    private final RandomKey shuffleKey;
    private final RandomKey augmentKey;
    private final Transform[] transforms;

    BatchMaker(Dataset data, int batchSize, boolean shuffle, boolean dropLast, RandomKey key, Transform[] transforms) {
        this.data = data;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.dropLast = dropLast;
        RandomKey[] keys = key.split(2);
        this.shuffleKey = keys[0];
        this.augmentKey = keys[1];
        this.transforms = transforms.clone();
    }

    Dataset dataset() {
        return data;
    }

    int batchSize() {
        return batchSize;
    }

    /** Batches per epoch: {@code floor(N / B)} with drop-last, else {@code ceil(N / B)}. */
    int batches() {
        int n = data.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** The sample order of {@code epoch}: a permutation keyed by (shuffle key, epoch), or null for 0..N-1. */
    int[] order(int epoch) {
        return shuffle ? shuffleKey.fold(epoch).permutation(data.size()) : null;
    }

    /** Batch {@code k} of {@code epoch}, whose sample order is {@code order} (from {@link #order}). */
    Batch make(int[] order, int epoch, int k) {
        int from = k * batchSize;
        int b = (int) Math.min(data.size(), (long) from + batchSize) - from;
        int c = data.channels();
        int h = data.height();
        int w = data.width();
        int sample = c * h * w;
        float[] x = new float[b * sample];
        long[] y = new long[b];
        RandomKey epochKey = augmentKey.fold(epoch);
        for (int j = 0; j < b; j++) {
            int i = order == null ? from + j : order[from + j];
            data.copyImage(i, x, j * sample);
            y[j] = data.label(i);
            if (transforms.length > 0) {
                RandomKey sampleKey = epochKey.fold(i);
                for (int t = 0; t < transforms.length; t++) {
                    transforms[t].apply(x, j * sample, c, h, w, sampleKey.fold(t));
                }
            }
        }
        return new Batch(Tensor.of(x, b, c, h, w), Tensor.of(y, b));
    }
}
