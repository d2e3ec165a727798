package org.bitspike.autograd;

import org.bitspike.tensor.Convolution;
import org.bitspike.tensor.Convolution.ConvOptions;
import org.bitspike.tensor.Convolution.PoolOptions;
import org.bitspike.tensor.Tensor;

/**
 * 2-D convolution and pooling, NCHW. Each op's backward is itself a primitive here: convolution and
 * its two adjoints form a closed trio, and each pooling op pairs with its adjoint, so gradients of
 * gradients stay inside the set (and on the fast kernels).
 */
sealed interface ConvolutionPrimitive extends Primitive {

    /**
     * {@code y = conv(x, w) + b}: {@code dx = convBackwardInput(g, w)},
     * {@code dw = convBackwardWeight(x, g)}, {@code db = sum of g over N, H, W}.
     */
    record Conv2d(ConvOptions options) implements ConvolutionPrimitive {
        public String name() { return "conv2d"; }
        public String inputName(int i) { return i == 0 ? "input" : i == 1 ? "weight" : "bias"; }
        public Tensor forward(Tensor[] x, Context ctx) {
            if (ctx.needsInputGrad(0)) {
                ctx.saveInputs(1);
            }
            if (ctx.needsInputGrad(1)) {
                ctx.saveInputs(0);
            }
            return Convolution.conv2d(x[0], x[1], x.length > 2 ? x[2] : null, options);
        }
        public Var[] backward(Var g, Context ctx) {
            Var[] grads = new Var[ctx.inputCount()];
            if (ctx.needsInputGrad(0)) {
                grads[0] = Engine.apply(new Conv2dBackwardInput(options, ctx.inputShape(0)), g, ctx.input(1));
            }
            if (ctx.needsInputGrad(1)) {
                grads[1] = Engine.apply(new Conv2dBackwardWeight(options, ctx.inputShape(1)), ctx.input(0), g);
            }
            if (grads.length > 2 && ctx.needsInputGrad(2)) {
                // NOTE: the fused kernel when the backward is not recorded; the same sum, differentiably, when it is
                grads[2] = GradMode.isEnabled() ? g.sum(new int[] {0, 2, 3}, false)
                        : Var.of(Convolution.conv2dBackwardBias(g.value()));
            }
            return grads;
        }
    }

    /**
     * {@code y = convBackwardInput(g, w)}, the adjoint of convolution in its input. It is bilinear:
     * {@code d g = conv(gy, w)}, {@code d w = convBackwardWeight(gy, g)} for output gradient {@code gy}.
     */
    record Conv2dBackwardInput(ConvOptions options, int[] inputShape) implements ConvolutionPrimitive {
        public String name() { return "conv2dBackwardInput"; }
        public String inputName(int i) { return i == 0 ? "grad output" : "weight"; }
        public Tensor forward(Tensor[] x, Context ctx) {
            ctx.saveInputs(0, 1);
            return Convolution.conv2dBackwardInput(x[0], x[1], inputShape, options);
        }
        public Var[] backward(Var gy, Context ctx) {
            Var g = ctx.input(0);
            Var w = ctx.input(1);
            return new Var[] {
                ctx.needsInputGrad(0) ? Engine.apply(new Conv2d(options), gy, w) : null,
                ctx.needsInputGrad(1) ? Engine.apply(new Conv2dBackwardWeight(options, w.shape()), gy, g) : null};
        }
    }

    /**
     * {@code y = convBackwardWeight(x, g)}, the adjoint of convolution in its weight. Bilinear:
     * {@code d x = convBackwardInput(g, gy)}, {@code d g = conv(x, gy)}.
     */
    record Conv2dBackwardWeight(ConvOptions options, int[] weightShape) implements ConvolutionPrimitive {
        public String name() { return "conv2dBackwardWeight"; }
        public String inputName(int i) { return i == 0 ? "input" : "grad output"; }
        public Tensor forward(Tensor[] x, Context ctx) {
            ctx.saveInputs(0, 1);
            return Convolution.conv2dBackwardWeight(x[0], x[1], weightShape, options);
        }
        public Var[] backward(Var gy, Context ctx) {
            Var x = ctx.input(0);
            Var g = ctx.input(1);
            return new Var[] {
                ctx.needsInputGrad(0) ? Engine.apply(new Conv2dBackwardInput(options, x.shape()), g, gy) : null,
                ctx.needsInputGrad(1) ? Engine.apply(new Conv2d(options), x, gy) : null};
        }
    }

    /**
     * {@code y = max over each window}; {@code dx} is {@code g} added at each window's argmax (the
     * first maximum in scan order on ties).
     */
    record MaxPool2d(PoolOptions options) implements ConvolutionPrimitive {
        public String name() { return "maxPool2d"; }
        public Tensor forward(Tensor[] x, Context ctx) {
            Convolution.MaxPool2d r = Convolution.maxPool2d(x[0], options);
            ctx.keep(r.indices());
            return r.values();
        }
        public Var[] backward(Var g, Context ctx) {
            return new Var[] {Engine.apply(new MaxPool2dBackward(options, ctx.kept(0), ctx.inputShape(0)), g)};
        }
    }

    /** {@code y = g} scattered to the argmax {@code indices}; linear, its adjoint gathers: {@code d g = gy[indices]}. */
    record MaxPool2dBackward(PoolOptions options, Tensor indices, int[] inputShape) implements ConvolutionPrimitive {
        public String name() { return "maxPool2dBackward"; }
        public String inputName(int i) { return "grad output"; }
        public Tensor forward(Tensor[] x, Context ctx) {
            return Convolution.maxPool2dBackward(x[0], indices, inputShape, options);
        }
        public Var[] backward(Var gy, Context ctx) {
            int[] out = indices.shape();
            Tensor flatIndex = indices.reshape(out[0], out[1], out[2] * out[3]);
            Var planes = gy.reshape(inputShape[0], inputShape[1], inputShape[2] * inputShape[3]);
            return new Var[] {planes.gather(2, flatIndex).reshape(out)};
        }
    }

    /** {@code y = mean over each window}; {@code dx = avgPoolBackward(g)}. */
    record AvgPool2d(PoolOptions options, boolean countIncludePad) implements ConvolutionPrimitive {
        public String name() { return "avgPool2d"; }
        public Tensor forward(Tensor[] x, Context ctx) { return Convolution.avgPool2d(x[0], options, countIncludePad); }
        public Var[] backward(Var g, Context ctx) {
            return new Var[] {Engine.apply(new AvgPool2dBackward(options, countIncludePad, ctx.inputShape(0)), g)};
        }
    }

    /** {@code y = g} spread over each window; linear, its adjoint is average pooling: {@code d g = avgPool(gy)}. */
    record AvgPool2dBackward(PoolOptions options, boolean countIncludePad, int[] inputShape) implements ConvolutionPrimitive {
        public String name() { return "avgPool2dBackward"; }
        public String inputName(int i) { return "grad output"; }
        public Tensor forward(Tensor[] x, Context ctx) {
            return Convolution.avgPool2dBackward(x[0], inputShape, options, countIncludePad);
        }
        public Var[] backward(Var gy, Context ctx) { return new Var[] {gy.avgPool2d(options, countIncludePad)}; }
    }
}
