package org.bitspike.nn.train;

/**
 * Stops training when the best accuracy (validation, else training) has not improved for
 * {@code patience} epochs. It keeps no state of its own: the trainer's best epoch is checkpointed,
 * so a resumed run stops at the same epoch.
 */
public final class EarlyStopping implements Callback {
    private final int patience;

    public EarlyStopping(int patience) {
        if (patience < 1) {
            throw new IllegalArgumentException("EarlyStopping: patience must be >= 1, got " + patience);
        }
        this.patience = patience;
    }

    @Override
    public boolean onEpochEnd(Trainer trainer, EpochResult epoch) {
        return epoch.epoch() - trainer.bestEpoch() >= patience;
    }
}
