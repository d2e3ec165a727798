package org.bitspike.nn.deploy;

import java.util.Arrays;
import org.bitspike.autograd.GradMode;
import org.bitspike.nn.Conv2d;
import org.bitspike.nn.Layer;
import org.bitspike.nn.Layers;
import org.bitspike.nn.Layers.Operation;
import org.bitspike.nn.Linear;
import org.bitspike.nn.Pooling;
import org.bitspike.nn.adder.AdderConv2d;
import org.bitspike.nn.adder.AdderLinear;
import org.bitspike.nn.binary.BinaryConv2d;
import org.bitspike.nn.binary.BinaryLinear;
import org.bitspike.nn.binary.BinaryOptions;
import org.bitspike.tensor.Convolution.ConvOptions;
import org.bitspike.tensor.Convolution.PoolOptions;
import org.bitspike.tensor.Tensor;

/** Per-image shapes through the source's layers ({@code [C, H, W]}; a vector is {@code [C, 1, 1]}), and kernels. */
final class Shapes {
    private Shapes() {
    }

    /** The shape after {@code leaf} (float sections; layers that keep the shape keep it). */
    static int[] after(String path, Layer layer, int[] in) {
        if (layer instanceof Conv2d c) {
            return conv(path, in, c.weight().value(), c.options());
        }
        if (layer instanceof BinaryConv2d c) {
            return conv(path, in, c.weight().value(), c.options());
        }
        if (layer instanceof AdderConv2d c) {
            return conv(path, in, c.weight().value(), c.options());
        }
        if (layer instanceof Linear || layer instanceof BinaryLinear || layer instanceof AdderLinear) {
            Tensor w = layer instanceof Linear l ? l.weight().value() : layer instanceof AdderLinear a
                    ? a.weight().value() : ((BinaryLinear) layer).weight().value();
            checkFeatures(path, in, w.size(1));
            return new int[] {w.size(0), 1, 1};
        }
        Operation op = Layers.operation(layer);
        if (op == Operation.MAX_POOL || op == Operation.AVERAGE_POOL) {
            return pooled(path, in, Pooling.options(layer));
        }
        if (op == Operation.FLATTEN) {
            return new int[] {in[0] * in[1] * in[2], 1, 1};
        }
        return in;
    }

    static int[] conv(String path, int[] in, Tensor w, ConvOptions o) {
        if (w.size(1) * o.groups() != in[0]) {
            throw new IllegalArgumentException(String.format("deploy: '%s' takes %d input channels but receives %s",
                    path, w.size(1) * o.groups(), Arrays.toString(in)));
        }
        int h = (in[1] + 2 * o.padH() - o.dilationH() * (w.size(2) - 1) - 1) / o.strideH() + 1;
        int wd = (in[2] + 2 * o.padW() - o.dilationW() * (w.size(3) - 1) - 1) / o.strideW() + 1;
        if (h < 1 || wd < 1) {
            throw new IllegalArgumentException(String.format("deploy: '%s' (kernel %s) does not fit its input %s", path,
                    Arrays.toString(w.shape()), Arrays.toString(in)));
        }
        return new int[] {w.size(0), h, wd};
    }

    static int[] pooled(String path, int[] in, PoolOptions o) {
        int h = (in[1] + 2 * o.padH() - o.dilationH() * (o.kH() - 1) - 1) / o.strideH() + 1;
        int w = (in[2] + 2 * o.padW() - o.dilationW() * (o.kW() - 1) - 1) / o.strideW() + 1;
        if (h < 1 || w < 1) {
            throw new IllegalArgumentException(String.format("deploy: pooling '%s' does not fit its input %s", path,
                    Arrays.toString(in)));
        }
        return new int[] {in[0], h, w};
    }

    private static void checkFeatures(String path, int[] in, int features) {
        if (in[0] * in[1] * in[2] != features) {
            throw new IllegalArgumentException(String.format("deploy: linear layer '%s' takes %d features but receives"
                    + " a map %s (%d values)", path, features, Arrays.toString(in), in[0] * in[1] * in[2]));
        }
    }

    /**
     * The float kernel of a linear layer as a convolution over the whole map {@code [C, H, W]}:
     * {@code [out, C, H, W]} (the NCHW flatten order is the kernel's).
     */
    static Tensor linearKernel(String path, Layer layer, int[] map) {
        Tensor w = layer instanceof Linear l ? l.weight().value() : ((BinaryLinear) layer).weight().value();
        checkFeatures(path, map, w.size(1));
        return w.reshape(w.size(0), map[0], map[1], map[2]);
    }

    /** A binary layer's quantized kernel as {@code [out, C, kH, kW]} (a linear one's over {@code map}); must be +-1. */
    static Tensor binaryKernel(String path, Layer layer, int[] map) {
        Tensor q;
        try (GradMode.Scope scope = GradMode.noGrad()) {
            q = layer instanceof BinaryConv2d c ? c.quantizedWeight().value()
                    : ((BinaryLinear) layer).quantizedWeight().value();
        }
        double[] v = q.toDoubleArray();
        for (int i = 0; i < v.length; i++) {
            if (v[i] != 1 && v[i] != -1) {
                throw new IllegalArgumentException(String.format("deploy: the quantized kernel of '%s' holds %s at flat "
                        + "index %d; the XNOR path needs +-1 weights (a scaled sign such as Bi-Real's magnitude-aware sign"
                        + " is not supported)", path, v[i], i));
            }
        }
        if (layer instanceof BinaryLinear) {
            checkFeatures(path, map, q.size(1));
            return q.reshape(q.size(0), map[0], map[1], map[2]);
        }
        return q;
    }

    /** The binary layer's pad value as -1, 0 or +1. */
    static int padValue(Layer layer) {
        if (!(layer instanceof BinaryConv2d c)) {
            return 0;
        }
        BinaryOptions.PadValue v = c.binaryOptions().padValue();
        return v == BinaryOptions.PadValue.PLUS_ONE ? 1 : v == BinaryOptions.PadValue.MINUS_ONE ? -1 : 0;
    }
}
