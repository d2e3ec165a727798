package org.bitspike.nn.binary;

import org.bitspike.nn.train.Callback;
import org.bitspike.nn.train.Trainer;

/**
 * Clamps the latent weights of every {@link BinaryLayer} of the trainer's model to [-1, 1] after
 * each optimisation step ({@link Callback#onBatchEnd} runs right after {@code optimizer.step()}).
 */
public final class LatentWeightClipping implements Callback {
    @Override
    public void onBatchEnd(Trainer trainer, BatchResult batch) {
        BinaryLayer.clipLatentWeights(trainer.model());
    }
}
