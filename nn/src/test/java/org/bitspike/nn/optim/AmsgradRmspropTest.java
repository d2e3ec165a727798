package org.bitspike.nn.optim;

import static org.bitspike.nn.optim.OptimParams.grad;
import static org.bitspike.nn.optim.OptimParams.param;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.bitspike.autograd.Var;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Adam with AMSGrad and RMSprop: golden steps from the formulas in double, state round trips, bad hyper-parameters. */
class AmsgradRmspropTest {
    private static final double[][] GRADS = {{1.0, -0.3}, {0.01, 0.2}, {0.02, -0.5}};

    @Test
    void amsgradDividesByTheRunningMaximumOfTheSecondMoment() {
        for (boolean decoupled : new boolean[] {false, true}) {
            Var p = param(1.0, -2.0);
            // beta2 = 0.5 so that v falls after the large first gradient and the maximum matters
            Adam adam = new Adam(List.of(new ParamGroup(List.of(p), 0.01, 0.1)), 0.9, 0.5, 1e-8, decoupled, true);
            double[] x = {1.0, -2.0};
            double[] m = new double[2];
            double[] v = new double[2];
            double[] vmax = new double[2];
            for (int t = 1; t <= GRADS.length; t++) {
                grad(p, GRADS[t - 1]);
                adam.step();
                for (int i = 0; i < 2; i++) {
                    double g = GRADS[t - 1][i];
                    if (decoupled) {
                        x[i] *= 1 - 0.01 * 0.1;
                    } else {
                        g += 0.1 * x[i];
                    }
                    m[i] = 0.9 * m[i] + 0.1 * g;
                    v[i] = 0.5 * v[i] + 0.5 * g * g;
                    vmax[i] = Math.max(vmax[i], v[i]);
                    x[i] -= 0.01 / (1 - Math.pow(0.9, t)) * m[i] / (Math.sqrt(vmax[i] / (1 - Math.pow(0.5, t))) + 1e-8);
                }
                assertArrayEquals(x, p.value().toDoubleArray(), 1e-13, "decoupled " + decoupled + " step " + t);
            }
            // the maximum is kept: at step 3, element 0's v (about 0.0626) is below its maximum (0.5)
            assertTrue(v[0] < vmax[0]);
            assertArrayEquals(vmax, adam.stateDict().get("state.0.maxExpAvgSq").toDoubleArray(), 1e-15);
        }
    }

    @Test
    void amsgradGoldenFirstStepMovesByLearningRate() {
        // step 1: m = 0.1 g, v = vmax = 0.001 g^2; m_hat / sqrt(v_hat) = sign(g); p = 1 - 0.1 * 1 (up to eps)
        Var p = param(1.0);
        Adam adam = Adam.amsgrad(List.of(p), 0.1, 0);
        grad(p, 0.5);
        adam.step();
        assertEquals(0.9, p.value().getDouble(0), 1e-7);
    }

    @Test
    void rmspropFollowsPyTorchInEveryConfiguration() {
        for (boolean centered : new boolean[] {false, true}) {
            for (double momentum : new double[] {0, 0.9}) {
                Var p = param(1.0, -2.0);
                RMSprop opt = new RMSprop(List.of(new ParamGroup(List.of(p), 0.01, 0.05)), 0.9, 1e-8, momentum,
                        centered);
                double[] x = {1.0, -2.0};
                double[] s = new double[2];
                double[] a = new double[2];
                double[] b = new double[2];
                for (int t = 1; t <= GRADS.length; t++) {
                    grad(p, GRADS[t - 1]);
                    opt.step();
                    for (int i = 0; i < 2; i++) {
                        double g = GRADS[t - 1][i] + 0.05 * x[i];
                        s[i] = 0.9 * s[i] + 0.1 * g * g;
                        double var = s[i];
                        if (centered) {
                            a[i] = 0.9 * a[i] + 0.1 * g;
                            var -= a[i] * a[i];
                        }
                        double d = Math.sqrt(var) + 1e-8;
                        if (momentum > 0) {
                            b[i] = momentum * b[i] + g / d;
                            x[i] -= 0.01 * b[i];
                        } else {
                            x[i] -= 0.01 * g / d;
                        }
                    }
                    assertArrayEquals(x, p.value().toDoubleArray(), 1e-13,
                            "centered " + centered + " momentum " + momentum + " step " + t);
                }
            }
        }
    }

    @Test
    void rmspropGoldenFirstStep() {
        // s = 0.01 * 0.25 = 0.0025, sqrt = 0.05; p = 1 - 0.01 * 0.5 / 0.05 = 0.9 (up to eps)
        Var p = param(1.0);
        RMSprop opt = RMSprop.of(List.of(p), 0.01, 0);
        grad(p, 0.5);
        opt.step();
        assertEquals(0.9, p.value().getDouble(0), 1e-7);
    }

    @Test
    void stateRoundTripsThroughTheStateDict() {
        List<Function<Var, Optimizer>> makers = List.of(
                q -> new Adam(List.of(new ParamGroup(List.of(q), 0.01, 0.1)), 0.9, 0.5, 1e-8, false, true),
                q -> new RMSprop(List.of(new ParamGroup(List.of(q), 0.01, 0.1)), 0.9, 1e-8, 0.9, true));
        for (Function<Var, Optimizer> make : makers) {
            Var p = param(1.0, -2.0);
            Optimizer opt = make.apply(p);
            for (int t = 0; t < 2; t++) {
                grad(p, GRADS[t]);
                opt.step();
            }
            Map<String, Tensor> saved = opt.stateDict();
            Var q = Var.withGrad(p.value().copy());
            Optimizer resumed = make.apply(q);
            resumed.load(saved);
            grad(p, GRADS[2]);
            opt.step();
            grad(q, GRADS[2]);
            resumed.step();
            assertArrayEquals(p.value().toDoubleArray(), q.value().toDoubleArray(), 0.0, opt.getClass().getSimpleName());
            assertEquals(opt.stateDict().keySet(), resumed.stateDict().keySet());
        }
    }

    /** Review finding 2: state saved under another configuration was an NPE at the step (RMSprop) or a silent zero (AMSGrad's maximum). */
    @Test
    void stateSavedUnderAnotherConfigurationIsRefusedAtLoadByName() {
        Var p = param(1.0, -2.0);
        RMSprop plain = RMSprop.of(List.of(p), 0.01, 0);
        grad(p, GRADS[0]);
        plain.step();
        RMSprop centered = new RMSprop(List.of(new ParamGroup(List.of(p), 0.01, 0)), 0.99, 1e-8, 0.9, true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> centered.load(plain.stateDict()));
        assertTrue(e.getMessage().contains("RMSprop (centered, momentum 0.9)"), e.getMessage());
        assertTrue(e.getMessage().contains("missing 'state.0.gradAvg'"), e.getMessage());
        assertTrue(e.getMessage().contains("missing 'state.0.momentumBuffer'"), e.getMessage());
        grad(p, GRADS[1]);
        centered.step(); // nothing was loaded: it starts fresh, no NullPointerException
        assertEquals(2, centered.stateDict().get("state.0.step").itemDouble() + 1);

        Adam adam = Adam.of(List.of(p), 0.01, 0);
        adam.step();
        Adam ams = Adam.amsgrad(List.of(p), 0.01, 0);
        IllegalArgumentException a = assertThrows(IllegalArgumentException.class, () -> ams.load(adam.stateDict()));
        assertTrue(a.getMessage().contains("load Adam (amsgrad) state: missing 'state.0.maxExpAvgSq'"), a.getMessage());
        // a parameter that never had a gradient has no state, and that loads anywhere
        Var unused = param(3.0);
        Adam fresh = Adam.of(List.of(unused), 0.01, 0);
        Adam.amsgrad(List.of(unused), 0.01, 0).load(fresh.stateDict());
    }

    @Test
    void float32ParametersGetFloat32State() {
        Var p = Var.withGrad(Tensor.of(new float[] {1, -2}, 2));
        RMSprop opt = new RMSprop(List.of(new ParamGroup(List.of(p), 0.01, 0)), 0.99, 1e-8, 0.5, true);
        Adam adam = Adam.amsgrad(List.of(Var.withGrad(Tensor.of(new float[] {3}, 1))), 0.01, 0);
        grad(p, 0.1, 0.2);
        opt.step();
        adam.groups().get(0).params().get(0).mul(2.0).sum().backward();
        adam.step();
        assertEquals(DType.FLOAT32, opt.stateDict().get("state.0.gradAvg").dtype());
        assertEquals(DType.FLOAT32, adam.stateDict().get("state.0.maxExpAvgSq").dtype());
        assertEquals(DType.FLOAT32, p.value().dtype());
    }

    @Test
    void badHyperParametersAreRejectedByName() {
        List<ParamGroup> groups = List.of(new ParamGroup(List.of(param(1)), 0.1, 0));
        for (double[] bad : new double[][] {{-0.1, 1e-8, 0}, {1.5, 1e-8, 0}, {0.9, 0, 0}, {0.9, 1e-8, -1},
                {Double.NaN, 1e-8, 0}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new RMSprop(groups, bad[0], bad[1], bad[2], false));
            assertTrue(e.getMessage().startsWith("RMSprop:") && e.getMessage().contains(String.valueOf(bad[0])),
                    e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Adam(groups, 0.9, 1.0, 1e-8, false, true));
        assertTrue(e.getMessage().startsWith("Adam:") && e.getMessage().contains("1.0"), e.getMessage());
    }
}
