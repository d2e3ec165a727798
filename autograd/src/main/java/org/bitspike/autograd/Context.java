package org.bitspike.autograd;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.Tensor;

/**
 * What one op call hands from its forward to its backward: the inputs and output it chose to save,
 * auxiliary tensors it kept (argmax indices, masks), and the shapes and dtypes of its inputs.
 * Built-in primitives and {@link Function custom functions} use the same context.
 *
 * <p>Saved inputs and outputs are checked against their storage's version counter when the
 * backward reads them: a tensor modified in place after it was saved raises an
 * {@link AutogradException} naming the op and the tensor, never a wrong gradient. After a backward
 * pass without {@link GradOptions#retainGraph()} the context is released, and reading it again
 * raises an error instead of returning stale or missing values.
 */
public final class Context {
    private final String op;
    private final String[] inputNames;
    private Var[] inputs; // only during the forward: the node keeps what was saved, not every input
    private final int[][] inputShapes;
    private final DType[] inputDTypes;
    private final boolean[] needsInputGrad;
    private final boolean recording;

    private Var[] savedInputs;
    private int[] savedInputVersions;
    private boolean outputWanted;
    private Var output;
    private int outputVersion;
    private List<Tensor> kept;
    private boolean released;

    Context(String op, String[] inputNames, Var[] inputs, boolean recording) {
        this.op = op;
        this.inputNames = inputNames;
        this.inputs = inputs;
        this.recording = recording;
        int n = inputs.length;
        this.inputShapes = new int[n][];
        this.inputDTypes = new DType[n];
        this.needsInputGrad = new boolean[n];
        for (int i = 0; i < n; i++) {
            inputShapes[i] = inputs[i].value().shape();
            inputDTypes[i] = inputs[i].dtype();
            needsInputGrad[i] = recording && inputs[i].requiresGrad();
        }
    }

    // ------------------------------------------------------------------ forward side

    /** Saves the inputs at {@code indices} for the backward (ignored when nothing is recorded). */
    public void saveInputs(int... indices) {
        if (!recording) {
            return;
        }
        if (savedInputs == null) {
            savedInputs = new Var[inputShapes.length];
            savedInputVersions = new int[inputShapes.length];
        }
        for (int i : indices) {
            checkIndex(i);
            if (inputs == null) {
                throw AutogradException.of(op, "saveInputs called after the forward returned");
            }
            savedInputs[i] = inputs[i];
            savedInputVersions[i] = inputs[i].value().version();
        }
    }

    /** Saves the op's output for the backward (ignored when nothing is recorded). */
    public void saveOutput() {
        outputWanted = recording;
    }

    /**
     * Keeps auxiliary tensors the forward computed (indices, masks) for the backward; they belong to
     * the op, so they are not version-checked. Ignored when nothing is recorded.
     */
    public void keep(Tensor... tensors) {
        if (!recording) {
            return;
        }
        if (kept == null) {
            kept = new ArrayList<>(tensors.length);
        }
        kept.addAll(Arrays.asList(tensors));
    }

    // ------------------------------------------------------------------ backward side

    /** The name of the op this context belongs to. */
    public String op() {
        return op;
    }

    /** Number of inputs of the op call. */
    public int inputCount() {
        return inputShapes.length;
    }

    /** Shape of input {@code i} at the time of the call. */
    public int[] inputShape(int i) {
        checkIndex(i);
        return inputShapes[i].clone();
    }

    /** Dtype of input {@code i}. */
    public DType inputDType(int i) {
        checkIndex(i);
        return inputDTypes[i];
    }

    /** Whether the backward must produce a gradient for input {@code i}. */
    public boolean needsInputGrad(int i) {
        checkIndex(i);
        return needsInputGrad[i];
    }

    /**
     * The saved input {@code i}, with its graph (so a recorded backward differentiates through it).
     *
     * @throws AutogradException if it was not saved, the context was released, or the input was
     *     modified in place since it was saved
     */
    public Var input(int i) {
        checkIndex(i);
        checkLive();
        if (savedInputs == null || savedInputs[i] == null) {
            throw AutogradException.of(op, "the backward reads input %d (%s), which the forward did not save",
                    i, inputNames[i]);
        }
        checkVersion(savedInputs[i], savedInputVersions[i], "input '" + inputName(i) + "'");
        return savedInputs[i];
    }

    /** The saved output of the op; see {@link #input(int)} for the checks. */
    public Var output() {
        checkLive();
        if (output == null) {
            throw AutogradException.of(op, "the backward reads the output, which the forward did not save");
        }
        checkVersion(output, outputVersion, "output");
        return output;
    }

    /** The {@code i}-th tensor the forward {@link #keep kept}. */
    public Tensor kept(int i) {
        checkLive();
        if (kept == null || i < 0 || i >= kept.size()) {
            throw AutogradException.of(op, "the backward reads kept tensor %d, but the forward kept %d",
                    i, kept == null ? 0 : kept.size());
        }
        return kept.get(i);
    }

    // ------------------------------------------------------------------ engine side

    String inputName(int i) {
        return inputNames[i];
    }

    /** Called once the output exists; binds it if the forward asked to save it. */
    void bindOutput(Var out) {
        if (outputWanted) {
            output = out;
            outputVersion = out.value().version();
        }
    }

    /** Forgets the input references the forward needed, keeping only what was saved. */
    void forwardDone() {
        inputs = null;
    }

    boolean released() {
        return released;
    }

    /**
     * Hands every tensor this context holds for the backward to {@code sink}: the saved inputs and output (none
     * after {@link #release()}) and the kept auxiliary tensors.
     */
    void forEachSaved(java.util.function.Consumer<Tensor> sink) {
        if (savedInputs != null) {
            for (Var v : savedInputs) {
                if (v != null) {
                    sink.accept(v.value());
                }
            }
        }
        if (output != null) {
            sink.accept(output.value());
        }
        if (kept != null) {
            kept.forEach(sink);
        }
    }

    /** Drops every saved tensor, so intermediate buffers can be collected after a backward. */
    void release() {
        released = true;
        savedInputs = null;
        output = null;
        kept = null;
    }

    private void checkLive() {
        if (released) {
            throw AutogradException.of(op, "backward through this graph a second time, but it was released by the "
                    + "first backward; pass GradOptions.retainingGraph() to the first one to walk it again");
        }
    }

    private void checkVersion(Var v, int savedVersion, String what) {
        int now = v.value().version();
        if (now != savedVersion) {
            throw AutogradException.of(op, "its saved %s %s of shape %s was modified in place after it was saved "
                    + "(version %d when saved, %d now), so its gradient would be wrong; modify a copy instead, "
                    + "or modify after the backward", what, v.describe(), v.value().shape(), savedVersion, now);
        }
    }

    private void checkIndex(int i) {
        if (i < 0 || i >= inputShapes.length) {
            throw AutogradException.of(op, "input index %d out of range for %d inputs", i, inputShapes.length);
        }
    }
}
