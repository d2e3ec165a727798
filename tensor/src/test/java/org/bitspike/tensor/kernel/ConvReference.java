package org.bitspike.tensor.kernel;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * Test-side FLOAT64 reference convolution, written independently of both kernels: an explicit
 * im2col matrix multiplied with EJML (forward, weight gradient) and an explicit col2im scatter
 * (input gradient). Plus seeded random data and the error-bound comparison the tests share.
 */
final class ConvReference {
    private ConvReference() {
    }

    /**
     * Small convolution geometries covering every parameter: batch 1-3, 1-3 groups or depthwise,
     * kernels 1, 2, 3 and 5, strides 1-3, padding 0-2, dilation 1-2, odd and tiny planes.
     */
    static Arbitrary<Conv2dGeometry> geometries() {
        Arbitrary<int[]> shape = Combinators.combine(
                Arbitraries.integers().between(1, 3),          // n
                Arbitraries.integers().between(1, 3),          // groups
                Arbitraries.integers().between(1, 3),          // input channels per group
                Arbitraries.integers().between(1, 3),          // output channels per group
                Arbitraries.integers().between(1, 11),         // h
                Arbitraries.integers().between(1, 11),         // w
                Arbitraries.of(1, 2, 3, 5),                     // kH
                Arbitraries.of(1, 2, 3, 5)                      // kW
        ).as((n, groups, cinG, coutG, h, w, kh, kw) -> new int[] {n, groups, cinG, coutG, h, w, kh, kw});
        Arbitrary<int[]> hyper = Combinators.combine(
                Arbitraries.integers().between(1, 3),          // strideH
                Arbitraries.integers().between(1, 3),          // strideW
                Arbitraries.integers().between(0, 2),          // padH
                Arbitraries.integers().between(0, 2),          // padW
                Arbitraries.integers().between(1, 2),          // dilationH
                Arbitraries.integers().between(1, 2),          // dilationW
                Arbitraries.of(false, false, true)              // depthwise
        ).as((sh, sw, ph, pw, dh, dw, depthwise) -> new int[] {sh, sw, ph, pw, dh, dw, depthwise ? 1 : 0});
        return Combinators.combine(shape, hyper).as(ConvReference::geometry);
    }

    /** Builds a valid geometry, growing the input until the dilated kernel fits. */
    private static Conv2dGeometry geometry(int[] s, int[] p) {
        int n = s[0], groups = s[1], cinG = p[6] == 1 ? 1 : s[2], coutG = s[3], kh = s[6], kw = s[7];
        int h = Math.max(s[4], p[4] * (kh - 1) + 1 - 2 * p[2]);
        int w = Math.max(s[5], p[5] * (kw - 1) + 1 - 2 * p[3]);
        return new Conv2dGeometry(n, groups * cinG, h, w, groups * coutG, kh, kw, p[0], p[1], p[2], p[3],
                p[4], p[5], groups);
    }

    static float[] randomFloats(SplittableRandom rnd, int size) {
        float[] a = new float[size];
        for (int i = 0; i < size; i++) {
            a[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return a;
    }

    static double[] randomDoubles(SplittableRandom rnd, int size) {
        double[] a = new double[size];
        for (int i = 0; i < size; i++) {
            a[i] = rnd.nextDouble() * 2 - 1;
        }
        return a;
    }

    static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    static double[] abs(double[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = Math.abs(a[i]);
        }
        return d;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** The explicit im2col of image n, group grp: {@code [cinG * kH * kW, outH * outW]}. */
    static DMatrixRMaj im2col(Conv2dGeometry g, double[] x, int n, int grp) {
        int oh = g.outH(), ow = g.outW(), cinG = g.cinPerGroup();
        DMatrixRMaj col = new DMatrixRMaj(g.patchSize(), oh * ow);
        for (int ci = 0; ci < cinG; ci++) {
            for (int a = 0; a < g.kH(); a++) {
                for (int b = 0; b < g.kW(); b++) {
                    int row = (ci * g.kH() + a) * g.kW() + b;
                    for (int i = 0; i < oh; i++) {
                        for (int j = 0; j < ow; j++) {
                            int ih = i * g.strideH() - g.padH() + a * g.dilationH();
                            int iw = j * g.strideW() - g.padW() + b * g.dilationW();
                            if (ih >= 0 && ih < g.h() && iw >= 0 && iw < g.w()) {
                                int c = grp * cinG + ci;
                                col.set(row, i * ow + j, x[((n * g.cin() + c) * g.h() + ih) * g.w() + iw]);
                            }
                        }
                    }
                }
            }
        }
        return col;
    }

    private static DMatrixRMaj weightOfGroup(Conv2dGeometry g, double[] w, int grp) {
        int coutG = g.coutPerGroup(), k = g.patchSize();
        DMatrixRMaj m = new DMatrixRMaj(coutG, k);
        System.arraycopy(w, grp * coutG * k, m.data, 0, coutG * k);
        return m;
    }

    private static DMatrixRMaj outputOfGroup(Conv2dGeometry g, double[] y, int n, int grp) {
        int coutG = g.coutPerGroup(), plane = g.outH() * g.outW();
        DMatrixRMaj m = new DMatrixRMaj(coutG, plane);
        System.arraycopy(y, (n * g.cout() + grp * coutG) * plane, m.data, 0, coutG * plane);
        return m;
    }

    static double[] forward(Conv2dGeometry g, double[] x, double[] w, double[] bias) {
        double[] y = new double[g.outputSize()];
        int coutG = g.coutPerGroup(), plane = g.outH() * g.outW();
        for (int n = 0; n < g.n(); n++) {
            for (int grp = 0; grp < g.groups(); grp++) {
                DMatrixRMaj out = new DMatrixRMaj(coutG, plane);
                CommonOps_DDRM.mult(weightOfGroup(g, w, grp), im2col(g, x, n, grp), out);
                int base = (n * g.cout() + grp * coutG) * plane;
                for (int i = 0; i < coutG * plane; i++) {
                    y[base + i] = out.data[i] + (bias == null ? 0 : bias[grp * coutG + i / plane]);
                }
            }
        }
        return y;
    }

    static double[] backwardWeight(Conv2dGeometry g, double[] x, double[] dy) {
        double[] dw = new double[g.weightSize()];
        int coutG = g.coutPerGroup(), k = g.patchSize();
        for (int grp = 0; grp < g.groups(); grp++) {
            DMatrixRMaj sum = new DMatrixRMaj(coutG, k);
            for (int n = 0; n < g.n(); n++) {
                CommonOps_DDRM.multAddTransB(outputOfGroup(g, dy, n, grp), im2col(g, x, n, grp), sum);
            }
            System.arraycopy(sum.data, 0, dw, grp * coutG * k, coutG * k);
        }
        return dw;
    }

    static double[] backwardInput(Conv2dGeometry g, double[] dy, double[] w) {
        double[] dx = new double[g.inputSize()];
        int oh = g.outH(), ow = g.outW(), cinG = g.cinPerGroup(), k = g.patchSize();
        for (int n = 0; n < g.n(); n++) {
            for (int grp = 0; grp < g.groups(); grp++) {
                DMatrixRMaj dcol = new DMatrixRMaj(k, oh * ow);
                CommonOps_DDRM.multTransA(weightOfGroup(g, w, grp), outputOfGroup(g, dy, n, grp), dcol);
                for (int row = 0; row < k; row++) {
                    int ci = row / (g.kH() * g.kW()), a = row / g.kW() % g.kH(), b = row % g.kW();
                    for (int i = 0; i < oh; i++) {
                        for (int j = 0; j < ow; j++) {
                            int ih = i * g.strideH() - g.padH() + a * g.dilationH();
                            int iw = j * g.strideW() - g.padW() + b * g.dilationW();
                            if (ih >= 0 && ih < g.h() && iw >= 0 && iw < g.w()) {
                                dx[((n * g.cin() + grp * cinG + ci) * g.h() + ih) * g.w() + iw] +=
                                        dcol.get(row, i * ow + j);
                            }
                        }
                    }
                }
            }
        }
        return dx;
    }

    static double[] backwardBias(Conv2dGeometry g, double[] dy) {
        double[] db = new double[g.cout()];
        int plane = g.outH() * g.outW();
        for (int i = 0; i < dy.length; i++) {
            db[i / plane % g.cout()] += dy[i];
        }
        return db;
    }

    /**
     * Asserts {@code |actual - ref| <= slack * terms * 2^-24 * bound + tiny} elementwise, where
     * {@code bound} is the same computation on absolute values (the classic floating-point bound of
     * a sum of {@code terms} products, times a slack factor).
     */
    static void assertClose(String what, Object geometry, float[] actual, double[] ref, double[] bound,
                            int terms, double slack) {
        if (actual.length < ref.length) {
            fail(what + ": " + actual.length + " elements, expected " + ref.length);
        }
        double eps = Math.ulp(1.0f) / 2;
        for (int i = 0; i < ref.length; i++) {
            double tol = slack * (terms + 2) * eps * bound[i] + 1e-30;
            if (!(Math.abs(actual[i] - ref[i]) <= tol)) {
                fail(String.format("%s at %d for %s: got %s, reference %s (|diff| %.3g > tolerance %.3g)",
                        what, i, geometry, actual[i], ref[i], Math.abs(actual[i] - ref[i]), tol));
            }
        }
    }

    /** Asserts a FLOAT64 result equals the reference up to {@code 1e-12} relative to the bound. */
    static void assertClose(String what, Object geometry, double[] actual, double[] ref, double[] bound) {
        for (int i = 0; i < ref.length; i++) {
            double tol = 1e-12 * (bound[i] + 1e-300);
            if (!(Math.abs(actual[i] - ref[i]) <= tol)) {
                fail(String.format("%s at %d for %s: got %s, reference %s", what, i, geometry, actual[i], ref[i]));
            }
        }
    }

    static String str(float[] a) {
        return Arrays.toString(a);
    }
}
