package org.bitspike.nn.adder;

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
import org.bitspike.nn.Sequential;
import org.bitspike.nn.accounting.OpCounter;
import org.bitspike.nn.accounting.OpCounts;
import org.bitspike.nn.accounting.OpKind;
import org.bitspike.nn.models.Models;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The adder zoo: which layers are adder layers, that a batch norm follows each, and that every parameter learns. */
class AdderKindsTest {
    private static final RandomKey KEY = RandomKey.of(3);

    /** The leaves of a model in forward order (the order Sequential and ResidualBlock register their children). */
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

    @Test
    void theSmallVggHasAFullPrecisionFirstConvAndClassifierAndANormAfterEveryAdderLayer() {
        Layer model = Models.create("vgg-small", 1, 10, AdderKinds.addernet(), KEY);
        List<Layer> leaves = leaves(model);
        assertInstanceOf(Conv2d.class, leaves.get(0), "the first convolution stays full precision");
        assertInstanceOf(Linear.class, leaves.get(leaves.size() - 1), "the classifier stays full precision");
        int adders = 0;
        for (int i = 0; i < leaves.size(); i++) {
            if (leaves.get(i) instanceof AdderConv2d || leaves.get(i) instanceof AdderLinear) {
                adders++;
                assertInstanceOf(BatchNorm.class, leaves.get(i + 1), "after " + leaves.get(i));
            }
        }
        assertEquals(4, adders, "three adder convolutions and the hidden adder linear layer");
        model.train();
        Var logits = model.forward(Var.of(Tensor.randn(KEY.fold(1), 2, 1, 28, 28)));
        assertArrayEquals(new int[] {2, 10}, logits.shape());
        logits.sum().backward();
        for (Map.Entry<String, Var> p : model.namedParameters().entrySet()) {
            assertNotNull(p.getValue().grad(), p.getKey() + " got no gradient");
        }
    }

    @Test
    void anAdderNetworkCostsTwoAdditionsPerTermAndMultipliesOnlyInItsFullPrecisionEnds() {
        // NOTE: training mode: with untrained running statistics the eval-mode ReLU after the adder linear layer
        // outputs only zeros, which the counter rightly takes for a silent spike map (no classifier MACs)
        Layer model = Models.create("vgg-small", 1, 10, AdderKinds.addernet(), KEY).train();
        OpCounts total;
        try (OpCounter counter = OpCounter.attach(model)) {
            model.forward(Var.of(Tensor.randn(KEY.fold(2), 3, 1, 28, 28)));
            total = counter.total();
        }
        // per image: conv 32->32 at 28x28, 32->64 and 64->64 at 14x14 (3x3), linear 3136 -> 256
        long terms = 28L * 28 * 32 * 32 * 9 + 14L * 14 * 64 * 32 * 9 + 14L * 14 * 64 * 64 * 9 + 3136L * 256;
        assertEquals(3 * 2 * terms, total.get(OpKind.ADD));
        long fullPrecision = 28L * 28 * 32 * 9 + 256L * 10; // the first convolution and the classifier
        assertEquals(3 * fullPrecision, total.get(OpKind.MAC));
    }

    @Test
    void resnetShortcutsAreAdderLayersToo() {
        Sequential model = (Sequential) Models.create("resnet20", 3, 10, AdderKinds.addernet(), KEY);
        long adderConvs = leaves(model).stream().filter(l -> l instanceof AdderConv2d).count();
        assertEquals(18 + 2, adderConvs, "two per block over nine blocks, plus two 1x1 shortcuts");
        assertTrue(leaves(model).get(0) instanceof Conv2d);
    }
}
