package org.bitspike.tensor.kernel;

/**
 * What a fused {@link PackedKernels} convolution does with its accumulation {@code acc[n, co, oh, ow]}
 * (an exact integer for the XNOR kernel, a float for the spike-event kernel) before anything is
 * written: the point of the fusion is that no float map is stored between two packed layers.
 *
 * <ul>
 *   <li>{@link IntRaw}, {@link FloatRaw}: the accumulations themselves, NCHW ({@code int} for the XNOR
 *       kernel, {@code float} for the spike kernel): for tests, accounting and a following layer that
 *       needs them.</li>
 *   <li>{@link Affine}: {@code y = acc * scale[co] + shift[co]} in float (two roundings, no fused
 *       multiply-add, in this order), NCHW: the float epilogue of a last binary layer.</li>
 *   <li>{@link Bits}: the next layer's packed input, the bit of channel {@code co} set iff
 *       {@code lower[co] <= acc && acc <= upper[co]} (NaN never fires), stored as the
 *       {@link BitKernels} rows of pixel {@code (n, oh, ow)}, {@code words(cout)} words each, in
 *       {@code (n, oh, ow)} order. One threshold and a direction is {@code [t, +inf]} or
 *       {@code [-inf, t]}; a channel that never fires has {@code lower > upper}. These are the
 *       bounds of {@code nn}'s folded thresholds, which evaluate the training layers themselves, so
 *       the bit is the training model's decision for every accumulation value.</li>
 * </ul>
 * The bounds are {@code int} for the XNOR kernel ({@link IntBits}) and {@code float} for the spike
 * kernel ({@link FloatBits}). Kernels {@code assert} that the arrays are long enough; the facades
 * validate.
 */
public sealed interface PackedEpilogue {

    /** The XNOR kernel's raw integer accumulations, NCHW, from {@code off}. */
    record IntRaw(int[] y, int off) implements PackedEpilogue {
    }

    /** The spike kernel's raw float accumulations, NCHW, from {@code off}. */
    record FloatRaw(float[] y, int off) implements PackedEpilogue {
    }

    /** {@code y[n, co, oh, ow] = acc * scale[co] + shift[co]}, NCHW float from {@code off}. */
    record Affine(float[] scale, float[] shift, float[] y, int off) implements PackedEpilogue {
    }

    /** Packed bits of {@code lower[co] <= acc <= upper[co]} on integer accumulations. */
    record IntBits(int[] lower, int[] upper, long[] y, int off) implements PackedEpilogue {
    }

    /** Packed bits of {@code lower[co] <= acc <= upper[co]} on float accumulations. */
    record FloatBits(float[] lower, float[] upper, long[] y, int off) implements PackedEpilogue {
    }
}
