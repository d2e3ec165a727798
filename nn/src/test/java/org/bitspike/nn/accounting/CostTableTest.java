package org.bitspike.nn.accounting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The default table is the digest's, a bad table is refused by name, and every estimate carries its assumptions. */
class CostTableTest {

    @Test
    void theDefaultTableIsSection13sAt45nm() {
        CostTable t = CostTable.horowitz45nm();
        assertEquals(4.6, t.picojoules(OpKind.MAC), 1e-12);
        assertEquals(0.9, t.picojoules(OpKind.AC), 1e-12);
        assertEquals(0.9, t.picojoules(OpKind.ADD), 1e-12, "an adder term is two ADDs: 1.8 pJ per MAC equivalent");
        assertEquals(4.6 / 64, t.picojoules(OpKind.BOP), 1e-12);
        assertTrue(t.processNode().contains("45 nm"));
        assertTrue(t.source().contains("Horowitz"));
    }

    @Test
    void aMissingNegativeOrNonFiniteEntryIsAClearError() {
        Map<OpKind, Double> e = new EnumMap<>(CostTable.horowitz45nm().picojoules());
        e.remove(OpKind.BOP);
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> new CostTable("my table", "7 nm", e, 0, ""));
        assertTrue(missing.getMessage().contains("BOP is missing") && missing.getMessage().contains("my table"),
                missing.getMessage());
        e.put(OpKind.BOP, -0.1);
        e.put(OpKind.CMP, Double.NaN);
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> new CostTable("my table", "7 nm", e, 0, ""));
        assertTrue(negative.getMessage().contains("BOP is -0.1 pJ") && negative.getMessage().contains("CMP is NaN pJ"),
                negative.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CostTable.horowitz45nm().with(OpKind.MAC, -1));
        assertThrows(IllegalArgumentException.class, () -> CostTable.horowitz45nm().with(OpKind.AC,
                Double.POSITIVE_INFINITY));
        Map<OpKind, Double> full = CostTable.horowitz45nm().picojoules();
        assertThrows(IllegalArgumentException.class, () -> new CostTable("", "45 nm", full, 0, ""), "no source");
        assertThrows(IllegalArgumentException.class, () -> new CostTable("s", " ", full, 0, ""), "no process node");
        assertThrows(IllegalArgumentException.class, () -> new CostTable("s", "45 nm", full, -1, ""), "memory < 0");
    }

    @Test
    void aReplacedEntryRepricesTheEstimateAndSaysTheTableWasModified() {
        OpCounts counts = OpCounts.of(OpKind.MAC, 10).with(OpKind.AC, 100);
        CostTable cheaper = CostTable.horowitz45nm().with(OpKind.AC, 0.1);
        assertEquals(10 * 4.6 + 100 * 0.1, Energy.of(counts, 1, cheaper).picojoules(), 1e-9);
        assertEquals((10 * 4.6 + 100 * 0.9) / 2, Energy.of(counts, 2, CostTable.horowitz45nm()).picojoules(), 1e-9,
                "per sample");
        assertTrue(cheaper.source().endsWith("(modified)"));
        assertTrue(Energy.of(counts, 1, cheaper).toString().contains("AC set to 0.1 pJ"));
    }

    @Test
    void anEstimateIsComputeOnlyUnlessMemoryIsAskedForAndAlwaysStatesItsAssumptions() {
        Energy e = Energy.of(OpCounts.of(OpKind.MAC, 1000), 1, CostTable.horowitz45nm());
        assertFalse(e.memoryIncluded());
        assertEquals(0, e.memoryPicojoules());
        String text = e.toString();
        assertTrue(text.startsWith("4.600 nJ per sample"), text);
        assertTrue(text.contains("compute-only estimate (memory traffic not counted)"), text);
        assertTrue(text.contains("45 nm CMOS") && text.contains("Horowitz"), text);
        Energy withMemory = e.withParameterReads(64);
        assertEquals(4600 + 10, withMemory.picojoules(), 1e-9, "64 bits of an 8 KB SRAM: 10 pJ");
        assertTrue(withMemory.toString().contains("activation traffic not counted"), withMemory.toString());
        assertThrows(IllegalArgumentException.class, () -> e.withParameterReads(-1));
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> Energy.of(OpCounts.ZERO, 0, CostTable.horowitz45nm()));
        assertTrue(none.getMessage().contains("at least one sample"), none.getMessage());
    }

    @Test
    void opsConventionsByName() {
        OpCounts c = OpCounts.of(OpKind.BOP, 6400).with(OpKind.MAC, 50).with(OpKind.FLOP, 7).withDenseMacs(6450);
        assertEquals(100 + 50 + 7, OpsConvention.BOPS_OVER_64_PLUS_FLOPS.ops(c), 0);
        assertEquals(6450, OpsConvention.DENSE_MACS.ops(c), 0);
        assertThrows(IllegalArgumentException.class, () -> OpCounts.ZERO.with(OpKind.MAC, -1));
    }
}
