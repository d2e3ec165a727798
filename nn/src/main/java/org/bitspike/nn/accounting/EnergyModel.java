package org.bitspike.nn.accounting;

/** Which operations an {@link Energy} estimate prices: what was counted, or one of the papers' formulas. */
public enum EnergyModel {
    /** Every counted operation times its table entry: what ran, spikes as they arrived (this package's count). */
    COUNTED("counted operations x table"),
    /**
     * Digest section 1.3 (Datta, Liu, Beerel): {@code FL_l E_MAC} for layers on dense inputs, {@code zeta_{l-1} FL_l
     * E_AC} for layers on spikes (the input's spike rate times the dense MACs, padded taps included) and one
     * {@code E_CMP} per threshold comparison; batch norm, pooling and the other FLOPs are not counted, as in the papers.
     */
    RATE_MODEL("section 1.3: MACs on dense inputs + spike rate x dense MACs as ACs + comparisons"),
    /** The iso-architecture float network of digest sections 1.2-1.3: every dense MAC at {@code E_MAC}, nothing else. */
    DENSE_MACS("section 1.2: dense MACs of every convolution and linear layer x E_MAC");

    private final String description;

    EnergyModel(String description) {
        this.description = description;
    }

    /** What the model prices, in words, printed with every estimate. */
    public String description() {
        return description;
    }
}
