package org.bitspike.nn.optim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bitspike.tensor.Tensor;

/**
 * Several optimisers stepped as one, for models whose parameters need different algorithms: Bop for
 * the binary weights beside Adam or SGD for the real-valued rest (Larq's {@code CaseOptimizer}).
 * Its groups are the parts' groups in order, so a {@link Schedule} scales every part's rate (Bop's
 * gamma included); each part keeps its own state, saved under {@code part.<i>.} in
 * {@link #stateDict()}. A parameter may belong to one part only.
 */
public final class CombinedOptimizer extends Optimizer {
    private final List<Optimizer> parts;
    /** For each slot of this optimiser: the part that owns it and the slot inside that part. */
    private final int[] partOf;
    private final int[] partSlot;

    private CombinedOptimizer(List<Optimizer> parts) {
        super(parts.stream().flatMap(p -> p.groups().stream()).toList()); // refuses a parameter in two parts
        this.parts = List.copyOf(parts);
        int slots = groups().stream().mapToInt(g -> g.params().size()).sum();
        partOf = new int[slots];
        partSlot = new int[slots];
        int slot = 0;
        for (int i = 0; i < parts.size(); i++) {
            int inPart = 0;
            for (ParamGroup g : parts.get(i).groups()) {
                for (int k = 0; k < g.params().size(); k++, slot++, inPart++) {
                    partOf[slot] = i;
                    partSlot[slot] = inPart;
                }
            }
        }
    }

    /**
     * The parts stepped together, in this order.
     *
     * @throws IllegalArgumentException if fewer than two parts are given, a part is itself combined, or a
     *     parameter is in more than one part
     */
    public static CombinedOptimizer of(Optimizer... parts) {
        if (parts.length < 2) {
            throw new IllegalArgumentException("CombinedOptimizer: needs at least two optimisers, got " + parts.length);
        }
        for (Optimizer p : parts) {
            if (p instanceof CombinedOptimizer) {
                throw new IllegalArgumentException("CombinedOptimizer: give the parts of a combined optimiser directly, "
                        + "not the combination");
            }
        }
        return new CombinedOptimizer(List.of(parts));
    }

    public List<Optimizer> parts() {
        return parts;
    }

    @Override
    protected List<String> stateNames() {
        return List.of(); // the parts keep the state
    }

    @Override
    protected String describe() {
        return "CombinedOptimizer of " + parts.stream().map(Optimizer::describe).toList();
    }

    @Override
    protected void update(Tensor param, Tensor grad, ParamGroup group, int slot) {
        parts.get(partOf[slot]).update(param, grad, group, partSlot[slot]);
    }

    /** Each part's {@link Optimizer#stateDict()} under {@code part.<i>.}. */
    @Override
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int i = 0; i < parts.size(); i++) {
            String prefix = "part." + i + ".";
            parts.get(i).stateDict().forEach((k, v) -> out.put(prefix + k, v));
        }
        return out;
    }

    /**
     * Restores {@link #stateDict()} output part by part; every part's problems are reported together and
     * nothing is changed when any part refuses its state.
     */
    @Override
    public void load(Map<String, Tensor> saved) {
        List<Map<String, Tensor>> byPart = new ArrayList<>();
        parts.forEach(p -> byPart.add(new LinkedHashMap<>()));
        List<String> problems = new ArrayList<>();
        saved.forEach((key, value) -> {
            String[] split = key.split("\\.", 3);
            if (split.length == 3 && split[0].equals("part") && split[1].matches("\\d{1,9}")
                    && Integer.parseInt(split[1]) < parts.size()) {
                byPart.get(Integer.parseInt(split[1])).put(split[2], value);
            } else {
                problems.add("unexpected '" + key + "'");
            }
        });
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("load " + describe() + " state: " + String.join("; ", problems));
        }
        // NOTE: all parts' current state first, so a refusal by a later part can restore the earlier ones
        List<Map<String, Tensor>> before = parts.stream().map(Optimizer::stateDict).toList();
        for (int i = 0; i < parts.size(); i++) {
            try {
                parts.get(i).load(byPart.get(i));
            } catch (IllegalArgumentException e) {
                for (int j = 0; j < i; j++) {
                    parts.get(j).load(before.get(j));
                }
                throw new IllegalArgumentException("load " + describe() + " state, part " + i + ": " + e.getMessage(), e);
            }
        }
    }
}
