package org.bitspike.nn.spiking;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.bitspike.autograd.HookHandle;
import org.bitspike.nn.Layer;
import org.bitspike.tensor.Tensor;

/**
 * What the {@link HoyerSpike} layers of one model do, counted while it runs: per layer, the firing
 * rate (fraction of outputs that are 1) in training and in evaluation forwards, a histogram of
 * {@code z - s theta} (the normalised potential minus the threshold it met) with the
 * near-threshold mass {@code |z - s theta| < band}, and the latest theta and |v|. The counts cover
 * the forwards since the last {@link #reset()}; the histogram is kept for evaluation forwards only
 * unless {@link Options#histogramsInTraining()} (it costs a pass over every map).
 *
 * <p>Scoped to one model and closed by its owner: {@link #attach} registers an observer on each
 * spike layer, {@link #close()} removes them; a model without attached statistics pays nothing.
 */
public final class SpikeStatistics implements AutoCloseable {
    /**
     * @param lo the histogram's first edge (values below are counted in the first bin's underflow)
     * @param hi the last edge
     * @param bins equal bins between lo and hi
     * @param band the half-width of the near-threshold band
     * @param histogramsInTraining whether training forwards are histogrammed too
     */
    public record Options(double lo, double hi, int bins, double band, boolean histogramsInTraining) {
        /** [-1, 1] in 80 bins of 0.025, band 0.05, evaluation only. */
        public static final Options DEFAULT = new Options(-1, 1, 80, 0.05, false);

        public Options {
            if (!(lo < hi) || !Double.isFinite(lo) || !Double.isFinite(hi) || bins <= 0 || !(band > 0)) {
                throw new IllegalArgumentException(String.format("SpikeStatistics: needs finite lo %s < hi %s, bins %d > 0 "
                        + "and band %s > 0", lo, hi, bins, band));
            }
        }
    }

    /** The counts of one layer. */
    public static final class LayerCounts {
        private final String name;
        private final HoyerSpike layer;
        // index 0: training forwards, 1: evaluation forwards
        private final long[] spikes = new long[2];
        private final long[] outputs = new long[2];
        private final long[] near = new long[2];
        private final long[][] histogram = new long[2][];

        LayerCounts(String name, HoyerSpike layer, int bins) {
            this.name = name;
            this.layer = layer;
            for (int m = 0; m < 2; m++) {
                histogram[m] = new long[bins + 2]; // [underflow, bins..., overflow (and NaN)]
            }
        }

        public String name() {
            return name;
        }

        /** Fraction of outputs that fired in training or in evaluation forwards; NaN when none ran. */
        public double firingRate(boolean training) {
            int m = training ? 0 : 1;
            return outputs[m] == 0 ? Double.NaN : (double) spikes[m] / outputs[m];
        }

        /** Fraction of histogrammed outputs with {@code |z - s theta| < band}; NaN when none. */
        public double nearThresholdMass(boolean training) {
            int m = training ? 0 : 1;
            long total = java.util.Arrays.stream(histogram[m]).sum();
            return total == 0 ? Double.NaN : (double) near[m] / total;
        }

        /** The histogram of {@code z - s theta}: underflow, the bins, overflow (a copy). */
        public long[] histogram(boolean training) {
            return histogram[training ? 0 : 1].clone();
        }

        /** The layer's running theta now: its mean over channels. */
        public double theta() {
            return layer.runningTheta().mean().itemDouble();
        }

        /** |v| now. */
        public double clip() {
            return Math.abs(layer.clip().value().itemDouble());
        }

        void clear() {
            java.util.Arrays.fill(spikes, 0);
            java.util.Arrays.fill(outputs, 0);
            java.util.Arrays.fill(near, 0);
            for (long[] h : histogram) {
                java.util.Arrays.fill(h, 0);
            }
        }
    }

    private final Options options;
    private final Map<HoyerSpike, LayerCounts> counts = new LinkedHashMap<>();
    private final List<HookHandle> handles = new ArrayList<>();

    private SpikeStatistics(Layer model, Options options) {
        this.options = options;
        HoyerSpike.layersOf(model, "SpikeStatistics.attach").forEach((name, spike) -> {
            counts.put(spike, new LayerCounts(name, spike, options.bins()));
            handles.add(spike.observe(this::record));
        });
    }

    /** Attaches to every {@link HoyerSpike} of {@code model} with the default options. */
    public static SpikeStatistics attach(Layer model) {
        return attach(model, Options.DEFAULT);
    }

    /**
     * Attaches to every {@link HoyerSpike} of {@code model}.
     *
     * @throws IllegalArgumentException when the model has no Hoyer spike layer
     */
    public static SpikeStatistics attach(Layer model, Options options) {
        Objects.requireNonNull(options, "SpikeStatistics.attach: options are null");
        return new SpikeStatistics(model, options);
    }

    public Options options() {
        return options;
    }

    /** The counts per spike layer, in the model's order. */
    public List<LayerCounts> layers() {
        return List.copyOf(counts.values());
    }

    /** Clears every count (theta and |v| are read live). */
    public void reset() {
        counts.values().forEach(LayerCounts::clear);
    }

    /**
     * The counts as JSON-ready values by layer name: {@code firing_rate_train}, {@code firing_rate_eval},
     * {@code near_threshold_mass_eval} (and {@code _train} when histogrammed), {@code theta} (mean running
     * theta) and {@code clip} (|v|).
     */
    public Map<String, Object> summary() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (LayerCounts c : counts.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("firing_rate_train", c.firingRate(true));
            m.put("firing_rate_eval", c.firingRate(false));
            if (options.histogramsInTraining()) {
                m.put("near_threshold_mass_train", c.nearThresholdMass(true));
            }
            m.put("near_threshold_mass_eval", c.nearThresholdMass(false));
            m.put("theta", c.theta());
            m.put("clip", c.clip());
            out.put(c.name(), m);
        }
        return out;
    }

    /** Detaches from the model's layers. */
    @Override
    public void close() {
        handles.forEach(HookHandle::remove);
        handles.clear();
    }

    private void record(SpikeEvent e) {
        LayerCounts c = counts.get(e.layer());
        int m = e.training() ? 0 : 1;
        Tensor spikes = e.spikes().value();
        c.spikes[m] += Math.round(spikes.sum().itemDouble());
        c.outputs[m] += spikes.numel();
        if (e.training() && !options.histogramsInTraining()) {
            return;
        }
        float[] d = e.normalised().sub(e.threshold()).contiguous().toFloatArray();
        long[] h = c.histogram[m];
        double width = (options.hi() - options.lo()) / options.bins();
        long nearCount = 0;
        for (float x : d) {
            if (Math.abs(x) < options.band()) {
                nearCount++;
            }
            int bin = x < options.lo() ? 0 : !(x < options.hi()) ? options.bins() + 1
                    : 1 + Math.min(options.bins() - 1, (int) ((x - options.lo()) / width));
            h[bin]++;
        }
        c.near[m] += nearCount;
    }
}
