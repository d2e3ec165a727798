package org.bitspike.tensor;

import org.bitspike.tensor.kernel.Conv2dGeometry;
import org.bitspike.tensor.kernel.ConvKernels;
import org.bitspike.tensor.kernel.KernelProvider;
import org.bitspike.tensor.kernel.Parallel;
import org.bitspike.tensor.kernel.Pool2dGeometry;

/**
 * 2-D convolution and pooling on NCHW tensors, forward and backward, FLOAT32 or FLOAT64. Every op
 * validates shapes and dtypes (a {@link TensorException} names the op, the shapes and the rule),
 * takes inputs of any layout (they are made {@link Tensor#contiguous()}), never modifies them, and
 * returns fresh contiguous tensors computed by {@link KernelProvider#get()}'s
 * {@link KernelProvider#conv()} on {@link Parallel#shared()}.
 *
 * <p>The backward ops are the adjoints of the forward ones (for max pooling, of the selection made
 * by that forward): for {@code y = conv2d(x, w, b)} and a loss gradient {@code dy},
 * {@code dL/dx = conv2dBackwardInput(dy, w, x.shape())}, {@code dL/dw = conv2dBackwardWeight(x, dy,
 * w.shape())} and {@code dL/db = conv2dBackwardBias(dy)}; the formulas are in {@link ConvKernels}.
 *
 * {@snippet :
 * Tensor x = Tensor.randn(RandomKey.of(1), 8, 3, 32, 32);
 * Tensor w = Tensor.randn(RandomKey.of(2), 16, 3, 3, 3);
 * Tensor y = Convolution.conv2d(x, w, null, Convolution.ConvOptions.of(1, 1));     // [8, 16, 32, 32]
 * Convolution.MaxPool2d p = Convolution.maxPool2d(y, Convolution.PoolOptions.of(2)); // [8, 16, 16, 16]
 * }
 */
public final class Convolution {
    private Convolution() {
    }

    /**
     * Stride, zero padding (each side), dilation and groups of a convolution, per axis.
     *
     * @param strideH   vertical stride, {@code >= 1}
     * @param strideW   horizontal stride, {@code >= 1}
     * @param padH      rows of zeros above and below, {@code >= 0}
     * @param padW      columns of zeros left and right, {@code >= 0}
     * @param dilationH vertical spacing of kernel taps, {@code >= 1}
     * @param dilationW horizontal spacing of kernel taps, {@code >= 1}
     * @param groups    channel groups; input and output channels must be divisible by it
     */
    public record ConvOptions(int strideH, int strideW, int padH, int padW, int dilationH, int dilationW,
                              int groups) {
        /** Stride 1, no padding, no dilation, one group. */
        public static final ConvOptions DEFAULT = new ConvOptions(1, 1, 0, 0, 1, 1, 1);

        /** The same stride and padding along both axes; no dilation, one group. */
        public static ConvOptions of(int stride, int padding) {
            return new ConvOptions(stride, stride, padding, padding, 1, 1, 1);
        }

        /** These options with dilation {@code d} along both axes. */
        public ConvOptions withDilation(int d) {
            return new ConvOptions(strideH, strideW, padH, padW, d, d, groups);
        }

        /** These options with {@code g} groups. */
        public ConvOptions withGroups(int g) {
            return new ConvOptions(strideH, strideW, padH, padW, dilationH, dilationW, g);
        }
    }

    /**
     * Window, stride, padding and dilation of a pooling (floor mode). Padding may be at most half
     * the (dilated) window.
     */
    public record PoolOptions(int kH, int kW, int strideH, int strideW, int padH, int padW,
                              int dilationH, int dilationW) {
        /** A {@code kernel x kernel} window with stride {@code kernel}, no padding (PyTorch's default). */
        public static PoolOptions of(int kernel) {
            return new PoolOptions(kernel, kernel, kernel, kernel, 0, 0, 1, 1);
        }

        /** A square window, stride and padding; no dilation. */
        public static PoolOptions of(int kernel, int stride, int padding) {
            return new PoolOptions(kernel, kernel, stride, stride, padding, padding, 1, 1);
        }

        /** These options with dilation {@code d} along both axes. */
        public PoolOptions withDilation(int d) {
            return new PoolOptions(kH, kW, strideH, strideW, padH, padW, d, d);
        }
    }

    /**
     * Result of {@link #maxPool2d}: the maxima {@code [N, C, OH, OW]} (dtype of the input) and, as
     * INT32 of the same shape, the index {@code ih * W + iw} of each maximum inside its input plane.
     */
    public record MaxPool2d(Tensor values, Tensor indices) {
    }

    // ---------------------------------------------------------------- convolution

    /**
     * Convolution {@code y[N, Cout, OH, OW]} of {@code x[N, Cin, H, W]} with {@code weight[Cout,
     * Cin / groups, kH, kW]} plus an optional {@code bias[Cout]} (null for none); see {@link
     * ConvKernels} for the formula and {@link Conv2dGeometry} for the output size. Nothing is modified.
     *
     * @throws TensorException if a rank, dtype, channel count or the output size is invalid
     */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, ConvOptions options) {
        String op = "conv2d";
        DType dtype = floating(op, x, "input", weight, "weight");
        Conv2dGeometry g = geometry(op, x.shapeRef(), weight.shapeRef(), options);
        if (bias != null) {
            sameDtype(op, dtype, bias, "bias");
            if (bias.dim() != 1 || bias.size(0) != g.cout()) {
                throw TensorException.of(op, "bias shape %s must be [%d], the output channels of weight %s",
                        bias.shapeRef(), g.cout(), weight.shapeRef());
            }
        }
        Tensor xc = x.contiguous(), wc = weight.contiguous(), bc = bias == null ? null : bias.contiguous();
        Tensor y = Tensor.allocate(op, dtype, g.outputShape());
        ConvKernels k = KernelProvider.get().conv();
        if (dtype == DType.FLOAT32) {
            k.conv2d(g, xc.storage().floats(), 0, wc.storage().floats(), 0, bc == null ? null : bc.storage().floats(),
                    0, y.storage().floats(), 0, Parallel.shared());
        } else {
            k.conv2d(g, xc.storage().doubles(), 0, wc.storage().doubles(), 0,
                    bc == null ? null : bc.storage().doubles(), 0, y.storage().doubles(), 0, Parallel.shared());
        }
        return y;
    }

    /** {@link #conv2d(Tensor, Tensor, Tensor, ConvOptions)} with stride 1, no padding, one group. */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias) {
        return conv2d(x, weight, bias, ConvOptions.DEFAULT);
    }

    /**
     * Gradient of {@link #conv2d} with respect to its input: {@code dx} of shape {@code inputShape}
     * from {@code gradOutput[N, Cout, OH, OW]} and {@code weight}. ({@code inputShape} is needed
     * because with stride > 1 several input sizes give the same output size.) Nothing is modified.
     */
    public static Tensor conv2dBackwardInput(Tensor gradOutput, Tensor weight, int[] inputShape,
                                             ConvOptions options) {
        String op = "conv2dBackwardInput";
        DType dtype = floating(op, gradOutput, "grad output", weight, "weight");
        Conv2dGeometry g = geometry(op, inputShape, weight.shapeRef(), options);
        gradOutputShape(op, g, gradOutput, inputShape, weight.shapeRef());
        Tensor dy = gradOutput.contiguous(), wc = weight.contiguous();
        Tensor dx = Tensor.allocate(op, dtype, g.inputShape());
        ConvKernels k = KernelProvider.get().conv();
        if (dtype == DType.FLOAT32) {
            k.conv2dBackwardInput(g, dy.storage().floats(), 0, wc.storage().floats(), 0, dx.storage().floats(), 0,
                    Parallel.shared());
        } else {
            k.conv2dBackwardInput(g, dy.storage().doubles(), 0, wc.storage().doubles(), 0, dx.storage().doubles(), 0,
                    Parallel.shared());
        }
        return dx;
    }

    /**
     * Gradient of {@link #conv2d} with respect to its weight: {@code dw} of shape {@code weightShape}
     * from the forward input {@code x} and {@code gradOutput}. Nothing is modified.
     */
    public static Tensor conv2dBackwardWeight(Tensor x, Tensor gradOutput, int[] weightShape, ConvOptions options) {
        String op = "conv2dBackwardWeight";
        DType dtype = floating(op, x, "input", gradOutput, "grad output");
        Conv2dGeometry g = geometry(op, x.shapeRef(), weightShape, options);
        gradOutputShape(op, g, gradOutput, x.shapeRef(), weightShape);
        Tensor xc = x.contiguous(), dy = gradOutput.contiguous();
        Tensor dw = Tensor.allocate(op, dtype, g.weightShape());
        ConvKernels k = KernelProvider.get().conv();
        if (dtype == DType.FLOAT32) {
            k.conv2dBackwardWeight(g, xc.storage().floats(), 0, dy.storage().floats(), 0, dw.storage().floats(), 0,
                    Parallel.shared());
        } else {
            k.conv2dBackwardWeight(g, xc.storage().doubles(), 0, dy.storage().doubles(), 0, dw.storage().doubles(), 0,
                    Parallel.shared());
        }
        return dw;
    }

    /** Gradient of {@link #conv2d} with respect to its bias: {@code gradOutput} summed over N, OH, OW. */
    public static Tensor conv2dBackwardBias(Tensor gradOutput) {
        String op = "conv2dBackwardBias";
        DType dtype = floating(op, gradOutput, "grad output", gradOutput, "grad output");
        int[] s = gradOutput.shapeRef();
        if (s.length != 4 || Shapes.numel(op, s) == 0) {
            throw TensorException.of(op, "grad output must be a non-empty 4-D [N, Cout, OH, OW] tensor, got shape %s", s);
        }
        // a 1x1 convolution over the grad output's own plane gives the geometry of the reduction
        Conv2dGeometry g = new Conv2dGeometry(s[0], 1, s[2], s[3], s[1], 1, 1, 1, 1, 0, 0, 1, 1, 1);
        Tensor dy = gradOutput.contiguous();
        Tensor db = Tensor.allocate(op, dtype, new int[] {s[1]});
        ConvKernels k = KernelProvider.get().conv();
        if (dtype == DType.FLOAT32) {
            k.conv2dBackwardBias(g, dy.storage().floats(), 0, db.storage().floats(), 0, Parallel.shared());
        } else {
            k.conv2dBackwardBias(g, dy.storage().doubles(), 0, db.storage().doubles(), 0, Parallel.shared());
        }
        return db;
    }

    // ---------------------------------------------------------------- pooling

    /**
     * Max pooling of {@code x[N, C, H, W]}: values and in-plane argmax indices, both
     * {@code [N, C, OH, OW]}. Ties go to the first maximum in window scan order (rows, then
     * columns); a NaN in a window is its maximum. Nothing is modified.
     */
    public static MaxPool2d maxPool2d(Tensor x, PoolOptions options) {
        String op = "maxPool2d";
        DType dtype = floating(op, x, "input", x, "input");
        Pool2dGeometry g = poolGeometry(op, x.shapeRef(), options);
        Tensor xc = x.contiguous();
        Tensor y = Tensor.allocate(op, dtype, g.outputShape());
        Tensor idx = Tensor.allocate(op, DType.INT32, g.outputShape());
        ConvKernels k = KernelProvider.get().conv();
        if (dtype == DType.FLOAT32) {
            k.maxPool2d(g, xc.storage().floats(), 0, y.storage().floats(), 0, idx.storage().ints(), 0,
                    Parallel.shared());
        } else {
            k.maxPool2d(g, xc.storage().doubles(), 0, y.storage().doubles(), 0, idx.storage().ints(), 0,
                    Parallel.shared());
        }
        return new MaxPool2d(y, idx);
    }

    /**
     * Gradient of {@link #maxPool2d}: {@code dx} of shape {@code inputShape}, zero except that each
     * {@code gradOutput} element is added at its argmax (overlapping windows add up). Nothing is modified.
     *
     * @param indices the INT32 indices {@link #maxPool2d} returned, each in {@code [0, H * W)}
     */
    public static Tensor maxPool2dBackward(Tensor gradOutput, Tensor indices, int[] inputShape, PoolOptions options) {
        String op = "maxPool2dBackward";
        DType dtype = floating(op, gradOutput, "grad output", gradOutput, "grad output");
        Pool2dGeometry g = poolGeometry(op, inputShape, options);
        poolGradShape(op, g, gradOutput, inputShape);
        if (indices.dtype() != DType.INT32) {
            throw TensorException.of(op, "indices must be INT32 (as maxPool2d returns them), got %s", indices.dtype());
        }
        if (!java.util.Arrays.equals(indices.shapeRef(), g.outputShape())) {
            throw TensorException.of(op, "indices shape %s must equal the output shape %s of input %s",
                    indices.shapeRef(), g.outputShape(), inputShape);
        }
        Tensor ic = indices.contiguous();
        int[] iv = ic.storage().ints();
        int plane = g.h() * g.w();
        for (int i = 0; i < g.outputSize(); i++) {
            if (iv[i] < 0 || iv[i] >= plane) {
                throw TensorException.of(op, "index %d at flat position %d is outside an input plane of %d x %d"
                        + " (valid: 0..%d)", iv[i], i, g.h(), g.w(), plane - 1);
            }
        }
        Tensor dy = gradOutput.contiguous();
        Tensor dx = Tensor.allocate(op, dtype, g.inputShape());
        ConvKernels k = KernelProvider.get().conv();
        if (dtype == DType.FLOAT32) {
            k.maxPool2dBackward(g, dy.storage().floats(), 0, iv, 0, dx.storage().floats(), 0, Parallel.shared());
        } else {
            k.maxPool2dBackward(g, dy.storage().doubles(), 0, iv, 0, dx.storage().doubles(), 0, Parallel.shared());
        }
        return dx;
    }

    /**
     * Average pooling of {@code x[N, C, H, W]} into {@code [N, C, OH, OW]}: each window's sum divided
     * by {@code kH * kW} when {@code countIncludePad} (padding counts as zeros), else by the number
     * of its taps inside the input. Nothing is modified.
     */
    public static Tensor avgPool2d(Tensor x, PoolOptions options, boolean countIncludePad) {
        String op = "avgPool2d";
        DType dtype = floating(op, x, "input", x, "input");
        Pool2dGeometry g = poolGeometry(op, x.shapeRef(), options);
        Tensor xc = x.contiguous();
        Tensor y = Tensor.allocate(op, dtype, g.outputShape());
        ConvKernels k = KernelProvider.get().conv();
        if (dtype == DType.FLOAT32) {
            k.avgPool2d(g, countIncludePad, xc.storage().floats(), 0, y.storage().floats(), 0, Parallel.shared());
        } else {
            k.avgPool2d(g, countIncludePad, xc.storage().doubles(), 0, y.storage().doubles(), 0, Parallel.shared());
        }
        return y;
    }

    /**
     * Gradient of {@link #avgPool2d}: {@code dx} of shape {@code inputShape}, each {@code gradOutput}
     * element spread over its window's input taps divided by the same count. Nothing is modified.
     */
    public static Tensor avgPool2dBackward(Tensor gradOutput, int[] inputShape, PoolOptions options,
                                           boolean countIncludePad) {
        String op = "avgPool2dBackward";
        DType dtype = floating(op, gradOutput, "grad output", gradOutput, "grad output");
        Pool2dGeometry g = poolGeometry(op, inputShape, options);
        poolGradShape(op, g, gradOutput, inputShape);
        Tensor dy = gradOutput.contiguous();
        Tensor dx = Tensor.allocate(op, dtype, g.inputShape());
        ConvKernels k = KernelProvider.get().conv();
        if (dtype == DType.FLOAT32) {
            k.avgPool2dBackward(g, countIncludePad, dy.storage().floats(), 0, dx.storage().floats(), 0,
                    Parallel.shared());
        } else {
            k.avgPool2dBackward(g, countIncludePad, dy.storage().doubles(), 0, dx.storage().doubles(), 0,
                    Parallel.shared());
        }
        return dx;
    }

    // ---------------------------------------------------------------- validation

    /** Both operands FLOAT32 or both FLOAT64; returns that dtype. */
    private static DType floating(String op, Tensor a, String aName, Tensor b, String bName) {
        if (!a.dtype().isFloating()) {
            throw TensorException.of(op, "%s must be FLOAT32 or FLOAT64, got %s %s; convert with to(FLOAT32)",
                    aName, a.dtype(), a.shapeRef());
        }
        sameDtype(op, a.dtype(), b, bName);
        return a.dtype();
    }

    private static void sameDtype(String op, DType dtype, Tensor t, String name) {
        if (t.dtype() != dtype) {
            throw TensorException.of(op, "%s has dtype %s %s but the input is %s; both must have the same dtype",
                    name, t.dtype(), t.shapeRef(), dtype);
        }
    }

    private static Conv2dGeometry geometry(String op, int[] in, int[] w, ConvOptions o) {
        if (in.length != 4) {
            throw TensorException.of(op, "input must be 4-D [N, Cin, H, W], got shape %s", in);
        }
        if (w.length != 4) {
            throw TensorException.of(op, "weight must be 4-D [Cout, Cin / groups, kH, kW], got shape %s", w);
        }
        if (o.groups() >= 1 && (long) w[1] * o.groups() != in[1]) {
            throw TensorException.of(op, "weight %s expects %d input channels (%d per group x %d groups),"
                    + " but input %s has %d", w, (long) w[1] * o.groups(), w[1], o.groups(), in, in[1]);
        }
        return Conv2dGeometry.checked(op, in[0], in[1], in[2], in[3], w[0], w[2], w[3], o.strideH(), o.strideW(),
                o.padH(), o.padW(), o.dilationH(), o.dilationW(), o.groups());
    }

    private static void gradOutputShape(String op, Conv2dGeometry g, Tensor gradOutput, int[] in, int[] w) {
        if (!java.util.Arrays.equals(gradOutput.shapeRef(), g.outputShape())) {
            throw TensorException.of(op, "grad output shape %s must equal the output shape %s of input %s"
                    + " and weight %s", gradOutput.shapeRef(), g.outputShape(), in, w);
        }
    }

    private static Pool2dGeometry poolGeometry(String op, int[] in, PoolOptions o) {
        if (in.length != 4) {
            throw TensorException.of(op, "input must be 4-D [N, C, H, W], got shape %s", in);
        }
        return Pool2dGeometry.checked(op, in[0], in[1], in[2], in[3], o.kH(), o.kW(), o.strideH(), o.strideW(),
                o.padH(), o.padW(), o.dilationH(), o.dilationW());
    }

    private static void poolGradShape(String op, Pool2dGeometry g, Tensor gradOutput, int[] in) {
        if (!java.util.Arrays.equals(gradOutput.shapeRef(), g.outputShape())) {
            throw TensorException.of(op, "grad output shape %s must equal the output shape %s of input %s",
                    gradOutput.shapeRef(), g.outputShape(), in);
        }
    }
}
