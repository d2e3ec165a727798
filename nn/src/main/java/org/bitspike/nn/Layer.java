package org.bitspike.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.bitspike.autograd.GradMode;
import org.bitspike.autograd.HookHandle;
import org.bitspike.autograd.Var;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.Tensor;
import org.bitspike.tensor.TensorException;

/**
 * A node of a model tree (PyTorch's {@code Module}): named parameters (trainable leaf {@link Var}s), named buffers (state that
 * is saved but not trained, such as BatchNorm's running statistics) and named child layers, plus a
 * train/eval mode. Names compose with dots: {@code features.3.weight}.
 *
 * <p>Subclasses register everything in their constructor, in the order it should be listed and
 * saved, and implement {@link #compute(Var)}; {@link #forward(Var)} runs it and notifies the layer's observers. {@link #stateDict()} and {@link #load(Map)} move
 * parameter values and buffers in and out by name; loading copies into the existing tensors, so
 * optimisers holding the parameters keep working.
 *
 * <p>NOTE: not called {@code Module}, which would clash with {@code java.lang.Module} under a
 * wildcard import ({@code import org.bitspike.nn.*;}, as notebooks do).
 */
public abstract class Layer {
    private final Map<String, Var> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Layer> children = new LinkedHashMap<>();
    private boolean training = true;
    /** Empty unless someone observes this layer: then a forward pays one list walk, otherwise one check. */
    private final List<LayerObserver> observers = new ArrayList<>(0);

    /**
     * Computes the layer's output for {@code input} ({@link #compute(Var)}), then shows input and output to the
     * observers attached to this layer ({@link #observeForward(LayerObserver)}), in the order they were attached.
     */
    public final Var forward(Var input) {
        Var output = compute(input);
        observed(input, output);
        return output;
    }

    /** The layer's computation: what {@link #forward(Var)} runs before it notifies the observers. */
    protected abstract Var compute(Var input);

    /**
     * Shows every forward of this layer (not of its children: attach to them too) to {@code observer} until the
     * returned handle is removed. Observers see values, they do not change them; an exception an observer throws
     * ends the forward. Observation is owned by whoever attached it: nothing global, nothing left behind once
     * the handle is removed.
     */
    public HookHandle observeForward(LayerObserver observer) {
        if (observer == null) {
            throw new IllegalArgumentException(describe() + ": observeForward: the observer is null");
        }
        observers.add(observer);
        return () -> observers.remove(observer);
    }

    /**
     * The observers attached to this layer now, in the order they were attached (a copy): lets an owner see that it
     * is already attached (an operation counter refuses to count a model twice).
     */
    public List<LayerObserver> forwardObservers() {
        return List.copyOf(observers);
    }

    /** Whether an observer is attached to this layer (a container then runs it on its own, never fused). */
    final boolean isObserved() {
        return !observers.isEmpty();
    }

    /**
     * Notifies the observers of a forward that did not go through {@link #forward(Var)} (a BatchNorm asked for
     * directly to run fused with its activation reports the fused output).
     */
    final void observed(Var input, Var output) {
        if (!observers.isEmpty()) {
            for (LayerObserver o : List.copyOf(observers)) {
                o.forwarded(this, input, output);
            }
        }
    }

    /** {@link #forward(Var)} on a constant input. */
    public Var forward(Tensor input) {
        return forward(Var.of(input));
    }

    // ------------------------------------------------------------------ registration

    /**
     * Registers a trainable parameter initialised to {@code value} (floating point) and returns it.
     *
     * <p>NOTE: {@link #to(DType)} replaces each parameter it converts with a new {@link Var}, so a field holding
     * the {@code Var} returned here goes stale after it (it keeps training the old tensor, or nothing);
     * read parameters through {@link #parameter(String)} instead. For the same reason an optimiser
     * must be built after {@code to(...)}: it holds the {@code Var}s it was given.
     */
    protected Var parameter(String name, Tensor value) {
        checkName(name);
        Var p = Var.withGrad(value).named(name);
        parameters.put(name, p);
        return p;
    }

    /** Registers a buffer (saved, not trained) and returns it; it is updated in place. */
    protected Tensor buffer(String name, Tensor value) {
        checkName(name);
        buffers.put(name, value);
        return value;
    }

    /** Registers a child layer under {@code name} and returns it. */
    protected <M extends Layer> M child(String name, M module) {
        checkName(name);
        if (module == null) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": child '" + name + "' is null");
        }
        children.put(name, module);
        return module;
    }

    /**
     * The parameter this layer registered as {@code name} (not a descendant's). Subclasses read their
     * parameters through it rather than keeping the {@link Var} in a field, because {@link #to(DType)}
     * replaces them.
     */
    protected final Var parameter(String name) {
        Var p = parameters.get(name);
        if (p == null) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": no parameter '" + name + "'; registered: "
                    + parameters.keySet());
        }
        return p;
    }

    /** The buffer this layer registered as {@code name}; see {@link #parameter(String)}. */
    protected final Tensor buffer(String name) {
        Tensor b = buffers.get(name);
        if (b == null) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": no buffer '" + name + "'; registered: "
                    + buffers.keySet());
        }
        return b;
    }

    /**
     * Checks that {@code x} has the dtype of this layer's parameter {@code name}: a layer refuses a
     * mixed-precision input rather than promoting it (see {@link #to(DType)}).
     */
    protected final void checkInputDtype(Var x, String name) {
        DType own = parameter(name).value().dtype();
        if (x.dtype() != own) {
            throw TensorException.of(describe(), "input %s of dtype %s does not match the layer's %s parameters; "
                    + "convert the input with to(%s) or the layer with to(%s)", x.shape(), x.dtype(), own, own, x.dtype());
        }
    }

    private void checkName(String name) {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": invalid name '" + name
                    + "': names are non-empty and contain no '.'");
        }
        if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": name '" + name + "' is already registered");
        }
    }

    // ------------------------------------------------------------------ the tree

    /** Direct children by name, in registration order. */
    public Map<String, Layer> children() {
        return java.util.Collections.unmodifiableMap(children);
    }

    /** Every parameter of this layer and its descendants by dotted name, depth first in registration order. */
    public Map<String, Var> namedParameters() {
        Map<String, Var> out = new LinkedHashMap<>();
        collectParameters("", out);
        return out;
    }

    /** The parameters of {@link #namedParameters()}. */
    public List<Var> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** Every buffer of this layer and its descendants by dotted name. */
    public Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collectBuffers("", out);
        return out;
    }

    /** This layer and every descendant by dotted name ("" for this one), depth first. */
    public Map<String, Layer> namedLayers() {
        Map<String, Layer> out = new LinkedHashMap<>();
        collectLayers("", out);
        return out;
    }

    private void collectParameters(String prefix, Map<String, Var> out) {
        parameters.forEach((n, p) -> out.put(prefix + n, p));
        children.forEach((n, c) -> c.collectParameters(prefix + n + ".", out));
    }

    private void collectBuffers(String prefix, Map<String, Tensor> out) {
        buffers.forEach((n, b) -> out.put(prefix + n, b));
        children.forEach((n, c) -> c.collectBuffers(prefix + n + ".", out));
    }

    private void collectLayers(String prefix, Map<String, Layer> out) {
        out.put(prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1), this);
        children.forEach((n, c) -> c.collectLayers(prefix + n + ".", out));
    }

    /** Total number of parameter elements. */
    public long parameterCount() {
        return namedParameters().values().stream().mapToLong(Var::numel).sum();
    }

    // ------------------------------------------------------------------ mode

    /** Switches this layer and its descendants to training mode (dropout active, batch statistics); returns this. */
    public Layer train() {
        return setTraining(true);
    }

    /** Switches this layer and its descendants to evaluation mode; returns this. */
    public Layer eval() {
        return setTraining(false);
    }

    private Layer setTraining(boolean mode) {
        training = mode;
        children.values().forEach(c -> c.setTraining(mode));
        return this;
    }

    public boolean isTraining() {
        return training;
    }

    /**
     * Converts every floating parameter and buffer of this layer and its descendants to {@code dtype}
     * (FLOAT32 or FLOAT64); integer buffers (counters) are left alone. Returns this.
     *
     * <p>The conversion is in place for the tree: the layers keep their names, shapes and mode, and
     * read the converted values from then on. A converted parameter is a new leaf {@link Var} (same
     * name, no gradient), because a {@link Var}'s value cannot change dtype: build optimisers after
     * converting (an optimiser built before still holds the old parameters). Parameters already of
     * {@code dtype} are kept as they are. FLOAT32 to FLOAT64 is exact; back rounds to nearest.
     *
     * <p>NOTE: layers refuse an input whose dtype differs from their parameters (naming both)
     * instead of promoting it as the tensor ops do: a FLOAT32 batch fed to a FLOAT64 model would
     * otherwise be computed half in one precision and half in the other (the convolution kernels
     * refuse mixed dtypes anyway), and a gradcheck in FLOAT64 must not silently run in FLOAT32.
     */
    public Layer to(DType dtype) {
        if (dtype == null || !dtype.isFloating()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ".to: dtype must be FLOAT32 or FLOAT64, got "
                    + dtype);
        }
        for (Map.Entry<String, Var> e : parameters.entrySet()) {
            Var p = e.getValue();
            if (p.dtype() != dtype) {
                e.setValue(Var.withGrad(p.value().to(dtype)).named(p.name()));
            }
        }
        for (Map.Entry<String, Tensor> e : buffers.entrySet()) {
            Tensor b = e.getValue();
            if (b.dtype().isFloating() && b.dtype() != dtype) {
                e.setValue(b.to(dtype));
            }
        }
        children.values().forEach(c -> c.to(dtype));
        return this;
    }

    /**
     * Runs {@link #forward(Var)} with some parameters of the tree replaced by the given {@link Var}s
     * (PyTorch's {@code functional_call}): the output is differentiable with respect to them, so a
     * whole model can be put through {@link org.bitspike.autograd.GradCheck} as a function of its
     * input and its parameters. The original parameters are restored afterwards, also when the
     * forward throws. Buffers are the model's own (in training mode BatchNorm updates its running
     * statistics as usual). Only layers that read their parameters through {@link #parameter(String)}
     * (every layer of this package) see the replacements.
     *
     * @param replacements values by dotted parameter name ({@link #namedParameters()}); each must
     *     have the shape and dtype of the parameter it replaces; not modified
     * @throws IllegalArgumentException naming every unknown name and every mismatched shape or dtype
     */
    public Var forwardWith(Map<String, Var> replacements, Var input) {
        Map<String, Layer> owners = new LinkedHashMap<>();
        Map<String, String> localNames = new LinkedHashMap<>();
        collectOwners("", owners, localNames);
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Var> e : replacements.entrySet()) {
            Layer owner = owners.get(e.getKey());
            if (owner == null) {
                problems.add("unknown parameter '" + e.getKey() + "'");
                continue;
            }
            Var own = owner.parameters.get(localNames.get(e.getKey()));
            Var given = e.getValue();
            if (!Arrays.equals(own.shape(), given.shape()) || own.dtype() != given.dtype()) {
                problems.add(String.format("'%s' is %s %s in the model but %s %s in the replacement", e.getKey(),
                        own.dtype(), Arrays.toString(own.shape()), given.dtype(), Arrays.toString(given.shape())));
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("forwardWith " + getClass().getSimpleName() + ": "
                    + String.join("; ", problems));
        }
        Map<String, Var> saved = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, Var> e : replacements.entrySet()) {
                Layer owner = owners.get(e.getKey());
                saved.put(e.getKey(), owner.parameters.put(localNames.get(e.getKey()), e.getValue()));
            }
            return forward(input);
        } finally {
            saved.forEach((name, original) -> owners.get(name).parameters.put(localNames.get(name), original));
        }
    }

    private void collectOwners(String prefix, Map<String, Layer> owners, Map<String, String> localNames) {
        parameters.keySet().forEach(n -> {
            owners.put(prefix + n, this);
            localNames.put(prefix + n, n);
        });
        children.forEach((n, c) -> c.collectOwners(prefix + n + ".", owners, localNames));
    }

    /** Clears the gradient of every parameter. */
    public void zeroGrad() {
        namedParameters().values().forEach(Var::zeroGrad);
    }

    // ------------------------------------------------------------------ state

    /** Parameter values and buffers by dotted name (the live tensors, not copies), parameters first per layer. */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collectState("", out);
        return out;
    }

    private void collectState(String prefix, Map<String, Tensor> out) {
        parameters.forEach((n, p) -> out.put(prefix + n, p.value()));
        buffers.forEach((n, b) -> out.put(prefix + n, b));
        children.forEach((n, c) -> c.collectState(prefix + n + ".", out));
    }

    /** Loads a state dict strictly: every entry must be present, expected, and of the right shape. */
    public void load(Map<String, Tensor> state) {
        load(state, true);
    }

    /**
     * Copies {@code state} into this layer's parameters and buffers. Strict loading rejects missing
     * and unexpected names; either way a shape or dtype mismatch is an error. All
     * problems are reported together, naming each entry; nothing is modified unless all checks pass.
     *
     * @return the names of this layer's entries that were not in {@code state} (empty when strict)
     */
    public List<String> load(Map<String, Tensor> state, boolean strict) {
        Map<String, Tensor> own = stateDict();
        List<String> missing = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            Tensor given = state.get(e.getKey());
            if (given == null) {
                missing.add(e.getKey());
            } else if (!Arrays.equals(given.shape(), e.getValue().shape())) {
                problems.add(String.format("'%s' has shape %s in the state but %s in the model", e.getKey(),
                        Arrays.toString(given.shape()), Arrays.toString(e.getValue().shape())));
            } else if (given.dtype() != e.getValue().dtype()) {
                problems.add(String.format("'%s' has dtype %s in the state but %s in the model", e.getKey(),
                        given.dtype(), e.getValue().dtype()));
            }
        }
        TreeSet<String> unexpected = new TreeSet<>(state.keySet());
        unexpected.removeAll(own.keySet());
        if (strict && !missing.isEmpty()) {
            problems.add("missing " + missing);
        }
        if (strict && !unexpected.isEmpty()) {
            problems.add("unexpected " + unexpected);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("load " + getClass().getSimpleName() + ": " + String.join("; ", problems));
        }
        try (GradMode.Scope scope = GradMode.noGrad()) {
            for (Map.Entry<String, Tensor> e : own.entrySet()) {
                Tensor given = state.get(e.getKey());
                if (given != null) {
                    e.getValue().copy_(given);
                }
            }
        }
        return missing;
    }

    // ------------------------------------------------------------------ display

    /** A one-line description of this layer's own configuration, e.g. {@code Linear(784 -> 10, bias)}. */
    protected String describe() {
        return getClass().getSimpleName();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        print(sb, "", "");
        return sb.toString();
    }

    private void print(StringBuilder sb, String indent, String name) {
        sb.append(indent).append(name.isEmpty() ? "" : "(" + name + "): ").append(describe()).append('\n');
        children.forEach((n, c) -> c.print(sb, indent + "  ", n));
    }
}
