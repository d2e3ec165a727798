package org.bitspike.nn.binary;

import java.util.Objects;

/**
 * How a binary layer ({@link BinaryConv2d}, {@link BinaryLinear}) quantizes and scales. Immutable;
 * refine {@link #DEFAULT} with the {@code with...} methods.
 *
 * @param input the quantizer of the layer's input ({@link Quantizer#identity()} for none)
 * @param kernel the quantizer of the latent weights ({@link Quantizer#identity()} for none)
 * @param scaling the output scale per output channel
 * @param padValue the value a convolution pads its quantized input with (ignored by BinaryLinear)
 * @param bias whether the layer has a full-precision bias (off by default, as in Larq's zoo: a batch
 *        norm usually follows)
 * @param clipLatent whether {@link BinaryLayer#clipLatentWeights()} clamps the latent weights to
 *        [-1, 1] (BinaryNet's rule; disable it for Bop, whose weights are +-1 already)
 */
public record BinaryOptions(Quantizer input, Quantizer kernel, Scaling scaling, PadValue padValue, boolean bias,
                            boolean clipLatent) {

    /**
     * BinaryNet-style: SteSign (clip 1) on inputs and weights, no scaling, zero padding (Larq's
     * default; not purely binary once a convolution pads, see {@link PadValue#ZERO}), no bias,
     * latent weights clipped.
     */
    public static final BinaryOptions DEFAULT = new BinaryOptions(Quantizer.steSign(1), Quantizer.steSign(1),
            Scaling.NONE, PadValue.ZERO, false, true);

    public BinaryOptions {
        Objects.requireNonNull(input, "BinaryOptions: input quantizer is null (use Quantizer.identity() for none)");
        Objects.requireNonNull(kernel, "BinaryOptions: kernel quantizer is null (use Quantizer.identity() for none)");
        Objects.requireNonNull(scaling, "BinaryOptions: scaling is null");
        Objects.requireNonNull(padValue, "BinaryOptions: pad value is null");
    }

    /** XNOR-Net-style: DEFAULT with the per-channel scale {@code mean |W|}. */
    public static BinaryOptions xnor() {
        return DEFAULT.withScaling(Scaling.PER_CHANNEL);
    }

    public BinaryOptions withInput(Quantizer q) {
        return new BinaryOptions(q, kernel, scaling, padValue, bias, clipLatent);
    }

    public BinaryOptions withKernel(Quantizer q) {
        return new BinaryOptions(input, q, scaling, padValue, bias, clipLatent);
    }

    public BinaryOptions withScaling(Scaling s) {
        return new BinaryOptions(input, kernel, s, padValue, bias, clipLatent);
    }

    public BinaryOptions withPadValue(PadValue p) {
        return new BinaryOptions(input, kernel, scaling, p, bias, clipLatent);
    }

    public BinaryOptions withBias(boolean b) {
        return new BinaryOptions(input, kernel, scaling, padValue, b, clipLatent);
    }

    public BinaryOptions withClipLatent(boolean c) {
        return new BinaryOptions(input, kernel, scaling, padValue, bias, c);
    }

    /** The output scale per output channel (XNOR-Net, Rastegari et al. 2016). */
    public enum Scaling {
        /** No scale. */
        NONE,
        /**
         * {@code alpha_o = mean |W[o]|} of the latent weights, recomputed every forward and
         * differentiated (XNOR-Net's eq. 7: the weights also get {@code g * sign(W) / n} through it).
         */
        PER_CHANNEL,
        /** A trained parameter {@code scale [out]}, initialised to {@code mean |W[o]|} (XNOR-Net++ style). */
        LEARNED
    }

    /**
     * The value a convolution pads its quantized input with. With a {-1, +1} input quantizer only
     * {@link #PLUS_ONE} and {@link #MINUS_ONE} keep every multiply binary: {@link #ZERO} padding adds
     * a third value, so the border terms are not XNOR-popcounts (the layer then reports
     * {@link BinaryLayer#isPurelyBinary()} false). With a {0, 1} input, ZERO and PLUS_ONE are binary
     * and MINUS_ONE cannot be honoured.
     */
    public enum PadValue {
        PLUS_ONE(1),
        MINUS_ONE(-1),
        ZERO(0);

        private final double value;

        PadValue(double value) {
            this.value = value;
        }

        public double value() {
            return value;
        }
    }
}
