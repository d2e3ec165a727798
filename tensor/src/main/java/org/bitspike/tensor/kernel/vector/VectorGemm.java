package org.bitspike.tensor.kernel.vector;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;
import org.bitspike.tensor.kernel.FloatMatrixSource;
import org.bitspike.tensor.kernel.Gemm;
import org.bitspike.tensor.kernel.KernelProvider;
import org.bitspike.tensor.kernel.Parallel;
import org.bitspike.tensor.kernel.Tuning;

/**
 * Cache-blocked FLOAT32 GEMM on packed panels with a register-tiled Vector API inner kernel
 * ({@link SgemmMicroKernel}). FLOAT64 delegates to the scalar oracle.
 *
 * <h2>Blocking</h2>
 * The depth {@code k} is cut into blocks of at most {@link Tuning#VECTOR_GEMM_KC} (all of equal
 * size but the last). The work is done in <em>passes</em>: a pass covers up to
 * {@link Tuning#VECTOR_GEMM_PASS_ROWS} rows and {@link Tuning#VECTOR_GEMM_PASS_COLS} columns of C and
 * as many consecutive depth blocks as fit the packing budget {@link Tuning#VECTOR_GEMM_PACK_FLOATS}.
 * A pass has two kinds of parallel tasks:
 * <ol>
 *   <li>pack, into a buffer shared by all tasks: for each depth block, A's rows in {@code MR}-row
 *       micro-panels (one task per row tile) and B's columns in {@code nr}-column slivers (one task
 *       per chunk of {@link Tuning#VECTOR_GEMM_PACK_COLS} columns, so rows of B are read in long
 *       runs);</li>
 *   <li>compute: one task per tile of C ({@code tileRows x tileCols}, fixed by the shape), which
 *       for each depth block in order runs the micro-kernel over its slivers and micro-panels.</li>
 * </ol>
 * Two buffers alternate: while pass {@code t} computes, pass {@code t + 1} packs, in one
 * {@link Parallel#forEach} (one barrier per pass; the memory-bound packing runs beside the
 * FMA-bound compute). A tile's A block, B block and C tile stay in a core's L2 cache; the packed
 * pass sits in the shared L3. Each operand element is packed once per pass.
 *
 * <h2>Determinism</h2>
 * Block sizes, passes and tiles depend only on {@code (m, n, k)}, never on the thread count, and
 * every {@code C[i, j]} is produced by one chain of FMAs in ascending {@code p} (a depth block
 * continues from the value the previous block stored). So results are bit-identical for any
 * {@link Parallel}, and the {@link FloatMatrixSource} overload is bit-identical to the array one
 * (both pack the same values into the same layout).
 *
 * <h2>Edges</h2>
 * Partial micro-panels and slivers are zero-padded when packed; the micro-kernel then runs on a
 * private {@code MR x nr} scratch tile and only the valid part is copied to C.
 *
 * <h2>Threads</h2>
 * Concurrent calls from different threads are safe (each caller has its own buffers). A
 * {@link FloatMatrixSource} must not itself call this GEMM from {@code copyBlock}.
 */
final class VectorGemm implements Gemm {
    private static final int MR = SgemmMicroKernel.MR;

    /** Vectors per micro-tile row (1, 2 or 4); narrower tiles are used when C is narrower. */
    private final int maxNv;
    private final Blocking blocking;
    private final Gemm oracle = KernelProvider.scalar().gemm();
    /**
     * Per-thread buffers: the calling thread's two packed-pass buffers, a worker's staging block for
     * {@link FloatMatrixSource} packing and its edge scratch tile. Kept between calls so a GEMM does
     * not allocate (and zero) megabytes each time; a packed buffer holds at most
     * {@link Tuning#VECTOR_GEMM_PACK_FLOATS} floats, or one depth block if that is larger.
     */
    private final ThreadLocal<Workspace> workspaces;

    VectorGemm() {
        this(SgemmMicroKernel.preferredVectorsPerRow(), Blocking.TUNED);
    }

    /**
     * A GEMM with at most {@code maxNv} vectors per micro-tile row and the given blocking;
     * package-private so tests can cover every tile and force tiny blocks through every pass and
     * edge path.
     */
    VectorGemm(int maxNv, Blocking blocking) {
        if (maxNv != 1 && maxNv != 2 && maxNv != 4) {
            throw new IllegalArgumentException("VectorGemm: vectors per tile row must be 1, 2 or 4, got " + maxNv);
        }
        this.maxNv = maxNv;
        this.blocking = blocking;
        this.workspaces = ThreadLocal.withInitial(() -> new Workspace(MR * maxNv * SgemmMicroKernel.L));
    }

    @Override
    public void sgemm(int m, int n, int k, float[] a, int aOff, int aRs, int aCs,
                      float[] b, int bOff, int bRs, int bCs,
                      float[] c, int cOff, int ldc, boolean accumulate, Parallel parallel) {
        multiply(m, n, k, a, aOff, aRs, aCs, new ArrayB(b, bOff, bRs, bCs), c, cOff, ldc, accumulate, parallel);
    }

    @Override
    public void sgemm(int m, int n, int k, float[] a, int aOff, int aRs, int aCs,
                      FloatMatrixSource b, float[] c, int cOff, int ldc, boolean accumulate, Parallel parallel) {
        assert b.rows() >= k && b.cols() >= n : "source " + b.rows() + "x" + b.cols() + " for k=" + k + ", n=" + n;
        multiply(m, n, k, a, aOff, aRs, aCs, new SourceB(b, blocking.stageFloats), c, cOff, ldc, accumulate, parallel);
    }

    @Override
    public void dgemm(int m, int n, int k, double[] a, int aOff, int aRs, int aCs,
                      double[] b, int bOff, int bRs, int bCs,
                      double[] c, int cOff, int ldc, boolean accumulate, Parallel parallel) {
        oracle.dgemm(m, n, k, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, ldc, accumulate, parallel);
    }

    private void multiply(int m, int n, int k, float[] a, int aOff, int aRs, int aCs, PanelB b,
                          float[] c, int cOff, int ldc, boolean accumulate, Parallel parallel) {
        assert m >= 0 && n >= 0 && k >= 0 : m + "x" + k + "x" + n;
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            if (!accumulate) {
                for (int i = 0; i < m; i++) {
                    Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
                }
            }
            return;
        }
        Plan plan = Plan.of(m, n, k, maxNv, blocking);
        // NOTE: small products run on the calling thread: waking workers costs tens of microseconds.
        // The task split is the same either way, so this does not change any result.
        boolean inline = 2.0 * m * n * k < blocking.inlineFlops;
        Workspace caller = workspaces.get();
        List<Pass> passes = new ArrayList<>();
        for (int i0 = 0; i0 < m; i0 += plan.passRows) {
            for (int j0 = 0; j0 < n; j0 += plan.passCols) {
                for (int q0 = 0; q0 < plan.kBlocks; q0 += plan.blocksPerPass) {
                    passes.add(new Pass(plan, i0, Math.min(plan.passRows, m - i0), j0, Math.min(plan.passCols, n - j0),
                            q0, Math.min(plan.kBlocks, q0 + plan.blocksPerPass), k,
                            a, aOff, aRs, aCs, b, c, cOff, ldc, accumulate, caller.packed(passes.size() % 2)));
                }
            }
        }
        // Pass t computes while pass t + 1 packs into the other buffer: one barrier per pass, and the
        // memory-bound packing overlaps the FMA-bound compute. Tasks alternate compute and pack so the
        // two kinds run side by side.
        Pass first = passes.get(0);
        run(parallel, inline, first.packTasks(), first::pack);
        for (int t = 0; t < passes.size(); t++) {
            Pass current = passes.get(t);
            Pass next = t + 1 < passes.size() ? passes.get(t + 1) : null;
            int computes = current.computeTasks();
            int packs = next == null ? 0 : next.packTasks();
            int paired = Math.min(computes, packs);
            run(parallel, inline, computes + packs, task -> {
                if (task < 2 * paired) {
                    if (task % 2 == 0) {
                        current.compute(task / 2);
                    } else {
                        next.pack(task / 2);
                    }
                } else if (computes > paired) {
                    current.compute(task - paired);
                } else {
                    next.pack(task - paired);
                }
            });
        }
    }

    private static void run(Parallel parallel, boolean inline, int tasks, IntConsumer body) {
        if (inline) {
            for (int t = 0; t < tasks; t++) {
                body.accept(t);
            }
        } else {
            parallel.forEach(tasks, body);
        }
    }

    /**
     * Block sizes; {@link #TUNED} holds the constants of {@link Tuning}, documented there.
     *
     * @param kc depth block
     * @param tileRows rows of C per compute task at most
     * @param tileCols columns of C per compute task at most
     * @param minTasks tiles are halved until a pass has this many
     * @param passRows rows of C per pass at most, unless more fit {@code packFloats}
     * @param passCols columns of C per pass at most, unless more fit {@code packFloats}
     * @param packFloats packed floats per pass at most (at least one depth block is always packed)
     * @param packCols columns of B per packing task at most
     * @param stageFloats floats per {@link FloatMatrixSource#copyBlock} call (at least one row)
     * @param inlineFlops products smaller than this run on the calling thread
     */
    record Blocking(int kc, int tileRows, int tileCols, int minTasks, int passRows, int passCols,
                    long packFloats, int packCols, int stageFloats, long inlineFlops) {
        static final Blocking TUNED = new Blocking(Tuning.VECTOR_GEMM_KC, Tuning.VECTOR_GEMM_TILE_ROWS,
                Tuning.VECTOR_GEMM_TILE_COLS, Tuning.VECTOR_GEMM_MIN_TASKS, Tuning.VECTOR_GEMM_PASS_ROWS,
                Tuning.VECTOR_GEMM_PASS_COLS, Tuning.VECTOR_GEMM_PACK_FLOATS, Tuning.VECTOR_GEMM_PACK_COLS,
                Tuning.VECTOR_GEMM_STAGE_FLOATS, Tuning.VECTOR_GEMM_INLINE_FLOPS);

        Blocking {
            if (kc < 1 || tileRows < 1 || tileCols < 1 || minTasks < 1 || passRows < 1 || passCols < 1
                    || packCols < 1 || stageFloats < 1) {
                throw new IllegalArgumentException("VectorGemm: block sizes must be positive: " + this);
            }
        }
    }

    /**
     * The blocking of one product; a function of {@code (m, n, k)}, the widest tile and the
     * {@link Blocking} only.
     *
     * @param nv vectors per micro-tile row: the fewest (of 1, 2, 4 up to the widest) that cover n,
     *     so that a narrow C (a classifier's 10 outputs) is not padded to a 64-wide tile
     * @param nr columns per micro-tile and B sliver, {@code nv * L}
     * @param kc depth of a block (the last may be shorter)
     * @param kBlocks number of depth blocks
     * @param passRows rows of C per pass, a multiple of MR unless it is all of m
     * @param passCols columns of C per pass, a multiple of nr unless it is all of n
     * @param blocksPerPass depth blocks packed per pass
     * @param tileRows rows of C per compute task, a multiple of MR
     * @param tileCols columns of C per compute task, a multiple of nr
     * @param packCols columns of B per packing task, a multiple of nr
     */
    private record Plan(int nv, int nr, int kc, int kBlocks, int passRows, int passCols, int blocksPerPass,
                        int tileRows, int tileCols, int packCols) {
        static Plan of(int m, int n, int k, int maxNv, Blocking blocking) {
            int nv = maxNv;
            while (nv > 1 && nv / 2 * SgemmMicroKernel.L >= n) {
                nv /= 2;
            }
            int nr = nv * SgemmMicroKernel.L;
            int kBlocks = ceilDiv(k, blocking.kc);
            int kc = ceilDiv(k, kBlocks);
            // Rows and columns per pass: at least passRows x passCols, more while one depth block
            // still fits the budget, so a shallow product (k = 9) is one pass rather than a dozen
            // tiny ones, each with its barrier.
            long fit = blocking.packFloats / kc;
            int minRows = roundUp(blocking.passRows, MR);
            int minCols = roundUp(blocking.passCols, nr);
            int passRows = (int) Math.min(m, Math.max(minRows, (fit - Math.min(roundUp(n, nr), minCols)) / MR * MR));
            int passCols = (int) Math.min(n, Math.max(minCols, (fit - roundUp(passRows, MR)) / nr * nr));
            long perBlock = (long) (roundUp(passRows, MR) + roundUp(passCols, nr)) * kc;
            int blocksPerPass = (int) Math.max(1, Math.min(kBlocks, blocking.packFloats / perBlock));
            int tileRows = Math.min(roundUp(blocking.tileRows, MR), roundUp(passRows, MR));
            int tileCols = Math.min(roundUp(blocking.tileCols, nr), roundUp(passCols, nr));
            // Split tiles (the larger side first) until there are enough tasks to balance the threads.
            while ((long) ceilDiv(passRows, tileRows) * ceilDiv(passCols, tileCols) < blocking.minTasks) {
                if (tileRows >= tileCols && tileRows > MR) {
                    tileRows = roundUp(tileRows / 2, MR);
                } else if (tileCols > nr) {
                    tileCols = roundUp(tileCols / 2, nr);
                } else if (tileRows > MR) {
                    tileRows = roundUp(tileRows / 2, MR);
                } else {
                    break;
                }
            }
            int packCols = roundUp(blocking.packCols, nr);
            return new Plan(nv, nr, kc, kBlocks, passRows, passCols, blocksPerPass, tileRows, tileCols, packCols);
        }
    }

    /**
     * One pass: rows {@code [i0, i0 + mb)}, columns {@code [j0, j0 + nb)}, depth blocks
     * {@code [q0, q1)}. The packed buffer holds, for each depth block of depth {@code kq} starting
     * at {@code pq}, A's micro-panels at {@code (pq - p0) * mPad + i * kq} (row {@code i} a multiple
     * of MR) and B's slivers at {@code aSize + (pq - p0) * nPad + j * kq} (column {@code j} a
     * multiple of nr).
     */
    private final class Pass {
        private final Plan plan;
        private final int nv, nr;
        private final int i0, mb, j0, nb, q0, blocks, k, p0;
        private final int mPad, nPad, aSize;
        private final int rowTiles, colTiles, colChunks;
        private final float[] a;
        private final int aOff, aRs, aCs;
        private final PanelB b;
        private final float[] c;
        private final int cOff, ldc;
        private final boolean accumulate;
        private final float[] packed;

        Pass(Plan plan, int i0, int mb, int j0, int nb, int q0, int q1, int k,
             float[] a, int aOff, int aRs, int aCs, PanelB b, float[] c, int cOff, int ldc,
             boolean accumulate, Buffer buffer) {
            this.plan = plan;
            this.nv = plan.nv;
            this.nr = plan.nr;
            this.i0 = i0;
            this.mb = mb;
            this.j0 = j0;
            this.nb = nb;
            this.q0 = q0;
            this.blocks = q1 - q0;
            this.k = k;
            this.p0 = q0 * plan.kc;
            this.mPad = roundUp(mb, MR);
            this.nPad = roundUp(nb, nr);
            int depth = Math.min(k, q1 * plan.kc) - p0;
            this.aSize = mPad * depth;
            this.rowTiles = ceilDiv(mb, plan.tileRows);
            this.colTiles = ceilDiv(nb, plan.tileCols);
            this.colChunks = ceilDiv(nb, plan.packCols);
            this.a = a;
            this.aOff = aOff;
            this.aRs = aRs;
            this.aCs = aCs;
            this.b = b;
            this.c = c;
            this.cOff = cOff;
            this.ldc = ldc;
            this.accumulate = accumulate;
            this.packed = buffer.get(aSize + nPad * depth);
        }

        /**
         * One packing task per depth block and column chunk of B or row tile of A; the larger B
         * tasks come first, so the threads finish the phase together.
         */
        int packTasks() {
            return (colChunks + rowTiles) * blocks;
        }

        int computeTasks() {
            return rowTiles * colTiles;
        }

        /** Packing task {@code t}: depth block {@code q0 + t % blocks} of a column chunk of B or a row tile of A. */
        void pack(int t) {
            int q = q0 + t % blocks;
            int unit = t / blocks;
            int pq = q * plan.kc;
            int kq = Math.min(plan.kc, k - pq);
            if (unit < colChunks) {
                int c0 = unit * plan.packCols;
                int c1 = Math.min(nb, c0 + plan.packCols);
                b.pack(pq, kq, j0 + c0, c1 - c0, nr, packed, aSize + (pq - p0) * nPad + c0 * kq, workspaces);
            } else {
                int r0 = (unit - colChunks) * plan.tileRows;
                int r1 = Math.min(mb, r0 + plan.tileRows);
                int base = (pq - p0) * mPad;
                for (int i = r0; i < r1; i += MR) {
                    SgemmPacking.packA(Math.min(MR, r1 - i), kq, a, aOff + (i0 + i) * aRs + pq * aCs, aRs, aCs,
                            packed, base + i * kq);
                }
            }
        }

        /** Compute task {@code t}: the C tile at row tile {@code t / colTiles}, column tile {@code t % colTiles}. */
        void compute(int t) {
            int r0 = (t / colTiles) * plan.tileRows;
            int r1 = Math.min(mb, r0 + plan.tileRows);
            int c0 = (t % colTiles) * plan.tileCols;
            int c1 = Math.min(nb, c0 + plan.tileCols);
            float[] edge = null;
            for (int q = q0; q < q0 + blocks; q++) {
                int pq = q * plan.kc;
                int kq = Math.min(plan.kc, k - pq);
                int aBase = (pq - p0) * mPad;
                int bBase = aSize + (pq - p0) * nPad;
                boolean load = accumulate || q > 0;
                for (int j = c0; j < c1; j += nr) {
                    int cols = Math.min(nr, c1 - j);
                    int bo = bBase + j * kq;
                    for (int i = r0; i < r1; i += MR) {
                        int rows = Math.min(MR, r1 - i);
                        int ao = aBase + i * kq;
                        int co = cOff + (i0 + i) * ldc + j0 + j;
                        if (rows == MR && cols == nr) {
                            SgemmMicroKernel.tile(nv, kq, packed, ao, packed, bo, c, co, ldc, load);
                        } else {
                            if (edge == null) {
                                edge = workspaces.get().edge;
                            }
                            edgeTile(rows, cols, kq, ao, bo, co, load, edge);
                        }
                    }
                }
            }
        }

        /** A partial tile: runs the kernel on the scratch tile {@code edge} and copies the valid part. */
        private void edgeTile(int rows, int cols, int kq, int ao, int bo, int co, boolean load, float[] edge) {
            if (load) {
                for (int i = 0; i < rows; i++) {
                    System.arraycopy(c, co + i * ldc, edge, i * nr, cols);
                }
            }
            SgemmMicroKernel.tile(nv, kq, packed, ao, packed, bo, edge, 0, nr, load);
            for (int i = 0; i < rows; i++) {
                System.arraycopy(edge, i * nr, c, co + i * ldc, cols);
            }
        }
    }

    /** The B operand as the packer sees it. */
    private interface PanelB {
        /**
         * Packs {@code B[p, j]} for {@code pq <= p < pq + kq}, {@code j0 <= j < j0 + width} into
         * {@code ceil(width / nr)} consecutive slivers of {@code kq * nr} floats at {@code dst[dOff]}.
         */
        void pack(int pq, int kq, int j0, int width, int nr, float[] dst, int dOff, ThreadLocal<Workspace> workspaces);
    }

    /** A strided array, packed directly. */
    private record ArrayB(float[] b, int bOff, int bRs, int bCs) implements PanelB {
        @Override
        public void pack(int pq, int kq, int j0, int width, int nr, float[] dst, int dOff,
                         ThreadLocal<Workspace> workspaces) {
            SgemmPacking.packB(kq, width, nr, b, bOff + pq * bRs + j0 * bCs, bRs, bCs, dst, dOff, kq * nr);
        }
    }

    /**
     * A {@link FloatMatrixSource}: written straight into the slivers when the source can
     * ({@link FloatMatrixSource#copyPacked}, one call for the whole block: an im2col source then
     * skips a copy of every element). Otherwise rows of the block are copied, as many at a time as
     * fit {@code stageFloats}, into a per-thread staging buffer, then cut into slivers.
     *
     * <p>NOTE: wide calls rather than one call per sliver: for im2col sources each row of a call is
     * then one long run of the input image, while sliver-sized calls (measured by an earlier
     * prototype on the 64x576x32768 convolution) thrashed the cache, 27 vs 59 GFLOP/s.
     */
    private record SourceB(FloatMatrixSource source, int stageFloats) implements PanelB {
        @Override
        public void pack(int pq, int kq, int j0, int width, int nr, float[] dst, int dOff,
                         ThreadLocal<Workspace> workspaces) {
            if (source.copyPacked(pq, kq, j0, width, nr, dst, dOff, kq * nr)) {
                return;
            }
            boolean columnMajor = source.prefersColumnMajor();
            int rowsPerCopy = Math.max(1, Math.min(kq, stageFloats / width));
            float[] stage = workspaces.get().stage(rowsPerCopy * width);
            for (int p = 0; p < kq; p += rowsPerCopy) {
                int rows = Math.min(rowsPerCopy, kq - p);
                if (columnMajor) {
                    // NOTE: e.g. the transposed im2col of the weight gradient: staged column by
                    // column (contiguous runs of the image), then transposed by the column packer.
                    source.copyBlock(pq + p, rows, j0, width, stage, 0, 1, rows);
                    SgemmPacking.packB(rows, width, nr, stage, 0, 1, rows, dst, dOff + p * nr, kq * nr);
                } else {
                    source.copyBlock(pq + p, rows, j0, width, stage, 0, width, 1);
                    SgemmPacking.packB(rows, width, nr, stage, 0, width, 1, dst, dOff + p * nr, kq * nr);
                }
            }
        }
    }

    /** Buffers owned by one thread; see {@link VectorGemm#workspaces}. */
    private static final class Workspace {
        final float[] edge;
        private final Buffer[] packed = {new Buffer(), new Buffer()};
        private float[] stage = new float[0];

        Workspace(int edgeSize) {
            this.edge = new float[edgeSize];
        }

        /** One of the two packed-pass buffers, which alternate between consecutive passes. */
        Buffer packed(int which) {
            return packed[which];
        }

        float[] stage(int size) {
            if (stage.length < size) {
                stage = new float[size];
            }
            return stage;
        }
    }

    /** A growable float buffer. */
    private static final class Buffer {
        private float[] data = new float[0];

        float[] get(int size) {
            if (data.length < size) {
                data = new float[size];
            }
            return data;
        }
    }

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }

    private static int roundUp(int x, int multiple) {
        return ceilDiv(x, multiple) * multiple;
    }
}
