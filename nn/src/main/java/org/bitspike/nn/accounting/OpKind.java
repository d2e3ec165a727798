package org.bitspike.nn.accounting;

/**
 * The kinds of operation the accounting tells apart (digest sections 1.2, 1.3, 6.4 and 7). Each is priced separately
 * by a {@link CostTable}.
 */
public enum OpKind {
    /** A full-precision multiply-accumulate of a convolution or linear layer on a dense (non-spike) input. */
    MAC("MACs"),
    /** An accumulate gated by a spike: a weight added because its input fired (an input that did not fire costs nothing). */
    AC("ACs"),
    /** A binary multiply-accumulate done as XNOR + popcount on packed bits (binary layers declare them). */
    BOP("BOPs"),
    /** A full-precision addition of an adder layer: two per term {@code |x - w|} (the AdderNet convention). */
    ADD("ADDs"),
    /** A threshold comparison: one per neuron per step that thresholds (spike or sign activation). */
    CMP("CMPs"),
    /**
     * Any other full-precision operation, one per add, multiply or max: batch norm, scaling factors, biases,
     * residual additions, pooling, elementwise activations (the "non-binary ops" the BANN paper counts).
     */
    FLOP("FLOPs");

    private final String plural;

    OpKind(String plural) {
        this.plural = plural;
    }

    /** The column heading: MACs, ACs, BOPs, ADDs, CMPs, FLOPs. */
    public String plural() {
        return plural;
    }
}
