package org.bitspike.nn.spiking;

import java.util.Arrays;
import org.bitspike.autograd.Var;
import org.bitspike.nn.Layer;
import org.bitspike.nn.accounting.Countable;
import org.bitspike.nn.accounting.Forward;
import org.bitspike.nn.accounting.OpCounts;
import org.bitspike.nn.accounting.OpKind;
import org.bitspike.tensor.TensorException;

/**
 * A network run for T time steps on a static input (direct encoding, digest section 2.7): each forward forgets
 * every membrane of the network ({@link MembraneLayer#resetStates}), shows it the same image at every step, and
 * sums its logits over the steps, {@code logits = sum_t net(x)[t]} (summed, not averaged, as the digest's
 * formula: the output accumulates over T).
 *
 * <pre>  [N, ...] -> repeat T times, step-major [T*N, ...] -> network -> [T*N, K] -> [T, N, K] -> sum over T -> [N, K]</pre>
 *
 * The network takes the steps folded into its batch: its stateless layers see {@code [T*N, ...]} and its neurons
 * unfold time themselves ({@link FoldedTime}); {@link MultiStepHoyerKinds} builds such zoo networks. The network
 * is a child named {@code "network"}.
 *
 * <p>NOTE: one step is the network itself, with no repeat and no sum: bit for bit the one-step model.
 */
public final class DirectSteps extends Layer implements Countable {
    private final int steps;

    /** Runs {@code network} (which takes {@code [T*N, ...]}) for {@code steps} steps (T >= 1). */
    public DirectSteps(int steps, Layer network) {
        if (steps <= 0) {
            throw new IllegalArgumentException("DirectSteps: T must be at least 1 step, got " + steps);
        }
        this.steps = steps;
        child("network", network);
    }

    /** T. */
    public int steps() {
        return steps;
    }

    /** The network run at every step. */
    public Layer network() {
        return children().get("network");
    }

    @Override
    protected Var compute(Var input) {
        if (input.dim() < 1) {
            throw TensorException.of(describe(), "input must be a batch [N, ...], got a scalar");
        }
        MembraneLayer.resetStates(network());
        if (steps == 1) {
            return network().forward(input);
        }
        Var[] copies = new Var[steps];
        Arrays.fill(copies, input);
        int[] shape = input.shape();
        int[] folded = shape.clone();
        folded[0] = steps * shape[0];
        Var out = network().forward(Var.stack(0, copies).reshape(folded));
        int[] outShape = out.shape();
        if (outShape.length < 1 || outShape[0] != folded[0]) {
            throw TensorException.of(describe(), "the network turned %s into %s: it must keep the batch T*N = %d first",
                    Arrays.toString(folded), Arrays.toString(outShape), folded[0]);
        }
        int[] unfolded = new int[outShape.length + 1];
        unfolded[0] = steps;
        unfolded[1] = shape[0];
        System.arraycopy(outShape, 1, unfolded, 2, outShape.length - 1);
        return out.reshape(unfolded).sum(0, false);
    }

    /** The sum over the steps: {@code (T - 1)} additions per output element. */
    @Override
    public OpCounts cost(Forward forward) {
        return OpCounts.of(OpKind.FLOP, (steps - 1L) * forward.output().numel());
    }

    @Override
    protected String describe() {
        return "DirectSteps(T = " + steps + ", logits summed over steps)";
    }
}
