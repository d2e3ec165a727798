package org.bitspike.nn.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import net.jqwik.api.Example;

import org.bitspike.tensor.DType;
import org.bitspike.tensor.Tensor;
import org.bitspike.tensor.TensorException;
import org.junit.jupiter.api.function.Executable;

/**
 * Invalid batches: a {@link TensorException} whose message starts with the metric's name and
 * contains the shapes or values involved; the metric is unchanged afterwards.
 */
class MetricsBadInputTest {

    static void expectError(String metric, Executable call, String... fragments) {
        TensorException e = assertThrows(TensorException.class, call, metric);
        String m = e.getMessage();
        assertTrue(m.startsWith(metric + ":"), "message should start with '" + metric + ":': " + m);
        for (String f : fragments) {
            assertTrue(m.contains(f), "message should contain '" + f + "': " + m);
        }
    }

    private static final Tensor S23 = Tensor.zeros(2, 3);
    private static final Tensor Y2 = Tensor.of(new long[] {0, 1});

    @Example
    void scoresAndLabels() {
        Accuracy a = new Accuracy();
        expectError("accuracy", () -> a.update(Tensor.zeros(3), Y2), "scores must have shape [B, C], got [3]");
        expectError("accuracy", () -> a.update(Tensor.zeros(2, 3, 1), Y2), "got [2, 3, 1]");
        expectError("accuracy", () -> a.update(Tensor.zeros(DType.INT64, 2, 3), Y2),
                "scores must be FLOAT32 or FLOAT64, got INT64 of shape [2, 3]");
        expectError("accuracy", () -> a.update(Tensor.zeros(2, 0), Y2), "scores of shape [2, 0] have no classes");
        expectError("accuracy", () -> a.update(S23, Tensor.of(new long[] {0, 1, 2})),
                "labels of shape [3] do not match shape [2, 3]: expected [2]");
        expectError("accuracy", () -> a.update(S23, Tensor.zeros(DType.INT64, 2, 1)), "labels of shape [2, 1]");
        expectError("accuracy", () -> a.update(S23, Tensor.zeros(2)), "labels must be INT64 (or INT32), got FLOAT32");
        expectError("accuracy", () -> a.update(S23, Tensor.of(new long[] {0, 7})),
                "labels[1] = 7 is not a class index in [0, 3)");
        expectError("accuracy", () -> a.update(S23, Tensor.of(new long[] {-1, 0})), "labels[0] = -1");
        expectError("accuracy", () -> a.update(Tensor.of(new float[][] {{0, 0, 0}, {0, 0, Float.NaN}}), Y2),
                "scores[1, 2] is NaN (scores of shape [2, 3])");
        expectError("top-5 accuracy", () -> new Accuracy(5).update(S23, Y2),
                "needs at least 5 classes, got scores of shape [2, 3]");
        expectError("accuracy", () -> new Accuracy(0), "k must be at least 1, got 0");
        assertEquals(0, a.count(), "failed updates change nothing");
    }

    @Example
    void confusionMatrix() {
        ConfusionMatrix cm = new ConfusionMatrix(3);
        expectError("confusion matrix", () -> cm.update(Tensor.zeros(2, 4), Y2),
                "scores of shape [2, 4] have 4 classes, the metric was built for 3");
        expectError("confusion matrix", () -> cm.updatePredictions(Tensor.zeros(DType.INT64, 2, 1), Y2),
                "predictions must have shape [B], got [2, 1]");
        expectError("confusion matrix", () -> cm.updatePredictions(Tensor.of(new long[] {0, 3}), Y2),
                "predictions[1] = 3 is not a class index in [0, 3)");
        expectError("confusion matrix", () -> cm.updatePredictions(Tensor.of(new long[] {0, 1, 2}), Y2),
                "labels of shape [2] do not match shape [3]: expected [3]");
        expectError("confusion matrix", () -> cm.updatePredictions(Tensor.zeros(2), Y2),
                "predictions must be INT64 (or INT32), got FLOAT32");
        expectError("confusion matrix", () -> new ConfusionMatrix(0), "needs at least one class, got 0");
        expectError("confusion matrix", () -> new ConfusionMatrix(List.of()), "needs at least one class");
        assertEquals(0, cm.result().total());
    }

    @Example
    void calibration() {
        Calibration cal = new Calibration(10, Calibration.Scores.PROBABILITIES);
        expectError("calibration", () -> cal.update(Tensor.of(new double[][] {{0.5, 0.5}, {1.5, -0.5}}), Y2),
                "probability scores[1, 0] = 1.5 is outside [0, 1] (scores of shape [2, 2]; use Scores.LOGITS");
        expectError("calibration", () -> cal.update(Tensor.of(new double[][] {{0.5, 0.5}, {0.5, 0.4}}), Y2),
                "probabilities in row 1 of scores [2, 2] sum to 0.9", "not 1 (within 0.001");
        expectError("calibration", () -> new Calibration(0, Calibration.Scores.LOGITS), "needs at least one bin, got 0");
        assertEquals(0, cal.result().count(), "the valid first row was not counted either");
    }
}
