package org.bitspike.tensor.kernel;

/**
 * The convolution oracle: direct loops straight from the definitions in {@link ConvKernels}, each
 * output element computed by one task as a sum in a fixed order (ascending ci, kh, kw for y and dx;
 * ascending n, oh, ow for dw), in double. Each gradient is written in gather form
 * (one output element at a time), independent of the im2col formulation of {@link GemmConvKernels}.
 * The FLOAT32 methods widen their operands and run the FLOAT64 loops.
 */
final class ScalarConvKernels implements ConvKernels {
    static final ScalarConvKernels INSTANCE = new ScalarConvKernels();

    private ScalarConvKernels() {
    }

    // ---- FLOAT32: widened to the FLOAT64 loops below and rounded once ----
    // NOTE: one implementation serves both precisions. Accumulating in double makes the FLOAT32
    // oracle more accurate than any float kernel it checks, and speed does not matter here (the
    // fast FLOAT32 path is GemmConvKernels).

    @Override
    public void conv2d(Conv2dGeometry g, float[] x, int xOff, float[] w, int wOff, float[] bias, int biasOff,
                       float[] y, int yOff, Parallel parallel) {
        double[] out = new double[g.outputSize()];
        conv2d(g, widen(x, xOff, g.inputSize()), 0, widen(w, wOff, g.weightSize()), 0,
                bias == null ? null : widen(bias, biasOff, g.cout()), 0, out, 0, parallel);
        round(out, y, yOff);
    }

    @Override
    public void conv2dBackwardInput(Conv2dGeometry g, float[] dy, int dyOff, float[] w, int wOff,
                                    float[] dx, int dxOff, Parallel parallel) {
        double[] out = new double[g.inputSize()];
        conv2dBackwardInput(g, widen(dy, dyOff, g.outputSize()), 0, widen(w, wOff, g.weightSize()), 0,
                out, 0, parallel);
        round(out, dx, dxOff);
    }

    @Override
    public void conv2dBackwardWeight(Conv2dGeometry g, float[] x, int xOff, float[] dy, int dyOff,
                                     float[] dw, int dwOff, Parallel parallel) {
        double[] out = new double[g.weightSize()];
        conv2dBackwardWeight(g, widen(x, xOff, g.inputSize()), 0, widen(dy, dyOff, g.outputSize()), 0,
                out, 0, parallel);
        round(out, dw, dwOff);
    }

    private static double[] widen(float[] a, int off, int n) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = a[off + i];
        }
        return d;
    }

    private static void round(double[] from, float[] to, int off) {
        for (int i = 0; i < from.length; i++) {
            to[off + i] = (float) from[i];
        }
    }

    @Override
    public void conv2dBackwardBias(Conv2dGeometry g, float[] dy, int dyOff, float[] db, int dbOff,
                                   Parallel parallel) {
        biasGradient(g, dy, dyOff, db, dbOff, parallel);
    }

    /**
     * {@code db[co] = sum dy[n, co, :, :]}, one task per channel, summed in a fixed order.
     * NOTE: accumulated in double and rounded once (the sum runs over n * outH * outW terms, often
     * tens of thousands, where a float running sum loses digits); shared by every provider.
     */
    static void biasGradient(Conv2dGeometry g, float[] dy, int dyOff, float[] db, int dbOff, Parallel parallel) {
        int plane = g.outH() * g.outW();
        parallel.forEach(g.cout(), co -> {
            // four interleaved partial sums (a fixed order) hide the latency of the dependent adds
            double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
            for (int n = 0; n < g.n(); n++) {
                int base = dyOff + (n * g.cout() + co) * plane;
                int i = 0;
                for (; i + 3 < plane; i += 4) {
                    s0 += dy[base + i];
                    s1 += dy[base + i + 1];
                    s2 += dy[base + i + 2];
                    s3 += dy[base + i + 3];
                }
                for (; i < plane; i++) {
                    s0 += dy[base + i];
                }
            }
            db[dbOff + co] = (float) ((s0 + s1) + (s2 + s3));
        });
    }

    // ---- FLOAT64 ----

    @Override
    public void conv2d(Conv2dGeometry g, double[] x, int xOff, double[] w, int wOff, double[] bias, int biasOff,
                       double[] y, int yOff, Parallel parallel) {
        assert x.length >= xOff + g.inputSize() && w.length >= wOff + g.weightSize()
                && y.length >= yOff + g.outputSize() && (bias == null || bias.length >= biasOff + g.cout());
        int oh = g.outH(), ow = g.outW(), cinG = g.cinPerGroup(), coutG = g.coutPerGroup();
        int kh = g.kH(), kw = g.kW(), h = g.h(), wd = g.w();
        parallel.forEach(g.n() * g.cout(), t -> {
            int n = t / g.cout(), co = t % g.cout();
            int xBase = xOff + (n * g.cin() + co / coutG * cinG) * h * wd;
            int wBase = wOff + co * cinG * kh * kw;
            int out = yOff + t * oh * ow;
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    double s = 0.0;
                    for (int ci = 0; ci < cinG; ci++) {
                        for (int a = 0; a < kh; a++) {
                            int ih = i * g.strideH() - g.padH() + a * g.dilationH();
                            if (ih < 0 || ih >= h) {
                                continue;
                            }
                            for (int b = 0; b < kw; b++) {
                                int iw = j * g.strideW() - g.padW() + b * g.dilationW();
                                if (iw >= 0 && iw < wd) {
                                    s += w[wBase + (ci * kh + a) * kw + b] * x[xBase + (ci * h + ih) * wd + iw];
                                }
                            }
                        }
                    }
                    y[out++] = bias == null ? s : s + bias[biasOff + co];
                }
            }
        });
    }

    @Override
    public void conv2dBackwardInput(Conv2dGeometry g, double[] dy, int dyOff, double[] w, int wOff,
                                    double[] dx, int dxOff, Parallel parallel) {
        assert dy.length >= dyOff + g.outputSize() && w.length >= wOff + g.weightSize()
                && dx.length >= dxOff + g.inputSize();
        int oh = g.outH(), ow = g.outW(), cinG = g.cinPerGroup(), coutG = g.coutPerGroup();
        int kh = g.kH(), kw = g.kW(), h = g.h(), wd = g.w();
        parallel.forEach(g.n() * g.cin(), t -> {
            int n = t / g.cin(), c = t % g.cin(), grp = c / cinG, ci = c % cinG;
            int out = dxOff + t * h * wd;
            for (int ih = 0; ih < h; ih++) {
                for (int iw = 0; iw < wd; iw++) {
                    double s = 0.0;
                    for (int co = grp * coutG; co < (grp + 1) * coutG; co++) {
                        int dyBase = dyOff + (n * g.cout() + co) * oh * ow;
                        for (int a = 0; a < kh; a++) {
                            int num = ih + g.padH() - a * g.dilationH();
                            if (num < 0 || num % g.strideH() != 0 || num / g.strideH() >= oh) {
                                continue;
                            }
                            for (int b = 0; b < kw; b++) {
                                int numW = iw + g.padW() - b * g.dilationW();
                                if (numW >= 0 && numW % g.strideW() == 0 && numW / g.strideW() < ow) {
                                    s += dy[dyBase + num / g.strideH() * ow + numW / g.strideW()]
                                            * w[wOff + ((co * cinG + ci) * kh + a) * kw + b];
                                }
                            }
                        }
                    }
                    dx[out++] = s;
                }
            }
        });
    }

    @Override
    public void conv2dBackwardWeight(Conv2dGeometry g, double[] x, int xOff, double[] dy, int dyOff,
                                     double[] dw, int dwOff, Parallel parallel) {
        assert x.length >= xOff + g.inputSize() && dy.length >= dyOff + g.outputSize()
                && dw.length >= dwOff + g.weightSize();
        int oh = g.outH(), ow = g.outW(), cinG = g.cinPerGroup(), coutG = g.coutPerGroup();
        int kh = g.kH(), kw = g.kW(), h = g.h(), wd = g.w();
        parallel.forEach(g.cout(), co -> {
            int c0 = co / coutG * cinG;
            int out = dwOff + co * cinG * kh * kw;
            for (int ci = 0; ci < cinG; ci++) {
                for (int a = 0; a < kh; a++) {
                    for (int b = 0; b < kw; b++) {
                        double s = 0.0;
                        for (int n = 0; n < g.n(); n++) {
                            int xBase = xOff + (n * g.cin() + c0 + ci) * h * wd;
                            int dyBase = dyOff + (n * g.cout() + co) * oh * ow;
                            for (int i = 0; i < oh; i++) {
                                int ih = i * g.strideH() - g.padH() + a * g.dilationH();
                                if (ih < 0 || ih >= h) {
                                    continue;
                                }
                                for (int j = 0; j < ow; j++) {
                                    int iw = j * g.strideW() - g.padW() + b * g.dilationW();
                                    if (iw >= 0 && iw < wd) {
                                        s += dy[dyBase + i * ow + j] * x[xBase + ih * wd + iw];
                                    }
                                }
                            }
                        }
                        dw[out++] = s;
                    }
                }
            }
        });
    }

    @Override
    public void conv2dBackwardBias(Conv2dGeometry g, double[] dy, int dyOff, double[] db, int dbOff,
                                   Parallel parallel) {
        biasGradient(g, dy, dyOff, db, dbOff, parallel);
    }

    /** FLOAT64 {@link #biasGradient(Conv2dGeometry, float[], int, float[], int, Parallel)}. */
    static void biasGradient(Conv2dGeometry g, double[] dy, int dyOff, double[] db, int dbOff, Parallel parallel) {
        int plane = g.outH() * g.outW();
        parallel.forEach(g.cout(), co -> {
            // four interleaved partial sums (a fixed order) hide the latency of the dependent adds
            double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
            for (int n = 0; n < g.n(); n++) {
                int base = dyOff + (n * g.cout() + co) * plane;
                int i = 0;
                for (; i + 3 < plane; i += 4) {
                    s0 += dy[base + i];
                    s1 += dy[base + i + 1];
                    s2 += dy[base + i + 2];
                    s3 += dy[base + i + 3];
                }
                for (; i < plane; i++) {
                    s0 += dy[base + i];
                }
            }
            db[dbOff + co] = (s0 + s1) + (s2 + s3);
        });
    }

    // ---- pooling: the shared loops ----

    @Override
    public void maxPool2d(Pool2dGeometry g, float[] x, int xOff, float[] y, int yOff, int[] argmax, int argmaxOff,
                          Parallel parallel) {
        ScalarPool.maxPool2d(g, x, xOff, y, yOff, argmax, argmaxOff, parallel);
    }

    @Override
    public void maxPool2dBackward(Pool2dGeometry g, float[] dy, int dyOff, int[] argmax, int argmaxOff,
                                  float[] dx, int dxOff, Parallel parallel) {
        ScalarPool.maxPool2dBackward(g, dy, dyOff, argmax, argmaxOff, dx, dxOff, parallel);
    }

    @Override
    public void avgPool2d(Pool2dGeometry g, boolean countIncludePad, float[] x, int xOff, float[] y, int yOff,
                          Parallel parallel) {
        ScalarPool.avgPool2d(g, countIncludePad, x, xOff, y, yOff, parallel);
    }

    @Override
    public void avgPool2dBackward(Pool2dGeometry g, boolean countIncludePad, float[] dy, int dyOff,
                                  float[] dx, int dxOff, Parallel parallel) {
        ScalarPool.avgPool2dBackward(g, countIncludePad, dy, dyOff, dx, dxOff, parallel);
    }

    @Override
    public void maxPool2d(Pool2dGeometry g, double[] x, int xOff, double[] y, int yOff, int[] argmax,
                          int argmaxOff, Parallel parallel) {
        ScalarPool.maxPool2d(g, x, xOff, y, yOff, argmax, argmaxOff, parallel);
    }

    @Override
    public void maxPool2dBackward(Pool2dGeometry g, double[] dy, int dyOff, int[] argmax, int argmaxOff,
                                  double[] dx, int dxOff, Parallel parallel) {
        ScalarPool.maxPool2dBackward(g, dy, dyOff, argmax, argmaxOff, dx, dxOff, parallel);
    }

    @Override
    public void avgPool2d(Pool2dGeometry g, boolean countIncludePad, double[] x, int xOff, double[] y, int yOff,
                          Parallel parallel) {
        ScalarPool.avgPool2d(g, countIncludePad, x, xOff, y, yOff, parallel);
    }

    @Override
    public void avgPool2dBackward(Pool2dGeometry g, boolean countIncludePad, double[] dy, int dyOff,
                                  double[] dx, int dxOff, Parallel parallel) {
        ScalarPool.avgPool2dBackward(g, countIncludePad, dy, dyOff, dx, dxOff, parallel);
    }
}
