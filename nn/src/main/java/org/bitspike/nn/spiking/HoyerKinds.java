package org.bitspike.nn.spiking;

import java.util.Objects;
import org.bitspike.nn.Layer;
import org.bitspike.nn.models.LayerKinds;
import org.bitspike.tensor.RandomKey;

/**
 * The zoo's layers for one-time-step SNNs / BANNs (digest section 2.5): the float model's bias-free
 * convolutions, batch norms and linear layers, with a {@link HoyerSpike} as every hidden activation
 * ({@code conv} options after convolutions, {@code linear} options after hidden linear layers),
 * max pooling before the batch norm in pooled blocks (spikes are never max-pooled) and dropout
 * after each hidden spike of the VGGs. The classifier stays a float linear layer on spikes.
 *
 * <p>NOTE: the ResNets are the zoo's post-activation blocks with spikes, {@code spike(main(x) + shortcut(x))}
 * (a binary residual stream, two convolutions per block), not the papers' own ResNet of section 2.5
 * (one convolution per block on a real-valued stream, spike before each convolution).
 *
 * @param conv the spikes after convolutions (the papers: channel-wise theta)
 * @param linear the spikes after hidden linear layers (the papers: layer-wise theta)
 * @param dropoutProbability after each hidden spike of a VGG, in [0, 1) (the papers: 0.1)
 */
public record HoyerKinds(HoyerSpike.Options conv, HoyerSpike.Options linear, double dropoutProbability)
        implements LayerKinds {
    public HoyerKinds {
        Objects.requireNonNull(conv, "HoyerKinds: conv options are null");
        Objects.requireNonNull(linear, "HoyerKinds: linear options are null");
        if (!(dropoutProbability >= 0 && dropoutProbability < 1)) {
            throw new IllegalArgumentException("HoyerKinds: dropout must be in [0, 1), got " + dropoutProbability);
        }
    }

    /** The papers' choice: channel-wise after convolutions, layer-wise after linear layers, dropout 0.1. */
    public static HoyerKinds papers() {
        return of(HoyerSpike.Options.DEFAULT, 0.1);
    }

    /**
     * {@code options} everywhere, except that a channel-wise threshold becomes layer-wise after
     * linear layers (as the papers); a layer-wise or fixed threshold is used as it is.
     */
    public static HoyerKinds of(HoyerSpike.Options options, double dropout) {
        HoyerSpike.Options linear = options.threshold() == HoyerSpike.Threshold.CHANNEL_WISE
                ? options.withThreshold(HoyerSpike.Threshold.LAYER) : options;
        return new HoyerKinds(options, linear, dropout);
    }

    @Override
    public Layer conv(int in, int out, int kernel, int stride, int padding, RandomKey key) {
        return FLOAT.conv(in, out, kernel, stride, padding, key);
    }

    @Override
    public Layer norm(int channels, boolean spatial) {
        return FLOAT.norm(channels, spatial);
    }

    @Override
    public Layer activation(int channels) {
        return activation(channels, true);
    }

    @Override
    public Layer activation(int channels, boolean spatial) {
        return new HoyerSpike(channels, spatial ? conv : linear);
    }

    @Override
    public Layer linear(int in, int out, RandomKey key) {
        return FLOAT.linear(in, out, key);
    }

    @Override
    public boolean poolBeforeNorm() {
        return true;
    }

    @Override
    public double dropout() {
        return dropoutProbability;
    }
}
