package org.bitspike.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.bitspike.autograd.GradCheck;
import org.bitspike.autograd.GradMode;
import org.bitspike.autograd.Var;
import org.bitspike.nn.models.Models;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.Normalization.Activation;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * BatchNorm + ReLU fused ({@link Sequential} fuses a BatchNorm directly followed by
 * {@link Layers#relu()}) against the same layers applied one after the other: the same output,
 * input gradient, parameter gradients and running statistics, bit for bit, in training and in
 * evaluation, FLOAT32 and FLOAT64; the fused FLOAT32 gradients against the FLOAT64 composite; the
 * fused op's gradients (first and second order) against finite differences.
 */
class BatchNormReluFusionTest {
    private static final RandomKey KEY = RandomKey.of(41);

    /** A conv output-like input: shifted so some channels are mostly negative, with exact zeros. */
    private static Tensor input(DType dtype, int... shape) {
        Tensor x = Tensor.randn(KEY.fold(shape.length), dtype, shape).mul(2).add(0.3);
        return x.mul(x.abs().gt(0.05).to(dtype)); // some exact zeros: the ReLU's kink
    }

    private static BatchNorm norm(int channels, long seed) {
        BatchNorm bn = BatchNorm.of2d(channels);
        bn.load(Map.of("weight", Tensor.randn(KEY.fold(seed), channels),
                "bias", Tensor.randn(KEY.fold(seed + 1), channels).mul(0.5),
                "runningMean", Tensor.randn(KEY.fold(seed + 2), channels).mul(0.2),
                "runningVar", Tensor.rand(KEY.fold(seed + 3), channels).add(0.5),
                "batchesTracked", Tensor.zeros(DType.INT64)));
        return bn;
    }

    private record Run(Tensor y, Tensor dx, Tensor dw, Tensor db, Tensor runningMean, Tensor runningVar) {
    }

    /** Functional batch norm with ReLU, fused or as batchNorm(...).relu(), backward of {@code probe}. */
    private static Run run(Tensor x, Tensor probe, boolean fused, boolean training) {
        DType dtype = x.dtype();
        int c = x.size(1);
        Var w = Var.withGrad(Tensor.randn(KEY.fold(7), c).to(dtype));
        Var b = Var.withGrad(Tensor.randn(KEY.fold(8), c).mul(0.5).to(dtype));
        Tensor runningMean = Tensor.randn(KEY.fold(9), c).mul(0.2).to(dtype);
        Tensor runningVar = Tensor.rand(KEY.fold(10), c).add(0.5).to(dtype);
        Var in = Var.withGrad(x);
        Var y = fused
                ? Functional.batchNorm(in, runningMean, runningVar, w, b, training, 0.1, 1e-5, Activation.RELU)
                : Functional.batchNorm(in, runningMean, runningVar, w, b, training, 0.1, 1e-5).relu();
        y.backward(probe);
        return new Run(y.value(), in.grad().value(), w.grad().value(), b.grad().value(), runningMean, runningVar);
    }

    /** The same through layers: a Sequential of BatchNorm and ReLU (fused) or the two applied in turn. */
    private static Run runLayers(Tensor x, Tensor probe, boolean fused, boolean training) {
        BatchNorm bn = norm(x.size(1), 7);
        if (!training) {
            bn.eval();
        }
        Var in = Var.withGrad(x);
        Var y = fused ? new Sequential(bn, Layers.relu()).forward(in) : Layers.relu().forward(bn.forward(in));
        y.backward(probe);
        return new Run(y.value(), in.grad().value(), bn.weight().grad().value(), bn.bias().grad().value(),
                bn.runningMean(), bn.runningVar());
    }

    private static void assertSameBits(Tensor want, Tensor got, String what) {
        assertArrayEquals(want.shape(), got.shape(), what + ": shape");
        double[] w = want.toDoubleArray();
        double[] g = got.toDoubleArray();
        for (int i = 0; i < w.length; i++) {
            int at = i;
            assertEquals(Double.doubleToRawLongBits(w[i]), Double.doubleToRawLongBits(g[i]),
                    () -> what + ": element " + at + " is " + g[at] + ", unfused " + w[at]);
        }
    }

    @Test
    void fusedEqualsLayerByLayerBitForBit() {
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (int[] shape : new int[][] {{6, 3, 8, 8}, {5, 4, 7, 3}, {32, 5}}) {
                for (boolean training : new boolean[] {true, false}) {
                    Tensor x = input(dtype, shape);
                    Tensor probe = Tensor.randn(KEY.fold(99), dtype, shape);
                    String what = dtype + " " + java.util.Arrays.toString(shape) + (training ? " training" : " eval");
                    assertSameRuns(run(x, probe, false, training), run(x, probe, true, training), what);
                    if (dtype == DType.FLOAT32 && shape.length == 4) {
                        assertSameRuns(runLayers(x, probe, false, training), runLayers(x, probe, true, training),
                                what + " through Sequential");
                    }
                }
            }
        }
    }

    private static void assertSameRuns(Run want, Run got, String what) {
        assertSameBits(want.y(), got.y(), what + " output");
        assertSameBits(want.dx(), got.dx(), what + " input gradient");
        assertSameBits(want.dw(), got.dw(), what + " weight gradient");
        assertSameBits(want.db(), got.db(), what + " bias gradient");
        assertSameBits(want.runningMean(), got.runningMean(), what + " running mean");
        assertSameBits(want.runningVar(), got.runningVar(), what + " running variance");
    }

    @Test
    void float32FusedGradientsAgreeWithTheFloat64Composite() {
        int[] shape = {8, 3, 6, 6};
        Tensor x64 = input(DType.FLOAT64, shape);
        Tensor probe64 = Tensor.randn(KEY.fold(5), DType.FLOAT64, shape);
        Run single = run(x64.to(DType.FLOAT32), probe64.to(DType.FLOAT32), true, true);
        Run precise = run(x64, probe64, true, true);
        assertClose(precise.y(), single.y(), 1e-5, "output");
        assertClose(precise.dx(), single.dx(), 1e-4, "input gradient");
        assertClose(precise.dw(), single.dw(), 1e-4, "weight gradient");
        assertClose(precise.db(), single.db(), 1e-4, "bias gradient");
    }

    private static void assertClose(Tensor want, Tensor got, double tol, String what) {
        double[] w = want.toDoubleArray();
        double[] g = got.toDoubleArray();
        double scale = 1;
        for (double v : w) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < w.length; i++) {
            int at = i;
            assertTrue(Math.abs(w[i] - g[i]) <= tol * scale,
                    () -> what + ": element " + at + " is " + g[at] + ", FLOAT64 " + w[at]);
        }
    }

    @Test
    void fusedGradientsMatchFiniteDifferencesToSecondOrder() {
        // Central differences (eps 1e-6) stay on one side of the kink: no output is that close to 0 here.
        Tensor x = Tensor.randn(KEY.fold(20), DType.FLOAT64, 3, 2, 2, 2);
        Tensor w = Tensor.randn(KEY.fold(21), DType.FLOAT64, 2);
        Tensor b = Tensor.randn(KEY.fold(22), DType.FLOAT64, 2);
        Var probe = Var.of(Tensor.randn(KEY.fold(23), DType.FLOAT64, 3, 2, 2, 2));
        GradCheck.check("batchNormRelu", v -> Functional.batchNorm(v[0], null, null, v[1], v[2], true, 0.1, 1e-5,
                Activation.RELU).mul(probe), x, w, b);
        GradCheck.checkSecondOrder("batchNormRelu", v -> Functional.batchNorm(v[0], null, null, v[1], v[2], true, 0.1,
                1e-5, Activation.RELU).mul(probe), GradCheck.Options.defaults(), x, w, b);
    }

    @Test
    void evaluationWithoutGradientsEqualsTheDifferentiableForm() {
        Tensor x = input(DType.FLOAT32, 4, 3, 5, 5);
        for (Activation act : Activation.values()) {
            BatchNorm bn = norm(3, 30);
            bn.eval();
            Tensor fast;
            try (GradMode.Scope scope = GradMode.noGrad()) {
                fast = bn.forward(Var.of(x), act).value();
            }
            Tensor differentiable = bn.forward(Var.withGrad(x), act).value();
            assertSameBits(differentiable, fast, act + " eval");
        }
    }

    @Test
    void theSmallVggIsTheSameFusedOrNot() {
        // The zoo's VGG runs fused through Sequential; unrolled layer by layer it must agree exactly.
        Layer model = Models.create("vgg-small", 1, 10, RandomKey.of(3));
        Tensor x = Tensor.randn(KEY.fold(50), 4, 1, 28, 28);
        Tensor fused = model.forward(x).value();
        Tensor unfused = unrolled(model, Var.of(x)).value();
        assertSameBits(unfused, fused, "vgg-small logits");
    }

    /** Applies every leaf layer in order, never fusing. */
    private static Var unrolled(Layer layer, Var x) {
        if (layer instanceof Sequential seq) {
            Var y = x;
            for (Layer child : seq.layers()) {
                y = unrolled(child, y);
            }
            return y;
        }
        return layer.forward(x);
    }
}
