package org.bitspike.autograd;

import org.bitspike.tensor.Convolution.ConvOptions;
import org.bitspike.tensor.Convolution.PoolOptions;
import org.bitspike.testing.Dice;
import org.bitspike.testing.Dice.Size;

/**
 * Test support for the op table: the geometry of convolutions and poolings ({@link ConvShapes},
 * {@link PoolShapes}), drawn with a {@link Dice}. The general machinery (dice, domains, layouts,
 * inputs) is public in {@code org.bitspike.testing}.
 */
final class OpSampling {
    private OpSampling() {
    }

    /** Input and weight shapes and options of a convolution (bias sized by the weight). */
    record ConvShapes(int[] x, int[] w, ConvOptions options, boolean bias) {
        int[] y() {
            return Naive.convOutputShape(x, w, options);
        }

        /** Plain convolutions, or with random stride, padding, dilation, groups and bias. */
        static ConvShapes draw(Dice d, boolean withOptions) {
            boolean small = d.size() == Size.SMALL;
            int groups = withOptions ? d.between(1, 2) : 1;
            int cin = groups * d.between(1, small ? 1 : 2);
            int cout = groups * d.between(1, small ? 1 : 2);
            int kh = d.between(1, 3);
            int kw = d.between(1, 3);
            ConvOptions o = withOptions
                    ? new ConvOptions(d.between(1, 2), d.between(1, 2), d.between(0, 2), d.between(0, 1),
                            d.between(1, 2), d.between(1, 2), groups)
                    : ConvOptions.DEFAULT;
            int extra = small ? 1 : 3;
            int h = Math.max(1, o.dilationH() * (kh - 1) + 1 - 2 * o.padH()) + d.between(0, extra);
            int w = Math.max(1, o.dilationW() * (kw - 1) + 1 - 2 * o.padW()) + d.between(0, extra);
            int n = d.between(1, small ? 1 : 2);
            return new ConvShapes(new int[] {n, cin, h, w}, new int[] {cout, cin / groups, kh, kw}, o,
                    withOptions && d.coin());
        }
    }

    /** Input shape and options of a pooling; every window covers at least one input element. */
    record PoolShapes(int[] x, PoolOptions options, boolean countIncludePad) {
        int[] y() {
            return Naive.poolOutputShape(x, options);
        }

        static PoolShapes draw(Dice d) {
            boolean small = d.size() == Size.SMALL;
            int kh = d.between(1, 3);
            int kw = d.between(1, 3);
            int dh = d.between(1, 2);
            int dw = d.between(1, 2);
            int effH = dh * (kh - 1) + 1;
            int effW = dw * (kw - 1) + 1;
            PoolOptions o = new PoolOptions(kh, kw, d.between(1, 3), d.between(1, 3), d.between(0, effH / 2),
                    d.between(0, effW / 2), dh, dw);
            int extra = small ? 1 : 3;
            int[] x = {d.between(1, small ? 1 : 2), d.between(1, 2), effH + d.between(0, extra), effW + d.between(0, extra)};
            return new PoolShapes(x, o, d.coin());
        }
    }
}
