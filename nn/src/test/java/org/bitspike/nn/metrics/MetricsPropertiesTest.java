package org.bitspike.nn.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import org.bitspike.tensor.DType;
import org.bitspike.tensor.Tensor;

/** Laws of the metrics on random batches (seeded; the seed reproduces the data too). */
class MetricsPropertiesTest {
    static final String SEED = "7301452276";

    /** A random batch: scores {@code [size, classes]} (ties frequent), labels, and a split into chunks. */
    record Sample(int size, int classes, long seed) {
        Tensor scores() {
            SplittableRandom rnd = new SplittableRandom(seed);
            double[] s = new double[size * classes];
            for (int i = 0; i < s.length; i++) {
                s[i] = rnd.nextInt(3) == 0 ? rnd.nextInt(3) : rnd.nextDouble(-4, 4); // small integers tie
            }
            // stored transposed: a non-contiguous view reaches the metrics
            return Tensor.of(s, size, classes).t().copy().t();
        }

        Tensor labels() {
            SplittableRandom rnd = new SplittableRandom(seed + 1);
            long[] y = new long[size];
            for (int i = 0; i < size; i++) {
                y[i] = rnd.nextInt(classes);
            }
            return Tensor.of(y);
        }

        /** Chunk boundaries 0 = b0 < b1 < ... = size. */
        List<Integer> cuts() {
            SplittableRandom rnd = new SplittableRandom(seed + 2);
            List<Integer> cuts = new ArrayList<>(List.of(0));
            while (cuts.get(cuts.size() - 1) < size) {
                cuts.add(Math.min(size, cuts.get(cuts.size() - 1) + rnd.nextInt(1, 8)));
            }
            return cuts;
        }
    }

    @Provide
    Arbitrary<Sample> samples() {
        return Combinators.combine(Arbitraries.integers().between(0, 40), Arbitraries.integers().between(1, 8),
                Arbitraries.longs()).as(Sample::new);
    }

    private static void feed(Metric<?> m, Sample s) {
        Tensor scores = s.scores();
        Tensor labels = s.labels();
        List<Integer> cuts = s.cuts();
        for (int i = 1; i < cuts.size(); i++) {
            int from = cuts.get(i - 1);
            int n = cuts.get(i) - from;
            m.update(scores.narrow(0, from, n), labels.narrow(0, from, n));
        }
    }

    @Property(seed = SEED)
    void resultsDoNotDependOnBatching(@ForAll("samples") Sample s, @ForAll @IntRange(min = 1, max = 8) int k) {
        int topK = Math.min(k, s.classes());
        Accuracy whole = new Accuracy(topK);
        Accuracy split = new Accuracy(topK);
        whole.update(s.scores(), s.labels());
        feed(split, s);
        assertEquals(whole.correct(), split.correct());
        assertEquals(whole.count(), split.count());

        ConfusionMatrix cmWhole = new ConfusionMatrix(s.classes());
        ConfusionMatrix cmSplit = new ConfusionMatrix(s.classes());
        cmWhole.update(s.scores(), s.labels());
        feed(cmSplit, s);
        assertEquals(cmWhole.result(), cmSplit.result());

        Calibration calWhole = new Calibration(7, Calibration.Scores.LOGITS);
        Calibration calSplit = new Calibration(7, Calibration.Scores.LOGITS);
        calWhole.update(s.scores(), s.labels());
        feed(calSplit, s);
        ReliabilityDiagram a = calWhole.result();
        ReliabilityDiagram b = calSplit.result();
        for (int m = 0; m < 7; m++) {
            assertEquals(a.bins().get(m).count(), b.bins().get(m).count());
            assertEquals(a.bins().get(m).accuracy(), b.bins().get(m).accuracy());
            assertEquals(a.bins().get(m).meanConfidence(), b.bins().get(m).meanConfidence(), 1e-12);
        }
    }

    /** Row sums are class counts, column sums prediction counts, trace / N is top-1 accuracy. */
    @Property(seed = SEED)
    void confusionMatrixSums(@ForAll("samples") Sample s) {
        ConfusionMatrix cm = new ConfusionMatrix(s.classes());
        cm.update(s.scores(), s.labels());
        Confusion c = cm.result();
        long[] labels = s.labels().toLongArray();
        long[] predicted = s.size() == 0 ? new long[0] : s.scores().argmax(1, false).toLongArray();
        for (int k = 0; k < s.classes(); k++) {
            final int cls = k;
            assertEquals(java.util.Arrays.stream(labels).filter(y -> y == cls).count(), c.actualCount(k));
            assertEquals(java.util.Arrays.stream(predicted).filter(p -> p == cls).count(), c.predictedCount(k));
        }
        assertEquals(s.size(), c.total());
        Accuracy top1 = new Accuracy();
        top1.update(s.scores(), s.labels());
        assertEquals(top1.correct(), c.correct());
        assertEquals(top1.result(), c.accuracy());
        // the predictions path agrees with the scores path
        ConfusionMatrix fromPredictions = new ConfusionMatrix(s.classes());
        fromPredictions.updatePredictions(Tensor.of(predicted), s.labels());
        assertEquals(c, fromPredictions.result());
    }

    /** Top-k accuracy grows with k and reaches 1 at k = C; top-1 is "argmax equals label". */
    @Property(seed = SEED)
    void topKIsMonotone(@ForAll("samples") Sample s) {
        long previous = -1;
        for (int k = 1; k <= s.classes(); k++) {
            Accuracy a = new Accuracy(k);
            a.update(s.scores(), s.labels());
            assertTrue(a.correct() >= previous);
            previous = a.correct();
        }
        assertEquals(s.size(), previous);
        if (s.size() > 0) {
            long argmaxHits = s.scores().argmax(1, false).eq(s.labels()).sum().getLong();
            Accuracy top1 = new Accuracy();
            top1.update(s.scores(), s.labels());
            assertEquals(argmaxHits, top1.correct());
        }
    }

    /** 0 <= ECE <= MCE <= 1 and the bins hold every sample; LOGITS equals PROBABILITIES of the softmax. */
    @Property(seed = SEED)
    void calibrationBounds(@ForAll("samples") Sample s, @ForAll @IntRange(min = 1, max = 20) int bins) {
        Calibration logits = new Calibration(bins, Calibration.Scores.LOGITS);
        logits.update(s.scores(), s.labels());
        ReliabilityDiagram d = logits.result();
        assertEquals(s.size(), d.count());
        if (s.size() > 0) {
            assertTrue(d.ece() >= 0 && d.ece() <= d.mce() + 1e-15 && d.mce() <= 1, d.toString());
            Calibration probs = new Calibration(bins, Calibration.Scores.PROBABILITIES);
            probs.update(s.scores().to(DType.FLOAT64).softmax(1), s.labels());
            assertEquals(d.ece(), probs.result().ece(), 1e-9);
        }
    }

    /**
     * Calibrated by construction: for each confidence p in {0.55, 0.65, ..., 0.95} (one per bin of
     * ten), exactly 20p of 20 samples are right - so every bin's accuracy equals its confidence and
     * the ECE is 0 (up to rounding), whatever the class count, order and batching.
     */
    @Property(seed = SEED)
    void exactlyCalibratedDataHasZeroEce(@ForAll @IntRange(min = 2, max = 10) int classes, @ForAll long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<double[]> rows = new ArrayList<>();
        List<Long> labels = new ArrayList<>();
        for (int level = 0; level < 5; level++) {
            double p = 0.55 + 0.1 * level;
            int right = (int) Math.round(20 * p);
            for (int i = 0; i < 20; i++) {
                int predicted = rnd.nextInt(classes);
                double[] row = new double[classes];
                java.util.Arrays.fill(row, (1 - p) / (classes - 1));
                row[predicted] = p;
                rows.add(row);
                labels.add(i < right ? predicted : (long) (predicted + 1 + rnd.nextInt(classes - 1)) % classes);
            }
        }
        Tensor scores = Tensor.of(rows.toArray(double[][]::new));
        Tensor y = Tensor.of(labels.stream().mapToLong(Long::longValue).toArray());
        Calibration cal = new Calibration(10, Calibration.Scores.PROBABILITIES);
        int half = rnd.nextInt(100);
        cal.update(scores.narrow(0, 0, half), y.narrow(0, 0, half));
        cal.update(scores.narrow(0, half, 100 - half), y.narrow(0, half, 100 - half));
        assertEquals(0.0, cal.result().ece(), 1e-12);
        assertArrayEquals(new long[] {0, 0, 0, 0, 0, 20, 20, 20, 20, 20},
                cal.result().bins().stream().mapToLong(ReliabilityDiagram.Bin::count).toArray());
    }

    /**
     * Calibrated in distribution: confidences uniform above 1/C, each prediction right with
     * probability equal to its confidence. With 20,000 samples in 15 bins the ECE is a sum of
     * sampling noise, about sqrt(15 / 20000) / 2 = 0.014 at most on average; 0.05 is far out.
     */
    @Property(seed = SEED, tries = 20)
    void sampledCalibratedDataHasSmallEce(@ForAll @IntRange(min = 2, max = 10) int classes, @ForAll long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int n = 20_000;
        double[] s = new double[n * classes];
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            double p = rnd.nextDouble(1.0 / classes + 1e-6, 1.0);
            int predicted = rnd.nextInt(classes);
            for (int c = 0; c < classes; c++) {
                s[i * classes + c] = c == predicted ? p : (1 - p) / (classes - 1);
            }
            y[i] = rnd.nextDouble() < p ? predicted : (predicted + 1 + rnd.nextInt(classes - 1)) % classes;
        }
        Calibration cal = new Calibration(15, Calibration.Scores.PROBABILITIES);
        cal.update(Tensor.of(s, n, classes), Tensor.of(y));
        assertTrue(cal.result().ece() < 0.05, cal.result().toString());
        // and a model that is always sure but right only as often as the confidence says is not calibrated
        Calibration overconfident = new Calibration(15, Calibration.Scores.LOGITS);
        overconfident.update(Tensor.of(s, n, classes).mul(1000.0), Tensor.of(y));
        assertTrue(overconfident.result().ece() > 0.2, overconfident.result().toString());
    }
}
