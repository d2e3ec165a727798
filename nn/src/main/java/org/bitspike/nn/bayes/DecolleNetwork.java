package org.bitspike.nn.bayes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bitspike.autograd.Var;
import org.bitspike.nn.Layer;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.bitspike.tensor.TensorException;

/**
 * A stack of {@link TraceLif} layers, each with its fixed random {@link Readout} (DECOLLE, digest 5.2), run one
 * time step per call. Layer {@code l + 1} reads layer {@code l}'s spikes as values, so no gradient flows between
 * layers; the traces are constants, so none flows through time. The loss at a step is the sum over layers of the
 * {@link LocalLoss} of each readout; the network's output (its {@link #forward}) is the last layer's readout.
 *
 * <p>Children: {@code lif0, readout0, lif1, readout1, ...}; the trainable parameters are the layers' weights (and
 * biases); the readouts hold buffers only.
 */
public final class DecolleNetwork extends Layer {
    private final int inputs;
    private final int outputs;
    private final List<TraceLif> layers = new ArrayList<>();
    private final List<Readout> readouts = new ArrayList<>();
    private final LocalLoss loss;

    /**
     * @param inputs input neurons per step
     * @param hidden the sizes of the LIF layers (at least one)
     * @param outputs readout size: 1 (two classes, BCE with logits) or the number of classes
     * @param bias whether the LIF layers have a bias
     * @param init the LIF weights' initialisation
     * @param readoutP the probability of +1 in the readouts (BiSNN: the prior's p)
     * @param key layer {@code l}'s weights from {@code key.fold(2l)}, its readout from {@code key.fold(2l + 1)}
     */
    public DecolleNetwork(int inputs, int[] hidden, int outputs, boolean bias, Traces traces, WeightInit init,
            double readoutP, DType dtype, RandomKey key) {
        if (inputs <= 0 || hidden == null || hidden.length == 0 || outputs <= 0) {
            throw new IllegalArgumentException("DecolleNetwork: needs positive inputs, at least one hidden layer and "
                    + "positive outputs, got " + inputs + ", " + Arrays.toString(hidden) + ", " + outputs);
        }
        this.inputs = inputs;
        this.outputs = outputs;
        this.loss = LocalLoss.forOutputs(outputs);
        int fanIn = inputs;
        for (int l = 0; l < hidden.length; l++) {
            layers.add(child("lif" + l, new TraceLif(fanIn, hidden[l], bias, traces, init, dtype, key.fold(2L * l))));
            readouts.add(child("readout" + l, new Readout(hidden[l], outputs, readoutP, dtype, key.fold(2L * l + 1))));
            fanIn = hidden[l];
        }
    }

    public int inputs() {
        return inputs;
    }

    public int outputs() {
        return outputs;
    }

    /** The LIF layers, first to last. */
    public List<TraceLif> layers() {
        return List.copyOf(layers);
    }

    /** The readouts, one per LIF layer. */
    public List<Readout> readouts() {
        return List.copyOf(readouts);
    }

    /** The local loss: BCE with logits for one output, cross-entropy otherwise. */
    public LocalLoss loss() {
        return loss;
    }

    /** Forgets every layer's traces: call it before each new sequence. */
    public void resetState() {
        layers.forEach(TraceLif::resetState);
    }

    /**
     * One time step: {@code input [N, inputs]} through every layer; returns each layer's readout {@code [N,
     * outputs]}, first to last, each differentiable with respect to its own layer's parameters only.
     */
    public List<Var> step(Tensor input) {
        if (input == null || input.dim() != 2 || input.size(1) != inputs) {
            throw TensorException.of(describe(), "one step's input must be [N, %d], got %s", inputs,
                    input == null ? "null" : Arrays.toString(input.shape()));
        }
        List<Var> ys = new ArrayList<>(layers.size());
        Tensor x = input;
        for (int l = 0; l < layers.size(); l++) {
            Var s = layers.get(l).forward(Var.of(x));
            ys.add(readouts.get(l).forward(s));
            x = s.value(); // NOTE: a value, not the Var: no gradient between layers (DECOLLE)
        }
        return ys;
    }

    /** The sum over layers of the local loss of each readout against {@code labels [N]}. */
    public Var localLoss(List<Var> readoutsOfStep, Tensor labels) {
        if (readoutsOfStep.size() != layers.size()) {
            throw new IllegalArgumentException(describe() + ": localLoss needs one readout per layer (" + layers.size()
                    + "), got " + readoutsOfStep.size());
        }
        Var total = null;
        for (Var y : readoutsOfStep) {
            Var l = loss.of(y, labels);
            total = total == null ? l : total.add(l);
        }
        return total;
    }

    /** One step; the last layer's readout. */
    @Override
    protected Var compute(Var input) {
        List<Var> ys = step(input.value());
        return ys.get(ys.size() - 1);
    }

    @Override
    protected String describe() {
        StringBuilder b = new StringBuilder("DecolleNetwork(").append(inputs);
        layers.forEach(l -> b.append(" -> ").append(l.outFeatures()));
        return b.append(", readouts -> ").append(outputs).append(')').toString();
    }
}
