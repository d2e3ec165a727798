package org.bitspike.nn.optim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bitspike.autograd.GradMode;
import org.bitspike.autograd.Var;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.Tensor;

/**
 * Updates parameters in place from their gradients, group by group. A step runs without recording
 * and skips parameters whose gradient is null. Per-parameter state (momentum, moment estimates,
 * step counts) is saved and restored by {@link #stateDict()} / {@link #load(Map)}, keyed by the
 * parameter's position across the groups (its slot), so a resumed run continues exactly.
 *
 * <p>Once the state exists a step allocates nothing of its own (state is looked up by slot, not by
 * a built key), so an optimiser whose update uses the tensors' fused in-place ops is
 * allocation-free.
 */
public abstract class Optimizer {
    private static final int[] NO_INDEX = {};

    private final List<ParamGroup> groups;
    private final Map<Var, Integer> index = new IdentityHashMap<>();
    /** State by slot, then by name, each slot's names in the order they were created. */
    private final List<Map<String, Tensor>> state = new ArrayList<>();

    protected Optimizer(List<ParamGroup> groups) {
        if (groups.isEmpty()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": no parameter groups");
        }
        this.groups = List.copyOf(groups);
        for (ParamGroup g : groups) {
            for (Var p : g.params()) {
                if (index.putIfAbsent(p, index.size()) != null) {
                    throw new IllegalArgumentException(getClass().getSimpleName() + ": a parameter of shape "
                            + Arrays.toString(p.shape()) + " is in more than one group");
                }
                state.add(new LinkedHashMap<>());
            }
        }
    }

    public List<ParamGroup> groups() {
        return groups;
    }

    /** One update of every parameter that has a gradient. */
    public final void step() {
        try (GradMode.Scope scope = GradMode.noGrad()) {
            int slot = 0; // slots were numbered in this order
            for (int gi = 0; gi < groups.size(); gi++) {
                ParamGroup g = groups.get(gi);
                List<Var> params = g.params();
                for (int i = 0; i < params.size(); i++, slot++) {
                    Var p = params.get(i);
                    if (p.grad() != null) {
                        update(p.value(), p.grad().value(), g, slot);
                    }
                }
            }
        }
    }

    /**
     * The names of the per-parameter state this optimiser keeps in its configuration (for example
     * {@code step}, {@code expAvg}, {@code expAvgSq} for Adam), in the order they are created; a
     * parameter's state, once it has any, holds every one of them (an optimiser creates them together
     * at the parameter's first step). {@link #load} refuses any other name, and a saved parameter
     * state that has some but not all of these, since starting the missing ones at zero would change
     * the algorithm.
     */
    protected abstract List<String> stateNames();

    /** Updates {@code param} in place from {@code grad}; {@code slot} identifies its state. */
    protected abstract void update(Tensor param, Tensor grad, ParamGroup group, int slot);

    /** Clears every parameter's gradient. */
    public void zeroGrad() {
        groups.forEach(g -> g.params().forEach(Var::zeroGrad));
    }

    /** The state tensor {@code name} of parameter {@code slot}, or null before it exists. */
    protected Tensor state(int slot, String name) {
        return state.get(slot).get(name);
    }

    /** Stores state tensor {@code name} of parameter {@code slot}. */
    protected Tensor putState(int slot, String name, Tensor value) {
        state.get(slot).put(name, value);
        return value;
    }

    /** Per-parameter step count kept as state (an INT64 0-d tensor, restored with the rest); returns the new count. */
    protected long incrementStep(int slot) {
        Tensor step = state(slot, "step");
        if (step == null) {
            step = putState(slot, "step", Tensor.zeros(DType.INT64));
        }
        long t = step.getLong(NO_INDEX) + 1;
        step.set_(t, NO_INDEX); // NOTE: exact below 2^53 steps; set_ instead of add_(1), which allocates
        return t;
    }

    /** Every state tensor ({@code state.<slot>.<name>}, by slot) and each group's current learning rate (copies). */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int g = 0; g < groups.size(); g++) {
            out.put("group." + g + ".lr", Tensor.scalar(DType.FLOAT64, groups.get(g).lr()));
        }
        for (int slot = 0; slot < state.size(); slot++) {
            int s = slot;
            state.get(slot).forEach((name, v) -> out.put("state." + s + "." + name, v.copy()));
        }
        return out;
    }

    /**
     * Restores {@link #stateDict()} output. The groups must have the same sizes, and every state
     * tensor the shape and dtype of its parameter (the step count: a 0-d INT64), as when it was saved;
     * every state name must be one this optimiser keeps ({@link #stateNames()}), and a parameter with
     * state must hold all of them. Every entry that does not fit is reported
     * in one error, by key, with what was expected and found; nothing is changed then.
     *
     * @throws IllegalArgumentException naming the optimiser and each offending key
     */
    public void load(Map<String, Tensor> saved) {
        List<String> problems = new ArrayList<>();
        List<Map<String, Tensor>> restored = new ArrayList<>();
        for (int slot = 0; slot < state.size(); slot++) {
            restored.add(new LinkedHashMap<>());
        }
        double[] lrs = new double[groups.size()];
        for (int g = 0; g < groups.size(); g++) {
            Tensor lr = saved.get("group." + g + ".lr");
            if (lr == null || lr.numel() != 1) {
                problems.add("missing 'group." + g + ".lr'");
            } else {
                lrs[g] = lr.itemDouble();
            }
        }
        List<String> kept = stateNames();
        List<Var> params = new ArrayList<>(index.keySet());
        params.sort((a, b) -> Integer.compare(index.get(a), index.get(b)));
        for (Map.Entry<String, Tensor> e : saved.entrySet()) {
            String key = e.getKey();
            if (key.startsWith("group.")) {
                if (!key.matches("group\\.\\d+\\.lr") || Integer.parseInt(key.split("\\.")[1]) >= groups.size()) {
                    problems.add("unexpected '" + key + "'");
                }
                continue;
            }
            String[] parts = key.split("\\.", 3);
            if (parts.length != 3 || !parts[0].equals("state") || !parts[1].matches("\\d+")
                    || Integer.parseInt(parts[1]) >= params.size()) {
                problems.add("unexpected '" + key + "'");
                continue;
            }
            Var p = params.get(Integer.parseInt(parts[1]));
            Tensor t = e.getValue();
            if (!kept.contains(parts[2])) {
                problems.add(String.format("'%s' is not a state of this %s (its states: %s)", key, describe(),
                        String.join(", ", kept)));
                continue;
            }
            if (parts[2].equals("step")) {
                if (t.dtype() != DType.INT64 || t.numel() != 1) {
                    problems.add(String.format("'%s' must be a single INT64 count, found %s %s", key, t.dtype(),
                            Arrays.toString(t.shape())));
                }
            } else {
                if (!Arrays.equals(t.shape(), p.shape())) {
                    problems.add(String.format("'%s' has shape %s but its parameter has %s", key,
                            Arrays.toString(t.shape()), Arrays.toString(p.shape())));
                }
                if (t.dtype() != p.dtype()) {
                    problems.add(String.format("'%s' has dtype %s but its parameter has %s", key, t.dtype(),
                            p.dtype()));
                }
            }
            restored.get(Integer.parseInt(parts[1])).put(parts[2], t.copy());
        }
        for (int slot = 0; slot < restored.size(); slot++) {
            Map<String, Tensor> names = restored.get(slot);
            if (names.isEmpty()) {
                continue; // a parameter that never had a gradient: its state starts fresh, as PyTorch
            }
            for (String name : kept) {
                if (!names.containsKey(name)) {
                    problems.add(String.format("missing 'state.%d.%s': this %s needs %s together once a parameter "
                            + "has state (saved under another configuration?)", slot, name, describe(),
                            String.join(", ", kept)));
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("load " + describe() + " state: " + String.join("; ", problems));
        }
        for (int slot = 0; slot < state.size(); slot++) {
            state.set(slot, restored.get(slot));
        }
        for (int g = 0; g < groups.size(); g++) {
            groups.get(g).setLr(lrs[g]);
        }
    }

    /** The optimiser's name and the configuration that decides its state, for errors. */
    protected String describe() {
        return getClass().getSimpleName();
    }
}
