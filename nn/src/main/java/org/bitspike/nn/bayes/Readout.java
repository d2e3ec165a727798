package org.bitspike.nn.bayes;

import java.util.Arrays;
import org.bitspike.autograd.Var;
import org.bitspike.nn.Functional;
import org.bitspike.nn.Layer;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.bitspike.tensor.TensorException;

/**
 * DECOLLE's fixed random readout of one layer's spikes (digest 5.2): {@code y = c (S B^T + d)} with {@code B
 * [outputs, neurons]} and {@code d [outputs]} drawn once in {+1, -1} ({@code +1} with probability {@code p}) and
 * {@code c = 1 / sqrt(neurons)}. {@code B} and {@code d} are buffers, never trained; the gradient flows through
 * {@code y} to the spikes only.
 */
public final class Readout extends Layer {
    private final int neurons;
    private final int outputs;
    private final double scale;

    /** A readout of {@code neurons} spikes into {@code outputs} scores, drawn from {@code key}. */
    public Readout(int neurons, int outputs, double p, DType dtype, RandomKey key) {
        if (neurons <= 0 || outputs <= 0) {
            throw new IllegalArgumentException("Readout: sizes must be positive, got " + neurons + " -> " + outputs);
        }
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("Readout: the probability of +1 must be in [0, 1], got " + p);
        }
        this.neurons = neurons;
        this.outputs = outputs;
        this.scale = 1 / Math.sqrt(neurons);
        buffer("weight", WeightInit.signs(1, p).draw(key.fold(0), dtype, outputs, neurons));
        buffer("bias", WeightInit.signs(1, p).draw(key.fold(1), dtype, outputs));
    }

    /** {@code B [outputs, neurons]}, +-1. */
    public Tensor weight() {
        return buffer("weight");
    }

    /** {@code d [outputs]}, +-1. */
    public Tensor bias() {
        return buffer("bias");
    }

    /** {@code c = 1 / sqrt(neurons)}. */
    public double scale() {
        return scale;
    }

    @Override
    protected Var compute(Var spikes) {
        if (spikes.dim() != 2 || spikes.size(1) != neurons || spikes.dtype() != weight().dtype()) {
            throw TensorException.of(describe(), "input must be %s [N, %d] spikes, got %s %s", weight().dtype(), neurons,
                    spikes.dtype(), Arrays.toString(spikes.shape()));
        }
        return Functional.linear(spikes, Var.of(weight()), Var.of(bias())).mul(scale);
    }

    @Override
    protected String describe() {
        return "Readout(" + neurons + " -> " + outputs + ", fixed +-1)";
    }
}
