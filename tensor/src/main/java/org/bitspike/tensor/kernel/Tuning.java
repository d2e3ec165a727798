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

    // ---- Vector API FLOAT32 GEMM (org.bitspike.tensor.kernel.vector.VectorGemm) ----
    // Measured on AMD EPYC (Zen 4, AVX-512, 32 KB L1d and 1 MB L2 per core, 32 MB shared L3),
    // 2 threads; the micro-tile itself (4 rows x 4 vectors of 16 lanes) is fixed by the kernel code.

    /** Depth of a GEMM depth block (the k extent of a packed micro-panel and sliver). */
    public static final int VECTOR_GEMM_KC = 256;

    /** Rows of C per compute task at most (a multiple of the 4-row micro-tile). */
    public static final int VECTOR_GEMM_TILE_ROWS = 128;

    /** Columns of C per compute task at most (rounded up to a multiple of the micro-tile width). */
    public static final int VECTOR_GEMM_TILE_COLS = 256;

    /** Tiles are halved until a pass has at least this many compute tasks, to balance the threads. */
    public static final int VECTOR_GEMM_MIN_TASKS = 8;

    /** Rows of C per pass at most. */
    public static final int VECTOR_GEMM_PASS_ROWS = 4096;

    /** Columns of C per pass at most. */
    public static final int VECTOR_GEMM_PASS_COLS = 4096;

    /** Floats of packed A and B per pass at most (16 MB, within the shared L3); bounds the buffer too. */
    public static final int VECTOR_GEMM_PACK_FLOATS = 1 << 22;

    /** Columns of B packed per packing task at most, so each row of B is read in runs of 4 KB. */
    public static final int VECTOR_GEMM_PACK_COLS = 1024;

    /** Floats per copy from a {@code FloatMatrixSource} into the staging buffer (128 KB, in L2). */
    public static final int VECTOR_GEMM_STAGE_FLOATS = 1 << 15;

    /** Products of fewer floating-point operations than this run on the calling thread alone. */
    public static final long VECTOR_GEMM_INLINE_FLOPS = 1L << 22;
}
