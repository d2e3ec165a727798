package org.bitspike.nn.spiking;

import java.util.Arrays;
import org.bitspike.autograd.Context;
import org.bitspike.autograd.Function;
import org.bitspike.autograd.Var;
import org.bitspike.nn.Layer;
import org.bitspike.nn.accounting.Countable;
import org.bitspike.nn.accounting.Forward;
import org.bitspike.nn.accounting.LayerCosts;
import org.bitspike.nn.accounting.OpCounts;
import org.bitspike.nn.accounting.OpKind;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.Tensor;
import org.bitspike.tensor.TensorException;

/**
 * The deploy form of {@code BatchNorm -> HoyerSpike} in evaluation (digest section 2.5, last
 * paragraph): a per-channel comparison of the raw convolution / pooling / linear output with float
 * constants, built by {@link Folding#fold}. Channel {@code c} fires iff
 * {@code lower[c] <= x <= upper[c]}, which is one threshold and a direction ({@link #threshold},
 * {@link #direction}):
 * <ul>
 *   <li>gamma_c > 0: {@code upper = +inf}, spike iff {@code x >= lower[c]};</li>
 *   <li>gamma_c < 0: {@code lower = -inf}, spike iff {@code x <= upper[c]};</li>
 *   <li>gamma_c = 0 (the batch norm output is constant): every finite input fires
 *       ({@code [-MAX_VALUE, MAX_VALUE]}: an infinite input gives {@code inf * 0 = NaN} in the
 *       unfolded run, which does not fire) or none does ({@code lower = +inf > upper = -inf});</li>
 *   <li>a NaN input never fires (every comparison with NaN is false), as in the unfolded run.</li>
 * </ul>
 * The bounds are the exact ones of the unfolded float operations (see {@link Folding}), so the
 * spikes are bit for bit those of the unfolded evaluation forward on every input.
 *
 * <p>Input {@code [N, C, ...]} of the folded dtype; output of the same shape and dtype, exactly 0 or
 * 1; nothing is modified. Inference only: {@link #train()} and a forward in training mode raise an
 * error naming the layer, and there is no gradient ("no gradient for foldedThreshold with respect
 * to input"). The bounds are buffers (saved with the model); {@link #to(DType)} to another dtype is
 * refused, as rounding them would break exactness (fold the converted source instead).
 */
public final class FoldedThreshold extends Layer implements Countable {
    /** How a channel decides, read from its bounds ({@link #direction(int)}). */
    public enum Direction {
        /** {@code x >= threshold} (gamma > 0): the upper bound is {@code +inf}. */
        AT_LEAST,
        /** {@code x <= threshold} (gamma < 0): the lower bound is {@code -inf}. */
        AT_MOST,
        /** Every finite input fires, an infinite one does not (gamma = 0 and a firing constant). */
        FINITE,
        /** Every input but NaN fires. */
        ALWAYS,
        /** No input fires. */
        NEVER
    }

    private final String source;
    private final int channels;
    private final DType dtype;

    /**
     * A folded threshold over {@code lower.length} channels; {@code source} names the unfolded
     * layers in messages. Built by {@link Folding}; the arrays are copied.
     */
    FoldedThreshold(String source, DType dtype, double[] lower, double[] upper) {
        if (lower.length == 0 || lower.length != upper.length) {
            throw new IllegalArgumentException("FoldedThreshold(" + source + "): needs one lower and one upper bound per "
                    + "channel, got " + lower.length + " and " + upper.length);
        }
        this.source = source;
        this.channels = lower.length;
        this.dtype = dtype;
        buffer("lower", Tensor.of(lower.clone(), channels).to(dtype));
        buffer("upper", Tensor.of(upper.clone(), channels).to(dtype));
        super.eval();
    }

    /** The number of channels C. */
    public int channels() {
        return channels;
    }

    /** The dtype the bounds are exact for (the dtype of the folded layers). */
    public DType dtype() {
        return dtype;
    }

    /** The unfolded layers this one replaces, by their path in the source model. */
    public String source() {
        return source;
    }

    /** The lower bounds {@code [C]} (a copy): {@code -inf} for a channel with negative gamma. */
    public Tensor lower() {
        return buffer("lower").copy();
    }

    /** The upper bounds {@code [C]} (a copy): {@code +inf} for a channel with positive gamma. */
    public Tensor upper() {
        return buffer("upper").copy();
    }

    /** The rule of channel {@code c} in {@code [0, C)}. */
    public Direction direction(int c) {
        double lo = bound("lower", c);
        double hi = bound("upper", c);
        if (lo > hi) {
            return Direction.NEVER;
        }
        if (lo == Double.NEGATIVE_INFINITY) {
            return hi == Double.POSITIVE_INFINITY ? Direction.ALWAYS : Direction.AT_MOST;
        }
        return hi == Double.POSITIVE_INFINITY ? Direction.AT_LEAST : Direction.FINITE;
    }

    /**
     * The threshold of channel {@code c}: the lower bound for {@link Direction#AT_LEAST}, the upper
     * for {@link Direction#AT_MOST}, NaN for the constant rules.
     */
    public double threshold(int c) {
        return switch (direction(c)) {
            case AT_LEAST -> bound("lower", c);
            case AT_MOST -> bound("upper", c);
            default -> Double.NaN;
        };
    }

    private double bound(String name, int c) {
        if (c < 0 || c >= channels) {
            throw new IndexOutOfBoundsException(describe() + ": channel " + c + " is outside [0, " + channels + ")");
        }
        return buffer(name).toDoubleArray()[c];
    }

    /** Refused: a folded threshold holds evaluation constants and cannot train. */
    @Override
    public Layer train() {
        throw new IllegalStateException(describe() + ": a folded layer is inference-only and cannot train; train the "
                + "source model and fold it again");
    }

    /** Refused for a dtype other than {@link #dtype()}: the bounds are exact only in the dtype they were found in. */
    @Override
    public Layer to(DType target) {
        if (target != dtype) {
            throw new IllegalArgumentException(describe() + ".to: the bounds are exact only in " + dtype + ", got "
                    + target + "; convert the source model and fold it again");
        }
        return this;
    }

    @Override
    protected Var compute(Var input) {
        if (isTraining()) {
            throw new IllegalStateException(describe() + ": forward in training mode; a folded layer is inference-only "
                    + "(its parent was switched to train())");
        }
        if (input.dim() < 2 || input.size(1) != channels) {
            throw TensorException.of(describe(), "input of shape %s must be [N, %d, ...]: rank >= 2 with %d channels in "
                    + "dimension 1", input.shape(), channels, channels);
        }
        if (input.dtype() != dtype) {
            throw TensorException.of(describe(), "input %s of dtype %s does not match the folded %s bounds",
                    input.shape(), input.dtype(), dtype);
        }
        int[] shape = new int[input.dim()];
        Arrays.fill(shape, 1);
        shape[1] = channels;
        return new Compare(buffer("lower").reshape(shape), buffer("upper").reshape(shape)).apply(input);
    }

    /** {@code lower <= x <= upper ? 1 : 0}; not differentiable. */
    private static final class Compare extends Function {
        private final Tensor lower;
        private final Tensor upper;

        Compare(Tensor lower, Tensor upper) {
            this.lower = lower;
            this.upper = upper;
        }

        @Override
        public String name() {
            return "foldedThreshold";
        }

        @Override
        public String inputName(int i) {
            return "input";
        }

        @Override
        public boolean isNonDifferentiable(int i) {
            return true;
        }

        @Override
        protected Tensor forward(Context ctx, Tensor... x) {
            return x[0].ge(lower).logicalAnd(x[0].le(upper)).to(x[0].dtype());
        }

        @Override
        protected Var[] backward(Context ctx, Var grad) {
            return new Var[] {null};
        }
    }

    /** One CMP per neuron: the comparison with the channel's folded threshold. */
    @Override
    public OpCounts cost(Forward forward) {
        return LayerCosts.elementwise(OpKind.CMP, 1, forward.output());
    }

    @Override
    protected String describe() {
        return "FoldedThreshold(" + source + ", " + channels + " channels, " + dtype + ")";
    }
}
