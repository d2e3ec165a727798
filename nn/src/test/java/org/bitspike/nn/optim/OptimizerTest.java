package org.bitspike.nn.optim;

import static org.bitspike.nn.optim.OptimParams.grad;
import static org.bitspike.nn.optim.OptimParams.param;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bitspike.autograd.Var;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Update rules against hand computation, state save/restore, groups and schedules. */
class OptimizerTest {
    @Test
    void sgdWithMomentumAndWeightDecayFollowsPyTorch() {
        Var p = param(1.0);
        Sgd sgd = new Sgd(List.of(new ParamGroup(List.of(p), 0.1, 0.01)), 0.9, 0, false);
        grad(p, 0.5);
        sgd.step(); // d = 0.5 + 0.01; buf = 0.51; p = 1 - 0.051
        assertEquals(0.949, p.value().getDouble(0), 1e-15);
        grad(p, 0.5);
        sgd.step(); // d = 0.5 + 0.00949; buf = 0.9 * 0.51 + 0.50949 = 0.96849; p -= 0.096849
        assertEquals(0.949 - 0.096849, p.value().getDouble(0), 1e-15);
    }

    @Test
    void nesterovLooksAhead() {
        Var p = param(1.0);
        Sgd sgd = new Sgd(List.of(new ParamGroup(List.of(p), 0.1, 0)), 0.9, 0, true);
        grad(p, 1);
        sgd.step(); // buf = 1; p -= 0.1 * (1 + 0.9)
        assertEquals(1 - 0.19, p.value().getDouble(0), 1e-15);
        grad(p, 1);
        sgd.step(); // buf = 1.9; p -= 0.1 * (1 + 1.71)
        assertEquals(0.81 - 0.271, p.value().getDouble(0), 1e-15);
    }

    @Test
    void adamAndAdamWFollowTheirFormulas() {
        for (boolean decoupled : new boolean[] {false, true}) {
            Var p = param(1.0, -2.0);
            Adam adam = new Adam(List.of(new ParamGroup(List.of(p), 0.01, 0.1)), 0.9, 0.999, 1e-8, decoupled);
            double[] x = {1.0, -2.0};
            double[] m = new double[2];
            double[] v = new double[2];
            double[][] grads = {{0.3, -0.1}, {0.2, 0.4}, {-0.5, 0.05}};
            for (int t = 1; t <= grads.length; t++) {
                grad(p, grads[t - 1]);
                adam.step();
                for (int i = 0; i < 2; i++) {
                    double g = grads[t - 1][i];
                    if (decoupled) {
                        x[i] *= 1 - 0.01 * 0.1;
                    } else {
                        g += 0.1 * x[i];
                    }
                    m[i] = 0.9 * m[i] + 0.1 * g;
                    v[i] = 0.999 * v[i] + 0.001 * g * g;
                    double mHat = m[i] / (1 - Math.pow(0.9, t));
                    double vHat = v[i] / (1 - Math.pow(0.999, t));
                    x[i] -= 0.01 * mHat / (Math.sqrt(vHat) + 1e-8);
                }
                assertArrayEquals(x, p.value().toDoubleArray(), 1e-12, "decoupled " + decoupled + " step " + t);
            }
        }
    }

    @Test
    void groupsHaveTheirOwnRatesAndParametersWithoutGradientsAreSkipped() {
        Var a = param(1.0);
        Var b = param(1.0);
        Var idle = param(1.0);
        Sgd sgd = new Sgd(List.of(new ParamGroup(List.of(a), 0.1, 0), new ParamGroup(List.of(b, idle), 1.0, 0)), 0, 0, false);
        grad(a, 1);
        grad(b, 1);
        sgd.step();
        assertEquals(0.9, a.value().getDouble(0), 1e-15);
        assertEquals(0.0, b.value().getDouble(0), 1e-15);
        assertEquals(1.0, idle.value().getDouble(0));
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> Sgd.of(List.of(a, a), 0.1, 0, 0));
        assertTrue(twice.getMessage().contains("more than one group"), twice.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Sgd.of(List.of(Var.of(Tensor.zeros(1))), 0.1, 0, 0));
    }

    @Test
    void aRestoredOptimizerContinuesBitForBit() {
        double[][] grads = {{0.3, -0.1}, {0.2, 0.4}, {-0.5, 0.05}, {0.1, 0.1}};
        for (int kind = 0; kind < 2; kind++) {
            Var straight = param(1.0, -2.0);
            Optimizer o1 = kind == 0 ? Sgd.of(List.of(straight), 0.1, 0.9, 0.01) : Adam.of(List.of(straight), 0.01, 0.01);
            for (double[] g : grads) {
                grad(straight, g);
                o1.step();
            }
            Var first = param(1.0, -2.0);
            Optimizer before = kind == 0 ? Sgd.of(List.of(first), 0.1, 0.9, 0.01) : Adam.of(List.of(first), 0.01, 0.01);
            for (int i = 0; i < 2; i++) {
                grad(first, grads[i]);
                before.step();
            }
            Map<String, Tensor> saved = before.stateDict();
            Var resumed = Var.withGrad(first.value().copy());
            Optimizer after = kind == 0 ? Sgd.of(List.of(resumed), 0.1, 0.9, 0.01) : Adam.of(List.of(resumed), 0.01, 0.01);
            after.load(saved);
            for (int i = 2; i < grads.length; i++) {
                grad(resumed, grads[i]);
                after.step();
            }
            assertTrue(straight.value().contentEquals(resumed.value()), "optimizer " + kind);
        }
    }

    @Test
    void loadingMismatchedStateIsAnError() {
        Var p = param(1.0, 2.0);
        Adam adam = Adam.of(List.of(p), 0.1, 0);
        grad(p, 1, 1);
        adam.step();
        Map<String, Tensor> state = new HashMap<>(adam.stateDict());
        state.put("state.0.expAvg", Tensor.zeros(DType.FLOAT64, 3));
        state.put("state.5.expAvg", Tensor.zeros(DType.FLOAT64, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> adam.load(state));
        assertTrue(e.getMessage().contains("'state.0.expAvg' has shape [3] but its parameter has [2]"), e.getMessage());
        assertTrue(e.getMessage().contains("unexpected 'state.5.expAvg'"), e.getMessage());
    }

    /** Review finding 3: load checked only shapes; now also dtypes and state names, all reported at once. */
    @Test
    void loadingStateOfTheWrongDtypeOrUnknownNamesIsAnError() {
        Var p = param(1.0, 2.0);
        Adam adam = Adam.amsgrad(List.of(p), 0.1, 0);
        grad(p, 1, 1);
        adam.step();
        Map<String, Tensor> state = new LinkedHashMap<>(adam.stateDict());
        state.put("state.0.expAvg", state.get("state.0.expAvg").to(DType.FLOAT32));
        state.put("state.0.expAvgSqq", Tensor.zeros(DType.FLOAT64, 2));
        state.put("state.0.step", Tensor.scalar(DType.FLOAT64, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> adam.load(state));
        String m = e.getMessage();
        assertTrue(m.contains("'state.0.expAvg' has dtype FLOAT32 but its parameter has FLOAT64"), m);
        assertTrue(m.contains("'state.0.expAvgSqq' is not a state of this Adam (amsgrad) (its states: step, expAvg, "
                + "expAvgSq, maxExpAvgSq)"), m);
        assertTrue(m.contains("'state.0.step' must be a single INT64 count, found FLOAT64 []"), m);
        // nothing was changed: the optimiser's own state still round-trips
        adam.load(adam.stateDict());
        // SGD with momentum keeps only its buffer; plain SGD keeps nothing
        Sgd sgd = Sgd.of(List.of(p), 0.1, 0.9, 0);
        sgd.step();
        IllegalArgumentException s = assertThrows(IllegalArgumentException.class,
                () -> Sgd.of(List.of(p), 0.1, 0, 0).load(sgd.stateDict()));
        assertTrue(s.getMessage().contains("'state.0.momentum' is not a state of this Sgd (its states: )"), s.getMessage());
    }

    @Test
    void schedules() {
        assertEquals(0.01, Schedule.step(10, 0.1).factor(25), 1e-15);
        assertEquals(0.1, Schedule.multiStep(0.1, 30, 10).factor(29), 1e-15);
        assertEquals(0.01, Schedule.multiStep(0.1, 10, 30).factor(30), 1e-15);
        Schedule cosine = Schedule.cosine(100, 0.0);
        assertEquals(1.0, cosine.factor(0), 1e-15);
        assertEquals(0.5, cosine.factor(50), 1e-15);
        assertEquals(0.0, cosine.factor(100), 1e-15);
        Schedule warm = Schedule.warmup(4, Schedule.constant());
        assertEquals(0.2, warm.factor(0), 1e-15);
        assertEquals(1.0, warm.factor(4), 1e-15);
        Var p = param(1.0);
        Sgd sgd = Sgd.of(List.of(p), 0.5, 0, 0);
        Schedule.step(1, 0.5).apply(sgd, 2);
        assertEquals(0.125, sgd.groups().get(0).lr(), 1e-15);
    }
}
