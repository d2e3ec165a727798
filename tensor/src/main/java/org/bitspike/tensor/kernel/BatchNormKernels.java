package org.bitspike.tensor.kernel;

/**
 * The per-channel passes of batch normalisation, fused with an optional ReLU, on one dense run of
 * {@code n} FLOAT32 values of one channel (in a contiguous {@code [N, C, *]} tensor: the plane of
 * one image and channel). Every run has its own per-channel constants.
 *
 * <ul>
 *   <li>{@link #affine}: the forward, {@code y = act((x - center) * scale + shift)}, one pass;</li>
 *   <li>{@link #gradientSums}: with {@code g = relu ? (y > 0 ? gy : 0) : gy}, the two sums the
 *       backward needs, {@code sum g} and {@code sum g * (x - mean)}, in one pass;</li>
 *   <li>{@link #inputGradient}: {@code dx = k * ((g - meanG) - ((x - mean) * invStd) * meanGX)},
 *       one pass.</li>
 * </ul>
 * Elementwise results are computed in float in exactly the order written, with no fused
 * multiply-add, so every implementation gives the scalar oracle's bits. Sums are in double and
 * follow {@link ReductionKernels}' rule ({@link Tuning#SUM_LANES} partials, position {@code j} to
 * partial {@code j mod SUM_LANES}, each in increasing {@code j}), so they are bit-identical too;
 * {@code g * (x - mean)} is {@code (double) g * ((double) x - mean)}.
 *
 * <p>Inputs are not modified; outputs must not overlap inputs. Kernels {@code assert}; the tensor
 * facade ({@code Normalization}) validates.
 */
public interface BatchNormKernels {

    /**
     * {@code y[yOff + i] = act((x[xOff + i] - center) * scale + shift)} for {@code i < n}, where act
     * is {@code Math.max(v, 0f)} when {@code relu} and the identity otherwise.
     */
    void affine(int n, float[] x, int xOff, float center, float scale, float shift, boolean relu,
                float[] y, int yOff);

    /**
     * Adds value {@code i < n} (at position {@code j0 + i}) of {@code g} to
     * {@code sums[(j0 + i) mod SUM_LANES]} and of {@code g * (x - mean)} to
     * {@code sums[SUM_LANES + (j0 + i) mod SUM_LANES]}. {@code g} is {@code gy} where
     * {@code y > 0} (NaN and zeros masked out) when {@code y} is not null, else {@code gy}.
     *
     * @param y the ReLU's output (the mask), or null for no ReLU
     */
    void gradientSums(int n, float[] gy, int gyOff, float[] x, int xOff, float[] y, int yOff, int j0, double mean,
                      double[] sums);

    /**
     * {@code dx[dxOff + i] = k * ((g - meanG) - ((x - mean) * invStd) * meanGX)} with {@code g}
     * masked by {@code y} as in {@link #gradientSums}.
     *
     * @param y the ReLU's output, or null for no ReLU
     */
    void inputGradient(int n, float[] gy, int gyOff, float[] x, int xOff, float[] y, int yOff, float mean,
                       float invStd, float k, float meanG, float meanGX, float[] dx, int dxOff);
}
