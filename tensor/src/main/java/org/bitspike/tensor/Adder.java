package org.bitspike.tensor;

import java.util.Arrays;
import org.bitspike.tensor.Convolution.ConvOptions;
import org.bitspike.tensor.kernel.AdderKernels;
import org.bitspike.tensor.kernel.Conv2dGeometry;
import org.bitspike.tensor.kernel.KernelProvider;
import org.bitspike.tensor.kernel.Parallel;

/**
 * Adder (negative-L1) layers of AdderNet (Chen et al., CVPR 2020) on tensors: the convolution
 * {@code y[n, o, oh, ow] = -sum_{c, kh, kw} |x_patch - w[o, c, kh, kw]|} and the fully connected
 * {@code y[n, o] = -sum_k |x[n, k] - w[o, k]|} (its 1x1 case), forward and the two backward passes
 * with the gradient rules of {@link AdderInputGradient} and {@link AdderWeightGradient}. FLOAT32 or
 * FLOAT64; every op validates (a {@link TensorException} names the op, the shapes and the rule),
 * takes inputs of any layout, never modifies them and returns fresh contiguous tensors computed by
 * {@link KernelProvider#get()}'s {@link KernelProvider#adder()} on {@link Parallel#shared()}. The
 * formulas and the rounding order are in {@link AdderKernels}.
 *
 * <p>NOTE: zero padding takes part in the sum as the value 0, as AdderNet's {@code unfold} does: a
 * padded tap adds {@code |0 - w|} to y (so a border output is more negative than an inner one) and
 * {@code dy * h(0 - w)} to the weight gradient; it passes no gradient to the input.
 *
 * <p>The backward passes are not the exact derivatives: for {@code y = conv2d(x, w)} and a loss
 * gradient {@code dy}, {@code conv2dBackwardInput(dy, x, w, HARDTANH, options)} is
 * {@code sum_o dy * clamp(w - x, -1, 1)} over the outputs that read each input, and
 * {@code conv2dBackwardWeight(dy, x, w, FULL_PRECISION, options)} is {@code sum_{n, p} dy * (x - w)},
 * AdderNet's rules; the {@code SIGN} rules are the exact subgradients.
 *
 * {@snippet :
 * Tensor x = Tensor.randn(RandomKey.of(1), 8, 16, 14, 14);
 * Tensor w = Tensor.randn(RandomKey.of(2), 32, 16, 3, 3);
 * Tensor y = Adder.conv2d(x, w, Convolution.ConvOptions.of(1, 1));                   // [8, 32, 14, 14]
 * Tensor dy = Tensor.ones(8, 32, 14, 14);
 * Tensor dx = Adder.conv2dBackwardInput(dy, x, w, AdderInputGradient.HARDTANH, Convolution.ConvOptions.of(1, 1));
 * Tensor dw = Adder.conv2dBackwardWeight(dy, x, w, AdderWeightGradient.FULL_PRECISION, Convolution.ConvOptions.of(1, 1));
 * }
 */
public final class Adder {
    private Adder() {
    }

    // ---------------------------------------------------------------- convolution

    /**
     * Adder convolution {@code y[N, Cout, OH, OW]} of {@code x[N, Cin, H, W]} with
     * {@code weight[Cout, Cin, kH, kW]}; stride, padding and dilation from {@code options} (one group
     * only). Output size as {@link Convolution#conv2d}. Nothing is modified.
     *
     * @throws TensorException if a rank, dtype, channel count, the groups or the output size is invalid
     */
    public static Tensor conv2d(Tensor x, Tensor weight, ConvOptions options) {
        String op = "adderConv2d";
        DType dtype = floating(op, x, "input", weight, "weight");
        Conv2dGeometry g = geometry(op, x.shapeRef(), weight.shapeRef(), options);
        Tensor xc = x.contiguous(), wc = weight.contiguous();
        Tensor y = Tensor.allocate(op, dtype, g.outputShape());
        AdderKernels k = KernelProvider.get().adder();
        if (dtype == DType.FLOAT32) {
            k.adderConv2d(g, xc.storage().floats(), 0, wc.storage().floats(), 0, y.storage().floats(), 0,
                    Parallel.shared());
        } else {
            k.adderConv2d(g, xc.storage().doubles(), 0, wc.storage().doubles(), 0, y.storage().doubles(), 0,
                    Parallel.shared());
        }
        return y;
    }

    /**
     * Input gradient of {@link #conv2d}: {@code dx[N, Cin, H, W]} (the shape of {@code x}) from
     * {@code gradOutput[N, Cout, OH, OW]}, the forward input {@code x} and {@code weight}, with
     * {@code rule} in place of the derivative of {@code -|x - w|}. Nothing is modified.
     */
    public static Tensor conv2dBackwardInput(Tensor gradOutput, Tensor x, Tensor weight, AdderInputGradient rule,
                                             ConvOptions options) {
        String op = "adderConv2dBackwardInput";
        DType dtype = floating(op, x, "input", weight, "weight");
        sameDtype(op, dtype, gradOutput, "grad output");
        requireRule(op, rule, "input gradient rule");
        Conv2dGeometry g = geometry(op, x.shapeRef(), weight.shapeRef(), options);
        gradOutputShape(op, g, gradOutput);
        Tensor dy = gradOutput.contiguous(), xc = x.contiguous(), wc = weight.contiguous();
        Tensor dx = Tensor.allocate(op, dtype, g.inputShape());
        AdderKernels k = KernelProvider.get().adder();
        if (dtype == DType.FLOAT32) {
            k.adderConv2dBackwardInput(g, rule, dy.storage().floats(), 0, xc.storage().floats(), 0,
                    wc.storage().floats(), 0, dx.storage().floats(), 0, Parallel.shared());
        } else {
            k.adderConv2dBackwardInput(g, rule, dy.storage().doubles(), 0, xc.storage().doubles(), 0,
                    wc.storage().doubles(), 0, dx.storage().doubles(), 0, Parallel.shared());
        }
        return dx;
    }

    /**
     * Weight gradient of {@link #conv2d}: {@code dw[Cout, Cin, kH, kW]} (the shape of {@code weight})
     * from {@code gradOutput[N, Cout, OH, OW]}, the forward input {@code x} and {@code weight}, with
     * {@code rule} in place of the derivative of {@code -|x - w|}. Nothing is modified.
     */
    public static Tensor conv2dBackwardWeight(Tensor gradOutput, Tensor x, Tensor weight, AdderWeightGradient rule,
                                              ConvOptions options) {
        String op = "adderConv2dBackwardWeight";
        DType dtype = floating(op, x, "input", weight, "weight");
        sameDtype(op, dtype, gradOutput, "grad output");
        requireRule(op, rule, "weight gradient rule");
        Conv2dGeometry g = geometry(op, x.shapeRef(), weight.shapeRef(), options);
        gradOutputShape(op, g, gradOutput);
        Tensor dy = gradOutput.contiguous(), xc = x.contiguous(), wc = weight.contiguous();
        Tensor dw = Tensor.allocate(op, dtype, g.weightShape());
        AdderKernels k = KernelProvider.get().adder();
        if (dtype == DType.FLOAT32) {
            k.adderConv2dBackwardWeight(g, rule, dy.storage().floats(), 0, xc.storage().floats(), 0,
                    wc.storage().floats(), 0, dw.storage().floats(), 0, Parallel.shared());
        } else {
            k.adderConv2dBackwardWeight(g, rule, dy.storage().doubles(), 0, xc.storage().doubles(), 0,
                    wc.storage().doubles(), 0, dw.storage().doubles(), 0, Parallel.shared());
        }
        return dw;
    }

    // ---------------------------------------------------------------- fully connected

    /**
     * Adder fully connected layer {@code y[N, O] = -sum_k |x[N, k] - weight[O, k]|}: the 1x1 adder
     * convolution. Nothing is modified.
     *
     * @throws TensorException if a rank, dtype or the feature count is invalid
     */
    public static Tensor linear(Tensor x, Tensor weight) {
        String op = "adderLinear";
        DType dtype = floating(op, x, "input", weight, "weight");
        linearShapes(op, x, weight);
        // NOTE: the batch runs as the positions of one [1, K, N, 1] image, so the kernels' vectors
        // span samples (a [N, K, 1, 1] batch would give each vector one position and waste the lanes).
        Tensor y = conv2d(columns(x, dtype), weight.reshape(weight.size(0), weight.size(1), 1, 1), ConvOptions.DEFAULT);
        return y.reshape(weight.size(0), x.size(0)).t().contiguous();
    }

    /** Input gradient of {@link #linear}: {@code dx[N, K]} from {@code gradOutput[N, O]}, {@code x} and {@code weight}. */
    public static Tensor linearBackwardInput(Tensor gradOutput, Tensor x, Tensor weight, AdderInputGradient rule) {
        String op = "adderLinearBackwardInput";
        DType dtype = floating(op, x, "input", weight, "weight");
        sameDtype(op, dtype, gradOutput, "grad output");
        requireRule(op, rule, "input gradient rule");
        linearShapes(op, x, weight);
        linearGradShape(op, gradOutput, x, weight);
        Tensor dx = conv2dBackwardInput(columns(gradOutput, dtype), columns(x, dtype),
                weight.reshape(weight.size(0), weight.size(1), 1, 1), rule, ConvOptions.DEFAULT);
        return dx.reshape(x.size(1), x.size(0)).t().contiguous();
    }

    /** Weight gradient of {@link #linear}: {@code dw[O, K]} from {@code gradOutput[N, O]}, {@code x} and {@code weight}. */
    public static Tensor linearBackwardWeight(Tensor gradOutput, Tensor x, Tensor weight, AdderWeightGradient rule) {
        String op = "adderLinearBackwardWeight";
        DType dtype = floating(op, x, "input", weight, "weight");
        sameDtype(op, dtype, gradOutput, "grad output");
        requireRule(op, rule, "weight gradient rule");
        linearShapes(op, x, weight);
        linearGradShape(op, gradOutput, x, weight);
        Tensor dw = conv2dBackwardWeight(columns(gradOutput, dtype), columns(x, dtype),
                weight.reshape(weight.size(0), weight.size(1), 1, 1), rule, ConvOptions.DEFAULT);
        return dw.reshape(weight.size(0), weight.size(1));
    }

    /** {@code m[N, F]} as the contiguous image {@code [1, F, N, 1]}. */
    private static Tensor columns(Tensor m, DType dtype) {
        assert m.dtype() == dtype;
        return m.t().contiguous().reshape(1, m.size(1), m.size(0), 1);
    }

    // ---------------------------------------------------------------- validation

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

    private static void requireRule(String op, Object rule, String what) {
        if (rule == null) {
            throw TensorException.of(op, "the %s must not be null", what);
        }
    }

    private static Conv2dGeometry geometry(String op, int[] in, int[] w, ConvOptions o) {
        if (o == null) {
            throw TensorException.of(op, "options must not be null (use Convolution.ConvOptions.DEFAULT)");
        }
        if (in.length != 4) {
            throw TensorException.of(op, "input must be 4-D [N, Cin, H, W], got shape %s", in);
        }
        if (w.length != 4) {
            throw TensorException.of(op, "weight must be 4-D [Cout, Cin, kH, kW], got shape %s", w);
        }
        if (o.groups() != 1) {
            throw TensorException.of(op, "groups must be 1 (adder convolutions have no groups), got %d for input %s"
                    + " and weight %s", o.groups(), in, w);
        }
        if (w[1] != in[1]) {
            throw TensorException.of(op, "weight %s expects %d input channels but input %s has %d", w, w[1], in, in[1]);
        }
        return Conv2dGeometry.checked(op, in[0], in[1], in[2], in[3], w[0], w[2], w[3], o.strideH(), o.strideW(),
                o.padH(), o.padW(), o.dilationH(), o.dilationW(), 1);
    }

    private static void gradOutputShape(String op, Conv2dGeometry g, Tensor gradOutput) {
        if (!Arrays.equals(gradOutput.shapeRef(), g.outputShape())) {
            throw TensorException.of(op, "grad output shape %s must equal the output shape %s of input %s"
                    + " and weight %s", gradOutput.shapeRef(), g.outputShape(), g.inputShape(), g.weightShape());
        }
    }

    private static void linearShapes(String op, Tensor x, Tensor w) {
        if (x.dim() != 2) {
            throw TensorException.of(op, "input must be 2-D [N, K], got shape %s", x.shapeRef());
        }
        if (w.dim() != 2) {
            throw TensorException.of(op, "weight must be 2-D [O, K], got shape %s", w.shapeRef());
        }
        if (x.size(1) != w.size(1)) {
            throw TensorException.of(op, "input %s has %d features but weight %s expects %d (inner dimensions"
                    + " must match)", x.shapeRef(), x.size(1), w.shapeRef(), w.size(1));
        }
        if (x.size(0) < 1 || x.size(1) < 1 || w.size(0) < 1) {
            throw TensorException.of(op, "input %s and weight %s must have every size >= 1", x.shapeRef(), w.shapeRef());
        }
    }

    private static void linearGradShape(String op, Tensor gradOutput, Tensor x, Tensor w) {
        int[] want = {x.size(0), w.size(0)};
        if (!Arrays.equals(gradOutput.shapeRef(), want)) {
            throw TensorException.of(op, "grad output shape %s must equal the output shape %s of input %s and"
                    + " weight %s", gradOutput.shapeRef(), want, x.shapeRef(), w.shapeRef());
        }
    }
}
