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
     * gradients, bit for bit, in a third of the passes over the activations.
     */
    @Override
    protected Var compute(Var input) {
        Var x = input;
        for (int i = 0; i < layers.size(); i++) {
            Layer m = layers.get(i);
            if (m instanceof BatchNorm norm && i + 1 < layers.size() && layers.get(i + 1) instanceof Layers.Relu) {
                Var normed = norm.forward(x, Activation.RELU);
                layers.get(i + 1).observed(normed, normed); // the ReLU ran inside the fused op
                x = normed;
                i++;
            } else {
                x = m.forward(x);
            }
        }
        return x;
    }
}
