package org.bitspike.nn.binary;

import org.bitspike.autograd.Var;
import org.bitspike.nn.Layer;
import org.bitspike.nn.accounting.Countable;
import org.bitspike.nn.accounting.Forward;
import org.bitspike.nn.accounting.OpCounts;
import org.bitspike.nn.accounting.OpKind;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.Tensor;

/**
 * ReActNet's RPReLU (Liu et al. 2020): {@code y = prelu_c(x - gamma_c) + zeta_c} with a trained slope, input shift
 * and output shift per channel (dimension 1); slopes start at 0.25 (PReLU's default), shifts at 0.
 */
public final class RPReLU extends Layer implements Countable {
    private final int channels;

    public RPReLU(int channels) {
        if (channels <= 0) {
            throw new IllegalArgumentException("RPReLU: channels must be positive, got " + channels);
        }
        this.channels = channels;
        parameter("gamma", Tensor.zeros(DType.FLOAT32, channels));
        parameter("slope", Tensor.full(DType.FLOAT32, 0.25, channels));
        parameter("zeta", Tensor.zeros(DType.FLOAT32, channels));
    }

    @Override
    protected Var compute(Var x) {
        String me = describe();
        Var t = x.sub(LearnableShift.perChannel(parameter("gamma"), x, me));
        Var positive = t.relu();
        Var negative = t.sub(positive); // min(t, 0)
        return positive.add(negative.mul(LearnableShift.perChannel(parameter("slope"), x, me)))
                .add(LearnableShift.perChannel(parameter("zeta"), x, me));
    }

    /** Shift, compare, scale the negative side, shift: four per element. */
    @Override
    public OpCounts cost(Forward forward) {
        return OpCounts.of(OpKind.FLOP, 4 * forward.output().numel());
    }

    @Override
    protected String describe() {
        return "RPReLU(" + channels + ")";
    }
}
