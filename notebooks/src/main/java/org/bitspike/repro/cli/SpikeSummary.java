package org.bitspike.repro.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.bitspike.nn.spiking.SpikeStatistics;

/** Spike statistics for {@code results.json}: the summary plus each layer's evaluation histogram and its edges. */
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
            m.put("histogram_eval", c.histogram(false));
            layers.put(c.name(), m);
        }
        out.put("layers", layers);
        return out;
    }
}
