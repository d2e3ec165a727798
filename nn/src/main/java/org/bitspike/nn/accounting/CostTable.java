package org.bitspike.nn.accounting;

import java.util.EnumMap;
import java.util.Map;

/**
 * Energy per operation, in picojoules, with the source it comes from and the process node it holds for. Every
 * {@link OpKind} must have a finite, non-negative entry; a table is replaced by building another
 * ({@link #with(OpKind, double)} changes one entry and keeps the source, marked as modified).
 *
 * @param source where the numbers come from (paper, table, assumptions)
 * @param processNode the technology they hold for, e.g. {@code 45 nm CMOS, 0.9 V}
 * @param picojoules the energy of one operation of each kind
 * @param memoryPicojoulesPerBit the energy of reading one bit of parameters (used only when {@link Energy} is asked
 *     to include memory traffic, which it is not by default); finite and non-negative
 * @param notes the assumptions behind entries the source does not give directly, printed with every estimate
 */
public record CostTable(String source, String processNode, Map<OpKind, Double> picojoules,
                        double memoryPicojoulesPerBit, String notes) {
    /** One 32-bit float multiply (3.7 pJ) plus one add (0.9 pJ) at 45 nm (Horowitz, ISSCC 2014). */
    public static final double MAC_45NM = 3.7 + 0.9;
    /** One 32-bit float add at 45 nm (Horowitz, ISSCC 2014). */
    public static final double ADD_45NM = 0.9;

    public CostTable {
        if (source == null || source.isBlank() || processNode == null || processNode.isBlank()) {
            throw new IllegalArgumentException("CostTable: a table needs its source and process node, got source '"
                    + source + "', process node '" + processNode + "'");
        }
        if (picojoules == null) {
            throw new IllegalArgumentException("CostTable '" + source + "': the energy entries are null");
        }
        StringBuilder problems = new StringBuilder();
        for (OpKind k : OpKind.values()) {
            Double e = picojoules.get(k);
            if (e == null) {
                problems.append("; ").append(k).append(" is missing");
            } else if (!(e >= 0) || Double.isInfinite(e)) {
                problems.append("; ").append(k).append(" is ").append(e).append(" pJ");
            }
        }
        if (!(memoryPicojoulesPerBit >= 0) || Double.isInfinite(memoryPicojoulesPerBit)) {
            problems.append("; memory per bit is ").append(memoryPicojoulesPerBit).append(" pJ");
        }
        if (problems.length() > 0) {
            throw new IllegalArgumentException("CostTable '" + source + "': every operation kind " + java.util.Arrays
                    .toString(OpKind.values()) + " needs a finite energy >= 0 pJ" + problems);
        }
        picojoules = java.util.Collections.unmodifiableMap(new EnumMap<>(picojoules));
        notes = notes == null ? "" : notes;
    }

    /**
     * The table digest section 1.3 uses, for 32-bit floats at 45 nm: MAC 4.6 pJ (multiply 3.7 + add 0.9), AC 0.9 pJ
     * (an add), ADD 0.9 pJ per addition (an adder term is two, so 1.8 pJ per term, section 6.4's proposal), BOP
     * 4.6 / 64 pJ (section 7's proposal, mirroring OPs = BOPs / 64 + FLOPs), CMP 0.9 pJ (a compare is a subtraction),
     * FLOP 2.3 pJ (half a MAC: the two-FLOPs-per-MAC convention; it over-prices a pure add and under-prices a
     * multiply); memory 10 pJ per 64-bit read of an 8 KB SRAM, 0.156 pJ per bit (the same paper; off by default).
     */
    public static CostTable horowitz45nm() {
        Map<OpKind, Double> e = new EnumMap<>(OpKind.class);
        e.put(OpKind.MAC, MAC_45NM);
        e.put(OpKind.AC, ADD_45NM);
        e.put(OpKind.BOP, MAC_45NM / 64);
        e.put(OpKind.ADD, ADD_45NM);
        e.put(OpKind.CMP, ADD_45NM);
        e.put(OpKind.FLOP, MAC_45NM / 2);
        return new CostTable("Horowitz, ISSCC 2014, 32-bit float (digest section 1.3)", "45 nm CMOS, 0.9 V", e,
                10.0 / 64, "MAC = FP32 mul 3.7 + add 0.9; AC = FP32 add; ADD per addition (2 per adder term); "
                + "BOP = MAC / 64 (assumed, mirrors OPs = BOPs/64 + FLOPs); CMP = FP32 add (assumed); "
                + "FLOP = MAC / 2 (assumed); memory = 8 KB SRAM 64-bit read 10 pJ / 64 bits");
    }

    /** The energy of one operation of {@code kind}, in pJ. */
    public double picojoules(OpKind kind) {
        return picojoules.get(kind);
    }

    /** This table with {@code kind} costing {@code pj} picojoules; the source is marked as modified. */
    public CostTable with(OpKind kind, double pj) {
        Map<OpKind, Double> e = new EnumMap<>(picojoules);
        e.put(kind, pj);
        return new CostTable(source.endsWith(" (modified)") ? source : source + " (modified)", processNode, e,
                memoryPicojoulesPerBit, notes + "; " + kind + " set to " + pj + " pJ");
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(source).append(", ").append(processNode).append(": ");
        for (OpKind k : OpKind.values()) {
            sb.append(k).append(' ').append(Units.decimal(picojoules(k))).append(" pJ, ");
        }
        return sb.append("memory ").append(Units.decimal(memoryPicojoulesPerBit)).append(" pJ/bit").toString();
    }
}
