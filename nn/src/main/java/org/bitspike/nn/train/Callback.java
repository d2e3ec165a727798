package org.bitspike.nn.train;

/**
 * Observes a {@link Trainer}. Every method has an empty default; a callback that fails stops the
 * run with its exception (nothing is swallowed).
 */
public interface Callback {
    /** Before the first epoch this run executes ({@code firstEpoch} > 0 when resuming). */
    default void onTrainStart(Trainer trainer, int firstEpoch, int epochs) {
    }

    /** After each optimisation step. */
    default void onBatchEnd(Trainer trainer, BatchResult batch) {
    }

    /** After each epoch's training and validation; return true to stop training after it. */
    default boolean onEpochEnd(Trainer trainer, EpochResult epoch) {
        return false;
    }

    /** After the last epoch (also after an early stop). */
    default void onTrainEnd(Trainer trainer) {
    }

    /** One optimisation step: its loss and the number of correct predictions in the batch. */
    record BatchResult(int epoch, int batch, int batchesPerEpoch, int size, double loss, int correct, double seconds) {
    }
}
