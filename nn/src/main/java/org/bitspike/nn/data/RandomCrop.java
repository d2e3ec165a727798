package org.bitspike.nn.data;

import java.util.Arrays;

import org.bitspike.tensor.RandomKey;

/**
 * {@link Transform#randomCrop}: zero-pad by {@code padding}, crop back to the original size at a
 * random corner. Done in place as a shift by {@code (dy, dx)} in {@code [-padding, padding]}.
 */
final class RandomCrop implements Transform {
    private final int padding;

    RandomCrop(int padding) {
        if (padding < 0) {
            throw new IllegalArgumentException("randomCrop: padding must be >= 0, got " + padding);
        }
        this.padding = padding;
    }

    @Override
    public void apply(float[] pixels, int offset, int channels, int height, int width, RandomKey key) {
        int range = 2 * padding + 1;
        int dy = (int) key.uniformLong(0, range) - padding;
        int dx = (int) key.uniformLong(1, range) - padding;
        shift(pixels, offset, channels, height, width, dy, dx);
    }

    /**
     * {@code out[c][y][x] = in[c][y + dy][x + dx]}, 0 outside, in place. NOTE: rows are visited in the
     * direction that reads each source row before it is overwritten (down when {@code dy >= 0}, up
     * otherwise); within a row {@code System.arraycopy} handles the overlap.
     */
    static void shift(float[] a, int offset, int channels, int height, int width, int dy, int dx) {
        if (dy == 0 && dx == 0) {
            return;
        }
        int x0 = Math.max(0, -dx);
        int x1 = Math.min(width, width - dx);
        for (int c = 0; c < channels; c++) {
            int plane = offset + c * height * width;
            for (int k = 0; k < height; k++) {
                int y = dy >= 0 ? k : height - 1 - k;
                int sy = y + dy;
                int dst = plane + y * width;
                if (sy < 0 || sy >= height || x0 >= x1) {
                    Arrays.fill(a, dst, dst + width, 0f);
                    continue;
                }
                System.arraycopy(a, plane + sy * width + x0 + dx, a, dst + x0, x1 - x0);
                Arrays.fill(a, dst, dst + x0, 0f);
                Arrays.fill(a, dst + x1, dst + width, 0f);
            }
        }
    }

    @Override
    public String toString() {
        return "randomCrop(" + padding + ")";
    }
}
