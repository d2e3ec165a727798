package org.bitspike.nn.accounting;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * An energy estimate per sample: operation counts priced by a {@link CostTable} under an {@link EnergyModel}. It is a
 * compute-only estimate unless memory traffic was added ({@link #withParameterReads(double)}, off by default), and it
 * always prints with its assumptions: the model, the table, its source and process node.
 *
 * @param model which operations are priced
 * @param table the prices
 * @param picojoulesByKind the compute energy per sample of each kind of operation, in pJ
 * @param parameterBitsRead the parameter bits read per sample when memory traffic is included, else 0
 * @param memoryIncluded whether parameter reads are priced (never activations: they are not modelled)
 */
public record Energy(EnergyModel model, CostTable table, Map<OpKind, Double> picojoulesByKind, double parameterBitsRead,
                     boolean memoryIncluded) {
    public Energy {
        if (model == null || table == null || picojoulesByKind == null) {
            throw new IllegalArgumentException("Energy: model, table and energies are required");
        }
        picojoulesByKind = Collections.unmodifiableMap(new EnumMap<>(picojoulesByKind));
    }

    /** The counted operations of {@code samples} samples priced by {@code table} ({@link EnergyModel#COUNTED}). */
    public static Energy of(OpCounts counts, long samples, CostTable table) {
        checkSamples(samples);
        Map<OpKind, Double> pj = new EnumMap<>(OpKind.class);
        for (OpKind k : OpKind.values()) {
            pj.put(k, counts.get(k) * table.picojoules(k) / samples);
        }
        return new Energy(EnergyModel.COUNTED, table, pj, 0, false);
    }

    /** The layers' counts over {@code samples} samples priced by {@code table} under {@code model}. */
    public static Energy of(List<LayerCount> layers, long samples, CostTable table, EnergyModel model) {
        checkSamples(samples);
        OpCounts total = layers.stream().map(LayerCount::counts).reduce(OpCounts.ZERO, OpCounts::plus);
        if (model == EnergyModel.COUNTED) {
            return of(total, samples, table);
        }
        Map<OpKind, Double> pj = new EnumMap<>(OpKind.class);
        for (OpKind k : OpKind.values()) {
            pj.put(k, 0.0);
        }
        if (model == EnergyModel.DENSE_MACS) {
            pj.put(OpKind.MAC, (double) total.denseMacs() * table.picojoules(OpKind.MAC) / samples);
        } else {
            double rateAcs = layers.stream().mapToDouble(LayerCount::rateModelAccumulates).sum();
            pj.put(OpKind.MAC, total.get(OpKind.MAC) * table.picojoules(OpKind.MAC) / samples);
            pj.put(OpKind.AC, rateAcs * table.picojoules(OpKind.AC) / samples);
            pj.put(OpKind.CMP, total.get(OpKind.CMP) * table.picojoules(OpKind.CMP) / samples);
        }
        return new Energy(model, table, pj, 0, false);
    }

    /** Everything a counter counted, per sample of its steps, under {@code model}. */
    public static Energy of(OpCounter counter, CostTable table, EnergyModel model) {
        return of(counter.layers(), counter.samples(), table, model);
    }

    private static void checkSamples(long samples) {
        if (samples <= 0) {
            throw new IllegalArgumentException("Energy: needs at least one sample, got " + samples
                    + " (did the model run while the counter was attached?)");
        }
    }

    /**
     * This estimate plus the reading of {@code bitsPerSample} parameter bits per sample at the table's memory price
     * (e.g. every parameter read once per forward: {@link ModelSummary#parameterBits()} times forwards over samples).
     */
    public Energy withParameterReads(double bitsPerSample) {
        if (!(bitsPerSample >= 0) || Double.isInfinite(bitsPerSample)) {
            throw new IllegalArgumentException("Energy.withParameterReads: bits per sample must be finite and >= 0, got "
                    + bitsPerSample);
        }
        return new Energy(model, table, picojoulesByKind, bitsPerSample, true);
    }

    /** The compute energy per sample, in pJ. */
    public double computePicojoules() {
        return picojoulesByKind.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    /** The memory energy per sample, in pJ (0 unless included). */
    public double memoryPicojoules() {
        return memoryIncluded ? parameterBitsRead * table.memoryPicojoulesPerBit() : 0;
    }

    /** The estimate per sample, in pJ. */
    public double picojoules() {
        return computePicojoules() + memoryPicojoules();
    }

    /** The assumptions this figure rests on, in one paragraph. */
    public String assumptions() {
        return (memoryIncluded ? "compute + parameter-read estimate (" + Units.count(parameterBitsRead)
                + " parameter bits read per sample at " + Units.decimal(table.memoryPicojoulesPerBit())
                + " pJ/bit; activation traffic not counted)" : "compute-only estimate (memory traffic not counted)")
                + "; " + model.description() + "; cost table: " + table + (table.notes().isEmpty() ? "" : " [" + table.notes() + "]");
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(Units.energy(picojoules())).append(" per sample (");
        boolean first = true;
        for (Map.Entry<OpKind, Double> e : picojoulesByKind.entrySet()) {
            if (e.getValue() > 0) {
                sb.append(first ? "" : ", ").append(e.getKey().plural()).append(' ').append(Units.energy(e.getValue()));
                first = false;
            }
        }
        if (memoryIncluded) {
            sb.append(first ? "" : ", ").append("memory ").append(Units.energy(memoryPicojoules()));
        }
        return sb.append("); ").append(assumptions()).toString();
    }
}
