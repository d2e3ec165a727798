package org.bitspike.nn.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import net.jqwik.api.Example;

import org.bitspike.tensor.DType;
import org.bitspike.tensor.Tensor;

/** Hand-computed cases, as documentation; every number is worked out in the comment next to it. */
class MetricsGoldenTest {

    private static Tensor labels(long... y) {
        return Tensor.of(y);
    }

    // ------------------------------------------------------------------ accuracy

    /**
     * Rows and the label's rank (classes beating it: higher score, or equal score and lower index):
     * [0.1, 0.5, 0.4] label 2: 0.5 beats it, rank 1; [0.3, 0.3, 0.4] label 0: 0.4 beats it, rank 1;
     * [0.2, 0.2, 0.1] label 1: class 0 ties with a lower index, rank 1; [0.6, 0.1, 0.3] label 0:
     * rank 0. Top-1: 1/4; top-2: 4/4; top-3: 4/4.
     */
    @Example
    void topKAccuracyWithTies() {
        Tensor scores = Tensor.of(new float[][] {{0.1f, 0.5f, 0.4f}, {0.3f, 0.3f, 0.4f}, {0.2f, 0.2f, 0.1f},
            {0.6f, 0.1f, 0.3f}});
        Tensor y = labels(2, 0, 1, 0);
        assertEquals(0.25, accuracy(1, scores, y));
        assertEquals(1.0, accuracy(2, scores, y));
        assertEquals(1.0, accuracy(3, scores, y));
        // top-1 is argmax == label, with argmax's tie rule
        assertArrayEquals(new long[] {1, 2, 0, 0}, scores.argmax(1, false).toLongArray());
    }

    private static double accuracy(int k, Tensor scores, Tensor labels) {
        Accuracy a = new Accuracy(k);
        a.update(scores, labels);
        return a.result();
    }

    /** The class Javadoc's example: label 2 ranks second in row 0, label 1 third in row 1. */
    @Example
    void accuracyJavadocExample() {
        Accuracy top2 = new Accuracy(2);
        top2.update(Tensor.of(new float[][] {{0.1f, 0.5f, 0.4f}, {0.6f, 0.1f, 0.3f}}), Tensor.of(new long[] {2, 1}));
        assertEquals(0.5, top2.result());
        assertEquals("top-2 accuracy 0.5000 (1/2)", top2.toString());
    }

    @Example
    void accuracyAccumulatesAndResets() {
        Accuracy a = new Accuracy();
        assertTrue(Double.isNaN(a.result()), "0 / 0 before any sample");
        a.update(Tensor.of(new double[][] {{1, 0}, {0, 1}}), labels(0, 0));      // 1 of 2
        a.update(Tensor.of(new double[][] {{1, 0}}), Tensor.of(new int[] {0})); // 1 of 1, INT32 labels
        a.update(Tensor.zeros(0, 2), labels());                                   // nothing
        assertEquals(2, a.correct());
        assertEquals(3, a.count());
        assertEquals(2.0 / 3, a.result());
        a.reset();
        assertEquals(0, a.count());
    }

    // ------------------------------------------------------------------ confusion matrix

    /**
     * actual    0 0 0 0 1 1 1 2 2 2
     * predicted 0 0 0 1 1 1 2 2 2 2
     * Rows (actual): [3 1 0], [0 2 1], [0 0 3]. Trace 8 of 10: accuracy 0.8. Precision (column):
     * 3/3, 2/3, 3/4. Recall (row): 3/4, 2/3, 3/3. F1 of class 2: 2 * 0.75 * 1 / 1.75 = 6/7.
     */
    @Example
    void confusionMatrixByHand() {
        ConfusionMatrix cm = new ConfusionMatrix(3);
        cm.updatePredictions(labels(0, 0, 0, 1, 1, 1, 2, 2, 2, 2), labels(0, 0, 0, 0, 1, 1, 1, 2, 2, 2));
        Confusion c = cm.result();
        assertArrayEquals(new long[][] {{3, 1, 0}, {0, 2, 1}, {0, 0, 3}}, c.counts());
        assertEquals(10, c.total());
        assertEquals(0.8, c.accuracy());
        assertEquals(1.0, c.precision(0));
        assertEquals(2.0 / 3, c.precision(1));
        assertEquals(0.75, c.precision(2));
        assertEquals(0.75, c.recall(0));
        assertEquals(2.0 / 3, c.recall(1));
        assertEquals(1.0, c.recall(2));
        assertEquals(6.0 / 7, c.f1(2), 1e-15);
        assertEquals(4, c.actualCount(0));
        assertEquals(4, c.predictedCount(2));
        assertTrue(c.toTensor().contentEquals(Tensor.of(new long[] {3, 1, 0, 0, 2, 1, 0, 0, 3}, 3, 3)));
        assertEquals("""
                confusion matrix: 10 samples, rows actual, columns predicted
                               0      1      2  | recall
                0              3      1      0  | 0.750
                1              0      2      1  | 0.667
                2              0      0      3  | 1.000
                precision  1.000  0.667  0.750  | 0.800 accuracy""", c.toString());
    }

    /** Scores are turned into predictions by argmax; a class never predicted has no precision. */
    @Example
    void confusionFromScoresWithNames() {
        ConfusionMatrix cm = new ConfusionMatrix(List.of("cat", "dog", "hamster"));
        // predictions: 0 (tie, lower index), 1, 1; labels 0, 1, 2
        cm.update(Tensor.of(new float[][] {{2, 2, 0}, {0, 3, 1}, {0, 1, 0}}), labels(0, 1, 2));
        Confusion c = cm.result();
        assertArrayEquals(new long[][] {{1, 0, 0}, {0, 1, 0}, {0, 1, 0}}, c.counts());
        assertTrue(Double.isNaN(c.precision(2)));
        assertEquals(0.0, c.f1(2));
        assertEquals("""
                confusion matrix: 3 samples, rows actual, columns predicted
                               cat      dog  hamster  | recall
                cat              1        0        0  | 1.000
                dog              0        1        0  | 1.000
                hamster          0        1        0  | 0.000
                precision    1.000    0.500        -  | 0.667 accuracy""", c.toString());
        cm.reset();
        assertEquals(0, cm.result().total());
    }

    // ------------------------------------------------------------------ calibration

    /**
     * Five bins (0, .2], (.2, .4], (.4, .6], (.6, .8], (.8, 1]. Samples (probabilities, label):
     * [.9 .1] 0: conf .9 correct, bin 4; [.3 .7] 0: conf .7 wrong, bin 3; [.6 .4] 0: conf .6 correct,
     * bin 2 (right-closed: .6 is in (.4, .6]); [.2 .8] 1: conf .8 correct, bin 3; [.95 .05] 1:
     * conf .95 wrong, bin 4. Bin 2: 1 sample, conf .6, acc 1, gap .4; bin 3: 2 samples, conf .75,
     * acc .5, gap .25; bin 4: 2 samples, conf .925, acc .5, gap .425.
     * ECE = (1 * .4 + 2 * .25 + 2 * .425) / 5 = 1.75 / 5 = .35; MCE = .425.
     */
    @Example
    void expectedCalibrationErrorByHand() {
        Tensor probs = Tensor.of(new double[][] {{.9, .1}, {.3, .7}, {.6, .4}, {.2, .8}, {.95, .05}});
        Calibration cal = new Calibration(5, Calibration.Scores.PROBABILITIES);
        cal.update(probs, labels(0, 0, 0, 1, 1));
        ReliabilityDiagram d = cal.result();
        assertEquals(5, d.count());
        assertEquals(0.35, d.ece(), 1e-15);
        assertEquals(0.425, d.mce(), 1e-15);
        assertEquals(List.of(0L, 0L, 1L, 2L, 2L), d.bins().stream().map(ReliabilityDiagram.Bin::count).toList());
        ReliabilityDiagram.Bin b3 = d.bins().get(3);
        assertEquals(0.6, b3.lower(), 1e-15);
        assertEquals(0.8, b3.upper(), 1e-15);
        assertEquals(0.75, b3.meanConfidence(), 1e-15);
        assertEquals(0.5, b3.accuracy());
        assertTrue(Double.isNaN(d.bins().get(0).accuracy()));
        assertEquals("""
                reliability diagram: 5 samples, 5 bins, ECE 0.3500, MCE 0.4250
                confidence        count  confidence  accuracy     gap
                (0.000, 0.200]          0           -         -       -
                (0.200, 0.400]          0           -         -       -
                (0.400, 0.600]          1       0.600     1.000   0.400
                (0.600, 0.800]          2       0.750     0.500   0.250
                (0.800, 1.000]          2       0.925     0.500   0.425""", d.toString());

        // the same samples as logits: log-probabilities give the same softmax
        Calibration fromLogits = new Calibration(5, Calibration.Scores.LOGITS);
        fromLogits.update(probs.log(), labels(0, 0, 0, 1, 1));
        assertEquals(0.35, fromLogits.result().ece(), 1e-12);
    }

    /** Right-closed bins against exact boundaries: m / bins itself belongs to bin m - 1. */
    @Example
    void binBoundaries() {
        assertEquals(0, Calibration.bin(0.0, 10));
        assertEquals(0, Calibration.bin(0.1, 10));
        assertEquals(1, Calibration.bin(Math.nextUp(0.1), 10));
        assertEquals(2, Calibration.bin(0.3, 10));   // 0.3 * 10 = 3.0000000000000004 would say bin 3
        assertEquals(6, Calibration.bin(0.7, 10));
        assertEquals(9, Calibration.bin(1.0, 10));
        assertEquals(0, Calibration.bin(1.0, 1));
        for (int bins = 1; bins <= 50; bins++) {
            for (int m = 1; m <= bins; m++) {
                double boundary = (double) m / bins;
                assertEquals(m - 1, Calibration.bin(boundary, bins), "boundary " + m + "/" + bins);
                if (m < bins) {
                    assertEquals(m, Calibration.bin(Math.nextUp(boundary), bins), "above " + m + "/" + bins);
                }
            }
        }
        // FLOAT32 confidences are compared after widening: 0.6f is just above 0.6
        assertEquals(3, Calibration.bin((double) 0.6f, 5));
    }

    /** Softmax confidence with infinite logits: +inf shares the mass, -inf gets none. */
    @Example
    void infiniteLogits() {
        Calibration cal = new Calibration(4, Calibration.Scores.LOGITS);
        double inf = Double.POSITIVE_INFINITY;
        cal.update(Tensor.of(new double[][] {{inf, 0, inf}, {-inf, 0, -inf}, {-inf, -inf, -inf}}), labels(0, 1, 2));
        // confidences 1/2 (bin 1), 1 (bin 3), 1/3 (bin 1); predictions 0 (right), 1 (right), 0 (wrong)
        ReliabilityDiagram d = cal.result();
        assertEquals(List.of(0L, 2L, 0L, 1L), d.bins().stream().map(ReliabilityDiagram.Bin::count).toList());
        assertEquals((0.5 + 1.0 / 3) / 2, d.bins().get(1).meanConfidence(), 1e-15);
        assertEquals(0.5, d.bins().get(1).accuracy());
    }

    @Example
    void emptyCalibrationIsNaN() {
        Calibration cal = new Calibration(3, Calibration.Scores.LOGITS);
        assertTrue(Double.isNaN(cal.result().ece()));
        assertTrue(Double.isNaN(cal.result().mce()));
        cal.update(Tensor.zeros(DType.FLOAT32, 1, 4), labels(3));
        assertEquals(0.25, cal.result().ece(), 1e-15); // confidence 1/4, prediction 0 is wrong: gap |0 - 1/4|
        cal.reset();
        assertEquals(0, cal.result().count());
    }
}
