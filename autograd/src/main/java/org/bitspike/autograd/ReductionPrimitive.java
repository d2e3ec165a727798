package org.bitspike.autograd;

import org.bitspike.tensor.Tensor;

/**
 * Reductions and normalised exponentials. {@code dims} are normalised (non-negative) by the caller.
 * A reduction's gradient is {@code g} put back over the reduced dimensions ({@link #spread}).
 */
sealed interface ReductionPrimitive extends Primitive {

    /** {@code y = sum of x over dims}; {@code dx = g} broadcast back over {@code dims}. */
    record Sum(int[] dims, boolean keepDim) implements ReductionPrimitive {
        public String name() { return "sum"; }
        public Tensor forward(Tensor[] x, Context ctx) { return x[0].sum(dims, keepDim); }
        public Var[] backward(Var g, Context ctx) { return new Var[] {spread(g, ctx.inputShape(0), dims, keepDim)}; }
    }

    /**
     * {@code y = max (or min) of x over dims}; {@code dx = g * [x == y] / count}, where {@code count}
     * is the number of tied extrema in the reduced slice, so ties share the gradient equally.
     */
    record Extremum(int[] dims, boolean keepDim, boolean max) implements ReductionPrimitive {
        public String name() { return max ? "amax" : "amin"; }
        public Tensor forward(Tensor[] x, Context ctx) {
            ctx.saveInputs(0);
            ctx.saveOutput();
            return max ? x[0].amax(dims, keepDim) : x[0].amin(dims, keepDim);
        }
        public Var[] backward(Var g, Context ctx) {
            Tensor x = ctx.input(0).value();
            int[] shape = ctx.inputShape(0);
            Tensor y = ctx.output().value().reshape(keptShape(shape, dims));
            Tensor hit = x.eq(y).to(g.dtype());
            Tensor share = hit.div(hit.sum(dims, true));
            return new Var[] {spread(g, shape, dims, keepDim).mul(Var.of(share))};
        }
    }

    /**
     * {@code y = ||x||_p over dims} for p = 1 or 2. p = 1: {@code dx = g * sign(x)}; p = 2:
     * {@code dx = g * x / y}, taken as 0 where {@code y = 0} (the minimum-norm subgradient).
     */
    record Norm(int p, int[] dims, boolean keepDim) implements ReductionPrimitive {
        public String name() { return "norm"; }
        public Tensor forward(Tensor[] x, Context ctx) {
            ctx.saveInputs(0);
            if (p == 2) {
                ctx.saveOutput();
            }
            return x[0].norm(p, dims, keepDim);
        }
        public Var[] backward(Var g, Context ctx) {
            Var x = ctx.input(0);
            int[] shape = ctx.inputShape(0);
            Var spread = spread(g, shape, dims, keepDim);
            if (p == 1) {
                return new Var[] {spread.mul(Var.of(x.value().sign()))};
            }
            Var y = ctx.output().reshape(keptShape(shape, dims));
            Var safe = Var.where(y.value().eq(0), Var.of(Tensor.scalar(y.dtype(), 1)), y); // x is 0 there anyway
            return new Var[] {spread.mul(x).div(safe)};
        }
    }

    /**
     * {@code y = product of x over dims}; {@code dx_i = g * (product of the other elements of its
     * slice)}, computed per slice by its number of zeros: none, {@code g * y / x_i}; one, {@code g}
     * times the product of the rest at that zero and 0 elsewhere; several, 0.
     * NOTE: the branches are built so that neither produces 0 * inf or 0 / 0 where the other is
     * chosen (zeros are replaced by 1 before dividing and in the product of the rest), so the
     * gradient of the gradient is finite, and exact wherever a slice has at most one zero; with two
     * or more zeros the first derivative is 0 but the mixed second derivative of two zeros is the
     * product of the others, which this rule reports as 0. As PyTorch's, a slice without zeros
     * divides its product, so where that product underflows to 0 the gradient reads 0 too.
     * NOTE: where the other elements of a slice hold a zero, the product of the others is 0 if they
     * are otherwise finite and NaN ({@code 0 * inf}) if one of them is infinite or NaN; that is taken
     * from counts, not from {@code y / x_i} (which is NaN there): {@code prod([inf, 0, 2])} has the
     * gradient {@code [0, inf, NaN]}, as PyTorch's. Only slices holding an inf or a NaN take this
     * constant (their second derivative is 0 there); finite slices keep the branches above.
     */
    record Prod(int[] dims, boolean keepDim) implements ReductionPrimitive {
        public String name() { return "prod"; }
        public Tensor forward(Tensor[] x, Context ctx) {
            ctx.saveInputs(0);
            ctx.saveOutput();
            return x[0].prod(dims, keepDim);
        }
        public Var[] backward(Var g, Context ctx) {
            Var x = ctx.input(0);
            int[] shape = ctx.inputShape(0);
            Tensor isZero = x.value().eq(0);
            Tensor zeros = isZero.to(x.dtype());
            Tensor zeroCount = zeros.sum(dims, true);
            Tensor singleZero = isZero.logicalAnd(zeroCount.eq(1));
            Var one = Var.of(Tensor.scalar(x.dtype(), 1));
            Var zero = Var.of(Tensor.scalar(x.dtype(), 0));
            Var safe = Var.where(isZero, one, x);
            Var spread = spread(g, shape, dims, keepDim);
            Var y = ctx.output().reshape(keptShape(shape, dims));
            Var atNonzero = spread.mul(y).div(safe);
            Var atZero = Var.where(singleZero, spread.mul(Engine.apply(new Prod(dims, true), safe)), zero);
            Var slope = Var.where(isZero, atZero, atNonzero);
            Tensor nonFinite = x.value().sub(x.value()).ne(Tensor.scalar(x.dtype(), 0)).to(x.dtype());
            if (nonFinite.sum().itemDouble() == 0) {
                return new Var[] {slope}; // all finite, the usual case: the branches above are the whole rule
            }
            // where the others hold a zero: 0, or NaN when they also hold an inf or a NaN (0 * inf)
            // only in slices holding an inf or a NaN: elsewhere the branches above are right, and
            // differentiable (the second derivative of a nonzero element of a one-zero slice is not 0)
            Tensor nonFiniteCount = nonFinite.sum(dims, true);
            Tensor override = zeroCount.sub(zeros).gt(0).logicalAnd(nonFiniteCount.gt(0));
            Tensor nanAmongOthers = nonFiniteCount.sub(nonFinite).gt(0);
            Tensor factor = Tensor.where(nanAmongOthers, Tensor.scalar(x.dtype(), Double.NaN),
                    Tensor.scalar(x.dtype(), 0));
            return new Var[] {Var.where(override, spread.mul(Var.of(factor)), slope)};
        }
    }

    /**
     * {@code y_i = sum of x_j for j <= i} along {@code dim} ({@code j >= i} when {@code reverse});
     * {@code dx} is the cumulative sum of {@code g} the other way.
     */
    record Cumsum(int dim, boolean reverse) implements ReductionPrimitive {
        public String name() { return "cumsum"; }
        public Tensor forward(Tensor[] x, Context ctx) { return x[0].cumsum(dim, reverse); }
        public Var[] backward(Var g, Context ctx) { return new Var[] {Engine.apply(new Cumsum(dim, !reverse), g)}; }
    }

    /** {@code y = softmax(x)} along {@code dim}; {@code dx = y * (g - sum(g * y))}. */
    record Softmax(int dim) implements ReductionPrimitive {
        public String name() { return "softmax"; }
        public Tensor forward(Tensor[] x, Context ctx) { ctx.saveOutput(); return x[0].softmax(dim); }
        public Var[] backward(Var g, Context ctx) {
            Var y = ctx.output();
            return new Var[] {y.mul(g.sub(g.mul(y).sum(dim, true)))};
        }
    }

    /** {@code y = log softmax(x)} along {@code dim}; {@code dx = g - exp(y) * sum(g)}. */
    record LogSoftmax(int dim) implements ReductionPrimitive {
        public String name() { return "logSoftmax"; }
        public Tensor forward(Tensor[] x, Context ctx) { ctx.saveOutput(); return x[0].logSoftmax(dim); }
        public Var[] backward(Var g, Context ctx) {
            return new Var[] {g.sub(ctx.output().exp().mul(g.sum(dim, true)))};
        }
    }

    /** {@code g} of a reduction over {@code dims} broadcast back to {@code shape}. */
    static Var spread(Var g, int[] shape, int[] dims, boolean keepDim) {
        Var kept = keepDim ? g : g.reshape(keptShape(shape, dims));
        return kept.expand(shape);
    }

    /** {@code shape} with the reduced {@code dims} set to 1. */
    static int[] keptShape(int[] shape, int[] dims) {
        int[] kept = shape.clone();
        for (int d : dims) {
            kept[d] = 1;
        }
        return kept;
    }
}
