package org.bitspike.nn;

import java.util.ArrayList;
import java.util.List;
import org.bitspike.autograd.Var;

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

    @Override
    public Var forward(Var input) {
        Var x = input;
        for (Layer m : layers) {
            x = m.forward(x);
        }
        return x;
    }
}
