package org.bitspike.tensor.kernel;

import java.util.Arrays;

/**
 * FLOAT32 convolution as GEMM over an im2col matrix that is never materialised: an {@link
 * Im2colSource} hands GEMM the blocks it packs. Built on any {@link Gemm}, so it is as fast as the
 * provider's {@code sgemm(..., FloatMatrixSource, ...)}. FLOAT64 and pooling use the scalar loops.
 *
 * <p>With {@code K = cin/groups * kH * kW} and {@code col_g(n)} the {@code K x outH*outW} im2col of
 * image n, channels of group g:
 * <ul>
 *   <li>forward: {@code y[n, g] = W_g [coutG x K] * col_g(n)}, one GEMM per (group, image, chunk of
 *       output rows), written straight into y (C offset per image, {@code ldc = outH * outW}); small
 *       planes batch several images into one GEMM and copy out ({@link Split}). The bias is one
 *       more reduction step (a bias column in A, a row of ones in the source).</li>
 *   <li>input gradient, unit stride and at least {@link Tuning#CONV_TRANSPOSED_MIN_CHANNELS} input
 *       channels per group: the transposed convolution is itself a convolution of dy with
 *       the flipped, channel-swapped weight and padding {@code dilation * (k - 1) - pad} (negative
 *       is a crop), so it runs through the same im2col GEMM, writing dx directly with no scatter.
 *       Other strides: {@code dcol = W_g^T * dy[n, g]} in blocks of columns, each scattered (col2im)
 *       into dx; one task owns one (image, group) region of dx.</li>
 *   <li>weight gradient: {@code dW_g = sum_n dy[n, g] * col_g(n)^T} (the source transposed); the
 *       (image, pixel) reduction is cut into at most {@link Tuning#CONV_WEIGHT_GRAD_SPLITS} fixed
 *       ranges, each a task with its own partial, summed in range order.</li>
 * </ul>
 * NOTE: a direct forward for short patches (shifted axpys over a zero-padded plane, no GEMM) was
 * tried for the 1-channel first layer and reverted: Java 17's C2 does not vectorise
 * {@code acc[q] += a * x[off + q]}, and it ran 3-10x slower than this GEMM. A Vector API version
 * would have to live in the vector package.
 *
 * <p>Every task calls GEMM with a one-thread {@link Parallel} (tasks are the parallelism; nested
 * {@code forEach} on one pool could deadlock), and the task split depends only on the geometry,
 * so results are bit-identical for any thread count.
 */
public final class GemmConvKernels implements ConvKernels {
    private static final Parallel SERIAL = Parallel.of(1);

    private final Gemm gemm;
    private final ConvKernels scalar = ScalarConvKernels.INSTANCE;

    /** Convolution on top of {@code gemm}, whose FLOAT32 source overload does the work. */
    public GemmConvKernels(Gemm gemm) {
        this.gemm = gemm;
    }

    /**
     * How one convolution-as-GEMM pass is cut into tasks, from the geometry alone: each task owns
     * {@code images} consecutive images and output rows {@code rows * chunk ..} of one group.
     * Small planes are batched ({@code images > 1}, one wider GEMM into a scratch block that is then
     * copied out); large ones with few (group, image) pairs are cut into row chunks.
     *
     * @param images images per task (the last task of a group may have fewer)
     * @param rows   output rows per task (all of them when {@code images > 1})
     */
    record Split(int images, int rows, int imageTasks, int rowTasks) {
        static Split of(int groups, int n, int outRows, int outCols) {
            int plane = outRows * outCols;
            int units = groups * n;
            if (plane < Tuning.CONV_GEMM_MIN_COLUMNS && units > Tuning.CONV_MIN_TASKS) {
                int batch = Math.min((Tuning.CONV_GEMM_MIN_COLUMNS + plane - 1) / plane, units / Tuning.CONV_MIN_TASKS);
                return new Split(batch, outRows, (n + batch - 1) / batch, 1);
            }
            int rows = outRows;
            if (units < Tuning.CONV_MIN_TASKS) {
                int want = (Tuning.CONV_MIN_TASKS + units - 1) / units;
                int minRows = (Tuning.CONV_MIN_CHUNK_COLUMNS + outCols - 1) / outCols;
                rows = Math.min(outRows, Math.max(minRows, (outRows + want - 1) / want));
            }
            return new Split(1, rows, n, (outRows + rows - 1) / rows);
        }

        int tasksPerGroup() {
            return imageTasks * rowTasks;
        }
    }

    /** The im2col source of images {@code n0 ..< n0 + count}, channels of group {@code grp}. */
    @FunctionalInterface
    private interface SourceOf {
        Im2colSource of(int n0, int count, int grp);
    }

    /**
     * {@code out[n, grp * m + i, :] = (bias) + A_grp[i, :] * source(n, grp)} for every image and
     * group, where {@code A_grp} is {@code m x k} row-major at {@code a[aOff + grp * m * k]} and out
     * has {@code channels} planes of {@code outRows x outCols} per image.
     */
    private void convolve(int groups, int n, int m, int k, float[] a, int aOff, SourceOf source,
                          float[] bias, int biasOff, float[] out, int outOff, int channels,
                          int outRows, int outCols, Split split, Parallel parallel) {
        // NOTE: the bias joins the GEMM as one more reduction step: A gets a column of biases and
        // the source a row of ones. That costs no pass over y (a memory-bound 1-channel layer spent
        // more time pre-filling y with the bias than multiplying), and the bias is added after the
        // products, as in the oracle.
        int depth = bias == null ? k : k + 1;
        float[] aa = a;
        int aaOff = aOff;
        if (bias != null) {
            aa = new float[groups * m * depth];
            aaOff = 0;
            for (int row = 0; row < groups * m; row++) {
                System.arraycopy(a, aOff + row * k, aa, row * depth, k);
                aa[row * depth + k] = bias[biasOff + row];
            }
        }
        float[] weights = aa;
        int weightsOff = aaOff;
        int plane = outRows * outCols;
        int perGroup = split.tasksPerGroup();
        parallel.forEach(groups * perGroup, t -> {
            int grp = t / perGroup, within = t % perGroup;
            int n0 = within / split.rowTasks() * split.images();
            int count = Math.min(split.images(), n - n0);
            int r0 = within % split.rowTasks() * split.rows();
            int p0 = r0 * outCols, cols = Math.min(outRows, r0 + split.rows()) * outCols - p0;
            int aBase = weightsOff + grp * m * depth;
            if (count == 1) {
                FloatMatrixSource col = withOnes(source.of(n0, 1, grp).columns(p0, cols), bias != null);
                gemm.sgemm(m, cols, depth, weights, aBase, depth, 1, col,
                        out, outOff + (n0 * channels + grp * m) * plane + p0, plane, false, SERIAL);
                return;
            }
            int width = count * plane;
            float[] scratch = new float[m * width];
            gemm.sgemm(m, width, depth, weights, aBase, depth, 1, withOnes(source.of(n0, count, grp), bias != null),
                    scratch, 0, width, false, SERIAL);
            for (int img = 0; img < count; img++) {
                for (int i = 0; i < m; i++) {
                    System.arraycopy(scratch, i * width + img * plane,
                            out, outOff + ((n0 + img) * channels + grp * m + i) * plane, plane);
                }
            }
        });
    }

    /** {@code source} with a row of ones appended when {@code ones}, else itself. */
    private static FloatMatrixSource withOnes(FloatMatrixSource source, boolean ones) {
        if (!ones) {
            return source;
        }
        int rows = source.rows();
        return new FloatMatrixSource() {
            @Override
            public int rows() {
                return rows + 1;
            }

            @Override
            public int cols() {
                return source.cols();
            }

            @Override
            public void copyBlock(int row0, int rowCount, int col0, int colCount,
                                  float[] dst, int dstOff, int dstRowStride, int dstColStride) {
                int inner = Math.min(row0 + rowCount, rows) - row0;
                if (inner > 0) {
                    source.copyBlock(row0, inner, col0, colCount, dst, dstOff, dstRowStride, dstColStride);
                }
                if (row0 + rowCount > rows) {
                    int d = dstOff + (rows - row0) * dstRowStride;
                    for (int c = 0; c < colCount; c++) {
                        dst[d + c * dstColStride] = 1f;
                    }
                }
            }
        };
    }

    @Override
    public void conv2d(Conv2dGeometry g, float[] x, int xOff, float[] w, int wOff, float[] bias, int biasOff,
                       float[] y, int yOff, Parallel parallel) {
        assert x.length >= xOff + g.inputSize() && w.length >= wOff + g.weightSize()
                && y.length >= yOff + g.outputSize() && (bias == null || bias.length >= biasOff + g.cout());
        conv2d(g, x, xOff, w, wOff, bias, biasOff, y, yOff, Split.of(g.groups(), g.n(), g.outH(), g.outW()), parallel);
    }

    /** Forward with a given task split (package-private so tests can force every split). */
    void conv2d(Conv2dGeometry g, float[] x, int xOff, float[] w, int wOff, float[] bias, int biasOff,
                float[] y, int yOff, Split split, Parallel parallel) {
        convolve(g.groups(), g.n(), g.coutPerGroup(), g.patchSize(), w, wOff,
                (n0, count, grp) -> Im2colSource.forward(g, x, xOff, n0, count, grp),
                bias, biasOff, y, yOff, g.cout(), g.outH(), g.outW(), split, parallel);
    }

    @Override
    public void conv2dBackwardInput(Conv2dGeometry g, float[] dy, int dyOff, float[] w, int wOff,
                                    float[] dx, int dxOff, Parallel parallel) {
        assert dy.length >= dyOff + g.outputSize() && w.length >= wOff + g.weightSize()
                && dx.length >= dxOff + g.inputSize();
        if (g.strideH() == 1 && g.strideW() == 1 && g.cinPerGroup() >= Tuning.CONV_TRANSPOSED_MIN_CHANNELS) {
            backwardInputTransposed(g, dy, dyOff, w, wOff, dx, dxOff, parallel);
        } else {
            backwardInputCol2im(g, dy, dyOff, w, wOff, dx, dxOff, parallel);
        }
    }

    /**
     * Unit stride: {@code dx[n, g] = Wf_g [cinG x coutG*kH*kW] * im2col(dy[n, g])} where
     * {@code Wf_g[ci, (co, a, b)] = w[g * coutG + co, ci, kH-1-a, kW-1-b]} and the im2col of dy has
     * padding {@code dilation * (k - 1) - pad}: tap (a, b) of input pixel (ih, iw) reads dy at
     * {@code ih + pad - (kH-1-a) * dilation}, exactly the outputs that tap (kH-1-a) of the forward
     * sends there.
     */
    void backwardInputTransposed(Conv2dGeometry g, float[] dy, int dyOff, float[] w, int wOff,
                                 float[] dx, int dxOff, Parallel parallel) {
        int h = g.h(), wd = g.w(), oh = g.outH(), ow = g.outW();
        int cinG = g.cinPerGroup(), coutG = g.coutPerGroup(), kh = g.kH(), kw = g.kW(), taps = kh * kw;
        int k2 = coutG * taps;
        float[] flipped = new float[g.cin() * k2];
        for (int co = 0; co < g.cout(); co++) {
            int grp = co / coutG;
            for (int ci = 0; ci < cinG; ci++) {
                int src = wOff + (co * cinG + ci) * taps;
                int dst = ((grp * cinG + ci) * coutG + co % coutG) * taps;
                for (int tap = 0; tap < taps; tap++) {
                    flipped[dst + taps - 1 - tap] = w[src + tap];
                }
            }
        }
        int padH = g.dilationH() * (kh - 1) - g.padH(), padW = g.dilationW() * (kw - 1) - g.padW();
        convolve(g.groups(), g.n(), cinG, k2, flipped, 0,
                (n0, count, grp) -> new Im2colSource(dy, dyOff + (n0 * g.cout() + grp * coutG) * oh * ow,
                        g.cout() * oh * ow, count, coutG, oh, ow, h, wd, kh, kw, 1, 1, padH, padW,
                        g.dilationH(), g.dilationW()),
                null, 0, dx, dxOff, g.cin(), h, wd, Split.of(g.groups(), g.n(), h, wd), parallel);
    }

    /** Any stride: blocks of {@code dcol = W_g^T * dy} scattered into dx; one task per (group, image). */
    void backwardInputCol2im(Conv2dGeometry g, float[] dy, int dyOff, float[] w, int wOff,
                             float[] dx, int dxOff, Parallel parallel) {
        int h = g.h(), wd = g.w(), plane = h * wd, oh = g.outH(), ow = g.outW(), outPlane = oh * ow;
        int cinG = g.cinPerGroup(), coutG = g.coutPerGroup(), k = g.patchSize(), kh = g.kH(), kw = g.kW();
        int block = Math.max(1, Math.min(outPlane, Tuning.CONV_COL2IM_BLOCK_ELEMENTS / k));
        int images = g.n();
        parallel.forEach(g.groups() * images, t -> {
            int grp = t / images, n = t % images;
            int dxBase = dxOff + (n * g.cin() + grp * cinG) * plane;
            Arrays.fill(dx, dxBase, dxBase + cinG * plane, 0f);
            float[] dcol = new float[k * block];
            for (int p0 = 0; p0 < outPlane; p0 += block) {
                int cols = Math.min(block, outPlane - p0);
                gemm.sgemm(k, cols, coutG, w, wOff + grp * coutG * k, 1, k,
                        dy, dyOff + (n * g.cout() + grp * coutG) * outPlane + p0, outPlane, 1,
                        dcol, 0, cols, false, SERIAL);
                for (int row = 0; row < k; row++) {
                    int c = row / (kh * kw), a = row / kw % kh, b = row % kw;
                    int hShift = a * g.dilationH() - g.padH(), wShift = b * g.dilationW() - g.padW();
                    int chan = dxBase + c * plane;
                    int src = row * cols;
                    for (int j = 0; j < cols; j++) {
                        int pix = p0 + j;
                        int ih = pix / ow * g.strideH() + hShift;
                        int iw = pix % ow * g.strideW() + wShift;
                        if (ih >= 0 && ih < h && iw >= 0 && iw < wd) {
                            dx[chan + ih * wd + iw] += dcol[src + j];
                        }
                    }
                }
            }
        });
    }

    @Override
    public void conv2dBackwardWeight(Conv2dGeometry g, float[] x, int xOff, float[] dy, int dyOff,
                                     float[] dw, int dwOff, Parallel parallel) {
        assert x.length >= xOff + g.inputSize() && dy.length >= dyOff + g.outputSize()
                && dw.length >= dwOff + g.weightSize();
        int outPlane = g.outH() * g.outW(), coutG = g.coutPerGroup(), k = g.patchSize(), groups = g.groups();
        int total = g.n() * outPlane;
        int splits = Math.max(1, Math.min(Tuning.CONV_WEIGHT_GRAD_SPLITS, total / Tuning.CONV_WEIGHT_GRAD_MIN_COLUMNS));
        int per = (total + splits - 1) / splits;
        int ranges = (total + per - 1) / per;
        int part = coutG * k;
        // partial s of group grp: s == 0 writes dw itself, others their own buffer, summed below
        float[][] partials = new float[groups * (ranges - 1)][];
        parallel.forEach(groups * ranges, t -> {
            int grp = t / ranges, s = t % ranges;
            float[] c;
            int cOff;
            if (s == 0) {
                c = dw;
                cOff = dwOff + grp * part;
            } else {
                c = new float[part];
                cOff = 0;
                partials[grp * (ranges - 1) + s - 1] = c;
            }
            int r0 = s * per, r1 = Math.min(total, r0 + per);
            boolean accumulate = false;
            for (int n = r0 / outPlane; n * outPlane < r1; n++) {
                int p0 = Math.max(r0 - n * outPlane, 0), p1 = Math.min(r1 - n * outPlane, outPlane);
                FloatMatrixSource colT = Im2colSource.forward(g, x, xOff, n, 1, grp).columns(p0, p1 - p0).transposed();
                gemm.sgemm(coutG, k, p1 - p0, dy, dyOff + (n * g.cout() + grp * coutG) * outPlane + p0, outPlane, 1,
                        colT, c, cOff, k, accumulate, SERIAL);
                accumulate = true;
            }
        });
        if (ranges > 1) {
            int size = g.weightSize();
            int slice = Tuning.CONV_REDUCE_SLICE;
            parallel.forEach((size + slice - 1) / slice, t -> {
                int e1 = Math.min(size, (t + 1) * slice);
                for (int e = t * slice; e < e1; e++) {
                    int grp = e / part;
                    float s = dw[dwOff + e];
                    for (int r = 0; r < ranges - 1; r++) {
                        s += partials[grp * (ranges - 1) + r][e - grp * part];
                    }
                    dw[dwOff + e] = s;
                }
            });
        }
    }

    @Override
    public void conv2dBackwardBias(Conv2dGeometry g, float[] dy, int dyOff, float[] db, int dbOff,
                                   Parallel parallel) {
        ScalarConvKernels.biasGradient(g, dy, dyOff, db, dbOff, parallel);
    }

    // ---- FLOAT64 and pooling: the scalar loops ----

    @Override
    public void conv2d(Conv2dGeometry g, double[] x, int xOff, double[] w, int wOff, double[] bias, int biasOff,
                       double[] y, int yOff, Parallel parallel) {
        scalar.conv2d(g, x, xOff, w, wOff, bias, biasOff, y, yOff, parallel);
    }

    @Override
    public void conv2dBackwardInput(Conv2dGeometry g, double[] dy, int dyOff, double[] w, int wOff,
                                    double[] dx, int dxOff, Parallel parallel) {
        scalar.conv2dBackwardInput(g, dy, dyOff, w, wOff, dx, dxOff, parallel);
    }

    @Override
    public void conv2dBackwardWeight(Conv2dGeometry g, double[] x, int xOff, double[] dy, int dyOff,
                                     double[] dw, int dwOff, Parallel parallel) {
        scalar.conv2dBackwardWeight(g, x, xOff, dy, dyOff, dw, dwOff, parallel);
    }

    @Override
    public void conv2dBackwardBias(Conv2dGeometry g, double[] dy, int dyOff, double[] db, int dbOff,
                                   Parallel parallel) {
        scalar.conv2dBackwardBias(g, dy, dyOff, db, dbOff, parallel);
    }

    @Override
    public void maxPool2d(Pool2dGeometry g, float[] x, int xOff, float[] y, int yOff, int[] argmax, int argmaxOff,
                          Parallel parallel) {
        scalar.maxPool2d(g, x, xOff, y, yOff, argmax, argmaxOff, parallel);
    }

    @Override
    public void maxPool2dBackward(Pool2dGeometry g, float[] dy, int dyOff, int[] argmax, int argmaxOff,
                                  float[] dx, int dxOff, Parallel parallel) {
        scalar.maxPool2dBackward(g, dy, dyOff, argmax, argmaxOff, dx, dxOff, parallel);
    }

    @Override
    public void avgPool2d(Pool2dGeometry g, boolean countIncludePad, float[] x, int xOff, float[] y, int yOff,
                          Parallel parallel) {
        scalar.avgPool2d(g, countIncludePad, x, xOff, y, yOff, parallel);
    }

    @Override
    public void avgPool2dBackward(Pool2dGeometry g, boolean countIncludePad, float[] dy, int dyOff,
                                  float[] dx, int dxOff, Parallel parallel) {
        scalar.avgPool2dBackward(g, countIncludePad, dy, dyOff, dx, dxOff, parallel);
    }

    @Override
    public void maxPool2d(Pool2dGeometry g, double[] x, int xOff, double[] y, int yOff, int[] argmax,
                          int argmaxOff, Parallel parallel) {
        scalar.maxPool2d(g, x, xOff, y, yOff, argmax, argmaxOff, parallel);
    }

    @Override
    public void maxPool2dBackward(Pool2dGeometry g, double[] dy, int dyOff, int[] argmax, int argmaxOff,
                                  double[] dx, int dxOff, Parallel parallel) {
        scalar.maxPool2dBackward(g, dy, dyOff, argmax, argmaxOff, dx, dxOff, parallel);
    }

    @Override
    public void avgPool2d(Pool2dGeometry g, boolean countIncludePad, double[] x, int xOff, double[] y, int yOff,
                          Parallel parallel) {
        scalar.avgPool2d(g, countIncludePad, x, xOff, y, yOff, parallel);
    }

    @Override
    public void avgPool2dBackward(Pool2dGeometry g, boolean countIncludePad, double[] dy, int dyOff,
                                  double[] dx, int dxOff, Parallel parallel) {
        scalar.avgPool2dBackward(g, countIncludePad, dy, dyOff, dx, dxOff, parallel);
    }
}
