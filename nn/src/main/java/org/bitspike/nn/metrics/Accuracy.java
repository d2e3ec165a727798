package org.bitspike.nn.metrics;

import org.bitspike.tensor.Tensor;
import org.bitspike.tensor.TensorException;

/**
 * Top-k accuracy: the fraction of samples whose label is among the {@code k} highest-scoring
 * classes. Ties are broken as {@link Tensor#argmax} breaks them, by the lower class index: a
 * label's rank is the number of classes with a higher score plus those with an equal score and a
 * lower index, and the sample counts as correct when that rank is below {@code k}. So top-1
 * accuracy is exactly "argmax equals the label".
 *
 * <pre>{@code
 * Accuracy top2 = new Accuracy(2);
 * top2.update(Tensor.of(new float[][] {{0.1f, 0.5f, 0.4f}, {0.6f, 0.1f, 0.3f}}), Tensor.of(new long[] {2, 1}));
 * double a = top2.result();   // 0.5: label 2 ranks second in row 0; label 1 ranks third in row 1
 * }</pre>
 */
public final class Accuracy implements Metric<Double> {
    private final int k;
    private long correct;
    private long count;

    /** Top-1 accuracy. */
    public Accuracy() {
        this(1);
    }

    /** Top-{@code k} accuracy; {@code k >= 1}. */
    public Accuracy(int k) {
        if (k < 1) {
            throw TensorException.of("accuracy", "k must be at least 1, got %d", k);
        }
        this.k = k;
    }

    /** The {@code k} of top-k. */
    public int k() {
        return k;
    }

    /**
     * Adds a batch: {@code scores [B, C]} (logits or probabilities, any floating dtype, with
     * {@code C >= k}) and {@code labels [B]}.
     */
    @Override
    public void update(Tensor scores, Tensor labels) {
        Batch b = Batch.of(name(), scores, labels, -1);
        if (b.classes() < k) {
            throw TensorException.of(name(), "needs at least %d classes, got scores of shape %s", k, scores.shape());
        }
        long hits = 0;
        for (int i = 0; i < b.size(); i++) {
            if (b.labelRank(i) < k) {
                hits++;
            }
        }
        correct += hits;
        count += b.size();
    }

    /** Correct samples over all samples; NaN before the first sample (0 / 0). */
    @Override
    public Double result() {
        return (double) correct / count;
    }

    /** Samples whose label was among the top k. */
    public long correct() {
        return correct;
    }

    /** Samples seen. */
    public long count() {
        return count;
    }

    @Override
    public void reset() {
        correct = 0;
        count = 0;
    }

    private String name() {
        return k == 1 ? "accuracy" : "top-" + k + " accuracy";
    }

    /** For example {@code "top-5 accuracy 0.9120 (912/1000)"}. */
    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%s %.4f (%d/%d)", name(), result(), correct, count);
    }
}
