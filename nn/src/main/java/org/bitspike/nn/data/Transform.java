package org.bitspike.nn.data;

import org.bitspike.tensor.RandomKey;

/**
 * A per-sample image transform a {@link DataLoader} applies, in place, to each image of a batch after
 * converting its bytes to floats in {@code [0, 1]}. Transforms keep the image's shape.
 *
 * <p>A random transform draws only from the {@code key} it is handed, which the loader derives from
 * (loader key, epoch, the sample's index in the dataset, the transform's position in the list), so
 * the result does not depend on batch order, thread count or timing. A deterministic transform
 * ignores the key.
 *
 * <pre>{@code
 * List<Transform> augment = List.of(
 *         Transform.randomCrop(4),
 *         Transform.randomHorizontalFlip(),
 *         Transform.normalize(new double[] {0.2860}, new double[] {0.3530}));
 * }</pre>
 */
@FunctionalInterface
public interface Transform {
    /**
     * Transforms the image {@code pixels[offset .. offset + channels * height * width)}, laid out
     * {@code [channels, height, width]} row-major, in place. Only that range is read or written.
     */
    void apply(float[] pixels, int offset, int channels, int height, int width, RandomKey key);

    /**
     * Checks that this transform can apply to {@code [channels, height, width]} images; the loader
     * calls it once, when it is built, so a mismatch fails there rather than on the background thread.
     *
     * @throws IllegalArgumentException if it cannot
     */
    default void check(int channels, int height, int width) {
    }

    /**
     * {@code x = (x - mean[c]) / std[c]} per channel {@code c}; one value of each applies to every
     * channel. Computed in float.
     */
    static Transform normalize(double[] mean, double[] std) {
        return new Normalize(mean, std);
    }

    /** {@code x = (x - mean) / std} on every channel. */
    static Transform normalize(double mean, double std) {
        return new Normalize(new double[] {mean}, new double[] {std});
    }

    /**
     * Pads the image with {@code padding} zeros on every side and crops a random window of the
     * original size: the top-left corner {@code (i, j)} is uniform in {@code [0, 2 * padding]}, so
     * {@code out[c][y][x] = in[c][y + i - padding][x + j - padding]}, or 0 outside the image.
     */
    static Transform randomCrop(int padding) {
        return new RandomCrop(padding);
    }

    /** Mirrors the image left to right with probability 1/2. */
    static Transform randomHorizontalFlip() {
        return new HorizontalFlip(0.5);
    }

    /** Mirrors the image left to right ({@code out[c][y][x] = in[c][y][width - 1 - x]}) with probability {@code p}. */
    static Transform randomHorizontalFlip(double p) {
        return new HorizontalFlip(p);
    }
}
