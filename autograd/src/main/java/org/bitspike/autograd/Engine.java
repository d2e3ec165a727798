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
import org.bitspike.tensor.Tensor;

/**
 * Records op calls and walks the recorded graph backwards. The walk is iterative (an unrolled
 * network 10,000 steps deep does not touch the call stack), visits each node once in reverse
 * topological order after all its gradient contributions have been summed, and is the one place
 * where a gradient is summed back to its input's shape after broadcasting and cast to its dtype.
 */
final class Engine {
    private Engine() {
    }

    // ------------------------------------------------------------------ recording

    /** Runs {@code op} on {@code inputs}, recording a node when grad mode is on and an input needs a gradient. */
    static Var apply(Primitive op, Var... inputs) {
        boolean record = GradMode.isEnabled() && anyRequiresGrad(inputs);
        String[] names = new String[inputs.length];
        Tensor[] values = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            names[i] = op.inputName(i);
            if (inputs[i] == null) {
                throw AutogradException.of(op.name(), "%s is null", names[i]);
            }
            values[i] = inputs[i].value();
        }
        Context ctx = new Context(op.name(), names, inputs, record);
        Tensor out = op.forward(values, ctx);
        Object pass = GradMode.currentPass();
        if (pass != null) { // inside a backward pass: remember which buffers it allocated
            pass = switch (op.outputAliasing()) {
                case FRESH -> pass;
                case VIEW_OF_INPUT -> inputs[0].allocatedByPass() == pass ? pass : null;
                case UNKNOWN -> null;
            };
        }
        if (!record || !out.dtype().isFloating()) {
            return new Var(out, null, pass);
        }
        Node[] next = new Node[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            next[i] = inputs[i].requiresGrad() ? inputs[i].gradNode() : null;
        }
        Var result = new Var(out, Node.ofOp(op, ctx, next), pass);
        ctx.bindOutput(result);
        ctx.forwardDone();
        return result;
    }

    private static boolean anyRequiresGrad(Var[] inputs) {
        for (Var v : inputs) {
            if (v.requiresGrad()) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ the backward walk

    /**
     * Back-propagates {@code seeds} from {@code outputs}. With {@code targets} null, gradients
     * accumulate into the {@code grad} of every leaf reached; otherwise they are returned for the
     * targets (in order) and no leaf is touched.
     */
    static Var[] run(String op, List<Var> outputs, List<Var> seeds, List<Var> targets, GradOptions options) {
        Node[] roots = new Node[outputs.size()];
        for (int i = 0; i < roots.length; i++) {
            Var out = outputs.get(i);
            if (!out.requiresGrad()) {
                throw AutogradException.of(op, "output %d of shape %s does not require a gradient: no input "
                        + "requires one, or it was computed in a no-grad scope", i, out.shape());
            }
            roots[i] = out.gradNode();
        }
        List<Node> order = reverseTopologicalOrder(roots);
        Map<Node, Integer> targetIndex = null;
        Map<Node, Boolean> needed = null;
        Var[] captured = null;
        if (targets != null) {
            targetIndex = new IdentityHashMap<>();
            for (int i = 0; i < targets.size(); i++) {
                Var t = targets.get(i);
                if (!t.requiresGrad()) {
                    throw AutogradException.of(op, "input %d of shape %s does not require a gradient", i, t.shape());
                }
                if (targetIndex.putIfAbsent(t.gradNode(), i) != null) {
                    throw AutogradException.of(op, "input %d of shape %s is listed twice", i, t.shape());
                }
            }
            needed = neededNodes(order, targetIndex);
            captured = new Var[targets.size()];
        }

        Map<Node, Var> pending = new IdentityHashMap<>();
        for (int i = 0; i < roots.length; i++) {
            addPending(pending, roots[i], seeds.get(i));
        }
        java.util.Set<Object> adopted = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        Object previousPass = GradMode.enterPass(new Object());
        try (GradMode.Scope scope = options.createGraph() ? GradMode.enableGrad() : GradMode.noGrad()) {
            for (Node node : order) {
                Var grad = pending.remove(node);
                if (grad == null || (needed != null && !needed.containsKey(node))) {
                    continue;
                }
                grad = runHooks(node, grad);
                if (targetIndex != null && targetIndex.containsKey(node)) {
                    captured[targetIndex.get(node)] = grad;
                }
                if (node.isAccumulator()) {
                    if (targets == null) {
                        node.leaf.accumulateGrad(grad, options.createGraph(), adopted);
                    }
                    continue;
                }
                if (needed == null || anyNeeded(node.next, needed)) { // a target's unneeded upstream stays intact
                    propagate(node, grad, pending, needed, options);
                }
            }
        } finally {
            GradMode.enterPass(previousPass);
        }
        if (captured != null) {
            for (int i = 0; i < captured.length; i++) {
                if (captured[i] == null) {
                    Var t = targets.get(i);
                    if (!options.allowUnused()) {
                        throw AutogradException.of(op, "input %d of shape %s is not used to compute the outputs; "
                                + "pass GradOptions.allowingUnused() for a zero gradient", i, t.shape());
                    }
                    captured[i] = Var.of(Tensor.zeros(t.dtype(), t.shape()));
                }
            }
        }
        return captured;
    }

    private static void propagate(Node node, Var grad, Map<Node, Var> pending, Map<Node, Boolean> needed,
            GradOptions options) {
        Context ctx = node.context;
        if (ctx.released()) {
            throw AutogradException.of(node.name(), "backward through this graph a second time, but it was released "
                    + "by the first backward; pass GradOptions.retainingGraph() to the first one to walk it again");
        }
        Var[] grads = node.op.backward(grad, ctx);
        if (grads == null || grads.length != node.next.length) {
            throw AutogradException.of(node.name(), "the backward returned %s gradients for %d inputs",
                    grads == null ? "null instead of" : String.valueOf(grads.length), node.next.length);
        }
        for (int i = 0; i < grads.length; i++) {
            Node target = node.next[i];
            if (target == null || (needed != null && !needed.containsKey(target))) {
                continue;
            }
            if (grads[i] == null) {
                throw AutogradException.noGradient(node.name(), ctx.inputName(i), "");
            }
            addPending(pending, target, conform(grads[i], ctx.inputShape(i), ctx.inputDType(i), node.name(),
                    ctx.inputName(i)));
        }
        if (!options.retainGraph()) {
            ctx.release();
        }
    }

    private static boolean anyNeeded(Node[] nodes, Map<Node, Boolean> needed) {
        for (Node n : nodes) {
            if (n != null && needed.containsKey(n)) {
                return true;
            }
        }
        return false;
    }

    private static Var runHooks(Node node, Var grad) {
        for (UnaryOperator<Var> hook : List.copyOf(node.hooks())) {
            Var replaced = hook.apply(grad);
            if (replaced != null) {
                if (!Arrays.equals(replaced.shape(), grad.shape())) {
                    throw AutogradException.of(node.name(), "a gradient hook returned shape %s for a gradient of "
                            + "shape %s", replaced.shape(), grad.shape());
                }
                grad = replaced.dtype() == grad.dtype() ? replaced : replaced.to(grad.dtype());
            }
        }
        return grad;
    }

    private static void addPending(Map<Node, Var> pending, Node node, Var grad) {
        pending.merge(node, grad, Var::add);
    }

    /**
     * Sums a gradient over the dimensions its input was broadcast along and casts it to the input's
     * dtype. This is the only place broadcasting is undone.
     */
    static Var conform(Var grad, int[] shape, DType dtype, String op, String input) {
        int[] gs = grad.shape();
        if (!Arrays.equals(gs, shape)) {
            int lead = gs.length - shape.length;
            List<Integer> dims = new ArrayList<>();
            boolean ok = lead >= 0;
            for (int d = 0; ok && d < gs.length; d++) {
                if (d < lead || (shape[d - lead] == 1 && gs[d] != 1)) {
                    dims.add(d);
                } else if (shape[d - lead] != gs[d]) {
                    ok = false;
                }
            }
            if (!ok) {
                throw AutogradException.of(op, "the backward returned a gradient of shape %s for %s of shape %s, "
                        + "which it does not broadcast to", gs, input, shape);
            }
            grad = grad.sum(dims.stream().mapToInt(Integer::intValue).toArray(), true).reshape(shape);
        }
        return grad.dtype() == dtype ? grad : grad.to(dtype);
    }

    /** Nodes reachable from {@code roots}, each after every node with an edge to it. */
    private static List<Node> reverseTopologicalOrder(Node[] roots) {
        Map<Node, Boolean> visited = new IdentityHashMap<>();
        List<Node> postorder = new ArrayList<>();
        Deque<Node> stack = new ArrayDeque<>();
        Deque<Integer> edge = new ArrayDeque<>();
        for (Node root : roots) {
            if (visited.putIfAbsent(root, Boolean.TRUE) != null) {
                continue;
            }
            stack.push(root);
            edge.push(0);
            while (!stack.isEmpty()) {
                Node top = stack.peek();
                int e = edge.pop();
                if (e < top.next.length) {
                    edge.push(e + 1);
                    Node child = top.next[e];
                    if (child != null && visited.putIfAbsent(child, Boolean.TRUE) == null) {
                        stack.push(child);
                        edge.push(0);
                    }
                } else {
                    stack.pop();
                    postorder.add(top);
                }
            }
        }
        java.util.Collections.reverse(postorder);
        return postorder;
    }

    /** The nodes from which some target is reachable: only they need to run in a {@code grad} call. */
    private static Map<Node, Boolean> neededNodes(List<Node> order, Map<Node, Integer> targets) {
        Map<Node, Boolean> needed = new IdentityHashMap<>();
        for (int i = order.size() - 1; i >= 0; i--) { // children before parents
            Node node = order.get(i);
            boolean need = targets.containsKey(node);
            for (Node child : node.next) {
                need |= child != null && needed.containsKey(child);
            }
            if (need) {
                needed.put(node, Boolean.TRUE);
            }
        }
        return needed;
    }
}
