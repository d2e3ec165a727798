package org.bitspike.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Hand-computed values and edge cases of the ops researchers reach for (issue 11): the overflow
 * edges of softplus and logSigmoid, the conventions at kinks, the gradient of a product with zeros.
 * Every number in an assertion is worked out in the comment next to it.
 */
class ResearchOpsGoldenTest {

    // ------------------------------------------------------------------ softplus, logSigmoid

    /** Finite values with at least one of each kind the brief lists: huge, the FLOAT32 and FLOAT64 exp overflow edges, 0, subnormal. */
    private static final double[] EDGES = {1e30, -1e30, 88.8, -88.8, 89, -89, 710, -710, 0, Double.MIN_VALUE,
        -Double.MIN_VALUE, Float.MIN_VALUE, -Float.MIN_VALUE};

    @Test
    void theCompositeSoftplusOverflowsWhereThePrimitiveDoesNot() {
        // ln(1 + e^89) in FLOAT32: e^89 = 4.5e38 > Float.MAX_VALUE 3.4e38, so the composite gives +inf
        Var x = Var.of(Tensor.of(new float[] {89}, 1));
        assertEquals(Float.POSITIVE_INFINITY, x.exp().add(1).log().item());
        assertEquals(89f, x.softplus().item()); // 89 + ln(1 + e^-89) rounds to 89
    }

    @Test
    void softplusIsFiniteWithAFiniteGradientForEveryFiniteInput() {
        for (DType dtype : List.of(DType.FLOAT32, DType.FLOAT64)) {
            for (double v : EDGES) {
                Var x = Var.withGrad(Tensor.scalar(dtype, v));
                Var y = x.softplus();
                Var dx = Autograd.grad(y, List.of(x), GradOptions.DEFAULT.creatingGraph()).get(0);
                Var ddx = Autograd.grad(dx, List.of(x)).get(0);
                String at = "softplus at " + v + " in " + dtype;
                assertTrue(Double.isFinite(y.itemDouble()), at + ": value " + y.itemDouble());
                assertTrue(Double.isFinite(dx.itemDouble()), at + ": gradient " + dx.itemDouble());
                assertTrue(Double.isFinite(ddx.itemDouble()), at + ": second derivative " + ddx.itemDouble());
                double xr = x.itemDouble(); // v rounded to the dtype
                double sigmoid = xr >= 0 ? 1 / (1 + Math.exp(-xr)) : Math.exp(xr) / (1 + Math.exp(xr));
                double tolerance = dtype == DType.FLOAT32 ? 1e-7 : 1e-16;
                assertEquals(sigmoid, dx.itemDouble(), tolerance, at + ": gradient is sigmoid(x)");
                double expected = Math.max(xr, 0) + Math.log1p(Math.exp(-Math.abs(xr)));
                assertEquals(expected, y.itemDouble(), tolerance * Math.max(1, Math.abs(expected)), at);
                Var ls = Var.withGrad(Tensor.scalar(dtype, v));
                Var z = ls.logSigmoid();
                z.backward();
                assertTrue(Double.isFinite(z.itemDouble()) && Double.isFinite(ls.grad().itemDouble()),
                        "logSigmoid at " + v + " in " + dtype + ": " + z.itemDouble() + ", gradient " + ls.grad().itemDouble());
            }
        }
    }

    @Test
    void softplusAtZero() {
        // softplus(0) = ln 2; d/dx = sigmoid(0) = 1/2 exactly; d2/dx2 = sigmoid(0)(1 - sigmoid(0)) = 1/4
        Var x = Var.withGrad(Tensor.scalar(DType.FLOAT64, 0));
        Var y = x.softplus();
        Var dx = Autograd.grad(y, List.of(x), GradOptions.DEFAULT.creatingGraph()).get(0);
        assertEquals(Math.log(2), y.itemDouble(), 0);
        assertEquals(0.5, dx.itemDouble(), 0);
        assertEquals(0.25, Autograd.grad(dx, List.of(x)).get(0).itemDouble(), 0);
        // logSigmoid(0) = -ln 2, gradient sigmoid(-0) = 1/2
        Var z = Var.withGrad(Tensor.scalar(DType.FLOAT64, 0));
        Var ls = z.logSigmoid();
        ls.backward();
        assertEquals(-Math.log(2), ls.itemDouble(), 0);
        assertEquals(0.5, z.grad().itemDouble(), 0);
    }

    @Test
    void softplusWithBetaAndThreshold() {
        // beta 2, threshold 2: x = 0.5 gives ln(1 + e^1) / 2 with gradient sigmoid(1); x = 3 (2 x = 6 > 2) gives 3, gradient 1
        Var x = Var.withGrad(Tensor.of(new double[] {0.5, 3}, 2));
        Var y = x.softplus(2, 2);
        y.sum().backward();
        assertEquals(Math.log1p(Math.E) / 2, y.value().getDouble(0), 1e-16);
        assertEquals(3, y.value().getDouble(1), 0);
        assertEquals(1 / (1 + Math.exp(-1)), x.grad().value().getDouble(0), 1e-16);
        assertEquals(1, x.grad().value().getDouble(1), 0);
    }
}
