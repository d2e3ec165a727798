package org.bitspike.nn.spiking;

import java.util.Objects;
import org.bitspike.autograd.Var;
import org.bitspike.tensor.Tensor;
import org.bitspike.tensor.TensorException;

/**
 * The Hoyer measures of sparsity over any set of dimensions (the papers' digest, section 1.1):
 * the squared Hoyer ratio {@code H(x) = ||x||_1^2 / ||x||_2^2} (between 1 and the number of
 * non-zeros, scale invariant) and the Hoyer extremum {@code Ext(x) = ||x||_2^2 / ||x||_1}, the
 * magnitude gradient descent on H pushes entries away from: those below shrink, those above grow.
 *
 * <p>A slice that is all zeros has no Hoyer measure (0/0). {@link #ratio} gives it 0 with gradient
 * 0, so a layer that never fires adds nothing to a regulariser rather than a NaN; {@link #extremum}
 * gives the value the caller names ({@link HoyerSpike} uses 1.0, the authors' guard).
 */
public final class Hoyer {
    private Hoyer() {
    }

    /**
     * {@code sum(x^2) / sum(|x|)} over {@code dims} ({@code whenZero} where {@code sum(|x|)} is 0).
     * No dims reduces over every dimension; with {@code keepDim} the reduced dimensions stay as size 1.
     */
    public static Tensor extremum(Tensor x, double whenZero, boolean keepDim, int... dims) {
        Objects.requireNonNull(x, "hoyerExtremum: input is null");
        checkFloating("hoyerExtremum", x.dtype().isFloating(), x);
        int[] d = dims.length == 0 ? all(x.dim()) : checkDims("hoyerExtremum", x, dims);
        Tensor l1 = x.abs().sum(d, keepDim);
        Tensor l2 = x.square().sum(d, keepDim);
        Tensor zero = l1.eq(0);
        return Tensor.where(zero, Tensor.scalar(x.dtype(), whenZero), l2.div(Tensor.where(zero, Tensor.scalar(x.dtype(), 1), l1)));
    }

    /**
     * The squared Hoyer ratio {@code sum(|x|)^2 / sum(x^2)} over {@code dims} (every dimension when none),
     * differentiable: {@code dH/dx_i = 2 ||x||_1 / ||x||_2^2 (sign(x_i) - x_i / Ext(x))}. An all-zero
     * slice gives 0 with gradient 0.
     */
    public static Var ratio(Var x, boolean keepDim, int... dims) {
        Objects.requireNonNull(x, "hoyerRatio: input is null");
        checkFloating("hoyerRatio", x.dtype().isFloating(), x.value());
        int[] d = dims.length == 0 ? all(x.dim()) : checkDims("hoyerRatio", x.value(), dims);
        Var l1 = x.abs().sum(d, keepDim);
        Var l2 = x.square().sum(d, keepDim);
        Tensor zero = l2.value().eq(0);
        Var safe = Var.where(zero, Var.of(Tensor.scalar(x.dtype(), 1)), l2);
        return l1.square().div(safe);
    }

    /** {@link #ratio(Var, boolean, int...)} of a tensor, without gradient. */
    public static Tensor ratio(Tensor x, boolean keepDim, int... dims) {
        return ratio(Var.of(x), keepDim, dims).value();
    }

    private static int[] all(int rank) {
        int[] d = new int[rank];
        for (int i = 0; i < rank; i++) {
            d[i] = i;
        }
        return d;
    }

    /** {@code dims}, each in {@code [-rank, rank)} of x (an error naming the op, the dim and x's shape otherwise). */
    private static int[] checkDims(String op, Tensor x, int[] dims) {
        int rank = x.dim();
        for (int d : dims) {
            if (rank > 0 && (d < -rank || d >= rank)) {
                throw TensorException.of(op, "dim %d out of range for input %s (valid: %d..%d)", d, x.shape(), -rank,
                        rank - 1);
            }
        }
        return dims;
    }

    private static void checkFloating(String op, boolean floating, Tensor x) {
        if (!floating) {
            throw TensorException.of(op, "input %s of dtype %s is not floating point", x.shape(), x.dtype());
        }
    }
}
