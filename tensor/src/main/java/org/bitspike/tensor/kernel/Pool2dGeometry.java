package org.bitspike.tensor.kernel;

import org.bitspike.tensor.TensorException;

/**
 * The shapes and hyper-parameters of one 2-D pooling, validated once on construction.
 *
 * <p>Input {@code x[n, c, h, w]}, output {@code y[n, c, outH, outW]}, both dense row-major; every
 * {@code (n, c)} plane is pooled on its own. Output position {@code o} covers input positions
 * {@code o * stride - pad + k * dilation} for {@code k < kernel} (floor mode: the output size is
 * {@code (in + 2 * pad - dilation * (kernel - 1) - 1) / stride + 1}). Padding may be at most half
 * the dilated kernel, so every window holds at least one real input element.
 *
 * @param n         batch size, {@code >= 1}
 * @param c         channels, {@code >= 1}
 * @param h         input height
 * @param w         input width
 * @param kH        window height
 * @param kW        window width
 * @param strideH   vertical stride, {@code >= 1}
 * @param strideW   horizontal stride, {@code >= 1}
 * @param padH      padding above and below, {@code 0 <= padH <= (dilationH * (kH - 1) + 1) / 2}
 * @param padW      padding left and right, {@code 0 <= padW <= (dilationW * (kW - 1) + 1) / 2}
 * @param dilationH vertical spacing of window taps, {@code >= 1}
 * @param dilationW horizontal spacing of window taps, {@code >= 1}
 * @throws TensorException naming {@code pool2d}, the shapes and the rule broken
 */
public record Pool2dGeometry(int n, int c, int h, int w, int kH, int kW,
                             int strideH, int strideW, int padH, int padW, int dilationH, int dilationW) {

    public Pool2dGeometry {
        check("pool2d", n, c, h, w, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW);
    }

    /** Square-parameter convenience: the same window, stride and padding along both axes, no dilation. */
    public static Pool2dGeometry of(int n, int c, int h, int w, int kernel, int stride, int pad) {
        return new Pool2dGeometry(n, c, h, w, kernel, kernel, stride, stride, pad, pad, 1, 1);
    }

    /** Validates with messages naming {@code op}, then constructs the geometry. */
    public static Pool2dGeometry checked(String op, int n, int c, int h, int w, int kH, int kW,
                                         int strideH, int strideW, int padH, int padW,
                                         int dilationH, int dilationW) {
        check(op, n, c, h, w, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW);
        return new Pool2dGeometry(n, c, h, w, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW);
    }

    private static void check(String op, int n, int c, int h, int w, int kH, int kW,
                              int strideH, int strideW, int padH, int padW, int dilationH, int dilationW) {
        int[] in = {n, c, h, w};
        if (n < 1 || c < 1 || h < 1 || w < 1) {
            throw TensorException.of(op, "input shape %s must have every size >= 1", in);
        }
        if (kH < 1 || kW < 1) {
            throw TensorException.of(op, "kernel size must be >= 1, got [%d, %d]", kH, kW);
        }
        if (strideH < 1 || strideW < 1) {
            throw TensorException.of(op, "stride must be >= 1, got [%d, %d]", strideH, strideW);
        }
        if (dilationH < 1 || dilationW < 1) {
            throw TensorException.of(op, "dilation must be >= 1, got [%d, %d]", dilationH, dilationW);
        }
        long effH = (long) dilationH * (kH - 1) + 1;
        long effW = (long) dilationW * (kW - 1) + 1;
        if (padH < 0 || padW < 0 || padH > effH / 2 || padW > effW / 2) {
            throw TensorException.of(op, "padding [%d, %d] must be >= 0 and at most half the (dilated) kernel"
                    + " [%d, %d], i.e. <= [%d, %d]", padH, padW, effH, effW, effH / 2, effW / 2);
        }
        long oh = Conv2dGeometry.outSize(h, kH, strideH, padH, dilationH);
        long ow = Conv2dGeometry.outSize(w, kW, strideW, padW, dilationW);
        if (oh < 1 || ow < 1) {
            throw TensorException.of(op, "output size [%d, %d] <= 0 for input %s, kernel [%d, %d], stride [%d, %d],"
                            + " padding [%d, %d], dilation [%d, %d] (the dilated kernel must fit in the padded input)",
                    oh, ow, in, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW);
        }
        String emptyH = emptyWindow(h, kH, strideH, padH, dilationH, oh);
        String emptyW = emptyWindow(w, kW, strideW, padW, dilationW, ow);
        if (emptyH != null || emptyW != null) {
            throw TensorException.of(op, "%s window %s of input %s with kernel [%d, %d], stride [%d, %d],"
                            + " padding [%d, %d], dilation [%d, %d] covers no input element (every window must)",
                    emptyH != null ? "row" : "column", emptyH != null ? emptyH : emptyW, in, kH, kW,
                    strideH, strideW, padH, padW, dilationH, dilationW);
        }
        if ((long) n * c * h * w > Integer.MAX_VALUE || (long) n * c * oh * ow > Integer.MAX_VALUE) {
            throw TensorException.of(op, "input %s is larger than Integer.MAX_VALUE elements", in);
        }
    }

    /** The index of the first output position whose window taps all fall in the padding, or null. */
    private static String emptyWindow(int in, int k, int stride, int pad, int dilation, long out) {
        for (long o = 0; o < out; o++) {
            int start = (int) (o * stride - pad);
            if (ScalarPool.endTap(start, dilation, k, in) <= ScalarPool.firstTap(start, dilation)) {
                return Long.toString(o);
            }
        }
        return null;
    }

    /** Output height. */
    public int outH() {
        return (int) Conv2dGeometry.outSize(h, kH, strideH, padH, dilationH);
    }

    /** Output width. */
    public int outW() {
        return (int) Conv2dGeometry.outSize(w, kW, strideW, padW, dilationW);
    }

    /** Number of {@code (n, c)} planes. */
    public int planes() {
        return n * c;
    }

    /** {@code [n, c, h, w]}. */
    public int[] inputShape() {
        return new int[] {n, c, h, w};
    }

    /** {@code [n, c, outH, outW]}. */
    public int[] outputShape() {
        return new int[] {n, c, outH(), outW()};
    }

    /** Elements of the input. */
    public int inputSize() {
        return n * c * h * w;
    }

    /** Elements of the output. */
    public int outputSize() {
        return n * c * outH() * outW();
    }
}
