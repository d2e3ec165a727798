package org.bitspike.nn.convert;

import org.bitspike.autograd.GradMode;
import org.bitspike.autograd.Var;
import org.bitspike.nn.Layer;
import org.bitspike.nn.Linear;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;

/** Small FLOAT64 models with chosen weights for the conversion tests. */
final class ConvertFixtures {
    private ConvertFixtures() {
    }

    /** A bias-free FLOAT64 linear layer {@code in -> out} with the given row-major weights {@code [out, in]}. */
    static Linear linear(int in, int out, double... weights) {
        Linear l = new Linear(in, out, false, DType.FLOAT64, RandomKey.of(0));
        l.initWeight(Tensor.of(weights, out, in));
        return l;
    }

    /** A bias-free FLOAT64 linear layer with weights drawn from N(0, scale^2). */
    static Linear randomLinear(int in, int out, double scale, RandomKey key) {
        Linear l = new Linear(in, out, false, DType.FLOAT64, RandomKey.of(0));
        l.initWeight(Tensor.randn(key, DType.FLOAT64, out, in).mul(scale));
        return l;
    }

    /** The model's evaluation forward on {@code x}, without gradients; the model is switched to evaluation. */
    static Tensor ann(Layer model, Tensor x) {
        model.eval();
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            return model.forward(Var.of(x)).value();
        }
    }
}
