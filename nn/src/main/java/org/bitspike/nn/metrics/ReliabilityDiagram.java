package org.bitspike.nn.metrics;

import java.util.List;
import java.util.Locale;

/**
 * Confidence bins with the accuracy reached in each: the data of a reliability diagram (bar
 * height = accuracy, the diagonal = perfect calibration) and of the calibration errors.
 *
 * @param bins equal-width bins over {@code [0, 1]}, in order
 */
public record ReliabilityDiagram(List<Bin> bins) {
    /** A confidence bin {@code (lower, upper]}; mean confidence and accuracy are NaN when it is empty. */
    public record Bin(double lower, double upper, long count, double meanConfidence, double accuracy) {
        /** {@code |accuracy - meanConfidence|}; NaN when empty. */
        public double gap() {
            return Math.abs(accuracy - meanConfidence);
        }
    }

    public ReliabilityDiagram {
        bins = List.copyOf(bins);
    }

    /** All samples. */
    public long count() {
        return bins.stream().mapToLong(Bin::count).sum();
    }

    /**
     * Expected calibration error: {@code sum over non-empty bins of (count / N) * gap}; 0 for
     * perfect calibration, at most 1. NaN before the first sample.
     */
    public double ece() {
        long n = count();
        if (n == 0) {
            return Double.NaN;
        }
        double e = 0;
        for (Bin b : bins) {
            if (b.count() > 0) {
                e += (double) b.count() / n * b.gap();
            }
        }
        return e;
    }

    /** Maximum calibration error: the largest gap of a non-empty bin; NaN before the first sample. */
    public double mce() {
        return bins.stream().filter(b -> b.count() > 0).mapToDouble(Bin::gap).max().orElse(Double.NaN);
    }

    /**
     * A table, one line per bin, for example:
     * <pre>
     * reliability diagram: 5 samples, 5 bins, ECE 0.3500, MCE 0.4250
     * confidence        count  confidence  accuracy     gap
     * (0.000, 0.200]        0           -         -       -
     * (0.400, 0.600]        1       0.600     1.000   0.400
     * </pre>
     */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                "reliability diagram: %d samples, %d bins, ECE %.4f, MCE %.4f\n", count(), bins.size(), ece(), mce()));
        s.append("confidence        count  confidence  accuracy     gap");
        for (Bin b : bins) {
            s.append(String.format(Locale.ROOT, "\n(%.3f, %.3f]  %9d  %10s  %8s  %6s", b.lower(), b.upper(), b.count(),
                    ratio(b.meanConfidence()), ratio(b.accuracy()), ratio(b.gap())));
        }
        return s.toString();
    }

    private static String ratio(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
    }
}
