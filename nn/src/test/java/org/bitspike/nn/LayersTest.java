package org.bitspike.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.bitspike.autograd.GradCheck;
import org.bitspike.autograd.Var;
import org.bitspike.tensor.Convolution;
import org.bitspike.tensor.Convolution.ConvOptions;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Layers against direct computations, and their composites' gradients against finite differences. */
class LayersTest {
    private static final RandomKey KEY = RandomKey.of(2);

    @Test
    void parameterFreeLayersSayWhatTheyCompute() {
        assertEquals(Layers.Operation.RELU, Layers.operation(Layers.relu()));
        assertEquals(Layers.Operation.MAX_POOL, Layers.operation(Pooling.max(2)));
        assertEquals(Layers.Operation.AVERAGE_POOL, Layers.operation(Pooling.avg(2)));
        assertEquals(Layers.Operation.AVERAGE_POOL, Layers.operation(Pooling.adaptiveAvg(1, 1)));
        assertEquals(Layers.Operation.FLATTEN, Layers.operation(Layers.flatten()));
        assertEquals(Layers.Operation.IDENTITY, Layers.operation(Layers.identity()));
        assertEquals(Layers.Operation.RELU, Layers.operation(Layers.borrowed(Layers.relu())), "borrowed: the lender's");
        for (Layer other : List.of(Layers.sigmoid(), Layers.tanh(), Layers.leakyRelu(0.1), new Sequential(Layers.relu()),
                new Linear(2, 2, RandomKey.of(1)))) {
            assertEquals(Layers.Operation.OTHER, Layers.operation(other), other.toString());
        }
    }

    @Test
    void linearIsXTimesWeightTransposedPlusBias() {
        Linear layer = new Linear(3, 2, KEY);
        Tensor x = Tensor.randn(KEY.fold(1), 4, 3);
        Tensor expected = x.matmul(layer.weight().value().t()).add(layer.bias().value());
        assertArrayEquals(expected.toFloatArray(), layer.forward(x).value().toFloatArray(), 1e-6f);
        double bound = 1 / Math.sqrt(3);
        for (float w : layer.weight().value().toFloatArray()) {
            assertTrue(Math.abs(w) <= bound, "init within +-1/sqrt(in)");
        }
        assertThrows(IllegalArgumentException.class, () -> layer.forward(Tensor.zeros(4, 5)));
    }

    @Test
    void conv2dCallsTheConvolutionKernel() {
        Conv2d conv = new Conv2d(2, 3, 3, 1, 1, true, KEY);
        Tensor x = Tensor.randn(KEY.fold(2), 2, 2, 5, 5);
        Tensor expected = Convolution.conv2d(x, conv.weight().value(), conv.bias().value(), ConvOptions.of(1, 1));
        assertArrayEquals(expected.toFloatArray(), conv.forward(x).value().toFloatArray());
    }

    @Test
    void batchNormNormalisesPerChannelAndTracksRunningStatistics() {
        BatchNorm bn = BatchNorm.of2d(3);
        Tensor x = Tensor.randn(KEY.fold(3), 4, 3, 2, 2).mul(3).add(5);
        Tensor y = bn.forward(x).value();
        Tensor mean = y.mean(new int[] {0, 2, 3}, false);
        Tensor var = y.var(new int[] {0, 2, 3}, 0, false);
        for (int c = 0; c < 3; c++) {
            assertEquals(0, mean.getDouble(c), 1e-5);
            assertEquals(1, var.getDouble(c), 1e-3);
        }
        Tensor batchMean = x.mean(new int[] {0, 2, 3}, false);
        Tensor batchVar = x.var(new int[] {0, 2, 3}, 1, false);
        assertArrayEquals(batchMean.mul(0.1).toFloatArray(), bn.runningMean().toFloatArray(), 1e-5f);
        assertArrayEquals(batchVar.mul(0.1).add(0.9).toFloatArray(), bn.runningVar().toFloatArray(), 1e-4f);
        bn.eval();
        Tensor z = bn.forward(x).value();
        Tensor expected = x.sub(bn.runningMean().reshape(1, 3, 1, 1))
                .div(bn.runningVar().reshape(1, 3, 1, 1).add(1e-5).sqrt());
        assertArrayEquals(expected.toFloatArray(), z.toFloatArray(), 1e-5f);
        assertThrows(IllegalArgumentException.class, () -> bn.forward(Tensor.zeros(4, 2, 2, 2)));
    }

    @Test
    void batchNormGradientsMatchFiniteDifferencesToSecondOrder() {
        Tensor x = Tensor.randn(KEY.fold(4), DType.FLOAT64, 3, 2, 2, 2);
        Tensor w = Tensor.randn(KEY.fold(5), DType.FLOAT64, 2);
        Tensor b = Tensor.randn(KEY.fold(6), DType.FLOAT64, 2);
        Var probe = Var.of(Tensor.randn(KEY.fold(7), DType.FLOAT64, 3, 2, 2, 2));
        // the fused op (affine) and the composite (no affine), first and second order
        GradCheck.check("batchNorm", v -> Functional.batchNorm(v[0], null, null, v[1], v[2], true, 0.1, 1e-5)
                .mul(probe), x, w, b);
        GradCheck.checkSecondOrder("batchNorm", v -> Functional.batchNorm(v[0], null, null, v[1], v[2], true, 0.1, 1e-5)
                .mul(probe), GradCheck.Options.defaults(), x, w, b);
        GradCheck.check("batchNorm composite", v -> Functional.batchNorm(v[0], null, null, null, null, true, 0.1, 1e-5)
                .mul(probe), x);
        Tensor x2 = Tensor.randn(KEY.fold(8), DType.FLOAT64, 5, 3);
        GradCheck.check("batchNorm1d", v -> Functional.batchNorm(v[0], null, null, v[1], v[2], true, 0.1, 1e-5).sin(),
                x2, Tensor.randn(KEY.fold(9), DType.FLOAT64, 3), Tensor.randn(KEY.fold(10), DType.FLOAT64, 3));
    }

    @Test
    void fusedAndCompositeBatchNormAgree() {
        Tensor x = Tensor.randn(KEY.fold(11), DType.FLOAT64, 4, 3, 2, 2);
        Var w = Var.withGrad(Tensor.ones(DType.FLOAT64, 3));
        Var b = Var.withGrad(Tensor.zeros(DType.FLOAT64, 3));
        Var xf = Var.withGrad(x);
        Var xc = Var.withGrad(x);
        Var fused = Functional.batchNorm(xf, null, null, w, b, true, 0.1, 1e-5);
        Var composite = Functional.batchNorm(xc, null, null, null, null, true, 0.1, 1e-5);
        assertArrayEquals(composite.value().toDoubleArray(), fused.value().toDoubleArray(), 1e-12);
        Tensor probe = Tensor.randn(KEY.fold(12), DType.FLOAT64, 4, 3, 2, 2);
        fused.backward(probe);
        composite.backward(probe);
        assertArrayEquals(xc.grad().value().toDoubleArray(), xf.grad().value().toDoubleArray(), 1e-12);
    }

    @Test
    void lossesAndLinearPassGradcheck() {
        Tensor logits = Tensor.randn(KEY.fold(8), DType.FLOAT64, 4, 5);
        Tensor labels = Tensor.of(new long[] {0, 4, 2, 2}, 4);
        GradCheck.check("crossEntropy", v -> Functional.crossEntropy(v[0], labels, 0.1, Reduction.MEAN), logits);
        GradCheck.check("nll", v -> Functional.nllLoss(v[0].logSoftmax(1), labels, Reduction.SUM), logits);
        GradCheck.check("mse", v -> Functional.mseLoss(v[0], v[1], Reduction.MEAN), logits,
                Tensor.randn(KEY.fold(9), DType.FLOAT64, 4, 5));
        GradCheck.check("linear", v -> Functional.linear(v[0], v[1], v[2]), Tensor.randn(KEY, DType.FLOAT64, 3, 4),
                Tensor.randn(KEY.fold(1), DType.FLOAT64, 2, 4), Tensor.randn(KEY.fold(2), DType.FLOAT64, 2));
    }

    @Test
    void crossEntropyGoldenValues() {
        // logits [0, ln 3] -> p = [1/4, 3/4]; label 1: -ln(3/4)
        Var logits = Var.of(Tensor.of(new double[][] {{0, Math.log(3)}}));
        Tensor label = Tensor.of(new long[] {1}, 1);
        assertEquals(-Math.log(0.75), Functional.crossEntropy(logits, label).itemDouble(), 1e-12);
        // smoothing 0.2 over 2 classes: 0.8 * -ln(3/4) + 0.2 * mean(-ln(1/4), -ln(3/4))
        double smoothed = 0.8 * -Math.log(0.75) + 0.2 * (-Math.log(0.25) - Math.log(0.75)) / 2;
        assertEquals(smoothed, Functional.crossEntropy(logits, label, 0.2, Reduction.MEAN).itemDouble(), 1e-12);
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> Functional.crossEntropy(logits, Tensor.of(new long[] {2}, 1)));
        assertEquals("crossEntropy: label 2 at index 0 is outside [0, 2) for scores [1, 2]", bad.getMessage());
    }

    @Test
    void adaptiveAveragePoolingMatchesItsDefinition() {
        Tensor x = Tensor.randn(KEY.fold(10), DType.FLOAT64, 1, 2, 5, 7);
        Var y = Pooling.adaptiveAvg(3, 2).forward(x);
        assertArrayEquals(new int[] {1, 2, 3, 2}, y.shape());
        // cell (1, 1): rows floor(5/3)=1 .. ceil(10/3)=4, columns floor(7/2)=3 .. 7
        double sum = 0;
        for (int r = 1; r < 4; r++) {
            for (int c = 3; c < 7; c++) {
                sum += x.getDouble(0, 1, r, c);
            }
        }
        assertEquals(sum / 12, y.value().getDouble(0, 1, 1, 1), 1e-12);
        assertArrayEquals(x.mean(new int[] {2, 3}, true).toDoubleArray(),
                Pooling.adaptiveAvg(1, 1).forward(x).value().toDoubleArray(), 1e-12);
        GradCheck.check("adaptiveAvg", v -> Pooling.adaptiveAvg(v[0], 3, 2), x);
    }

    @Test
    void dropoutIsDeterministicScaledAndOffInEvaluation() {
        Tensor x = Tensor.ones(1000);
        Dropout a = new Dropout(0.25, KEY.fold(11));
        Dropout b = new Dropout(0.25, KEY.fold(11));
        Tensor first = a.forward(x).value();
        assertTrue(first.contentEquals(b.forward(x).value()), "same key, same call: same mask");
        assertFalse(first.contentEquals(a.forward(x).value()), "the next call draws a new mask");
        for (float v : first.toFloatArray()) {
            assertTrue(v == 0 || Math.abs(v - 1 / 0.75f) < 1e-6);
        }
        assertEquals(2, a.stateDict().get("calls").getLong());
        a.eval();
        assertTrue(x.contentEquals(a.forward(x).value()));
    }
}
