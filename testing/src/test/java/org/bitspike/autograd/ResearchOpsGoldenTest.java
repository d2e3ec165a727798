package org.bitspike.autograd;

import static org.bitspike.autograd.GoldenValues.assertValuesWithin;
import static org.bitspike.autograd.GoldenValues.leaf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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

    // ------------------------------------------------------------------ activations

    @Test
    void hardtanhPassesNoGradientAtItsBoundsUnlikeClamp() {
        // x = [-2, -1, 0, 1, 2] into [-1, 1]: y = [-1, -1, 0, 1, 1]; hardtanh's gradient [0, 0, 1, 0, 0], clamp's [0, 1, 1, 1, 0]
        Var x = leaf(-2, -1, 0, 1, 2);
        Var y = x.hardtanh(-1, 1);
        y.sum().backward();
        assertValues(y, -1, -1, 0, 1, 1);
        assertValues(x.grad(), 0, 0, 1, 0, 0);
        Var c = leaf(-2, -1, 0, 1, 2);
        c.clamp(-1, 1).sum().backward();
        assertValues(c.grad(), 0, 1, 1, 1, 0);
    }

    @Test
    void eluHasDerivativeAlphaAtZeroAndNoNaNFromTheDiscardedBranch() {
        // alpha 2 at x = [-1, 0, 1000]: y = [2 (e^-1 - 1), 0, 1000]; dy/dx = [2 e^-1, 2 e^0 = 2, 1]
        Var x = leaf(-1, 0, 1000);
        Var y = x.elu(2);
        y.sum().backward();
        assertValues(y, 2 * Math.expm1(-1), 0, 1000);
        assertValues(x.grad(), 2 * Math.exp(-1), 2, 1);
        // the second derivative at 1000 is 0, not 0 * inf
        Var z = leaf(1000);
        Var dz = Autograd.grad(z.elu(1), List.of(z), GradOptions.DEFAULT.creatingGraph()).get(0);
        assertValues(Autograd.grad(dz, List.of(z)).get(0), 0);
    }

    @Test
    void geluSiluAndErf() {
        // gelu(1) = Phi(1) = 0.84134474606854294859, gelu(-1) = -Phi(-1) = -0.15865525393145705141 (mpmath);
        // d gelu/dx at 1 = Phi(1) + phi(1) = 1.0833154705876862984
        Var x = leaf(1);
        Var y = x.gelu();
        y.backward();
        assertValues(y, 0.84134474606854294859);
        assertValues(x.grad(), 1.0833154705876862984);
        assertValues(leaf(-1).gelu(), -0.15865525393145705141);
        // the tanh approximation at 1: (1 + tanh(sqrt(2/pi) 1.044715)) / 2 = 0.84119199060827670478
        assertValues(leaf(1).gelu(GeluApproximation.TANH), 0.84119199060827670478);
        // silu(1) = 1 / (1 + e^-1) = 0.73105857863000487925; erf(0) = 0 with derivative 2 / sqrt(pi)
        assertValues(leaf(1).silu(), 0.73105857863000487925);
        Var e = leaf(0);
        e.erf().backward();
        assertValues(e.grad(), 2 / Math.sqrt(Math.PI));
        // far out, gelu and silu are x and 0 with finite gradients 1 and 0, in FLOAT32 too
        for (DType dtype : List.of(DType.FLOAT32, DType.FLOAT64)) {
            Var big = Var.withGrad(Tensor.of(new double[] {-1e30, 1e30}, 2).to(dtype));
            big.gelu().add(big.silu()).add(big.gelu(GeluApproximation.TANH)).sum().backward();
            assertValues(big.grad(), 0, 3);
        }
    }

    // ------------------------------------------------------------------ reductions and scans

    @Test
    void prodGradientWithNoOneOrSeveralZeros() {
        // [2, 3, 4]: y = 24, dx = y / x = [12, 8, 6]
        Var a = leaf(2, 3, 4);
        a.prod().backward();
        assertValues(a.grad(), 12, 8, 6);
        // [2, 0, 4]: y = 0; the zero gets the product of the rest, 8, the others 0
        Var b = leaf(2, 0, 4);
        Var yb = b.prod();
        yb.backward();
        assertValues(yb, 0);
        assertValues(b.grad(), 0, 8, 0);
        // [0, 3, 0]: every product of "the others" contains a zero
        Var c = leaf(0, 3, 0);
        c.prod().backward();
        assertValues(c.grad(), 0, 0, 0);
        // along a dimension, one slice with one zero and one with two: [[1, 0, 3], [0, 0, 2]] -> [[0, 3, 0], [0, 0, 0]]
        Var m = Var.withGrad(Tensor.of(new double[][] {{1, 0, 3}, {0, 0, 2}}));
        Var ym = m.prod(1, false);
        ym.sum().backward();
        assertValues(ym, 0, 0);
        assertValues(m.grad(), 0, 3, 0, 0, 0, 0);
    }

    @Test
    void prodSecondOrderWithOneZero() {
        // y = x0 x1 x2 at [2, 0, 4]: the Hessian is H[i][j] = product of the third element:
        // row 0 [0, x2, x1] = [0, 4, 0]; row 1 [x2, 0, x0] = [4, 0, 2]; row 2 [x1, x0, 0] = [0, 2, 0]
        double[][] hessian = {{0, 4, 0}, {4, 0, 2}, {0, 2, 0}};
        for (int i = 0; i < 3; i++) {
            Var x = leaf(2, 0, 4);
            Var dx = Autograd.grad(x.prod(), List.of(x), GradOptions.DEFAULT.creatingGraph()).get(0);
            assertValues(Autograd.grad(dx.select(0, i), List.of(x)).get(0), hessian[i]);
        }
    }

    @Test
    void cumsumGradientIsTheReversedCumsum() {
        // y = [1, 3, 6]; loss = y . [1, 10, 100]; dx_i = sum of the weights from i on = [111, 110, 100]
        Var x = leaf(1, 2, 3);
        Var y = x.cumsum(0);
        y.mul(Var.of(Tensor.of(new double[] {1, 10, 100}, 3))).sum().backward();
        assertValues(y, 1, 3, 6);
        assertValues(x.grad(), 111, 110, 100);
    }

    @Test
    void stdAndItsZeroVarianceGradient() {
        // std of [1, 3] (unbiased): sqrt(2); d/dx_i = (x_i - mean) / ((n - 1) std) = [-1/sqrt 2, 1/sqrt 2]
        Var x = leaf(1, 3);
        Var s = x.std();
        s.backward();
        assertValues(s, Math.sqrt(2));
        assertValues(x.grad(), -1 / Math.sqrt(2), 1 / Math.sqrt(2));
        // [5, 5, 5]: std 0, gradient 0 (not NaN), and the gradient of the gradient finite (0)
        Var flat = leaf(5, 5, 5);
        Var sf = flat.std(new int[] {0}, 1, false);
        Var df = Autograd.grad(sf, List.of(flat), GradOptions.DEFAULT.creatingGraph()).get(0);
        assertValues(sf, 0);
        assertValues(df, 0, 0, 0);
        assertValues(Autograd.grad(df.sum(), List.of(flat), GradOptions.DEFAULT.allowingUnused()).get(0), 0, 0, 0);
    }

    @Test
    void sortAndTopkRouteEachValuesGradientToItsSource() {
        // sort [3, 1, 2] -> [1, 2, 3] from indices [1, 2, 0]; weights [1, 10, 100] -> dx = [100, 1, 10]
        Var x = leaf(3, 1, 2);
        Var.Indexed sorted = x.sort(0, false);
        sorted.values().mul(Var.of(Tensor.of(new double[] {1, 10, 100}, 3))).sum().backward();
        assertArrayEquals(new long[] {1, 2, 0}, sorted.indices().toLongArray());
        assertValues(x.grad(), 100, 1, 10);
        // top 2 of [3, 1, 2] -> [3, 2] at [0, 2]; weights [1, 10] -> dx = [1, 0, 10]
        Var y = leaf(3, 1, 2);
        Var.Indexed top = y.topk(2, 0, true, true);
        top.values().mul(Var.of(Tensor.of(new double[] {1, 10}, 2))).sum().backward();
        assertValues(top.values(), 3, 2);
        assertValues(y.grad(), 1, 0, 10);
    }

    // ------------------------------------------------------------------ support

    /** Equal to the last bit or two of the hand value: tighter than {@link GoldenValues#assertValues}. */
    private static void assertValues(Var actual, double... expected) {
        assertValuesWithin(2e-16, actual, expected);
    }
}
