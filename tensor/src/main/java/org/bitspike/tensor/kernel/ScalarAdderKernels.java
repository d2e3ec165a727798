package org.bitspike.tensor.kernel;

import org.bitspike.tensor.AdderInputGradient;
import org.bitspike.tensor.AdderWeightGradient;

/**
 * The adder-convolution oracle: plain loops straight from {@link AdderKernels}' definitions, one
 * output element at a time in exactly the order that interface fixes (each gradient in gather form,
 * independent of the im2col panels of the Vector API kernels). One task per {@code (n, o)} plane of y,
 * per {@code (n, ci)} plane of dx and per filter {@code o} of dw. The FLOAT64 methods are the FLOAT32
 * ones with {@code double} for {@code float} (the rounding is defined per precision, so the FLOAT32
 * loops cannot be the FLOAT64 ones widened, as in {@link ScalarConvKernels}).
 */
final class ScalarAdderKernels implements AdderKernels {
    static final ScalarAdderKernels INSTANCE = new ScalarAdderKernels();

    private ScalarAdderKernels() {
    }

    // ---- float ----

    @Override
    public void adderConv2d(Conv2dGeometry g, float[] x, int xOff, float[] w, int wOff, float[] y, int yOff,
                            Parallel parallel) {
        assert g.groups() == 1 && x.length >= xOff + g.inputSize() && w.length >= wOff + g.weightSize()
                && y.length >= yOff + g.outputSize();
        int oh = g.outH(), ow = g.outW(), k = g.patchSize();
        parallel.forEach(g.n() * g.cout(), t -> {
            int n = t / g.cout(), o = t % g.cout();
            int out = yOff + t * oh * ow;
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    float s = 0f;
                    for (int r = 0; r < k; r++) {
                        s = s + Math.abs(tap(g, x, xOff, n, r, i, j) - w[wOff + o * k + r]);
                    }
                    y[out++] = -s;
                }
            }
        });
    }

    @Override
    public void adderConv2dBackwardInput(Conv2dGeometry g, AdderInputGradient rule, float[] dy, int dyOff,
                                         float[] x, int xOff, float[] w, int wOff, float[] dx, int dxOff,
                                         Parallel parallel) {
        assert g.groups() == 1 && dy.length >= dyOff + g.outputSize() && x.length >= xOff + g.inputSize()
                && w.length >= wOff + g.weightSize() && dx.length >= dxOff + g.inputSize();
        int h = g.h(), wd = g.w(), oh = g.outH(), ow = g.outW(), kh = g.kH(), kw = g.kW(), k = g.patchSize();
        parallel.forEach(g.n() * g.cin(), t -> {
            int n = t / g.cin(), ci = t % g.cin();
            for (int ih = 0; ih < h; ih++) {
                for (int iw = 0; iw < wd; iw++) {
                    int at = xOff + (t * h + ih) * wd + iw;
                    float xv = x[at];
                    float acc = 0f;
                    // taps in ascending (kh, kw), the order AdderKernels defines
                    for (int a = 0; a < kh; a++) {
                        int i = outIndex(ih + g.padH() - a * g.dilationH(), g.strideH(), oh);
                        if (i < 0) {
                            continue;
                        }
                        for (int b = 0; b < kw; b++) {
                            int j = outIndex(iw + g.padW() - b * g.dilationW(), g.strideW(), ow);
                            if (j < 0) {
                                continue;
                            }
                            int r = (ci * kh + a) * kw + b;
                            float term = 0f;
                            for (int o = 0; o < g.cout(); o++) {
                                float d = w[wOff + o * k + r] - xv;
                                term = Math.fma(dy[dyOff + ((n * g.cout() + o) * oh + i) * ow + j], inputRule(rule, d), term);
                            }
                            acc = acc + term;
                        }
                    }
                    dx[dxOff + at - xOff] = acc;
                }
            }
        });
    }

    @Override
    public void adderConv2dBackwardWeight(Conv2dGeometry g, AdderWeightGradient rule, float[] dy, int dyOff,
                                          float[] x, int xOff, float[] w, int wOff, float[] dw, int dwOff,
                                          Parallel parallel) {
        assert g.groups() == 1 && dy.length >= dyOff + g.outputSize() && x.length >= xOff + g.inputSize()
                && w.length >= wOff + g.weightSize() && dw.length >= dwOff + g.weightSize();
        int oh = g.outH(), ow = g.outW(), plane = oh * ow, k = g.patchSize();
        int splits = AdderKernels.weightGradientSplits(g);
        parallel.forEach(g.cout(), o -> {
            for (int r = 0; r < k; r++) {
                float wv = w[wOff + o * k + r];
                float total = 0f;
                for (int s = 0; s < splits; s++) {
                    float a = 0f;
                    int end = AdderKernels.splitStart(g, s + 1, splits);
                    if (rule == AdderWeightGradient.FULL_PRECISION) {
                        // sum dy (col - w) = sum dy col - w sum dy, as AdderKernels defines it
                        float gs = 0f;
                        for (int q = AdderKernels.splitStart(g, s, splits); q < end; q++) {
                            int n = q / plane, p = q % plane;
                            float gy = dy[dyOff + (n * g.cout() + o) * plane + p];
                            a = Math.fma(gy, tap(g, x, xOff, n, r, p / ow, p % ow), a);
                            gs = gs + gy;
                        }
                        a = Math.fma(-wv, gs, a);
                    } else {
                        for (int q = AdderKernels.splitStart(g, s, splits); q < end; q++) {
                            int n = q / plane, p = q % plane;
                            float d = tap(g, x, xOff, n, r, p / ow, p % ow) - wv;
                            a = Math.fma(dy[dyOff + (n * g.cout() + o) * plane + p], weightRule(rule, d), a);
                        }
                    }
                    total = total + a;
                }
                dw[dwOff + o * k + r] = total;
            }
        });
    }

    /** {@code col[n, r, (i, j)]}: the input value tap r of output position (i, j) reads, 0 in the padding. */
    private static float tap(Conv2dGeometry g, float[] x, int xOff, int n, int r, int i, int j) {
        int kk = g.kH() * g.kW();
        int ci = r / kk, a = r % kk / g.kW(), b = r % g.kW();
        int ih = i * g.strideH() - g.padH() + a * g.dilationH();
        int iw = j * g.strideW() - g.padW() + b * g.dilationW();
        if (ih < 0 || ih >= g.h() || iw < 0 || iw >= g.w()) {
            return 0f;
        }
        return x[xOff + ((n * g.cin() + ci) * g.h() + ih) * g.w() + iw];
    }

    private static float inputRule(AdderInputGradient rule, float d) {
        return switch (rule) {
            case HARDTANH -> Math.min(Math.max(d, -1f), 1f);
            case SIGN -> AdderKernels.sign(d);
            case IDENTITY -> d;
        };
    }

    private static float weightRule(AdderWeightGradient rule, float d) {
        return switch (rule) {
            case FULL_PRECISION -> d;
            case SIGN -> AdderKernels.sign(d);
        };
    }

    // ---- double ----

    @Override
    public void adderConv2d(Conv2dGeometry g, double[] x, int xOff, double[] w, int wOff, double[] y, int yOff,
                            Parallel parallel) {
        assert g.groups() == 1 && x.length >= xOff + g.inputSize() && w.length >= wOff + g.weightSize()
                && y.length >= yOff + g.outputSize();
        int oh = g.outH(), ow = g.outW(), k = g.patchSize();
        parallel.forEach(g.n() * g.cout(), t -> {
            int n = t / g.cout(), o = t % g.cout();
            int out = yOff + t * oh * ow;
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    double s = 0.0;
                    for (int r = 0; r < k; r++) {
                        s = s + Math.abs(tap(g, x, xOff, n, r, i, j) - w[wOff + o * k + r]);
                    }
                    y[out++] = -s;
                }
            }
        });
    }

    @Override
    public void adderConv2dBackwardInput(Conv2dGeometry g, AdderInputGradient rule, double[] dy, int dyOff,
                                         double[] x, int xOff, double[] w, int wOff, double[] dx, int dxOff,
                                         Parallel parallel) {
        assert g.groups() == 1 && dy.length >= dyOff + g.outputSize() && x.length >= xOff + g.inputSize()
                && w.length >= wOff + g.weightSize() && dx.length >= dxOff + g.inputSize();
        int h = g.h(), wd = g.w(), oh = g.outH(), ow = g.outW(), kh = g.kH(), kw = g.kW(), k = g.patchSize();
        parallel.forEach(g.n() * g.cin(), t -> {
            int n = t / g.cin(), ci = t % g.cin();
            for (int ih = 0; ih < h; ih++) {
                for (int iw = 0; iw < wd; iw++) {
                    int at = xOff + (t * h + ih) * wd + iw;
                    double xv = x[at];
                    double acc = 0.0;
                    // taps in ascending (kh, kw), the order AdderKernels defines
                    for (int a = 0; a < kh; a++) {
                        int i = outIndex(ih + g.padH() - a * g.dilationH(), g.strideH(), oh);
                        if (i < 0) {
                            continue;
                        }
                        for (int b = 0; b < kw; b++) {
                            int j = outIndex(iw + g.padW() - b * g.dilationW(), g.strideW(), ow);
                            if (j < 0) {
                                continue;
                            }
                            int r = (ci * kh + a) * kw + b;
                            double term = 0.0;
                            for (int o = 0; o < g.cout(); o++) {
                                double d = w[wOff + o * k + r] - xv;
                                term = Math.fma(dy[dyOff + ((n * g.cout() + o) * oh + i) * ow + j], inputRule(rule, d), term);
                            }
                            acc = acc + term;
                        }
                    }
                    dx[dxOff + at - xOff] = acc;
                }
            }
        });
    }

    @Override
    public void adderConv2dBackwardWeight(Conv2dGeometry g, AdderWeightGradient rule, double[] dy, int dyOff,
                                          double[] x, int xOff, double[] w, int wOff, double[] dw, int dwOff,
                                          Parallel parallel) {
        assert g.groups() == 1 && dy.length >= dyOff + g.outputSize() && x.length >= xOff + g.inputSize()
                && w.length >= wOff + g.weightSize() && dw.length >= dwOff + g.weightSize();
        int oh = g.outH(), ow = g.outW(), plane = oh * ow, k = g.patchSize();
        int splits = AdderKernels.weightGradientSplits(g);
        parallel.forEach(g.cout(), o -> {
            for (int r = 0; r < k; r++) {
                double wv = w[wOff + o * k + r];
                double total = 0.0;
                for (int s = 0; s < splits; s++) {
                    double a = 0.0;
                    int end = AdderKernels.splitStart(g, s + 1, splits);
                    if (rule == AdderWeightGradient.FULL_PRECISION) {
                        // sum dy (col - w) = sum dy col - w sum dy, as AdderKernels defines it
                        double gs = 0.0;
                        for (int q = AdderKernels.splitStart(g, s, splits); q < end; q++) {
                            int n = q / plane, p = q % plane;
                            double gy = dy[dyOff + (n * g.cout() + o) * plane + p];
                            a = Math.fma(gy, tap(g, x, xOff, n, r, p / ow, p % ow), a);
                            gs = gs + gy;
                        }
                        a = Math.fma(-wv, gs, a);
                    } else {
                        for (int q = AdderKernels.splitStart(g, s, splits); q < end; q++) {
                            int n = q / plane, p = q % plane;
                            double d = tap(g, x, xOff, n, r, p / ow, p % ow) - wv;
                            a = Math.fma(dy[dyOff + (n * g.cout() + o) * plane + p], weightRule(rule, d), a);
                        }
                    }
                    total = total + a;
                }
                dw[dwOff + o * k + r] = total;
            }
        });
    }

    /** {@code col[n, r, (i, j)]}: the input value tap r of output position (i, j) reads, 0 in the padding. */
    private static double tap(Conv2dGeometry g, double[] x, int xOff, int n, int r, int i, int j) {
        int kk = g.kH() * g.kW();
        int ci = r / kk, a = r % kk / g.kW(), b = r % g.kW();
        int ih = i * g.strideH() - g.padH() + a * g.dilationH();
        int iw = j * g.strideW() - g.padW() + b * g.dilationW();
        if (ih < 0 || ih >= g.h() || iw < 0 || iw >= g.w()) {
            return 0.0;
        }
        return x[xOff + ((n * g.cin() + ci) * g.h() + ih) * g.w() + iw];
    }

    private static double inputRule(AdderInputGradient rule, double d) {
        return switch (rule) {
            case HARDTANH -> Math.min(Math.max(d, -1.0), 1.0);
            case SIGN -> AdderKernels.sign(d);
            case IDENTITY -> d;
        };
    }

    private static double weightRule(AdderWeightGradient rule, double d) {
        return switch (rule) {
            case FULL_PRECISION -> d;
            case SIGN -> AdderKernels.sign(d);
        };
    }

    /**
     * The output index {@code numerator / stride} along one axis when the tap lands exactly on an
     * output position inside {@code [0, out)}, else -1.
     */
    private static int outIndex(int numerator, int stride, int out) {
        if (numerator < 0 || numerator % stride != 0) {
            return -1;
        }
        int i = numerator / stride;
        return i < out ? i : -1;
    }
}
