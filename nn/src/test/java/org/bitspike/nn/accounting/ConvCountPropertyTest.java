package org.bitspike.nn.accounting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bitspike.autograd.Var;
import org.bitspike.nn.Conv2d;
import org.bitspike.tensor.Convolution.ConvOptions;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/**
 * A convolution on spikes pays one AC per (output channel, output position, kernel tap) whose input fired: exactly
 * {@code Cout / groups} times the convolution of the non-zero mask with a ones kernel, summed, for any shape, stride,
 * padding, dilation, groups and spike density; never more than its dense MACs, and all of them when every input
 * fired and no tap falls in the padding.
 */
class ConvCountPropertyTest {

    @Property(seed = "1307", tries = 60)
    void accumulatesAreTheOnesKernelConvolutionOfTheFiringMask(@ForAll long seed, @ForAll @IntRange(min = 1, max = 2) int n,
            @ForAll @IntRange(min = 1, max = 2) int groups, @ForAll @IntRange(min = 1, max = 3) int kernel,
            @ForAll @IntRange(min = 1, max = 3) int stride, @ForAll @IntRange(min = 0, max = 2) int padding,
            @ForAll @IntRange(min = 1, max = 2) int dilation, @ForAll @DoubleRange(min = 0, max = 1) double density) {
        int in = 2 * groups;
        int out = 3 * groups;
        ConvOptions options = new ConvOptions(stride, stride, padding, padding, dilation, dilation, groups);
        int size = dilation * (kernel - 1) + 1 + 4;
        RandomKey key = RandomKey.of(seed);
        Tensor mask = Tensor.rand(key, n, in, size, size + 1).lt(density).to(DType.FLOAT32);
        Conv2d conv = new Conv2d(in, out, kernel, options, false, key.fold(1));
        Var x = Var.of(mask);
        Var y = conv.forward(x);
        OpCounts counts = conv.cost(Forward.of(conv, x, y, SpikeRule.VALUES));

        ConvOptions ungrouped = new ConvOptions(stride, stride, padding, padding, dilation, dilation, 1);
        Var taps = x.conv2d(Var.of(Tensor.ones(1, in, kernel, kernel)), null, ungrouped);
        long expected = (out / groups) * Math.round(taps.value().sum().itemDouble());
        assertEquals(expected, counts.get(OpKind.AC));
        assertEquals(0, counts.get(OpKind.MAC));
        long dense = (long) n * out * y.size(2) * y.size(3) * (in / groups) * kernel * kernel;
        assertEquals(dense, counts.denseMacs());
        assertTrue(counts.get(OpKind.AC) <= dense);
        if (padding == 0) {
            Var ones = Var.of(Tensor.ones(n, in, size, size + 1));
            assertEquals(dense, conv.cost(Forward.of(conv, ones, conv.forward(ones), SpikeRule.VALUES)).get(OpKind.AC),
                    "every input fired and no tap is padding: every MAC became an AC");
        }
    }
}
