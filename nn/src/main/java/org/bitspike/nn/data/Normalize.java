package org.bitspike.nn.data;

import org.bitspike.tensor.RandomKey;

/** {@link Transform#normalize}: per-channel {@code (x - mean) / std} in float. */
final class Normalize implements Transform {
    private final float[] mean;
    private final float[] std;

    Normalize(double[] mean, double[] std) {
        if (mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("normalize: expected as many means as standard deviations "
                    + "(at least one), got " + mean.length + " and " + std.length);
        }
        this.mean = new float[mean.length];
        this.std = new float[std.length];
        for (int c = 0; c < mean.length; c++) {
            if (!(std[c] > 0) || !Double.isFinite(std[c]) || !Double.isFinite(mean[c])) {
                throw new IllegalArgumentException("normalize: channel " + c + " needs a finite mean and a "
                        + "positive finite standard deviation, got " + mean[c] + " and " + std[c]);
            }
            this.mean[c] = (float) mean[c];
            this.std[c] = (float) std[c];
        }
    }

    @Override
    public void check(int channels, int height, int width) {
        if (mean.length != 1 && mean.length != channels) {
            throw new IllegalArgumentException("normalize: " + mean.length + " means and standard deviations "
                    + "for images of " + channels + " channels (expected 1 or " + channels + ")");
        }
    }

    @Override
    public void apply(float[] pixels, int offset, int channels, int height, int width, RandomKey key) {
        check(channels, height, width);
        int plane = height * width;
        for (int c = 0; c < channels; c++) {
            float m = mean[mean.length == 1 ? 0 : c];
            float s = std[std.length == 1 ? 0 : c];
            for (int p = offset + c * plane, end = p + plane; p < end; p++) {
                pixels[p] = (pixels[p] - m) / s;
            }
        }
    }

    @Override
    public String toString() {
        return "normalize(" + java.util.Arrays.toString(mean) + ", " + java.util.Arrays.toString(std) + ")";
    }
}
