package org.bitspike.tensor.kernel;

/**
 * The passes of a Hoyer spike layer on one dense run of {@code n} FLOAT32 potentials {@code u}
 * (in a contiguous {@code [N, C, *]} tensor: the plane of one image and channel, or any run when no
 * per-channel constant is involved), with {@code a = |v|} the layer's clipping value and
 * {@code z = u / a}:
 *
 * <ul>
 *   <li>{@link #clippedSums}: the sums of {@code zc = clamp(z, 0, 1)} and of {@code zc^2};</li>
 *   <li>{@link #fire}: {@code z >= threshold ? 1 : 0};</li>
 *   <li>{@link #fireBackward}: the rectangular surrogate's {@code gz = lo < z <= hi ? g * height : 0},
 *       {@code du = gz / a} and the sum of {@code gz * u};</li>
 *   <li>{@link #ratioBackward}: the squared Hoyer ratio's
 *       {@code gz = 0 <= z <= 1 ? scale * ((z > 0 ? 1 : 0) - z * invExt) : 0}, {@code du = gz / a} and
 *       the sum of {@code gz * u}.</li>
 * </ul>
 *
 * <p>Elementwise results are computed in float in exactly the order written, with no fused
 * multiply-add, so every implementation gives the scalar oracle's bits. NOTE: {@code z} is always
 * the true float quotient {@code u / a}, never {@code u * (1 / a)}: the spike decision
 * {@code z >= threshold} must be the one the unfolded {@code u.div(a)} makes, which folded inference
 * reproduces exactly. A NaN z is never inside a window, never fires and clips to 0. Sums are in
 * double and follow {@link ReductionKernels}' rule ({@link Tuning#SUM_LANES} partials, the value at
 * position {@code j = j0 + i} going to partial {@code j mod SUM_LANES}, each partial adding in
 * increasing {@code j}); every product in a sum is of two floats widened to double, so it is exact,
 * and only the additions round.
 *
 * <p>Inputs are not modified; outputs must not overlap inputs. A null {@code du} skips the
 * elementwise output (only the sums are wanted). Kernels {@code assert}; the tensor facade
 * ({@code Spiking}) validates.
 */
public interface SpikeKernels {

    /**
     * Adds {@code zc = clamp(u[uOff + i] / a, 0, 1)} (NaN gives 0; {@code -0} gives {@code +0}) to
     * {@code sums[(j0 + i) mod SUM_LANES]} and {@code (double) zc * zc} to
     * {@code sums[SUM_LANES + (j0 + i) mod SUM_LANES]}, for {@code i < n}.
     */
    void clippedSums(int n, float[] u, int uOff, float a, int j0, double[] sums);

    /** {@code out[outOff + i] = u[uOff + i] / a >= threshold ? 1f : 0f} for {@code i < n}. */
    void fire(int n, float[] u, int uOff, float a, float threshold, float[] out, int outOff);

    /**
     * With {@code z = u[uOff + i] / a} and {@code gz = lo < z && z <= hi ? g[gOff + i] * height : 0f}:
     * {@code du[duOff + i] = gz / a} (unless du is null) and {@code (double) gz * u} added to
     * {@code sums[(j0 + i) mod SUM_LANES]}.
     */
    void fireBackward(int n, float[] g, int gOff, float[] u, int uOff, float a, float lo, float hi, float height,
                      int j0, double[] sums, float[] du, int duOff);

    /**
     * With {@code z = u[uOff + i] / a} and
     * {@code gz = z >= 0f && z <= 1f ? scale * ((z > 0f ? 1f : 0f) - z * invExt) : 0f}:
     * {@code du[duOff + i] = gz / a} (unless du is null) and {@code (double) gz * u} added to
     * {@code sums[(j0 + i) mod SUM_LANES]}.
     */
    void ratioBackward(int n, float[] u, int uOff, float a, float scale, float invExt, int j0, double[] sums,
                       float[] du, int duOff);
}
