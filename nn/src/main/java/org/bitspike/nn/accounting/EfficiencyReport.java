package org.bitspike.nn.accounting;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Accuracy against cost for several models (the papers' "best accuracy for the compute" claim): one {@link Entry} per
 * model and the Pareto front on energy or on OPs. Entries are comparable only when priced alike, so every entry must
 * share the first one's cost table and energy model. The data for a plot; drawing it belongs to the notebook kernel.
 */
public final class EfficiencyReport {
    /** The cost axis of a comparison. */
    public enum Cost {
        /** Energy per sample ({@link Energy#picojoules()}), in pJ. */
        ENERGY,
        /** OPs per sample under the report's {@link OpsConvention}. */
        OPS
    }

    /**
     * One model.
     *
     * @param name the model's label
     * @param accuracy in [0, 1]
     * @param energy its estimate per sample
     * @param opsPerSample its OPs per sample under the report's convention
     */
    public record Entry(String name, double accuracy, Energy energy, double opsPerSample) {
        public Entry {
            if (name == null || name.isBlank() || !(accuracy >= 0 && accuracy <= 1) || energy == null
                    || !(opsPerSample >= 0) || Double.isInfinite(opsPerSample)) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "EfficiencyReport.Entry '%s': needs a name, "
                        + "an accuracy in [0, 1] (got %s), an energy (%s) and finite OPs >= 0 (got %s)", name, accuracy,
                        energy == null ? "null" : "given", opsPerSample));
            }
        }

        /** The entry's cost on {@code axis}. */
        public double cost(Cost axis) {
            return axis == Cost.ENERGY ? energy.picojoules() : opsPerSample;
        }
    }

    private final OpsConvention convention;
    private final List<Entry> entries = new ArrayList<>();

    /** An empty report whose OPs follow {@code convention}. */
    public EfficiencyReport(OpsConvention convention) {
        if (convention == null) {
            throw new IllegalArgumentException("EfficiencyReport: the OPs convention is null");
        }
        this.convention = convention;
    }

    public OpsConvention convention() {
        return convention;
    }

    /**
     * Adds a model from its accuracy and a counter that ran it: energy under {@code model}, OPs under the report's
     * convention, both per sample. Returns this.
     */
    public EfficiencyReport add(String name, double accuracy, OpCounter counter, CostTable table, EnergyModel model) {
        Energy energy = Energy.of(counter, table, model);
        return add(new Entry(name, accuracy, energy, convention.ops(counter.total()) / counter.samples()));
    }

    /**
     * Adds {@code entry}. Returns this.
     *
     * @throws IllegalArgumentException when its name is taken or its energy is priced with another table or model
     */
    public EfficiencyReport add(Entry entry) {
        for (Entry e : entries) {
            if (e.name().equals(entry.name())) {
                throw new IllegalArgumentException("EfficiencyReport.add: a model named '" + entry.name()
                        + "' is already in the report");
            }
        }
        if (!entries.isEmpty()) {
            Energy first = entries.get(0).energy();
            if (!first.table().equals(entry.energy().table()) || first.model() != entry.energy().model()
                    || first.memoryIncluded() != entry.energy().memoryIncluded()) {
                throw new IllegalArgumentException("EfficiencyReport.add: '" + entry.name() + "' is priced as "
                        + entry.energy().assumptions() + ", but the report as " + first.assumptions()
                        + "; estimates priced differently cannot be compared");
            }
        }
        entries.add(entry);
        return this;
    }

    /** The entries in the order they were added. */
    public List<Entry> entries() {
        return List.copyOf(entries);
    }

    /**
     * The entries no other entry beats (at least as accurate and at most as costly on {@code axis}, better in one),
     * by increasing cost.
     */
    public List<Entry> paretoFront(Cost axis) {
        List<Entry> front = new ArrayList<>();
        for (Entry e : entries) {
            boolean dominated = entries.stream().anyMatch(o -> o != e && o.accuracy() >= e.accuracy()
                    && o.cost(axis) <= e.cost(axis) && (o.accuracy() > e.accuracy() || o.cost(axis) < e.cost(axis)));
            if (!dominated) {
                front.add(e);
            }
        }
        front.sort(Comparator.comparingDouble((Entry e) -> e.cost(axis)).thenComparing(Entry::name));
        return front;
    }

    /** A terminal table: accuracy, energy, OPs, and which entries are on each front; the assumptions under it. */
    public String toText() {
        List<Entry> energyFront = paretoFront(Cost.ENERGY);
        List<Entry> opsFront = paretoFront(Cost.OPS);
        int width = Math.max(5, entries.stream().mapToInt(e -> e.name().length()).max().orElse(5));
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-" + width + "s  %8s  %12s  %10s  %s%n",
                "Model", "Accuracy", "Energy", "OPs", "Pareto front"));
        for (Entry e : entries) {
            String front = (energyFront.contains(e) ? "energy" : "") + (energyFront.contains(e) && opsFront.contains(e)
                    ? ", " : "") + (opsFront.contains(e) ? "OPs" : "");
            sb.append(String.format(Locale.ROOT, "%-" + width + "s  %7.2f%%  %12s  %10s  %s%n", e.name(),
                    100 * e.accuracy(), Units.energy(e.energy().picojoules()), Units.count(e.opsPerSample()), front));
        }
        sb.append("OPs: ").append(convention).append(". ");
        sb.append(entries.isEmpty() ? "No entries." : "Energy per sample: " + entries.get(0).energy().assumptions())
                .append('\n');
        return sb.toString();
    }
}
