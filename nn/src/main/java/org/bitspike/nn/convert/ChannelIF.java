package org.bitspike.nn.convert;

import java.util.Arrays;
import org.bitspike.autograd.Var;
import org.bitspike.nn.Layer;
import org.bitspike.nn.accounting.Countable;
import org.bitspike.nn.accounting.Forward;
import org.bitspike.nn.accounting.OpCounts;
import org.bitspike.nn.accounting.OpKind;
import org.bitspike.tensor.Tensor;
import org.bitspike.tensor.TensorException;

/**
 * Integrate-and-fire neurons with reset by subtraction and one threshold per channel (dimension 1 of the input), for
 * binary stages whose XNOR scale moved into the threshold: {@code H = V + X}, {@code S = H >= theta[c]},
 * {@code V = H - theta[c] S}, the step of {@link org.bitspike.nn.spiking.IFNeuron} with a per-channel theta.
 *
 * <p>NOTE: not an {@code IFNeuron} because {@link org.bitspike.nn.spiking.NeuronOptions#threshold()} is one number
 * per layer; the arithmetic is the same three operations in the same order (ConvertBinaryTest compares it with
 * {@code IFNeuron} spike for spike). Inference only: no gradient.
 */
final class ChannelIF extends Layer implements Countable {
    private final double[] thresholds;
    private Tensor potential;
    private Tensor theta;

    ChannelIF(double[] thresholds) {
        this.thresholds = thresholds.clone();
    }

    /** Forgets the membrane potential. */
    void resetState() {
        potential = null;
    }

    @Override
    protected Var compute(Var input) {
        Tensor x = input.value();
        if (x.dim() < 2 || x.size(1) != thresholds.length) {
            throw TensorException.of(describe(), "input %s must be [N, %d, ...]: one threshold per channel",
                    x.shape(), thresholds.length);
        }
        if (theta == null || theta.dtype() != x.dtype() || theta.dim() != x.dim()) {
            int[] shape = new int[x.dim()];
            Arrays.fill(shape, 1);
            shape[1] = thresholds.length;
            theta = Tensor.of(thresholds, shape).to(x.dtype());
        }
        if (potential == null) {
            potential = Tensor.zeros(x.dtype(), x.shape());
        } else if (!Arrays.equals(potential.shape(), x.shape()) || potential.dtype() != x.dtype()) {
            throw TensorException.of(describe(), "the membrane potential is %s %s but this step's input is %s %s (batch "
                    + "changed mid-sequence?); reset the network's state first", potential.dtype(), potential.shape(),
                    x.dtype(), x.shape());
        }
        Tensor h = potential.add(x);
        Tensor s = h.ge(theta).to(x.dtype());
        potential = h.sub(s.mul(theta));
        return Var.of(s);
    }

    /** As {@code IFNeuron}: per neuron and step one comparison and 3 FLOPs (the charge and the reset's multiply-subtract). */
    @Override
    public OpCounts cost(Forward forward) {
        long neurons = forward.output().numel();
        return OpCounts.of(OpKind.CMP, neurons).with(OpKind.FLOP, 3 * neurons);
    }

    /** The thresholds in double precision (a copy). */
    double[] thresholds() {
        return thresholds.clone();
    }

    @Override
    protected String describe() {
        return "ChannelIF(" + thresholds.length + " channels, reset SUBTRACT, thresholds " + Arrays.toString(
                Arrays.copyOf(thresholds, Math.min(4, thresholds.length))).replace("]", thresholds.length > 4 ? ", ...]"
                : "]") + ")";
    }

}
