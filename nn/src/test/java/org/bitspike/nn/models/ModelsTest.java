package org.bitspike.nn.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bitspike.autograd.Var;
import org.bitspike.nn.Functional;
import org.bitspike.nn.Layer;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The zoo: shapes, parameter counts against the well-known reference implementations, gradients reach every parameter. */
class ModelsTest {
    private static final RandomKey KEY = RandomKey.of(9);

    @Test
    void parameterCountsMatchTheReferenceArchitectures() {
        // vgg-small by hand: convs 288 + 9216 + 18432 + 36864, BN 2 * (32 + 32 + 64 + 64), fc 3136 * 256, BN 512, fc 2570
        assertEquals(871_082, Models.create("vgg-small", 1, 10, KEY).parameterCount());
        // the common CIFAR implementations (kuangliu/pytorch-cifar), less their conv biases where they have them
        assertEquals(11_173_962, Models.create("resnet18", 3, 10, KEY).parameterCount());
        assertEquals(9_231_114 - 2_752, Models.create("vgg11", 3, 10, KEY).parameterCount());
        assertEquals(14_728_266 - 4_224, Models.create("vgg16", 3, 10, KEY).parameterCount());
        // ResNet-20 with 1x1 projection shortcuts (16*32 + 32*64 weights + BN 2 * (32 + 64)): the usual 0.27M
        assertEquals(272_474, Models.create("resnet20", 3, 10, KEY).parameterCount());
    }

    @Test
    void vggSmallTrainsEndToEndShapes() {
        Layer model = Models.create("vgg-small", 1, 10, KEY);
        Tensor x = Tensor.randn(KEY.fold(1), 3, 1, 28, 28);
        Var logits = model.forward(x);
        assertArrayEquals(new int[] {3, 10}, logits.shape());
        Functional.crossEntropy(logits, Tensor.of(new long[] {1, 2, 3}, 3)).backward();
        model.namedParameters().forEach((name, p) -> assertNotNull(p.grad(), name + " got no gradient"));
    }

    @Test
    void resnet20ForwardAndEvaluation() {
        Layer model = Models.create("resnet20", 3, 10, KEY);
        Tensor x = Tensor.randn(KEY.fold(2), 2, 3, 32, 32);
        assertArrayEquals(new int[] {2, 10}, model.forward(x).shape());
        model.eval();
        assertTrue(model.forward(x).value().contentEquals(model.forward(x).value()), "evaluation is deterministic");
    }

    @Test
    void conversionSourcesAreBiasFreeReluNetworksWithoutNorms() {
        // convs 144 + 2304 + 4608 + 9216, fc 1568 * 256 + 256 * 10: no bias, no batch norm
        assertEquals(420_240, Models.create("cnn-avgpool", 1, 10, KEY).parameterCount());
        assertEquals(420_240, Models.create("cnn-avgpool-after", 1, 10, KEY).parameterCount());
        assertEquals(784 * 512 + 512 * 512 + 512 * 10, Models.create("mlp-512", 1, 10, KEY).parameterCount());
        for (String name : Models.CONVERSION_SOURCES) {
            Layer model = Models.create(name, 1, 10, KEY);
            model.namedParameters().forEach((p, v) -> assertTrue(p.endsWith("weight"), name + " has " + p));
            String text = leaves(model);
            assertTrue(!text.contains("BatchNorm") && !text.contains("MaxPool"), name + ": " + text);
            Var logits = model.forward(Tensor.randn(KEY.fold(3), 2, 1, 28, 28));
            assertArrayEquals(new int[] {2, 10}, logits.shape());
        }
        // the first pooled block: average pooling before its ReLU, or after it
        assertTrue(leaves(Models.create("cnn-avgpool", 1, 10, KEY)).contains("Conv2d(16, AvgPool2d(2x2, ReLU, Conv2d(16"),
                leaves(Models.create("cnn-avgpool", 1, 10, KEY)));
        assertTrue(leaves(Models.create("cnn-avgpool-after", 1, 10, KEY)).contains("Conv2d(16, ReLU, AvgPool2d(2x2, Conv2d(16"),
                leaves(Models.create("cnn-avgpool-after", 1, 10, KEY)));
    }

    /** The leaf layers' names in order, for example {@code Conv2d(1, ReLU, ...}: each description up to its first comma or space. */
    private static String leaves(Layer model) {
        return String.join(", ", model.namedLayers().values().stream().filter(l -> !(l instanceof org.bitspike.nn.Sequential))
                .map(l -> l.toString().split("[ ,\n]", 2)[0]).toList());
    }

    @Test
    void unknownNamesListTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Models.create("vgg19", 3, 10, KEY));
        assertTrue(e.getMessage().contains("[vgg-small, vgg11, vgg16, resnet18, resnet20, cnn-avgpool, cnn-avgpool-after, mlp-512]"), e.getMessage());
    }
}
