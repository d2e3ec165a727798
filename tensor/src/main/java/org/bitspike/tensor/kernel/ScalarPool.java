package org.bitspike.tensor.kernel;

import java.util.Arrays;

/**
 * Pooling loops shared by every provider (pooling is memory-bound; plain loops are the kernel).
 * Work is split into tasks of whole planes, a fixed number per geometry, so results do not depend
 * on the thread count. NOTE: the FLOAT64 methods are line-for-line copies of the FLOAT32 ones with
 * the element type changed; keep them in step.
 */
final class ScalarPool {
    private ScalarPool() {
    }

    /** Number of planes per task: whole planes, about {@link Tuning#POOL_TASK_ELEMENTS} inputs each. */
    private static int planesPerTask(Pool2dGeometry g) {
        return Math.max(1, Tuning.POOL_TASK_ELEMENTS / (g.h() * g.w()));
    }

    private static void forEachPlane(Pool2dGeometry g, Parallel parallel, java.util.function.IntConsumer plane) {
        int per = planesPerTask(g);
        int planes = g.planes();
        parallel.forEach((planes + per - 1) / per, t -> {
            int end = Math.min(planes, (t + 1) * per);
            for (int p = t * per; p < end; p++) {
                plane.accept(p);
            }
        });
    }

    /** First window tap {@code k} whose position {@code start + k * dilation} is {@code >= 0}. */
    static int firstTap(int start, int dilation) {
        return start >= 0 ? 0 : (-start + dilation - 1) / dilation;
    }

    /** One past the last window tap {@code k < kernel} whose position is {@code < size}. */
    static int endTap(int start, int dilation, int kernel, int size) {
        if (start >= size) {
            return 0;
        }
        return Math.min(kernel, (size - start + dilation - 1) / dilation);
    }

    /** The common 2x2 window with stride 2, no padding or dilation: a loop without tap bounds. */
    private static boolean isPlainTwoByTwo(Pool2dGeometry g) {
        return g.kH() == 2 && g.kW() == 2 && g.strideH() == 2 && g.strideW() == 2 && g.padH() == 0
                && g.padW() == 0 && g.dilationH() == 1 && g.dilationW() == 1;
    }

    // ---- FLOAT32 ----

    /**
     * {@link #maxPool2d} for {@link #isPlainTwoByTwo}: the same rule (scan order, first maximum,
     * a NaN wins) as selects instead of branches, which the data would mispredict half the time.
     * NOTE: only the index is selected, and the value reloaded: C2 compiles a float select into a
     * branch on x86 but an int one into a conditional move (7.5 -> 2.7 ms for [64, 32, 28, 28]).
     */
    private static void maxPool2x2(Pool2dGeometry g, float[] x, int xOff, float[] y, int yOff, int[] argmax, int aOff,
                                   Parallel parallel) {
        int h = g.h(), w = g.w(), oh = g.outH(), ow = g.outW();
        forEachPlane(g, parallel, p -> {
            int xp = xOff + p * h * w;
            int out = p * oh * ow;
            for (int i = 0; i < oh; i++) {
                int top = 2 * i * w;
                for (int j = 0; j < ow; j++, out++) {
                    int r = top + 2 * j;
                    float best = x[xp + r];
                    int at = r;
                    float v = x[xp + r + 1];
                    boolean take = !(v <= best) & best == best; // v > best, or v is the first NaN
                    at = take ? r + 1 : at;
                    best = x[xp + at];
                    v = x[xp + r + w];
                    take = !(v <= best) & best == best;
                    at = take ? r + w : at;
                    best = x[xp + at];
                    v = x[xp + r + w + 1];
                    take = !(v <= best) & best == best;
                    at = take ? r + w + 1 : at;
                    best = x[xp + at];
                    y[yOff + out] = best;
                    argmax[aOff + out] = at;
                }
            }
        });
    }

    static void maxPool2d(Pool2dGeometry g, float[] x, int xOff, float[] y, int yOff, int[] argmax, int aOff,
                          Parallel parallel) {
        int h = g.h(), w = g.w(), oh = g.outH(), ow = g.outW();
        if (isPlainTwoByTwo(g)) {
            maxPool2x2(g, x, xOff, y, yOff, argmax, aOff, parallel);
            return;
        }
        assert x.length >= xOff + g.inputSize() && y.length >= yOff + g.outputSize()
                && argmax.length >= aOff + g.outputSize();
        forEachPlane(g, parallel, p -> {
            int xp = xOff + p * h * w;
            int out = p * oh * ow;
            for (int i = 0; i < oh; i++) {
                int h0 = i * g.strideH() - g.padH();
                int kh0 = firstTap(h0, g.dilationH()), kh1 = endTap(h0, g.dilationH(), g.kH(), h);
                for (int j = 0; j < ow; j++, out++) {
                    int w0 = j * g.strideW() - g.padW();
                    int kw0 = firstTap(w0, g.dilationW()), kw1 = endTap(w0, g.dilationW(), g.kW(), w);
                    float best = 0f;
                    int at = -1;
                    for (int kh = kh0; kh < kh1; kh++) {
                        int row = (h0 + kh * g.dilationH()) * w;
                        for (int kw = kw0; kw < kw1; kw++) {
                            int idx = row + w0 + kw * g.dilationW();
                            float v = x[xp + idx];
                            if (at < 0 || v > best || (v != v && best == best)) {
                                best = v;
                                at = idx;
                            }
                        }
                    }
                    y[yOff + out] = best;
                    argmax[aOff + out] = at;
                }
            }
        });
    }

    static void maxPool2dBackward(Pool2dGeometry g, float[] dy, int dyOff, int[] argmax, int aOff,
                                  float[] dx, int dxOff, Parallel parallel) {
        int hw = g.h() * g.w(), ohw = g.outH() * g.outW();
        forEachPlane(g, parallel, p -> {
            int dxp = dxOff + p * hw;
            Arrays.fill(dx, dxp, dxp + hw, 0f);
            for (int o = p * ohw, end = o + ohw; o < end; o++) {
                int idx = argmax[aOff + o];
                assert idx >= 0 && idx < hw : "argmax " + idx + " outside a plane of " + hw;
                dx[dxp + idx] += dy[dyOff + o];
            }
        });
    }

    static void avgPool2d(Pool2dGeometry g, boolean countIncludePad, float[] x, int xOff, float[] y, int yOff,
                          Parallel parallel) {
        int h = g.h(), w = g.w(), oh = g.outH(), ow = g.outW();
        forEachPlane(g, parallel, p -> {
            int xp = xOff + p * h * w;
            int out = yOff + p * oh * ow;
            for (int i = 0; i < oh; i++) {
                int h0 = i * g.strideH() - g.padH();
                int kh0 = firstTap(h0, g.dilationH()), kh1 = endTap(h0, g.dilationH(), g.kH(), h);
                for (int j = 0; j < ow; j++, out++) {
                    int w0 = j * g.strideW() - g.padW();
                    int kw0 = firstTap(w0, g.dilationW()), kw1 = endTap(w0, g.dilationW(), g.kW(), w);
                    float s = 0f;
                    for (int kh = kh0; kh < kh1; kh++) {
                        int row = xp + (h0 + kh * g.dilationH()) * w + w0;
                        for (int kw = kw0; kw < kw1; kw++) {
                            s += x[row + kw * g.dilationW()];
                        }
                    }
                    int count = countIncludePad ? g.kH() * g.kW() : (kh1 - kh0) * (kw1 - kw0);
                    y[out] = s / count;
                }
            }
        });
    }

    static void avgPool2dBackward(Pool2dGeometry g, boolean countIncludePad, float[] dy, int dyOff,
                                  float[] dx, int dxOff, Parallel parallel) {
        int h = g.h(), w = g.w(), oh = g.outH(), ow = g.outW();
        forEachPlane(g, parallel, p -> {
            int dxp = dxOff + p * h * w;
            Arrays.fill(dx, dxp, dxp + h * w, 0f);
            int out = dyOff + p * oh * ow;
            for (int i = 0; i < oh; i++) {
                int h0 = i * g.strideH() - g.padH();
                int kh0 = firstTap(h0, g.dilationH()), kh1 = endTap(h0, g.dilationH(), g.kH(), h);
                for (int j = 0; j < ow; j++, out++) {
                    int w0 = j * g.strideW() - g.padW();
                    int kw0 = firstTap(w0, g.dilationW()), kw1 = endTap(w0, g.dilationW(), g.kW(), w);
                    int count = countIncludePad ? g.kH() * g.kW() : (kh1 - kh0) * (kw1 - kw0);
                    float v = dy[out] / count;
                    for (int kh = kh0; kh < kh1; kh++) {
                        int row = dxp + (h0 + kh * g.dilationH()) * w + w0;
                        for (int kw = kw0; kw < kw1; kw++) {
                            dx[row + kw * g.dilationW()] += v;
                        }
                    }
                }
            }
        });
    }

    // ---- FLOAT64 (copies of the above) ----

    /**
     * {@link #maxPool2d} for {@link #isPlainTwoByTwo}: the same rule (scan order, first maximum,
     * a NaN wins) as selects instead of branches, which the data would mispredict half the time.
     * NOTE: only the index is selected, and the value reloaded: C2 compiles a float select into a
     * branch on x86 but an int one into a conditional move (7.5 -> 2.7 ms for [64, 32, 28, 28]).
     */
    private static void maxPool2x2(Pool2dGeometry g, double[] x, int xOff, double[] y, int yOff, int[] argmax, int aOff,
                                   Parallel parallel) {
        int h = g.h(), w = g.w(), oh = g.outH(), ow = g.outW();
        forEachPlane(g, parallel, p -> {
            int xp = xOff + p * h * w;
            int out = p * oh * ow;
            for (int i = 0; i < oh; i++) {
                int top = 2 * i * w;
                for (int j = 0; j < ow; j++, out++) {
                    int r = top + 2 * j;
                    double best = x[xp + r];
                    int at = r;
                    double v = x[xp + r + 1];
                    boolean take = !(v <= best) & best == best; // v > best, or v is the first NaN
                    at = take ? r + 1 : at;
                    best = x[xp + at];
                    v = x[xp + r + w];
                    take = !(v <= best) & best == best;
                    at = take ? r + w : at;
                    best = x[xp + at];
                    v = x[xp + r + w + 1];
                    take = !(v <= best) & best == best;
                    at = take ? r + w + 1 : at;
                    best = x[xp + at];
                    y[yOff + out] = best;
                    argmax[aOff + out] = at;
                }
            }
        });
    }

    static void maxPool2d(Pool2dGeometry g, double[] x, int xOff, double[] y, int yOff, int[] argmax, int aOff,
                          Parallel parallel) {
        int h = g.h(), w = g.w(), oh = g.outH(), ow = g.outW();
        if (isPlainTwoByTwo(g)) {
            maxPool2x2(g, x, xOff, y, yOff, argmax, aOff, parallel);
            return;
        }
        assert x.length >= xOff + g.inputSize() && y.length >= yOff + g.outputSize()
                && argmax.length >= aOff + g.outputSize();
        forEachPlane(g, parallel, p -> {
            int xp = xOff + p * h * w;
            int out = p * oh * ow;
            for (int i = 0; i < oh; i++) {
                int h0 = i * g.strideH() - g.padH();
                int kh0 = firstTap(h0, g.dilationH()), kh1 = endTap(h0, g.dilationH(), g.kH(), h);
                for (int j = 0; j < ow; j++, out++) {
                    int w0 = j * g.strideW() - g.padW();
                    int kw0 = firstTap(w0, g.dilationW()), kw1 = endTap(w0, g.dilationW(), g.kW(), w);
                    double best = 0.0;
                    int at = -1;
                    for (int kh = kh0; kh < kh1; kh++) {
                        int row = (h0 + kh * g.dilationH()) * w;
                        for (int kw = kw0; kw < kw1; kw++) {
                            int idx = row + w0 + kw * g.dilationW();
                            double v = x[xp + idx];
                            if (at < 0 || v > best || (v != v && best == best)) {
                                best = v;
                                at = idx;
                            }
                        }
                    }
                    y[yOff + out] = best;
                    argmax[aOff + out] = at;
                }
            }
        });
    }

    static void maxPool2dBackward(Pool2dGeometry g, double[] dy, int dyOff, int[] argmax, int aOff,
                                  double[] dx, int dxOff, Parallel parallel) {
        int hw = g.h() * g.w(), ohw = g.outH() * g.outW();
        forEachPlane(g, parallel, p -> {
            int dxp = dxOff + p * hw;
            Arrays.fill(dx, dxp, dxp + hw, 0.0);
            for (int o = p * ohw, end = o + ohw; o < end; o++) {
                int idx = argmax[aOff + o];
                assert idx >= 0 && idx < hw : "argmax " + idx + " outside a plane of " + hw;
                dx[dxp + idx] += dy[dyOff + o];
            }
        });
    }

    static void avgPool2d(Pool2dGeometry g, boolean countIncludePad, double[] x, int xOff, double[] y, int yOff,
                          Parallel parallel) {
        int h = g.h(), w = g.w(), oh = g.outH(), ow = g.outW();
        forEachPlane(g, parallel, p -> {
            int xp = xOff + p * h * w;
            int out = yOff + p * oh * ow;
            for (int i = 0; i < oh; i++) {
                int h0 = i * g.strideH() - g.padH();
                int kh0 = firstTap(h0, g.dilationH()), kh1 = endTap(h0, g.dilationH(), g.kH(), h);
                for (int j = 0; j < ow; j++, out++) {
                    int w0 = j * g.strideW() - g.padW();
                    int kw0 = firstTap(w0, g.dilationW()), kw1 = endTap(w0, g.dilationW(), g.kW(), w);
                    double s = 0.0;
                    for (int kh = kh0; kh < kh1; kh++) {
                        int row = xp + (h0 + kh * g.dilationH()) * w + w0;
                        for (int kw = kw0; kw < kw1; kw++) {
                            s += x[row + kw * g.dilationW()];
                        }
                    }
                    int count = countIncludePad ? g.kH() * g.kW() : (kh1 - kh0) * (kw1 - kw0);
                    y[out] = s / count;
                }
            }
        });
    }

    static void avgPool2dBackward(Pool2dGeometry g, boolean countIncludePad, double[] dy, int dyOff,
                                  double[] dx, int dxOff, Parallel parallel) {
        int h = g.h(), w = g.w(), oh = g.outH(), ow = g.outW();
        forEachPlane(g, parallel, p -> {
            int dxp = dxOff + p * h * w;
            Arrays.fill(dx, dxp, dxp + h * w, 0.0);
            int out = dyOff + p * oh * ow;
            for (int i = 0; i < oh; i++) {
                int h0 = i * g.strideH() - g.padH();
                int kh0 = firstTap(h0, g.dilationH()), kh1 = endTap(h0, g.dilationH(), g.kH(), h);
                for (int j = 0; j < ow; j++, out++) {
                    int w0 = j * g.strideW() - g.padW();
                    int kw0 = firstTap(w0, g.dilationW()), kw1 = endTap(w0, g.dilationW(), g.kW(), w);
                    int count = countIncludePad ? g.kH() * g.kW() : (kh1 - kh0) * (kw1 - kw0);
                    double v = dy[out] / count;
                    for (int kh = kh0; kh < kh1; kh++) {
                        int row = dxp + (h0 + kh * g.dilationH()) * w + w0;
                        for (int kw = kw0; kw < kw1; kw++) {
                            dx[row + kw * g.dilationW()] += v;
                        }
                    }
                }
            }
        });
    }
}
