package org.bitspike.tensor.kernel;

/**
 * Every tuning constant of the kernels, in one place, with the reasoning. Constants, not settings:
 * changing one is a code change reviewed with benchmark numbers.
 */
public final class Tuning {
    private Tuning() {
    }

    /**
     * Rows of C per task in the scalar GEMM. Small enough to balance two threads on the im2col
     * shapes (M = 32), large enough that the per-task overhead (a few microseconds) is noise.
     */
    public static final int SCALAR_GEMM_ROWS_PER_TASK = 8;

    /** Elements of B materialised at once when the scalar GEMM reads a {@code FloatMatrixSource} (4 MB). */
    public static final int SCALAR_SOURCE_BLOCK_ELEMENTS = 1 << 20;
}
