package org.bitspike.nn.adder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.bitspike.autograd.Autograd;
import org.bitspike.autograd.AutogradException;
import org.bitspike.autograd.GradOptions;
import org.bitspike.autograd.Var;
import org.bitspike.nn.BatchNorm;
import org.bitspike.nn.CrossEntropyOptions;
import org.bitspike.nn.Layers;
import org.bitspike.nn.Losses;
import org.bitspike.nn.Sequential;
import org.bitspike.nn.optim.Sgd;
import org.bitspike.tensor.AdderWeightGradient;
import org.bitspike.tensor.Convolution.ConvOptions;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.bitspike.tensor.TensorException;
import org.junit.jupiter.api.Test;

/**
 * The adder layers: AdderNet's adaptive scaling of the weight gradient (digest 6.3), the refusal of second-order
 * gradients, the named errors, and a small adder network that learns.
 */
class AdderLayersTest {
    private static final RandomKey KEY = RandomKey.of(2020);

    private static Tensor weightGradient(AdderRules rules, Tensor x, AdderConv2d layer) {
        AdderConv2d same = new AdderConv2d(3, 4, 3, ConvOptions.of(1, 1), rules, DType.FLOAT64, KEY.fold(1));
        same.load(layer.stateDict());
        Var y = same.forward(Var.of(x));
        Tensor dy = Tensor.randn(KEY.fold(9), DType.FLOAT64, y.shape());
        return Autograd.grad(List.of(y), List.of(Var.of(dy)), List.of(same.weight()), GradOptions.DEFAULT).get(0).value();
    }

    @Test
    void adaptiveScalingRescalesTheFullPrecisionGradientToEtaSqrtK() {
        Tensor x = Tensor.randn(KEY.fold(2), DType.FLOAT64, 2, 3, 5, 5);
        AdderConv2d layer = new AdderConv2d(3, 4, 3, ConvOptions.of(1, 1), AdderRules.ADDERNET, DType.FLOAT64, KEY.fold(1));
        Tensor raw = weightGradient(AdderRules.ADDERNET.withEta(0), x, layer);
        Tensor scaled = weightGradient(AdderRules.ADDERNET, x, layer);
        double k = 4 * 3 * 3 * 3;
        double rawNorm = Math.sqrt(raw.mul(raw).sum().itemDouble());
        double norm = Math.sqrt(scaled.mul(scaled).sum().itemDouble());
        assertEquals(0.2 * Math.sqrt(k), norm, 1e-9);
        double factor = 0.2 * Math.sqrt(k) / rawNorm;
        assertTrue(scaled.sub(raw.mul(factor)).abs().max().itemDouble() < 1e-12, "scaled is not the raw gradient times "
                + factor);
    }

    @Test
    void aZeroWeightGradientStaysZeroUnderScaling() {
        AdderLinear layer = new AdderLinear(3, 2, AdderRules.ADDERNET, DType.FLOAT64, KEY);
        Var y = layer.forward(Var.of(Tensor.randn(KEY.fold(3), DType.FLOAT64, 4, 3)));
        Tensor g = Autograd.grad(List.of(y), List.of(Var.of(Tensor.zeros(DType.FLOAT64, 4, 2))),
                List.of(layer.weight()), GradOptions.DEFAULT).get(0).value();
        assertEquals(0.0, g.abs().max().itemDouble());
    }

    @Test
    void theSignWeightRuleIsScaledToo() {
        Tensor x = Tensor.randn(KEY.fold(4), DType.FLOAT64, 1, 3, 4, 4);
        AdderConv2d layer = new AdderConv2d(3, 4, 3, ConvOptions.of(1, 1), AdderRules.ADDERNET, DType.FLOAT64, KEY.fold(1));
        Tensor scaled = weightGradient(AdderRules.ADDERNET.withWeight(AdderWeightGradient.SIGN).withEta(0.1), x, layer);
        assertEquals(0.1 * Math.sqrt(108), Math.sqrt(scaled.mul(scaled).sum().itemDouble()), 1e-9);
    }

    @Test
    void aSecondOrderGradientIsRefusedByName() {
        AdderConv2d layer = new AdderConv2d(2, 3, 3, ConvOptions.of(1, 1), AdderRules.ADDERNET, DType.FLOAT64, KEY);
        Var x = Var.withGrad(Tensor.randn(KEY.fold(5), DType.FLOAT64, 1, 2, 4, 4));
        Var y = layer.forward(x).sum();
        Var dx = Autograd.grad(y, List.of(x), GradOptions.creatingGraph()).get(0);
        AutogradException e = assertThrows(AutogradException.class, () -> dx.sum().backward());
        assertTrue(e.getMessage().contains("no gradient for adderConv2d backward (input gradient"), e.getMessage());
    }

    @Test
    void badInputsAndOptionsAreNamed() {
        AdderConv2d conv = new AdderConv2d(3, 4, 3, 1, 1, KEY);
        TensorException channels = assertThrows(TensorException.class,
                () -> conv.forward(Var.of(Tensor.zeros(1, 2, 5, 5))));
        assertTrue(channels.getMessage().contains("AdderConv2d(3 -> 4, 3x3") && channels.getMessage().contains("[1, 2, 5, 5]")
                && channels.getMessage().contains("[N, 3, H, W]"), channels.getMessage());
        TensorException dtype = assertThrows(TensorException.class,
                () -> conv.forward(Var.of(Tensor.zeros(DType.FLOAT64, 1, 3, 5, 5))));
        assertTrue(dtype.getMessage().contains("FLOAT64") && dtype.getMessage().contains("FLOAT32"), dtype.getMessage());
        AdderLinear linear = new AdderLinear(5, 2, KEY);
        TensorException rank = assertThrows(TensorException.class, () -> linear.forward(Var.of(Tensor.zeros(2, 5, 1))));
        assertTrue(rank.getMessage().contains("AdderLinear(5 -> 2") && rank.getMessage().contains("[2, 5, 1]"),
                rank.getMessage());
        IllegalArgumentException groups = assertThrows(IllegalArgumentException.class, () -> new AdderConv2d(4, 4, 3,
                new ConvOptions(1, 1, 1, 1, 1, 1, 2), AdderRules.ADDERNET, DType.FLOAT32, KEY));
        assertTrue(groups.getMessage().contains("groups must be 1"), groups.getMessage());
        IllegalArgumentException eta = assertThrows(IllegalArgumentException.class, () -> AdderRules.ADDERNET.withEta(-1));
        assertTrue(eta.getMessage().contains("eta must be finite and >= 0") && eta.getMessage().contains("-1"),
                eta.getMessage());
    }

    @Test
    void theLayersAgreeWithTheOpsAndKeepTheirShapes() {
        AdderConv2d conv = new AdderConv2d(3, 4, 3, 2, 1, KEY);
        Tensor x = Tensor.randn(KEY.fold(6), 2, 3, 7, 7);
        Var y = conv.forward(Var.of(x));
        assertArrayEquals(new int[] {2, 4, 4, 4}, y.shape());
        Tensor direct = AdderOps.conv2d(Var.of(x), conv.weight(), ConvOptions.of(2, 1), AdderRules.ADDERNET).value();
        assertEquals(0.0, y.value().sub(direct).abs().max().itemDouble());
        assertTrue(y.value().max().itemDouble() <= 0, "a negative distance is never positive");
    }

    /** Two Gaussian blobs in 8 dimensions: an adder layer, batch norm, ReLU and an adder classifier learn them. */
    @Test
    void aSmallAdderNetworkLearnsASeparableTask() {
        int n = 64;
        long[] classes = new long[n];
        float[] sides = new float[n];
        for (int i = 0; i < n; i++) {
            classes[i] = i % 2;
            sides[i] = i % 2 == 0 ? -1.5f : 1.5f;
        }
        Tensor labels = Tensor.of(classes, n);
        Tensor centres = Tensor.of(sides, n, 1).mul(Tensor.ones(1, 8));
        Tensor x = Tensor.randn(KEY.fold(7), n, 8).add(centres);
        Sequential model = new Sequential(new AdderLinear(8, 16, KEY.fold(8)), BatchNorm.of1d(16), Layers.relu(),
                new AdderLinear(16, 2, KEY.fold(9)), BatchNorm.of1d(2));
        Sgd sgd = Sgd.of(model.parameters(), 0.05, 0.9, 0);
        double first = Double.NaN;
        double last = Double.NaN;
        for (int step = 0; step < 40; step++) {
            Var loss = Losses.crossEntropy(model.forward(Var.of(x)), labels, CrossEntropyOptions.defaults());
            if (step == 0) {
                first = loss.value().item();
            }
            last = loss.value().item();
            sgd.zeroGrad();
            loss.backward();
            sgd.step();
        }
        assertTrue(last < 0.5 * first, "loss " + first + " -> " + last);
    }
}
