package org.bitspike.nn.metrics;

import org.bitspike.tensor.Tensor;

/**
 * A metric accumulated over batches of scored samples.
 *
 * @param <R> the result type
 */
public interface Metric<R> {
    /**
     * Adds a batch. Neither tensor is modified.
     *
     * @param scores FLOAT32 or FLOAT64 {@code [B, C]}, logits or probabilities, without NaN
     * @param labels INT64 or INT32 {@code [B]}, each in {@code [0, C)}
     * @throws org.bitspike.tensor.TensorException naming the metric and the shapes (or the
     *         offending value) when the batch is invalid; the metric is then unchanged
     */
    void update(Tensor scores, Tensor labels);

    /** The metric over every sample added since construction or the last {@link #reset()}. */
    R result();

    /** Forgets every sample. */
    void reset();
}
