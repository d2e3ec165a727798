package org.bitspike.tensor.kernel;

import static org.bitspike.tensor.kernel.ConvReference.abs;
import static org.bitspike.tensor.kernel.ConvReference.assertClose;
import static org.bitspike.tensor.kernel.ConvReference.dot;
import static org.bitspike.tensor.kernel.ConvReference.randomDoubles;
import static org.bitspike.tensor.kernel.ConvReference.randomFloats;
import static org.bitspike.tensor.kernel.ConvReference.toDouble;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Convolution kernels: the fast GEMM-based kernels (on the vector provider's GEMM and on the scalar
 * GEMM) and the scalar oracle against an independent FLOAT64 reference ({@link ConvReference}),
 * gradients by the adjoint identity and finite differences, and bit-identity across thread counts.
 */
class Conv2dKernelsTest {
    private static final Parallel ONE = Parallel.of(1);
    private static final Parallel TWO = Parallel.of(2);
    private static final ConvKernels SCALAR = KernelProvider.scalar().conv();
    private static final ConvKernels VECTOR = KernelProvider.lookup("vector").provider().conv();
    private static final ConvKernels GEMM_ON_SCALAR = new GemmConvKernels(KernelProvider.scalar().gemm());
    private static final List<ConvKernels> FLOAT_KERNELS = List.of(SCALAR, VECTOR, GEMM_ON_SCALAR);

    // ---- generators ----

    @Provide
    Arbitrary<Conv2dGeometry> geometries() {
        return ConvReference.geometries();
    }

    /** The cases the brief names, always run: stride 2, pads 0/1/2, dilation 2, groups, 1x1, 5x5, odd, N=1. */
    static Stream<Conv2dGeometry> namedCases() {
        return Stream.of(
                Conv2dGeometry.of(2, 3, 8, 8, 4, 3, 3, 1, 1, 1, 1),
                Conv2dGeometry.of(2, 3, 9, 7, 4, 3, 3, 2, 1, 1, 1),
                Conv2dGeometry.of(1, 2, 7, 9, 3, 3, 3, 1, 0, 1, 1),
                Conv2dGeometry.of(1, 2, 7, 9, 3, 5, 5, 1, 2, 1, 1),
                Conv2dGeometry.of(2, 3, 11, 10, 2, 3, 3, 1, 2, 2, 1),
                Conv2dGeometry.of(2, 4, 6, 6, 6, 3, 3, 1, 1, 1, 2),
                Conv2dGeometry.of(2, 4, 7, 5, 4, 3, 3, 2, 1, 1, 4),
                Conv2dGeometry.of(1, 3, 5, 5, 6, 3, 3, 1, 1, 1, 3),
                Conv2dGeometry.of(3, 5, 7, 6, 4, 1, 1, 1, 0, 1, 1),
                Conv2dGeometry.of(1, 5, 7, 6, 4, 1, 1, 2, 1, 1, 1),
                Conv2dGeometry.of(1, 1, 13, 11, 2, 5, 5, 3, 2, 1, 1),
                new Conv2dGeometry(2, 2, 9, 12, 3, 2, 3, 2, 1, 0, 2, 2, 1, 1),
                Conv2dGeometry.of(1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1),
                Conv2dGeometry.of(1, 2, 3, 3, 2, 3, 3, 1, 2, 2, 2));
    }

    // ---- forward and gradients against the reference ----

    @Property(seed = "20240611")
    void kernelsMatchReference(@ForAll("geometries") Conv2dGeometry g, @ForAll long dataSeed) {
        checkAgainstReference(g, new SplittableRandom(dataSeed));
    }

    @Example
    void namedCasesMatchReference() {
        SplittableRandom rnd = new SplittableRandom(7);
        namedCases().forEach(g -> checkAgainstReference(g, rnd));
    }

    private static void checkAgainstReference(Conv2dGeometry g, SplittableRandom rnd) {
        float[] x = randomFloats(rnd, g.inputSize());
        float[] w = randomFloats(rnd, g.weightSize());
        float[] bias = randomFloats(rnd, g.cout());
        float[] dy = randomFloats(rnd, g.outputSize());
        double[] xd = toDouble(x), wd = toDouble(w), bd = toDouble(bias), dyd = toDouble(dy);

        double[] y = ConvReference.forward(g, xd, wd, bd);
        double[] yBound = ConvReference.forward(g, abs(xd), abs(wd), abs(bd));
        double[] dx = ConvReference.backwardInput(g, dyd, wd);
        double[] dxBound = ConvReference.backwardInput(g, abs(dyd), abs(wd));
        double[] dw = ConvReference.backwardWeight(g, xd, dyd);
        double[] dwBound = ConvReference.backwardWeight(g, abs(xd), abs(dyd));
        double[] db = ConvReference.backwardBias(g, dyd);
        double[] dbBound = ConvReference.backwardBias(g, abs(dyd));
        int plane = g.outH() * g.outW();

        for (ConvKernels k : FLOAT_KERNELS) {
            String name = k.getClass().getSimpleName();
            float[] out = new float[g.outputSize()];
            k.conv2d(g, x, 0, w, 0, bias, 0, out, 0, TWO);
            assertClose(name + " conv2d", g, out, y, yBound, g.patchSize() + 1, 2);
            k.conv2d(g, x, 0, w, 0, null, 0, out, 0, TWO);
            assertClose(name + " conv2d without bias", g, out, ConvReference.forward(g, xd, wd, null), yBound,
                    g.patchSize() + 1, 2);
            float[] gx = new float[g.inputSize()];
            k.conv2dBackwardInput(g, dy, 0, w, 0, gx, 0, TWO);
            assertClose(name + " conv2dBackwardInput", g, gx, dx, dxBound, g.coutPerGroup() * g.kH() * g.kW(), 2);
            float[] gw = new float[g.weightSize()];
            k.conv2dBackwardWeight(g, x, 0, dy, 0, gw, 0, TWO);
            assertClose(name + " conv2dBackwardWeight", g, gw, dw, dwBound, g.n() * plane, 2);
            float[] gb = new float[g.cout()];
            k.conv2dBackwardBias(g, dy, 0, gb, 0, TWO);
            assertClose(name + " conv2dBackwardBias", g, gb, db, dbBound, 1, 2);
        }

        // FLOAT64 (scalar in every provider)
        for (ConvKernels k : List.of(SCALAR, VECTOR)) {
            double[] out = new double[g.outputSize()];
            k.conv2d(g, xd, 0, wd, 0, bd, 0, out, 0, TWO);
            assertClose("FLOAT64 conv2d", g, out, y, yBound);
            double[] gx = new double[g.inputSize()];
            k.conv2dBackwardInput(g, dyd, 0, wd, 0, gx, 0, TWO);
            assertClose("FLOAT64 conv2dBackwardInput", g, gx, dx, dxBound);
            double[] gw = new double[g.weightSize()];
            k.conv2dBackwardWeight(g, xd, 0, dyd, 0, gw, 0, TWO);
            assertClose("FLOAT64 conv2dBackwardWeight", g, gw, dw, dwBound);
            double[] gb = new double[g.cout()];
            k.conv2dBackwardBias(g, dyd, 0, gb, 0, TWO);
            assertClose("FLOAT64 conv2dBackwardBias", g, gb, db, dbBound);
        }
    }

    @Example
    void offsetsAreHonoured() {
        Conv2dGeometry g = Conv2dGeometry.of(2, 4, 6, 5, 6, 3, 3, 1, 1, 1, 2);
        SplittableRandom rnd = new SplittableRandom(11);
        float[] x = randomFloats(rnd, g.inputSize()), w = randomFloats(rnd, g.weightSize());
        float[] b = randomFloats(rnd, g.cout()), dy = randomFloats(rnd, g.outputSize());
        for (ConvKernels k : FLOAT_KERNELS) {
            float[] y = new float[g.outputSize()], y5 = new float[g.outputSize() + 5];
            k.conv2d(g, x, 0, w, 0, b, 0, y, 0, ONE);
            k.conv2d(g, shift(x, 3), 3, shift(w, 1), 1, shift(b, 2), 2, y5, 5, ONE);
            assertArrayEquals(y, java.util.Arrays.copyOfRange(y5, 5, y5.length));
            float[] dx = new float[g.inputSize()], dx4 = new float[g.inputSize() + 4];
            k.conv2dBackwardInput(g, dy, 0, w, 0, dx, 0, ONE);
            k.conv2dBackwardInput(g, shift(dy, 2), 2, shift(w, 3), 3, dx4, 4, ONE);
            assertArrayEquals(dx, java.util.Arrays.copyOfRange(dx4, 4, dx4.length));
            float[] dw = new float[g.weightSize()], dw6 = new float[g.weightSize() + 6];
            k.conv2dBackwardWeight(g, x, 0, dy, 0, dw, 0, ONE);
            k.conv2dBackwardWeight(g, shift(x, 1), 1, shift(dy, 7), 7, dw6, 6, ONE);
            assertArrayEquals(dw, java.util.Arrays.copyOfRange(dw6, 6, dw6.length));
        }
    }

    private static float[] shift(float[] a, int by) {
        float[] s = new float[a.length + by];
        java.util.Arrays.fill(s, Float.NaN); // garbage before the offset must never be read
        System.arraycopy(a, 0, s, by, a.length);
        return s;
    }

    // ---- gradients: adjoint identity and finite differences (FLOAT64) ----

    /** {@code <conv(x, w), dy> == <x, dx(dy, w)> == <w, dw(x, dy)>}: the backward ops are the adjoints. */
    @Property(seed = "3141592")
    void gradientsAreAdjoints(@ForAll("geometries") Conv2dGeometry g, @ForAll long dataSeed) {
        SplittableRandom rnd = new SplittableRandom(dataSeed);
        double[] x = randomDoubles(rnd, g.inputSize()), w = randomDoubles(rnd, g.weightSize());
        double[] dy = randomDoubles(rnd, g.outputSize());
        double[] y = new double[g.outputSize()], dx = new double[g.inputSize()], dw = new double[g.weightSize()];
        SCALAR.conv2d(g, x, 0, w, 0, null, 0, y, 0, ONE);
        SCALAR.conv2dBackwardInput(g, dy, 0, w, 0, dx, 0, ONE);
        SCALAR.conv2dBackwardWeight(g, x, 0, dy, 0, dw, 0, ONE);
        double lhs = dot(y, dy);
        double scale = dot(abs(y), abs(dy)) + 1;
        assertEquals(lhs, dot(x, dx), 1e-12 * scale, () -> "<conv(x,w),dy> vs <x,dx> for " + g);
        assertEquals(lhs, dot(w, dw), 1e-12 * scale, () -> "<conv(x,w),dy> vs <w,dw> for " + g);

        // the FLOAT32 fast kernels satisfy it too, to float accuracy
        float[] xf = toFloat(x), wf = toFloat(w), dyf = toFloat(dy);
        float[] yf = new float[g.outputSize()], dxf = new float[g.inputSize()], dwf = new float[g.weightSize()];
        VECTOR.conv2d(g, xf, 0, wf, 0, null, 0, yf, 0, TWO);
        VECTOR.conv2dBackwardInput(g, dyf, 0, wf, 0, dxf, 0, TWO);
        VECTOR.conv2dBackwardWeight(g, xf, 0, dyf, 0, dwf, 0, TWO);
        double lhsF = dot(toDouble(yf), toDouble(dyf));
        double tol = 1e-5 * (dot(abs(y), abs(dy)) + 1) * Math.sqrt(g.patchSize() + g.n() * g.outH() * g.outW());
        assertEquals(lhsF, dot(toDouble(xf), toDouble(dxf)), tol, () -> "FLOAT32 <y,dy> vs <x,dx> for " + g);
        assertEquals(lhsF, dot(toDouble(wf), toDouble(dwf)), tol, () -> "FLOAT32 <y,dy> vs <w,dw> for " + g);
    }

    /**
     * Regression: a tap lying wholly in the left padding (dilation 2, padding 2, one-pixel-wide
     * input) made the im2col source call arraycopy with a negative source index and length 0.
     */
    @Example
    void tapsInsideThePaddingAreZeros() {
        gradientsAreAdjoints(new Conv2dGeometry(1, 2, 1, 1, 2, 1, 3, 2, 1, 0, 2, 1, 2, 2), 0L);
        gradientsAreAdjoints(new Conv2dGeometry(3, 3, 9, 5, 3, 3, 5, 2, 1, 2, 2, 1, 2, 3), 7453965422397675582L);
    }

    private static float[] toFloat(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            f[i] = (float) a[i];
        }
        return f;
    }

    /** Central differences of {@code L = <conv(x, w, b), r>} on a tiny strided, dilated, grouped case. */
    @Example
    void gradientsMatchFiniteDifferences() {
        Conv2dGeometry g = new Conv2dGeometry(2, 4, 5, 6, 2, 3, 2, 2, 1, 1, 1, 1, 2, 2);
        SplittableRandom rnd = new SplittableRandom(99);
        double[] x = randomDoubles(rnd, g.inputSize()), w = randomDoubles(rnd, g.weightSize());
        double[] b = randomDoubles(rnd, g.cout()), r = randomDoubles(rnd, g.outputSize());
        double[] dx = new double[x.length], dw = new double[w.length], db = new double[b.length];
        SCALAR.conv2dBackwardInput(g, r, 0, w, 0, dx, 0, ONE);
        SCALAR.conv2dBackwardWeight(g, x, 0, r, 0, dw, 0, ONE);
        SCALAR.conv2dBackwardBias(g, r, 0, db, 0, ONE);
        double h = 1e-6;
        for (double[][] pair : new double[][][] {{x, dx}, {w, dw}, {b, db}}) {
            double[] v = pair[0];
            for (int i = 0; i < v.length; i++) {
                double keep = v[i];
                v[i] = keep + h;
                double up = loss(g, x, w, b, r);
                v[i] = keep - h;
                double down = loss(g, x, w, b, r);
                v[i] = keep;
                double numeric = (up - down) / (2 * h);
                int at = i;
                assertEquals(numeric, pair[1][i], 1e-7 * (1 + Math.abs(numeric)),
                        () -> "conv2d gradient, input " + (v == x ? "x" : v == w ? "w" : "bias") + "[" + at + "]");
            }
        }
    }

    private static double loss(Conv2dGeometry g, double[] x, double[] w, double[] b, double[] r) {
        double[] y = new double[g.outputSize()];
        SCALAR.conv2d(g, x, 0, w, 0, b, 0, y, 0, ONE);
        return dot(y, r);
    }

    /** Hand-computed: a 3x3 ramp convolved with a 2x2 kernel of ones sums each 2x2 window. */
    @Example
    void goldenWindowSums() {
        Conv2dGeometry g = Conv2dGeometry.of(1, 1, 3, 3, 1, 2, 2, 1, 0, 1, 1);
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        float[] w = {1, 1, 1, 1};
        for (ConvKernels k : FLOAT_KERNELS) {
            float[] y = new float[4];
            k.conv2d(g, x, 0, w, 0, new float[] {0.5f}, 0, y, 0, ONE);
            assertArrayEquals(new float[] {12.5f, 16.5f, 24.5f, 28.5f}, y);
            float[] dx = new float[9];
            k.conv2dBackwardInput(g, new float[] {1, 1, 1, 1}, 0, w, 0, dx, 0, ONE);
            assertArrayEquals(new float[] {1, 2, 1, 2, 4, 2, 1, 2, 1}, dx); // how many windows cover each pixel
        }
    }

    // ---- determinism ----

    /** Shapes that split images into row chunks, the weight gradient into ranges, and use both dx paths. */
    static Stream<Conv2dGeometry> parallelCases() {
        return Stream.of(
                Conv2dGeometry.of(1, 3, 48, 40, 8, 3, 3, 1, 1, 1, 1),
                Conv2dGeometry.of(3, 8, 20, 20, 8, 3, 3, 1, 1, 1, 1),
                Conv2dGeometry.of(2, 6, 33, 31, 4, 3, 3, 2, 1, 1, 2),
                Conv2dGeometry.of(20, 4, 12, 12, 4, 3, 3, 1, 1, 2, 4),
                Conv2dGeometry.of(1, 2, 70, 30, 3, 5, 5, 1, 2, 1, 1));
    }

    @Example
    void oneAndTwoThreadsAreBitIdentical() {
        SplittableRandom rnd = new SplittableRandom(5);
        parallelCases().forEach(g -> {
            float[] x = randomFloats(rnd, g.inputSize()), w = randomFloats(rnd, g.weightSize());
            float[] b = randomFloats(rnd, g.cout()), dy = randomFloats(rnd, g.outputSize());
            for (ConvKernels k : FLOAT_KERNELS) {
                float[][] one = runAll(k, g, x, w, b, dy, ONE);
                float[][] two = runAll(k, g, x, w, b, dy, TWO);
                for (int i = 0; i < one.length; i++) {
                    assertArrayEquals(one[i], two[i], "output " + i + " of " + k.getClass().getSimpleName() + " " + g);
                }
            }
        });
    }

    private static float[][] runAll(ConvKernels k, Conv2dGeometry g, float[] x, float[] w, float[] b, float[] dy,
                                    Parallel p) {
        float[] y = new float[g.outputSize()], dx = new float[g.inputSize()], dw = new float[g.weightSize()];
        float[] db = new float[g.cout()];
        k.conv2d(g, x, 0, w, 0, b, 0, y, 0, p);
        k.conv2dBackwardInput(g, dy, 0, w, 0, dx, 0, p);
        k.conv2dBackwardWeight(g, x, 0, dy, 0, dw, 0, p);
        k.conv2dBackwardBias(g, dy, 0, db, 0, p);
        return new float[][] {y, dx, dw, db};
    }

    @Example
    void parallelCasesMatchReference() {
        SplittableRandom rnd = new SplittableRandom(17);
        parallelCases().forEach(g -> checkAgainstReference(g, rnd));
    }

    @Example
    void providersExposeTheirConvolution() {
        assertTrue(SCALAR instanceof ScalarConvKernels);
        assertTrue(VECTOR instanceof GemmConvKernels);
    }
}
