package org.bitspike.nn.accounting;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bitspike.autograd.GradMode;
import org.bitspike.autograd.Var;
import org.bitspike.nn.Layer;
import org.bitspike.tensor.Tensor;

/**
 * A model's summary from what ran (Larq's {@code summary}, with spikes and energy): per layer the output shape, the
 * parameters by precision and their memory, the operations by kind per sample and their energy. One {@link Row} record
 * per layer, so a notebook table or a command line prints the same data; {@link #toText()} is the terminal table.
 *
 * @param rows the layers that ran and have parameters or operations, plus the leaves, in the model's order
 * @param samples the samples the counted forwards processed (counts are per sample: totals divided by it)
 * @param steps the model forwards counted
 * @param energy the estimate per sample of the counted operations ({@link EnergyModel#COUNTED}, compute only)
 * @param rule how spikes were recognised
 */
public record ModelSummary(List<Row> rows, long samples, int steps, Energy energy, SpikeRule rule) {
    /**
     * One layer.
     *
     * @param name dotted name in the model
     * @param description the layer's one-line description
     * @param outputShape its last output's shape (batch included)
     * @param inputSpikeRate the fraction of its input that fired when the input was spikes, NaN when it was not
     * @param parametersByBits its own parameters (not its children's), counted by bits per element
     * @param opsPerSample operations per sample by kind
     * @param picojoules the compute energy per sample of those operations under the summary's table
     * @param counted false for a leaf that declares no cost ({@link Countable}): its operations are unknown
     */
    public record Row(String name, String description, int[] outputShape, double inputSpikeRate,
                      Map<Integer, Long> parametersByBits,
                      Map<OpKind, Double> opsPerSample, double picojoules, boolean counted) {
        public Row {
            outputShape = outputShape.clone();
            parametersByBits = Collections.unmodifiableMap(new TreeMap<>(parametersByBits));
            opsPerSample = Collections.unmodifiableMap(new EnumMap<>(opsPerSample));
        }

        @Override
        public int[] outputShape() {
            return outputShape.clone();
        }

        /** The number of parameters, all precisions. */
        public long parameters() {
            return parametersByBits.values().stream().mapToLong(Long::longValue).sum();
        }

        /** The memory of the parameters in bits: each counted at its precision. */
        public long memoryBits() {
            return parametersByBits.entrySet().stream().mapToLong(e -> e.getKey() * e.getValue()).sum();
        }
    }

    public ModelSummary {
        rows = List.copyOf(rows);
    }

    /** The summary of what {@code counter} counted, its energy priced by {@code table}. */
    public static ModelSummary of(OpCounter counter, CostTable table) {
        long samples = counter.samples();
        if (samples <= 0) {
            throw new IllegalStateException("ModelSummary: the counter on " + OpCounter.firstLine(counter.model())
                    + " has seen no complete model forward; run the model while it is attached");
        }
        List<Row> rows = new ArrayList<>();
        List<LayerCount> layers = counter.layers();
        for (LayerCount c : layers) {
            Map<Integer, Long> params = parametersByBits(c.layer());
            if (!c.layer().children().isEmpty() && params.isEmpty() && c.counts().isZero()) {
                continue; // a container: its children have the rows
            }
            Map<OpKind, Double> ops = new EnumMap<>(OpKind.class);
            double pj = 0;
            for (OpKind k : OpKind.values()) {
                ops.put(k, (double) c.counts().get(k) / samples);
                pj += c.counts().get(k) * table.picojoules(k) / samples;
            }
            rows.add(new Row(c.name(), c.description(), c.outputShape(), c.inputSpikeRate(), params, ops, pj,
                    c.counted()));
        }
        return new ModelSummary(rows, samples, counter.steps().size(), Energy.of(layers, samples, table,
                EnergyModel.COUNTED), counter.rule());
    }

    /**
     * Runs {@code model} once on {@code input} without gradients, in the mode it is in (call {@code eval()} first for
     * inference costs), with a counter attached for that forward only, and summarises it with {@code table}.
     */
    public static ModelSummary run(Layer model, Tensor input, CostTable table) {
        try (OpCounter counter = OpCounter.attach(model); GradMode.Scope scope = GradMode.noGrad()) {
            model.forward(input);
            return of(counter, table);
        }
    }

    /** The parameters {@code layer} registered itself, by the bits per element it stores them in. */
    static Map<Integer, Long> parametersByBits(Layer layer) {
        Map<Integer, Long> out = new TreeMap<>();
        for (Map.Entry<String, Var> e : layer.namedParameters().entrySet()) {
            if (e.getKey().contains(".")) {
                continue; // a descendant's
            }
            int bits = layer instanceof Countable c ? c.parameterBits(e.getKey(), e.getValue())
                    : e.getValue().dtype().byteSize() * 8;
            if (bits <= 0) {
                throw new IllegalStateException(OpCounter.firstLine(layer) + ": parameter '" + e.getKey()
                        + "' declares " + bits + " bits per element; must be positive");
            }
            out.merge(bits, (long) e.getValue().numel(), Long::sum);
        }
        return out;
    }

    /**
     * {@link #energy()} plus memory traffic: every parameter of the rows read once per model forward, at the table's
     * price per bit (activations are not modelled).
     */
    public Energy energyWithParameterReads() {
        return energy.withParameterReads((double) parameterBits() * steps / samples);
    }

    /** Operations per sample of every row, by kind. */
    public Map<OpKind, Double> totalOpsPerSample() {
        Map<OpKind, Double> out = new EnumMap<>(OpKind.class);
        for (OpKind k : OpKind.values()) {
            out.put(k, rows.stream().mapToDouble(r -> r.opsPerSample().get(k)).sum());
        }
        return out;
    }

    /** Parameters of every row by bits per element. */
    public Map<Integer, Long> parametersByBits() {
        Map<Integer, Long> out = new TreeMap<>();
        rows.forEach(r -> r.parametersByBits().forEach((b, n) -> out.merge(b, n, Long::sum)));
        return out;
    }

    /** The parameters' memory in bits, each at its precision. */
    public long parameterBits() {
        return rows.stream().mapToLong(Row::memoryBits).sum();
    }

    /** The rows of leaves that declare no cost: their operations are missing from the totals. */
    public List<String> uncounted() {
        return rows.stream().filter(r -> !r.counted()).map(r -> r.name() + " " + r.description()).toList();
    }

    /**
     * The table's cells: a header line, one line per row and a total line, formatted for reading (counts with SI
     * prefixes, memory in bytes, energy in joules); the terminal table and the notebook's HTML table show these.
     */
    public List<List<String>> cells() {
        List<List<String>> cells = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("Layer", "Output shape", "In spikes", "Params", "Memory"));
        for (OpKind k : OpKind.values()) {
            header.add(k.plural());
        }
        header.add("Energy");
        cells.add(List.copyOf(header));
        for (Row r : rows) {
            List<String> line = new ArrayList<>(List.of((r.name().isEmpty() ? "(model)" : r.name()) + " "
                    + r.description(), Arrays.toString(r.outputShape()), Double.isNaN(r.inputSpikeRate()) ? "-"
                    : String.format(java.util.Locale.ROOT, "%.1f%%", 100 * r.inputSpikeRate()), params(r.parametersByBits()),
                    bits(r.memoryBits())));
            for (OpKind k : OpKind.values()) {
                line.add(r.counted() ? Units.count(r.opsPerSample().get(k)) : "?");
            }
            line.add(r.counted() ? Units.energy(r.picojoules()) : "?");
            cells.add(List.copyOf(line));
        }
        Map<OpKind, Double> total = totalOpsPerSample();
        List<String> line = new ArrayList<>(List.of("Total", "", "", params(parametersByBits()), bits(parameterBits())));
        for (OpKind k : OpKind.values()) {
            line.add(Units.count(total.get(k)));
        }
        line.add(Units.energy(energy.picojoules()));
        cells.add(List.copyOf(line));
        return List.copyOf(cells);
    }

    /** What the numbers mean: how they were counted, the energy with its assumptions, and any uncounted layer. */
    public String notes() {
        StringBuilder sb = new StringBuilder();
        sb.append("Operations and energy per sample, over ").append(samples).append(samples == 1 ? " sample" : " samples")
                .append(" in ").append(steps).append(steps == 1 ? " model forward" : " model forwards")
                .append(", counted from what ran: convolutions and linear layers on spikes cost one AC per weight whose")
                .append(" input fired (spikes: ").append(rule == SpikeRule.VALUES ? "inputs whose values are all 0 or 1"
                        : "never, every input dense").append("); max pooling shrinks the map before the next layer.\n");
        sb.append("Energy: ").append(energy).append('\n');
        List<String> missing = uncounted();
        if (!missing.isEmpty()) {
            sb.append("Uncounted (no declared cost, missing from the totals): ").append(String.join("; ", missing))
                    .append('\n');
        }
        return sb.toString();
    }

    /** The table for a terminal: one line per row, a total line, and the {@link #notes()} under it. */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        table(sb, cells());
        return sb.append(notes()).toString();
    }

    private static String params(Map<Integer, Long> byBits) {
        if (byBits.isEmpty()) {
            return "0";
        }
        List<String> parts = new ArrayList<>();
        byBits.forEach((b, n) -> parts.add(Units.count(n) + " x " + b + "b"));
        return String.join(" + ", parts);
    }

    private static String bits(long bits) {
        if (bits == 0) {
            return "0";
        }
        double bytes = bits / 8.0;
        String[] units = {"B", "KiB", "MiB", "GiB"};
        int u = 0;
        while (bytes >= 1024 && u < units.length - 1) {
            bytes /= 1024;
            u++;
        }
        return String.format(java.util.Locale.ROOT, u == 0 ? "%.0f %s" : "%.2f %s", bytes, units[u]);
    }

    private static void table(StringBuilder sb, List<List<String>> cells) {
        int columns = cells.get(0).size();
        int[] width = new int[columns];
        for (List<String> row : cells) {
            for (int c = 0; c < columns; c++) {
                width[c] = Math.max(width[c], row.get(c).length());
            }
        }
        for (int r = 0; r < cells.size(); r++) {
            if (r == 1 || r == cells.size() - 1) {
                rule(sb, width);
            }
            List<String> row = cells.get(r);
            for (int c = 0; c < columns; c++) {
                String cell = row.get(c);
                String pad = " ".repeat(width[c] - cell.length());
                sb.append(c < 2 ? cell + pad : pad + cell).append(c + 1 < columns ? "  " : "\n");
            }
        }
    }

    private static void rule(StringBuilder sb, int[] width) {
        int total = Arrays.stream(width).sum() + 2 * (width.length - 1);
        sb.append("-".repeat(total)).append('\n');
    }
}
