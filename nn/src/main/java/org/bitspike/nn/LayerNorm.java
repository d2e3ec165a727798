package org.bitspike.nn;

import java.util.Arrays;
import org.bitspike.autograd.Var;
import org.bitspike.tensor.DType;

/**
 * Layer normalisation over the trailing {@code normalizedShape} dimensions (see
 * {@link Functional#layerNorm}), with an optional elementwise affine weight (ones) and bias
 * (zeros) of that shape. It has no running statistics, so training and evaluation agree. With the
 * affine parameters an input must have their dtype (see {@link Layer#to}); without, any floating
 * input is normalised in its own dtype.
 */
public final class LayerNorm extends AffineNorm {
    private final int[] normalizedShape;

    /** PyTorch's defaults: eps 1e-5, elementwise affine, FLOAT32. */
    public LayerNorm(int... normalizedShape) {
        this(normalizedShape, 1e-5, true, DType.FLOAT32);
    }

    /**
     * @param normalizedShape the trailing dimensions to normalise over, each positive
     * @param eps added to the variance, positive
     * @param elementwiseAffine whether to learn a weight and a bias of {@code normalizedShape}
     * @param dtype of the weight and bias (FLOAT32 or FLOAT64); with {@code elementwiseAffine} an
     *     input must have this dtype (else {@link #forward} refuses it by name), without it any floating
     *     input is normalised in its own dtype. {@link #to(DType)} changes it later.
     */
    public LayerNorm(int[] normalizedShape, double eps, boolean elementwiseAffine, DType dtype) {
        super(parameterShape(normalizedShape, eps, dtype), eps, elementwiseAffine, dtype);
        this.normalizedShape = normalizedShape.clone();
    }

    /** {@code normalizedShape}, once the arguments are checked. */
    private static int[] parameterShape(int[] normalizedShape, double eps, DType dtype) {
        if (normalizedShape == null || normalizedShape.length == 0 || Arrays.stream(normalizedShape).anyMatch(d -> d <= 0)
                || !(eps > 0) || Double.isInfinite(eps) || dtype == null || !dtype.isFloating()) {
            throw new IllegalArgumentException(String.format("LayerNorm: normalized shape %s must be non-empty and "
                    + "positive, eps %s positive and finite, dtype %s floating", normalizedShape == null ? "null"
                    : Arrays.toString(normalizedShape), eps, dtype));
        }
        return normalizedShape;
    }

    @Override
    protected Var compute(Var x) {
        checkAffineInput(x);
        return Functional.layerNorm(x, normalizedShape, weight(), bias(), eps);
    }

    @Override
    protected String describe() {
        return "LayerNorm(" + Arrays.toString(normalizedShape) + (affine ? ", affine" : "") + ")";
    }
}
