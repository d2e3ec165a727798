package org.bitspike.nn;

import org.bitspike.autograd.Var;
import org.bitspike.nn.accounting.LayerCosts;
import org.bitspike.tensor.Convolution.PoolOptions;
import org.bitspike.tensor.TensorException;

/**
 * Pooling layers over {@code [N, C, H, W]}. Their operation counts ({@link LayerCosts#pooling}) are FLOPs of the
 * windows; a max pool shrinks the map, and the next layer is counted on the shrunk map it receives.
 */
public final class Pooling {
    private Pooling() {
    }

    /** Max pooling; the gradient goes to each window's first maximum. */
    public static Layer max(PoolOptions options) {
        return new Stateless(Layers.Operation.MAX_POOL, "MaxPool2d(" + describe(options) + ")", x -> x.maxPool2d(options),
                f -> LayerCosts.pooling(f, LayerCosts.Pool.MAX, options), options);
    }

    /**
     * The window of a layer made by {@link #max(PoolOptions)} or {@link #avg(PoolOptions, boolean)} (a
     * borrowed one's: the layer it borrows), for code that rewrites pooling layers.
     *
     * @throws IllegalArgumentException naming the layer when it is not such a pooling layer
     */
    public static PoolOptions options(Layer layer) {
        Layer inner = layer instanceof Borrowed borrowed ? borrowed.borrowed() : layer;
        if (inner instanceof Stateless s && s.pool() != null) {
            return s.pool();
        }
        throw new IllegalArgumentException("Pooling.options: " + layer + " is not a max or average pooling layer");
    }

    /** Max pooling with a square window and stride equal to it. */
    public static Layer max(int kernel) {
        return max(PoolOptions.of(kernel));
    }

    /** Average pooling; padding counts as zeros when {@code countIncludePad}. */
    public static Layer avg(PoolOptions options, boolean countIncludePad) {
        return new Stateless(Layers.Operation.AVERAGE_POOL, "AvgPool2d(" + describe(options) + ")", x -> x.avgPool2d(options, countIncludePad),
                f -> LayerCosts.pooling(f, LayerCosts.Pool.AVERAGE, options), options);
    }

    public static Layer avg(int kernel) {
        return avg(PoolOptions.of(kernel), true);
    }

    /**
     * Adaptive average pooling to {@code outH x outW}: output cell {@code (i, j)} averages rows
     * {@code floor(i H / outH)} to {@code ceil((i + 1) H / outH)} (exclusive) and likewise columns,
     * as PyTorch does. Divisible sizes run as one average pooling.
     */
    public static Layer adaptiveAvg(int outH, int outW) {
        if (outH <= 0 || outW <= 0) {
            throw new IllegalArgumentException("AdaptiveAvgPool2d: output size must be positive, got " + outH + "x" + outW);
        }
        return new Stateless(Layers.Operation.AVERAGE_POOL, "AdaptiveAvgPool2d(" + outH + "x" + outW + ")", x -> adaptiveAvg(x, outH, outW),
                LayerCosts::adaptiveAverage);
    }

    static Var adaptiveAvg(Var x, int outH, int outW) {
        if (x.dim() != 4) {
            throw TensorException.of("adaptiveAvgPool2d", "input must be [N, C, H, W], got %s", x.shape());
        }
        int h = x.size(2);
        int w = x.size(3);
        if (outH == 1 && outW == 1) {
            return x.mean(new int[] {2, 3}, true);
        }
        if (h % outH == 0 && w % outW == 0) {
            PoolOptions even = new PoolOptions(h / outH, w / outW, h / outH, w / outW, 0, 0, 1, 1);
            return x.avgPool2d(even, true);
        }
        Var[] rows = new Var[outH];
        for (int i = 0; i < outH; i++) {
            int r0 = Math.floorDiv(i * h, outH);
            int r1 = -Math.floorDiv(-(i + 1) * h, outH);
            Var[] cells = new Var[outW];
            for (int j = 0; j < outW; j++) {
                int c0 = Math.floorDiv(j * w, outW);
                int c1 = -Math.floorDiv(-(j + 1) * w, outW);
                cells[j] = x.narrow(2, r0, r1 - r0).narrow(3, c0, c1 - c0).mean(new int[] {2, 3}, true);
            }
            rows[i] = Var.cat(3, cells);
        }
        return Var.cat(2, rows);
    }

    private static String describe(PoolOptions o) {
        return o.kH() + "x" + o.kW() + ", stride " + o.strideH() + (o.padH() > 0 ? ", padding " + o.padH() : "");
    }
}
