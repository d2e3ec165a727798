package org.bitspike.nn.binary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bitspike.autograd.Var;
import org.bitspike.nn.BatchNorm;
import org.bitspike.nn.Conv2d;
import org.bitspike.nn.Layer;
import org.bitspike.nn.Linear;
import org.bitspike.nn.accounting.CostTable;
import org.bitspike.nn.accounting.ModelSummary;
import org.bitspike.nn.accounting.OpCounter;
import org.bitspike.nn.accounting.OpCounts;
import org.bitspike.nn.accounting.OpKind;
import org.bitspike.nn.models.Models;
import org.bitspike.nn.models.ResidualBlock;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The binary zoo: layouts of the three styles, gradients everywhere, and what the accounting counts for them. */
class BinaryKindsTest {
    private static final RandomKey KEY = RandomKey.of(5);
    /** Per image: binary convolutions 32->32 at 28x28, 32->64 and 64->64 at 14x14, and the hidden 3136 -> 256. */
    private static final long BINARY_TERMS = 28L * 28 * 32 * 32 * 9 + 14L * 14 * 64 * 32 * 9 + 14L * 14 * 64 * 64 * 9
            + 3136L * 256;

    private static List<Layer> leaves(Layer layer) {
        List<Layer> out = new ArrayList<>();
        if (layer.children().isEmpty()) {
            out.add(layer);
        }
        for (Layer child : layer.children().values()) {
            out.addAll(leaves(child));
        }
        return out;
    }

    private static Layer vgg(BinaryKinds.Style style) {
        return Models.create("vgg-small", 1, 10, new BinaryKinds(style), KEY);
    }

    @Test
    void xnorKeepsTheEndsFullPrecisionAndEveryBinaryLayerPurelyBinaryWithoutRelu() {
        List<Layer> leaves = leaves(vgg(BinaryKinds.Style.XNOR));
        assertInstanceOf(Conv2d.class, leaves.get(0));
        assertInstanceOf(Linear.class, leaves.get(leaves.size() - 1));
        List<BinaryLayer> binary = leaves.stream().filter(l -> l instanceof BinaryLayer).map(l -> (BinaryLayer) l).toList();
        assertEquals(4, binary.size());
        assertTrue(binary.stream().allMatch(BinaryLayer::isPurelyBinary), "+1 padding keeps every product binary");
        assertTrue(leaves.stream().noneMatch(l -> l.toString().startsWith("ReLU")), "a ReLU before a sign is all +1");
        for (int i = 0; i < leaves.size(); i++) {
            if (leaves.get(i) instanceof BinaryLayer) {
                Layer next = leaves.get(i + 1).toString().startsWith("MaxPool") ? leaves.get(i + 2) : leaves.get(i + 1);
                assertInstanceOf(BatchNorm.class, next, "a norm after " + leaves.get(i));
            }
        }
    }

    @Test
    void biRealWrapsEveryBinaryConvolutionInAShortcutAndReActNetAddsShiftsAndRprelu() {
        Layer bireal = vgg(BinaryKinds.Style.BIREAL);
        long blocks = bireal.namedLayers().values().stream().filter(l -> l instanceof ResidualBlock).count();
        assertEquals(3, blocks, "the three binary convolutions");
        Layer reactnet = vgg(BinaryKinds.Style.REACTNET);
        List<Layer> leaves = leaves(reactnet);
        for (int i = 0; i < leaves.size(); i++) {
            if (leaves.get(i) instanceof BinaryLayer) {
                assertInstanceOf(LearnableShift.class, leaves.get(i - 1), "RSign before " + leaves.get(i));
            }
        }
        assertEquals(5, leaves.stream().filter(l -> l instanceof RPReLU).count(), "after the first conv, three blocks "
                + "and the hidden linear layer");
    }

    @Test
    void everyStyleTrainsEveryParameter() {
        for (BinaryKinds.Style style : BinaryKinds.Style.values()) {
            Layer model = vgg(style);
            Var logits = model.forward(Var.of(Tensor.randn(KEY.fold(1), 2, 1, 28, 28)));
            assertArrayEquals(new int[] {2, 10}, logits.shape());
            logits.sum().backward();
            for (Map.Entry<String, Var> p : model.namedParameters().entrySet()) {
                assertNotNull(p.getValue().grad(), style + ": " + p.getKey() + " got no gradient");
            }
        }
    }

    @Test
    void theAccountingCountsBopsInTheBinaryCoreAndMacsAtTheEndsAndOneBitPerBinaryWeight() {
        Layer model = vgg(BinaryKinds.Style.XNOR).eval();
        OpCounts total;
        try (OpCounter counter = OpCounter.attach(model)) {
            model.forward(Var.of(Tensor.randn(KEY.fold(2), 2, 1, 28, 28)));
            total = counter.total();
        }
        assertEquals(2 * BINARY_TERMS, total.get(OpKind.BOP));
        assertEquals(2 * (28L * 28 * 32 * 9 + 256L * 10), total.get(OpKind.MAC), "first convolution and classifier");
        ModelSummary summary = ModelSummary.run(model, Tensor.randn(KEY.fold(3), 1, 1, 28, 28), CostTable.horowitz45nm());
        long binaryWeights = 32L * 32 * 9 + 64L * 32 * 9 + 64L * 64 * 9 + 3136L * 256;
        assertEquals(binaryWeights, summary.parametersByBits().get(1));

        Layer bireal = vgg(BinaryKinds.Style.BIREAL).eval();
        try (OpCounter counter = OpCounter.attach(bireal)) {
            bireal.forward(Var.of(Tensor.randn(KEY.fold(2), 1, 1, 28, 28)));
            total = counter.total();
        }
        assertEquals(BINARY_TERMS, total.get(OpKind.BOP));
        // the full-precision 1x1 convolution of the one shortcut that widens (32 -> 64 at 14x14) is real work too
        assertEquals(28L * 28 * 32 * 9 + 256L * 10 + 14L * 14 * 64 * 32, total.get(OpKind.MAC));
    }
}
