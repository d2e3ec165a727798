package org.bitspike.nn.bayes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.bitspike.autograd.Var;
import org.bitspike.nn.optim.Sgd;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * One update of each rule (float SGD, ST-BiSNN, Bayes-BiSNN) on a tiny {@link TraceLif}, against the gradient and the
 * update computed here by loops in double precision from the digest's formulas (5.2-5.4); the Bayes rule's samples,
 * guards, prior and bad settings.
 */
class RulesTest {
    private static final int IN = 3;
    private static final int OUT = 2;
    private static final int N = 2;

    private static TraceLif tiny(WeightInit init) {
        return new TraceLif(IN, OUT, false, Traces.defaults(), init, DType.FLOAT64, RandomKey.of(21));
    }

    private static final double[] G = {0.7, -1.3, 2.1, -0.4};

    /** Runs 4 steps of fixed spikes and back-propagates {@code sum(G * S)} of the last; returns dL/dW by hand. */
    private static double[] stepAndHandGradient(TraceLif lif) {
        double[][] x = TraceLifTest.spikes(RandomKey.of(22), 4, N, IN);
        Var s = null;
        for (int t = 0; t < 4; t++) {
            s = lif.forward(Tensor.of(x[t], N, IN));
        }
        s.mul(Var.of(Tensor.of(G, N, OUT))).sum().backward();
        double[] u = lif.state().u().toDoubleArray();
        double[] p = lif.state().p().toDoubleArray();
        double c = 1 / Math.sqrt(IN);
        double[] dw = new double[OUT * IN];
        for (int n = 0; n < N; n++) {
            for (int o = 0; o < OUT; o++) {
                double window = u[n * OUT + o] > -0.5 && u[n * OUT + o] <= 0.5 ? 1 : 0;
                for (int i = 0; i < IN; i++) {
                    dw[o * IN + i] += G[n * OUT + o] * window * c * p[n * IN + i];
                }
            }
        }
        assertArrayEquals(dw, lif.weight().grad().value().toDoubleArray(), 1e-12, "the layer's gradient");
        boolean nonZero = false;
        for (double v : dw) {
            nonZero |= v != 0;
        }
        assertTrue(nonZero, "the test needs a gradient that is not zero");
        return dw;
    }

    @Test
    void floatRuleIsPlainSgdOnTheWeights() {
        TraceLif lif = tiny(WeightInit.uniform(0.3));
        double[] w = lif.weight().value().toDoubleArray();
        Sgd sgd = Sgd.of(List.of(lif.weight()), 0.25, 0, 0);
        double[] g = stepAndHandGradient(lif);
        sgd.step();
        for (int i = 0; i < w.length; i++) {
            w[i] -= 0.25 * g[i];
        }
        assertArrayEquals(w, lif.weight().value().toDoubleArray(), 1e-15);
    }

    @Test
    void straightThroughUpdatesTheLatentWeightAndForwardsItsSign() {
        TraceLif lif = tiny(WeightInit.uniform(0.3));
        double[] theta = lif.weight().value().toDoubleArray();
        StraightThroughSgd st = new StraightThroughSgd(List.of(lif.weight()), 2.0);
        for (int i = 0; i < theta.length; i++) {
            assertEquals(theta[i] >= 0 ? 1 : -1, lif.weight().value().toDoubleArray()[i], "forward weight = sign");
        }
        double[] g = stepAndHandGradient(lif);
        st.step();
        double[] w = new double[theta.length];
        int flipped = 0;
        for (int i = 0; i < theta.length; i++) {
            double before = theta[i] >= 0 ? 1 : -1;
            theta[i] -= 2.0 * g[i];
            w[i] = theta[i] >= 0 ? 1 : -1;
            flipped += w[i] != before ? 1 : 0;
        }
        assertArrayEquals(theta, st.theta(lif.weight()).toDoubleArray(), 1e-15);
        assertArrayEquals(w, lif.weight().value().toDoubleArray(), 0);
        assertTrue(flipped > 0, "the learning rate is large enough to flip a sign");
    }

    @Test
    void signOfZeroIsPlusOne() {
        Var p = Var.withGrad(Tensor.of(new double[] {0, -0.0, -1e-300, 1e-300}, 4));
        new StraightThroughSgd(List.of(p), 1);
        assertArrayEquals(new double[] {1, 1, -1, 1}, p.value().toDoubleArray(), 0);
    }

    @Test
    void bayesSampleAndUpdateFollowTheDigestExactly() {
        double lr = 0.2;
        double tau = 0.5;
        double rho = 0.1;
        double p0 = 0.7;
        TraceLif lif = tiny(WeightInit.uniform(1.5));
        double[] theta = lif.weight().value().toDoubleArray();
        BayesBiSnn bayes = new BayesBiSnn(List.of(lif.weight()), lr, tau, rho, p0);
        RandomKey key = RandomKey.of(23);
        bayes.sampleRelaxed(key);
        double[] w = new double[theta.length];
        for (int i = 0; i < theta.length; i++) {
            double eps = key.fold(0).uniformDouble(i);
            double delta = 0.5 * Math.log(eps / (1 - eps));
            w[i] = Math.tanh((theta[i] + delta) / tau);
        }
        assertArrayEquals(w, lif.weight().value().toDoubleArray(), 1e-14, "the relaxed sample");
        double[] g = stepAndHandGradient(lif);
        bayes.step();
        double theta0 = 0.5 * Math.log(0.7 / 0.3);
        assertEquals(theta0, bayes.theta0(), 1e-15);
        double[] expected = new double[theta.length];
        for (int i = 0; i < theta.length; i++) {
            double mu = Math.tanh(theta[i]);
            double s = (1 - w[i] * w[i] + 1e-10) / (tau * (1 - mu * mu + 1e-10));
            expected[i] = (1 - lr * rho) * theta[i] - lr * (s * g[i] - rho * theta0);
        }
        assertArrayEquals(expected, bayes.theta(lif.weight()).toDoubleArray(), 1e-13);
        bayes.writeMode();
        for (int i = 0; i < theta.length; i++) {
            assertEquals(expected[i] >= 0 ? 1 : -1, lif.weight().value().toDoubleArray()[i], "MAP = sign(theta)");
        }
        RandomKey sampleKey = RandomKey.of(24);
        bayes.writeBinarySample(sampleKey);
        for (int i = 0; i < theta.length; i++) {
            double plus = 1 / (1 + Math.exp(-2 * expected[i]));
            assertEquals(sampleKey.fold(0).uniformDouble(i) < plus ? 1 : -1, lif.weight().value().toDoubleArray()[i],
                    "binary sample " + i);
        }
    }

    /** Without data the update is the KL term alone: theta decays geometrically to the prior's theta0. */
    @Test
    void withoutGradientThePosteriorRelaxesToThePrior() {
        Var p = Var.withGrad(Tensor.of(new double[] {10, -10, 3}, 3));
        BayesBiSnn bayes = new BayesBiSnn(List.of(p), 0.5, 1, 0.2, 0.8);
        double theta0 = 0.5 * Math.log(4);
        for (int k = 0; k < 200; k++) {
            bayes.sampleRelaxed(RandomKey.of(k));
            p.zeroGrad();
            p.mul(0).sum().backward();
            bayes.step();
        }
        double decay = Math.pow(1 - 0.5 * 0.2, 200);
        double[] expected = {theta0 + (10 - theta0) * decay, theta0 + (-10 - theta0) * decay, theta0 + (3 - theta0) * decay};
        assertArrayEquals(expected, bayes.theta(p).toDoubleArray(), 1e-12);
    }

    @Test
    void binarySamplesAreBernoulliOfSigmoidTwoTheta() {
        double[] thetas = {-1, -0.2, 0, 0.4, 1.5};
        for (double th : thetas) {
            double[] v = new double[20000];
            java.util.Arrays.fill(v, th);
            Var p = Var.withGrad(Tensor.of(v, v.length));
            BayesBiSnn bayes = new BayesBiSnn(List.of(p), 0.1, 1, 0, 0.5);
            bayes.writeBinarySample(RandomKey.of((long) (th * 100)));
            double plus = (p.value().sum().itemDouble() / v.length + 1) / 2;
            assertEquals(1 / (1 + Math.exp(-2 * th)), plus, 0.015, "theta " + th);
        }
    }

    @Test
    void aStepWithoutAFreshRelaxedSampleIsRefused() {
        Var p = Var.withGrad(Tensor.of(new double[] {1, -1}, 2));
        BayesBiSnn bayes = new BayesBiSnn(List.of(p), 0.1, 1, 0, 0.5);
        p.mul(2).sum().backward();
        IllegalStateException e = assertThrows(IllegalStateException.class, bayes::step);
        assertTrue(e.getMessage().contains("sampleRelaxed"), e.getMessage());
        bayes.sampleRelaxed(RandomKey.of(1));
        bayes.step();
        assertThrows(IllegalStateException.class, bayes::step, "one sample serves one step");
    }

    @Test
    void guardsKeepTheUpdateFiniteWhereMuAndWRoundToOne() {
        Var p = Var.withGrad(Tensor.of(new double[] {40, -40}, 2));
        BayesBiSnn bayes = new BayesBiSnn(List.of(p), 1, 0.1, 0, 0.5);
        bayes.sampleRelaxed(RandomKey.of(2));
        assertArrayEquals(new double[] {1, -1}, p.value().toDoubleArray(), 0, "tanh saturates");
        p.mul(Var.of(Tensor.of(new double[] {3, 3}, 2))).sum().backward();
        bayes.step();
        // s = (1 - 1 + 1e-10) / (0.1 (1 - 1 + 1e-10)) = 10: theta -= 1 * 10 * 3
        assertArrayEquals(new double[] {10, -70}, bayes.theta(p).toDoubleArray(), 1e-9);
    }

    /** In FLOAT32 too: {@code 1 + 1e-10} rounds to 1 there, so the guard must be added after the subtraction. */
    @Test
    void guardsHoldInFloat32() {
        Var p = Var.withGrad(Tensor.of(new float[] {20, -20}, 2));
        BayesBiSnn bayes = new BayesBiSnn(List.of(p), 1, 1, 0, 0.5);
        bayes.sampleRelaxed(RandomKey.of(3));
        p.mul(Var.of(Tensor.of(new float[] {2, 2}, 2))).sum().backward();
        bayes.step();
        double[] theta = bayes.theta(p).toDoubleArray();
        // w and mu round to +-1 in FLOAT32: s = 1e-10 / 1e-10 = 1
        assertArrayEquals(new double[] {18, -22}, theta, 1e-5);
    }

    @Test
    void stateSavesAndLoadsTheNaturalParameters() {
        Var p = Var.withGrad(Tensor.of(new double[] {0.3, -0.4, 2}, 3));
        BayesBiSnn bayes = new BayesBiSnn(List.of(p), 0.3, 1, 1e-3, 0.5);
        bayes.sampleRelaxed(RandomKey.of(5));
        p.mul(Var.of(Tensor.of(new double[] {1, 2, -3}, 3))).sum().backward();
        bayes.step();
        Map<String, Tensor> saved = bayes.stateDict();
        assertTrue(saved.containsKey("state.0.theta"), saved.keySet().toString());
        Var q = Var.withGrad(Tensor.zeros(DType.FLOAT64, 3));
        BayesBiSnn other = new BayesBiSnn(List.of(q), 0.3, 1, 1e-3, 0.5);
        other.load(saved);
        assertArrayEquals(bayes.theta(p).toDoubleArray(), other.theta(q).toDoubleArray(), 0);
        bayes.writeMode();
        assertArrayEquals(p.value().toDoubleArray(), q.value().toDoubleArray(), 0, "load writes sign(theta)");
    }

    @Test
    void badSettingsAreRefusedNamingTheSetting() {
        List<Var> ps = List.of(Var.withGrad(Tensor.zeros(DType.FLOAT64, 2)));
        assertMessage(() -> new BayesBiSnn(ps, 0.1, -1, 0, 0.5), "tau", "-1.0");
        assertMessage(() -> new BayesBiSnn(ps, 0.1, 0, 0, 0.5), "tau", "0.0");
        assertMessage(() -> new BayesBiSnn(ps, 0.1, 1, -1e-3, 0.5), "rho", "-0.001");
        assertMessage(() -> new BayesBiSnn(ps, 0.1, 1, 0, 0), "p0", "0.0", "strictly between 0 and 1");
        assertMessage(() -> new BayesBiSnn(ps, 0.1, 1, 0, 1), "p0", "1.0");
        assertMessage(() -> new BayesBiSnn(ps, Double.NaN, 1, 0, 0.5), "learning rate", "NaN");
        assertMessage(() -> new StraightThroughSgd(ps, -1), "StraightThroughSgd", "learning rate", "-1.0");
        assertMessage(() -> new StraightThroughSgd(List.of(), 1), "StraightThroughSgd", "no parameters");
    }

    private static void assertMessage(Runnable r, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "'" + f + "' in: " + e.getMessage());
        }
    }
}
