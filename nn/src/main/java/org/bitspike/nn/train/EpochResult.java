package org.bitspike.nn.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The metrics of one epoch. Validation fields are NaN when there is no validation set.
 *
 * @param epoch the epoch, from 0
 * @param trainLoss mean training loss over the epoch's samples, including the {@link Regularizer}'s penalty
 *     when the trainer has one (the validation loss never does)
 * @param trainAccuracy fraction of training samples predicted right (in training mode)
 * @param validationLoss mean validation loss (evaluation mode)
 * @param validationAccuracy validation accuracy (evaluation mode)
 * @param learningRate the first group's learning rate at the epoch's last step
 * @param seconds wall time of the epoch's training part
 * @param imagesPerSecond training throughput
 */
public record EpochResult(int epoch, double trainLoss, double trainAccuracy, double validationLoss,
        double validationAccuracy, double learningRate, double seconds, double imagesPerSecond) {

    /** The fields by name, in declaration order (for JSON and CSV). */
    public Map<String, Object> fields() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epoch", epoch);
        m.put("train_loss", trainLoss);
        m.put("train_accuracy", trainAccuracy);
        m.put("validation_loss", validationLoss);
        m.put("validation_accuracy", validationAccuracy);
        m.put("learning_rate", learningRate);
        m.put("seconds", seconds);
        m.put("images_per_second", imagesPerSecond);
        return m;
    }
}
