package org.bitspike.autograd;

import org.bitspike.tensor.Tensor;

/**
 * Views and data movement: reshape, permute, expand, slicing, concatenation, gather and scatter.
 * Dimensions are normalised (non-negative) by the caller. Views of the forward stay views; their
 * gradients are views or scatters of {@code g}.
 */
sealed interface ShapePrimitive extends Primitive {

    /** {@code y = x} with a new shape; {@code dx = g} reshaped back. */
    record Reshape(int[] shape) implements ShapePrimitive {
        public String name() { return "reshape"; }
        public Aliasing outputAliasing() { return Aliasing.VIEW_OF_INPUT; }
        public Tensor forward(Tensor[] x, Context ctx) { return x[0].reshape(shape); }
        public Var[] backward(Var g, Context ctx) { return new Var[] {g.reshape(ctx.inputShape(0))}; }
    }

    /** {@code y = x} with dimensions reordered; {@code dx = g} permuted by the inverse order. */
    record Permute(int[] order) implements ShapePrimitive {
        public String name() { return "permute"; }
        public Aliasing outputAliasing() { return Aliasing.VIEW_OF_INPUT; }
        public Tensor forward(Tensor[] x, Context ctx) { return x[0].permute(order); }
        public Var[] backward(Var g, Context ctx) {
            int[] inverse = new int[order.length];
            for (int i = 0; i < order.length; i++) {
                inverse[order[i]] = i;
            }
            return new Var[] {g.permute(inverse)};
        }
    }

    /** {@code y = x} broadcast to {@code shape}; {@code dx = g} (the engine sums over the broadcast). */
    record Expand(int[] shape) implements ShapePrimitive {
        public String name() { return "expand"; }
        public Aliasing outputAliasing() { return Aliasing.VIEW_OF_INPUT; }
        public Tensor forward(Tensor[] x, Context ctx) { return x[0].expand(shape); }
        public Var[] backward(Var g, Context ctx) { return new Var[] {g}; }
    }

    /** {@code y = x[start:end:step]} along {@code dim}; {@code dx} is {@code g} placed back in zeros. */
    record Slice(int dim, int start, int end, int step) implements ShapePrimitive {
        public String name() { return "slice"; }
        public Aliasing outputAliasing() { return Aliasing.VIEW_OF_INPUT; }
        public Tensor forward(Tensor[] x, Context ctx) { return x[0].slice(dim, start, end, step); }
        public Var[] backward(Var g, Context ctx) {
            return new Var[] {Engine.apply(new SliceBackward(ctx.inputShape(0), dim, start, end, step), g)};
        }
    }

    /**
     * {@code y = zeros(shape)} with {@code g} written at {@code [start:end:step]} along {@code dim}:
     * the adjoint of {@link Slice}, whose backward is that slice of {@code gy}.
     */
    record SliceBackward(int[] shape, int dim, int start, int end, int step) implements ShapePrimitive {
        public String name() { return "sliceBackward"; }
        public String inputName(int i) { return "grad output"; }
        public Tensor forward(Tensor[] x, Context ctx) {
            Tensor out = Tensor.zeros(x[0].dtype(), shape);
            out.slice(dim, start, end, step).copy_(x[0]);
            return out;
        }
        public Var[] backward(Var gy, Context ctx) { return new Var[] {gy.slice(dim, start, end, step)}; }
    }

    /** {@code y = cat(x_0, x_1, ...)} along {@code dim}; {@code dx_i} is the matching slice of {@code g}. */
    record Cat(int dim) implements ShapePrimitive {
        public String name() { return "cat"; }
        public String inputName(int i) { return "input " + i; }
        public Tensor forward(Tensor[] x, Context ctx) { return Tensor.cat(dim, x); }
        public Var[] backward(Var g, Context ctx) {
            Var[] grads = new Var[ctx.inputCount()];
            int start = 0;
            for (int i = 0; i < grads.length; i++) {
                int size = ctx.inputShape(i)[dim];
                if (ctx.needsInputGrad(i)) {
                    grads[i] = g.narrow(dim, start, size);
                }
                start += size;
            }
            return grads;
        }
    }

    /**
     * {@code y[..i..] = x[..index[..i..]..]} along {@code dim}; {@code dx = scatterAdd(zeros, index, g)}
     * (repeated indices add up).
     */
    record Gather(int dim, Tensor index) implements ShapePrimitive {
        public String name() { return "gather"; }
        public Tensor forward(Tensor[] x, Context ctx) { return x[0].gather(dim, index); }
        public Var[] backward(Var g, Context ctx) {
            Var zeros = Var.of(Tensor.zeros(ctx.inputDType(0), ctx.inputShape(0)));
            return new Var[] {zeros.scatterAdd(dim, index, g)};
        }
    }

    /**
     * {@code y = base} plus {@code src} added at {@code index} along {@code dim};
     * {@code d base = g}, {@code d src = gather(g, index)} (zero where {@code src} extends past
     * {@code index}, since those elements are not used).
     */
    record ScatterAdd(int dim, Tensor index) implements ShapePrimitive {
        public String name() { return "scatterAdd"; }
        public String inputName(int i) { return i == 0 ? "input" : "src"; }
        public Tensor forward(Tensor[] x, Context ctx) { return x[0].scatterAdd(dim, index, x[1]); }
        public Var[] backward(Var g, Context ctx) {
            Var src = null;
            if (ctx.needsInputGrad(1)) {
                src = g.gather(dim, index);
                int[] srcShape = ctx.inputShape(1);
                for (int d = 0; d < srcShape.length; d++) {
                    if (src.size(d) != srcShape[d]) { // pad with the zero gradient of the unused elements
                        int[] padded = src.shape();
                        padded[d] = srcShape[d];
                        src = Engine.apply(new SliceBackward(padded, d, 0, src.size(d), 1), src);
                    }
                }
            }
            return new Var[] {g, src};
        }
    }
}
