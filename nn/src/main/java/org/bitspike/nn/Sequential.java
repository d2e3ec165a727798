package org.bitspike.nn;

import java.util.ArrayList;
import java.util.List;
import org.bitspike.autograd.Var;
import org.bitspike.tensor.Normalization.Activation;

/** Modules applied in order, named {@code "0"}, {@code "1"}, ... unless given names. */
public final class Sequential extends Layer {
    private final List<Layer> layers = new ArrayList<>();

    public Sequential(Layer... modules) {
        for (Layer m : modules) {
            add(m);
        }
    }

    /** Appends {@code module} under the next index as its name; returns this. */
    public Sequential add(Layer module) {
        return add(String.valueOf(layers.size()), module);
    }

    /** Appends {@code module} under {@code name}; returns this. */
    public Sequential add(String name, Layer module) {
        layers.add(child(name, module));
        return this;
    }

    /** The layers in order. */
    public List<Layer> layers() {
        return List.copyOf(layers);
    }

    /**
     * Applies the layers in order. A {@link BatchNorm} directly followed by {@link Layers#relu()}
     * runs as one fused op ({@link BatchNorm#forward(Var, Activation)}): the same values and
     * gradients, bit for bit, in a third of the passes over the activations; unless either is observed
     * ({@link Layer#observeForward}), when each runs on its own.
     */
    @Override
    protected Var compute(Var input) {
        Var x = input;
        for (int i = 0; i < layers.size(); i++) {
            Layer m = layers.get(i);
            // NOTE: an observed norm or ReLU runs on its own, so its observers see its true input and output; the
            // values are the fused op's, bit for bit (BatchNormReluFusionTest)
            if (m instanceof BatchNorm norm && i + 1 < layers.size() && layers.get(i + 1) instanceof Layers.Relu relu
                    && !norm.isObserved() && !relu.isObserved()) {
                x = norm.forward(x, Activation.RELU);
                i++;
            } else {
                x = m.forward(x);
            }
        }
        return x;
    }
}
