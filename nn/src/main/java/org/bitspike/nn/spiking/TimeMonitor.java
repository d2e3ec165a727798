package org.bitspike.nn.spiking;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.bitspike.autograd.HookHandle;
import org.bitspike.autograd.Var;
import org.bitspike.nn.Layer;
import org.bitspike.nn.LayerObserver;
import org.bitspike.nn.accounting.Countable;
import org.bitspike.nn.accounting.Forward;
import org.bitspike.nn.accounting.LayerCosts;
import org.bitspike.nn.accounting.OpCounts;
import org.bitspike.nn.accounting.OpKind;
import org.bitspike.nn.accounting.SpikeRule;
import org.bitspike.tensor.Tensor;

/**
 * What a spiking model does at each time step, recorded while it runs: per {@link Neuron} layer and step, the firing
 * rate and statistics of the charged potential {@code H[t]} (mean, standard deviation, minimum, maximum, fraction near
 * the threshold); per counted layer ({@link Countable}) and step, the operations of the accounting
 * ({@link OpCounts}), accumulates included from the spikes that arrived at that step. Steps are indexed from each
 * neuron's last reset ({@link Neuron#resetState()}), and the records sum over every sequence run since the monitor's
 * {@link #reset()}: run ten samples of T steps, read ten samples' worth at each of the T steps.
 *
 * <pre>{@code
 * try (TimeMonitor monitor = TimeMonitor.attach(model)) {
 *     model.forward(spikeTrains);                 // [T, N, ...] in multi-step mode, or T single-step calls
 *     monitor.neurons();                          // per layer and step: firing rate, membrane statistics
 *     monitor.operations();                       // per layer and step: MACs, ACs, CMPs, FLOPs, ...
 *     monitor.summary();                          // the same as JSON-ready lists per layer, indexed by step
 * }
 * }</pre>
 *
 * <p>Both step modes give the same records, number for number: a neuron reports each step itself
 * ({@link Neuron#observeSteps}); a layer that saw all T steps at once ({@code [T, N, ...]}, or {@code [T*N, ...]}
 * inside a {@link MultiStep} or a {@link DirectSteps} network) is costed step by step on its slices of the batch, so
 * a convolution fed no spikes at step 0 and k at step 1 costs 0 and exactly {@code k * fanout} accumulates. Each step
 * is judged spikes or not on its own ({@link SpikeRule}), as a single-step forward of it would be; so the steps sum to
 * the {@link org.bitspike.nn.accounting.OpCounter}'s count of the same forwards except when some step, but not the
 * whole sequence, holds only zeros and ones. A {@link MultiStep} or {@link FoldedTime} wrapper is transparent: the
 * layer it wraps is named by the wrapper ({@code "0"}, not {@code "0.layer"}), so a model and its single-step twin
 * name their layers alike.
 *
 * <p>What cannot be split by step is recorded for the whole sequence ({@link LayerOperations#sequence()}): a layer
 * whose input or output is not laid out by step (the sum over steps of {@link DirectSteps}, a decoder), or a model
 * forward in which no neuron ran. Forwards are attributed when the whole model's forward returns; forwards of a part
 * of the model alone are attributed with the next forward of the whole.
 *
 * <p>Scoped to one model and closed by its owner: attaching puts one step observer on each neuron and one forward
 * observer on each counted layer and on the model, {@link #close()} removes them, and the records stay readable. Nothing global; a model
 * without a monitor pays nothing (one emptiness check per layer forward and per neuron step). Not thread-safe: read it
 * on the thread that runs the model, or after.
 */
public final class TimeMonitor implements AutoCloseable {
    /**
     * @param nearBand the half-width of the near-threshold band, as a fraction of the threshold: a neuron is near when
     *     {@code |H - theta| < nearBand * theta} (default 0.1)
     * @param rule how an input is judged spikes for the operation counts (default {@link SpikeRule#VALUES})
     */
    public record Options(double nearBand, SpikeRule rule) {
        /** Band 10% of the threshold, spikes judged by their values. */
        public static final Options DEFAULT = new Options(0.1, SpikeRule.VALUES);

        public Options {
            if (!(nearBand > 0) || !Double.isFinite(nearBand)) {
                throw new IllegalArgumentException("TimeMonitor.Options: nearBand must be positive and finite (a "
                        + "fraction of the threshold), got " + nearBand);
            }
            Objects.requireNonNull(rule, "TimeMonitor.Options: the spike rule is null; SpikeRule.VALUES or NEVER");
        }
    }

    /**
     * One neuron layer at one time step, over every sequence recorded.
     *
     * @param layer the layer's name in the model
     * @param step the time step, from the neuron's last reset
     * @param neurons the neuron-steps recorded (neurons per sample times samples times sequences)
     * @param spikes how many of them fired
     * @param mean the mean of the charged potential {@code H[t]}
     * @param std its standard deviation (population: divided by {@code neurons})
     * @param nearThreshold the fraction with {@code |H - theta| < nearBand * theta}
     * @param min the smallest {@code H[t]}
     * @param max the largest {@code H[t]}
     */
    public record NeuronStats(String layer, int step, long neurons, long spikes, double mean, double std,
                              double nearThreshold, double min, double max) {
        /** The fraction of neuron-steps that fired. */
        public double firingRate() {
            return neurons == 0 ? Double.NaN : (double) spikes / neurons;
        }
    }

    /**
     * One counted layer at one time step, over every sequence recorded.
     *
     * @param layer the layer's name in the model
     * @param step the time step
     * @param ops the operations, for the whole batches
     * @param inputSpikes the non-zero input elements, over the step's inputs that were spikes
     * @param spikeInputElements the elements of the step's inputs that were spikes (0: none was)
     */
    public record StepOperations(String layer, int step, OpCounts ops, long inputSpikes, long spikeInputElements) {
    }

    /**
     * One counted layer over all steps: its operations per step, and what could not be split by step.
     *
     * @param layer the layer's name in the model
     * @param steps its {@link StepOperations} by step (a step it did not run at has zero operations)
     * @param sequence operations recorded for whole sequences (see the class comment)
     */
    public record LayerOperations(String layer, List<StepOperations> steps, OpCounts sequence) {
        public LayerOperations {
            steps = List.copyOf(steps);
        }

        /** Every step's operations and the sequence's, added. */
        public OpCounts total() {
            return steps.stream().map(StepOperations::ops).reduce(sequence, OpCounts::plus);
        }
    }

    /** Running statistics of one neuron layer at one step (Chan's merge of per-step batches). */
    private static final class Moments {
        long n;
        long spikes;
        long near;
        double mean;
        double m2;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;

        void add(double[] h, long fired, double threshold, double band) {
            int nb = h.length;
            if (nb == 0) {
                return;
            }
            double sum = 0;
            for (double v : h) {
                sum += v;
                min = Math.min(min, v);
                max = Math.max(max, v);
                if (Math.abs(v - threshold) < band) {
                    near++;
                }
            }
            double meanB = sum / nb;
            double m2B = 0;
            for (double v : h) {
                m2B += (v - meanB) * (v - meanB);
            }
            long total = n + nb;
            double delta = meanB - mean;
            mean += delta * nb / total;
            m2 += m2B + delta * delta * ((double) n * nb / total);
            n = total;
            spikes += fired;
        }
    }

    /** Per-step operations of one layer. */
    private static final class Ops {
        final List<OpCounts> counts = new ArrayList<>();
        final List<long[]> spikes = new ArrayList<>(); // {input spikes, spike input elements}
        OpCounts sequence = OpCounts.ZERO;

        void add(int step, OpCounts c, long fired, long elements) {
            while (counts.size() <= step) {
                counts.add(OpCounts.ZERO);
                spikes.add(new long[2]);
            }
            counts.set(step, counts.get(step).plus(c));
            spikes.get(step)[0] += fired;
            spikes.get(step)[1] += elements;
        }
    }

    /** One layer forward seen during a model forward, attributed when the model's forward returns. */
    private record Seen(Layer layer, Var input, Var output) {
    }

    /** The forward observer the monitor puts on each layer. */
    private final class Tap implements LayerObserver {
        @Override
        public void forwarded(Layer layer, Var input, Var output) {
            onForward(layer, input, output);
        }
    }

    private final Layer model;
    private final Options options;
    private final Map<Layer, String> names = new LinkedHashMap<>();
    private final Map<Neuron, List<Moments>> moments = new LinkedHashMap<>();
    private final Map<Layer, Ops> ops = new LinkedHashMap<>();
    private final List<HookHandle> handles = new ArrayList<>();
    private final List<Seen> pending = new ArrayList<>();
    /** The steps the first neuron to run in the current model forward ran: first, count; and its batch. */
    private long firstStep = -1;
    private int stepsRun;
    private int batch;
    private Neuron timekeeper;

    private TimeMonitor(Layer model, Options options) {
        this.model = model;
        this.options = options;
        Map<String, Layer> all = model.namedLayers();
        List<String> wrappers = new ArrayList<>();
        all.forEach((name, layer) -> {
            if (layer instanceof MultiStep || layer instanceof FoldedTime) {
                wrappers.add(name);
            }
        });
        all.forEach((name, layer) -> names.putIfAbsent(layer, transparent(name, wrappers)));
        names.keySet().forEach(layer -> {
            if (layer instanceof Neuron n) {
                moments.put(n, new ArrayList<>());
                handles.add(n.observeSteps(this::onStep));
            }
        });
        if (moments.isEmpty()) {
            throw new IllegalArgumentException("TimeMonitor.attach: " + firstLine(model) + " has no spiking neuron "
                    + "layer (IFNeuron, LIFNeuron, PLIFNeuron) to monitor");
        }
        Tap tap = new Tap();
        names.keySet().forEach(layer -> {
            if (layer instanceof Countable) {
                ops.put(layer, new Ops());
            }
            if (layer instanceof Countable || layer == model) { // the model's forward ends a forward of the whole
                handles.add(layer.observeForward(tap));
            }
        });
    }

    /** Attaches to every neuron and layer of {@code model} with {@link Options#DEFAULT}. */
    public static TimeMonitor attach(Layer model) {
        return attach(model, Options.DEFAULT);
    }

    /**
     * Attaches to every {@link Neuron} (its steps) and every layer (its forwards) of {@code model}, as it is now.
     *
     * @throws IllegalArgumentException when the model has no neuron layer
     */
    public static TimeMonitor attach(Layer model, Options options) {
        Objects.requireNonNull(model, "TimeMonitor.attach: model is null");
        Objects.requireNonNull(options, "TimeMonitor.attach: options are null");
        return new TimeMonitor(model, options);
    }

    /** The model this monitor is attached to. */
    public Layer model() {
        return model;
    }

    public Options options() {
        return options;
    }

    /** The number of time steps recorded: one more than the largest step any neuron or layer ran at. */
    public int steps() {
        int steps = 0;
        for (List<Moments> m : moments.values()) {
            steps = Math.max(steps, m.size());
        }
        for (Ops o : ops.values()) {
            steps = Math.max(steps, o.counts.size());
        }
        return steps;
    }

    /** Per neuron layer (in the model's order) and step: firing and membrane statistics. */
    public List<NeuronStats> neurons() {
        List<NeuronStats> out = new ArrayList<>();
        moments.forEach((neuron, steps) -> {
            for (int t = 0; t < steps.size(); t++) {
                Moments m = steps.get(t);
                boolean none = m.n == 0;
                out.add(new NeuronStats(names.get(neuron), t, m.n, m.spikes, none ? Double.NaN : m.mean,
                        none ? Double.NaN : Math.sqrt(m.m2 / m.n), none ? Double.NaN : (double) m.near / m.n,
                        none ? Double.NaN : m.min, none ? Double.NaN : m.max));
            }
        });
        return out;
    }

    /** Per counted layer, in the model's order (layers that never ran left out): operations by step. */
    public List<LayerOperations> operations() {
        List<LayerOperations> out = new ArrayList<>();
        ops.forEach((layer, o) -> {
            if (o.counts.isEmpty() && o.sequence.isZero()) {
                return;
            }
            List<StepOperations> steps = new ArrayList<>();
            for (int t = 0; t < o.counts.size(); t++) {
                steps.add(new StepOperations(names.get(layer), t, o.counts.get(t), o.spikes.get(t)[0],
                        o.spikes.get(t)[1]));
            }
            out.add(new LayerOperations(names.get(layer), steps, o.sequence));
        });
        return out;
    }

    /** The model's operations at each step: every layer's, added (whole-sequence operations not included). */
    public List<OpCounts> operationsByStep() {
        List<OpCounts> out = new ArrayList<>();
        for (int t = 0; t < steps(); t++) {
            out.add(OpCounts.ZERO);
        }
        for (LayerOperations l : operations()) {
            for (StepOperations s : l.steps()) {
                out.set(s.step(), out.get(s.step()).plus(s.ops()));
            }
        }
        return out;
    }

    /**
     * Every record as JSON-ready values, by layer name in the model's order: for a neuron layer the lists (one entry
     * per step) {@code firing_rate}, {@code spikes}, {@code neurons}, {@code membrane_mean}, {@code membrane_std},
     * {@code near_threshold}, {@code membrane_min}, {@code membrane_max}; for a counted layer one list per operation
     * kind ({@code MACs}, {@code ACs}, {@code BOPs}, {@code ADDs}, {@code CMPs}, {@code FLOPs}), each step's count for
     * the whole batches, and {@code input_spike_rate}; plus {@code sequence_ops} (a map by kind) when something was
     * recorded for whole sequences. NaN marks a step with nothing recorded.
     */
    public Map<String, Object> summary() {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (NeuronStats s : neurons()) {
            Map<String, Object> m = out.computeIfAbsent(s.layer(), k -> new LinkedHashMap<>());
            append(m, "firing_rate", s.firingRate());
            append(m, "spikes", s.spikes());
            append(m, "neurons", s.neurons());
            append(m, "membrane_mean", s.mean());
            append(m, "membrane_std", s.std());
            append(m, "near_threshold", s.nearThreshold());
            append(m, "membrane_min", s.min());
            append(m, "membrane_max", s.max());
        }
        for (LayerOperations l : operations()) {
            Map<String, Object> m = out.computeIfAbsent(l.layer(), k -> new LinkedHashMap<>());
            for (StepOperations s : l.steps()) {
                for (OpKind k : OpKind.values()) {
                    append(m, k.plural(), s.ops().get(k));
                }
                append(m, "input_spike_rate", s.spikeInputElements() == 0 ? Double.NaN
                        : (double) s.inputSpikes() / s.spikeInputElements());
            }
            if (!l.sequence().isZero()) {
                Map<String, Object> seq = new LinkedHashMap<>();
                l.sequence().asMap().forEach((k, v) -> seq.put(k.plural(), v));
                m.put("sequence_ops", seq);
            }
        }
        return new LinkedHashMap<>(out);
    }

    @SuppressWarnings("unchecked")
    private static void append(Map<String, Object> m, String key, Object value) {
        ((List<Object>) m.computeIfAbsent(key, k -> new ArrayList<>())).add(value);
    }

    /**
     * A terminal table, one row per layer and step: firing rate and membrane statistics for neurons, the MACs, ACs,
     * CMPs and FLOPs of the step for every counted layer.
     */
    public String table() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-16s %4s %7s %9s %9s %7s %9s %9s %12s %12s "
                + "%10s %10s%n", "layer", "step", "rate", "mean H", "std H", "near", "min H", "max H", "MACs", "ACs",
                "CMPs", "FLOPs"));
        Map<String, Map<Integer, NeuronStats>> byLayer = new LinkedHashMap<>();
        for (NeuronStats s : neurons()) {
            byLayer.computeIfAbsent(s.layer(), k -> new LinkedHashMap<>()).put(s.step(), s);
        }
        Map<String, Map<Integer, OpCounts>> opsByLayer = new LinkedHashMap<>();
        for (LayerOperations l : operations()) {
            for (StepOperations s : l.steps()) {
                opsByLayer.computeIfAbsent(l.layer(), k -> new LinkedHashMap<>()).put(s.step(), s.ops());
            }
        }
        List<String> layers = new ArrayList<>();
        names.values().forEach(n -> {
            if ((byLayer.containsKey(n) || opsByLayer.containsKey(n)) && !layers.contains(n)) {
                layers.add(n);
            }
        });
        for (String layer : layers) {
            for (int t = 0; t < steps(); t++) {
                NeuronStats s = byLayer.getOrDefault(layer, Map.of()).get(t);
                OpCounts c = opsByLayer.getOrDefault(layer, Map.of()).getOrDefault(t, OpCounts.ZERO);
                sb.append(String.format(Locale.ROOT, "%-16s %4d ", layer.isEmpty() ? "(model)" : layer, t));
                if (s == null) {
                    sb.append(String.format(Locale.ROOT, "%7s %9s %9s %7s %9s %9s ", "", "", "", "", "", ""));
                } else {
                    sb.append(String.format(Locale.ROOT, "%7.4f %9.4f %9.4f %7.4f %9.4f %9.4f ", s.firingRate(),
                            s.mean(), s.std(), s.nearThreshold(), s.min(), s.max()));
                }
                sb.append(String.format(Locale.ROOT, "%12d %12d %10d %10d%n", c.get(OpKind.MAC), c.get(OpKind.AC),
                        c.get(OpKind.CMP), c.get(OpKind.FLOP)));
            }
        }
        return sb.toString();
    }

    /** Forgets every record (the monitor stays attached). */
    public void reset() {
        moments.values().forEach(List::clear);
        ops.values().forEach(o -> {
            o.counts.clear();
            o.spikes.clear();
            o.sequence = OpCounts.ZERO;
        });
        pending.clear();
        endForward();
    }

    /** Removes every observer; the records stay readable. Closing twice is harmless. */
    @Override
    public void close() {
        handles.forEach(HookHandle::remove);
        handles.clear();
        pending.clear();
    }

    // ------------------------------------------------------------------ recording

    private void onStep(NeuronStep step) {
        Neuron neuron = step.neuron();
        List<Moments> steps = moments.get(neuron);
        int t = Math.toIntExact(step.t());
        while (steps.size() <= t) {
            steps.add(new Moments());
        }
        double threshold = neuron.options().threshold();
        long fired = LayerCosts.nonZero(step.spikes());
        steps.get(t).add(step.charged().value().toDoubleArray(), fired, threshold, options.nearBand() * threshold);
        if (timekeeper == null) {
            timekeeper = neuron;
            firstStep = step.t();
            batch = step.input().dim() == 0 ? 1 : step.input().size(0);
        }
        if (neuron == timekeeper) {
            stepsRun++;
        }
    }

    private void onForward(Layer layer, Var input, Var output) {
        if (ops.containsKey(layer)) {
            pending.add(new Seen(layer, input, output));
        }
        if (layer == model) {
            attribute();
            endForward();
        }
    }

    private void endForward() {
        pending.clear();
        timekeeper = null;
        firstStep = -1;
        stepsRun = 0;
        batch = 0;
    }

    /** Splits the model forward's layer forwards into steps {@code firstStep ... firstStep + stepsRun - 1}. */
    private void attribute() {
        Map<Layer, List<Seen>> byLayer = new LinkedHashMap<>();
        for (Seen s : pending) {
            byLayer.computeIfAbsent(s.layer(), k -> new ArrayList<>()).add(s);
        }
        int time = stepsRun;
        byLayer.forEach((layer, seen) -> {
            Ops o = ops.get(layer);
            if (time == 0) {
                seen.forEach(s -> o.sequence = o.sequence.plus(cost(s.layer(), s.input(), s.output())));
            } else if (seen.size() == time) { // one forward per step (single-step mode, or a layer inside a step)
                for (int i = 0; i < time; i++) {
                    record(o, Math.toIntExact(firstStep + i), seen.get(i).layer(), seen.get(i).input(),
                            seen.get(i).output());
                }
            } else if (seen.size() == 1 && byStep(seen.get(0), time) != null) {
                Seen s = seen.get(0);
                boolean stacked = byStep(s, time);
                for (int i = 0; i < time; i++) {
                    record(o, Math.toIntExact(firstStep + i), layer, slice(s.input(), i, time, stacked),
                            slice(s.output(), i, time, stacked));
                }
            } else {
                seen.forEach(s -> o.sequence = o.sequence.plus(cost(s.layer(), s.input(), s.output())));
            }
        });
    }

    /**
     * How a forward that saw {@code time} steps at once lays them out: stacked ({@code [T, N, ...]} in and out, true),
     * folded step-major into the batch ({@code [T*N, ...]}, false), or neither (null).
     */
    private Boolean byStep(Seen s, int time) {
        int[] in = s.input().shape();
        int[] out = s.output().shape();
        if (in.length >= 2 && out.length >= 2 && in[0] == time && out[0] == time && in[1] == batch && out[1] == batch) {
            return true;
        }
        if (in.length >= 1 && out.length >= 1 && in[0] == time * batch && out[0] == time * batch) {
            return false;
        }
        return null;
    }

    private static Var slice(Var v, int step, int time, boolean stacked) {
        Tensor value = v.value();
        if (stacked) {
            return Var.of(value.select(0, step));
        }
        int rows = value.size(0) / time;
        return Var.of(value.narrow(0, step * rows, rows));
    }

    private void record(Ops o, int step, Layer layer, Var input, Var output) {
        Forward forward = Forward.of(layer, input, output, options.rule());
        OpCounts c = ((Countable) layer).cost(forward);
        boolean spikes = forward.inputIsSpikes();
        o.add(step, c, spikes ? LayerCosts.nonZero(input) : 0, spikes ? input.numel() : 0);
    }

    private OpCounts cost(Layer layer, Var input, Var output) {
        return ((Countable) layer).cost(Forward.of(layer, input, output, options.rule()));
    }

    /** {@code name} with the {@code .layer} of each {@link MultiStep} or {@link FoldedTime} wrapper dropped. */
    private static String transparent(String name, List<String> wrappers) {
        String out = name;
        for (int i = wrappers.size() - 1; i >= 0; i--) { // innermost first: their names are the longest
            String w = wrappers.get(i);
            String inner = w.isEmpty() ? "layer" : w + ".layer";
            if (out.equals(inner) || out.startsWith(inner + ".")) {
                out = w + out.substring(inner.length());
                if (out.startsWith(".")) {
                    out = out.substring(1);
                }
            }
        }
        return out;
    }

    private static String firstLine(Layer layer) {
        String s = layer.toString();
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
