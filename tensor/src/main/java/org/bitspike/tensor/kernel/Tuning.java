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
    // Measured on AMD EPYC (Zen 4, AVX-512 preferred species of 16 floats; 32 KB L1d and 1 MB L2
    // per core, 32 MB shared L3), 1 and 2 threads, against NumPy/OpenBLAS in the same run. The
    // micro-tile (4 rows x 4 vectors = 4 x 64 floats with 16 lanes) is fixed by the kernel code.
    // None of these changes a result's dependence on the thread count: all of them are fixed.

    /**
     * Depth of a GEMM depth block: the k extent of a packed micro-panel and sliver. A compute
     * task's working set per block, A 128 x 256 + B 256 x 256 + C 128 x 256 floats = 448 KB, stays
     * in L2; 128 was 5-10% slower (C tile loaded and stored twice as often), 512 no faster at
     * n = 1024 and 2048 with twice the working set.
     */
    public static final int VECTOR_GEMM_KC = 256;

    /** Rows of C per compute task at most (a multiple of the 4-row micro-tile). */
    public static final int VECTOR_GEMM_TILE_ROWS = 128;

    /** Columns of C per compute task at most (rounded up to a multiple of the micro-tile width). */
    public static final int VECTOR_GEMM_TILE_COLS = 256;

    /**
     * Tiles are halved (the larger side first) until a pass has at least this many compute tasks,
     * so two threads claiming tasks dynamically finish within one small task of each other (the dW
     * shape 64 x 32768 x 576 would otherwise have 3 tasks).
     */
    public static final int VECTOR_GEMM_MIN_TASKS = 8;

    /** Rows of C per pass at least (if m has them); more when they fit, as for the columns. */
    public static final int VECTOR_GEMM_PASS_ROWS = 4096;

    /**
     * Columns of C per pass at least (if n has them); a pass takes more when one depth block of that
     * many columns still fits {@link #VECTOR_GEMM_PACK_FLOATS}. A fixed 4096 cut the shallow
     * 32 x 9 x 50176 convolution into 13 passes of 2 MFLOP each, whose barriers made two threads
     * slower than one (35 vs 68 GFLOP/s); budget-sized passes run it in one (about 105 on two).
     */
    public static final int VECTOR_GEMM_PASS_COLS = 4096;

    /**
     * Floats of packed A and B per pass at most: 16 MB, half the shared L3 (the calling thread keeps
     * two such buffers, one packing while the other is used). n = 1024 packs in one pass; a huge k
     * (the dW GEMM, k = 32768) takes a few passes rather than one barrier per depth block.
     */
    public static final int VECTOR_GEMM_PACK_FLOATS = 1 << 22;

    /**
     * Columns of B per packing task at most, so each row of B is read in runs of 4 KB: packing the
     * dW shape's B tile by tile (256-byte pieces of rows 2.3 KB apart) was memory-latency bound and
     * took as long as the multiply itself (50 vs 61 GFLOP/s on one thread).
     */
    public static final int VECTOR_GEMM_PACK_COLS = 1024;

    /** Floats per copy from a {@code FloatMatrixSource} into the staging buffer (128 KB, in L2). */
    public static final int VECTOR_GEMM_STAGE_FLOATS = 1 << 15;

    /**
     * Products of fewer floating-point operations than this (about 200^3 * 2) run on the calling
     * thread alone: waking a worker twice per pass cost more than it saved (128^3: 92 GFLOP/s
     * inline vs 60 on two threads; 256^3: 94 inline vs 121).
     */
    public static final long VECTOR_GEMM_INLINE_FLOPS = 1L << 24;
}
