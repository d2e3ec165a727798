package org.bitspike.nn;

import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;

/**
 * Weight initialisation schemes, each drawing from an explicit {@link RandomKey}. Fans follow
 * PyTorch: for a weight of shape {@code [out, in, k...]}, {@code fanIn = in * prod(k)} and
 * {@code fanOut = out * prod(k)}.
 *
 * <p>The schemes without a dtype argument draw FLOAT32. With {@link DType#FLOAT64} the same key
 * draws the same stream in double precision: element {@code i} of a FLOAT64 draw and of a FLOAT32
 * draw come from the same random bits, so they differ only by the FLOAT32 rounding (for
 * {@link #uniform} the FLOAT32 uniform keeps 24 of the 53 bits of the FLOAT64 one).
 */
public final class Init {
    private Init() {
    }

    /** Which fan a Kaiming scheme preserves the variance of. */
    public enum Fan { IN, OUT }

    /** Kaiming (He) uniform: {@code U(-b, b)} with {@code b = gain * sqrt(3 / fan)}, {@code gain = sqrt(2 / (1 + a^2))}. */
    public static Tensor kaimingUniform(RandomKey key, double negativeSlope, Fan fan, int... shape) {
        double bound = gain(negativeSlope) * Math.sqrt(3.0 / fan(shape, fan));
        return uniform(key, -bound, bound, shape);
    }

    /** Kaiming (He) normal: {@code N(0, std^2)} with {@code std = gain / sqrt(fan)}. */
    public static Tensor kaimingNormal(RandomKey key, double negativeSlope, Fan fan, int... shape) {
        return normal(key, 0, gain(negativeSlope) / Math.sqrt(fan(shape, fan)), shape);
    }

    /** Xavier (Glorot) uniform: {@code U(-b, b)} with {@code b = gain * sqrt(6 / (fanIn + fanOut))}. */
    public static Tensor xavierUniform(RandomKey key, double gain, int... shape) {
        double bound = gain * Math.sqrt(6.0 / (fan(shape, Fan.IN) + fan(shape, Fan.OUT)));
        return uniform(key, -bound, bound, shape);
    }

    /** Xavier (Glorot) normal: {@code std = gain * sqrt(2 / (fanIn + fanOut))}. */
    public static Tensor xavierNormal(RandomKey key, double gain, int... shape) {
        return normal(key, 0, gain * Math.sqrt(2.0 / (fan(shape, Fan.IN) + fan(shape, Fan.OUT))), shape);
    }

    /**
     * PyTorch's default for the weights and biases of linear and convolution layers:
     * {@code U(-1/sqrt(fanIn), 1/sqrt(fanIn))}.
     */
    public static Tensor uniformFanIn(RandomKey key, int fanIn, int... shape) {
        return uniformFanIn(key, DType.FLOAT32, fanIn, shape);
    }

    /** {@link #uniformFanIn(RandomKey, int, int...)} of a floating {@code dtype}. */
    public static Tensor uniformFanIn(RandomKey key, DType dtype, int fanIn, int... shape) {
        if (fanIn <= 0) {
            throw new IllegalArgumentException("init: uniformFanIn needs a positive fan-in, got " + fanIn + " for shape "
                    + java.util.Arrays.toString(shape));
        }
        double bound = 1 / Math.sqrt(fanIn);
        return uniform(key, dtype, -bound, bound, shape);
    }

    /** {@code U(low, high)}, FLOAT32. */
    public static Tensor uniform(RandomKey key, double low, double high, int... shape) {
        return uniform(key, DType.FLOAT32, low, high, shape);
    }

    /** {@code U(low, high)} of a floating {@code dtype} (FLOAT32 or FLOAT64). */
    public static Tensor uniform(RandomKey key, DType dtype, double low, double high, int... shape) {
        return Tensor.rand(key, dtype, shape).mul(high - low).add(low);
    }

    /** {@code N(mean, std^2)}, FLOAT32. */
    public static Tensor normal(RandomKey key, double mean, double std, int... shape) {
        return normal(key, DType.FLOAT32, mean, std, shape);
    }

    /** {@code N(mean, std^2)} of a floating {@code dtype} (FLOAT32 or FLOAT64). */
    public static Tensor normal(RandomKey key, DType dtype, double mean, double std, int... shape) {
        return Tensor.randn(key, dtype, shape).mul(std).add(mean);
    }

    /** The fan of a weight shape; at least 2-D ({@code [out, in, ...]}). */
    public static int fan(int[] shape, Fan fan) {
        if (shape.length < 2) {
            throw new IllegalArgumentException("init: fan needs a weight of rank >= 2, got shape "
                    + java.util.Arrays.toString(shape));
        }
        int receptive = 1;
        for (int d = 2; d < shape.length; d++) {
            receptive *= shape[d];
        }
        return (fan == Fan.IN ? shape[1] : shape[0]) * receptive;
    }

    private static double gain(double negativeSlope) {
        return Math.sqrt(2.0 / (1 + negativeSlope * negativeSlope));
    }
}
