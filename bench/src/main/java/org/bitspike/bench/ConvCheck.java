package org.bitspike.bench;

import java.util.Locale;
import java.util.SplittableRandom;
import org.bitspike.tensor.kernel.Conv2dGeometry;

/**
 * Cheap correctness checks for FLOAT32 convolution benchmarks (groups 1, dilation 1): sampled entries
 * of y, dx and dw against direct double-precision sums, with the tolerance of {@link GemmCheck}
 * ({@code (terms + 2) u sum|products|}, {@code u = 2^-24}).
 */
public final class ConvCheck {
    /** Entries checked per output tensor. */
    public static final int SAMPLES = 48;

    private ConvCheck() {
    }

    /** Checks {@code y[n, co, oh, ow] = sum_{ci, kh, kw} w[co, ci, kh, kw] x[n, ci, ih, iw]}. */
    public static void verifyForward(String what, Conv2dGeometry g, float[] x, float[] w, float[] y) {
        requireSimple(g);
        int oh = g.outH();
        int ow = g.outW();
        SplittableRandom rnd = new SplittableRandom(1);
        for (int s = 0; s < SAMPLES; s++) {
            int n = pick(rnd, s, g.n());
            int co = pick(rnd, s, g.cout());
            int r = pick(rnd, s, oh);
            int c = pick(rnd, s, ow);
            Sum sum = new Sum();
            for (int ci = 0; ci < g.cin(); ci++) {
                for (int kh = 0; kh < g.kH(); kh++) {
                    for (int kw = 0; kw < g.kW(); kw++) {
                        int ih = r * g.strideH() - g.padH() + kh;
                        int iw = c * g.strideW() - g.padW() + kw;
                        if (ih >= 0 && ih < g.h() && iw >= 0 && iw < g.w()) {
                            sum.add((double) w[((co * g.cin() + ci) * g.kH() + kh) * g.kW() + kw]
                                    * x[((n * g.cin() + ci) * g.h() + ih) * g.w() + iw]);
                        }
                    }
                }
            }
            sum.check(what, "y", y[((n * g.cout() + co) * oh + r) * ow + c], n, co, r, c);
        }
    }

    /** Checks {@code dx[n, ci, ih, iw] = sum over (co, kh, kw) with an output reaching (ih, iw) of dy w}. */
    public static void verifyBackwardInput(String what, Conv2dGeometry g, float[] dy, float[] w, float[] dx) {
        requireSimple(g);
        int oh = g.outH();
        int ow = g.outW();
        SplittableRandom rnd = new SplittableRandom(2);
        for (int s = 0; s < SAMPLES; s++) {
            int n = pick(rnd, s, g.n());
            int ci = pick(rnd, s, g.cin());
            int ih = pick(rnd, s, g.h());
            int iw = pick(rnd, s, g.w());
            Sum sum = new Sum();
            for (int co = 0; co < g.cout(); co++) {
                for (int kh = 0; kh < g.kH(); kh++) {
                    for (int kw = 0; kw < g.kW(); kw++) {
                        int rr = ih + g.padH() - kh;
                        int cc = iw + g.padW() - kw;
                        if (rr % g.strideH() != 0 || cc % g.strideW() != 0) {
                            continue;
                        }
                        int r = rr / g.strideH();
                        int c = cc / g.strideW();
                        if (rr >= 0 && r < oh && cc >= 0 && c < ow) {
                            sum.add((double) dy[((n * g.cout() + co) * oh + r) * ow + c]
                                    * w[((co * g.cin() + ci) * g.kH() + kh) * g.kW() + kw]);
                        }
                    }
                }
            }
            sum.check(what, "dx", dx[((n * g.cin() + ci) * g.h() + ih) * g.w() + iw], n, ci, ih, iw);
        }
    }

    /** Checks {@code dw[co, ci, kh, kw] = sum_{n, oh, ow} dy[n, co, oh, ow] x[n, ci, ih, iw]}. */
    public static void verifyBackwardWeight(String what, Conv2dGeometry g, float[] x, float[] dy, float[] dw) {
        requireSimple(g);
        int oh = g.outH();
        int ow = g.outW();
        SplittableRandom rnd = new SplittableRandom(3);
        for (int s = 0; s < SAMPLES; s++) {
            int co = pick(rnd, s, g.cout());
            int ci = pick(rnd, s, g.cin());
            int kh = pick(rnd, s, g.kH());
            int kw = pick(rnd, s, g.kW());
            Sum sum = new Sum();
            for (int n = 0; n < g.n(); n++) {
                for (int r = 0; r < oh; r++) {
                    int ih = r * g.strideH() - g.padH() + kh;
                    if (ih < 0 || ih >= g.h()) {
                        continue;
                    }
                    for (int c = 0; c < ow; c++) {
                        int iw = c * g.strideW() - g.padW() + kw;
                        if (iw >= 0 && iw < g.w()) {
                            sum.add((double) dy[((n * g.cout() + co) * oh + r) * ow + c]
                                    * x[((n * g.cin() + ci) * g.h() + ih) * g.w() + iw]);
                        }
                    }
                }
            }
            sum.check(what, "dw", dw[((co * g.cin() + ci) * g.kH() + kh) * g.kW() + kw], co, ci, kh, kw);
        }
    }

    /** Sample {@code s}: the first index, then the last, then seeded random ones. */
    private static int pick(SplittableRandom rnd, int s, int bound) {
        return s == 0 ? 0 : s == 1 ? bound - 1 : rnd.nextInt(bound);
    }

    private static void requireSimple(Conv2dGeometry g) {
        if (g.groups() != 1 || g.dilationH() != 1 || g.dilationW() != 1) {
            throw new IllegalArgumentException("ConvCheck: only groups 1 and dilation 1 are checked, got " + g);
        }
    }

    /** A double sum with its term count and magnitude, for the tolerance. */
    private static final class Sum {
        double value;
        double magnitude;
        int terms;

        void add(double t) {
            value += t;
            magnitude += Math.abs(t);
            terms++;
        }

        void check(String what, String tensor, float got, int i0, int i1, int i2, int i3) {
            double tol = (terms + 2) * 0x1p-24 * magnitude + Float.MIN_NORMAL;
            if (!(Math.abs(got - value) <= tol)) {
                throw new IllegalStateException(String.format(Locale.ROOT,
                        "%s: wrong result: %s[%d, %d, %d, %d] = %s but the double-precision reference is %s"
                                + " (|difference| %.3g > tolerance %.3g)",
                        what, tensor, i0, i1, i2, i3, got, value, Math.abs(got - value), tol));
            }
        }
    }
}
