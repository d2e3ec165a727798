package org.bitspike.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bitspike.autograd.Var;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Hand-computed values of the losses and norms, their conventions at kinks and edges, and the layers. */
class LossesGoldenTest {
    private static final double LN2 = Math.log(2);

    private static Var v(double... values) {
        return Var.of(Tensor.of(values, values.length));
    }

    private static Var g(double... values) {
        return Var.withGrad(Tensor.of(values, values.length));
    }

    @Test
    void binaryCrossEntropyGoldenAndItsClampAtMinus100() {
        assertEquals(-Math.log(0.8), Losses.binaryCrossEntropy(v(0.8), v(1), Reduction.SUM).itemDouble(), 1e-15);
        // -(0.3 ln 0.6 + 0.7 ln 0.4), weighted by 2
        assertEquals(-2 * (0.3 * Math.log(0.6) + 0.7 * Math.log(0.4)),
                Losses.binaryCrossEntropy(v(0.6), v(0.3), Tensor.full(DType.FLOAT64, 2, 1), Reduction.MEAN).itemDouble(),
                1e-15);
        // p = 0 with y = 1 and p = 1 with y = 0: each log is clamped at -100, as PyTorch
        Var p = g(0, 1);
        Var loss = Losses.binaryCrossEntropy(p, v(1, 0), null, Reduction.NONE);
        assertArrayEquals(new double[] {100, 100}, loss.value().toDoubleArray(), 0);
        loss.sum().backward();
        // the clamped log is flat: derivative 0, never NaN
        assertArrayEquals(new double[] {0, 0}, p.grad().value().toDoubleArray(), 0);
    }

    /** Review finding 1: in FLOAT32, 1/p overflows for p below about 2.9e-39 where the loss is still finite. */
    @Test
    void binaryCrossEntropyFloat32GradientIsFiniteWhereTheLossIs() {
        Var x = Var.withGrad(Tensor.of(new double[] {-80, -89, -95, -104}).to(DType.FLOAT32));
        Var loss = Losses.binaryCrossEntropy(x.sigmoid(), Var.of(Tensor.ones(4)), Reduction.SUM);
        loss.backward();
        assertTrue(Double.isFinite(loss.value().itemDouble()));
        for (double d : x.grad().value().toDoubleArray()) {
            assertTrue(Double.isFinite(d), "gradient " + d + " of a finite loss " + loss.value().itemDouble());
        }
        // subnormal probabilities directly: the loss is -log(p) as before, the slope 1 / 2^-126
        float[] ps = {1e-40f, 2e-39f, Float.MIN_VALUE, 1e-30f};
        double[] wide = new double[ps.length];
        for (int i = 0; i < ps.length; i++) {
            wide[i] = ps[i];
        }
        Var p = Var.withGrad(Tensor.of(wide, wide.length).to(DType.FLOAT32));
        Var l = Losses.binaryCrossEntropy(p, Var.of(Tensor.ones(4)), Reduction.NONE);
        double[] values = l.value().toDoubleArray();
        for (int i = 0; i < ps.length; i++) {
            assertEquals(Math.min((float) -Math.log(ps[i]), 100), values[i], 1e-5, "loss at p = " + ps[i]);
        }
        l.sum().backward();
        double[] grad = p.grad().value().toDoubleArray();
        assertEquals(-1 / (double) Float.MIN_NORMAL, grad[0], 0);
        assertEquals(-1 / (double) Float.MIN_NORMAL, grad[1], 0);
        assertEquals(0, grad[2], 0, "Float.MIN_VALUE is below e^-100: clamped, flat");
        assertEquals(-1 / (double) ps[3], grad[3], 1e24);
        // FLOAT64 keeps the exact 1/p where FLOAT32 takes the floor
        Var q = g(1e-40);
        Losses.binaryCrossEntropy(q, v(1), Reduction.SUM).backward();
        assertEquals(-1e40, q.grad().value().itemDouble(), 1e25);
    }

    @Test
    void binaryCrossEntropyWithLogitsIsFiniteForEveryFiniteLogit() {
        assertEquals(LN2, Losses.binaryCrossEntropyWithLogits(v(0), v(1), Reduction.SUM).itemDouble(), 1e-15);
        // a positive weight 3 scales the positive term only: x = 0, y = 1 gives 3 ln 2; y = 0 gives ln 2
        assertArrayEquals(new double[] {3 * LN2, LN2}, Losses.binaryCrossEntropyWithLogits(v(0, 0), v(1, 0), null,
                Tensor.full(DType.FLOAT64, 3, 2), Reduction.NONE).value().toDoubleArray(), 1e-15);
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            double[] xs = {-1e30, -1000, -89, 89, 1000, 1e30};
            Var x = Var.withGrad(Tensor.of(xs, xs.length).to(dtype));
            Var y = Var.of(Tensor.of(new double[] {1, 1, 0, 1, 0, 1}, 6).to(dtype));
            Var loss = Losses.binaryCrossEntropyWithLogits(x, y, null, null, Reduction.NONE);
            double[] l = loss.value().toDoubleArray();
            // -ln sigmoid(x) = softplus(-x) for y = 1, softplus(x) for y = 0
            double[] expected = {1e30, 1000, Math.log1p(Math.exp(-89)), Math.log1p(Math.exp(-89)), 1000, 0};
            for (int i = 0; i < l.length; i++) {
                assertEquals(expected[i], l[i], Math.abs(expected[i]) * 1e-6 + 1e-30, dtype + " x = " + xs[i]);
            }
            loss.sum().backward();
            // sigmoid(x) - y: -1, -1, ~0, ~0, 1, 0
            assertArrayEquals(new double[] {-1, -1, 0, 0, 1, 0}, x.grad().value().toDoubleArray(), 1e-30 + 1e-38,
                    dtype.toString());
        }
    }

    @Test
    void l1AndItsKinkAtZero() {
        Var x = g(1, -2, 3);
        Var loss = Losses.l1Loss(x, v(0, 0, 3), Reduction.MEAN);
        assertEquals(1.0, loss.itemDouble(), 1e-15);
        loss.backward();
        // sign(d) / n, and 0 at d = 0 (PyTorch's sgn)
        assertArrayEquals(new double[] {1 / 3.0, -1 / 3.0, 0}, x.grad().value().toDoubleArray(), 1e-15);
    }

    @Test
    void smoothL1AndHuberGoldenTheirJoinsAndTheirRelation() {
        // beta 1: d = 0.5 -> 0.125; d = 2 -> 1.5; d = -1 (the join, outer branch) -> 0.5
        Var x = g(0.5, 2, -1);
        Var s = Losses.smoothL1Loss(x, v(0, 0, 0), 1, Reduction.NONE);
        assertArrayEquals(new double[] {0.125, 1.5, 0.5}, s.value().toDoubleArray(), 1e-15);
        s.sum().backward();
        assertArrayEquals(new double[] {0.5, 1, -1}, x.grad().value().toDoubleArray(), 1e-15);
        // delta 2: d = 1 -> 0.5; d = 3 -> 2 (3 - 1) = 4
        assertArrayEquals(new double[] {0.5, 4}, Losses.huberLoss(v(1, 3), v(0, 0), 2, Reduction.NONE).value()
                .toDoubleArray(), 1e-15);
        // huber(delta) = delta * smoothL1(beta = delta); beta 0 is L1
        Var a = v(0.3, -1.7, 2.5, -0.01);
        Var b = v(0, 0.2, -0.4, 0);
        for (double delta : new double[] {0.5, 1, 2.7}) {
            assertEquals(Losses.huberLoss(a, b, delta, Reduction.SUM).itemDouble(),
                    delta * Losses.smoothL1Loss(a, b, delta, Reduction.SUM).itemDouble(), 1e-12);
        }
        assertEquals(Losses.l1Loss(a, b, Reduction.MEAN).itemDouble(),
                Losses.smoothL1Loss(a, b, 0, Reduction.MEAN).itemDouble(), 0);
    }

    @Test
    void klDivGoldenBatchMeanAndZeroTargets() {
        Var input = v(Math.log(0.25), Math.log(0.75));
        double kl = 0.5 * Math.log(0.5 / 0.25) + 0.5 * Math.log(0.5 / 0.75);
        assertEquals(kl, Losses.klDiv(input, v(0.5, 0.5), false, Reduction.SUM).itemDouble(), 1e-15);
        assertEquals(kl / 2, Losses.klDiv(input, v(0.5, 0.5), false, Reduction.MEAN).itemDouble(), 1e-15);
        // batch mean over [2, 2]: two identical rows give the per-row KL
        Var in2 = Var.of(Tensor.of(new double[] {Math.log(0.25), Math.log(0.75), Math.log(0.25), Math.log(0.75)}, 2, 2));
        Var t2 = Var.of(Tensor.full(DType.FLOAT64, 0.5, 2, 2));
        assertEquals(kl, Losses.klDiv(in2, t2, false, Reduction.BATCH_MEAN).itemDouble(), 1e-15);
        // the same with log targets
        Var logT = Var.of(Tensor.full(DType.FLOAT64, Math.log(0.5), 2, 2));
        assertEquals(kl, Losses.klDiv(in2, logT, true, Reduction.BATCH_MEAN).itemDouble(), 1e-15);
        // a zero target contributes 0 (0 log 0 = 0) and finite gradients
        Var t = g(0, 1);
        Var x = g(-1, -2);
        Var loss = Losses.klDiv(x, t, false, Reduction.SUM);
        assertEquals(2, loss.itemDouble(), 1e-15); // 1 * (log 1 - (-2))
        loss.backward();
        assertArrayEquals(new double[] {0, -1}, x.grad().value().toDoubleArray(), 0);
        assertArrayEquals(new double[] {1, 3}, t.grad().value().toDoubleArray(), 1e-15); // 0 by convention; log 1 + 1 + 2
        // every other loss refuses BATCH_MEAN, naming itself
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Functional.mseLoss(v(1), v(2), Reduction.BATCH_MEAN));
        assertTrue(e.getMessage().contains("mseLoss") && e.getMessage().contains("BATCH_MEAN"), e.getMessage());
    }

    @Test
    void crossEntropyWithClassWeightsIsTheWeightedMean() {
        // uniform logits: every -log p is ln 3; weights 1 and 3 on labels 0 and 2 -> (1 + 3) ln 3 / (1 + 3)
        Var logits = Var.of(Tensor.zeros(DType.FLOAT64, 2, 3));
        Tensor labels = Tensor.of(new long[] {0, 2}, 2);
        Tensor w = Tensor.of(new double[] {1, 5, 3}, 3);
        CrossEntropyOptions o = CrossEntropyOptions.defaults().withClassWeights(w);
        assertEquals(Math.log(3), Losses.crossEntropy(logits, labels, o).itemDouble(), 1e-15);
        assertEquals(4 * Math.log(3), Losses.crossEntropy(logits, labels, o.withReduction(Reduction.SUM)).itemDouble(),
                1e-15);
        // logits [ln 1, ln 3] -> p = [1/4, 3/4]; label 1 weighted 2, label 0 weighted 1
        Var z = Var.of(Tensor.of(new double[] {0, Math.log(3), 0, Math.log(3)}, 2, 2));
        double expected = (2 * -Math.log(0.75) + 1 * -Math.log(0.25)) / 3;
        assertEquals(expected, Losses.crossEntropy(z, Tensor.of(new long[] {1, 0}, 2), CrossEntropyOptions.defaults()
                .withClassWeights(Tensor.of(new double[] {1, 2}, 2))).itemDouble(), 1e-15);
        // smoothing 0.1 with the weights, as PyTorch: sum_n [(0.9) w_y nll + (0.1 / 2) sum_c w_c (-logp_c)] / sum w_y
        double smooth = 1 * -Math.log(0.25) + 2 * -Math.log(0.75);
        double withSmoothing = (0.9 * (2 * -Math.log(0.75) + 1 * -Math.log(0.25)) + 0.05 * 2 * smooth) / 3;
        assertEquals(withSmoothing, Losses.crossEntropy(z, Tensor.of(new long[] {1, 0}, 2), CrossEntropyOptions
                .defaults().withClassWeights(Tensor.of(new double[] {1, 2}, 2)).withLabelSmoothing(0.1)).itemDouble(),
                1e-15);
    }

    @Test
    void ignoredSamplesContributeNothingAndAllIgnoredIsNaNWithAZeroGradient() {
        Var logits = Var.withGrad(Tensor.of(new double[] {0, Math.log(3), 5, -5}, 2, 2));
        CrossEntropyOptions o = CrossEntropyOptions.defaults().withIgnoreIndex(7);
        Var loss = Losses.crossEntropy(logits, Tensor.of(new long[] {1, 7}, 2), o);
        assertEquals(-Math.log(0.75), loss.itemDouble(), 1e-15); // the mean over the one sample kept
        loss.backward();
        double[] grad = logits.grad().value().toDoubleArray();
        assertArrayEquals(new double[] {0.25, -0.25, 0, 0}, grad, 1e-15);
        // every sample ignored: MEAN is 0 / 0 = NaN (PyTorch), the gradient exactly 0 (PyTorch), SUM is 0
        logits.zeroGrad();
        Tensor allIgnored = Tensor.of(new long[] {7, 7}, 2);
        Var nan = Losses.crossEntropy(logits, allIgnored, o);
        assertTrue(Double.isNaN(nan.itemDouble()));
        nan.backward();
        assertArrayEquals(new double[4], logits.grad().value().toDoubleArray(), 0);
        assertEquals(0, Losses.crossEntropy(logits, allIgnored, o.withReduction(Reduction.SUM)).itemDouble(), 0);
        // the default ignored index is PyTorch's -100
        assertEquals(-Math.log(0.75), Losses.crossEntropy(logits, Tensor.of(new long[] {1, -100}, 2),
                CrossEntropyOptions.defaults()).itemDouble(), 1e-15);
    }

    @Test
    void crossEntropyOptionsAgreeWithTheExistingSignatureAndOneHotProbabilities() {
        Tensor z = Tensor.randn(RandomKey.of(3), DType.FLOAT64, 4, 5);
        Tensor labels = Tensor.of(new long[] {0, 4, 2, 2}, 4);
        double old = Functional.crossEntropy(Var.of(z), labels, 0.3, Reduction.MEAN).itemDouble();
        assertEquals(old, Losses.crossEntropy(Var.of(z), labels, CrossEntropyOptions.defaults().withLabelSmoothing(0.3))
                .itemDouble(), 1e-14);
        Tensor oneHot = Tensor.zeros(DType.FLOAT64, 4, 5);
        long[] y = labels.toLongArray();
        for (int i = 0; i < 4; i++) {
            oneHot.set_(1, i, (int) y[i]);
        }
        assertEquals(old, Losses.crossEntropy(Var.of(z), Var.of(oneHot), CrossEntropyOptions.defaults()
                .withLabelSmoothing(0.3)).itemDouble(), 1e-14);
        assertThrows(IllegalArgumentException.class, () -> CrossEntropyOptions.defaults().withLabelSmoothing(1.5));
    }

    @Test
    void layerAndGroupNormGolden() {
        // [1, 2, 3]: mean 2, biased variance 2/3
        double s = 1 / Math.sqrt(2.0 / 3 + 1e-5);
        Var y = Functional.layerNorm(Var.of(Tensor.of(new double[] {1, 2, 3}, 1, 3)), new int[] {3}, null, null, 1e-5);
        assertArrayEquals(new double[] {-s, 0, s}, y.value().toDoubleArray(), 1e-15);
        // channels [1, 2 | 3, 4] in two groups: each group is {-0.5, 0.5} around its mean, variance 0.25
        double t = 0.5 / Math.sqrt(0.25 + 1e-5);
        Var z = Functional.groupNorm(Var.of(Tensor.of(new double[] {1, 2, 3, 4}, 1, 4)), 2, v(1, 1, 2, 2), v(0, 0, 0, 1),
                1e-5);
        assertArrayEquals(new double[] {-t, t, -2 * t, 2 * t + 1}, z.value().toDoubleArray(), 1e-15);
        // one group is a layer norm over [C, H, W] (before the per-channel affine map)
        Tensor x = Tensor.randn(RandomKey.of(4), DType.FLOAT64, 2, 3, 2, 2);
        assertArrayEquals(Functional.layerNorm(Var.of(x), new int[] {3, 2, 2}, null, null, 1e-5).value().toDoubleArray(),
                Functional.groupNorm(Var.of(x), 1, null, null, 1e-5).value().toDoubleArray(), 1e-14);
    }

    @Test
    void normLayersCallTheFunctionsAndConvert() {
        Tensor x = Tensor.randn(RandomKey.of(5), 2, 4, 3);
        LayerNorm ln = new LayerNorm(4, 3);
        assertTrue(Functional.layerNorm(Var.of(x), new int[] {4, 3}, ln.weight(), ln.bias(), 1e-5).value()
                .contentEquals(ln.forward(x).value()));
        GroupNorm gn = new GroupNorm(2, 4);
        assertTrue(Functional.groupNorm(Var.of(x), 2, gn.weight(), gn.bias(), 1e-5).value()
                .contentEquals(gn.forward(x).value()));
        assertEquals(DType.FLOAT64, gn.to(DType.FLOAT64).forward(x.to(DType.FLOAT64)).dtype());
        // without affine parameters there is nothing to mismatch: any floating input is normalised in its dtype
        LayerNorm plain = new LayerNorm(new int[] {3}, 1e-5, false, DType.FLOAT32);
        assertEquals(0, plain.parameters().size());
        assertEquals(DType.FLOAT64, plain.forward(x.to(DType.FLOAT64)).dtype());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> gn.forward(Tensor.zeros(2, 3, 3)));
        assertTrue(e.getMessage().contains("GroupNorm(2, 4") && e.getMessage().contains("[2, 3, 3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new GroupNorm(3, 4));
        assertThrows(IllegalArgumentException.class, () -> new LayerNorm(new int[0], 1e-5, true, DType.FLOAT32));
        // review finding 9: a non-finite eps is refused by name
        for (double eps : new double[] {Double.POSITIVE_INFINITY, Double.NaN}) {
            IllegalArgumentException l = assertThrows(IllegalArgumentException.class,
                    () -> new LayerNorm(new int[] {3}, eps, true, DType.FLOAT32));
            assertTrue(l.getMessage().startsWith("LayerNorm") && l.getMessage().contains("eps " + eps), l.getMessage());
            IllegalArgumentException g = assertThrows(IllegalArgumentException.class,
                    () -> new GroupNorm(2, 4, eps, true, DType.FLOAT32));
            assertTrue(g.getMessage().startsWith("GroupNorm") && g.getMessage().contains("eps " + eps), g.getMessage());
        }
    }
}
