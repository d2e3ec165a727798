package org.bitspike.nn.data;

import org.bitspike.tensor.RandomKey;

/** {@link Transform#randomHorizontalFlip}: mirror every row with probability {@code p}. */
final class HorizontalFlip implements Transform {
    private final double p;

    HorizontalFlip(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("randomHorizontalFlip: probability must be in [0, 1], got " + p);
        }
        this.p = p;
    }

    @Override
    public void apply(float[] pixels, int offset, int channels, int height, int width, RandomKey key) {
        if (key.uniformDouble(0) >= p) {
            return;
        }
        for (int row = 0, rows = channels * height; row < rows; row++) {
            for (int l = offset + row * width, r = l + width - 1; l < r; l++, r--) {
                float t = pixels[l];
                pixels[l] = pixels[r];
                pixels[r] = t;
            }
        }
    }

    @Override
    public String toString() {
        return "randomHorizontalFlip(" + p + ")";
    }
}
