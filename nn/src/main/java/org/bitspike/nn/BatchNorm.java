package org.bitspike.nn;

import java.util.Arrays;
import org.bitspike.autograd.GradMode;
import org.bitspike.autograd.Var;
import org.bitspike.nn.accounting.Countable;
import org.bitspike.nn.accounting.Forward;
import org.bitspike.nn.accounting.LayerCosts;
import org.bitspike.nn.accounting.OpCounts;
import org.bitspike.nn.accounting.OpKind;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.Normalization.Activation;
import org.bitspike.tensor.Tensor;
import org.bitspike.tensor.TensorException;

/**
 * Batch normalisation over the channel dimension 1 (see {@link Functional#batchNorm}), with an affine
 * weight (ones) and bias (zeros) and running statistics for evaluation. {@link #of1d} takes
 * {@code [N, C]} or {@code [N, C, L]}, {@link #of2d} takes {@code [N, C, H, W]}. Parameters and
 * running statistics are FLOAT32 unless a dtype is given; an input must have their dtype.
 */
public final class BatchNorm extends Layer implements Countable {
    private final int features;
    private final int[] ranks;
    private final double momentum;
    private final double eps;

    private BatchNorm(int features, double momentum, double eps, DType dtype, int... ranks) {
        if (features <= 0 || !(momentum >= 0 && momentum <= 1) || !(eps > 0)) {
            throw new IllegalArgumentException(String.format("BatchNorm: features %d must be positive, momentum %s in "
                    + "[0, 1], eps %s positive", features, momentum, eps));
        }
        if (dtype == null || !dtype.isFloating()) {
            throw new IllegalArgumentException("BatchNorm: dtype must be FLOAT32 or FLOAT64, got " + dtype);
        }
        this.features = features;
        this.ranks = ranks;
        this.momentum = momentum;
        this.eps = eps;
        parameter("weight", Tensor.ones(dtype, features));
        parameter("bias", Tensor.zeros(dtype, features));
        buffer("runningMean", Tensor.zeros(dtype, features));
        buffer("runningVar", Tensor.ones(dtype, features));
        buffer("batchesTracked", Tensor.zeros(DType.INT64));
    }

    /** BatchNorm1d with PyTorch's defaults (momentum 0.1, eps 1e-5). */
    public static BatchNorm of1d(int features) {
        return of1d(features, DType.FLOAT32);
    }

    /** BatchNorm1d with PyTorch's defaults and {@code dtype} (FLOAT32 or FLOAT64) parameters and statistics. */
    public static BatchNorm of1d(int features, DType dtype) {
        return new BatchNorm(features, 0.1, 1e-5, dtype, 2, 3);
    }

    /** BatchNorm2d with PyTorch's defaults (momentum 0.1, eps 1e-5). */
    public static BatchNorm of2d(int features) {
        return of2d(features, DType.FLOAT32);
    }

    /** BatchNorm2d with PyTorch's defaults and {@code dtype} (FLOAT32 or FLOAT64) parameters and statistics. */
    public static BatchNorm of2d(int features, DType dtype) {
        return new BatchNorm(features, 0.1, 1e-5, dtype, 4);
    }

    /** BatchNorm2d with the given momentum and eps. */
    public static BatchNorm of2d(int features, double momentum, double eps) {
        return new BatchNorm(features, momentum, eps, DType.FLOAT32, 4);
    }

    public Var weight() {
        return parameter("weight");
    }

    public Var bias() {
        return parameter("bias");
    }

    public Tensor runningMean() {
        return buffer("runningMean");
    }

    public Tensor runningVar() {
        return buffer("runningVar");
    }

    /** The epsilon added to the variance: evaluation divides by {@code sqrt(runningVar + eps)}. */
    public double eps() {
        return eps;
    }

    @Override
    protected Var compute(Var x) {
        return forward(x, Activation.IDENTITY);
    }

    /**
     * This layer followed by {@code activation}, fused into one op (see
     * {@link Functional#batchNorm(Var, Tensor, Tensor, Var, Var, boolean, double, double, Activation)}):
     * the same values and gradients as applying them one after the other, in fewer passes.
     * {@link Sequential} calls it for a BatchNorm directly followed by {@link Layers#relu()}.
     */
    public Var forward(Var x, Activation activation) {
        if (Arrays.stream(ranks).noneMatch(r -> r == x.dim()) || x.size(1) != features) {
            throw TensorException.of(describe(), "input of shape %s must have rank %s and %d channels in dimension 1",
                    x.shape(), Arrays.toString(ranks), features);
        }
        checkInputDtype(x, "weight");
        if (isTraining()) {
            try (GradMode.Scope scope = GradMode.noGrad()) {
                buffer("batchesTracked").add_(1);
            }
        }
        Var y = Functional.batchNorm(x, runningMean(), runningVar(), weight(), bias(), isTraining(), momentum, eps,
                activation);
        if (activation != Activation.IDENTITY) {
            observed(x, y); // a plain forward is reported by Layer.forward; the fused one by this layer
        }
        return y;
    }

    /**
     * FLOPs per element: 2 in evaluation (one scale and one shift, the statistics folded into them), 6 in training
     * (the batch mean 1, the variance 3, then normalise and shift 2).
     *
     * <p>NOTE: a batch norm followed by a threshold folds into the threshold at inference
     * ({@link org.bitspike.nn.spiking.Folding}) and then costs nothing; counted here is the layer that ran.
     */
    @Override
    public OpCounts cost(Forward forward) {
        return LayerCosts.elementwise(OpKind.FLOP, forward.training() ? 6 : 2, forward.output());
    }

    @Override
    protected String describe() {
        return "BatchNorm" + (ranks[0] == 4 ? "2d" : "1d") + "(" + features + ")";
    }
}
