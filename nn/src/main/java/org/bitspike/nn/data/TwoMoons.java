package org.bitspike.nn.data;

import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.bitspike.tensor.TensorException;

/**
 * The two interleaving half circles of scikit-learn's {@code make_moons}, min-max scaled to the unit square (BiSNN's
 * toy task, digest 5.4: 200 points, noise 0.1). As {@code make_moons(n, shuffle=True, noise)}: {@code n / 2} (rounded
 * down) points of the outer moon {@code (cos a, sin a)}, label 0, and the rest on the inner moon {@code (1 - cos a,
 * 0.5 - sin a)}, label 1, {@code a} evenly spaced on {@code [0, pi]}; shuffled; Gaussian noise of standard deviation
 * {@code noise} added to both coordinates. Then each coordinate is mapped by {@code (x - min) / (max - min)} to
 * {@code [0, 1]}, as BiSNN's data code does. The random numbers come from a {@link RandomKey}, not NumPy's stream,
 * so the points are not sklearn's for the same seed; the distribution is.
 *
 * @param points {@code [N, 2]} FLOAT64 in {@code [0, 1]}
 * @param labels {@code [N]} INT64, 0 (outer moon) or 1 (inner moon)
 */
public record TwoMoons(Tensor points, Tensor labels) {
    /** {@code samples >= 2} points with Gaussian noise {@code noise >= 0}, permutation from {@code key.fold(1)}, noise from {@code key.fold(0)}. */
    public static TwoMoons generate(int samples, double noise, RandomKey key) {
        if (samples < 2) {
            throw TensorException.of("TwoMoons.generate", "needs at least 2 samples (one per moon), got %d", samples);
        }
        if (!(noise >= 0) || Double.isInfinite(noise)) {
            throw TensorException.of("TwoMoons.generate", "noise must be a finite standard deviation >= 0, got %s", noise);
        }
        if (key == null) {
            throw new IllegalArgumentException("TwoMoons.generate: the random key is null");
        }
        int outer = samples / 2;
        int inner = samples - outer;
        double[] x = new double[2 * samples];
        long[] y = new long[samples];
        for (int i = 0; i < outer; i++) {
            double a = outer == 1 ? 0 : Math.PI * i / (outer - 1);
            x[2 * i] = Math.cos(a);
            x[2 * i + 1] = Math.sin(a);
        }
        for (int i = 0; i < inner; i++) {
            double a = inner == 1 ? 0 : Math.PI * i / (inner - 1);
            x[2 * (outer + i)] = 1 - Math.cos(a);
            x[2 * (outer + i) + 1] = 1 - Math.sin(a) - 0.5;
            y[outer + i] = 1;
        }
        int[] order = key.fold(1).permutation(samples);
        double[] shuffled = new double[2 * samples];
        long[] labels = new long[samples];
        RandomKey noiseKey = key.fold(0);
        for (int i = 0; i < samples; i++) {
            shuffled[2 * i] = x[2 * order[i]] + noise * noiseKey.normal(2L * i);
            shuffled[2 * i + 1] = x[2 * order[i] + 1] + noise * noiseKey.normal(2L * i + 1);
            labels[i] = y[order[i]];
        }
        for (int c = 0; c < 2; c++) {
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < samples; i++) {
                min = Math.min(min, shuffled[2 * i + c]);
                max = Math.max(max, shuffled[2 * i + c]);
            }
            double range = max - min;
            for (int i = 0; i < samples; i++) {
                // NOTE: clamp, because (x - min) / range can round a hair above 1 at the maximum
                shuffled[2 * i + c] = range == 0 ? 0 : Math.min(1, (shuffled[2 * i + c] - min) / range);
            }
        }
        return new TwoMoons(Tensor.of(shuffled, samples, 2), Tensor.of(labels, samples));
    }

    /** BiSNN's training set: 200 points, noise 0.1. */
    public static TwoMoons bisnn(RandomKey key) {
        return generate(200, 0.1, key);
    }

    /**
     * The {@code side x side} grid over the unit square for decision and uncertainty maps (BiSNN: 100 x 100): {@code
     * [side * side, 2]} FLOAT64, row {@code i * side + j} is the point {@code (j / (side - 1), i / (side - 1))} (x
     * varies fastest).
     */
    public static Tensor grid(int side) {
        if (side < 2) {
            throw TensorException.of("TwoMoons.grid", "needs at least 2 points per side, got %d", side);
        }
        double[] g = new double[2 * side * side];
        for (int i = 0; i < side; i++) {
            for (int j = 0; j < side; j++) {
                g[2 * (i * side + j)] = (double) j / (side - 1);
                g[2 * (i * side + j) + 1] = (double) i / (side - 1);
            }
        }
        return Tensor.of(g, side * side, 2);
    }

    public int size() {
        return labels.size(0);
    }

    /** The points in FLOAT32 (as a FLOAT32 network reads them). */
    public Tensor points(DType dtype) {
        return points.to(dtype);
    }
}
