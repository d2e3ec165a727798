package org.bitspike.tensor.kernel;

import static org.bitspike.tensor.kernel.ConvReference.abs;
import static org.bitspike.tensor.kernel.ConvReference.dot;
import static org.bitspike.tensor.kernel.ConvReference.randomDoubles;
import static org.bitspike.tensor.kernel.ConvReference.randomFloats;
import static org.bitspike.tensor.kernel.ConvReference.toDouble;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Max and average pooling of every provider against naive window loops; gradients by adjoint and scatter. */
class Pool2dKernelsTest {
    private static final Parallel ONE = Parallel.of(1);
    private static final Parallel TWO = Parallel.of(2);
    private static final List<ConvKernels> KERNELS = List.of(KernelProvider.scalar().conv(),
            KernelProvider.lookup("vector").provider().conv());

    @Provide
    Arbitrary<Pool2dGeometry> geometries() {
        Arbitrary<int[]> shape = Combinators.combine(
                Arbitraries.integers().between(1, 2),   // n
                Arbitraries.integers().between(1, 3),   // c
                Arbitraries.integers().between(1, 12),  // h
                Arbitraries.integers().between(1, 12),  // w
                Arbitraries.integers().between(1, 4),   // kH
                Arbitraries.integers().between(1, 4)    // kW
        ).as((n, c, h, w, kh, kw) -> new int[] {n, c, h, w, kh, kw});
        Arbitrary<int[]> hyper = Combinators.combine(
                Arbitraries.integers().between(1, 3),   // strides
                Arbitraries.integers().between(1, 3),
                Arbitraries.integers().between(0, 2),   // pads (clamped to half the kernel)
                Arbitraries.integers().between(0, 2),
                Arbitraries.of(1, 1, 2),                // dilations
                Arbitraries.of(1, 1, 2)
        ).as((sh, sw, ph, pw, dh, dw) -> new int[] {sh, sw, ph, pw, dh, dw});
        return Combinators.combine(shape, hyper).as(Pool2dKernelsTest::geometry);
    }

    private static Pool2dGeometry geometry(int[] s, int[] p) {
        int kh = s[4], kw = s[5], dh = p[4], dw = p[5];
        int effH = dh * (kh - 1) + 1, effW = dw * (kw - 1) + 1;
        int ph = Math.min(p[2], effH / 2), pw = Math.min(p[3], effW / 2);
        // an input at least as large as the dilated window leaves no window empty
        int h = Math.max(s[2], effH), w = Math.max(s[3], effW);
        return new Pool2dGeometry(s[0], s[1], h, w, kh, kw, p[0], p[1], ph, pw, dh, dw);
    }

    // ---- naive references: visit every tap, skip those outside ----

    private static double[] naiveMax(Pool2dGeometry g, double[] x, int[] argmax) {
        int oh = g.outH(), ow = g.outW();
        double[] y = new double[g.outputSize()];
        for (int p = 0; p < g.planes(); p++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    double best = Double.NEGATIVE_INFINITY;
                    int at = -1;
                    for (int a = 0; a < g.kH(); a++) {
                        for (int b = 0; b < g.kW(); b++) {
                            int ih = i * g.strideH() - g.padH() + a * g.dilationH();
                            int iw = j * g.strideW() - g.padW() + b * g.dilationW();
                            if (ih < 0 || ih >= g.h() || iw < 0 || iw >= g.w()) {
                                continue;
                            }
                            double v = x[p * g.h() * g.w() + ih * g.w() + iw];
                            if (at < 0 || v > best) {
                                best = v;
                                at = ih * g.w() + iw;
                            }
                        }
                    }
                    y[(p * oh + i) * ow + j] = best;
                    argmax[(p * oh + i) * ow + j] = at;
                }
            }
        }
        return y;
    }

    private static double[] naiveAvg(Pool2dGeometry g, boolean countIncludePad, double[] x) {
        int oh = g.outH(), ow = g.outW();
        double[] y = new double[g.outputSize()];
        for (int p = 0; p < g.planes(); p++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    double s = 0;
                    int count = 0;
                    for (int a = 0; a < g.kH(); a++) {
                        for (int b = 0; b < g.kW(); b++) {
                            int ih = i * g.strideH() - g.padH() + a * g.dilationH();
                            int iw = j * g.strideW() - g.padW() + b * g.dilationW();
                            if (ih >= 0 && ih < g.h() && iw >= 0 && iw < g.w()) {
                                s += x[p * g.h() * g.w() + ih * g.w() + iw];
                                count++;
                            }
                        }
                    }
                    y[(p * oh + i) * ow + j] = s / (countIncludePad ? g.kH() * g.kW() : count);
                }
            }
        }
        return y;
    }

    // ---- forward ----

    @Property(seed = "271828")
    void forwardMatchesNaive(@ForAll("geometries") Pool2dGeometry g, @ForAll boolean countIncludePad,
                             @ForAll long dataSeed) {
        SplittableRandom rnd = new SplittableRandom(dataSeed);
        float[] x = randomFloats(rnd, g.inputSize());
        double[] xd = toDouble(x);
        int[] refIdx = new int[g.outputSize()];
        double[] refMax = naiveMax(g, xd, refIdx);
        double[] refAvg = naiveAvg(g, countIncludePad, xd);
        for (ConvKernels k : KERNELS) {
            float[] y = new float[g.outputSize()];
            int[] idx = new int[g.outputSize()];
            k.maxPool2d(g, x, 0, y, 0, idx, 0, TWO);
            assertArrayEquals(refIdx, idx, () -> "maxPool2d argmax for " + g);
            assertArrayEquals(toDouble(y), refMax, 0.0, () -> "maxPool2d for " + g);
            double[] yd = new double[g.outputSize()];
            k.maxPool2d(g, xd, 0, yd, 0, idx, 0, TWO);
            assertArrayEquals(refIdx, idx, () -> "FLOAT64 maxPool2d argmax for " + g);
            assertArrayEquals(refMax, yd, 0.0, () -> "FLOAT64 maxPool2d for " + g);

            k.avgPool2d(g, countIncludePad, x, 0, y, 0, TWO);
            int taps = g.kH() * g.kW();
            assertArrayEquals(refAvg, toDouble(y), (taps + 2) * 6e-8, () -> "avgPool2d for " + g);
            k.avgPool2d(g, countIncludePad, xd, 0, yd, 0, TWO);
            assertArrayEquals(refAvg, yd, 1e-14, () -> "FLOAT64 avgPool2d for " + g);
        }
    }

    // ---- backward ----

    /** {@code <pool(x), dy> == <x, poolBackward(dy)>} (for max, with the argmax of that x). */
    @Property(seed = "161803")
    void backwardIsTheAdjoint(@ForAll("geometries") Pool2dGeometry g, @ForAll boolean countIncludePad,
                              @ForAll long dataSeed) {
        SplittableRandom rnd = new SplittableRandom(dataSeed);
        double[] x = randomDoubles(rnd, g.inputSize()), dy = randomDoubles(rnd, g.outputSize());
        for (ConvKernels k : KERNELS) {
            double[] y = new double[g.outputSize()], dx = new double[g.inputSize()];
            k.avgPool2d(g, countIncludePad, x, 0, y, 0, TWO);
            k.avgPool2dBackward(g, countIncludePad, dy, 0, dx, 0, TWO);
            double scale = dot(abs(y), abs(dy)) + 1;
            assertEquals(dot(y, dy), dot(x, dx), 1e-12 * scale, () -> "avgPool2d adjoint for " + g);

            int[] idx = new int[g.outputSize()];
            k.maxPool2d(g, x, 0, y, 0, idx, 0, TWO);
            k.maxPool2dBackward(g, dy, 0, idx, 0, dx, 0, TWO);
            assertEquals(dot(y, dy), dot(x, dx), 1e-12 * scale, () -> "maxPool2d adjoint for " + g);

            float[] xf = new float[x.length], dyf = new float[dy.length];
            for (int i = 0; i < x.length; i++) {
                xf[i] = (float) x[i];
            }
            for (int i = 0; i < dy.length; i++) {
                dyf[i] = (float) dy[i];
            }
            float[] yf = new float[g.outputSize()], dxf = new float[g.inputSize()];
            k.avgPool2d(g, countIncludePad, xf, 0, yf, 0, TWO);
            k.avgPool2dBackward(g, countIncludePad, dyf, 0, dxf, 0, TWO);
            assertEquals(dot(toDouble(yf), toDouble(dyf)), dot(toDouble(xf), toDouble(dxf)), 1e-5 * scale,
                    () -> "FLOAT32 avgPool2d adjoint for " + g);
        }
    }

    /** Max backward puts each dy at its argmax, adding where windows overlap, zero elsewhere. */
    @Property(seed = "57721")
    void maxBackwardScattersToArgmax(@ForAll("geometries") Pool2dGeometry g, @ForAll long dataSeed) {
        SplittableRandom rnd = new SplittableRandom(dataSeed);
        float[] x = randomFloats(rnd, g.inputSize()), dy = randomFloats(rnd, g.outputSize());
        int plane = g.h() * g.w(), outPlane = g.outH() * g.outW();
        for (ConvKernels k : KERNELS) {
            float[] y = new float[g.outputSize()], dx = new float[g.inputSize()];
            int[] idx = new int[g.outputSize()];
            k.maxPool2d(g, x, 0, y, 0, idx, 0, TWO);
            java.util.Arrays.fill(dx, Float.NaN); // the backward overwrites every element
            k.maxPool2dBackward(g, dy, 0, idx, 0, dx, 0, TWO);
            float[] expected = new float[g.inputSize()];
            for (int o = 0; o < g.outputSize(); o++) {
                expected[o / outPlane * plane + idx[o]] += dy[o];
            }
            assertArrayEquals(expected, dx, () -> "maxPool2dBackward for " + g);
        }
    }

    // ---- golden cases and semantics ----

    @Example
    void goldenMaxAndAverage() {
        Pool2dGeometry g = Pool2dGeometry.of(1, 1, 4, 4, 2, 2, 0);
        float[] x = {
            1, 5, 2, 0,
            3, 4, 8, 8,
            0, 0, -1, -2,
            0, 7, -3, -1};
        for (ConvKernels k : KERNELS) {
            float[] y = new float[4];
            int[] idx = new int[4];
            k.maxPool2d(g, x, 0, y, 0, idx, 0, ONE);
            assertArrayEquals(new float[] {5, 8, 7, -1}, y);
            assertArrayEquals(new int[] {1, 6, 13, 10}, idx); // the tie 8, 8 goes to the first in scan order
            k.avgPool2d(g, true, x, 0, y, 0, ONE);
            assertArrayEquals(new float[] {13 / 4f, 18 / 4f, 7 / 4f, -7 / 4f}, y);
            float[] dx = new float[16];
            k.maxPool2dBackward(g, new float[] {1, 2, 3, 4}, 0, idx, 0, dx, 0, ONE);
            assertArrayEquals(new float[] {0, 1, 0, 0, 0, 0, 2, 0, 0, 0, 4, 0, 0, 3, 0, 0}, dx);
        }
    }

    @Example
    void padsCountOnlyWhenAskedTo() {
        // 3x3 window, pad 1, stride 1 on a 2x2 plane of ones: each window holds 4 real elements of 9
        Pool2dGeometry g = Pool2dGeometry.of(1, 1, 2, 2, 3, 1, 1);
        float[] x = {1, 1, 1, 1};
        for (ConvKernels k : KERNELS) {
            float[] y = new float[4];
            k.avgPool2d(g, true, x, 0, y, 0, ONE);
            assertArrayEquals(new float[] {4 / 9f, 4 / 9f, 4 / 9f, 4 / 9f}, y);
            k.avgPool2d(g, false, x, 0, y, 0, ONE);
            assertArrayEquals(new float[] {1, 1, 1, 1}, y);
            float[] dx = new float[4];
            k.avgPool2dBackward(g, false, new float[] {4, 8, 12, 16}, 0, dx, 0, ONE);
            assertArrayEquals(new float[] {10, 10, 10, 10}, dx); // every window covers every pixel: (4+8+12+16)/4
        }
    }

    @Example
    void maxPropagatesNaNAndHandlesInfinities() {
        Pool2dGeometry g = Pool2dGeometry.of(1, 1, 2, 4, 2, 2, 0);
        float[] x = {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, 3, Float.NaN,
            Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 9};
        for (ConvKernels k : KERNELS) {
            float[] y = new float[2];
            int[] idx = new int[2];
            k.maxPool2d(g, x, 0, y, 0, idx, 0, ONE);
            assertEquals(Float.NEGATIVE_INFINITY, y[0]);
            assertEquals(0, idx[0]);
            assertTrue(Float.isNaN(y[1]));
            assertEquals(3, idx[1]); // the first NaN
        }
    }

    @Example
    void twoByTwoTiesGoToTheFirstInScanOrder() {
        // the 2x2 / stride 2 fast path: equal values (signed zeros among them) keep the first
        Pool2dGeometry g = Pool2dGeometry.of(1, 1, 2, 6, 2, 2, 0);
        float[] x = {-0f, 0f, 5, 1, 2, 2,
            0f, -0f, 5, 5, 1, 2};
        for (ConvKernels k : KERNELS) {
            float[] y = new float[3];
            int[] idx = new int[3];
            k.maxPool2d(g, x, 0, y, 0, idx, 0, ONE);
            assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(y[0]));
            assertArrayEquals(new int[] {0, 2, 4}, idx);
            assertArrayEquals(new float[] {-0f, 5, 2}, y);
        }
    }

    @Example
    void oneAndTwoThreadsAreBitIdentical() {
        Pool2dGeometry g = new Pool2dGeometry(4, 16, 30, 29, 3, 3, 2, 2, 1, 1, 1, 1);
        SplittableRandom rnd = new SplittableRandom(3);
        float[] x = randomFloats(rnd, g.inputSize()), dy = randomFloats(rnd, g.outputSize());
        for (ConvKernels k : KERNELS) {
            float[] y1 = new float[g.outputSize()], y2 = new float[g.outputSize()];
            int[] i1 = new int[g.outputSize()], i2 = new int[g.outputSize()];
            float[] d1 = new float[g.inputSize()], d2 = new float[g.inputSize()];
            k.maxPool2d(g, x, 0, y1, 0, i1, 0, ONE);
            k.maxPool2d(g, x, 0, y2, 0, i2, 0, TWO);
            assertArrayEquals(y1, y2);
            assertArrayEquals(i1, i2);
            k.maxPool2dBackward(g, dy, 0, i1, 0, d1, 0, ONE);
            k.maxPool2dBackward(g, dy, 0, i1, 0, d2, 0, TWO);
            assertArrayEquals(d1, d2);
            k.avgPool2d(g, false, x, 0, y1, 0, ONE);
            k.avgPool2d(g, false, x, 0, y2, 0, TWO);
            assertArrayEquals(y1, y2);
            k.avgPool2dBackward(g, true, dy, 0, d1, 0, ONE);
            k.avgPool2dBackward(g, true, dy, 0, d2, 0, TWO);
            assertArrayEquals(d1, d2);
        }
    }

    @Example
    void offsetsAreHonoured() {
        Pool2dGeometry g = Pool2dGeometry.of(2, 3, 5, 6, 3, 2, 1);
        SplittableRandom rnd = new SplittableRandom(8);
        double[] x = randomDoubles(rnd, g.inputSize());
        double[] shifted = new double[x.length + 3];
        System.arraycopy(x, 0, shifted, 3, x.length);
        for (ConvKernels k : KERNELS) {
            double[] y = new double[g.outputSize()], y2 = new double[g.outputSize() + 2];
            int[] idx = new int[g.outputSize()], idx2 = new int[g.outputSize() + 5];
            k.maxPool2d(g, x, 0, y, 0, idx, 0, ONE);
            k.maxPool2d(g, shifted, 3, y2, 2, idx2, 5, ONE);
            assertArrayEquals(y, java.util.Arrays.copyOfRange(y2, 2, y2.length));
            assertArrayEquals(idx, java.util.Arrays.copyOfRange(idx2, 5, idx2.length));
        }
    }
}
