package org.bitspike.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Custom functions are recorded and held to the same contract as the built-in primitives. */
class CustomFunctionTest {
    private static Tensor t(double... values) {
        return Tensor.of(values, values.length);
    }

    /** The Javadoc example: sign forward, clipped identity backward. */
    static final class SteSign extends Function {
        @Override
        protected Tensor forward(Context ctx, Tensor... x) {
            ctx.saveInputs(0);
            return x[0].sign();
        }

        @Override
        protected Var[] backward(Context ctx, Var g) {
            Tensor inside = ctx.input(0).value().abs().le(1);
            return new Var[] {Var.where(inside, g, g.mul(0))};
        }
    }

    @Test
    void straightThroughSignPassesClippedGradients() {
        Var x = Var.withGrad(t(-2, -0.5, 0.5, 3));
        Var y = new SteSign().apply(x);
        assertArrayEquals(new double[] {-1, -1, 1, 1}, y.value().toDoubleArray());
        assertEquals("SteSign", y.creator());
        y.sum().backward();
        assertArrayEquals(new double[] {0, 1, 1, 0}, x.grad().value().toDoubleArray());
    }

    @Test
    void aCustomFunctionPassesGradcheckToSecondOrder() {
        Tensor x = Tensor.randn(RandomKey.of(4), DType.FLOAT64, 3, 4);
        GradCheck.check("softplus", v -> new TestFunctions.Softplus().apply(v[0]), x);
        GradCheck.checkSecondOrder("softplus", v -> new TestFunctions.Softplus().apply(v[0]), GradCheck.Options.defaults(), x);
    }

    @Test
    void aDeclaredNonDifferentiableInputRefusesAGradient() {
        Var x = Var.withGrad(t(1, 2));
        Var fixedScale = Var.of(t(3));
        new TestFunctions.Scale().apply(x, fixedScale).sum().backward();
        assertArrayEquals(new double[] {3, 3}, x.grad().value().toDoubleArray()); // broadcast undone by the engine
        Var trainedScale = Var.withGrad(t(3));
        AutogradException e = assertThrows(AutogradException.class,
                () -> new TestFunctions.Scale().apply(x, trainedScale).sum().backward());
        assertEquals("no gradient for Scale with respect to input 1: the function declares it non-differentiable",
                e.getMessage());
    }

    @Test
    void aNullGradientForAnInputThatNeedsOneIsAnError() {
        Function forgetful = new Function() {
            @Override
            public String name() {
                return "forgetful";
            }

            @Override
            protected Tensor forward(Context ctx, Tensor... x) {
                return x[0].mul(2);
            }

            @Override
            protected Var[] backward(Context ctx, Var g) {
                return new Var[] {null}; // AdderNet's bug: a backward that forgot to return
            }
        };
        AutogradException e = assertThrows(AutogradException.class,
                () -> forgetful.apply(Var.withGrad(t(1))).sum().backward());
        assertTrue(e.getMessage().startsWith("no gradient for forgetful with respect to input 0"), e.getMessage());
    }

    @Test
    void wrongGradientCountsAndShapesAreErrors() {
        Function tooMany = new Function() {
            @Override
            protected Tensor forward(Context ctx, Tensor... x) {
                return x[0].neg();
            }

            @Override
            protected Var[] backward(Context ctx, Var g) {
                return new Var[] {g, g};
            }
        };
        AutogradException count = assertThrows(AutogradException.class,
                () -> tooMany.apply(Var.withGrad(t(1))).sum().backward());
        assertTrue(count.getMessage().contains("2 gradients for 1 inputs"), count.getMessage());
        Function wrongShape = new Function() {
            @Override
            public String name() {
                return "wrongShape";
            }

            @Override
            protected Tensor forward(Context ctx, Tensor... x) {
                return x[0].neg();
            }

            @Override
            protected Var[] backward(Context ctx, Var g) {
                return new Var[] {Var.of(Tensor.ones(DType.FLOAT64, 3))};
            }
        };
        AutogradException shape = assertThrows(AutogradException.class,
                () -> wrongShape.apply(Var.withGrad(t(1, 2))).sum().backward());
        assertEquals("wrongShape: the backward returned a gradient of shape [3] for input 0 of shape [2], which it "
                + "does not broadcast to", shape.getMessage());
    }

    @Test
    void readingAnUnsavedInputIsAnError() {
        Function lazy = new Function() {
            @Override
            protected Tensor forward(Context ctx, Tensor... x) {
                return x[0].exp();
            }

            @Override
            protected Var[] backward(Context ctx, Var g) {
                return new Var[] {g.mul(ctx.input(0))};
            }
        };
        AutogradException e = assertThrows(AutogradException.class,
                () -> lazy.apply(Var.withGrad(t(1))).sum().backward());
        assertTrue(e.getMessage().contains("reads input 0 (input 0), which the forward did not save"), e.getMessage());
    }

    @Test
    void customFunctionsRunWithoutRecordingUnderNoGrad() {
        try (GradMode.Scope scope = GradMode.noGrad()) {
            Var y = new TestFunctions.Softplus().apply(Var.withGrad(t(0)));
            assertEquals(Math.log(2), y.itemDouble(), 1e-12);
            assertTrue(y.isLeaf());
        }
        Var x = Var.withGrad(t(0));
        assertEquals(0.5, Autograd.grad(new TestFunctions.Softplus().apply(x).sum(), List.of(x)).get(0).itemDouble(), 1e-12);
    }
}
