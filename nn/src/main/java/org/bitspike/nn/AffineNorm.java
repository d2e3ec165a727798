package org.bitspike.nn;

import org.bitspike.autograd.Var;
import org.bitspike.nn.accounting.Countable;
import org.bitspike.nn.accounting.Forward;
import org.bitspike.nn.accounting.LayerCosts;
import org.bitspike.nn.accounting.OpCounts;
import org.bitspike.nn.accounting.OpKind;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.Tensor;

/**
 * What {@link LayerNorm} and {@link GroupNorm} share: a normalisation with no running statistics
 * (training and evaluation agree) and an optional affine weight (ones) and bias (zeros) of one
 * shape. With the affine parameters an input must have their dtype (see {@link Layer#to}); without,
 * any floating input is normalised in its own dtype.
 */
abstract class AffineNorm extends Layer implements Countable {
    /** Added to the variance; positive. */
    final double eps;
    /** Whether the layer has a weight and a bias. */
    final boolean affine;

    /**
     * Registers the weight and bias when {@code affine}. The subclass has validated its arguments
     * (in the expression that computes {@code parameterShape}), so that its error names them all.
     *
     * @param parameterShape the shape of the weight and the bias, each dimension positive
     * @param eps added to the variance, positive
     * @param affine whether to learn a weight and a bias
     * @param dtype of the parameters, floating
     */
    AffineNorm(int[] parameterShape, double eps, boolean affine, DType dtype) {
        assert eps > 0 && dtype != null && dtype.isFloating();
        this.eps = eps;
        this.affine = affine;
        if (affine) {
            parameter("weight", Tensor.ones(dtype, parameterShape));
            parameter("bias", Tensor.zeros(dtype, parameterShape));
        }
    }

    /** The weight, or null without affine parameters. */
    public Var weight() {
        return affine ? parameter("weight") : null;
    }

    /** The bias, or null without affine parameters. */
    public Var bias() {
        return affine ? parameter("bias") : null;
    }

    /**
     * FLOPs per element: the mean 1, the variance 3, the normalisation 2 (statistics are computed in every mode),
     * and 2 more (scale and shift) with affine parameters.
     */
    @Override
    public OpCounts cost(Forward forward) {
        return LayerCosts.elementwise(OpKind.FLOP, affine ? 8 : 6, forward.output());
    }

    /** With affine parameters, checks that {@code x} has their dtype (see {@link #checkInputDtype}). */
    final void checkAffineInput(Var x) {
        if (affine) {
            checkInputDtype(x, "weight");
        }
    }
}
