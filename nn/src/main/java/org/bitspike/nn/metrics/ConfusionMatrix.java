package org.bitspike.nn.metrics;

import java.util.ArrayList;
import java.util.List;

import org.bitspike.tensor.Tensor;
import org.bitspike.tensor.TensorException;

/**
 * Counts of (actual class, predicted class) pairs over batches; the prediction is the
 * highest-scoring class (the lowest index on ties). {@link #result()} is an immutable
 * {@link Confusion} with per-class precision and recall and a printable table.
 *
 * <pre>{@code
 * ConfusionMatrix cm = new ConfusionMatrix(List.of("cat", "dog"));
 * cm.update(logits, labels);                  // logits [B, 2], labels INT64 [B]
 * Confusion c = cm.result();
 * double dogRecall = c.recall(1);
 * System.out.println(c);                      // rows: actual, columns: predicted
 * }</pre>
 */
public final class ConfusionMatrix implements Metric<Confusion> {
    private static final String NAME = "confusion matrix";

    private final List<String> classNames;
    private final long[][] counts;

    /** A matrix for {@code classes} classes, named {@code "0"}, {@code "1"}, ... in its table. */
    public ConfusionMatrix(int classes) {
        this(numbered(classes));
    }

    /** A matrix for one class per name (the names label the printed table). */
    public ConfusionMatrix(List<String> classNames) {
        if (classNames.isEmpty()) {
            throw TensorException.of(NAME, "needs at least one class");
        }
        this.classNames = List.copyOf(classNames);
        int c = classNames.size();
        this.counts = new long[c][c];
    }

    private static List<String> numbered(int classes) {
        if (classes < 1) {
            throw TensorException.of(NAME, "needs at least one class, got %d", classes);
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < classes; i++) {
            names.add(Integer.toString(i));
        }
        return names;
    }

    /** The number of classes. */
    public int classes() {
        return counts.length;
    }

    /** Adds a batch of {@code scores [B, C]} ({@code C} = {@link #classes()}) and {@code labels [B]}. */
    @Override
    public void update(Tensor scores, Tensor labels) {
        Batch b = Batch.of(NAME, scores, labels, classes());
        for (int i = 0; i < b.size(); i++) {
            counts[(int) b.labels()[i]][b.prediction(i)]++;
        }
    }

    /**
     * Adds a batch of already predicted classes: {@code predicted [B]} and {@code labels [B]}, both
     * INT64 (or INT32) in {@code [0, classes)}. Neither is modified.
     */
    public void updatePredictions(Tensor predicted, Tensor labels) {
        if (predicted.dim() != 1) {
            throw TensorException.of(NAME, "predictions must have shape [B], got %s", predicted.shape());
        }
        long[] p = Batch.classIndices(NAME, "predictions", predicted, predicted.shape(), classes());
        long[] y = Batch.classIndices(NAME, "labels", labels, predicted.shape(), classes());
        for (int i = 0; i < p.length; i++) {
            counts[(int) y[i]][(int) p[i]]++;
        }
    }

    @Override
    public Confusion result() {
        return new Confusion(counts, classNames);
    }

    @Override
    public void reset() {
        for (long[] row : counts) {
            java.util.Arrays.fill(row, 0);
        }
    }

    @Override
    public String toString() {
        return result().toString();
    }
}
