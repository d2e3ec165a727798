package org.bitspike.nn.metrics;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.bitspike.tensor.Tensor;

/**
 * An immutable confusion matrix: {@code count(actual, predicted)} samples of class {@code actual}
 * were predicted as {@code predicted}. Rows are actual classes, columns predicted ones (as
 * scikit-learn). Ratios with a zero denominator are NaN (a class never predicted has no precision).
 */
public final class Confusion {
    private final long[][] counts;
    private final List<String> classNames;

    /** A copy of {@code counts} ({@code [classes][classes]}) with one name per class. */
    public Confusion(long[][] counts, List<String> classNames) {
        int c = classNames.size();
        if (counts.length != c || Arrays.stream(counts).anyMatch(row -> row.length != c)) {
            throw new IllegalArgumentException("confusion: counts must be " + c + " x " + c + " for " + c + " names");
        }
        this.counts = Arrays.stream(counts).map(long[]::clone).toArray(long[][]::new);
        this.classNames = List.copyOf(classNames);
    }

    public int classes() {
        return counts.length;
    }

    public List<String> classNames() {
        return classNames;
    }

    /** Samples of class {@code actual} predicted as {@code predicted}. */
    public long count(int actual, int predicted) {
        return counts[actual][predicted];
    }

    /** A copy of the counts, {@code [actual][predicted]}. */
    public long[][] counts() {
        return Arrays.stream(counts).map(long[]::clone).toArray(long[][]::new);
    }

    /** The counts as an INT64 tensor {@code [classes, classes]}. */
    public Tensor toTensor() {
        return Tensor.of(Arrays.stream(counts).flatMapToLong(Arrays::stream).toArray(), classes(), classes());
    }

    /** All samples. */
    public long total() {
        return Arrays.stream(counts).flatMapToLong(Arrays::stream).sum();
    }

    /** Samples whose label is {@code c} (the row sum). */
    public long actualCount(int c) {
        return Arrays.stream(counts[c]).sum();
    }

    /** Samples predicted as {@code c} (the column sum). */
    public long predictedCount(int c) {
        long n = 0;
        for (long[] row : counts) {
            n += row[c];
        }
        return n;
    }

    /** Correctly classified samples (the trace). */
    public long correct() {
        long n = 0;
        for (int c = 0; c < counts.length; c++) {
            n += counts[c][c];
        }
        return n;
    }

    /** {@code correct / total}: top-1 accuracy. */
    public double accuracy() {
        return (double) correct() / total();
    }

    /** Of the samples predicted as {@code c}, the fraction that are {@code c}. */
    public double precision(int c) {
        return (double) counts[c][c] / predictedCount(c);
    }

    /** Of the samples of class {@code c}, the fraction predicted as {@code c}. */
    public double recall(int c) {
        return (double) counts[c][c] / actualCount(c);
    }

    /**
     * The harmonic mean of precision and recall of {@code c}, computed as
     * {@code 2 TP / (2 TP + FP + FN)}: 0 when the class is never predicted but occurs, NaN only when
     * it neither occurs nor is predicted.
     */
    public double f1(int c) {
        return 2.0 * counts[c][c] / (actualCount(c) + predictedCount(c));
    }

    /**
     * A table: counts with recall at the end of each row, precision under each column, accuracy in
     * the corner; {@code -} for an undefined ratio. For example:
     * <pre>
     * confusion matrix: 10 samples, rows actual, columns predicted
     *                0      1      2  | recall
     * 0              3      1      0  | 0.750
     * 1              0      2      1  | 0.667
     * 2              0      0      3  | 1.000
     * precision  1.000  0.667  0.750  | 0.800 accuracy
     * </pre>
     */
    @Override
    public String toString() {
        int label = "precision".length();
        int width = Math.max(5, Long.toString(total()).length());
        for (String n : classNames) {
            label = Math.max(label, n.length());
            width = Math.max(width, n.length());
        }
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                "confusion matrix: %d samples, rows actual, columns predicted\n", total()));
        s.append(" ".repeat(label));
        for (String n : classNames) {
            s.append("  ").append(padLeft(n, width));
        }
        s.append("  | recall\n");
        for (int i = 0; i < classes(); i++) {
            s.append(padRight(classNames.get(i), label));
            for (int j = 0; j < classes(); j++) {
                s.append("  ").append(padLeft(Long.toString(counts[i][j]), width));
            }
            s.append("  | ").append(ratio(recall(i))).append('\n');
        }
        s.append(padRight("precision", label));
        for (int j = 0; j < classes(); j++) {
            s.append("  ").append(padLeft(ratio(precision(j)), width));
        }
        return s.append("  | ").append(ratio(accuracy())).append(" accuracy").toString();
    }

    private static String ratio(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
    }

    /** {@code s} padded with spaces on the right to {@code width}. */
    private static String padRight(String s, int width) {
        return s + " ".repeat(width - s.length());
    }

    private static String padLeft(String s, int width) {
        return " ".repeat(width - s.length()) + s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Confusion other && Arrays.deepEquals(counts, other.counts)
                && classNames.equals(other.classNames);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.deepHashCode(counts) + classNames.hashCode();
    }
}
