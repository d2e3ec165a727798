package org.bitspike.nn.binary;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The built-in quantizers by name, for layers, the model zoo and the command line. Each kind has
 * a {@link #label()} (Larq's name where Larq has one) and creates its quantizer with the defaults
 * of Larq and of the papers: clip 1, beta 5, 2 bits, the magnitude-aware scale detached.
 */
public enum QuantizerKind {
    /** No quantization: {@link Quantizer.Identity}. */
    NONE("none"),
    /** {@link Quantizer.SteSign}, clip 1. */
    STE_SIGN("ste_sign"),
    /** {@link Quantizer.ApproxSign} (Bi-Real). */
    APPROX_SIGN("approx_sign"),
    /** {@link Quantizer.SwishSign}, beta 5. */
    SWISH_SIGN("swish_sign"),
    /** {@link Quantizer.MagnitudeAwareSign}, clip 1, scale detached. */
    MAGNITUDE_AWARE_SIGN("magnitude_aware_sign"),
    /** {@link Quantizer.SteHeaviside}, clip 1. */
    STE_HEAVISIDE("ste_heaviside"),
    /** {@link Quantizer.DoReFa}, 2 bits. */
    DOREFA("dorefa");

    private final String label;

    QuantizerKind(String label) {
        this.label = label;
    }

    /** The name on the command line and in model descriptions. */
    public String label() {
        return label;
    }

    /** A new quantizer of this kind with the default parameters. */
    public Quantizer create() {
        return switch (this) {
            case NONE -> Quantizer.identity();
            case STE_SIGN -> Quantizer.steSign(1);
            case APPROX_SIGN -> Quantizer.approxSign();
            case SWISH_SIGN -> Quantizer.swishSign(5);
            case MAGNITUDE_AWARE_SIGN -> Quantizer.magnitudeAwareSign(1, Quantizer.MagnitudeAwareSign.ScaleGradient.DETACHED);
            case STE_HEAVISIDE -> Quantizer.steHeaviside(1);
            case DOREFA -> Quantizer.doReFa(2);
        };
    }

    /**
     * The kind named {@code name}: its {@link #label()} or its constant name, any case.
     *
     * @throws IllegalArgumentException naming the unknown name and every accepted label
     */
    public static QuantizerKind parse(String name) {
        if (name != null) {
            for (QuantizerKind k : values()) {
                if (k.label.equalsIgnoreCase(name.trim()) || k.name().equalsIgnoreCase(name.trim())) {
                    return k;
                }
            }
        }
        throw new IllegalArgumentException("QuantizerKind.parse: unknown quantizer \"" + name + "\"; expected one of "
                + Arrays.stream(values()).map(QuantizerKind::label).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return label.toLowerCase(Locale.ROOT);
    }
}
