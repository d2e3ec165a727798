package org.bitspike.nn.train;

import java.util.function.BiFunction;
import org.bitspike.autograd.GradMode;
import org.bitspike.autograd.Var;
import org.bitspike.nn.Layer;
import org.bitspike.nn.data.Batch;
import org.bitspike.nn.metrics.Metric;
import org.bitspike.tensor.Tensor;

/** Evaluates a model on batches: evaluation mode, nothing recorded, the model's mode restored after. */
public final class Evaluation {
    private Evaluation() {
    }

    /** Mean loss and accuracy over {@code batches}, also feeding each batch's logits to {@code metrics}. */
    public static Result run(Layer model, Iterable<Batch> batches, BiFunction<Var, Tensor, Var> loss, Metric<?>... metrics) {
        boolean wasTraining = model.isTraining();
        model.eval();
        double lossSum = 0;
        long correct = 0;
        long count = 0;
        try (GradMode.Scope scope = GradMode.noGrad()) {
            for (Batch b : batches) {
                Var logits = model.forward(b.images());
                lossSum += loss.apply(logits, b.labels()).itemDouble() * b.size();
                correct += correct(logits.value(), b.labels());
                count += b.size();
                for (Metric<?> m : metrics) {
                    m.update(logits.value(), b.labels());
                }
            }
        } finally {
            if (wasTraining) {
                model.train();
            }
        }
        return new Result(count == 0 ? Double.NaN : lossSum / count, count == 0 ? Double.NaN : (double) correct / count, count);
    }

    /** Number of rows of {@code logits [B, C]} whose argmax equals the label. */
    static int correct(Tensor logits, Tensor labels) {
        long[] predicted = logits.argmax(1, false).toLongArray();
        long[] actual = labels.toLongArray();
        int n = 0;
        for (int i = 0; i < predicted.length; i++) {
            n += predicted[i] == actual[i] ? 1 : 0;
        }
        return n;
    }

    /** Mean loss, accuracy and the number of samples. */
    public record Result(double loss, double accuracy, long samples) {
    }
}
