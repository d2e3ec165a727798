package org.bitspike.tensor.kernel;

/**
 * The two forms of a fast {@link PackedKernels#spikeConv2d}, exposed so that tests and benchmarks
 * can run each one alone: the event form walks the set bits of the input and adds one weight row
 * per spike; the dense form runs the same sums branch-free for every (tap, input channel), adding
 * {@code +0f} where nothing fired. Both give the bits {@link PackedKernels#spikeConv2d} defines,
 * so which one runs never changes a result, only the time. A {@link PackedKernels} that has both
 * forms implements this interface too ({@code instanceof}); the scalar oracle has only the event
 * form and does not.
 */
public interface SpikeConvPaths {

    /** Which form runs. */
    enum Path {
        /** The form chosen by the input's spike density (the one {@link PackedKernels#spikeConv2d} runs). */
        ADAPTIVE,
        /** The event walk for every image. */
        EVENT,
        /** The branch-free dense sums for every image. */
        DENSE
    }

    /** {@link PackedKernels#spikeConv2d} in the given form; same arguments, same result. */
    void spikeConv2d(Conv2dGeometry g, long[] x, int xOff, float[] w, int wOff, PackedEpilogue epilogue,
                     Parallel parallel, Path path);
}
