package org.bitspike.autograd;

import org.bitspike.tensor.Tensor;

/** Matrix products; 1-D operands are reduced to these by {@link Var#matmul}. */
sealed interface MatmulPrimitive extends Primitive {

    /**
     * {@code y = a @ b} for operands of rank 2 or more with broadcasting batch dimensions;
     * {@code da = g @ b^T}, {@code db = a^T @ g} (the engine sums broadcast batch dimensions).
     */
    record Matmul() implements MatmulPrimitive {
        public String name() { return "matmul"; }
        public String inputName(int i) { return i == 0 ? "input" : "other"; }
        public Tensor forward(Tensor[] x, Context ctx) {
            if (ctx.needsInputGrad(0)) {
                ctx.saveInputs(1);
            }
            if (ctx.needsInputGrad(1)) {
                ctx.saveInputs(0);
            }
            return x[0].matmul(x[1]);
        }
        public Var[] backward(Var g, Context ctx) {
            return new Var[] {
                ctx.needsInputGrad(0) ? g.matmul(ctx.input(1).transpose(-1, -2)) : null,
                ctx.needsInputGrad(1) ? ctx.input(0).transpose(-1, -2).matmul(g) : null};
        }
    }
}
