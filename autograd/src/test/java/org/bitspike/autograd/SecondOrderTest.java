package org.bitspike.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import java.util.function.UnaryOperator;
import org.bitspike.tensor.Convolution.ConvOptions;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Second derivatives of composite functions. The Hessian by double backward (the gradient recorded
 * with {@link GradOptions#creatingGraph()}, then differentiated along each unit vector) is compared
 * with central differences of the analytical gradient, and where a closed form exists, with that
 * too. Hessian-vector products from {@link Autograd#hessianVectorProduct} are compared with the
 * central difference of the gradient along the vector.
 */
class SecondOrderTest {
    private static final double EPS = 1e-5;
    private static final RandomKey KEY = RandomKey.of(2026);

    @Test
    void squaredTanhOfAMatrixProduct() {
        Tensor w = randn(1, 3, 2);
        UnaryOperator<Var> f = x -> x.matmul(Var.of(w)).tanh().square().sum();
        checkHessian(f, randn(2, 2, 3));
        // and as a function of the weight
        Tensor x = randn(3, 2, 3);
        checkHessian(v -> Var.of(x).matmul(v).tanh().square().sum(), w);
    }

    @Test
    void logsumexpHasHessianDiagPMinusPPTransposed() {
        Tensor x = randn(4, 5);
        double[][] h = checkHessian(v -> v.logsumexp(new int[] {0}, false), x);
        double[] p = x.softmax(0).toDoubleArray();
        double[][] closed = new double[5][5];
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 5; j++) {
                closed[i][j] = (i == j ? p[i] : 0) - p[i] * p[j];
            }
        }
        assertClose(closed, h, 1e-12, "logsumexp closed form");
    }

    @Test
    void softmaxCrossEntropy() {
        Tensor labels = Tensor.oneHot(Tensor.of(new long[] {2, 0, 1}, 3), 4).to(DType.FLOAT64);
        UnaryOperator<Var> loss = z -> z.logSoftmax(1).mul(Var.of(labels)).sum().neg().div(3);
        Tensor z = randn(5, 3, 4);
        double[][] h = checkHessian(loss, z);
        // the Hessian is block diagonal, one (diag(p) - p p^T) / 3 block per row, and independent of the labels
        double[] p = z.softmax(1).toDoubleArray();
        double[][] closed = new double[12][12];
        for (int r = 0; r < 3; r++) {
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 4; j++) {
                    closed[4 * r + i][4 * r + j] = ((i == j ? p[4 * r + i] : 0) - p[4 * r + i] * p[4 * r + j]) / 3;
                }
            }
        }
        assertClose(closed, h, 1e-12, "cross-entropy closed form");
    }

    @Test
    void xSinX() {
        Tensor x = randn(6, 4);
        double[][] h = checkHessian(v -> v.mul(v.sin()).sum(), x);
        double[] xs = x.toDoubleArray();
        double[][] closed = new double[4][4];
        for (int i = 0; i < 4; i++) {
            closed[i][i] = 2 * Math.cos(xs[i]) - xs[i] * Math.sin(xs[i]); // (x sin x)'' = 2 cos x - x sin x
        }
        assertClose(closed, h, 1e-12, "x sin x closed form");
    }

    @Test
    void normAndSigmoidThroughBroadcasting() {
        Tensor b = randn(7, 3);
        checkHessian(v -> v.add(Var.of(b)).sigmoid().norm(2), randn(8, 2, 3));
    }

    @Test
    void hessianVectorProductOfATwoLayerNetwork() {
        Tensor w1 = randn(9, 4, 5);
        Tensor w2 = randn(10, 5, 1);
        UnaryOperator<Var> f = x -> x.matmul(Var.of(w1)).tanh().matmul(Var.of(w2)).sigmoid().log().sum();
        checkHessianVectorProduct(f, randn(11, 3, 4), randn(12, 3, 4));
    }

    @Test
    void hessianVectorProductOfASmallConvolutionNetwork() {
        Tensor w = randn(13, 2, 1, 2, 2);
        Tensor bias = randn(14, 2);
        UnaryOperator<Var> f = x -> x.conv2d(Var.of(w), Var.of(bias), ConvOptions.of(1, 1)).tanh().square()
                .avgPool2d(org.bitspike.tensor.Convolution.PoolOptions.of(2), false).sum();
        checkHessianVectorProduct(f, randn(15, 1, 1, 4, 4), randn(16, 1, 1, 4, 4));
    }

    // ------------------------------------------------------------------ support

    /**
     * The Hessian of scalar {@code f} at {@code x} by double backward, checked entry by entry against
     * central differences of the first-order gradient; returned as [i][j] = d2 f / dx_i dx_j.
     */
    private static double[][] checkHessian(UnaryOperator<Var> f, Tensor x) {
        int n = x.numel();
        double[][] h = new double[n][];
        Var at = Var.withGrad(x);
        Var g = Autograd.grad(f.apply(at), List.of(at), GradOptions.creatingGraph()).get(0);
        for (int j = 0; j < n; j++) {
            Tensor unit = Tensor.zeros(DType.FLOAT64, x.shape());
            unit.reshape(-1).set_(1, j);
            Var directional = g.mul(Var.of(unit)).sum();
            h[j] = Autograd.grad(directional, List.of(at), GradOptions.retainingGraph().allowingUnused()).get(0)
                    .value().toDoubleArray();
        }
        double[][] numerical = new double[n][];
        for (int j = 0; j < n; j++) {
            Tensor unit = Tensor.zeros(DType.FLOAT64, x.shape());
            unit.reshape(-1).set_(1, j);
            numerical[j] = centralDifferenceOfGradient(f, x, unit);
        }
        assertClose(numerical, h, 1e-6, "Hessian by double backward vs central differences of the gradient");
        return h;
    }

    private static void checkHessianVectorProduct(UnaryOperator<Var> f, Tensor x, Tensor v) {
        double[] hv = Autograd.hessianVectorProduct(f, x, v).toDoubleArray();
        double[] numerical = centralDifferenceOfGradient(f, x, v);
        assertClose(new double[][] {numerical}, new double[][] {hv}, 1e-6, "Hessian-vector product");
    }

    /** {@code (grad f(x + eps v) - grad f(x - eps v)) / 2 eps}, each gradient by a first-order backward. */
    private static double[] centralDifferenceOfGradient(UnaryOperator<Var> f, Tensor x, Tensor v) {
        double[] plus = gradient(f, x.add(v.mul(EPS)));
        double[] minus = gradient(f, x.sub(v.mul(EPS)));
        double[] d = new double[plus.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = (plus[i] - minus[i]) / (2 * EPS);
        }
        return d;
    }

    private static double[] gradient(UnaryOperator<Var> f, Tensor x) {
        Var at = Var.withGrad(x);
        f.apply(at).backward();
        return at.grad().value().toDoubleArray();
    }

    private static void assertClose(double[][] expected, double[][] actual, double tolerance, String what) {
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < expected[i].length; j++) {
                double e = expected[i][j];
                double a = actual[i][j];
                if (!(Math.abs(a - e) <= tolerance * Math.max(1, Math.abs(e)))) {
                    assertArrayEquals(expected[i], actual[i], tolerance, what + ": row " + i + ", column " + j);
                }
            }
        }
    }

    private static Tensor randn(long fold, int... shape) {
        return Tensor.randn(KEY.fold(fold), DType.FLOAT64, shape);
    }
}
