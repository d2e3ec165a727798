package org.bitspike.nn.accounting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The Pareto front keeps exactly the entries nobody beats, on each axis; entries priced differently are refused. */
class EfficiencyReportTest {
    private static final CostTable TABLE = CostTable.horowitz45nm();

    private static EfficiencyReport.Entry entry(String name, double accuracy, long macs, double ops) {
        return new EfficiencyReport.Entry(name, accuracy, Energy.of(OpCounts.of(OpKind.MAC, macs), 1, TABLE), ops);
    }

    @Test
    void theFrontHoldsTheUnbeatenEntriesByIncreasingCost() {
        EfficiencyReport r = new EfficiencyReport(OpsConvention.BOPS_OVER_64_PLUS_FLOPS)
                .add(entry("float", 0.93, 1000, 1000))
                .add(entry("snn", 0.92, 100, 900))
                .add(entry("bnn", 0.90, 50, 20))
                .add(entry("worse", 0.89, 120, 950)) // beaten by snn on energy and by bnn on OPs
                .add(entry("tie", 0.90, 50, 30)); // equal to bnn on energy: not beaten there; beaten on OPs
        assertEquals(List.of("bnn", "tie", "snn", "float"), names(r.paretoFront(EfficiencyReport.Cost.ENERGY)));
        assertEquals(List.of("bnn", "snn", "float"), names(r.paretoFront(EfficiencyReport.Cost.OPS)));
        String text = r.toText();
        assertTrue(text.contains("compute-only estimate") && text.contains("BOPS_OVER_64_PLUS_FLOPS"), text);
        assertTrue(text.lines().anyMatch(l -> l.startsWith("worse") && !l.contains("energy") && !l.contains("OPs")), text);
    }

    @Test
    void entriesPricedDifferentlyOrNamedTwiceOrOutOfRangeAreRefused() {
        EfficiencyReport r = new EfficiencyReport(OpsConvention.DENSE_MACS).add(entry("a", 0.5, 10, 10));
        EfficiencyReport.Entry repriced = new EfficiencyReport.Entry("b", 0.6,
                Energy.of(OpCounts.of(OpKind.MAC, 10), 1, TABLE.with(OpKind.MAC, 1.0)), 10);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.add(repriced));
        assertTrue(e.getMessage().contains("cannot be compared"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> r.add(entry("a", 0.7, 10, 10)));
        assertThrows(IllegalArgumentException.class, () -> entry("c", 1.5, 10, 10));
        assertThrows(IllegalArgumentException.class, () -> entry("c", 0.5, 10, Double.NaN));
    }

    private static List<String> names(List<EfficiencyReport.Entry> entries) {
        return entries.stream().map(EfficiencyReport.Entry::name).toList();
    }
}
