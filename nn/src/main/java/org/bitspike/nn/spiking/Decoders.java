package org.bitspike.nn.spiking;

import org.bitspike.autograd.Var;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.Tensor;
import org.bitspike.tensor.TensorException;

/**
 * Reading a multi-step network's output sequence {@code [T, N, C]} as one prediction per sample: the firing rate
 * (mean over steps) or the summed membrane potential as logits, differentiable; or the first spike (the earliest
 * step a class fired), for latency-coded readouts.
 */
public final class Decoders {
    private Decoders() {
    }

    /** The mean over the steps (dimension 0): the firing rate of spikes {@code [T, ...]}. */
    public static Var rate(Var spikes) {
        requireSequence("rate", spikes == null ? null : spikes.shape());
        return spikes.mean(0, false);
    }

    /** The sum over the steps (dimension 0): the summed membrane potential of {@code [T, ...]} (or summed spikes). */
    public static Var summed(Var potentials) {
        requireSequence("summed", potentials == null ? null : potentials.shape());
        return potentials.sum(0, false);
    }

    /**
     * The step of the first non-zero entry of each sequence {@code spikes[:, i...]}, or {@code T} where it never fired:
     * INT64 of the shape of one step.
     */
    public static Tensor firstSpike(Tensor spikes) {
        requireSequence("firstSpike", spikes == null ? null : spikes.shape());
        int steps = spikes.size(0);
        double[] v = spikes.toDoubleArray();
        int n = v.length / steps;
        long[] first = new long[n];
        for (int i = 0; i < n; i++) {
            first[i] = steps;
            for (int t = 0; t < steps; t++) {
                if (v[t * n + i] != 0) {
                    first[i] = t;
                    break;
                }
            }
        }
        return Tensor.of(first, Encoders.stepShape(spikes.shape()));
    }

    /**
     * The class of {@code [T, N, C]} spikes that fired first, per sample ({@code [N]}, INT64); ties go to the class
     * that fired more often, then to the lowest index (so a sample where no class fired predicts class 0).
     */
    public static Tensor firstSpikeClass(Tensor spikes) {
        if (spikes == null || spikes.dim() != 3) {
            throw TensorException.of("firstSpikeClass", "spikes %s must be [T, N, C]", spikes == null ? "null" : spikes.shape());
        }
        long[] first = firstSpike(spikes).toLongArray();
        double[] counts = spikes.sum(new int[] {0}, false).to(DType.FLOAT64).toDoubleArray();
        int rows = spikes.size(1);
        int classes = spikes.size(2);
        long[] out = new long[rows];
        for (int r = 0; r < rows; r++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                int i = r * classes + c;
                int b = r * classes + best;
                if (first[i] < first[b] || (first[i] == first[b] && counts[i] > counts[b])) {
                    best = c;
                }
            }
            out[r] = best;
        }
        return Tensor.of(out, rows);
    }

    private static void requireSequence(String op, int[] shape) {
        if (shape == null || shape.length < 2 || shape[0] < 1) {
            throw TensorException.of(op, "input %s must be a sequence [T, N, ...] with T >= 1", shape == null ? "null"
                    : java.util.Arrays.toString(shape));
        }
    }
}
