package org.bitspike.nn.spiking;

import java.util.Arrays;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.bitspike.tensor.TensorException;

/**
 * Turning data into input sequences {@code [T, ...]} for a multi-step network ({@link StepMode#MULTI}). Random
 * encoders take an explicit {@link RandomKey}: the same key gives the same spikes.
 *
 * <ul>
 *   <li>{@link #direct}: the analog value every step (direct encoding: the first layer's current);</li>
 *   <li>{@link #rate}: Bernoulli spikes with probability {@code p} per step (rate coding, the discrete-time
 *       Poisson process);</li>
 *   <li>{@link #latency}: one spike per positive input, earlier for larger values (time to first spike);</li>
 *   <li>{@link #population}: each feature spread over neurons with raised-cosine tuning curves, then rate coded
 *       (BiSNN's two-moons encoding, digest 5.4).</li>
 * </ul>
 */
public final class Encoders {
    private Encoders() {
    }

    /** {@code x} repeated over {@code steps} steps: {@code [T, ...x]}, a copy. */
    public static Tensor direct(Tensor x, int steps) {
        requireSteps("direct", x, steps);
        int[] shape = prepend(steps, x.shape());
        return x.unsqueeze(0).expand(shape).contiguous();
    }

    /**
     * Spikes {@code [T, ...p]} that are 1 with probability {@code p} at every step, independently (rate coding).
     *
     * @param p firing probabilities in [0, 1] (for images: pixel intensities scaled to [0, 1])
     * @throws TensorException naming a value outside [0, 1] or NaN
     */
    public static Tensor rate(Tensor p, int steps, RandomKey key) {
        requireSteps("rate", p, steps);
        requireUnitInterval("rate", p);
        if (key == null) {
            throw new IllegalArgumentException("rate: the random key is null");
        }
        Tensor u = Tensor.rand(key, p.dtype(), prepend(steps, p.shape()));
        return u.lt(p.unsqueeze(0)).to(p.dtype());
    }

    /**
     * One spike per positive input at step {@code round((1 - x) (T - 1))}: {@code x = 1} fires at step 0, smaller
     * values later, {@code x = 0} never (time-to-first-spike coding, linear in the intensity).
     *
     * @param x intensities in [0, 1]
     */
    public static Tensor latency(Tensor x, int steps) {
        requireSteps("latency", x, steps);
        requireUnitInterval("latency", x);
        double[] v = x.toDoubleArray();
        int n = v.length;
        double[] out = new double[steps * n];
        for (int i = 0; i < n; i++) {
            if (v[i] > 0) {
                int t = (int) Math.round((1 - v[i]) * (steps - 1));
                out[t * n + i] = 1;
            }
        }
        return Tensor.of(out, prepend(steps, x.shape())).to(x.dtype());
    }

    /**
     * The firing rates of a population code: each feature {@code x[n, f]} in [0, 1] drives {@code neurons} neurons
     * with centres {@code c_k = k / (neurons - 1)} at rate {@code 0.5 + 0.5 cos(clip(pi (x - c_k) / spacing, -pi,
     * pi))}, so a neuron fires at rate 1 on its centre and 0 from {@code spacing} away. Output {@code [N, F *
     * neurons]}, feature-major.
     *
     * @param spacing the half-width of a tuning curve (BiSNN: the distance between centres, {@code 1 / (neurons - 1)})
     */
    public static Tensor populationRates(Tensor x, int neurons, double spacing) {
        if (x == null || x.dim() != 2 || !x.dtype().isFloating()) {
            throw TensorException.of("populationRates", "input %s must be a floating [N, F] matrix",
                    x == null ? "null" : x.shape());
        }
        if (neurons < 2 || !(spacing > 0) || Double.isInfinite(spacing)) {
            throw new IllegalArgumentException("populationRates: needs at least 2 neurons per feature and a positive "
                    + "finite spacing, got " + neurons + " and " + spacing);
        }
        requireUnitInterval("populationRates", x);
        int rows = x.size(0);
        int features = x.size(1);
        double[] v = x.toDoubleArray();
        double[] out = new double[rows * features * neurons];
        for (int r = 0; r < rows; r++) {
            for (int f = 0; f < features; f++) {
                for (int k = 0; k < neurons; k++) {
                    double centre = (double) k / (neurons - 1);
                    double phase = Math.max(-Math.PI, Math.min(Math.PI, Math.PI * (v[r * features + f] - centre) / spacing));
                    out[(r * features + f) * neurons + k] = 0.5 + 0.5 * Math.cos(phase);
                }
            }
        }
        return Tensor.of(out, rows, features * neurons).to(x.dtype());
    }

    /** {@link #populationRates} with BiSNN's spacing {@code 1 / (neurons - 1)}, rate coded over {@code steps} steps. */
    public static Tensor population(Tensor x, int neurons, int steps, RandomKey key) {
        requireSteps("population", x, steps);
        return rate(populationRates(x, neurons, 1.0 / (neurons - 1)), steps, key);
    }

    private static void requireSteps(String op, Tensor x, int steps) {
        if (x == null) {
            throw new IllegalArgumentException(op + ": the input is null");
        }
        if (steps < 1) {
            throw new IllegalArgumentException(op + ": steps must be at least 1, got " + steps);
        }
        if (!x.dtype().isFloating()) {
            throw TensorException.of(op, "input %s of dtype %s must be FLOAT32 or FLOAT64", x.shape(), x.dtype());
        }
    }

    private static void requireUnitInterval(String op, Tensor x) {
        double[] v = x.toDoubleArray();
        for (int i = 0; i < v.length; i++) {
            if (!(v[i] >= 0 && v[i] <= 1)) {
                throw TensorException.of(op, "input %s must lie in [0, 1] (scale it first), got %s at flat index %d",
                        x.shape(), v[i], i);
            }
        }
    }

    private static int[] prepend(int first, int[] rest) {
        int[] shape = new int[rest.length + 1];
        shape[0] = first;
        System.arraycopy(rest, 0, shape, 1, rest.length);
        return shape;
    }

    /** The shape of one step of a sequence {@code [T, ...]}. */
    static int[] stepShape(int[] sequence) {
        return Arrays.copyOfRange(sequence, 1, sequence.length);
    }
}
