package org.bitspike.autograd;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.Storage;
import org.bitspike.tensor.Tensor;

/**
 * Entry points of the backward pass beyond {@link Var#backward()}: several outputs at once, and
 * {@link #grad} which returns gradients instead of accumulating them (the way to take gradients of
 * gradients).
 */
public final class Autograd {
    private Autograd() {
    }

    /**
     * Back-propagates {@code gradients} (one per output, its shape; null entries only for scalar
     * outputs, meaning 1) from {@code outputs}, accumulating into the {@code grad} of every leaf reached.
     */
    public static void backward(List<Var> outputs, List<Var> gradients, GradOptions options) {
        Engine.run("backward", outputs, seeds("backward", outputs, gradients), null, options);
    }

    /** The gradient of the scalar {@code output} with respect to each of {@code inputs}; no leaf is touched. */
    public static List<Var> grad(Var output, List<Var> inputs) {
        return grad(List.of(output), null, inputs, GradOptions.DEFAULT);
    }

    /** As {@link #grad(Var, List)}, with options (for example {@link GradOptions#creatingGraph()}). */
    public static List<Var> grad(Var output, List<Var> inputs, GradOptions options) {
        return grad(List.of(output), null, inputs, options);
    }

    /**
     * The sum over outputs of the vector-Jacobian products {@code gradients[k]^T d outputs[k] / d input},
     * for each input. {@code gradients} may be null when every output is a scalar. With
     * {@link GradOptions#createGraph()} the results are recorded, so they can be differentiated again.
     */
    public static List<Var> grad(List<Var> outputs, List<Var> gradients, List<Var> inputs, GradOptions options) {
        if (inputs.isEmpty()) {
            throw AutogradException.of("grad", "no inputs to differentiate with respect to");
        }
        return Arrays.asList(Engine.run("grad", outputs, seeds("grad", outputs, gradients), inputs, options));
    }

    /**
     * The Hessian-vector product {@code H v} of a scalar function {@code f} at {@code x}, by
     * differentiating {@code <grad f(x), v>} once more (double backward).
     */
    public static Tensor hessianVectorProduct(UnaryOperator<Var> f, Tensor x, Tensor v) {
        if (!Arrays.equals(x.shape(), v.shape())) {
            throw AutogradException.of("hessianVectorProduct", "x of shape %s and v of shape %s differ",
                    x.shape(), v.shape());
        }
        try (GradMode.Scope scope = GradMode.enableGrad()) {
            Var at = Var.withGrad(x);
            Var g = grad(f.apply(at), List.of(at), GradOptions.creatingGraph()).get(0);
            Var directional = g.mul(Var.of(v.to(g.dtype()))).sum();
            if (!directional.requiresGrad()) { // the gradient does not depend on x: f is linear (or piecewise) there
                return Tensor.zeros(g.dtype(), x.shape());
            }
            return grad(directional, List.of(at), GradOptions.DEFAULT.allowingUnused()).get(0).value();
        }
    }

    /**
     * What the backward graph behind {@code outputs} holds for its backward right now.
     *
     * @param ops the op calls (graph nodes) reachable from the outputs, leaves' accumulators not counted
     * @param storages the distinct storages their saved inputs, outputs and kept tensors view (a view and the
     *     tensor it views share one)
     * @param bytes those storages' sizes: elements times the dtype's {@link DType#byteSize()}, whole storages even
     *     when only a view of one was saved (the view keeps all of it alive)
     */
    public record SavedTensors(int ops, int storages, long bytes) {
    }

    /**
     * Measures the tensors the graph behind {@code outputs} keeps alive for its backward ({@link SavedTensors}):
     * a deterministic count, unlike the heap, of what back-propagation costs in memory. A released graph (after a
     * backward without {@link GradOptions#retainGraph()}) holds nothing; a constant has no graph. Walks the graph
     * iteratively and changes nothing.
     */
    public static SavedTensors savedTensors(Var... outputs) {
        Map<Node, Boolean> seen = new IdentityHashMap<>();
        Map<Storage, Boolean> storages = new IdentityHashMap<>();
        Deque<Node> todo = new ArrayDeque<>();
        for (Var out : outputs) {
            if (out == null) {
                throw AutogradException.of("savedTensors", "an output is null");
            }
            if (out.gradFn() != null && seen.put(out.gradFn(), true) == null) {
                todo.push(out.gradFn());
            }
        }
        long[] bytes = {0};
        int ops = 0;
        while (!todo.isEmpty()) {
            Node node = todo.pop();
            if (node.isAccumulator()) {
                continue;
            }
            ops++;
            node.context.forEachSaved(t -> {
                if (storages.put(t.storage(), true) == null) {
                    bytes[0] += (long) t.storage().length() * t.dtype().byteSize();
                }
            });
            for (Node next : node.next) {
                if (next != null && seen.put(next, true) == null) {
                    todo.push(next);
                }
            }
        }
        return new SavedTensors(ops, storages.size(), bytes[0]);
    }

    private static List<Var> seeds(String op, List<Var> outputs, List<Var> gradients) {
        if (outputs.isEmpty()) {
            throw AutogradException.of(op, "no outputs to differentiate");
        }
        if (gradients != null && gradients.size() != outputs.size()) {
            throw AutogradException.of(op, "%d gradients for %d outputs", gradients.size(), outputs.size());
        }
        List<Var> seeds = new ArrayList<>(outputs.size());
        for (int i = 0; i < outputs.size(); i++) {
            Var out = outputs.get(i);
            Var seed = gradients == null ? null : gradients.get(i);
            if (seed == null) {
                if (out.numel() != 1) {
                    throw AutogradException.of(op, "output %d of shape %s is not a scalar; pass the gradient of the "
                            + "loss with respect to it", i, out.shape());
                }
                seed = Var.of(Tensor.ones(out.dtype(), out.shape()));
            } else if (!Arrays.equals(seed.shape(), out.shape())) {
                throw AutogradException.of(op, "gradient %d has shape %s but output %d has shape %s",
                        i, seed.shape(), i, out.shape());
            } else if (seed.dtype() != out.dtype()) {
                seed = seed.to(out.dtype());
            }
            seeds.add(seed);
        }
        return seeds;
    }
}
