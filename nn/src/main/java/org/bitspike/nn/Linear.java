package org.bitspike.nn;

import org.bitspike.autograd.Var;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;

/**
 * {@code y = x W^T + b} with {@code W [out, in]}. Initialised as PyTorch does: {@code W} and
 * {@code b} uniform in {@code +-1/sqrt(in)}.
 */
public final class Linear extends Layer {
    private final int in;
    private final int out;
    private final Var weight;
    private final Var bias;

    public Linear(int in, int out, boolean bias, RandomKey key) {
        if (in <= 0 || out <= 0) {
            throw new IllegalArgumentException("Linear: feature counts must be positive, got " + in + " -> " + out);
        }
        this.in = in;
        this.out = out;
        this.weight = parameter("weight", Init.uniformFanIn(key.fold(0), in, out, in));
        this.bias = bias ? parameter("bias", Init.uniformFanIn(key.fold(1), in, out)) : null;
    }

    public Linear(int in, int out, RandomKey key) {
        this(in, out, true, key);
    }

    public Var weight() {
        return weight;
    }

    /** The bias, or null. */
    public Var bias() {
        return bias;
    }

    @Override
    public Var forward(Var x) {
        return Functional.linear(x, weight, bias);
    }

    @Override
    protected String describe() {
        return "Linear(" + in + " -> " + out + (bias != null ? ", bias" : "") + ")";
    }

    /** Replaces the weight values (same shape) in place, e.g. for a custom initialisation. */
    public void initWeight(Tensor values) {
        weight.value().copy_(values);
    }
}
