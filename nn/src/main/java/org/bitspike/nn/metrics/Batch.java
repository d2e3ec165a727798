package org.bitspike.nn.metrics;

import org.bitspike.tensor.Tensor;
import org.bitspike.tensor.TensorException;

/**
 * A validated batch, copied out of its tensors: row-major scores {@code [size, classes]} and
 * labels in {@code [0, classes)}. The one place metric inputs are checked.
 */
record Batch(double[] scores, long[] labels, int size, int classes) {

    /**
     * Checks and copies {@code scores [B, C]} and {@code labels [B]}; {@code metric} names the
     * metric in errors. {@code classes}, when not -1, is the class count the metric was built for.
     */
    static Batch of(String metric, Tensor scores, Tensor labels, int classes) {
        if (scores.dim() != 2) {
            throw TensorException.of(metric, "scores must have shape [B, C], got %s", scores.shape());
        }
        if (!scores.dtype().isFloating()) {
            throw TensorException.of(metric, "scores must be FLOAT32 or FLOAT64, got %s of shape %s",
                    scores.dtype(), scores.shape());
        }
        int b = scores.size(0);
        int c = scores.size(1);
        if (c == 0) {
            throw TensorException.of(metric, "scores of shape %s have no classes", scores.shape());
        }
        if (classes != -1 && c != classes) {
            throw TensorException.of(metric, "scores of shape %s have %d classes, the metric was built for %d",
                    scores.shape(), c, classes);
        }
        long[] y = classIndices(metric, "labels", labels, scores.shape(), c);
        double[] s = scores.toDoubleArray();
        for (int k = 0; k < s.length; k++) {
            if (Double.isNaN(s[k])) {
                throw TensorException.of(metric, "scores[%d, %d] is NaN (scores of shape %s)", k / c, k % c,
                        scores.shape());
            }
        }
        return new Batch(s, y, b, c);
    }

    /**
     * Checks and copies class indices: {@code t} is INT64 or INT32 {@code [against[0]]} with every
     * value in {@code [0, classes)}; {@code what} ("labels", "predictions") and {@code against}
     * (the shape whose first size {@code t} must match) name them in errors.
     */
    static long[] classIndices(String metric, String what, Tensor t, int[] against, int classes) {
        int length = against[0];
        if (t.dim() != 1 || t.size(0) != length) {
            throw TensorException.of(metric, "%s of shape %s do not match shape %s: expected [%d]",
                    what, t.shape(), against, length);
        }
        if (!t.dtype().isInteger()) {
            throw TensorException.of(metric, "%s must be INT64 (or INT32), got %s", what, t.dtype());
        }
        long[] v = t.toLongArray();
        for (int i = 0; i < length; i++) {
            if (v[i] < 0 || v[i] >= classes) {
                throw TensorException.of(metric, "%s[%d] = %d is not a class index in [0, %d)", what, i, v[i],
                        classes);
            }
        }
        return v;
    }

    /** Score of class {@code c} for sample {@code i}. */
    double score(int i, int c) {
        return scores[i * classes + c];
    }

    /** The predicted class of sample {@code i}: highest score, lowest index on ties. */
    int prediction(int i) {
        int best = 0;
        for (int c = 1; c < classes; c++) {
            if (score(i, c) > score(i, best)) {
                best = c;
            }
        }
        return best;
    }

    /**
     * Where sample {@code i}'s label ranks: the number of classes that beat it - a higher score, or
     * an equal score and a lower index (the tie rule of {@link #prediction}). 0 means predicted.
     */
    int labelRank(int i) {
        int y = (int) labels[i];
        double s = score(i, y);
        int rank = 0;
        for (int c = 0; c < classes; c++) {
            double v = score(i, c);
            if (v > s || (v == s && c < y)) {
                rank++;
            }
        }
        return rank;
    }
}
