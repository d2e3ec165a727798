package org.bitspike.nn.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;

/**
 * The streaming percentile (positives kept, zeros counted, split over batches) equals the textbook one: every ReLU
 * output sorted, then linear interpolation at rank {@code p / 100 (n - 1)} (NumPy's default).
 */
class ConvertPercentileProperties {
    @Property(seed = "1407202614", tries = 300)
    void equalsSortingEveryReluOutput(@ForAll @Size(min = 1, max = 60) double[] values,
            @ForAll @DoubleRange(min = 0.01, max = 100) double p, @ForAll @DoubleRange(min = 0, max = 1) double split) {
        double[] pre = Arrays.stream(values).map(v -> Double.isFinite(v) ? v : 0).map(v -> Math.max(-1e6, Math.min(1e6, v)))
                .toArray();
        ThresholdBalancing.Positives positives = new ThresholdBalancing.Positives();
        int cut = (int) Math.floor(split * pre.length);
        positives.add(Arrays.copyOfRange(pre, 0, cut), "relu", 0);
        positives.add(Arrays.copyOfRange(pre, cut, pre.length), "relu", 1);
        double[] relu = Arrays.stream(pre).map(v -> Math.max(v, 0)).sorted().toArray();
        double rank = p / 100 * (relu.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = (int) Math.ceil(rank);
        double expected = relu[lo] + (rank - lo) * (relu[hi] - relu[lo]);
        assertEquals(expected, positives.percentile(p), 0, "p " + p + " of " + Arrays.toString(pre));
    }
}
