package org.bitspike.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.bitspike.tensor.Normalization.Activation;
import org.bitspike.tensor.Normalization.Gradients;
import org.bitspike.tensor.Normalization.Moments;
import org.bitspike.tensor.TensorLayouts.Layout;
import org.junit.jupiter.api.Test;

/**
 * The fused batch-normalisation passes: moments equal the reductions' mean and biased variance bit
 * for bit; the affine pass equals its formula evaluated in float; the backward agrees with a
 * double-precision evaluation of the batch-norm gradient (and of the ReLU mask before it); every
 * layout of the inputs gives the contiguous result; bad arguments are named.
 */
class NormalizationTest {
    /** Shapes: BatchNorm2d planes of 784 (a multiple of 16) and 196 (not), BatchNorm1d [N, C] and [N, C, L], one image. */
    private static final int[][] SHAPES = {{4, 3, 28, 28}, {5, 2, 14, 14}, {64, 7}, {3, 5, 9}, {1, 2, 3, 5}};

    private static Tensor input(int[] shape, long seed) {
        return Tensor.randn(RandomKey.of(seed), shape).mul(1.5).add(0.25);
    }

    private static Tensor perChannel(int channels, long seed, double scale, double shift) {
        return Tensor.randn(RandomKey.of(seed), channels).mul(scale).add(shift);
    }

    private static int[] reducedDims(int rank) {
        int[] dims = new int[rank - 1];
        for (int d = 2; d < rank; d++) {
            dims[d - 1] = d;
        }
        return dims;
    }

    private static void assertSameBits(Tensor want, Tensor got, String what) {
        assertArrayEquals(want.shape(), got.shape(), what + ": shape");
        float[] w = want.contiguous().toFloatArray();
        float[] g = got.contiguous().toFloatArray();
        for (int i = 0; i < w.length; i++) {
            int at = i;
            assertEquals(Float.floatToRawIntBits(w[i]), Float.floatToRawIntBits(g[i]),
                    () -> what + ": element " + at + " is " + g[at] + ", want " + w[at]);
        }
    }

    @Test
    void momentsAreTheReductionsMeanAndBiasedVariance() {
        for (int[] shape : SHAPES) {
            Tensor x = input(shape, shape.length * 100L + shape[1]);
            int[] dims = reducedDims(shape.length);
            for (Layout layout : TensorLayouts.writable(x)) {
                Moments m = Normalization.channelMoments(layout.tensor());
                assertSameBits(x.mean(dims, false), m.mean(), "mean of " + layout);
                assertSameBits(x.var(dims, 0, false), m.variance(), "variance of " + layout);
            }
        }
        Tensor d = input(new int[] {3, 2, 5}, 9).to(DType.FLOAT64);
        assertEquals(DType.FLOAT64, Normalization.channelMoments(d).variance().dtype());
    }

    @Test
    void affineIsItsFormulaInFloat() {
        for (int[] shape : SHAPES) {
            int c = shape[1];
            Tensor x = input(shape, 7 + shape[0]);
            Tensor center = perChannel(c, 1, 0.5, 0);
            Tensor scale = perChannel(c, 2, 1, 0);
            Tensor shift = perChannel(c, 3, 0.5, 0.1);
            for (Activation act : Activation.values()) {
                Tensor want = naiveAffine(x, center, scale, shift, act);
                for (Layout layout : TensorLayouts.writable(x)) {
                    assertSameBits(want, Normalization.channelAffine(layout.tensor(), center, scale, shift, act),
                            act + " affine of " + layout);
                }
            }
        }
    }

    @Test
    void affineDefaultsAreIdentityForMissingConstants() {
        Tensor x = input(new int[] {2, 3, 4}, 5);
        assertSameBits(x, Normalization.channelAffine(x, null, null, null, Activation.IDENTITY), "no constants");
        assertSameBits(x.relu(), Normalization.channelAffine(x, null, null, null, Activation.RELU), "relu only");
    }

    /** {@code ((x - c) * s + b)} then the activation, element by element in float. */
    private static Tensor naiveAffine(Tensor x, Tensor center, Tensor scale, Tensor shift, Activation act) {
        int[] shape = x.shape();
        int c = shape[1];
        int plane = x.numel() / (shape[0] * c);
        float[] xs = x.contiguous().toFloatArray();
        float[] cs = center.toFloatArray();
        float[] ss = scale.toFloatArray();
        float[] bs = shift.toFloatArray();
        float[] out = new float[xs.length];
        for (int i = 0; i < xs.length; i++) {
            int ch = i / plane % c;
            float v = (xs[i] - cs[ch]) * ss[ch] + bs[ch];
            out[i] = act == Activation.RELU ? Math.max(v, 0f) : v;
        }
        return Tensor.of(out, shape);
    }

    @Test
    void backwardMatchesTheGradientInDouble() {
        for (int[] shape : SHAPES) {
            int c = shape[1];
            Tensor x = input(shape, 11 + shape[0]);
            Tensor gy = Tensor.randn(RandomKey.of(12), shape);
            Tensor w = perChannel(c, 13, 1, 0.5);
            Tensor b = perChannel(c, 14, 0.3, 0);
            Moments m = Normalization.channelMoments(x);
            Tensor invStd = m.variance().add(1e-5).rsqrt();
            for (Activation act : Activation.values()) {
                Tensor y = Normalization.channelAffine(x, m.mean(), w.mul(invStd), b, act);
                double[][] want = naiveBackward(gy, x, y, m.mean(), invStd, w, act);
                for (int v = 0; v < 2; v++) {
                    Tensor xs = v == 0 ? x : TensorLayouts.permuted(x);
                    Tensor gys = v == 0 ? gy : TensorLayouts.stepped(gy);
                    Tensor ys = v == 0 ? y : TensorLayouts.offset7(y);
                    Gradients got = Normalization.batchNormBackward(gys, xs, ys, m.mean(), invStd, w, act, true);
                    String what = act + " backward of " + java.util.Arrays.toString(shape) + (v == 0 ? "" : " (views)");
                    assertClose(want[0], got.input().toFloatArray(), what + ": dx");
                    assertClose(want[1], got.weight().toFloatArray(), what + ": dw");
                    assertClose(want[2], got.bias().toFloatArray(), what + ": db");
                }
                Gradients noInput = Normalization.batchNormBackward(gy, x, y, m.mean(), invStd, w, act, false);
                assertNull(noInput.input());
                assertSameBits(Normalization.batchNormBackward(gy, x, y, m.mean(), invStd, w, act, true).weight(),
                        noInput.weight(), "dw without dx");
            }
        }
    }

    /** The formulas in double: g masked by y > 0, then db, dw and dx. */
    private static double[][] naiveBackward(Tensor gy, Tensor x, Tensor y, Tensor mean, Tensor invStd, Tensor w,
                                            Activation act) {
        int[] shape = x.shape();
        int c = shape[1];
        int plane = x.numel() / (shape[0] * c);
        double n = (double) x.numel() / c;
        float[] gs = gy.contiguous().toFloatArray();
        float[] xs = x.contiguous().toFloatArray();
        float[] ys = y.contiguous().toFloatArray();
        float[] ms = mean.toFloatArray();
        float[] is = invStd.toFloatArray();
        float[] ws = w.toFloatArray();
        double[] g = new double[gs.length];
        double[] db = new double[c];
        double[] dw = new double[c];
        for (int i = 0; i < gs.length; i++) {
            int ch = i / plane % c;
            g[i] = act == Activation.RELU && !(ys[i] > 0) ? 0 : gs[i];
            db[ch] += g[i];
            dw[ch] += g[i] * ((double) xs[i] - ms[ch]) * is[ch];
        }
        double[] dx = new double[gs.length];
        for (int i = 0; i < gs.length; i++) {
            int ch = i / plane % c;
            double xhat = ((double) xs[i] - ms[ch]) * is[ch];
            dx[i] = (double) ws[ch] * is[ch] * (g[i] - db[ch] / n - xhat * dw[ch] / n);
        }
        return new double[][] {dx, dw, db};
    }

    private static void assertClose(double[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what + ": length");
        double scale = 0;
        for (double v : want) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < want.length; i++) {
            int at = i;
            double tol = 1e-5 * Math.max(1, scale);
            assertTrue(Math.abs(want[i] - got[i]) <= tol,
                    () -> what + ": element " + at + " is " + got[at] + ", want " + want[at]);
        }
    }

    /** A golden case by hand: one channel of four values, mean 2.5, biased variance 1.25. */
    @Test
    void goldenTrainingStep() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 2, 1, 2);
        Moments m = Normalization.channelMoments(x);
        assertEquals(2.5f, m.mean().item());
        assertEquals(1.25f, m.variance().item());
        Tensor y = Normalization.channelAffine(x, m.mean(), Tensor.of(new float[] {2}, 1), Tensor.of(new float[] {1}, 1),
                Activation.RELU);
        assertArrayEquals(new float[] {0, 0, 2, 4}, y.toFloatArray());
        // gy = 1 everywhere, w * invStd = 2 (invStd = 1 for the arithmetic), masked to the two positive
        // outputs: db = 2, dw = sum g (x - mean) = 0.5 + 1.5 = 2.
        Gradients g = Normalization.batchNormBackward(Tensor.ones(2, 1, 2), x, y, m.mean(), Tensor.of(new float[] {1}, 1),
                Tensor.of(new float[] {2}, 1), Activation.RELU, true);
        assertArrayEquals(new float[] {2}, g.bias().toFloatArray());
        assertArrayEquals(new float[] {2}, g.weight().toFloatArray());
        // dx = 2 * (g - 2/4 - (x - 2.5) * 2/4)
        assertArrayEquals(new float[] {0.5f, -0.5f, 0.5f, -0.5f}, g.input().toFloatArray());
    }

    @Test
    void badArgumentsAreNamed() {
        Tensor x = Tensor.zeros(2, 3, 4);
        Tensor three = Tensor.ones(3);
        List<Runnable> bad = List.of(
                () -> Normalization.channelMoments(Tensor.zeros(5)),
                () -> Normalization.channelMoments(Tensor.zeros(DType.INT32, 2, 3)),
                () -> Normalization.channelAffine(x.to(DType.FLOAT64), three, three, three, Activation.RELU),
                () -> Normalization.channelAffine(x, Tensor.ones(4), three, three, Activation.RELU),
                () -> Normalization.channelAffine(x, three, Tensor.ones(3, 1), three, Activation.IDENTITY),
                () -> Normalization.batchNormBackward(Tensor.zeros(2, 3, 5), x, x, three, three, three,
                        Activation.RELU, true),
                () -> Normalization.batchNormBackward(x, x, null, three, three, three, Activation.RELU, true),
                () -> Normalization.batchNormBackward(x, x, Tensor.zeros(2, 3), three, three, three,
                        Activation.RELU, true),
                () -> Normalization.batchNormBackward(x, x, x, null, three, three, Activation.IDENTITY, true));
        for (Runnable r : bad) {
            TensorException e = assertThrows(TensorException.class, r::run);
            String msg = e.getMessage();
            assertTrue(msg.startsWith("channelMoments") || msg.startsWith("channelAffine")
                    || msg.startsWith("batchNormBackward"), msg);
        }
    }
}
