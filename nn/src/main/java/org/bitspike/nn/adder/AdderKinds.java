package org.bitspike.nn.adder;

import java.util.Objects;
import org.bitspike.nn.Layer;
import org.bitspike.nn.models.LayerKinds;
import org.bitspike.tensor.Convolution.ConvOptions;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;

/**
 * The zoo's layers for adder networks (digest 6.1): every convolution and hidden linear layer (ResNet shortcuts
 * included) an adder layer trained with {@code rules}, each followed by a batch norm (essential: adder outputs
 * are all {@code <= 0} with a large spread) and a ReLU; the first convolution and the classifier stay full
 * precision, as in AdderNet's models.
 *
 * @param rules the backward rules of every adder layer ({@link AdderRules#ADDERNET} for AdderNet itself)
 */
public record AdderKinds(AdderRules rules) implements LayerKinds {
    public AdderKinds {
        Objects.requireNonNull(rules, "AdderKinds: rules are null");
    }

    /** AdderNet's rules: HardTanh input gradient, full-precision weight gradient, adaptive scaling eta 0.2. */
    public static AdderKinds addernet() {
        return new AdderKinds(AdderRules.ADDERNET);
    }

    @Override
    public Layer conv(int in, int out, int kernel, int stride, int padding, RandomKey key) {
        return new AdderConv2d(in, out, kernel, ConvOptions.of(stride, padding), rules, DType.FLOAT32, key);
    }

    @Override
    public Layer firstConv(int in, int out, int kernel, int stride, int padding, RandomKey key) {
        return FLOAT.conv(in, out, kernel, stride, padding, key);
    }

    @Override
    public Layer norm(int channels, boolean spatial) {
        return FLOAT.norm(channels, spatial);
    }

    @Override
    public Layer activation(int channels) {
        return FLOAT.activation(channels);
    }

    @Override
    public Layer linear(int in, int out, RandomKey key) {
        return new AdderLinear(in, out, rules, DType.FLOAT32, key);
    }
}
