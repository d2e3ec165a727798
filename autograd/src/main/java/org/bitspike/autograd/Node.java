package org.bitspike.autograd;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A vertex of the backward graph: either the op call that produced a value (its primitive, its
 * context and one edge per input), or the accumulator of a leaf that requires a gradient. Edges
 * point to the nodes of the inputs, never to their values, so an intermediate value the user drops
 * can be collected unless its op saved it.
 */
final class Node {
    final Primitive op;
    final Context context;
    final Node[] next;
    final Var leaf;
    private List<UnaryOperator<Var>> hooks;

    private Node(Primitive op, Context context, Node[] next, Var leaf) {
        this.op = op;
        this.context = context;
        this.next = next;
        this.leaf = leaf;
    }

    static Node ofOp(Primitive op, Context context, Node[] next) {
        return new Node(op, context, next, null);
    }

    static Node accumulatorOf(Var leaf) {
        return new Node(null, null, new Node[0], leaf);
    }

    boolean isAccumulator() {
        return leaf != null;
    }

    String name() {
        return op == null ? "leaf" : op.name();
    }

    HookHandle addHook(UnaryOperator<Var> hook) {
        if (hooks == null) {
            hooks = new ArrayList<>(1);
        }
        hooks.add(hook);
        return () -> hooks.remove(hook);
    }

    List<UnaryOperator<Var>> hooks() {
        return hooks == null ? List.of() : hooks;
    }
}
