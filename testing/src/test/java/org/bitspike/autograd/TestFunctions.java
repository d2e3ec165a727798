package org.bitspike.autograd;

import org.bitspike.tensor.Tensor;

/** Test support: small custom {@link Function}s for the op table's custom row and its contract violations. */
final class TestFunctions {
    private TestFunctions() {
    }

    /** softplus(x) = log(1 + e^x), with its derivative sigmoid(x) declared in Var ops (so it is twice differentiable). */
    static final class Softplus extends Function {
        @Override
        protected Tensor forward(Context ctx, Tensor... x) {
            ctx.saveInputs(0);
            return x[0].exp().add(1).log();
        }

        @Override
        protected Var[] backward(Context ctx, Var g) {
            return new Var[] {g.mul(ctx.input(0).sigmoid())};
        }
    }

    /** x * s for a constant scale s, declaring s non-differentiable. */
    static final class Scale extends Function {
        @Override
        public boolean isNonDifferentiable(int i) {
            return i == 1;
        }

        @Override
        protected Tensor forward(Context ctx, Tensor... x) {
            ctx.saveInputs(1);
            return x[0].mul(x[1]);
        }

        @Override
        protected Var[] backward(Context ctx, Var g) {
            return new Var[] {g.mul(ctx.input(1)), null};
        }
    }

    /** A function breaking the contract: two gradients for one input. */
    static final class TwoGradients extends Function {
        @Override
        protected Tensor forward(Context ctx, Tensor... x) {
            return x[0].neg();
        }

        @Override
        protected Var[] backward(Context ctx, Var g) {
            return new Var[] {g.neg(), g};
        }
    }

    /** A function breaking the contract: no output. */
    static final class NoOutput extends Function {
        @Override
        protected Tensor forward(Context ctx, Tensor... x) {
            return null;
        }

        @Override
        protected Var[] backward(Context ctx, Var g) {
            return new Var[] {g};
        }
    }
}
