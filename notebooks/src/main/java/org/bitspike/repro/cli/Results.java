package org.bitspike.repro.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bitspike.nn.Functional;
import org.bitspike.nn.Layer;
import org.bitspike.nn.data.DataLoader;
import org.bitspike.nn.metrics.Calibration;
import org.bitspike.nn.metrics.Confusion;
import org.bitspike.nn.metrics.ConfusionMatrix;
import org.bitspike.nn.metrics.ReliabilityDiagram;
import org.bitspike.nn.train.Evaluation;

/** Test-set results of a model: loss, accuracy, calibration and the confusion matrix. */
record Results(double loss, double accuracy, long samples, ReliabilityDiagram calibration, Confusion confusion) {

    static Results evaluate(Layer model, DataLoader test, List<String> classes) {
        ConfusionMatrix confusion = new ConfusionMatrix(classes);
        Calibration calibration = new Calibration(15, Calibration.Scores.LOGITS);
        Evaluation.Result r = Evaluation.run(model, test.epoch(0), Functional::crossEntropy, confusion, calibration);
        return new Results(r.loss(), r.accuracy(), r.samples(), calibration.result(), confusion.result());
    }

    Map<String, Object> fields() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("test_loss", loss);
        m.put("test_accuracy", accuracy);
        m.put("test_images", samples);
        m.put("expected_calibration_error", calibration.ece());
        m.put("confusion", confusion.counts());
        return m;
    }

    String table(String model, String dataset, long seed, int bestEpoch) {
        return String.format("%n| model | dataset | seed | best epoch | test accuracy | test loss | ECE (15 bins) |%n"
                + "|---|---|---|---|---|---|---|%n| %s | %s | %d | %d | %.2f%% | %.4f | %.4f |%n%n%s",
                model, dataset, seed, bestEpoch, 100 * accuracy, loss, calibration.ece(), confusion);
    }
}
