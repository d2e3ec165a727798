package org.bitspike.nn.bayes;

import java.util.Arrays;
import org.bitspike.autograd.Var;
import org.bitspike.nn.Functional;
import org.bitspike.nn.Losses;
import org.bitspike.nn.Reduction;
import org.bitspike.tensor.Tensor;
import org.bitspike.tensor.TensorException;

/**
 * The loss of one readout at one time step against the labels, averaged over the batch.
 *
 * <p>NOTE: BiSNN's MNIST-DVS script applies a softmax before a cross-entropy that applies log-softmax again (digest
 * 5.2 and 10.8); that double softmax flattens the gradient and is a quirk, not the method, so
 * {@link #CROSS_ENTROPY} is the plain cross-entropy of the readout's logits.
 */
public enum LocalLoss {
    /** Cross-entropy of logits {@code [N, C]} (C >= 2) against class indices {@code [N]}. */
    CROSS_ENTROPY,
    /** Binary cross-entropy with logits of one output {@code [N, 1]} against labels 0/1 {@code [N]} (two-moons). */
    BCE_WITH_LOGITS;

    /** BCE with logits for one output, cross-entropy for more. */
    public static LocalLoss forOutputs(int outputs) {
        if (outputs < 1) {
            throw new IllegalArgumentException("LocalLoss: needs at least one output, got " + outputs);
        }
        return outputs == 1 ? BCE_WITH_LOGITS : CROSS_ENTROPY;
    }

    /** The batch mean loss of {@code logits} against integer {@code labels [N]}. */
    public Var of(Var logits, Tensor labels) {
        if (labels == null || labels.dim() != 1 || labels.dtype().isFloating() || logits.dim() != 2
                || labels.size(0) != logits.size(0)) {
            throw TensorException.of("LocalLoss." + name(), "needs logits [N, C] and integer labels [N], got %s and %s",
                    Arrays.toString(logits.shape()), labels == null ? "null" : labels.dtype() + " "
                            + Arrays.toString(labels.shape()));
        }
        return switch (this) {
            case CROSS_ENTROPY -> Functional.crossEntropy(logits, labels);
            case BCE_WITH_LOGITS -> {
                if (logits.size(1) != 1) {
                    throw TensorException.of("LocalLoss.BCE_WITH_LOGITS", "needs one output [N, 1], got %s",
                            Arrays.toString(logits.shape()));
                }
                double[] y = labels.toDoubleArray();
                for (int i = 0; i < y.length; i++) {
                    if (y[i] != 0 && y[i] != 1) {
                        throw TensorException.of("LocalLoss.BCE_WITH_LOGITS", "labels must be 0 or 1, got %s at %d",
                                y[i], i);
                    }
                }
                Var target = Var.of(Tensor.of(y, y.length, 1).to(logits.dtype()));
                yield Losses.binaryCrossEntropyWithLogits(logits, target, Reduction.MEAN);
            }
        };
    }
}
