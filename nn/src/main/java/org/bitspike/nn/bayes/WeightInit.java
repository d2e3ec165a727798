package org.bitspike.nn.bayes;

import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;

/**
 * How a {@link TraceLif} draws its initial weights (and bias).
 *
 * <ul>
 *   <li>{@link #signs(double, double)}: {@code +scale} with probability {@code p}, else {@code -scale}: BiSNN's
 *       initialisation (digest 5.2: +-10 for two-moons, +-5 for MNIST-DVS, {@code p} the prior's), which the
 *       latent (ST) or natural (Bayes) parameters then copy;</li>
 *   <li>{@link #uniform(double)}: uniform in {@code [-scale, scale)}, for the full-precision baseline.</li>
 * </ul>
 */
public record WeightInit(Kind kind, double scale, double p) {
    /** The two shapes of initial weights. */
    public enum Kind {
        /** {@code +-scale}, plus with probability {@code p}. */
        SIGNS,
        /** Uniform in {@code [-scale, scale)}. */
        UNIFORM
    }

    public WeightInit {
        if (kind == null) {
            throw new IllegalArgumentException("WeightInit: kind is null");
        }
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("WeightInit: scale must be positive and finite, got " + scale);
        }
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("WeightInit: the probability of +scale must be in [0, 1], got " + p);
        }
    }

    /** {@code +scale} with probability {@code p}, else {@code -scale}. */
    public static WeightInit signs(double scale, double p) {
        return new WeightInit(Kind.SIGNS, scale, p);
    }

    /** Uniform in {@code [-scale, scale)}. */
    public static WeightInit uniform(double scale) {
        return new WeightInit(Kind.UNIFORM, scale, 0.5);
    }

    /** A fresh tensor of {@code shape} drawn from {@code key}. */
    public Tensor draw(RandomKey key, DType dtype, int... shape) {
        Tensor u = Tensor.rand(key, dtype, shape);
        return switch (kind) {
            case SIGNS -> Tensor.where(u.lt(p), Tensor.scalar(dtype, scale), Tensor.scalar(dtype, -scale));
            case UNIFORM -> u.mul(2 * scale).sub(scale);
        };
    }
}
