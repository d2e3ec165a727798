package org.bitspike.nn;

import java.util.Arrays;
import org.bitspike.autograd.Var;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.Tensor;

/**
 * Layer normalisation over the trailing {@code normalizedShape} dimensions (see
 * {@link Functional#layerNorm}), with an optional elementwise affine weight (ones) and bias
 * (zeros) of that shape. It has no running statistics, so training and evaluation agree. With the
 * affine parameters an input must have their dtype (see {@link Layer#to}); without, any floating
 * input is normalised in its own dtype.
 */
public final class LayerNorm extends Layer {
    private final int[] normalizedShape;
    private final double eps;
    private final boolean affine;

    /** PyTorch's defaults: eps 1e-5, elementwise affine, FLOAT32. */
    public LayerNorm(int... normalizedShape) {
        this(normalizedShape, 1e-5, true, DType.FLOAT32);
    }

    /**
     * @param normalizedShape the trailing dimensions to normalise over, each positive
     * @param eps added to the variance, positive
     * @param elementwiseAffine whether to learn a weight and a bias of {@code normalizedShape}
     * @param dtype of the parameters (FLOAT32 or FLOAT64), and of the inputs it accepts
     */
    public LayerNorm(int[] normalizedShape, double eps, boolean elementwiseAffine, DType dtype) {
        if (normalizedShape == null || normalizedShape.length == 0 || Arrays.stream(normalizedShape).anyMatch(d -> d <= 0)
                || !(eps > 0) || dtype == null || !dtype.isFloating()) {
            throw new IllegalArgumentException(String.format("LayerNorm: normalized shape %s must be non-empty and "
                    + "positive, eps %s positive, dtype %s floating", normalizedShape == null ? "null"
                    : Arrays.toString(normalizedShape), eps, dtype));
        }
        this.normalizedShape = normalizedShape.clone();
        this.eps = eps;
        this.affine = elementwiseAffine;
        if (affine) {
            parameter("weight", Tensor.ones(dtype, normalizedShape));
            parameter("bias", Tensor.zeros(dtype, normalizedShape));
        }
    }

    /** The weight, or null without elementwise affine. */
    public Var weight() {
        return affine ? parameter("weight") : null;
    }

    /** The bias, or null without elementwise affine. */
    public Var bias() {
        return affine ? parameter("bias") : null;
    }

    @Override
    public Var forward(Var x) {
        if (affine) {
            checkInputDtype(x, "weight");
        }
        return Functional.layerNorm(x, normalizedShape, weight(), bias(), eps);
    }

    @Override
    protected String describe() {
        return "LayerNorm(" + Arrays.toString(normalizedShape) + (affine ? ", affine" : "") + ")";
    }
}
