package org.bitspike.nn.accounting;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bitspike.autograd.HookHandle;
import org.bitspike.autograd.Var;
import org.bitspike.nn.Layer;
import org.bitspike.nn.LayerObserver;

/**
 * Counts the operations a model executes while it is attached: an observer on every layer of the tree
 * ({@link Layer#observeForward}) asks each {@link Countable} layer what its forward cost, from the very input and
 * output of that forward, so data-dependent counts (spikes that arrived, sparsity) are real. One forward of the model
 * is one {@link Step}. Use it for a scope:
 *
 * <pre>{@code
 * try (OpCounter counter = OpCounter.attach(model)) {
 *     model.forward(batch);
 *     OpCounts perBatch = counter.total();
 * }
 * }</pre>
 *
 * <p>Nothing global: a model without a counter pays nothing (one empty-list check per layer forward); closing removes
 * every observer and keeps the counts readable. A model (or any layer of it) counted by another open counter is
 * refused: both would count, and a report summing them would double every figure.
 *
 * <p>Thread-safety: the counting and reading methods are synchronized, so another thread (a progress display) may read
 * while the model runs; a step is complete once the model's forward returned. Forwards of one model from several
 * threads at once would interleave their layers in one step; the layers themselves are not thread-safe either.
 */
public final class OpCounter implements AutoCloseable {
    private final Layer model;
    private final SpikeRule rule;
    private final Map<Layer, String> names = new LinkedHashMap<>(); // Layer has identity equality
    private final List<HookHandle> handles = new ArrayList<>();
    private final Map<Layer, LayerCount> pending = new LinkedHashMap<>();
    private final List<Step> steps = new ArrayList<>();
    private final Map<Var, Boolean> spikeCache = new IdentityHashMap<>();

    /** The observer the counter puts on each layer: a type of its own, so a second counter can see it. */
    private static final class Tap implements LayerObserver {
        private final OpCounter counter;

        Tap(OpCounter counter) {
            this.counter = counter;
        }

        @Override
        public void forwarded(Layer layer, Var input, Var output) {
            counter.record(layer, input, output);
        }
    }

    private OpCounter(Layer model, SpikeRule rule) {
        this.model = model;
        this.rule = rule;
        // a layer used twice in the tree is counted under its first name
        model.namedLayers().forEach((name, layer) -> names.putIfAbsent(layer, name));
        for (Map.Entry<Layer, String> e : names.entrySet()) {
            if (e.getKey().forwardObservers().stream().anyMatch(o -> o instanceof Tap)) {
                throw new IllegalStateException("OpCounter.attach: layer '" + e.getValue() + "' ("
                        + firstLine(e.getKey()) + ") of " + firstLine(model) + " is already counted by an open "
                        + "OpCounter; close it first (two counters on one model would double every count)");
            }
        }
        Tap tap = new Tap(this);
        names.keySet().forEach(layer -> handles.add(layer.observeForward(tap)));
    }

    /** Attaches a counter to every layer of {@code model}, judging spikes by their values ({@link SpikeRule#VALUES}). */
    public static OpCounter attach(Layer model) {
        return attach(model, SpikeRule.VALUES);
    }

    /**
     * Attaches a counter to every layer of {@code model} (its layers now; a layer added later is not counted).
     *
     * @throws IllegalStateException when a layer of {@code model} is already counted by an open counter
     */
    public static OpCounter attach(Layer model, SpikeRule rule) {
        if (model == null || rule == null) {
            throw new IllegalArgumentException("OpCounter.attach: model " + (model == null ? "null" : "given")
                    + " and rule " + rule + "; both are required");
        }
        return new OpCounter(model, rule);
    }

    private synchronized void record(Layer layer, Var input, Var output) {
        Forward forward = new Forward(layer, input, output, rule, spikeCache);
        OpCounts counts = OpCounts.ZERO;
        boolean counted = true;
        if (layer instanceof Countable c) {
            counts = c.cost(forward);
            if (counts == null) {
                throw new IllegalStateException("OpCounter: " + firstLine(layer) + ".cost returned null");
            }
        } else if (layer.children().isEmpty()) {
            counted = false; // a leaf that declares nothing: unknown, not free
        }
        boolean spikes = forward.inputIsSpikes();
        long fired = spikes ? LayerCosts.nonZero(input) : 0;
        double rateModel = spikes ? (double) fired / input.numel() * counts.denseMacs() : 0;
        LayerCount count = new LayerCount(names.getOrDefault(layer, "?"), layer, firstLine(layer), output.shape(), 1,
                counts, rateModel, counted, fired, spikes ? input.numel() : 0);
        pending.merge(layer, count, LayerCount::plus);
        if (layer == model) {
            long samples = input.dim() == 0 ? 1 : input.size(0);
            steps.add(new Step(steps.size(), samples, inModelOrder(pending)));
            pending.clear();
            spikeCache.clear();
        } else if (spikeCache.size() > 4096) {
            spikeCache.clear(); // NOTE: forwards of parts of the model outside a model forward never close a step
        }
    }

    private List<LayerCount> inModelOrder(Map<Layer, LayerCount> counts) {
        List<LayerCount> out = new ArrayList<>();
        names.keySet().forEach(layer -> {
            LayerCount c = counts.get(layer);
            if (c != null) {
                out.add(c);
            }
        });
        return out;
    }

    /** The model this counter is attached to. */
    public Layer model() {
        return model;
    }

    public SpikeRule rule() {
        return rule;
    }

    /** The model's forwards counted so far, in order. */
    public synchronized List<Step> steps() {
        return List.copyOf(steps);
    }

    /**
     * Each layer's counts over every step (and over forwards of its parts run outside a model forward), in the
     * model's order; layers that never ran are left out.
     */
    public synchronized List<LayerCount> layers() {
        Map<Layer, LayerCount> all = new LinkedHashMap<>();
        for (Step s : steps) {
            s.layers().forEach(c -> all.merge(c.layer(), c, LayerCount::plus));
        }
        pending.forEach((layer, c) -> all.merge(layer, c, LayerCount::plus));
        return inModelOrder(all);
    }

    /** The operations of every counted forward, for the whole batches. */
    public synchronized OpCounts total() {
        return layers().stream().map(LayerCount::counts).reduce(OpCounts.ZERO, OpCounts::plus);
    }

    /** The samples the steps processed: the sum of their batch sizes. */
    public synchronized long samples() {
        return steps.stream().mapToLong(Step::samples).sum();
    }

    /** Forgets every count (the counter stays attached). */
    public synchronized void reset() {
        steps.clear();
        pending.clear();
        spikeCache.clear();
    }

    /** Removes the counter's observers; the counts stay readable. Closing twice is harmless. */
    @Override
    public synchronized void close() {
        handles.forEach(HookHandle::remove);
        handles.clear();
        spikeCache.clear();
    }

    static String firstLine(Layer layer) {
        String s = layer.toString();
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
