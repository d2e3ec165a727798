package org.bitspike.tensor.kernel;

import org.bitspike.tensor.TensorException;

/**
 * The shapes and hyper-parameters of one 2-D convolution, validated once on construction.
 *
 * <p>Input {@code x[n, cin, h, w]}, weight {@code w[cout, cin / groups, kH, kW]}, optional bias
 * {@code [cout]}, output {@code y[n, cout, outH, outW]}, all dense row-major. Output channel
 * {@code co} of group {@code g = co / (cout / groups)} sees input channels
 * {@code g * cin / groups .. (g + 1) * cin / groups - 1}. Along each axis the output size is
 * {@code (in + 2 * pad - dilation * (k - 1) - 1) / stride + 1} (floor), and output position
 * {@code o} reads input positions {@code o * stride - pad + k * dilation} for {@code k < kernel};
 * positions outside the input read zero.
 *
 * @param n         batch size, {@code >= 1}
 * @param cin       input channels, divisible by {@code groups}
 * @param h         input height
 * @param w         input width
 * @param cout      output channels, divisible by {@code groups}
 * @param kH        kernel height
 * @param kW        kernel width
 * @param strideH   vertical stride, {@code >= 1}
 * @param strideW   horizontal stride, {@code >= 1}
 * @param padH      zero padding added above and below, {@code >= 0}
 * @param padW      zero padding added left and right, {@code >= 0}
 * @param dilationH vertical spacing of kernel taps, {@code >= 1}
 * @param dilationW horizontal spacing of kernel taps, {@code >= 1}
 * @param groups    number of channel groups, {@code >= 1}; {@code groups == cin} is depthwise
 * @throws TensorException naming {@code conv2d}, the shapes and the rule broken
 */
public record Conv2dGeometry(int n, int cin, int h, int w, int cout, int kH, int kW,
                             int strideH, int strideW, int padH, int padW,
                             int dilationH, int dilationW, int groups) {

    public Conv2dGeometry {
        check("conv2d", n, cin, h, w, cout, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW, groups);
    }

    /** Square-parameter convenience: the same stride, padding and dilation along both axes. */
    public static Conv2dGeometry of(int n, int cin, int h, int w, int cout, int kH, int kW,
                                    int stride, int pad, int dilation, int groups) {
        return new Conv2dGeometry(n, cin, h, w, cout, kH, kW, stride, stride, pad, pad, dilation, dilation, groups);
    }

    /**
     * Validates the parameters with messages naming {@code op} (so a backward facade can report its
     * own name), then constructs the geometry.
     */
    public static Conv2dGeometry checked(String op, int n, int cin, int h, int w, int cout, int kH, int kW,
                                         int strideH, int strideW, int padH, int padW,
                                         int dilationH, int dilationW, int groups) {
        check(op, n, cin, h, w, cout, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW, groups);
        return new Conv2dGeometry(n, cin, h, w, cout, kH, kW, strideH, strideW, padH, padW,
                dilationH, dilationW, groups);
    }

    private static void check(String op, int n, int cin, int h, int w, int cout, int kH, int kW,
                              int strideH, int strideW, int padH, int padW,
                              int dilationH, int dilationW, int groups) {
        int[] in = {n, cin, h, w};
        int[] wt = {cout, groups > 0 ? cin / groups : cin, kH, kW};
        if (n < 1 || cin < 1 || h < 1 || w < 1) {
            throw TensorException.of(op, "input shape %s must have every size >= 1", in);
        }
        if (cout < 1 || kH < 1 || kW < 1) {
            throw TensorException.of(op, "weight shape %s must have every size >= 1", wt);
        }
        if (groups < 1) {
            throw TensorException.of(op, "groups must be >= 1, got %d", groups);
        }
        if (cin % groups != 0) {
            throw TensorException.of(op, "input channels %d not divisible by groups %d (input %s)", cin, groups, in);
        }
        if (cout % groups != 0) {
            throw TensorException.of(op, "output channels %d not divisible by groups %d (weight %s)",
                    cout, groups, wt);
        }
        if (strideH < 1 || strideW < 1) {
            throw TensorException.of(op, "stride must be >= 1, got [%d, %d]", strideH, strideW);
        }
        if (padH < 0 || padW < 0) {
            throw TensorException.of(op, "padding must be >= 0, got [%d, %d]", padH, padW);
        }
        if (dilationH < 1 || dilationW < 1) {
            throw TensorException.of(op, "dilation must be >= 1, got [%d, %d]", dilationH, dilationW);
        }
        long oh = outSize(h, kH, strideH, padH, dilationH);
        long ow = outSize(w, kW, strideW, padW, dilationW);
        if (oh < 1 || ow < 1) {
            throw TensorException.of(op, "output size [%d, %d] <= 0 for input %s, weight %s, stride [%d, %d],"
                            + " padding [%d, %d], dilation [%d, %d] (the dilated kernel [%d, %d] must fit in the"
                            + " padded input [%d, %d])", oh, ow, in, wt, strideH, strideW, padH, padW,
                    dilationH, dilationW, (long) dilationH * (kH - 1) + 1, (long) dilationW * (kW - 1) + 1,
                    h + 2L * padH, w + 2L * padW);
        }
        long[] sizes = {(long) n * cin * h * w, (long) cout * (cin / groups) * kH * kW, (long) n * cout * oh * ow,
                (long) (cin / groups) * kH * kW * oh * ow};
        for (long s : sizes) {
            if (s > Integer.MAX_VALUE) {
                throw TensorException.of(op, "input %s with weight %s needs %d elements in one array,"
                        + " more than Integer.MAX_VALUE", in, wt, s);
            }
        }
    }

    /** Floor output size along one axis; may be {@code <= 0} for invalid parameters. */
    static long outSize(long in, long k, long stride, long pad, long dilation) {
        long span = in + 2 * pad - dilation * (k - 1) - 1;
        return span < 0 ? 0 : span / stride + 1;
    }

    /** Output height. */
    public int outH() {
        return (int) outSize(h, kH, strideH, padH, dilationH);
    }

    /** Output width. */
    public int outW() {
        return (int) outSize(w, kW, strideW, padW, dilationW);
    }

    /** Input channels per group. */
    public int cinPerGroup() {
        return cin / groups;
    }

    /** Output channels per group. */
    public int coutPerGroup() {
        return cout / groups;
    }

    /** Reduction length of one output element: {@code cin / groups * kH * kW}. */
    public int patchSize() {
        return cin / groups * kH * kW;
    }

    /** {@code [n, cin, h, w]}. */
    public int[] inputShape() {
        return new int[] {n, cin, h, w};
    }

    /** {@code [cout, cin / groups, kH, kW]}. */
    public int[] weightShape() {
        return new int[] {cout, cin / groups, kH, kW};
    }

    /** {@code [n, cout, outH, outW]}. */
    public int[] outputShape() {
        return new int[] {n, cout, outH(), outW()};
    }

    /** Elements of the input. */
    public int inputSize() {
        return n * cin * h * w;
    }

    /** Elements of the weight. */
    public int weightSize() {
        return cout * patchSize();
    }

    /** Elements of the output. */
    public int outputSize() {
        return n * cout * outH() * outW();
    }
}
