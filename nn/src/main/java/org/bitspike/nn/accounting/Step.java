package org.bitspike.nn.accounting;

import java.util.List;

/**
 * One forward of the model a counter is attached to (with time steps, one forward per time step).
 *
 * @param index 0 for the first forward the counter saw
 * @param samples the batch size of the forward (the model input's first dimension)
 * @param layers the layers that ran, in the model's order
 */
public record Step(int index, long samples, List<LayerCount> layers) {
    public Step {
        layers = List.copyOf(layers);
    }

    /** The operations of every layer of this step, for the whole batch. */
    public OpCounts total() {
        return layers.stream().map(LayerCount::counts).reduce(OpCounts.ZERO, OpCounts::plus);
    }
}
