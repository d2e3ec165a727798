package org.bitspike.nn.convert;

/**
 * How {@link Converter} builds a {@link SpikingNetwork}. Immutable; refine {@link #defaults()} with the
 * {@code with...} methods.
 *
 * @param percentile p of percentile threshold balancing, in (0, 100]: lambda_l is the p-th percentile of
 *     stage l's ReLU outputs on the calibration set (default 99.7, the paper code's; 100 is the maximum)
 * @param propagation layer-delayed (default, the paper code's) or one-step
 * @param binarySynapses how binary layers are mapped (default {@link BinarySynapses#UNIT}: +-1 synapses, the scale
 *     in the threshold)
 */
public record ConversionOptions(double percentile, Propagation propagation, BinarySynapses binarySynapses) {
    /** The paper code's default percentile. */
    public static final double DEFAULT_PERCENTILE = 99.7;

    public ConversionOptions {
        ThresholdBalancing.checkPercentile("ConversionOptions", percentile);
        if (propagation == null || binarySynapses == null) {
            throw new IllegalArgumentException("ConversionOptions: propagation (" + propagation + ") and binary synapses ("
                    + binarySynapses + ") are required");
        }
    }

    /** p = 99.7, layer-delayed propagation, +-1 binary synapses with the scale in the threshold. */
    public static ConversionOptions defaults() {
        return new ConversionOptions(DEFAULT_PERCENTILE, Propagation.DELAYED, BinarySynapses.UNIT);
    }

    public ConversionOptions withPercentile(double p) {
        return new ConversionOptions(p, propagation, binarySynapses);
    }

    public ConversionOptions withPropagation(Propagation newPropagation) {
        return new ConversionOptions(percentile, newPropagation, binarySynapses);
    }

    public ConversionOptions withBinarySynapses(BinarySynapses newSynapses) {
        return new ConversionOptions(percentile, propagation, newSynapses);
    }
}
