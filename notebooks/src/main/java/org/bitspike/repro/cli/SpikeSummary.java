package org.bitspike.repro.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.bitspike.nn.spiking.SpikeStatistics;

/**
 * Spike statistics of the test-set evaluation for {@code results.json}: per layer the evaluation firing
 * rate, near-threshold mass, theta and |v|, and the histogram of {@code z - theta} with its edges.
 */
final class SpikeSummary {
    private SpikeSummary() {
    }

    static Map<String, Object> of(SpikeStatistics spikes) {
        Map<String, Object> out = new LinkedHashMap<>();
        SpikeStatistics.Options o = spikes.options();
        out.put("histogram_range", new double[] {o.lo(), o.hi()});
        out.put("histogram_bins", o.bins());
        out.put("near_threshold_band", o.band());
        Map<String, Object> summary = spikes.summary();
        Map<String, Object> layers = new LinkedHashMap<>();
        for (SpikeStatistics.LayerCounts c : spikes.layers()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = new LinkedHashMap<>((Map<String, Object>) summary.get(c.name()));
            m.remove("firing_rate_train"); // the test set is evaluated only; training rates are in metrics.jsonl
            m.remove("near_threshold_mass_train");
            m.put("histogram_eval", c.histogram(false));
            layers.put(c.name(), m);
        }
        out.put("layers", layers);
        return out;
    }
}
