package org.bitspike.nn;

import org.bitspike.autograd.Var;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.TensorException;

/**
 * Group normalisation of {@code [N, C, ...]} inputs (see {@link Functional#groupNorm}), with an
 * optional per-channel affine weight (ones) and bias (zeros) of shape {@code [C]}. It has no running
 * statistics, so training and evaluation agree. With the affine parameters an input must have their
 * dtype (see {@link Layer#to}); without, any floating input is normalised in its own dtype.
 */
public final class GroupNorm extends AffineNorm {
    private final int groups;
    private final int channels;

    /** PyTorch's defaults: eps 1e-5, affine, FLOAT32. */
    public GroupNorm(int groups, int channels) {
        this(groups, channels, 1e-5, true, DType.FLOAT32);
    }

    /**
     * @param groups how many groups the channels are split into; must divide {@code channels}
     * @param channels the size of dimension 1 of the inputs
     * @param eps added to the variance, positive
     * @param affine whether to learn a per-channel weight and bias
     * @param dtype of the parameters (FLOAT32 or FLOAT64)
     */
    public GroupNorm(int groups, int channels, double eps, boolean affine, DType dtype) {
        super(parameterShape(groups, channels, eps, dtype), eps, affine, dtype);
        this.groups = groups;
        this.channels = channels;
    }

    /** {@code [channels]}, once the arguments are checked. */
    private static int[] parameterShape(int groups, int channels, double eps, DType dtype) {
        if (groups <= 0 || channels <= 0 || channels % groups != 0 || !(eps > 0) || Double.isInfinite(eps) || dtype == null
                || !dtype.isFloating()) {
            throw new IllegalArgumentException(String.format("GroupNorm: %d channels must be positive and divisible "
                    + "into %d groups, eps %s positive and finite, dtype %s floating", channels, groups, eps, dtype));
        }
        return new int[] {channels};
    }

    @Override
    protected Var compute(Var x) {
        if (x.dim() < 2 || x.size(1) != channels) {
            throw TensorException.of(describe(), "input of shape %s must be [N, %d, ...]", x.shape(), channels);
        }
        checkAffineInput(x);
        return Functional.groupNorm(x, groups, weight(), bias(), eps);
    }

    @Override
    protected String describe() {
        return "GroupNorm(" + groups + ", " + channels + (affine ? ", affine" : "") + ")";
    }
}
