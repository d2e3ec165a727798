package org.bitspike.nn.convert;

/**
 * A converted network's accuracy after every time step over a data set ({@link SpikingNetwork#evaluate}).
 *
 * @param accuracy the fraction of images classified correctly by the accumulated output after step {@code t}, for
 *     {@code t = 0..T-1} (copied in and out)
 * @param spikesPerStage the spikes one image caused in each spiking stage over the {@code T} steps, on average
 *     (copied in and out)
 * @param images how many images were presented
 */
public record LatencyCurve(double[] accuracy, double[] spikesPerStage, long images) {
    public LatencyCurve {
        accuracy = accuracy.clone();
        spikesPerStage = spikesPerStage.clone();
    }

    @Override
    public double[] accuracy() {
        return accuracy.clone();
    }

    @Override
    public double[] spikesPerStage() {
        return spikesPerStage.clone();
    }

    /** The accuracy after the last step. */
    public double finalAccuracy() {
        return accuracy[accuracy.length - 1];
    }

    /**
     * The first step (1-based: the number of steps run) whose accuracy is at least {@code target}, or -1 if none
     * reaches it (e.g. the ANN's accuracy minus 0.01 for "within 1 %").
     */
    public int stepsToReach(double target) {
        for (int t = 0; t < accuracy.length; t++) {
            if (accuracy[t] >= target) {
                return t + 1;
            }
        }
        return -1;
    }

    /** All spikes one image caused over the {@code T} steps, on average. */
    public double spikesPerImage() {
        double s = 0;
        for (double v : spikesPerStage) {
            s += v;
        }
        return s;
    }
}
