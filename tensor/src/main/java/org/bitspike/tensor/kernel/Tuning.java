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

    // ---- convolution and pooling (GemmConvKernels, ScalarPool) ----

    /**
     * Fewest tasks a convolution pass aims for. When {@code groups * images} is smaller, each
     * image's output rows are split into chunks (never below {@link #CONV_MIN_CHUNK_COLUMNS}). 16
     * keeps up to 8 threads busy with slack for imbalance; the split depends only on the geometry.
     */
    public static final int CONV_MIN_TASKS = 16;

    /** Fewest output pixels (GEMM columns) in one task's chunk, so each GEMM call keeps a wide N. */
    public static final int CONV_MIN_CHUNK_COLUMNS = 256;

    /**
     * Output planes smaller than this many pixels are batched, several images per GEMM, up to this
     * width (while at least {@link #CONV_MIN_TASKS} tasks remain): a 14x14 plane alone is a GEMM
     * with N = 196, much of it edge tiles. Forward 64x32x14x14 -> 64, 2 threads, blocked VectorGemm:
     * 1 image per GEMM 4.7 ms, 3 images 4.0 ms, 4 images 3.8 ms, 6 images 3.7 ms.
     */
    public static final int CONV_GEMM_MIN_COLUMNS = 1024;

    /**
     * Most partial weight gradients summed per group: dw splits the (image, pixel) reduction into
     * this many fixed ranges, each a task with its own {@code cout/groups x patch} buffer, added in
     * range order afterwards (bit-identical for any thread count). 8 costs 7 extra weight-sized
     * buffers (4 MB for 128x128x3x3) and lets up to 8 threads share one group.
     */
    public static final int CONV_WEIGHT_GRAD_SPLITS = 8;

    /**
     * Fewest input channels per group for the unit-stride input gradient to run as a transposed
     * convolution (a GEMM with M = cin/groups); below, blockwise col2im (M = cin/groups * kH * kW)
     * wins. Measured with the blocked VectorGemm, 2 threads: 64x1x28x28 (M = 1) col2im 1.8 ms vs
     * 9.8 ms; 64x32x14x14 (M = 32) transposed 12 ms vs 19 ms; 32x64x32x32 20 ms vs 46 ms.
     */
    public static final int CONV_TRANSPOSED_MIN_CHANNELS = 8;

    /** Fewest (image, pixel) columns in one weight-gradient range. */
    public static final int CONV_WEIGHT_GRAD_MIN_COLUMNS = 1024;

    /** Weight-gradient elements per task when the partial gradients are summed (a fixed split). */
    public static final int CONV_REDUCE_SLICE = 1 << 14;

    /** Floats of the column-gradient block of the strided input gradient (col2im), 256 KB: fits L2. */
    public static final int CONV_COL2IM_BLOCK_ELEMENTS = 1 << 16;

    /** Input elements per pooling task (whole planes): large enough that task overhead is noise. */
    public static final int POOL_TASK_ELEMENTS = 1 << 14;

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

    // ---- elementwise ops and reductions (ElementwiseKernels, ReductionKernels) ----

    /**
     * Partial sums per output of a floating sum, mean or var: value {@code j} of an output (its
     * row-major position among the reduced elements) goes to partial {@code j mod SUM_LANES}, and the
     * partials are combined pairwise. Unlike the other constants this one fixes the rounding of
     * results, so it is part of the reduction's definition; every implementation follows it, which
     * is what makes them bit-identical. 16 doubles are four 256-bit or two 512-bit accumulators: a
     * row sums at 10+ G elements/s, where one accumulator chain (4 doubles, 4-cycle add latency)
     * would stall at about 3. Error bound of a FLOAT32 sum of r values in double: each partial adds
     * about r / 16 of them, so |error| <= (r / 16 + 4) 2^-53 sum|x| before the final rounding to
     * float (half an ulp), i.e. the result is the correctly rounded sum for any r a tensor can hold
     * unless cancellation makes it tiny against sum|x|.
     */
    public static final int SUM_LANES = 16;

    /**
     * Floating reductions over at least this many elements are split into tasks (over a kept
     * dimension, each task owning whole outputs); smaller ones run on the calling thread, where
     * waking a worker would cost more than it saves. A dense pass reads 5-10 G elements/s, so this is
     * 25-50 us of work.
     */
    public static final int REDUCTION_PARALLEL_ELEMENTS = 1 << 18;

    /** Elements per reduction task at least (so a 2-thread split of a BatchNorm input has 24 tasks). */
    public static final int REDUCTION_TASK_ELEMENTS = 1 << 16;

    /**
     * Elementwise ops over at least this many elements are split over the pool; smaller ones run on
     * the calling thread. Waking a worker costs a few microseconds, and a dense FLOAT32 binary op
     * does 256 K elements in about 50 us on one thread (reads in L2/L3).
     */
    public static final int ELEMENTWISE_PARALLEL_ELEMENTS = 1 << 18;

    /** Elements per elementwise task (so a [64, 32, 28, 28] op has 25 tasks). */
    public static final int ELEMENTWISE_TASK_ELEMENTS = 1 << 16;

    // ---- adder convolution (AdderKernels) ----

    /**
     * Most ranges the adder weight gradient's (image, pixel) reduction is cut into, each a task with
     * its own {@code cout x K} partial, added in range order. Fixes the rounding of dw (part of
     * {@link AdderKernels}' definition), so it is not a free tuning knob: changing it changes bits.
     * 8 lets up to 8 threads share the pass and costs 7 extra weight-sized buffers.
     */
    public static final int ADDER_WEIGHT_GRAD_SPLITS = 8;

    /** Fewest (image, pixel) positions per adder weight-gradient range (also part of the definition). */
    public static final int ADDER_WEIGHT_GRAD_MIN_COLUMNS = 512;

    /**
     * Floats of one im2col panel of the Vector API adder kernels (a task's slice of the input, in the
     * layout its kernel streams): 2^15 = 128 KB, so the panel and the tile's other operands stay in L2
     * while the tiles sweep them once per block of outputs.
     */
    public static final int ADDER_PANEL_FLOATS = 1 << 15;

    /**
     * Tasks of the adder forward and input-gradient passes: their work units (image x slice of
     * positions, image x block of channels) are split until there are this many, then cut into this
     * many contiguous ranges, each task allocating its panels once. 16 keeps two threads within one
     * small task of each other; the split changes no result (every output is one unit's).
     */
    public static final int ADDER_MIN_TASKS = 16;

    // ---- packed inference kernels (PackedKernels) ----

    /**
     * Output pixels per task of the fast XNOR convolution (a multiple of its 4-pixel register tile).
     * The plain-Java (JDK 17) micro-kernel vectorises its loop over a task's pixels, and at 64 or 128
     * the scalar pre- and post-loops and array alignment cost up to 2x (IntLaneXnor's NOTE); 256 ran
     * the bench L2 shape's word pairs at 8.5 G/s on one thread, 512 no faster. L2 (8192 output pixels)
     * then has 32 tasks, enough for two threads; the Vector API kernel is indifferent to the size.
     */
    public static final int XNOR_CONV_PIXELS_PER_TASK = 256;

    // ---- spike-event convolution (PackedKernels.spikeConv2d, vector provider) ----

    /**
     * Spike density (set input bits over {@code cin * h * w}, per image) from which the Vector API
     * spike convolution runs the branch-free dense form instead of the event walk. Below it the event
     * form does less work; above it its per-spike cost (a weight row from L2, a list entry) exceeds
     * the dense form's per-(tap, channel) cost (one load shared by 4 pixels, an AND and an add per
     * pixel). Measured on JDK 17, one thread, CPU ms per call (medians of 9-15 calls; the machine was
     * shared with a training run, so single values moved by 10-15% between sweeps), event vs dense:
     * <pre>
     *   N=32, 128 -> 128, 16x16: 20% 14.0 vs 26.5, 30% 19.0 vs 26.1, 40% 25.9 vs 28.9, 50% 32.2 vs 29.6
     *                  (second sweep: 30% 19.0 vs 27.2, 40% 26.7 vs 23.5, 50% 30.6 vs 23.0)
     *   N=32, 128 -> 64,  16x16: 25% 13.3 vs 14.0, 30% 15.0 vs 13.3, 40% 18.7 vs 13.4
     *   N=32, 128 -> 32,  16x16: 30% 10.6 vs 12.9, 40% 12.8 vs 14.8, 50% 17.4 vs 14.3
     *   N=64, 32 -> 64,   14x14: 25% 6.3 vs 7.2,   30% 7.0 vs 6.5,   40% 7.5 vs 6.2
     *   N=64, 32 -> 16,   14x14: 20% 3.7 vs 4.0,   25% 4.0 vs 4.1,   30% 4.2 vs 4.0, 40% 5.4 vs 4.1
     * </pre>
     * The crossovers fall between 0.25 and 0.45 with no clear pattern beyond the noise; 0.25, the
     * lowest, keeps the choice within 1.1x of the dense form everywhere measured. Erring low only
     * costs speed against the event form (up to ~1.4x at 128 -> 128 between 25% and 40%); erring
     * high could make the choice slower than the dense form.
     */
    public static final double SPIKE_CONV_DENSE_DENSITY = 0.25;

    /**
     * Tasks of the Vector API spike convolution: its output rows {@code (image, oh)} are cut into this
     * many contiguous ranges (fewer if there are fewer rows), each allocating its scratch once.
     */
    public static final int SPIKE_CONV_TASKS = 16;
}
