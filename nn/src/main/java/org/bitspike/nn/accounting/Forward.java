package org.bitspike.nn.accounting;

import java.util.Map;
import org.bitspike.autograd.Var;
import org.bitspike.nn.Layer;

/**
 * One forward of one layer as a counter saw it: the layer, its input and output, and the counter's
 * {@link SpikeRule}. Given to {@link Countable#cost(Forward)}; neither value may be modified.
 */
public final class Forward {
    private final Layer layer;
    private final Var input;
    private final Var output;
    private final SpikeRule rule;
    private final Map<Var, Boolean> spikeCache;

    Forward(Layer layer, Var input, Var output, SpikeRule rule, Map<Var, Boolean> spikeCache) {
        this.layer = layer;
        this.input = input;
        this.output = output;
        this.rule = rule;
        this.spikeCache = spikeCache;
    }

    /**
     * A forward judged without a counter (a cache of one call): for tests and for layers that compute a cost
     * outside a counter.
     */
    public static Forward of(Layer layer, Var input, Var output, SpikeRule rule) {
        if (layer == null || input == null || output == null || rule == null) {
            throw new IllegalArgumentException("Forward.of: layer, input, output and rule are required");
        }
        return new Forward(layer, input, output, rule, new java.util.IdentityHashMap<>());
    }

    public Layer layer() {
        return layer;
    }

    public Var input() {
        return input;
    }

    public Var output() {
        return output;
    }

    /** Whether the layer ran in training mode. */
    public boolean training() {
        return layer.isTraining();
    }

    /** Whether {@link #input()} counts as spikes under the counter's rule. */
    public boolean inputIsSpikes() {
        return isSpikes(input);
    }

    /** Whether {@code v} counts as spikes under the counter's rule (see {@link SpikeRule}); judged once per value. */
    public boolean isSpikes(Var v) {
        if (rule == SpikeRule.NEVER) {
            return false;
        }
        return spikeCache.computeIfAbsent(v, Forward::onlyZerosAndOnes);
    }

    private static boolean onlyZerosAndOnes(Var v) {
        if (!v.dtype().isFloating() || v.numel() == 0) {
            return false;
        }
        for (double x : v.value().toDoubleArray()) {
            if (x != 0 && x != 1) {
                return false;
            }
        }
        return true;
    }
}
