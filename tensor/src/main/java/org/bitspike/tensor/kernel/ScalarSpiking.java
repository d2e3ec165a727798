package org.bitspike.tensor.kernel;

/** The spike-layer oracle: one element at a time, in the order {@link SpikeKernels} defines. */
final class ScalarSpiking implements SpikeKernels {
    static final ScalarSpiking INSTANCE = new ScalarSpiking();
    private static final int LANES = Tuning.SUM_LANES;

    private ScalarSpiking() {
    }

    @Override
    public void clippedSums(int n, float[] u, int uOff, float a, int j0, double[] sums) {
        assert n >= 0 && j0 >= 0 && sums.length >= 2 * LANES;
        int lane = j0 % LANES;
        for (int i = 0; i < n; i++) {
            float z = u[uOff + i] / a;
            double zc = z > 1f ? 1f : z > 0f ? z : 0f;
            sums[lane] += zc;
            sums[LANES + lane] += zc * zc;
            lane = lane == LANES - 1 ? 0 : lane + 1;
        }
    }

    @Override
    public void fire(int n, float[] u, int uOff, float a, float threshold, float[] out, int outOff) {
        assert n >= 0;
        for (int i = 0; i < n; i++) {
            out[outOff + i] = u[uOff + i] / a >= threshold ? 1f : 0f;
        }
    }

    @Override
    public void fireBackward(int n, float[] g, int gOff, float[] u, int uOff, float a, float lo, float hi,
                             float height, int j0, double[] sums, float[] du, int duOff) {
        assert n >= 0 && j0 >= 0 && sums.length >= LANES;
        int lane = j0 % LANES;
        for (int i = 0; i < n; i++) {
            float uv = u[uOff + i];
            float gz = surrogate(g[gOff + i], uv / a, lo, hi, height);
            if (du != null) {
                du[duOff + i] = gz / a;
            }
            sums[lane] += (double) gz * uv;
            lane = lane == LANES - 1 ? 0 : lane + 1;
        }
    }

    @Override
    public void ratioBackward(int n, float[] u, int uOff, float a, float scale, float invExt, int j0, double[] sums,
                              float[] du, int duOff) {
        assert n >= 0 && j0 >= 0 && sums.length >= LANES;
        int lane = j0 % LANES;
        for (int i = 0; i < n; i++) {
            float uv = u[uOff + i];
            float gz = ratio(uv / a, scale, invExt);
            if (du != null) {
                du[duOff + i] = gz / a;
            }
            sums[lane] += (double) gz * uv;
            lane = lane == LANES - 1 ? 0 : lane + 1;
        }
    }

    /** The rectangular surrogate's gradient at z: {@code g * height} on {@code (lo, hi]}, else 0 (NaN z too). */
    private static float surrogate(float g, float z, float lo, float hi, float height) {
        return z > lo && z <= hi ? g * height : 0f;
    }

    /** The ratio's gradient at z, passed on {@code [0, 1]} (the clamp's convention), else 0 (NaN z too). */
    private static float ratio(float z, float scale, float invExt) {
        return z >= 0f && z <= 1f ? scale * ((z > 0f ? 1f : 0f) - z * invExt) : 0f;
    }
}
