package org.bitspike.autograd;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** gradcheck itself: it passes correct gradients and names the place of a wrong one. */
class GradCheckTest {
    private static final RandomKey KEY = RandomKey.of(5);

    /** sin with a backward that is off by a factor at one element, so exactly one Jacobian entry is wrong. */
    static final class WrongAtOneElement extends Function {
        @Override
        public String name() {
            return "wrongSin";
        }

        @Override
        protected Tensor forward(Context ctx, Tensor... x) {
            ctx.saveInputs(0);
            return x[0].sin();
        }

        @Override
        protected Var[] backward(Context ctx, Var g) {
            Tensor factor = Tensor.ones(DType.FLOAT64, ctx.inputShape(0));
            factor.set_(1.5, 1, 2);
            return new Var[] {g.mul(ctx.input(0).cos()).mul(Var.of(factor))};
        }
    }

    /** sin whose backward treats cos(x) as a constant: first derivative right, second wrong. */
    static final class DetachedSin extends Function {
        @Override
        public String name() {
            return "detachedSin";
        }

        @Override
        protected Tensor forward(Context ctx, Tensor... x) {
            ctx.saveInputs(0);
            return x[0].sin();
        }

        @Override
        protected Var[] backward(Context ctx, Var g) {
            return new Var[] {g.mul(Var.of(ctx.input(0).value().cos()))};
        }
    }

    @Test
    void aWrongEntryIsReportedWithItsIndicesAndValues() {
        Tensor x = Tensor.randn(KEY, DType.FLOAT64, 2, 3);
        AutogradException e = assertThrows(AutogradException.class,
                () -> GradCheck.check("wrongSin", v -> new WrongAtOneElement().apply(v[0]), x));
        String m = e.getMessage();
        assertTrue(m.startsWith("gradcheck wrongSin: d output 0[1, 2] / d input 0[1, 2] (input 0 of shape [2, 3])"), m);
        double cos = Math.cos(x.getDouble(1, 2));
        assertTrue(m.contains(String.format("numerical %.9g, analytical %.9g", cos, 1.5 * cos).substring(0, 20)), m);
    }

    @Test
    void projectionModeCatchesTheSameMistake() {
        Tensor x = Tensor.randn(KEY.fold(1), DType.FLOAT64, 2, 3);
        AutogradException e = assertThrows(AutogradException.class, () -> GradCheck.check("wrongSin",
                v -> new WrongAtOneElement().apply(v[0]), GradCheck.Options.defaults().projected(3, KEY), x));
        assertTrue(e.getMessage().contains("projection 0 of input 0 [2, 3]"), e.getMessage());
        GradCheck.check("sin", v -> v[0].sin(), GradCheck.Options.defaults().projected(3, KEY), x);
    }

    @Test
    void secondOrderCatchesABackwardThatIsNotDifferentiable() {
        Tensor x = Tensor.randn(KEY.fold(2), DType.FLOAT64, 4);
        GradCheck.check("detachedSin", v -> new DetachedSin().apply(v[0]), x); // first order is right
        AutogradException e = assertThrows(AutogradException.class, () -> GradCheck.checkSecondOrder("detachedSin",
                v -> new DetachedSin().apply(v[0]), GradCheck.Options.defaults(), x));
        assertTrue(e.getMessage().startsWith("gradcheck detachedSin (second order)"), e.getMessage());
        GradCheck.checkSecondOrder("sin", v -> v[0].sin(), GradCheck.Options.defaults(), x);
    }

    @Test
    void constantAndIntegerInputsAreNotDifferentiated() {
        Tensor x = Tensor.randn(KEY.fold(3), DType.FLOAT64, 3, 4);
        Tensor index = Tensor.of(new long[] {0, 3, 1}, 3, 1);
        Tensor scale = Tensor.of(new double[] {2}, 1);
        GradCheck.check("gather", v -> v[0].gather(1, v[1].value()).mul(v[2]),
                GradCheck.Options.defaults().withConstants(2), x, index, scale);
    }

    @Test
    void severalOutputsAreEachCompared() {
        Tensor x = Tensor.randn(KEY.fold(4), DType.FLOAT64, 3);
        GradCheck.checkOutputs("two", v -> List.of(v[0].exp(), v[0].mul(v[0]).sum()), GradCheck.Options.defaults(), x);
    }

    @Test
    void optionsAreValidated() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GradCheck.Options.defaults().withEps(0));
        assertTrue(e.getMessage().startsWith("gradcheck: eps 0.0 must be positive"), e.getMessage());
    }
}
