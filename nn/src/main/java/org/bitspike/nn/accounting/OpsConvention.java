package org.bitspike.nn.accounting;

/** A published way of folding the operation counts into one "OPs" figure, by name. */
public enum OpsConvention {
    /**
     * {@code OPs = BOPs / 64 + FLOPs} (Bi-Real Net, ReActNet; digest sections 1.3 and 7), where FLOPs are every
     * full-precision operation counted here (MACs, ACs, ADDs, CMPs and the other FLOPs, one each).
     *
     * <p>NOTE: the papers' own FLOPs usually hold only the MACs of the real-valued layers; ours also hold batch norm,
     * pooling and thresholds, listed separately in the counts, so this is the upper reading of the convention.
     */
    BOPS_OVER_64_PLUS_FLOPS {
        @Override
        public double ops(OpCounts c) {
            return c.get(OpKind.BOP) / 64.0 + c.get(OpKind.MAC) + c.get(OpKind.AC) + c.get(OpKind.ADD)
                    + c.get(OpKind.CMP) + c.get(OpKind.FLOP);
        }
    },
    /**
     * Digest section 1.2 (the authors' {@code compute_mac}): the dense MACs of every convolution and linear layer,
     * spikes or not, with the map shrunk by max pooling (theirs is not; ours is).
     */
    DENSE_MACS {
        @Override
        public double ops(OpCounts c) {
            return c.denseMacs();
        }
    };

    /** The OPs of {@code counts} under this convention. */
    public abstract double ops(OpCounts counts);
}
