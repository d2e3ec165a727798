package org.bitspike.nn.accounting;

import java.util.Arrays;
import org.bitspike.nn.Layer;

/**
 * What one layer cost over the forwards a counter saw (one step, or all of them).
 *
 * @param name the layer's dotted name in the model ({@code ""} for the model itself)
 * @param layer the layer
 * @param description the layer's one-line description, e.g. {@code Conv2d(3 -> 64, 3x3, stride 1, padding 1)}
 * @param outputShape the shape of its last output (batch included)
 * @param forwards how many forwards were counted
 * @param counts the operations, for the whole batches (see {@link Countable#cost(Forward)})
 * @param rateModelAccumulates the accumulates digest section 1.3's formula assumes for the same forwards:
 *     the input's spike rate times the dense MACs ({@code zeta_{l-1} FL_l}), padded taps included; 0 when the input
 *     was not spikes
 * @param counted false for a leaf layer that does not implement {@link Countable}: its cost is unknown, not zero
 * @param inputSpikes the non-zero elements of the inputs that were spikes ({@link SpikeRule})
 * @param spikeInputElements the elements of the inputs that were spikes (0: the input was never spikes)
 */
public record LayerCount(String name, Layer layer, String description, int[] outputShape, long forwards,
                         OpCounts counts, double rateModelAccumulates, boolean counted, long inputSpikes,
                         long spikeInputElements) {
    public LayerCount {
        outputShape = outputShape.clone();
    }

    @Override
    public int[] outputShape() {
        return outputShape.clone();
    }

    LayerCount plus(LayerCount other) {
        return new LayerCount(name, layer, description, other.outputShape, forwards + other.forwards,
                counts.plus(other.counts), rateModelAccumulates + other.rateModelAccumulates, counted && other.counted,
                inputSpikes + other.inputSpikes, spikeInputElements + other.spikeInputElements);
    }

    /** The fraction of input elements that fired, over the forwards whose input was spikes; NaN when none was. */
    public double inputSpikeRate() {
        return spikeInputElements == 0 ? Double.NaN : (double) inputSpikes / spikeInputElements;
    }

    @Override
    public String toString() {
        return (name.isEmpty() ? "(model)" : name) + " " + description + " -> " + Arrays.toString(outputShape) + ": "
                + counts + (counted ? "" : " (uncounted)");
    }
}
