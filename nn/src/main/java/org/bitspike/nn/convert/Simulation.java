package org.bitspike.nn.convert;

import java.util.Arrays;
import java.util.List;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.Tensor;

/**
 * One presentation of a batch to a {@link SpikingNetwork} ({@link SpikingNetwork#simulate}): the output accumulated
 * after every step (the latency curve of the batch) and the spikes every neuron emitted. Tensors handed out are the
 * record's own: do not modify them.
 */
public final class Simulation {
    private final List<String> stages;
    private final Tensor accumulated;
    private final List<Tensor> spikeCounts;

    Simulation(List<String> stages, Tensor accumulated, List<Tensor> spikeCounts) {
        this.stages = List.copyOf(stages);
        this.accumulated = accumulated;
        this.spikeCounts = List.copyOf(spikeCounts);
    }

    /** The number of time steps {@code T}. */
    public int steps() {
        return accumulated.size(0);
    }

    /** The number of images {@code N}. */
    public int batch() {
        return accumulated.size(1);
    }

    /** The summed output currents after every step: {@code [T, N, ...]}, entry {@code t} summing steps {@code 0..t}. */
    public Tensor accumulated() {
        return accumulated;
    }

    /** The summed output current after step {@code t} (0-based): {@code [N, ...]}. */
    public Tensor accumulated(int t) {
        return accumulated.select(0, checkStep(t));
    }

    /**
     * The estimate of the ANN's logits after step {@code t}: the mean output current over steps {@code 0..t},
     * {@code accumulated(t) / (t + 1)}.
     */
    public Tensor logits(int t) {
        return accumulated(t).div(t + 1.0);
    }

    /**
     * The class predicted after step {@code t}, {@code [N]} INT64: the argmax of the accumulated output, the lowest
     * class on a tie (so class 0 while nothing has reached the output).
     */
    public Tensor predictions(int t) {
        Tensor a = accumulated(t);
        if (a.dim() != 2) {
            throw new IllegalArgumentException("Simulation.predictions: the output is " + Arrays.toString(a.shape())
                    + " per step; predictions need [N, classes]");
        }
        return a.argmax(1, false);
    }

    /** The number of correct predictions after every step, for {@code labels} {@code [N]} (integer class indices). */
    public long[] correct(Tensor labels) {
        if (labels == null || labels.dim() != 1 || labels.size(0) != batch()) {
            throw new IllegalArgumentException("Simulation.correct: labels " + (labels == null ? "null"
                    : Arrays.toString(labels.shape())) + " must be [" + batch() + "] class indices");
        }
        long[] y = labels.to(DType.INT64).toLongArray();
        long[] out = new long[steps()];
        for (int t = 0; t < steps(); t++) {
            long[] p = predictions(t).toLongArray();
            for (int i = 0; i < p.length; i++) {
                out[t] += p[i] == y[i] ? 1 : 0;
            }
        }
        return out;
    }

    /** The accuracy after every step, for {@code labels} {@code [N]}. */
    public double[] accuracy(Tensor labels) {
        long[] c = correct(labels);
        double[] out = new double[c.length];
        for (int t = 0; t < c.length; t++) {
            out[t] = (double) c[t] / batch();
        }
        return out;
    }

    /** The names of the spiking stages (their ReLUs' paths in the source). */
    public List<String> stages() {
        return stages;
    }

    /** How many spikes each neuron of spiking stage {@code l} emitted over the {@code T} steps: {@code [N, ...]}. */
    public Tensor spikeCounts(int l) {
        if (l < 0 || l >= spikeCounts.size()) {
            throw new IllegalArgumentException("Simulation.spikeCounts: stage " + l + " is not a spiking stage (0.."
                    + (spikeCounts.size() - 1) + ")");
        }
        return spikeCounts.get(l);
    }

    /** The spikes of spiking stage {@code l} per image over the {@code T} steps, on average. */
    public double spikesPerImage(int l) {
        return spikeCounts(l).sum().itemDouble() / batch();
    }

    /** All spikes per image over the {@code T} steps, on average. */
    public double spikesPerImage() {
        double s = 0;
        for (int l = 0; l < spikeCounts.size(); l++) {
            s += spikesPerImage(l);
        }
        return s;
    }

    private int checkStep(int t) {
        if (t < 0 || t >= steps()) {
            throw new IllegalArgumentException("Simulation: step " + t + " is outside 0.." + (steps() - 1));
        }
        return t;
    }
}
