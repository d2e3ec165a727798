package org.bitspike.nn.accounting;

import org.bitspike.autograd.Var;

/**
 * A layer that declares what one forward of its own cost (not its children's: they declare theirs), and the precision
 * its parameters are stored in. The layers of {@code org.bitspike.nn} implement it; a family's layers (binary,
 * adder, spiking) implement it to plug into {@link OpCounter} and {@link ModelSummary}. A leaf layer that does not
 * implement it is listed as uncounted, never silently as free.
 */
public interface Countable {
    /**
     * The operations of one forward, for the whole batch: computed from what arrived ({@link Forward#input()}) and
     * what left ({@link Forward#output()}), so that data-dependent costs (spikes, sparsity) are real. See
     * {@link LayerCosts} for the shared rules (convolution, linear, pooling, elementwise).
     */
    OpCounts cost(Forward forward);

    /**
     * Bits per element in which parameter {@code name} (a parameter of this layer, not a descendant's) is stored for
     * inference: its dtype's width by default (32 for FLOAT32); a binary layer returns 1 for its binarised weight.
     */
    default int parameterBits(String name, Var parameter) {
        return parameter.dtype().byteSize() * 8;
    }
}
