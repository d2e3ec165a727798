package org.bitspike.nn;

import org.bitspike.autograd.Var;
import org.bitspike.nn.accounting.Countable;
import org.bitspike.nn.accounting.Forward;
import org.bitspike.nn.accounting.LayerCosts;
import org.bitspike.nn.accounting.OpCounts;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;

/**
 * {@code y = x W^T + b} with {@code W [out, in]}. Initialised as PyTorch does: {@code W} and
 * {@code b} uniform in {@code +-1/sqrt(in)}, FLOAT32 unless a dtype is given. An input must have
 * the parameters' dtype (see {@link Layer#to}).
 */
public final class Linear extends Layer implements Countable {
    private final int in;
    private final int out;
    private final boolean hasBias;

    public Linear(int in, int out, boolean bias, RandomKey key) {
        this(in, out, bias, DType.FLOAT32, key);
    }

    /** A linear layer with {@code dtype} (FLOAT32 or FLOAT64) parameters, initialised from the same stream. */
    public Linear(int in, int out, boolean bias, DType dtype, RandomKey key) {
        if (in <= 0 || out <= 0) {
            throw new IllegalArgumentException("Linear: feature counts must be positive, got " + in + " -> " + out);
        }
        this.in = in;
        this.out = out;
        this.hasBias = bias;
        parameter("weight", Init.uniformFanIn(key.fold(0), dtype, in, out, in));
        if (bias) {
            parameter("bias", Init.uniformFanIn(key.fold(1), dtype, in, out));
        }
    }

    public Linear(int in, int out, RandomKey key) {
        this(in, out, true, key);
    }

    public Var weight() {
        return parameter("weight");
    }

    /** The bias, or null. */
    public Var bias() {
        return hasBias ? parameter("bias") : null;
    }

    @Override
    protected Var compute(Var x) {
        checkInputDtype(x, "weight");
        return Functional.linear(x, weight(), bias());
    }

    /** Dense MACs, or one AC per weight whose input fired on spikes; a bias adds a FLOP per output ({@link LayerCosts#linear}). */
    @Override
    public OpCounts cost(Forward forward) {
        return LayerCosts.linear(forward, in, out, hasBias);
    }

    @Override
    protected String describe() {
        return "Linear(" + in + " -> " + out + (hasBias ? ", bias" : "") + ")";
    }

    /** Replaces the weight values (same shape) in place, e.g. for a custom initialisation. */
    public void initWeight(Tensor values) {
        weight().value().copy_(values);
    }
}
