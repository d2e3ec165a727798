package org.bitspike.tensor.kernel;

/** The batch-normalisation oracle: one element at a time, in the order {@link BatchNormKernels} defines. */
final class ScalarBatchNorm implements BatchNormKernels {
    static final ScalarBatchNorm INSTANCE = new ScalarBatchNorm();
    private static final int LANES = Tuning.SUM_LANES;

    private ScalarBatchNorm() {
    }

    @Override
    public void affine(int n, float[] x, int xOff, float center, float scale, float shift, boolean relu,
                       float[] y, int yOff) {
        assert n >= 0;
        for (int i = 0; i < n; i++) {
            float v = (x[xOff + i] - center) * scale + shift;
            y[yOff + i] = relu ? Math.max(v, 0f) : v;
        }
    }

    @Override
    public void gradientSums(int n, float[] gy, int gyOff, float[] x, int xOff, float[] y, int yOff, int j0,
                             double mean, double[] sums) {
        assert n >= 0 && j0 >= 0 && sums.length >= 2 * LANES;
        int lane = j0 % LANES;
        for (int i = 0; i < n; i++) {
            float g = y == null || y[yOff + i] > 0 ? gy[gyOff + i] : 0f;
            sums[lane] += g;
            sums[LANES + lane] += (double) g * ((double) x[xOff + i] - mean);
            lane = lane == LANES - 1 ? 0 : lane + 1;
        }
    }

    @Override
    public void inputGradient(int n, float[] gy, int gyOff, float[] x, int xOff, float[] y, int yOff, float mean,
                              float invStd, float k, float meanG, float meanGX, float[] dx, int dxOff) {
        assert n >= 0;
        for (int i = 0; i < n; i++) {
            float g = y == null || y[yOff + i] > 0 ? gy[gyOff + i] : 0f;
            dx[dxOff + i] = k * ((g - meanG) - ((x[xOff + i] - mean) * invStd) * meanGX);
        }
    }
}
