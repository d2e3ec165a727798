package org.bitspike.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.bitspike.bench.AutogradSuite.Mlp;
import org.bitspike.bench.AutogradSuite.Problem;
import org.bitspike.bench.AutogradSuite.StepResult;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

class AutogradSuiteTest {
    private static final Mlp SMALL = new Mlp(6, 13, 9, 7, 4);

    @Test
    void bothImplsComputeTheSameGradientsAsTheReference() {
        for (Mlp mlp : List.of(SMALL, AutogradSuite.QUICK)) {
            Problem p = new Problem(mlp, 11);
            StepResult autograd = AutogradSuite.step(Impl.AUTOGRAD, p).run();
            StepResult kernels = AutogradSuite.step(Impl.KERNELS, p).run();
            MlpCheck.verify("autograd", p, autograd);
            MlpCheck.verify("kernels", p, kernels);
            assertEquals(kernels.loss().item(), autograd.loss().item(), 1e-6);
            for (int i = 0; i < 6; i++) {
                Tensor a = autograd.grads().get(i);
                Tensor k = kernels.grads().get(i);
                assertArrayEquals(p.params[i].shape(), a.shape());
                float[] av = a.toFloatArray();
                float[] kv = k.toFloatArray();
                double max = 0;
                for (float v : kv) {
                    max = Math.max(max, Math.abs(v));
                }
                for (int j = 0; j < av.length; j++) {
                    assertEquals(kv[j], av[j], 1e-5 * max, Problem.PARAM_NAMES.get(i) + " entry " + j);
                }
            }
        }
    }

    @Test
    void repeatedStepsDoNotAccumulateGradients() {
        Problem p = new Problem(SMALL, 12);
        for (Impl impl : List.of(Impl.AUTOGRAD, Impl.KERNELS)) {
            AutogradSuite.Step step = AutogradSuite.step(impl, p);
            float[] first = step.run().grads().get(0).toFloatArray();
            StepResult third = step.run();
            third = step.run();
            MlpCheck.verify(impl.label(), p, third);
            assertArrayEquals(first, third.grads().get(0).toFloatArray());
        }
    }

    @Test
    void theCheckCatchesAWrongGradientEntry() {
        Problem p = new Problem(SMALL, 13);
        StepResult good = AutogradSuite.step(Impl.KERNELS, p).run();
        for (int i = 0; i < 6; i++) {
            Tensor g = good.grads().get(i).copy();
            int[] last = g.shape();
            for (int d = 0; d < last.length; d++) {
                last[d]--;
            }
            g.set_(g.getDouble(last) + 1e-2, last);
            List<Tensor> grads = new java.util.ArrayList<>(good.grads());
            grads.set(i, g);
            StepResult bad = new StepResult(good.loss(), good.h1(), good.h2(), grads);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> MlpCheck.verify("run", p, bad));
            String name = Problem.PARAM_NAMES.get(i);
            assertTrue(e.getMessage().contains("gradient of " + name + " at " + java.util.Arrays.toString(last)),
                    e.getMessage());
        }
    }

    @Test
    void theCheckCatchesAWrongActivationAndAWrongShape() {
        Problem p = new Problem(SMALL, 14);
        StepResult good = AutogradSuite.step(Impl.AUTOGRAD, p).run();
        Tensor h2 = good.h2().add(Tensor.scalar(good.h2().dtype(), 0.5));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> MlpCheck.verify("run", p, new StepResult(good.loss(), good.h1(), h2, good.grads())));
        assertTrue(e.getMessage().contains("h2 (relu output) at [0, 0]"), e.getMessage());
        List<Tensor> grads = new java.util.ArrayList<>(good.grads());
        grads.set(1, grads.get(1).reshape(1, -1));
        e = assertThrows(IllegalStateException.class,
                () -> MlpCheck.verify("run", p, new StepResult(good.loss(), good.h1(), good.h2(), grads)));
        assertTrue(e.getMessage().contains("gradient of b1 has shape [1, 9], expected [9]"), e.getMessage());
    }

    @Test
    void flopsCountTheMatrixProducts() {
        // forward 3 products, 3 weight gradients, 2 activation gradients
        double expected = 2.0 * 6 * (13 * 9 + 9 * 7 + 7 * 4) * 2 + 2.0 * 6 * (9 * 7 + 7 * 4);
        assertEquals(expected, SMALL.flops());
        assertEquals("mlp-784-512-512-10-b64", AutogradSuite.FULL.name());
    }
}
