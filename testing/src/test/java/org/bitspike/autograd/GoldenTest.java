package org.bitspike.autograd;

import static org.bitspike.autograd.GoldenValues.assertValues;
import static org.bitspike.autograd.GoldenValues.leaf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.bitspike.tensor.Convolution.ConvOptions;
import org.bitspike.tensor.Convolution.PoolOptions;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Hand-computed values and gradients, a few per op family, as documentation. The tie rules they pin:
 * <ul>
 *   <li>{@code maximum}/{@code minimum}: equal operands share the gradient, half each;</li>
 *   <li>{@code amax}/{@code amin}/{@code max()}: tied extrema share the gradient equally;</li>
 *   <li>{@code max(dim)}/{@code min(dim)}: the first extremum (lowest index) gets the whole gradient,
 *       as its index says;</li>
 *   <li>{@code maxPool2d}: the first maximum of a window in scan order (rows, then columns) gets it;</li>
 *   <li>{@code relu} and {@code abs} have gradient 0 at 0; {@code clamp} passes the gradient at its
 *       bounds; the 2-norm of a zero vector has gradient 0.</li>
 * </ul>
 * Every number in an assertion was worked out by hand (in the comment next to it).
 */
class GoldenTest {

    // ------------------------------------------------------------------ elementwise

    @Test
    void reluAndAbsHaveGradientZeroAtZero() {
        Var x = leaf(-1, 0, 2);
        x.relu().sum().backward();
        assertValues(x.grad(), 0, 0, 1);
        Var y = leaf(-1, 0, 2);
        Var a = y.abs();
        a.sum().backward();
        assertValues(a, 1, 0, 2);
        assertValues(y.grad(), -1, 0, 1);
    }

    @Test
    void maximumAndMinimumSplitTiesEvenly() {
        Var a = leaf(1, 2, 3);
        Var b = leaf(3, 2, 1);
        Var y = a.maximum(b);
        y.sum().backward();
        assertValues(y, 3, 2, 3);
        assertValues(a.grad(), 0, 0.5, 1);
        assertValues(b.grad(), 1, 0.5, 0);
        Var c = leaf(1, 2, 3);
        Var d = leaf(3, 2, 1);
        c.minimum(d).sum().backward();
        assertValues(c.grad(), 1, 0.5, 0);
        assertValues(d.grad(), 0, 0.5, 1);
    }

    @Test
    void clampPassesTheGradientAtItsBounds() {
        Var x = leaf(-1, 0, 0.5, 1, 2);
        Var y = x.clamp(0, 1);
        y.sum().backward();
        assertValues(y, 0, 0, 0.5, 1, 1);
        assertValues(x.grad(), 0, 1, 1, 1, 0);
    }

    @Test
    void powAndDivide() {
        // y = a^b at a = [0, 2], b = [2, 3]: y = [0, 8]; da = b a^(b-1) = [0, 12]; db = y ln a = [0, 8 ln 2],
        // with db taken as 0 at a = 0 (0^b is constant for b > 0)
        Var a = leaf(0, 2);
        Var b = leaf(2, 3);
        Var y = a.pow(b);
        y.sum().backward();
        assertValues(y, 0, 8);
        assertValues(a.grad(), 0, 12);
        assertValues(b.grad(), 0, 8 * Math.log(2));
        // 0^0 = 1; da = b a^(b-1) = 0 * 0^-1 taken as 0 (as PyTorch and pow(0.0) give); db = y ln a taken as 0
        // (see the NOTE on Pow); the second derivatives stay finite: d(da)/db = a^0 = 1, d(da)/da = 0
        Var za = leaf(0);
        Var zb = leaf(0);
        Var z = za.pow(zb);
        List<Var> first = Autograd.grad(z, List.of(za, zb), GradOptions.DEFAULT.creatingGraph());
        assertValues(z, 1);
        assertValues(first.get(0), 0);
        assertValues(first.get(1), 0);
        List<Var> second = Autograd.grad(first.get(0), List.of(za, zb));
        assertValues(second.get(0), 0);
        assertValues(second.get(1), 1);
        // the scalar-exponent pow agrees: d/da a^0 = 0 at a = 0
        Var s0 = leaf(0);
        s0.pow(0.0).backward();
        assertValues(s0.grad(), 0);
        // 6 / 3 = 2; d/da = 1/3; d/db = -6/9
        Var n = leaf(6);
        Var m = leaf(3);
        n.div(m).sum().backward();
        assertValues(n.grad(), 1.0 / 3);
        assertValues(m.grad(), -2.0 / 3);
    }

    @Test
    void sigmoidTanhAndExpAtZero() {
        Var x = leaf(0);
        Var s = x.sigmoid();
        s.sum().backward();
        assertValues(s, 0.5);
        assertValues(x.grad(), 0.25); // y (1 - y)
        Var z = leaf(0);
        z.tanh().add(z.exp()).sum().backward();
        assertValues(z.grad(), 2); // 1 - tanh(0)^2 + e^0
    }

    @Test
    void roundIsHalfToEvenAndRefusesABackward() {
        Var x = leaf(0.5, 1.5, 2.5, -0.5, -1.5);
        assertValues(x.round(), 0, 2, 2, -0.0, -2);
        AutogradException e = org.junit.jupiter.api.Assertions.assertThrows(AutogradException.class,
                () -> x.round().sum().backward());
        assertEquals(true, e.getMessage().startsWith("no gradient for round with respect to input"), e.getMessage());
    }

    @Test
    void broadcastGradientsAreSummedBackToEachShape() {
        // a [2, 1] + b [3] -> [2, 3]; each a element is used 3 times, each b element twice
        Var a = Var.withGrad(Tensor.of(new double[] {1, 2}, 2, 1));
        Var b = leaf(10, 20, 30);
        Var y = a.add(b);
        y.sum().backward();
        assertValues(y, 11, 21, 31, 12, 22, 32);
        assertArrayEquals(new int[] {2, 1}, a.grad().shape());
        assertValues(a.grad(), 3, 3);
        assertValues(b.grad(), 2, 2, 2);
    }

    // ------------------------------------------------------------------ reductions

    @Test
    void sumMeanAndVar() {
        Var x = Var.withGrad(Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3));
        Var s = x.sum(1, false);
        s.mul(Var.of(Tensor.of(new double[] {1, 10}, 2))).sum().backward();
        assertValues(s, 6, 15);
        assertValues(x.grad(), 1, 1, 1, 10, 10, 10);
        // [1, 2, 3, 4]: mean 2.5, gradient 1/4 each
        Var m = leaf(1, 2, 3, 4);
        Var mean = m.mean();
        mean.backward();
        assertValues(mean, 2.5);
        assertValues(m.grad(), 0.25, 0.25, 0.25, 0.25);
        // squares about the mean: 2.25 + 0.25 + 0.25 + 2.25 = 5, unbiased variance 5/3;
        // gradient 2 (x - mean) / 3 = [-1, -1/3, 1/3, 1]
        Var v = leaf(1, 2, 3, 4);
        Var var = v.var();
        var.backward();
        assertValues(var, 5.0 / 3);
        assertValues(v.grad(), -1, -1.0 / 3, 1.0 / 3, 1);
    }

    @Test
    void amaxSplitsTheGradientAmongTiedMaxima() {
        Var x = leaf(1, 3, 3, 2);
        Var y = x.max();
        y.backward();
        assertValues(y, 3);
        assertValues(x.grad(), 0, 0.5, 0.5, 0);
        Var three = leaf(4, 4, 4);
        three.amax(new int[] {0}, false).backward();
        assertValues(three.grad(), 1.0 / 3, 1.0 / 3, 1.0 / 3);
        Var rows = Var.withGrad(Tensor.of(new double[] {5, 5, 1, 2, 7, 7}, 2, 3));
        Var r = rows.amax(new int[] {1}, false);
        r.sum().backward();
        assertValues(r, 5, 7);
        assertValues(rows.grad(), 0.5, 0.5, 0, 0, 0.5, 0.5);
        Var low = leaf(2, 1, 1);
        low.amin(new int[] {0}, true).sum().backward();
        assertValues(low.grad(), 0, 0.5, 0.5);
    }

    @Test
    void maxAlongADimensionGivesTheWholeGradientToTheFirstTie() {
        Var x = Var.withGrad(Tensor.of(new double[] {5, 5, 1, 2, 7, 7}, 2, 3));
        Var.Indexed r = x.max(1, false);
        r.values().sum().backward();
        assertValues(r.values(), 5, 7);
        assertArrayEquals(new long[] {0, 1}, r.indices().toLongArray());
        assertValues(x.grad(), 1, 0, 0, 0, 1, 0);
        Var y = Var.withGrad(Tensor.of(new double[] {1, 1, 3}, 1, 3));
        Var.Indexed m = y.min(1, true);
        m.values().sum().backward();
        assertArrayEquals(new int[] {1, 1}, m.values().shape());
        assertArrayEquals(new long[] {0}, m.indices().toLongArray());
        assertValues(y.grad(), 1, 0, 0);
    }

    @Test
    void norms() {
        Var x = leaf(3, 4);
        Var n = x.norm(2);
        n.backward();
        assertValues(n, 5);
        assertValues(x.grad(), 0.6, 0.8); // x / |x|
        Var zero = leaf(0, 0);
        zero.norm(2).backward();
        assertValues(zero.grad(), 0, 0); // the minimum-norm subgradient
        Var y = leaf(-3, 4);
        Var l1 = y.norm(1);
        l1.backward();
        assertValues(l1, 7);
        assertValues(y.grad(), -1, 1);
    }

    @Test
    void softmaxLogSoftmaxAndLogsumexp() {
        // x = [0, ln 3]: e^x = [1, 3], softmax [1/4, 3/4]
        double ln3 = Math.log(3);
        Var x = leaf(0, ln3);
        Var p = x.softmax(0);
        p.backward(Tensor.of(new double[] {0, 1}, 2));
        assertValues(p, 0.25, 0.75);
        // d p1 / d x = p1 (e1 - p) = 3/4 [-1/4, 1/4]
        assertValues(x.grad(), -3.0 / 16, 3.0 / 16);
        Var z = leaf(0, ln3);
        Var logp = z.logSoftmax(0);
        logp.backward(Tensor.of(new double[] {1, 0}, 2));
        assertValues(logp, -Math.log(4), ln3 - Math.log(4));
        // g - softmax * sum(g) = [1, 0] - [1/4, 3/4]
        assertValues(z.grad(), 0.75, -0.75);
        Var w = leaf(0, ln3);
        Var lse = w.logsumexp(new int[] {0}, false);
        lse.backward();
        assertValues(lse, Math.log(4));
        assertValues(w.grad(), 0.25, 0.75);
    }

    // ------------------------------------------------------------------ matmul

    @Test
    void matmul() {
        Var a = Var.withGrad(Tensor.of(new double[] {1, 2, 3, 4}, 2, 2));
        Var b = Var.withGrad(Tensor.of(new double[] {5, 6, 7, 8}, 2, 2));
        Var y = a.matmul(b);
        y.sum().backward();
        assertValues(y, 19, 22, 43, 50);
        assertValues(a.grad(), 11, 15, 11, 15); // ones @ b^T: row sums of b
        assertValues(b.grad(), 4, 4, 6, 6); // a^T @ ones: column sums of a
        Var u = leaf(1, 2, 3);
        Var v = leaf(4, 5, 6);
        Var dot = u.matmul(v);
        dot.backward();
        assertArrayEquals(new int[0], dot.shape());
        assertValues(dot, 32);
        assertValues(u.grad(), 4, 5, 6);
        assertValues(v.grad(), 1, 2, 3);
        Var mv = a.detach().matmul(leaf(1, 1));
        assertArrayEquals(new int[] {2}, mv.shape());
        assertValues(mv, 3, 7);
    }

    // ------------------------------------------------------------------ convolution and pooling

    @Test
    void conv2dOfAThreeByThreeWithATwoByTwoKernel() {
        // x = [[1 2 3] [4 5 6] [7 8 9]], w = [[1 2] [3 4]], bias 10
        Var x = Var.withGrad(Tensor.of(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3));
        Var w = Var.withGrad(Tensor.of(new double[] {1, 2, 3, 4}, 1, 1, 2, 2));
        Var b = Var.withGrad(Tensor.of(new double[] {10}, 1));
        Var y = x.conv2d(w, b, ConvOptions.DEFAULT);
        y.sum().backward();
        // y00 = 1*1 + 2*2 + 4*3 + 5*4 = 37, y01 = 2 + 6 + 15 + 24 = 47, y10 = 4 + 10 + 21 + 32 = 67,
        // y11 = 5 + 12 + 24 + 36 = 77, each plus the bias
        assertValues(y, 47, 57, 77, 87);
        // dx: the sum of the kernel taps that touch each input
        assertValues(x.grad(), 1, 3, 2, 4, 10, 6, 3, 7, 4);
        // dw: the sum of the inputs each tap sees over the four windows
        assertValues(w.grad(), 12, 16, 24, 28);
        assertValues(b.grad(), 4);
    }

    @Test
    void conv2dWithPaddingAndStride() {
        // padding 1, stride 2: windows start at (-1, -1), (-1, 1), (1, -1), (1, 1); padding reads zeros
        Var x = Var.withGrad(Tensor.of(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3));
        Var w = Var.withGrad(Tensor.of(new double[] {1, 2, 3, 4}, 1, 1, 2, 2));
        Var y = x.conv2d(w, null, ConvOptions.of(2, 1));
        y.sum().backward();
        // y00 = x00 w11 = 4; y01 = x01 w10 + x02 w11 = 6 + 12; y10 = x10 w01 + x20 w11 = 8 + 28;
        // y11 = x11 w00 + x12 w01 + x21 w10 + x22 w11 = 5 + 12 + 24 + 36
        assertValues(y, 4, 18, 36, 77);
        // every input is seen by exactly one tap: the one the stride puts over it
        assertValues(x.grad(), 4, 3, 4, 2, 1, 2, 4, 3, 4);
        // w00 sees x11; w01 sees x12, x10; w10 sees x21, x01; w11 sees x00, x02, x20, x22
        assertValues(w.grad(), 5, 10, 10, 20);
    }

    @Test
    void maxPoolSendsTheGradientToEachWindowsFirstMaximum() {
        Var x = Var.withGrad(Tensor.of(new double[] {1, 2, 5, 6, 3, 4, 7, 8, 9, 10, 13, 14, 11, 12, 15, 16}, 1, 1, 4, 4));
        Var y = x.maxPool2d(PoolOptions.of(2));
        y.sum().backward();
        assertValues(y, 4, 8, 12, 16);
        assertValues(x.grad(), 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1);
        Var ties = Var.withGrad(Tensor.full(DType.FLOAT64, 7, 1, 1, 2, 2));
        ties.maxPool2d(PoolOptions.of(2)).sum().backward();
        assertValues(ties.grad(), 1, 0, 0, 0);
        // overlapping windows (2x2, stride 1) all pick the centre, which collects four gradients
        Var peak = Var.withGrad(Tensor.of(new double[] {1, 2, 1, 2, 9, 2, 1, 2, 1}, 1, 1, 3, 3));
        Var p = peak.maxPool2d(PoolOptions.of(2, 1, 0));
        p.sum().backward();
        assertValues(p, 9, 9, 9, 9);
        assertValues(peak.grad(), 0, 0, 0, 0, 4, 0, 0, 0, 0);
    }

    @Test
    void avgPoolWithAndWithoutThePaddingInTheCount() {
        Var x = Var.withGrad(Tensor.of(new double[] {1, 2, 3, 4}, 1, 1, 2, 2));
        Var y = x.avgPool2d(PoolOptions.of(2), true);
        y.backward();
        assertValues(y, 2.5);
        assertValues(x.grad(), 0.25, 0.25, 0.25, 0.25);
        // 2x2 windows, stride 2, padding 1: each window holds one input and three padding taps
        PoolOptions padded = PoolOptions.of(2, 2, 1);
        Var a = Var.withGrad(Tensor.of(new double[] {1, 2, 3, 4}, 1, 1, 2, 2));
        Var excluded = a.avgPool2d(padded, false);
        excluded.sum().backward();
        assertValues(excluded, 1, 2, 3, 4);
        assertValues(a.grad(), 1, 1, 1, 1);
        Var c = Var.withGrad(Tensor.of(new double[] {1, 2, 3, 4}, 1, 1, 2, 2));
        Var included = c.avgPool2d(padded, true);
        included.sum().backward();
        assertValues(included, 0.25, 0.5, 0.75, 1);
        assertValues(c.grad(), 0.25, 0.25, 0.25, 0.25);
    }

    // ------------------------------------------------------------------ views, cat, gather, scatter

    @Test
    void viewsPutTheGradientBackInPlace() {
        Var x = Var.withGrad(Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3));
        x.t().mul(Var.of(Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 3, 2))).sum().backward();
        assertValues(x.grad(), 1, 3, 5, 2, 4, 6); // the weights transposed back
        Var s = leaf(0, 1, 2, 3, 4, 5);
        Var odd = s.slice(0, 1, 6, 2);
        odd.sum().backward();
        assertValues(odd, 1, 3, 5);
        assertValues(s.grad(), 0, 1, 0, 1, 0, 1);
        Var e = Var.withGrad(Tensor.of(new double[] {1, 2, 3}, 1, 3));
        e.expand(2, 3).sum().backward();
        assertValues(e.grad(), 2, 2, 2);
        Var r = Var.withGrad(Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3));
        Var picked = r.select(1, -1);
        picked.mul(Var.of(Tensor.of(new double[] {10, 20}, 2))).sum().backward();
        assertValues(picked, 3, 6);
        assertValues(r.grad(), 0, 0, 10, 0, 0, 20);
    }

    @Test
    void catStackAndSplit() {
        Var a = leaf(1, 2);
        Var b = leaf(3, 4, 5);
        Var c = Var.cat(0, a, b);
        c.mul(Var.of(Tensor.of(new double[] {1, 2, 3, 4, 5}, 5))).sum().backward();
        assertValues(c, 1, 2, 3, 4, 5);
        assertValues(a.grad(), 1, 2);
        assertValues(b.grad(), 3, 4, 5);
        Var p = leaf(1, 2);
        Var q = leaf(3, 4);
        Var st = Var.stack(1, p, q);
        assertArrayEquals(new int[] {2, 2}, st.shape());
        assertValues(st, 1, 3, 2, 4);
        st.mul(Var.of(Tensor.of(new double[] {1, 2, 3, 4}, 2, 2))).sum().backward();
        assertValues(p.grad(), 1, 3);
        assertValues(q.grad(), 2, 4);
        Var x = leaf(1, 2, 3, 4, 5);
        Var[] pieces = x.split(2, 0);
        assertEquals(3, pieces.length);
        assertValues(pieces[2], 5);
        pieces[1].mul(Var.of(Tensor.of(new double[] {7, 8}, 2))).add(pieces[2].mul(Var.of(Tensor.scalar(DType.FLOAT64, 9))).sum())
                .sum().backward();
        assertValues(x.grad(), 0, 0, 7, 8, 18); // the last piece is used twice (summed into each of the two)
    }

    @Test
    void gatherAndIndexSelectAddUpRepeatedIndices() {
        Var x = leaf(10, 20, 30);
        Var g = x.gather(0, Tensor.of(new long[] {2, 0, 2}, 3));
        g.sum().backward();
        assertValues(g, 30, 10, 30);
        assertValues(x.grad(), 1, 0, 2);
        Var m = Var.withGrad(Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3));
        Var cols = m.indexSelect(1, Tensor.of(new long[] {2, 2, 0}, 3));
        cols.sum().backward();
        assertValues(cols, 3, 3, 1, 6, 6, 4);
        assertValues(m.grad(), 1, 0, 2, 1, 0, 2);
    }

    @Test
    void scatterAddRoutesGradientsToBaseAndSource() {
        Var base = leaf(0, 0, 0);
        Var src = leaf(1, 2, 3);
        Var y = base.scatterAdd(0, Tensor.of(new long[] {0, 0, 2}, 3), src);
        y.mul(Var.of(Tensor.of(new double[] {1, 10, 100}, 3))).sum().backward();
        assertValues(y, 3, 0, 3);
        assertValues(base.grad(), 1, 10, 100);
        assertValues(src.grad(), 1, 1, 100); // the weight at the position each source element went to
        // a source longer than its index: the unused element gets gradient 0
        Var b2 = leaf(0, 0);
        Var s2 = leaf(5, 6, 7);
        b2.scatterAdd(0, Tensor.of(new long[] {1, 1}, 2), s2).mul(Var.of(Tensor.of(new double[] {2, 3}, 2))).sum().backward();
        assertValues(s2.grad(), 3, 3, 0);
    }

    @Test
    void aCustomFunctionIsRecordedLikeAPrimitive() {
        Var x = leaf(0);
        Var y = new TestFunctions.Softplus().apply(x);
        y.backward();
        assertValues(y, Math.log(2));
        assertValues(x.grad(), 0.5); // sigmoid(0)
        assertEquals("Softplus", y.creator());
        List<Var> g = Autograd.grad(new TestFunctions.Softplus().apply(leaf(0)), List.of(leaf(1)), GradOptions.DEFAULT
                .allowingUnused());
        assertValues(g.get(0), 0); // an input the output does not depend on, allowed: a zero gradient
    }
}
