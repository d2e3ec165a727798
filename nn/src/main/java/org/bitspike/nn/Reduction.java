package org.bitspike.nn;

/** How a loss combines its per-element (or per-sample) values. */
public enum Reduction {
    /** The mean over elements (for the classification losses: over samples, weighted when class weights are given). */
    MEAN,
    /** The sum over elements. */
    SUM,
    /** One value per element, in the input's shape (per sample for the classification losses). */
    NONE,
    /**
     * The sum divided by the batch size (the size of dimension 0), PyTorch's {@code batchmean}: the
     * mathematically correct KL divergence per sample. Only {@link Losses#klDiv} accepts it; every
     * other loss rejects it by name.
     */
    BATCH_MEAN
}
