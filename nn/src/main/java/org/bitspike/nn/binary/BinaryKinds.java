package org.bitspike.nn.binary;

import java.util.Objects;
import org.bitspike.nn.Layer;
import org.bitspike.nn.Layers;
import org.bitspike.nn.Sequential;
import org.bitspike.nn.binary.Quantizer.MagnitudeAwareSign.ScaleGradient;
import org.bitspike.nn.models.LayerKinds;
import org.bitspike.tensor.Convolution.ConvOptions;
import org.bitspike.tensor.RandomKey;

/**
 * The zoo's layers for binary networks (digest section 7), Larq's layout: every convolution but the first and every
 * hidden linear layer binary (weights and activations, the sign applied by the layer's input quantizer), a batch norm
 * after each with no ReLU (a ReLU before a sign would make every input +1), max pooling before the norm, padding with
 * +1 so every multiply stays an XNOR-popcount, the first convolution and the classifier full precision. The
 * binary-weight style ({@link Style#BWN}) keeps real activations: a ReLU after the norm, pooling after the ReLU, 0
 * padding.
 *
 * @param style which family of binary network
 */
public record BinaryKinds(Style style) implements LayerKinds {

    /** The binary families. */
    public enum Style {
        /**
         * BinaryNet / XNOR-Net: SteSign (clip 1) on inputs and latent weights, the per-channel scale {@code mean|W|}
         * of XNOR-Net, latent weights clipped to [-1, 1].
         */
        XNOR,
        /**
         * Bi-Real Net (Liu et al. 2018): ApproxSign on inputs, magnitude-aware sign on weights, and a real-valued
         * shortcut around every binary convolution (average pooling and a full-precision 1x1 convolution where the
         * shape changes).
         */
        BIREAL,
        /**
         * ReActNet (Liu et al. 2020): Bi-Real's blocks with a trained shift before each sign (RSign) and RPReLU after
         * each shortcut addition.
         */
        REACTNET,
        /**
         * Binary-weight networks (XNOR-Net's BWN; the source networks of the binary-SNN conversion paper, digest
         * section 4.2): SteSign latent weights with XNOR-Net's per-channel scale {@code mean|W|}, but full-precision
         * inputs and ReLU activations (they become spikes after conversion), so padding is the ordinary 0.
         */
        BWN
    }

    public BinaryKinds {
        Objects.requireNonNull(style, "BinaryKinds: style is null");
    }

    /** The options of every binary layer of this style. */
    public BinaryOptions options() {
        return switch (style) {
            case XNOR -> BinaryOptions.xnor().withPadValue(BinaryOptions.PadValue.PLUS_ONE);
            case BWN -> BinaryOptions.xnor().withInput(Quantizer.identity());
            case BIREAL, REACTNET -> BinaryOptions.DEFAULT.withInput(Quantizer.approxSign())
                    .withKernel(Quantizer.magnitudeAwareSign(1, ScaleGradient.DETACHED))
                    .withPadValue(BinaryOptions.PadValue.PLUS_ONE);
        };
    }

    @Override
    public Layer conv(int in, int out, int kernel, int stride, int padding, RandomKey key) {
        Layer conv = new BinaryConv2d(in, out, kernel, ConvOptions.of(stride, padding), options(), key);
        return style == Style.REACTNET ? new Sequential(new LearnableShift(in), conv) : conv;
    }

    @Override
    public Layer firstConv(int in, int out, int kernel, int stride, int padding, RandomKey key) {
        return FLOAT.conv(in, out, kernel, stride, padding, key);
    }

    @Override
    public Layer norm(int channels, boolean spatial) {
        return FLOAT.norm(channels, spatial);
    }

    /**
     * None for BinaryNet and Bi-Real (the next layer's sign is the non-linearity); RPReLU for ReActNet; ReLU for
     * binary-weight networks, whose activations are real.
     */
    @Override
    public Layer activation(int channels) {
        return switch (style) {
            case REACTNET -> new RPReLU(channels);
            case BWN -> Layers.relu();
            case XNOR, BIREAL -> Layers.identity();
        };
    }

    @Override
    public Layer linear(int in, int out, RandomKey key) {
        Layer linear = new BinaryLinear(in, out, options(), key);
        return style == Style.REACTNET ? new Sequential(new LearnableShift(in), linear) : linear;
    }

    @Override
    public boolean poolBeforeNorm() {
        return style != Style.BWN; // binary activations are max-pooled before the norm; real ones after the ReLU
    }

    @Override
    public boolean shortcuts() {
        return style == Style.BIREAL || style == Style.REACTNET;
    }
}
