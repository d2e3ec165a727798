package org.bitspike.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The engine's contract: walk, accumulation, broadcasting, graph lifetime, modes and hooks. */
class EngineTest {
    private static final RandomKey KEY = RandomKey.of(3);

    private static Tensor t(double... values) {
        return Tensor.of(values, values.length);
    }

    @Test
    void readmeExampleGivesTheHandDerivedGradients() {
        Var x = Var.of(Tensor.of(new double[][] {{1, 2}, {-3, 1}}));
        Var w = Var.withGrad(Tensor.of(new double[][] {{1, 0}, {0, 1}}));
        Var b = Var.withGrad(t(0.5, -0.5));
        x.matmul(w).add(b).relu().sum().backward();
        // pre-activations [[1.5, 1.5], [-2.5, 0.5]]: mask [[1, 1], [0, 1]]; dW = x^T mask
        assertArrayEquals(new double[] {1, -2, 2, 3}, w.grad().value().toDoubleArray());
        assertArrayEquals(new double[] {1, 2}, b.grad().value().toDoubleArray());
    }

    @Test
    void aTenThousandStepChainDoesNotUseTheCallStack() throws Exception {
        AtomicReference<Object> result = new AtomicReference<>();
        Thread small = new Thread(null, () -> {
            try {
                Var x = Var.withGrad(Tensor.scalar(DType.FLOAT64, 1));
                Var y = x;
                for (int i = 0; i < 10_000; i++) {
                    y = y.mul(1.0001);
                }
                y.backward();
                result.set(x.grad().itemDouble());
            } catch (Throwable e) {
                result.set(e);
            }
        }, "small-stack", 256 * 1024);
        small.start();
        small.join();
        assertEquals(Math.pow(1.0001, 10_000), (Double) result.get(), 1e-9);
    }

    @Test
    void gradientsAccumulateAcrossBackwardsUntilZeroed() {
        Var x = Var.withGrad(t(1, 2));
        x.mul(x).sum().backward();
        x.mul(3).sum().backward();
        assertArrayEquals(new double[] {5, 7}, x.grad().value().toDoubleArray());
        x.zeroGrad();
        assertNull(x.grad());
        x.sum().backward();
        assertArrayEquals(new double[] {1, 1}, x.grad().value().toDoubleArray());
    }

    @Test
    void aValueUsedTwiceSumsBothPaths() {
        Var x = Var.withGrad(t(2));
        Var y = x.mul(x).add(x.exp()); // dy/dx = 2x + e^x
        y.sum().backward();
        assertEquals(4 + Math.exp(2), x.grad().value().getDouble(0), 1e-12);
    }

    @Test
    void broadcastGradientsAreSummedBackToEachInputShape() {
        Var a = Var.withGrad(Tensor.ones(DType.FLOAT64, 4, 1, 3));
        Var row = Var.withGrad(Tensor.ones(DType.FLOAT64, 5, 1));
        Var scalar = Var.withGrad(Tensor.scalar(DType.FLOAT64, 2));
        a.add(row).mul(scalar).sum().backward(); // output [4, 5, 3]
        assertArrayEquals(new int[] {4, 1, 3}, a.grad().shape());
        assertEquals(10.0, a.grad().value().getDouble(0, 0, 0)); // 5 rows x scalar 2
        assertArrayEquals(new int[] {5, 1}, row.grad().shape());
        assertEquals(24.0, row.grad().value().getDouble(0, 0)); // 4 x 3 x 2
        assertArrayEquals(new int[0], scalar.grad().shape());
        assertEquals(120.0, scalar.grad().itemDouble()); // sum of a + row = 60 entries of 2
    }

    @Test
    void gradientsKeepTheLeafDtype() {
        Var x = Var.withGrad(Tensor.of(new float[] {1, 2}, 2));
        Var y = Var.of(Tensor.of(new double[] {3, 4}, 2));
        x.mul(y).sum().backward(); // promoted to FLOAT64 on the way
        assertEquals(DType.FLOAT32, x.grad().dtype());
        assertArrayEquals(new float[] {3, 4}, x.grad().value().toFloatArray());
    }

    @Test
    void nonScalarOutputsNeedAnExplicitGradient() {
        Var x = Var.withGrad(t(1, 2, 3));
        Var y = x.mul(x);
        AutogradException e = assertThrows(AutogradException.class, y::backward);
        assertTrue(e.getMessage().contains("[3] is not a scalar"), e.getMessage());
        y.backward(t(1, 0, 2));
        assertArrayEquals(new double[] {2, 0, 12}, x.grad().value().toDoubleArray());
        Var z = x.mul(2);
        AutogradException shape = assertThrows(AutogradException.class, () -> z.backward(t(1, 2)));
        assertTrue(shape.getMessage().contains("gradient 0 has shape [2] but output 0 has shape [3]"), shape.getMessage());
    }

    @Test
    void aSecondBackwardNeedsTheGraphRetained() {
        Var x = Var.withGrad(t(1, 2));
        Var loss = x.exp().sum();
        loss.backward(Tensor.scalar(DType.FLOAT64, 1), GradOptions.retainingGraph());
        loss.backward();
        assertEquals(2 * Math.exp(1), x.grad().value().getDouble(0), 1e-12);
        AutogradException e = assertThrows(AutogradException.class, loss::backward);
        assertTrue(e.getMessage().contains("a second time"), e.getMessage());
        assertTrue(e.getMessage().contains("retainingGraph"), e.getMessage());
    }

    @Test
    void aSecondBackwardThroughOpsThatSaveNothingIsAlsoRefused() {
        Var x = Var.withGrad(t(1, 2));
        Var loss = x.add(x).sum();
        loss.backward();
        assertThrows(AutogradException.class, loss::backward);
    }

    @Test
    void detachCutsTheGraphAndSharesTheTensor() {
        Var x = Var.withGrad(t(1, 2));
        Var d = x.mul(2).detach();
        assertFalse(d.requiresGrad());
        assertTrue(d.isLeaf());
        Var y = x.mul(d).sum();
        y.backward();
        assertArrayEquals(new double[] {2, 4}, x.grad().value().toDoubleArray()); // d treated as a constant
        assertSame(x.value(), x.detach().value());
    }

    @Test
    void requiresGradIsALeafFlagOnFloatingValues() {
        Var x = Var.withGrad(t(1));
        Var y = x.mul(2);
        assertTrue(y.requiresGrad());
        assertFalse(y.isLeaf());
        assertEquals("mul", y.creator());
        AutogradException nonLeaf = assertThrows(AutogradException.class, () -> y.requiresGrad(false));
        assertTrue(nonLeaf.getMessage().contains("output of mul"), nonLeaf.getMessage());
        AutogradException integer = assertThrows(AutogradException.class,
                () -> Var.withGrad(Tensor.of(new int[] {1, 2}, 2)));
        assertTrue(integer.getMessage().contains("INT32"), integer.getMessage());
        assertFalse(Var.of(t(1)).mul(x.detach()).requiresGrad());
    }

    @Test
    void noGradScopesRecordNothingAndRestoreTheModeOnExit() {
        Var x = Var.withGrad(t(1));
        try (GradMode.Scope outer = GradMode.noGrad()) {
            assertFalse(GradMode.isEnabled());
            assertFalse(x.mul(2).requiresGrad());
            try (GradMode.Scope inner = GradMode.enableGrad()) {
                assertTrue(x.mul(2).requiresGrad());
            }
            assertFalse(GradMode.isEnabled());
        }
        assertTrue(GradMode.isEnabled());
        assertThrows(IllegalStateException.class, () -> {
            try (GradMode.Scope scope = GradMode.noGrad()) {
                throw new IllegalStateException("boom");
            }
        });
        assertTrue(GradMode.isEnabled());
    }

    @Test
    void noGradIsPerThread() throws Exception {
        try (GradMode.Scope scope = GradMode.noGrad()) {
            AtomicReference<Boolean> other = new AtomicReference<>();
            Thread thread = new Thread(() -> other.set(GradMode.isEnabled()));
            thread.start();
            thread.join();
            assertTrue(other.get());
        }
    }

    @Test
    void hooksSeeAndMayReplaceGradients() {
        Var x = Var.withGrad(t(1, 2));
        Var h = x.mul(3);
        List<double[]> seen = new ArrayList<>();
        h.registerHook(g -> {
            seen.add(g.value().toDoubleArray());
            return null;
        });
        HookHandle doubling = x.registerHook(g -> g.mul(2));
        h.sum().backward();
        assertArrayEquals(new double[] {1, 1}, seen.get(0));
        assertArrayEquals(new double[] {6, 6}, x.grad().value().toDoubleArray());
        doubling.remove();
        x.zeroGrad();
        x.mul(3).sum().backward();
        assertArrayEquals(new double[] {3, 3}, x.grad().value().toDoubleArray());
    }

    @Test
    void aHookThatChangesTheShapeIsAnError() {
        Var x = Var.withGrad(t(1, 2));
        x.registerHook(g -> g.sum());
        AutogradException e = assertThrows(AutogradException.class, () -> x.mul(2).sum().backward());
        assertTrue(e.getMessage().contains("hook returned shape [] for a gradient of shape [2]"), e.getMessage());
    }

    @Test
    void retainGradKeepsAnIntermediateGradient() {
        Var x = Var.withGrad(t(1, 2));
        Var h = x.mul(x).retainGrad();
        h.mul(5).sum().backward();
        assertArrayEquals(new double[] {5, 5}, h.grad().value().toDoubleArray());
        assertArrayEquals(new double[] {10, 20}, x.grad().value().toDoubleArray());
    }

    @Test
    void gradReturnsGradientsWithoutTouchingLeaves() {
        Var x = Var.withGrad(t(1, 2));
        Var y = Var.withGrad(t(3, 4));
        List<Var> g = Autograd.grad(x.mul(y).sum(), List.of(y, x));
        assertArrayEquals(new double[] {1, 2}, g.get(0).value().toDoubleArray());
        assertArrayEquals(new double[] {3, 4}, g.get(1).value().toDoubleArray());
        assertNull(x.grad());
        assertNull(y.grad());
    }

    @Test
    void gradOfAnUnusedInputIsAnErrorUnlessAllowed() {
        Var x = Var.withGrad(t(1, 2));
        Var unused = Var.withGrad(t(5));
        Var loss = x.sum();
        AutogradException e = assertThrows(AutogradException.class,
                () -> Autograd.grad(loss, List.of(x, unused), GradOptions.retainingGraph()));
        assertTrue(e.getMessage().contains("input 1 of shape [1] is not used"), e.getMessage());
        List<Var> g = Autograd.grad(loss, List.of(x, unused), GradOptions.DEFAULT.allowingUnused());
        assertArrayEquals(new double[] {0}, g.get(1).value().toDoubleArray());
    }

    @Test
    void gradOfAnIntermediateValue() {
        Var x = Var.withGrad(t(1, 2));
        Var h = x.mul(2);
        Var g = Autograd.grad(h.exp().sum(), List.of(h)).get(0);
        assertArrayEquals(new double[] {Math.exp(2), Math.exp(4)}, g.value().toDoubleArray(), 1e-12);
    }

    @Test
    void gradLeavesThePartOfTheGraphItDoesNotNeedIntact() {
        Var x = Var.withGrad(t(1, 2));
        Var h = x.exp();
        Var loss = h.mul(h).sum();
        Var dh = Autograd.grad(loss, List.of(h)).get(0); // walks only loss -> h
        assertArrayEquals(new double[] {2 * Math.exp(1), 2 * Math.exp(2)}, dh.value().toDoubleArray(), 1e-12);
        h.backward(t(1, 1)); // exp's saved output was not released by the grad call
        assertArrayEquals(new double[] {Math.exp(1), Math.exp(2)}, x.grad().value().toDoubleArray(), 1e-12);
    }

    @Test
    void theHessianOfAPiecewiseLinearFunctionIsZero() {
        Tensor hv = Autograd.hessianVectorProduct(a -> a.relu().sum(), t(1, -2, 3), Tensor.ones(DType.FLOAT64, 3));
        assertArrayEquals(new double[] {0, 0, 0}, hv.toDoubleArray());
    }

    @Test
    void compositeOpsValidateUnderTheirOwnNames() {
        Var x = Var.withGrad(t(1, 2, 3));
        assertEquals("var: correction must be >= 0, got -1 for shape [3]",
                assertThrows(AutogradException.class, () -> x.var(new int[] {0}, -1, false)).getMessage());
        assertEquals("matmul: cannot multiply [3] by [4]: inner dimensions 3 != 4",
                assertThrows(IllegalArgumentException.class, () -> x.matmul(Var.of(t(1, 2, 3, 4)))).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> x.narrow(0, 2, 5)).getMessage().startsWith("narrow:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> x.softmax(1)).getMessage().contains("[3]"));
    }

    @Test
    void nullOperandsAreNamed() {
        Var x = Var.withGrad(t(1));
        AutogradException e = assertThrows(AutogradException.class, () -> x.mul(null));
        assertEquals("mul: other is null", e.getMessage());
    }

    @Test
    void createGraphMakesGradientsDifferentiable() {
        Var x = Var.withGrad(t(1, 2));
        Var dy = Autograd.grad(x.pow(3).sum(), List.of(x), GradOptions.creatingGraph()).get(0);
        assertTrue(dy.requiresGrad());
        assertArrayEquals(new double[] {3, 12}, dy.value().toDoubleArray(), 1e-12);
        Var d2y = Autograd.grad(dy.sum(), List.of(x), GradOptions.creatingGraph()).get(0);
        assertArrayEquals(new double[] {6, 12}, d2y.value().toDoubleArray(), 1e-12);
        Var d3y = Autograd.grad(d2y.sum(), List.of(x)).get(0);
        assertArrayEquals(new double[] {6, 6}, d3y.value().toDoubleArray(), 1e-12);
    }

    @Test
    void backwardWithCreateGraphLeavesADifferentiableGrad() {
        Var x = Var.withGrad(t(3));
        x.mul(x).mul(x).sum().backward(Tensor.scalar(DType.FLOAT64, 1), GradOptions.creatingGraph());
        Var firstDerivative = x.grad(); // 3x^2, recorded
        x.zeroGrad();
        firstDerivative.sum().backward();
        assertEquals(18.0, x.grad().itemDouble(), 1e-12); // 6x
    }

    @Test
    void hessianVectorProductMatchesFiniteDifferences() {
        Tensor x = Tensor.randn(KEY.fold(1), DType.FLOAT64, 5);
        Tensor v = Tensor.randn(KEY.fold(2), DType.FLOAT64, 5);
        java.util.function.UnaryOperator<Var> f = z -> z.sin().mul(z.mul(z).sum()).sum();
        Tensor hv = Autograd.hessianVectorProduct(f, x, v);
        double eps = 1e-5;
        Tensor plus = gradient(f, x.add(v.mul(eps)));
        Tensor minus = gradient(f, x.sub(v.mul(eps)));
        double[] expected = plus.sub(minus).div(2 * eps).toDoubleArray();
        assertArrayEquals(expected, hv.toDoubleArray(), 1e-6);
    }

    private static Tensor gradient(java.util.function.UnaryOperator<Var> f, Tensor at) {
        Var x = Var.withGrad(at);
        return Autograd.grad(f.apply(x), List.of(x)).get(0).value();
    }

    @Test
    void piecewiseConstantOpsRefuseToDifferentiate() {
        Var x = Var.withGrad(t(0.4, -1.2));
        for (java.util.function.UnaryOperator<Var> op : List.<java.util.function.UnaryOperator<Var>>of(
                Var::sign, Var::floor, Var::ceil, Var::round)) {
            Var y = op.apply(x);
            AutogradException e = assertThrows(AutogradException.class, () -> y.sum().backward());
            assertTrue(e.getMessage().startsWith("no gradient for " + y.creator() + " with respect to input"),
                    e.getMessage());
        }
        try (GradMode.Scope scope = GradMode.noGrad()) {
            assertArrayEquals(new double[] {1, -1}, x.sign().value().toDoubleArray()); // the forward is fine
        }
    }

    @Test
    void independentGraphsCanBeDifferentiatedInAnyOrder() {
        Var a = Var.withGrad(t(1));
        Var b = Var.withGrad(t(2));
        Var la = a.mul(a).sum();
        Var lb = b.mul(b).sum();
        lb.backward();
        la.backward();
        assertEquals(2.0, a.grad().itemDouble());
        assertEquals(4.0, b.grad().itemDouble());
    }

    @Test
    void severalOutputsBackPropagateTogether() {
        Var x = Var.withGrad(t(1, 2));
        Var y1 = x.mul(2);
        Var y2 = x.mul(x).sum();
        Autograd.backward(List.of(y1, y2), java.util.Arrays.asList(Var.of(t(1, 1)), null), GradOptions.DEFAULT);
        assertArrayEquals(new double[] {4, 6}, x.grad().value().toDoubleArray());
    }

    @Test
    void backwardOfAValueThatNeedsNoGradientIsAnError() {
        Var c = Var.of(t(1, 2)).sum();
        AutogradException e = assertThrows(AutogradException.class, c::backward);
        assertTrue(e.getMessage().contains("does not require a gradient"), e.getMessage());
    }
}
