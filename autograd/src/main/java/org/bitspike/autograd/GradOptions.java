package org.bitspike.autograd;

/**
 * How a backward pass treats the graph it walks.
 *
 * @param retainGraph keep the saved tensors so the same graph can be walked again (by default they
 *     are released as the walk passes, and a second walk raises an error)
 * @param createGraph record the backward computation itself, so the gradients are differentiable
 *     (grad of grad, Hessian-vector products); implies {@code retainGraph}
 * @param allowUnused in {@link Autograd#grad}, give a zero gradient for an input the outputs do not
 *     depend on instead of raising an error
 */
public record GradOptions(boolean retainGraph, boolean createGraph, boolean allowUnused) {
    /** Release the graph, record nothing, reject unused inputs. */
    public static final GradOptions DEFAULT = new GradOptions(false, false, false);

    public GradOptions {
        retainGraph |= createGraph;
    }

    /** Options that keep the graph for another backward. */
    public static GradOptions retainingGraph() {
        return new GradOptions(true, false, false);
    }

    /** Options that record the backward pass for higher-order derivatives. */
    public static GradOptions creatingGraph() {
        return new GradOptions(true, true, false);
    }

    /** These options, also allowing inputs the outputs do not depend on. */
    public GradOptions allowingUnused() {
        return new GradOptions(retainGraph, createGraph, true);
    }
}
