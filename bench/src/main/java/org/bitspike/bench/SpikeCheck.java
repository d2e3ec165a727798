package org.bitspike.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bitspike.autograd.HookHandle;
import org.bitspike.nn.Layer;
import org.bitspike.nn.spiking.HoyerSpike;

/**
 * Watches the {@link HoyerSpike} layers of a model while a check runs (never while a case is timed):
 * every spike must be exactly 0 or 1, and {@link #requireEveryLayerFires}/{@link #requireSomeFire}
 * check the firing rates. A model without spike layers is watched trivially. Not thread-safe.
 */
final class SpikeCheck implements AutoCloseable {
    /** Spikes seen by one layer: how many fired, of how many, and the first value that is not 0 or 1. */
    private static final class Count {
        long ones;
        long total;
        float bad = Float.NaN;
        long badIndex = -1;
    }

    private final String what;
    private final Map<String, Count> counts = new LinkedHashMap<>();
    private final List<HookHandle> handles = new ArrayList<>();

    private SpikeCheck(String what) {
        this.what = what;
    }

    /** Starts counting the spikes of every {@link HoyerSpike} of {@code model}; errors name {@code what}. */
    static SpikeCheck attach(String what, Layer model) {
        SpikeCheck check = new SpikeCheck(what);
        model.namedLayers().forEach((name, layer) -> {
            if (layer instanceof HoyerSpike spike) {
                check.counts.put(name, new Count());
                check.handles.add(spike.observe(e -> check.count(name, e.spikes().value().toFloatArray())));
            }
        });
        return check;
    }

    /** A check of the named layers that watches nothing: its counts come from {@link #count} (tests). */
    static SpikeCheck of(String what, List<String> layers) {
        SpikeCheck check = new SpikeCheck(what);
        layers.forEach(name -> check.counts.put(name, new Count()));
        return check;
    }

    /** Counts the spikes one forward of layer {@code name} emitted. */
    void count(String name, float[] spikes) {
        Count c = counts.get(name);
        if (c == null) {
            throw new IllegalArgumentException(what + ": " + name + " is not a watched spike layer; watched: "
                    + counts.keySet());
        }
        for (int i = 0; i < spikes.length; i++) {
            if (spikes[i] == 1f) {
                c.ones++;
            } else if (spikes[i] != 0f && c.badIndex < 0) {
                c.bad = spikes[i];
                c.badIndex = c.total + i;
            }
        }
        c.total += spikes.length;
    }

    /** The number of spike layers watched. */
    int layers() {
        return counts.size();
    }

    /** The firing rate of each watched layer so far (NaN for a layer that has not run). */
    Map<String, Double> rates() {
        Map<String, Double> r = new LinkedHashMap<>();
        counts.forEach((name, c) -> r.put(name, c.total == 0 ? Double.NaN : (double) c.ones / c.total));
        return r;
    }

    /**
     * Every spike seen was 0 or 1, and every watched layer ran and fired at a rate strictly between
     * 0 and 1 (a silent or saturated layer passes no information).
     */
    void requireEveryLayerFires() {
        requireZeroOne();
        counts.forEach((name, c) -> {
            if (c.total == 0 || c.ones == 0 || c.ones == c.total) {
                throw new IllegalStateException(String.format(Locale.ROOT,
                        "%s: spike layer %s fired %d of %d times, expected a rate strictly between 0 and 1 "
                                + "(rates: %s)", what, name, c.ones, c.total, rates()));
            }
        });
    }

    /**
     * Every spike seen was 0 or 1, and over all watched layers together some but not all neurons
     * fired (a model without spike layers passes).
     */
    void requireSomeFire() {
        requireZeroOne();
        long ones = counts.values().stream().mapToLong(c -> c.ones).sum();
        long total = counts.values().stream().mapToLong(c -> c.total).sum();
        if (!counts.isEmpty() && (ones == 0 || ones == total)) {
            throw new IllegalStateException(String.format(Locale.ROOT,
                    "%s: the spike layers fired %d of %d times, expected some but not all (rates: %s)",
                    what, ones, total, rates()));
        }
    }

    private void requireZeroOne() {
        counts.forEach((name, c) -> {
            if (c.badIndex >= 0) {
                throw new IllegalStateException(String.format(Locale.ROOT,
                        "%s: spike layer %s emitted %s at flat index %d (of its outputs since the check "
                                + "began), expected only 0 and 1", what, name, c.bad, c.badIndex));
            }
        });
    }

    /** Stops watching the layers. */
    @Override
    public void close() {
        handles.forEach(HookHandle::remove);
        handles.clear();
    }
}
