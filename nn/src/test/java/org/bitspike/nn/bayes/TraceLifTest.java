package org.bitspike.nn.bayes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.bitspike.autograd.GradCheck;
import org.bitspike.autograd.Var;
import org.bitspike.nn.spiking.Surrogate;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.bitspike.tensor.TensorException;
import org.junit.jupiter.api.Test;

/** {@link TraceLif}: the recurrences of digest 5.2 against a direct loop, the local gradient by hand, bad input. */
class TraceLifTest {
    private static final int IN = 5;
    private static final int OUT = 4;
    private static final int N = 3;
    private static final int T = 12;

    /** Random 0/1 input spikes {@code [T][N * IN]}, firing with probability 0.4. */
    static double[][] spikes(RandomKey key, int steps, int batch, int in) {
        double[][] s = new double[steps][batch * in];
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < batch * in; i++) {
                s[t][i] = key.uniformDouble((long) t * batch * in + i) < 0.4 ? 1 : 0;
            }
        }
        return s;
    }

    private static TraceLif layer(boolean bias) {
        return layer(bias, 2);
    }

    private static TraceLif layer(boolean bias, double scale) {
        return new TraceLif(IN, OUT, bias, new Traces(10, 6, 2), WeightInit.uniform(scale), DType.FLOAT64,
                RandomKey.of(3));
    }

    @Test
    void tracesFollowTheRecurrencesOfTheDigestStepByStep() {
        TraceLif lif = layer(true);
        double[] w = lif.weight().value().toDoubleArray();
        double[] b = lif.bias().value().toDoubleArray();
        double[][] x = spikes(RandomKey.of(11), T, N, IN);
        double alpha = Math.exp(-1 / 10.0);
        double beta = Math.exp(-1 / 6.0);
        double ar = Math.exp(-1 / 2.0);
        double c = 1 / Math.sqrt(IN);
        double[] q = new double[N * IN];
        double[] p = new double[N * IN];
        double[] r = new double[N * OUT];
        double[] s = new double[N * OUT];
        int fired = 0;
        for (int t = 0; t < T; t++) {
            double[] qNew = new double[N * IN];
            double[] pNew = new double[N * IN];
            for (int i = 0; i < N * IN; i++) {
                qNew[i] = beta * q[i] + x[t][i];
                pNew[i] = alpha * p[i] + q[i];
            }
            double[] u = new double[N * OUT];
            double[] sNew = new double[N * OUT];
            for (int n = 0; n < N; n++) {
                for (int o = 0; o < OUT; o++) {
                    r[n * OUT + o] = ar * r[n * OUT + o] + s[n * OUT + o];
                    double acc = b[o];
                    for (int i = 0; i < IN; i++) {
                        acc += w[o * IN + i] * pNew[n * IN + i];
                    }
                    u[n * OUT + o] = c * acc - r[n * OUT + o];
                    sNew[n * OUT + o] = u[n * OUT + o] >= 0 ? 1 : 0;
                }
            }
            q = qNew;
            p = pNew;
            s = sNew;
            Var out = lif.forward(Tensor.of(x[t], N, IN));
            TraceLif.State st = lif.state();
            assertArrayEquals(q, st.q().toDoubleArray(), 1e-12, "Q at t = " + t);
            assertArrayEquals(p, st.p().toDoubleArray(), 1e-12, "P at t = " + t);
            assertArrayEquals(r, st.r().toDoubleArray(), 1e-12, "R at t = " + t);
            assertArrayEquals(u, st.u().toDoubleArray(), 1e-12, "U at t = " + t);
            assertArrayEquals(s, out.value().toDoubleArray(), 0, "S at t = " + t);
            assertArrayEquals(s, st.s().toDoubleArray(), 0, "state S at t = " + t);
            for (double v : s) {
                fired += (int) v;
            }
        }
        // the check means something only if some neurons fired and some did not
        assertTrue(fired > 0 && fired < T * N * OUT, "fired " + fired);
    }

    @Test
    void firstStepSeesOnlyTheBiasSoAZeroThresholdFires() {
        TraceLif lif = layer(false);
        Var s = lif.forward(Tensor.of(spikes(RandomKey.of(2), 1, N, IN)[0], N, IN));
        // P[0] = 0 and R[0] = 0: U = 0 >= 0 everywhere
        assertArrayEquals(new double[N * OUT], lif.state().u().toDoubleArray(), 0);
        assertEquals(N * OUT, s.value().sum().itemDouble());
    }

    @Test
    void resetStartsTheSameSequenceAgainBitForBit() {
        TraceLif lif = layer(true);
        double[][] x = spikes(RandomKey.of(5), T, N, IN);
        double[][] first = new double[T][];
        for (int t = 0; t < T; t++) {
            first[t] = lif.forward(Tensor.of(x[t], N, IN)).value().toDoubleArray();
        }
        lif.resetState();
        assertNull(lif.state());
        for (int t = 0; t < T; t++) {
            assertArrayEquals(first[t], lif.forward(Tensor.of(x[t], N, IN)).value().toDoubleArray(), 0);
        }
    }

    @Test
    void surrogateIsBisnnsRectangleOfWidthOneCentredOnZero() {
        assertEquals(Surrogate.rectangle(-0.5, 0.5, 1), TraceLif.SURROGATE);
        assertEquals(0, TraceLif.SURROGATE.derivative(-0.5));
        assertEquals(1, TraceLif.SURROGATE.derivative(-0.4999));
        assertEquals(1, TraceLif.SURROGATE.derivative(0.5));
        assertEquals(0, TraceLif.SURROGATE.derivative(0.5001));
    }

    /**
     * dL/dW for {@code L = sum(G * S[t])} at a step t > 0: {@code (G * 1[-0.5 < U <= 0.5])^T P[t] c} and the bias
     * {@code sum_n G * 1[...] c}, computed here by loops; the input and the earlier steps receive nothing.
     */
    @Test
    void localGradientIsTheSurrogateTimesTheEligibilityTrace() {
        TraceLif lif = layer(true, 0.1);
        double[][] x = spikes(RandomKey.of(7), T, N, IN);
        for (int t = 0; t < 6; t++) {
            lif.forward(Tensor.of(x[t], N, IN));
        }
        Var input = Var.withGrad(Tensor.of(x[6], N, IN));
        double[] g = Tensor.randn(RandomKey.of(8), DType.FLOAT64, N, OUT).toDoubleArray();
        Var s = lif.forward(input);
        s.mul(Var.of(Tensor.of(g, N, OUT))).sum().backward();
        double[] u = lif.state().u().toDoubleArray();
        double[] p = lif.state().p().toDoubleArray();
        double c = 1 / Math.sqrt(IN);
        double[] dw = new double[OUT * IN];
        double[] db = new double[OUT];
        int inside = 0;
        for (int n = 0; n < N; n++) {
            for (int o = 0; o < OUT; o++) {
                double window = u[n * OUT + o] > -0.5 && u[n * OUT + o] <= 0.5 ? 1 : 0;
                inside += (int) window;
                double du = g[n * OUT + o] * window * c;
                db[o] += du;
                for (int i = 0; i < IN; i++) {
                    dw[o * IN + i] += du * p[n * IN + i];
                }
            }
        }
        assertTrue(inside > 0 && inside < N * OUT, "some potentials inside the window, some outside: " + inside);
        assertArrayEquals(dw, lif.weight().grad().value().toDoubleArray(), 1e-12);
        assertArrayEquals(db, lif.bias().grad().value().toDoubleArray(), 1e-12);
        assertNull(input.grad(), "no gradient flows to the layer below");
    }

    /** The smooth stand-in of the spike, gradchecked in FLOAT64 as a function of this step's weight and bias. */
    @Test
    void smoothStandInGradchecksWithRespectToWeightAndBias() {
        TraceLif lif = layer(true, 0.1).smoothStandIn();
        double[][] x = spikes(RandomKey.of(9), T, N, IN);
        Tensor g = Tensor.randn(RandomKey.of(10), DType.FLOAT64, N, OUT);
        GradCheck.check("TraceLif step 5 (smooth stand-in)", v -> {
            lif.resetState();
            for (int t = 0; t < 5; t++) {
                lif.forward(Tensor.of(x[t], N, IN));
            }
            return lif.forwardWith(Map.of("weight", v[0], "bias", v[1]), Var.of(Tensor.of(x[5], N, IN)))
                    .mul(Var.of(g)).sum();
        }, lif.weight().value(), lif.bias().value());
    }

    @Test
    void badInputIsRefusedNamingTheLayerAndTheShapes() {
        TraceLif lif = layer(false);
        TensorException width = assertThrows(TensorException.class, () -> lif.forward(Tensor.zeros(DType.FLOAT64, 2, 4)));
        assertTrue(width.getMessage().contains("TraceLif(5 -> 4") && width.getMessage().contains("[N, 5]")
                && width.getMessage().contains("[2, 4]"), width.getMessage());
        lif.forward(Tensor.zeros(DType.FLOAT64, 2, IN));
        TensorException batch = assertThrows(TensorException.class, () -> lif.forward(Tensor.zeros(DType.FLOAT64, 3, IN)));
        assertTrue(batch.getMessage().contains("batch of 2") && batch.getMessage().contains("[3, 5]")
                && batch.getMessage().contains("resetState()"), batch.getMessage());
        lif.resetState();
        assertEquals(3, lif.forward(Tensor.zeros(DType.FLOAT64, 3, IN)).size(0));
        TensorException dtype = assertThrows(TensorException.class, () -> lif.forward(Tensor.zeros(DType.FLOAT32, 3, IN)));
        assertTrue(dtype.getMessage().contains("FLOAT32"), dtype.getMessage());
        IllegalArgumentException tau = assertThrows(IllegalArgumentException.class, () -> new Traces(10, -6, 2));
        assertTrue(tau.getMessage().contains("tauSyn") && tau.getMessage().contains("-6"), tau.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Traces(Double.NaN, 6, 2));
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> new TraceLif(0, 3, false, Traces.defaults(), WeightInit.uniform(1), DType.FLOAT32, RandomKey.of(1)));
        assertTrue(size.getMessage().contains("0 -> 3"), size.getMessage());
    }

    @Test
    void signInitialisationDrawsPlusScaleWithTheGivenProbability() {
        Tensor w = WeightInit.signs(10, 0.8).draw(RandomKey.of(4), DType.FLOAT64, 100, 100);
        double plus = 0;
        for (double v : w.toDoubleArray()) {
            assertTrue(v == 10 || v == -10, "value " + v);
            plus += v > 0 ? 1 : 0;
        }
        assertEquals(0.8, plus / 10000, 0.02);
        assertThrows(IllegalArgumentException.class, () -> WeightInit.signs(10, 1.5));
    }
}
