package org.bitspike.nn;

import org.bitspike.autograd.Var;

/**
 * Sees each forward of the layer it is attached to ({@link Layer#observeForward(LayerObserver)}): how operation
 * counters, spike monitors and shape tracers learn what actually ran, with no hook in the layers' code.
 */
@FunctionalInterface
public interface LayerObserver {
    /**
     * Called after {@code layer} computed {@code output} from {@code input}, on the thread that ran the forward.
     * Neither may be modified. ({@link Sequential} does not fuse an observed BatchNorm with the ReLU after it, so
     * each reports its own input and output.)
     */
    void forwarded(Layer layer, Var input, Var output);
}
