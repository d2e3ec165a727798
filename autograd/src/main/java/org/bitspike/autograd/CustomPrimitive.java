package org.bitspike.autograd;

import org.bitspike.tensor.Tensor;

/** A user's {@link Function}, recorded like a built-in primitive and held to the same contract. */
record CustomPrimitive(Function function) implements Primitive {
    @Override
    public String name() {
        return function.name();
    }

    @Override
    public String inputName(int i) {
        return function.inputName(i);
    }

    @Override
    public Aliasing outputAliasing() {
        return Aliasing.UNKNOWN; // a user's forward may return an input or a tensor it keeps
    }

    @Override
    public Tensor forward(Tensor[] inputs, Context ctx) {
        Tensor out = function.forward(ctx, inputs);
        if (out == null) {
            throw AutogradException.of(name(), "forward returned null");
        }
        return out;
    }

    @Override
    public Var[] backward(Var grad, Context ctx) {
        for (int i = 0; i < ctx.inputCount(); i++) {
            if (ctx.needsInputGrad(i) && function.isNonDifferentiable(i)) {
                throw AutogradException.noGradient(name(), inputName(i), "the function declares it non-differentiable");
            }
        }
        Var[] grads = function.backward(ctx, grad);
        if (grads == null || grads.length != ctx.inputCount()) {
            throw AutogradException.of(name(), "backward returned %s gradients for %d inputs",
                    grads == null ? "null instead of" : String.valueOf(grads.length), ctx.inputCount());
        }
        for (int i = 0; i < grads.length; i++) {
            if (ctx.needsInputGrad(i) && grads[i] == null) {
                throw AutogradException.noGradient(name(), inputName(i), "its backward returned null, and the "
                        + "function does not declare the input non-differentiable");
            }
        }
        return grads;
    }
}
