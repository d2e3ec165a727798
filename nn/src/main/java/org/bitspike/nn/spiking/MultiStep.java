package org.bitspike.nn.spiking;

import java.util.Arrays;
import org.bitspike.autograd.Var;
import org.bitspike.nn.Layer;
import org.bitspike.tensor.TensorException;

/**
 * Applies a stateless layer (linear, convolution, batch norm, pooling, flatten) to every time step of a
 * {@code [T, N, ...]} sequence at once, by folding time into the batch (SpikingJelly's
 * {@code SeqToANNContainer}):
 *
 * <pre>  [T, N, ...] -> reshape [T*N, ...] -> layer -> [T*N, ...'] -> reshape [T, N, ...']</pre>
 *
 * One big call instead of {@code T} small ones, so the kernels see a larger batch. The wrapped layer is a
 * child named {@code "layer"}, so parameter names gain the prefix {@code layer.}.
 *
 * <p>NOTE: each step's values equal the layer applied to that step alone (every layer here treats batch rows
 * independently) except batch norm in training mode, whose statistics are then taken over all {@code T*N}
 * samples, as SpikingJelly does. The layer's parameter gradients are sums over {@code T*N} rows in one
 * reduction rather than {@code T} reductions added up, so they agree with stepping one step at a time only
 * up to rounding (NeuronStepModeTest measures how closely).
 */
public final class MultiStep extends Layer {
    public MultiStep(Layer layer) {
        child("layer", layer);
    }

    /** The wrapped layer. */
    public Layer layer() {
        return children().get("layer");
    }

    @Override
    protected Var compute(Var input) {
        if (input.dim() < 2) {
            throw TensorException.of(describe(), "input must be [T, N, ...] (rank >= 2), got %s of rank %d",
                    Arrays.toString(input.shape()), input.dim());
        }
        int time = input.size(0);
        int batch = input.size(1);
        if (time == 0) {
            throw TensorException.of(describe(), "input %s has T = 0 time steps; at least one is needed",
                    Arrays.toString(input.shape()));
        }
        int[] shape = input.shape();
        int[] folded = new int[shape.length - 1];
        folded[0] = time * batch;
        System.arraycopy(shape, 2, folded, 1, shape.length - 2);
        Var out = layer().forward(input.reshape(folded));
        int[] outShape = out.shape();
        if (outShape.length < 1 || outShape[0] != time * batch) {
            throw TensorException.of(describe(), "the wrapped layer turned %s into %s: it must keep the batch dimension "
                    + "T*N = %d first", Arrays.toString(folded), Arrays.toString(outShape), time * batch);
        }
        int[] unfolded = new int[outShape.length + 1];
        unfolded[0] = time;
        unfolded[1] = batch;
        System.arraycopy(outShape, 1, unfolded, 2, outShape.length - 1);
        return out.reshape(unfolded);
    }

    @Override
    protected String describe() {
        return "MultiStep(" + layer().getClass().getSimpleName() + ")";
    }
}
