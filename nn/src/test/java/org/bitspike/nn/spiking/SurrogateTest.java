package org.bitspike.nn.spiking;

import static org.bitspike.nn.spiking.StepRuns.bits;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.bitspike.autograd.Var;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The surrogate contract: a spike's backward is, bit for bit, the backward of its surrogate's
 * smooth function ({@link Surrogate#smoothFunction()}), so the op table's gradient check of the
 * smooth function proves the spike's surrogate gradient. Plus golden values of each derivative.
 */
class SurrogateTest {
    private static final List<Surrogate> SURROGATES = SpikingOpTable.surrogates();

    /**
     * Potentials {@code [4, 9]} in (-3, 3), with the places a derivative is piecewise (0, -0.0, the
     * rectangles' lo and hi, the triangles' +-width) written into the first row.
     */
    private static Tensor potentials(DType dtype, long seed) {
        Tensor x = Tensor.rand(RandomKey.of(seed), DType.FLOAT64, 4, 9).mul(6).sub(3);
        double[] v = x.toDoubleArray();
        double[] special = {0, -0.0, 2, -0.5, 0.5, 1, -1, 0.25, -3};
        System.arraycopy(special, 0, v, 0, special.length);
        return Tensor.of(v, 4, 9).to(dtype);
    }

    /** d(sum(g * f(x)))/dx for the x in {@code x}. */
    private static Tensor gradient(java.util.function.UnaryOperator<Var> f, Tensor x, Tensor g) {
        Var v = Var.withGrad(x);
        f.apply(v).backward(g);
        return v.grad().value();
    }

    @Test
    void theSpikesBackwardIsTheSmoothFunctionsBackwardBitForBit() {
        for (DType dtype : List.of(DType.FLOAT64, DType.FLOAT32)) {
            for (int k = 0; k < SURROGATES.size(); k++) {
                Surrogate s = SURROGATES.get(k);
                Tensor x = potentials(dtype, 10 + k);
                Tensor g = Tensor.randn(RandomKey.of(40 + k), DType.FLOAT64, 4, 9).to(dtype);
                Tensor spike = gradient(s::spike, x, g);
                Tensor smooth = gradient(v -> s.smoothFunction().apply(v), x, g);
                assertEquals(dtype, spike.dtype(), s + " " + dtype);
                assertArrayEquals(bits(smooth), bits(spike), s + " " + dtype + ": spike and smooth backwards differ");
            }
        }
    }

    /** fire centres the surrogate on the threshold; fireAnchored keeps it on the potential. */
    @Test
    void fireIsTheSurrogateAtTheDistanceToTheThresholdAndFireAnchoredAtThePotential() {
        for (int k = 0; k < SURROGATES.size(); k++) {
            Surrogate s = SURROGATES.get(k);
            Tensor x = potentials(DType.FLOAT64, 20 + k);
            Tensor threshold = Tensor.of(new double[] {0.3, -0.2, 0.9, 0.1}, 4, 1); // broadcast over each row
            Tensor g = Tensor.randn(RandomKey.of(60 + k), DType.FLOAT64, 4, 9);
            Tensor fire = gradient(v -> Spikes.fire(v, threshold, s), x, g);
            Tensor centred = gradient(v -> s.smoothFunction().apply(v.sub(Var.of(threshold))), x, g);
            assertArrayEquals(bits(centred), bits(fire), s + ": fire");
            Tensor anchored = gradient(v -> Spikes.fireAnchored(v, threshold, s), x, g);
            Tensor atX = gradient(v -> s.smoothFunction().apply(v), x, g);
            assertArrayEquals(bits(atX), bits(anchored), s + ": fireAnchored");
            double[] out = Spikes.fire(Var.of(x), threshold, s).value().toDoubleArray();
            double[] xs = x.toDoubleArray();
            double[] ts = threshold.toDoubleArray();
            for (int i = 0; i < out.length; i++) {
                assertEquals(xs[i] >= ts[i / 9] ? 1 : 0, out[i], s + " fire forward at " + i);
            }
        }
    }

    /** Golden values: the window (lo, hi] (open at lo, closed at hi) and each peak. */
    @Test
    void derivativesHaveTheDocumentedValues() {
        Tensor at = Tensor.of(new double[] {-1, 0, 1e-300, 1, 2, Math.nextUp(2.0), 0.5, -0.5, 0.04});
        assertValues(Surrogate.rectangle(0, 2, 0.5), at, 0, 0, 0.5, 0.5, 0.5, 0, 0.5, 0, 0.5);
        assertValues(Surrogate.rectangle(-0.5, 0.5, 1), at, 0, 1, 1, 0, 0, 0, 1, 0, 1);
        assertValues(Surrogate.triangle(1, 1), at, 0, 1, 1, 0, 0, 0, 0.5, 0.5, 0.96);
        assertValues(Surrogate.triangle(0.5, 2), at, 0, 2, 2, 0, 0, 0, 0, 0, 2 * 0.92);
        double s4 = 1 / (1 + Math.exp(-4 * 0.5));
        assertValues(Surrogate.sigmoid(4), Tensor.of(new double[] {0, 0.5, -0.5}), 1, 4 * s4 * (1 - s4), 4 * s4 * (1 - s4));
        assertValues(Surrogate.fastSigmoid(25), Tensor.of(new double[] {0, 0.04, -0.04}), 1, 0.25, 0.25);
        double k = Math.PI / 2 * 2;
        assertValues(Surrogate.arctan(2), Tensor.of(new double[] {0, 1, -1}), 1, 1 / (1 + k * k), 1 / (1 + k * k));
        Surrogate.Rectangle r = Surrogate.rectangle(0, 2, 0.5);
        double[] xs = at.toDoubleArray();
        double[] ds = r.derivative(Var.of(at)).value().toDoubleArray();
        for (int i = 0; i < xs.length; i++) {
            assertEquals(ds[i], r.derivative(xs[i]), "Rectangle.derivative(double) at " + xs[i]);
        }
    }

    private static void assertValues(Surrogate s, Tensor x, double... expected) {
        assertArrayEquals(expected, s.derivative(Var.of(x)).value().toDoubleArray(), 1e-15, s.toString());
    }

    /** Spikes are exactly 0 or 1 in the potential's dtype, and a potential at the threshold fires. */
    @Test
    void spikesAreZeroOrOneInThePotentialsDtype() {
        for (Surrogate s : SURROGATES) {
            Var f32 = s.spike(Var.of(Tensor.of(new float[] {-1e-30f, 0f, -0f, 1e-30f, Float.NaN})));
            assertEquals(DType.FLOAT32, f32.dtype());
            assertArrayEquals(new double[] {0, 1, 1, 1, 0}, f32.value().toDoubleArray(), 0, s.toString());
            Var atThreshold = Spikes.fire(Var.of(Tensor.of(new double[] {0.7, Math.nextDown(0.7)})),
                    Tensor.scalar(DType.FLOAT64, 0.7), s);
            assertArrayEquals(new double[] {1, 0}, atThreshold.value().toDoubleArray(), 0, s.toString());
        }
    }
}
