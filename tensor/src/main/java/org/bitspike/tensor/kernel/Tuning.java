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

    /**
     * Rows per task of bit packing and unpacking. A row is at most a few hundred bytes of bits, so
     * this keeps each task at tens of microseconds on typical activations (rows = N * H * W).
     */
    public static final int BIT_PACK_ROWS_PER_TASK = 256;

    /** Rows of C per task in the scalar (oracle) XNOR/AND GEMM; same reasoning as the float one. */
    public static final int SCALAR_BIT_GEMM_ROWS_PER_TASK = 8;

    /**
     * Rows of C per task in the fast XNOR/AND GEMMs. With {@link #BIT_GEMM_COLS_PER_TASK} this makes
     * a 64 x 64 block of C per task: at K = 1024 that is 64 K word pairs, tens of microseconds of
     * work, so a 1024 x 1024 product has 256 tasks to balance over the threads, and the A rows of
     * the block (64 * K / 8 bytes) stay in L1/L2 while the B panels stream past them.
     */
    public static final int BIT_GEMM_ROWS_PER_TASK = 64;

    /**
     * Columns of C per task in the fast XNOR/AND GEMMs. Must be a multiple of the vector kernel's
     * panel width (2 x long lanes: 16 at 512 bits) and of the plain-Java kernel's 8-column panels.
     */
    public static final int BIT_GEMM_COLS_PER_TASK = 64;
}
