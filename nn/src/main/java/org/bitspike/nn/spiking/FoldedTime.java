package org.bitspike.nn.spiking;

import java.util.Arrays;
import org.bitspike.autograd.Var;
import org.bitspike.nn.Layer;
import org.bitspike.tensor.TensorException;

/**
 * Runs a multi-step layer ({@link StepMode#MULTI}, {@code [T, N, ...] -> [T, N, ...']}) inside a network whose batch
 * holds the T steps folded into its first dimension, step-major ({@code [T*N, ...]}, row {@code t*N + n}): the
 * inverse of {@link MultiStep}. With it, a zoo architecture runs unchanged over time: every stateless layer
 * (convolution, pooling, batch norm, dropout, linear) sees {@code [T*N, ...]} as one big batch, and only the
 * neurons unfold time ({@link DirectSteps} folds the input).
 *
 * <pre>  [T*N, ...] -> reshape [T, N, ...] -> layer -> [T, N, ...'] -> reshape [T*N, ...']</pre>
 *
 * The wrapped layer is a child named {@code "layer"}.
 */
public final class FoldedTime extends Layer {
    private final int steps;

    /** Wraps {@code layer}, a multi-step layer, for batches of {@code steps} folded steps (T >= 1). */
    public FoldedTime(int steps, Layer layer) {
        if (steps <= 0) {
            throw new IllegalArgumentException("FoldedTime: T must be at least 1 step, got " + steps);
        }
        this.steps = steps;
        child("layer", layer);
    }

    /** T, the number of steps folded into the batch. */
    public int steps() {
        return steps;
    }

    /** The wrapped multi-step layer. */
    public Layer layer() {
        return children().get("layer");
    }

    @Override
    protected Var compute(Var input) {
        int[] shape = input.shape();
        if (shape.length < 1 || shape[0] % steps != 0) {
            throw TensorException.of(describe(), "input %s must be [T*N, ...] with T = %d steps folded into dimension 0 "
                    + "(a multiple of %d)", Arrays.toString(shape), steps, steps);
        }
        int[] unfolded = new int[shape.length + 1];
        unfolded[0] = steps;
        unfolded[1] = shape[0] / steps;
        System.arraycopy(shape, 1, unfolded, 2, shape.length - 1);
        Var out = layer().forward(input.reshape(unfolded));
        int[] outShape = out.shape();
        if (outShape.length < 2 || outShape[0] != steps || outShape[1] != unfolded[1]) {
            throw TensorException.of(describe(), "the wrapped layer turned %s into %s: it must keep [T, N] = [%d, %d] "
                    + "first (a multi-step layer)", Arrays.toString(unfolded), Arrays.toString(outShape), steps,
                    unfolded[1]);
        }
        int[] folded = new int[outShape.length - 1];
        folded[0] = steps * outShape[1];
        System.arraycopy(outShape, 2, folded, 1, outShape.length - 2);
        return out.reshape(folded);
    }

    @Override
    protected String describe() {
        return "FoldedTime(T = " + steps + ", " + layer().getClass().getSimpleName() + ")";
    }
}
