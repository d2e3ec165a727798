package org.bitspike.nn.train;

/**
 * Training stopped between two steps because its thread was interrupted (a notebook's interrupt
 * button, a cancelled task). The model and optimiser hold the state after the last completed step,
 * never half an update; the epoch in progress is not counted.
 */
public final class TrainingInterruptedException extends RuntimeException {
    private final int epoch;
    private final int batch;

    TrainingInterruptedException(int epoch, int batch, int batchesPerEpoch, long steps) {
        super("training interrupted in epoch " + epoch + " before batch " + batch + " of " + batchesPerEpoch
                + "; the model holds the weights after step " + steps);
        this.epoch = epoch;
        this.batch = batch;
    }

    /** The epoch that was running. */
    public int epoch() {
        return epoch;
    }

    /** The batch of that epoch that did not run. */
    public int batch() {
        return batch;
    }
}
