package org.bitspike.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bitspike.tensor.DType;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** A backward through a value modified in place after it was saved raises; it never computes a wrong gradient. */
class InPlaceSafetyTest {
    private static Tensor t(double... values) {
        return Tensor.of(values, values.length);
    }

    @Test
    void modifyingASavedInputNamesTheOpAndTheTensor() {
        Var w = Var.withGrad(t(1, 2));
        Var x = Var.of(t(3, 4)).named("x");
        Var loss = w.mul(x).sum(); // mul saved x to compute dw
        x.value().mul_(2);
        AutogradException e = assertThrows(AutogradException.class, loss::backward);
        String m = e.getMessage();
        assertTrue(m.startsWith("mul: its saved input 'other' tensor 'x' of shape [2]"), m);
        assertTrue(m.contains("version 0 when saved, 1 now"), m);
    }

    @Test
    void modifyingASavedOutputIsCaught() {
        Var x = Var.withGrad(t(0, 1));
        Var y = x.exp(); // exp saves its output
        Var loss = y.sum();
        y.value().add_(1);
        AutogradException e = assertThrows(AutogradException.class, loss::backward);
        assertTrue(e.getMessage().startsWith("exp: its saved output"), e.getMessage());
    }

    @Test
    void aWriteThroughAnotherViewOfTheSameStorageIsCaught() {
        Tensor storage = Tensor.of(new double[] {1, 2, 3, 4}, 4);
        Var x = Var.of(storage.narrow(0, 0, 2));
        Var w = Var.withGrad(t(1, 1));
        Var loss = w.mul(x).sum();
        storage.narrow(0, 2, 2).fill_(0); // a disjoint region, but the same storage: conservatively refused
        assertThrows(AutogradException.class, loss::backward);
    }

    @Test
    void modifyingAValueNoOpSavedIsFine() {
        Var w = Var.withGrad(t(1, 2));
        Var b = Var.of(t(3, 4));
        Var loss = w.add(b).sum(); // add saves nothing
        b.value().mul_(2);
        loss.backward();
        assertArrayEquals(new double[] {1, 1}, w.grad().value().toDoubleArray());
    }

    @Test
    void anOptimiserStepBetweenIterationsIsFine() {
        Var w = Var.withGrad(t(1, 2));
        Var x = Var.of(t(3, 4));
        for (int step = 0; step < 3; step++) {
            w.zeroGrad();
            w.mul(x).sum().backward();
            try (GradMode.Scope scope = GradMode.noGrad()) {
                w.value().addScaled_(w.grad().value(), -0.1); // bumps w's version, after the backward
            }
        }
        assertArrayEquals(new double[] {1 - 0.9, 2 - 1.2}, w.value().toDoubleArray(), 1e-12);
    }

    @Test
    void leafGradientsNeverAliasEachOtherOrTheGraph() {
        Var a = Var.withGrad(t(1, 2));
        Var b = Var.withGrad(t(3, 4));
        a.add(b).sum().backward(); // add hands the same gradient to both
        a.grad().value().mul_(10); // e.g. gradient clipping on one parameter
        assertArrayEquals(new double[] {1, 1}, b.grad().value().toDoubleArray());
        Var c = Var.withGrad(Tensor.scalar(DType.FLOAT64, 1));
        Tensor seed = t(5, 5);
        c.expand(2).backward(seed);
        seed.fill_(0);
        assertArrayEquals(new double[] {10}, new double[] {c.grad().itemDouble()});
    }

    @Test
    void aGradientTheBackwardAllocatedIsAdoptedWithoutACopy() {
        Var x = Var.of(Tensor.of(new double[][] {{1, 2}, {3, 4}}));
        Var w = Var.withGrad(Tensor.of(new double[][] {{1, 0}, {0, 1}}));
        Tensor[] seen = new Tensor[1];
        w.registerHook(g -> {
            seen[0] = g.value();
            return null;
        });
        x.matmul(w).sum().backward();
        org.junit.jupiter.api.Assertions.assertSame(seen[0], w.grad().value(), "x^T g is fresh: adopted, not copied");
    }

    @Test
    void valuesTheBackwardDidNotAllocateAreCopied() {
        // a custom rule that returns a saved forward value itself as the gradient
        Function passSaved = new Function() {
            @Override
            protected Tensor forward(Context ctx, Tensor... x) {
                ctx.saveOutput();
                return x[0].exp();
            }

            @Override
            protected Var[] backward(Context ctx, Var g) {
                return new Var[] {ctx.output()};
            }
        };
        Var x = Var.withGrad(t(0, 1));
        Var y = passSaved.apply(x);
        y.sum().backward();
        x.grad().value().mul_(0);
        assertArrayEquals(new double[] {1, Math.E}, y.value().toDoubleArray(), 1e-12);

        Tensor user = t(7, 7);
        Var z = Var.withGrad(t(1, 2));
        z.registerHook(g -> Var.of(user));
        z.mul(2).sum().backward();
        z.grad().value().fill_(0);
        assertArrayEquals(new double[] {7, 7}, user.toDoubleArray());
    }
}
