package org.bitspike.nn.spiking;

import java.util.LinkedHashMap;
import java.util.Map;
import org.bitspike.autograd.Var;
import org.bitspike.nn.Layer;
import org.bitspike.tensor.Tensor;

/** What the spiking tests compare: a sequence run in either step mode, parameter gradients, raw bits. */
final class StepRuns {
    private StepRuns() {
    }

    /** {@code model} over {@code input [T, N, ...]}: one multi-step call, or one call per step stacked on dim 0. */
    static Var forward(Layer model, StepMode mode, Var input) {
        if (mode == StepMode.MULTI) {
            return model.forward(input);
        }
        Var[] steps = new Var[input.size(0)];
        for (int t = 0; t < steps.length; t++) {
            steps[t] = model.forward(input.select(0, t));
        }
        return Var.stack(0, steps);
    }

    /** Parameter gradients by name, {@link MultiStep}'s {@code .layer.} dropped so both modes' names match. */
    static Map<String, Tensor> grads(Layer model) {
        Map<String, Tensor> grads = new LinkedHashMap<>();
        model.namedParameters().forEach((name, p) -> grads.put(name.replace(".layer.", "."),
                p.grad() == null ? null : p.grad().value()));
        return grads;
    }

    /** The raw bit patterns of {@code t}'s values as doubles: equal arrays mean bit-identical tensors. */
    static long[] bits(Tensor t) {
        double[] v = t.toDoubleArray();
        long[] b = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Double.doubleToRawLongBits(v[i]);
        }
        return b;
    }
}
