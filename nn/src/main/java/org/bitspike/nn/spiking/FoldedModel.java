package org.bitspike.nn.spiking;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bitspike.autograd.Var;
import org.bitspike.nn.Layer;
import org.bitspike.tensor.DType;

/**
 * The root of a model built by {@link Folding#fold}: its parts applied in order, inference only.
 * It starts in evaluation mode and owns every layer in its tree (the source's stateless layers are
 * only called, see {@link Folding#fold}). {@link #train()} is refused; {@link #to(DType)} is refused
 * when a folded threshold would have to be rounded.
 */
final class FoldedModel extends Layer {
    private final List<Layer> parts = new ArrayList<>();

    FoldedModel(Map<String, Layer> parts) {
        parts.forEach((name, part) -> this.parts.add(child(name, part)));
        super.eval();
    }

    @Override
    protected Var compute(Var input) {
        Var x = input;
        for (Layer part : parts) {
            x = part.forward(x);
        }
        return x;
    }

    @Override
    public Layer train() {
        throw new IllegalStateException("FoldedModel: a folded model is inference-only and cannot train (its folded "
                + "layers: " + folded() + "); train the source model and fold it again");
    }

    @Override
    public Layer to(DType dtype) {
        for (Map.Entry<String, Layer> e : namedLayers().entrySet()) {
            if (e.getValue() instanceof FoldedThreshold t && t.dtype() != dtype) {
                throw new IllegalArgumentException("FoldedModel.to: the folded threshold at '" + e.getKey() + "' is "
                        + "exact only in " + t.dtype() + ", got " + dtype + "; convert the source model and fold it again");
            }
        }
        return super.to(dtype);
    }

    private List<String> folded() {
        List<String> names = new ArrayList<>();
        namedLayers().forEach((name, layer) -> {
            if (layer instanceof FoldedThreshold) {
                names.add(name);
            }
        });
        return names;
    }

    @Override
    protected String describe() {
        return "FoldedModel";
    }
}
