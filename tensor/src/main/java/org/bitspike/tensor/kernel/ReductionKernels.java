package org.bitspike.tensor.kernel;

/**
 * Accumulating kernels behind the floating reductions (sum, mean, var, amax, amin), on one run of
 * the iteration engine: element {@code i < n} of {@code x} is {@code x[xOff + i * xStride]}.
 * Accumulators are {@code double}, for FLOAT32 and FLOAT64 input alike; {@code x} is not modified.
 *
 * <p>The summation order is fixed by the logical position of each element, never by memory layout,
 * vector width or thread count, so every implementation gives the same bits (see
 * {@link Tuning#SUM_LANES}): the values {@code v_j} an output reduces, {@code j} counting the
 * reduced positions in row-major order, are summed in {@value Tuning#SUM_LANES} partial sums,
 * {@code v_j} going to partial {@code j mod SUM_LANES}, each partial adding its values in increasing
 * {@code j}. The caller combines the partials. A run is either a <em>row</em> (consecutive
 * positions {@code j} of one output) or <em>columns</em> (one position {@code j} of consecutive
 * outputs), which is how the engine's runs look for a reduction.
 */
public interface ReductionKernels {

    /** What a kernel adds up. */
    enum Accumulate {
        /** {@code acc += x}. */
        SUM,
        /** {@code acc += (x - mean)^2}, in double, with no fused multiply-add. */
        SQUARED_DEVIATION,
        /** {@code acc = Math.max(acc, x)} (NaN propagates); partials are not used. */
        MAX,
        /** {@code acc = Math.min(acc, x)}. */
        MIN
    }

    /**
     * A row: elements {@code i < n} are positions {@code j0 + i} of one output. For {@code SUM} and
     * {@code SQUARED_DEVIATION} element {@code i} goes to {@code acc[accOff + ((j0 + i) mod
     * SUM_LANES) * laneStride]}; for {@code MAX} and {@code MIN} all go to {@code acc[accOff]}.
     *
     * @param mean the output's mean for {@code SQUARED_DEVIATION}, ignored otherwise
     */
    void row(Accumulate what, int n, float[] x, int xOff, int xStride, int j0, double mean,
             double[] acc, int accOff, int laneStride);

    /** {@link #row(Accumulate, int, float[], int, int, int, double, double[], int, int)} on FLOAT64. */
    void row(Accumulate what, int n, double[] x, int xOff, int xStride, int j0, double mean,
             double[] acc, int accOff, int laneStride);

    /**
     * Columns: element {@code i < n} goes to {@code acc[accOff + i * accStride]} (the caller has
     * picked the partial of the run's position {@code j}).
     *
     * @param mean for {@code SQUARED_DEVIATION}, element i's mean is {@code mean[meanOff + i *
     *        meanStride]}; ignored (may be null) otherwise
     */
    void columns(Accumulate what, int n, float[] x, int xOff, int xStride, double[] mean, int meanOff,
                 int meanStride, double[] acc, int accOff, int accStride);

    /** {@link #columns(Accumulate, int, float[], int, int, double[], int, int, double[], int, int)} on FLOAT64. */
    void columns(Accumulate what, int n, double[] x, int xOff, int xStride, double[] mean, int meanOff,
                 int meanStride, double[] acc, int accOff, int accStride);
}
