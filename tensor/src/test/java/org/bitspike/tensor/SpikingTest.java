package org.bitspike.tensor;

import static org.bitspike.tensor.BadInputTest.expectError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Spiking}'s passes against naive double-precision references written from their javadoc
 * (the spike and window decisions on the float z = u / a, the values and sums in double), to float
 * tolerance; on contiguous tensors, strided views, rank-2 inputs and other planes of under 16
 * values (summed channel-major), and tensors large enough to be split into tasks and chunks. The
 * fused backward is the two single ones; NaN, an all-clipped potential, empty tensors and bad input
 * behave as documented.
 */
class SpikingTest {
    private static final int[][] SHAPES = {{3, 4, 5, 7}, {2, 3}, {2, 5, 1}, {6, 3, 2, 3}, {4, 2, 16, 16}, {1, 1, 1},
        {4, 8, 96, 96}, {1024, 300}};

    /** Potentials around the interesting z (0, the thresholds, 1, 2), with ties a * k now and then. */
    private static Tensor potential(int[] shape, float a, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int n = Shapes.numel("potential", shape);
        float[] u = new float[n];
        for (int i = 0; i < n; i++) {
            u[i] = rnd.nextInt(8) == 0 ? a * rnd.nextInt(-1, 3) * 0.5f : (float) (rnd.nextGaussian() * 1.2 + 0.3) * a;
        }
        return Tensor.of(u, shape);
    }

    private static Tensor gaussian(int[] shape, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] g = new float[Shapes.numel("gaussian", shape)];
        for (int i = 0; i < g.length; i++) {
            g[i] = (float) rnd.nextGaussian();
        }
        return Tensor.of(g, shape);
    }

    /** A contiguous copy of x at storage offset 5 (contiguous() returns it as it is). */
    private static Tensor atOffset5(Tensor x) {
        Tensor v = Tensor.zeros(x.numel() + 5).narrow(0, 5, x.numel()).view(x.shape());
        v.copy_(x);
        assertTrue(v.offset() == 5 && v.isContiguous(), "the layout under test");
        return v;
    }

    private static int planeOf(int[] shape) {
        int p = 1;
        for (int d = 2; d < shape.length; d++) {
            p *= shape[d];
        }
        return p;
    }

    private static double clamp01(double z) {
        return z > 1 ? 1 : z > 0 ? z : 0;
    }

    private static void assertClose(double want, double got, double tol, String what) {
        assertTrue(Math.abs(want - got) <= tol, () -> what + ": got " + got + ", reference " + want + " (tolerance "
                + tol + ")");
    }

    @Test
    void clippedSumsMatchTheReference() {
        float a = 0.8f;
        for (int[] shape : SHAPES) {
            Tensor u = potential(shape, a, shape.length * 31L + shape[1]);
            float[] us = u.toFloatArray();
            int channels = shape[1];
            int plane = planeOf(shape);
            double[] l1 = new double[channels];
            double[] l2 = new double[channels];
            double[] abs = new double[channels];
            for (int i = 0; i < us.length; i++) {
                int c = i / plane % channels;
                double zc = clamp01((double) us[i] / a);
                l1[c] += zc;
                l2[c] += zc * zc;
                abs[c] += 1;
            }
            for (Tensor view : new Tensor[] {u, TensorLayouts.offset7(u), TensorLayouts.permuted(u), atOffset5(u)}) {
                Spiking.ClippedSums s = Spiking.clippedSums(view, a);
                for (int c = 0; c < channels; c++) {
                    double tol = 1e-6 * abs[c] + 1e-12;
                    assertClose(l1[c], s.l1()[c], tol, "l1[" + c + "] of " + java.util.Arrays.toString(shape));
                    assertClose(l2[c], s.l2()[c], tol, "l2[" + c + "] of " + java.util.Arrays.toString(shape));
                }
            }
        }
    }

    @Test
    void fireMatchesTheReferenceWithUniformAndPerChannelThresholds() {
        float a = 1.25f;
        for (int[] shape : SHAPES) {
            Tensor u = potential(shape, a, shape.length * 17L + shape[0]);
            float[] us = u.toFloatArray();
            int channels = shape[1];
            int plane = planeOf(shape);
            float[] uniform = new float[channels];
            float[] perChannel = new float[channels];
            for (int c = 0; c < channels; c++) {
                uniform[c] = 0.5f;
                perChannel[c] = c % 3 == 0 ? 1f : 0.25f * c;
            }
            for (float[] t : new float[][] {uniform, perChannel}) {
                float[] want = new float[us.length];
                for (int i = 0; i < us.length; i++) {
                    want[i] = us[i] / a >= t[i / plane % channels] ? 1f : 0f;
                }
                for (Tensor view : new Tensor[] {u, TensorLayouts.offset7(u), atOffset5(u)}) {
                    Tensor spikes = Spiking.fire(view, a, t);
                    assertArrayEquals(shape, spikes.shape());
                    assertArrayEquals(want, spikes.toFloatArray(), "fire " + java.util.Arrays.toString(shape));
                }
            }
        }
    }

    @Test
    void fireBackwardMatchesTheReference() {
        float a = 0.9f;
        float lo = 0f;
        float hi = 2f;
        float height = 0.5f;
        for (int[] shape : SHAPES) {
            Tensor u = potential(shape, a, shape.length * 5L + 1);
            Tensor g = gaussian(shape, shape.length * 5L + 2);
            float[] us = u.toFloatArray();
            float[] gs = g.toFloatArray();
            double[] du = new double[us.length];
            double sum = 0;
            double abs = 0;
            for (int i = 0; i < us.length; i++) {
                float z = us[i] / a;
                double gz = z > lo && z <= hi ? (double) gs[i] * height : 0;
                du[i] = gz / a;
                sum += gz * us[i];
                abs += Math.abs(gz * us[i]);
            }
            double da = -sum / ((double) a * a);
            Spiking.Gradients d = Spiking.fireBackward(TensorLayouts.permuted(g), TensorLayouts.offset7(u), a, lo, hi,
                    height, true);
            float[] got = d.input().toFloatArray();
            for (int i = 0; i < us.length; i++) {
                assertClose(du[i], got[i], 1e-6 * Math.abs(du[i]), "du[" + i + "] of "
                        + java.util.Arrays.toString(shape));
            }
            assertClose(da, d.clip(), 1e-6 * abs / ((double) a * a) + 1e-12,
                    "da of " + java.util.Arrays.toString(shape));
            Spiking.Gradients offset = Spiking.fireBackward(atOffset5(g), atOffset5(u), a, lo, hi, height, true);
            assertArrayEquals(got, offset.input().toFloatArray(), "at offset 5");
            assertEquals(d.clip(), offset.clip(), "da at offset 5");
            Spiking.Gradients only = Spiking.fireBackward(g, u, a, lo, hi, height, false);
            assertNull(only.input());
            assertEquals(d.clip(), only.clip(), "da without du");
        }
    }

    @Test
    void ratioBackwardMatchesTheReference() {
        float a = 1.1f;
        double gH = -0.75;
        for (int[] shape : SHAPES) {
            Tensor u = potential(shape, a, shape.length * 7L + 3);
            float[] us = u.toFloatArray();
            Spiking.ClippedSums sums = Spiking.clippedSums(u, a);
            double l1 = sums.totalL1();
            double l2 = sums.totalL2();
            double scale = l2 == 0 ? 0 : gH * 2 * l1 / l2; // H = 0 by convention with nothing positive
            double invExt = l2 == 0 ? 0 : l1 / l2;
            double sum = 0;
            double abs = 0;
            Spiking.Gradients d = Spiking.ratioBackward(TensorLayouts.offset7(u), a, l1, l2, gH, true);
            float[] got = d.input().toFloatArray();
            for (int i = 0; i < us.length; i++) {
                float z = us[i] / a;
                double zd = (double) us[i] / a;
                double gz = z >= 0 && z <= 1 ? scale * ((z > 0 ? 1 : 0) - zd * invExt) : 0;
                double bound = Math.abs(scale) * (1 + Math.abs(zd * invExt));
                assertClose(gz / a, got[i], 1e-6 * bound / a, "du[" + i + "] of " + java.util.Arrays.toString(shape));
                sum += gz * us[i];
                abs += bound * Math.abs(us[i]);
            }
            assertClose(-sum / ((double) a * a), d.clip(), 1e-6 * abs / ((double) a * a) + 1e-12,
                    "da of " + java.util.Arrays.toString(shape));
            assertEquals(d.clip(), Spiking.ratioBackward(u, a, l1, l2, gH, false).clip(), "da without du");
            Spiking.Gradients offset = Spiking.ratioBackward(atOffset5(u), a, l1, l2, gH, true);
            assertArrayEquals(got, offset.input().toFloatArray(), "at offset 5");
            assertEquals(d.clip(), offset.clip(), "da at offset 5");
        }
    }

    /** The ratio H = l1^2 / l2 of a tiny map by central differences in double: the formula, not just the code. */
    @Test
    void ratioBackwardIsTheDerivativeOfTheRatio() {
        float a = 2f;
        float[] us = {-1f, 0.5f, 1.25f, 1.5f, 3f, 0.75f};
        Tensor u = Tensor.of(us, 1, 2, 3);
        Spiking.ClippedSums s = Spiking.clippedSums(u, a);
        Spiking.Gradients d = Spiking.ratioBackward(u, a, s.totalL1(), s.totalL2(), 1.0, true);
        float[] du = d.input().toFloatArray();
        double h = 1e-6;
        for (int i = 0; i < us.length; i++) {
            if (us[i] / a < 0 || us[i] / a > 1) {
                assertEquals(0f, du[i], "outside [0, 1] no gradient passes, element " + i);
                continue;
            }
            double[] up = toDouble(us);
            double[] down = toDouble(us);
            up[i] += h;
            down[i] -= h;
            double numeric = (ratio(up, a) - ratio(down, a)) / (2 * h);
            assertClose(numeric, du[i], 1e-5, "dH/du[" + i + "]");
        }
        double numericA = (ratio(toDouble(us), a + h) - ratio(toDouble(us), a - h)) / (2 * h);
        assertClose(numericA, d.clip(), 1e-5, "dH/da");
    }

    private static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }

    private static double ratio(double[] u, double a) {
        double l1 = 0;
        double l2 = 0;
        for (double v : u) {
            double zc = clamp01(v / a);
            l1 += zc;
            l2 += zc * zc;
        }
        return l1 * l1 / l2;
    }

    /** NaN clips to 0 and never fires; its gradient to u is 0, but the clipping value's gradient is NaN (0 * NaN). */
    @Test
    void nanPotentials() {
        float[] us = {0.5f, Float.NaN, 1.5f, -1f};
        Tensor u = Tensor.of(us, 1, 1, 4);
        Tensor g = Tensor.of(new float[] {1f, 1f, 1f, 1f}, 1, 1, 4);
        Spiking.ClippedSums s = Spiking.clippedSums(u, 1f);
        assertEquals(1.5, s.totalL1());
        assertEquals(1.25, s.totalL2());
        assertArrayEquals(new float[] {1f, 0f, 1f, 0f}, Spiking.fire(u, 1f, new float[] {0.5f}).toFloatArray());
        assertArrayEquals(new float[] {0f, 0f, 0f, 0f}, Spiking.fire(u, 1f, new float[] {Float.NaN}).toFloatArray());
        Spiking.Gradients f = Spiking.fireBackward(g, u, 1f, 0f, 2f, 0.5f, true);
        assertArrayEquals(new float[] {0.5f, 0f, 0.5f, 0f}, f.input().toFloatArray());
        assertTrue(Double.isNaN(f.clip()));
        Spiking.Gradients r = Spiking.ratioBackward(u, 1f, s.totalL1(), s.totalL2(), 1.0, true);
        assertEquals(0f, r.input().toFloatArray()[1]);
        assertTrue(Double.isNaN(r.clip()));
    }

    /** Nothing positive: H is 0 by convention and so are its gradients. */
    @Test
    void allClippedPotentialGivesZeroRatioGradients() {
        Tensor u = Tensor.of(new float[] {-1f, -0f, -3f, Float.NEGATIVE_INFINITY}, 2, 2);
        Spiking.ClippedSums s = Spiking.clippedSums(u, 1f);
        assertEquals(0.0, s.totalL2());
        Spiking.Gradients r = Spiking.ratioBackward(u, 1f, s.totalL1(), s.totalL2(), 1.0, true);
        assertArrayEquals(new float[] {0f, 0f, 0f, 0f}, r.input().toFloatArray());
        assertEquals(0.0, r.clip());
    }

    /** A golden case by hand: a = 2, z = -0.5, 0.25, 0.5 | 1, 3, 0.75 over two channels. */
    @Test
    void byHand() {
        Tensor u = Tensor.of(new float[] {-1f, 0.5f, 1f, 2f, 6f, 1.5f}, 1, 2, 3);
        Spiking.ClippedSums s = Spiking.clippedSums(u, 2f);
        assertArrayEquals(new double[] {0.75, 2.75}, s.l1());
        assertArrayEquals(new double[] {0.3125, 2.5625}, s.l2());
        assertArrayEquals(new float[] {0f, 0f, 1f, 1f, 1f, 0f},
                Spiking.fire(u, 2f, new float[] {0.5f, 0.8f}).toFloatArray());
    }

    /** No images, no channels or no positions: empty results, no error. */
    @Test
    void emptyPotentials() {
        for (int[] shape : new int[][] {{0, 3, 4}, {2, 0, 3}, {2, 3, 0}, {0, 5}}) {
            Tensor u = Tensor.zeros(shape);
            Spiking.ClippedSums s = Spiking.clippedSums(u, 1f);
            assertEquals(shape[1], s.l1().length);
            assertEquals(0.0, s.totalL1());
            assertArrayEquals(shape, Spiking.fire(u, 1f, new float[shape[1]]).shape());
            Spiking.Gradients d = Spiking.fireBackward(u, u, 1f, 0f, 2f, 0.5f, true);
            assertArrayEquals(shape, d.input().shape());
            assertEquals(0.0, d.clip());
            assertEquals(0.0, Spiking.ratioBackward(u, 1f, 1, 1, 1, false).clip());
        }
    }

    @Test
    void badInput() {
        Tensor u = Tensor.zeros(2, 3, 4);
        Tensor g = Tensor.zeros(2, 3, 4);
        expectError("clippedSums", () -> Spiking.clippedSums(null, 1f), "null");
        expectError("clippedSums", () -> Spiking.clippedSums(Tensor.zeros(5), 1f), "[5]", "rank >= 2");
        expectError("clippedSums", () -> Spiking.clippedSums(Tensor.zeros(DType.FLOAT64, 2, 3), 1f), "FLOAT64",
                "[2, 3]");
        for (float a : new float[] {0f, -1f, Float.NaN, Float.POSITIVE_INFINITY}) {
            expectError("clippedSums", () -> Spiking.clippedSums(u, a), String.valueOf(a), "positive and finite");
            expectError("fire", () -> Spiking.fire(u, a, new float[3]), String.valueOf(a), "[2, 3, 4]");
            expectError("ratioBackward", () -> Spiking.ratioBackward(u, a, 1, 1, 1, true), String.valueOf(a));
        }
        expectError("fire", () -> Spiking.fire(u, 1f, new float[2]), "(3)", "[2, 3, 4]", "got 2");
        expectError("fire", () -> Spiking.fire(u, 1f, null), "null");
        expectError("fireBackward", () -> Spiking.fireBackward(Tensor.zeros(2, 3), u, 1f, 0f, 2f, 0.5f, true),
                "[2, 3]", "[2, 3, 4]");
        expectError("fireBackward", () -> Spiking.fireBackward(g, u, 1f, 2f, 2f, 0.5f, true), "(2.0, 2.0]", "lo < hi");
        expectError("fireBackward", () -> Spiking.fireBackward(g, u, 1f, Float.NaN, 2f, 0.5f, true), "NaN");
        expectError("fireBackward", () -> Spiking.fireBackward(g, u, 1f, 0f, 2f, Float.POSITIVE_INFINITY, true),
                "height", "Infinity");
        expectError("ratioBackward", () -> Spiking.ratioBackward(u, 1f, -1, 1, 1, true), "l1 = -1.0", "non-negative");
        expectError("ratioBackward", () -> Spiking.ratioBackward(u, 1f, 1, Double.NaN, 1, true), "l2 = NaN");
        expectError("ratioBackward", () -> Spiking.ratioBackward(u, 1f, 1, Double.POSITIVE_INFINITY, 1, true),
                "l2 = Infinity");
    }
}
