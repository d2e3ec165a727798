package org.bitspike.nn.metrics;

import org.bitspike.tensor.Tensor;
import org.bitspike.tensor.TensorException;

/**
 * Calibration of confidences over batches: each sample's confidence (its largest softmax
 * probability) falls in one of {@code bins} equal-width bins over {@code [0, 1]}; each bin keeps
 * its sample count, summed confidence and correct predictions. The result is a
 * {@link ReliabilityDiagram}, whose {@link ReliabilityDiagram#ece() expected calibration error} is
 * {@code sum over bins of (count / N) * |accuracy - mean confidence|} (Guo et al., "On Calibration
 * of Modern Neural Networks", ICML 2017).
 *
 * <p>Bins are right-closed as in that paper: bin {@code m} (0-based) holds confidences in
 * {@code (m / bins, (m + 1) / bins]}, the first bin also 0; boundaries are the doubles
 * {@code m / bins}, so FLOAT32 confidences are compared after widening (0.6f lies above 0.6).
 *
 * <pre>{@code
 * Calibration cal = new Calibration(15, Calibration.Scores.LOGITS);
 * cal.update(logits, labels);                  // logits [B, C], labels INT64 [B]
 * ReliabilityDiagram d = cal.result();
 * double ece = d.ece();
 * }</pre>
 */
public final class Calibration implements Metric<ReliabilityDiagram> {
    /** What {@link #update} receives. */
    public enum Scores {
        /** Unnormalised scores; confidences are their softmax (computed in double, shifted by the maximum). */
        LOGITS,
        /**
         * Probabilities: every value in {@code [0, 1]}, each row summing to 1 within
         * {@value #SUM_TOLERANCE} (so FLOAT32 softmax outputs pass).
         */
        PROBABILITIES;

        /** Allowed distance of a probability row's sum from 1. */
        public static final double SUM_TOLERANCE = 1e-3;
    }

    private static final String NAME = "calibration";

    private final Scores kind;
    private final long[] count;
    private final long[] correct;
    private final double[] confidenceSum;

    /** {@code bins >= 1} equal-width bins (15 is common), for scores of the given kind. */
    public Calibration(int bins, Scores kind) {
        if (bins < 1) {
            throw TensorException.of(NAME, "needs at least one bin, got %d", bins);
        }
        this.kind = java.util.Objects.requireNonNull(kind, "kind");
        this.count = new long[bins];
        this.correct = new long[bins];
        this.confidenceSum = new double[bins];
    }

    public int bins() {
        return count.length;
    }

    public Scores kind() {
        return kind;
    }

    /** Adds a batch: {@code scores [B, C]} of this metric's {@link Scores kind}, {@code labels [B]}. */
    @Override
    public void update(Tensor scores, Tensor labels) {
        Batch b = Batch.of(NAME, scores, labels, -1);
        double[] confidence = new double[b.size()];
        for (int i = 0; i < b.size(); i++) {
            confidence[i] = kind == Scores.LOGITS ? softmaxMax(b, i) : checkedMax(b, i, scores);
        }
        for (int i = 0; i < b.size(); i++) { // all rows checked first: a bad batch changes nothing
            int bin = bin(confidence[i], bins());
            count[bin]++;
            confidenceSum[bin] += confidence[i];
            if (b.prediction(i) == b.labels()[i]) {
                correct[bin]++;
            }
        }
    }

    /**
     * The largest softmax probability of row {@code i}: {@code 1 / sum_j exp(s_j - max)}. With
     * {@code +inf} logits the probability is shared among them; {@code -inf} ones get none.
     */
    static double softmaxMax(Batch b, int i) {
        double max = Double.NEGATIVE_INFINITY;
        int infinite = 0;
        for (int c = 0; c < b.classes(); c++) {
            max = Math.max(max, b.score(i, c));
            infinite += b.score(i, c) == Double.POSITIVE_INFINITY ? 1 : 0;
        }
        if (infinite > 0) {
            return 1.0 / infinite;
        }
        if (max == Double.NEGATIVE_INFINITY) { // every logit -inf: softmax is undefined, as 0 / 0
            return 1.0 / b.classes();
        }
        double sum = 0;
        for (int c = 0; c < b.classes(); c++) {
            sum += Math.exp(b.score(i, c) - max);
        }
        return 1.0 / sum;
    }

    private static double checkedMax(Batch b, int i, Tensor scores) {
        double max = 0;
        double sum = 0;
        for (int c = 0; c < b.classes(); c++) {
            double p = b.score(i, c);
            if (p < 0 || p > 1) {
                throw TensorException.of(NAME, "probability scores[%d, %d] = %s is outside [0, 1] (scores of shape %s;"
                        + " use Scores.LOGITS for unnormalised scores)", i, c, p, scores.shape());
            }
            max = Math.max(max, p);
            sum += p;
        }
        if (Math.abs(sum - 1) > Scores.SUM_TOLERANCE) {
            throw TensorException.of(NAME, "probabilities in row %d of scores %s sum to %s, not 1 (within %s;"
                    + " use Scores.LOGITS for unnormalised scores)", i, scores.shape(), sum, Scores.SUM_TOLERANCE);
        }
        return max;
    }

    /** The bin of {@code confidence}: the {@code m} with {@code m / bins < confidence <= (m + 1) / bins}. */
    static int bin(double confidence, int bins) {
        int m = (int) Math.ceil(confidence * bins) - 1;
        m = Math.max(0, Math.min(bins - 1, m));
        // NOTE: confidence * bins rounds; settle against the exact boundaries m / bins
        while (m > 0 && confidence <= (double) m / bins) {
            m--;
        }
        while (m < bins - 1 && confidence > (double) (m + 1) / bins) {
            m++;
        }
        return m;
    }

    @Override
    public ReliabilityDiagram result() {
        java.util.List<ReliabilityDiagram.Bin> bins = new java.util.ArrayList<>();
        for (int m = 0; m < count.length; m++) {
            bins.add(new ReliabilityDiagram.Bin((double) m / count.length, (double) (m + 1) / count.length,
                    count[m], confidenceSum[m] / count[m], (double) correct[m] / count[m]));
        }
        return new ReliabilityDiagram(bins);
    }

    @Override
    public void reset() {
        java.util.Arrays.fill(count, 0);
        java.util.Arrays.fill(correct, 0);
        java.util.Arrays.fill(confidenceSum, 0);
    }
}
