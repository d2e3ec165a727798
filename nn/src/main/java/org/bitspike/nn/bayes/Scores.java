package org.bitspike.nn.bayes;

import java.util.Arrays;
import org.bitspike.nn.metrics.Calibration;
import org.bitspike.nn.metrics.ReliabilityDiagram;
import org.bitspike.tensor.Tensor;
import org.bitspike.tensor.TensorException;

/**
 * How good predictive probabilities are (digest 5.5): accuracy of the most probable class, mean negative
 * log-likelihood of the label, and the expected calibration error with 10 and 15 equal-width bins (the digest's
 * proposal; the paper's M is unverified), each with its reliability diagram, from the existing {@link Calibration}.
 *
 * @param nll mean {@code -log p(y | x)}; infinite when some label got probability 0 exactly
 */
public record Scores(long count, double accuracy, double nll, ReliabilityDiagram bins10, ReliabilityDiagram bins15) {
    /** ECE with 10 bins. */
    public double ece10() {
        return bins10.ece();
    }

    /** ECE with 15 bins. */
    public double ece15() {
        return bins15.ece();
    }

    /**
     * Scores of {@code probabilities [N, K]} (rows summing to 1) against integer {@code labels [N]} in {@code [0, K)}.
     */
    public static Scores of(Tensor probabilities, Tensor labels) {
        if (probabilities == null || labels == null || probabilities.dim() != 2 || labels.dim() != 1
                || labels.dtype().isFloating() || probabilities.size(0) != labels.size(0) || probabilities.size(0) == 0) {
            throw TensorException.of("Scores.of", "needs probabilities [N, K] and integer labels [N] with N > 0, got %s "
                    + "and %s", probabilities == null ? "null" : Arrays.toString(probabilities.shape()),
                    labels == null ? "null" : labels.dtype() + " " + Arrays.toString(labels.shape()));
        }
        int n = probabilities.size(0);
        int k = probabilities.size(1);
        double[] p = probabilities.toDoubleArray();
        long[] y = labels.to(org.bitspike.tensor.DType.INT64).toLongArray();
        long correct = 0;
        double nll = 0;
        for (int i = 0; i < n; i++) {
            if (y[i] < 0 || y[i] >= k) {
                throw TensorException.of("Scores.of", "label %d at %d is outside [0, %d)", y[i], i, k);
            }
            int best = 0;
            for (int c = 1; c < k; c++) {
                best = p[i * k + c] > p[i * k + best] ? c : best;
            }
            correct += best == y[i] ? 1 : 0;
            nll -= Math.log(p[i * k + (int) y[i]]);
        }
        Calibration ten = new Calibration(10, Calibration.Scores.PROBABILITIES);
        Calibration fifteen = new Calibration(15, Calibration.Scores.PROBABILITIES);
        ten.update(probabilities, labels);
        fifteen.update(probabilities, labels);
        return new Scores(n, (double) correct / n, nll / n, ten.result(), fifteen.result());
    }

    @Override
    public String toString() {
        return String.format("accuracy %.4f, NLL %.4f, ECE10 %.4f, ECE15 %.4f (N = %d)", accuracy, nll, ece10(), ece15(),
                count);
    }
}
