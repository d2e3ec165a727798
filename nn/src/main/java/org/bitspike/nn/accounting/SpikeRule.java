package org.bitspike.nn.accounting;

/**
 * How a counter decides that a layer's input is spikes, so that a convolution or linear layer on it costs
 * accumulates (one per weight whose input fired) instead of multiply-accumulates.
 */
public enum SpikeRule {
    /**
     * The values decide: an input whose every element is exactly 0 or 1 is spikes, whoever produced it. A float input
     * that happens to hold only 0 and 1 (a binarised image, a one-hot map) is therefore counted as spikes too, and
     * that is deliberate: a multiplier that only ever sees 0 and 1 is a gated accumulate, whatever the producer meant.
     * The test is one pass over the input, paid only while a counter is attached.
     *
     * <p>NOTE: dropout in training scales surviving spikes by {@code 1 / (1 - p)}, so a training-mode input after
     * dropout is not {0, 1} and counts as MACs; count inference costs in evaluation mode.
     */
    VALUES,
    /**
     * Never: every convolution and linear layer costs its dense MACs, as the iso-architecture float network would
     * (the authors' {@code compute_mac} of digest section 1.2, with max pooling shrinking the map).
     */
    NEVER
}
