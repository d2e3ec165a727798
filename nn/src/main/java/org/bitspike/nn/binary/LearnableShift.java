package org.bitspike.nn.binary;

import org.bitspike.autograd.Var;
import org.bitspike.nn.Layer;
import org.bitspike.nn.accounting.Countable;
import org.bitspike.nn.accounting.Forward;
import org.bitspike.nn.accounting.OpCounts;
import org.bitspike.nn.accounting.OpKind;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.Tensor;
import org.bitspike.tensor.TensorException;

/**
 * {@code y = x + b_c}, a trained shift per channel (dimension 1), initialised to 0: ReActNet's RSign when it stands
 * before a sign quantizer ({@code sign(x + b_c)}, Liu et al. 2020), the shifts of RPReLU otherwise.
 */
public final class LearnableShift extends Layer implements Countable {
    private final int channels;

    public LearnableShift(int channels) {
        if (channels <= 0) {
            throw new IllegalArgumentException("LearnableShift: channels must be positive, got " + channels);
        }
        this.channels = channels;
        parameter("shift", Tensor.zeros(DType.FLOAT32, channels));
    }

    @Override
    protected Var compute(Var x) {
        return x.add(perChannel(parameter("shift"), x, describe()));
    }

    /** {@code p[C]} shaped to broadcast along dimension 1 of {@code x} ({@code [N, C]} or {@code [N, C, H, W]}). */
    static Var perChannel(Var p, Var x, String layer) {
        int c = p.size(0);
        if (x.dim() < 2 || x.size(1) != c) {
            throw TensorException.of(layer, "input of shape %s must have %d channels in dimension 1", x.shape(), c);
        }
        int[] shape = new int[x.dim()];
        java.util.Arrays.fill(shape, 1);
        shape[1] = c;
        return p.reshape(shape);
    }

    /** One addition per element. */
    @Override
    public OpCounts cost(Forward forward) {
        return OpCounts.of(OpKind.FLOP, forward.output().numel());
    }

    @Override
    protected String describe() {
        return "LearnableShift(" + channels + ")";
    }
}
