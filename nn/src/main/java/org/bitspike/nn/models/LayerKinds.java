package org.bitspike.nn.models;

import org.bitspike.nn.BatchNorm;
import org.bitspike.nn.Conv2d;
import org.bitspike.nn.Layers;
import org.bitspike.nn.Linear;
import org.bitspike.nn.Layer;
import org.bitspike.tensor.RandomKey;

/**
 * The kinds of layer a zoo model is built from. The float baseline uses ordinary convolutions,
 * BatchNorm and ReLU; the efficient families swap in binary, spiking or adder kinds by implementing
 * this interface, leaving the architectures untouched.
 */
public interface LayerKinds {
    /** A convolution {@code in -> out} with a square kernel (no bias: a norm follows it). */
    Layer conv(int in, int out, int kernel, int stride, int padding, RandomKey key);

    /**
     * The first convolution of a model, which reads the image: {@link #conv} unless a kind keeps it full
     * precision (binary and adder networks do, as their papers: the first layer is cheap and the input is
     * neither binary nor spikes).
     */
    default Layer firstConv(int in, int out, int kernel, int stride, int padding, RandomKey key) {
        return conv(in, out, kernel, stride, padding, key);
    }

    /** The normalisation after a convolution or hidden linear layer. */
    Layer norm(int channels, boolean spatial);

    /** The activation after a normalisation. */
    Layer activation(int channels);

    /**
     * The activation after the normalisation of a convolution ({@code spatial}) or of a hidden
     * linear layer; {@link #activation(int)} unless a kind tells them apart (the Hoyer spike takes
     * a channel-wise threshold after convolutions and a layer-wise one after linear layers).
     */
    default Layer activation(int channels, boolean spatial) {
        return activation(channels);
    }

    /**
     * Whether a pooled block runs conv -> pool -> norm -> activation instead of conv -> norm ->
     * activation -> pool: spiking kinds never max-pool spikes (digest section 2.5). False by default.
     */
    default boolean poolBeforeNorm() {
        return false;
    }

    /**
     * Whether every VGG block after the first wraps its convolution, pooling and norm in a real-valued shortcut,
     * {@code activation(norm(conv(x)) + shortcut(x))}, as Bi-Real Net does: the identity where the shape stays,
     * average pooling and a full-precision 1x1 convolution with its norm where it changes. False by default.
     */
    default boolean shortcuts() {
        return false;
    }

    /** The dropout probability after each hidden activation of the VGGs (0: none, the default). */
    default double dropout() {
        return 0;
    }

    /** A hidden fully connected layer. */
    Layer linear(int in, int out, RandomKey key);

    /** The classifier: the last layer, producing logits. */
    default Layer classifier(int in, int classes, RandomKey key) {
        return new Linear(in, classes, key);
    }

    /** The full-precision baseline: Conv2d, BatchNorm, ReLU, Linear. */
    LayerKinds FLOAT = new LayerKinds() {
        @Override
        public Layer conv(int in, int out, int kernel, int stride, int padding, RandomKey key) {
            return new Conv2d(in, out, kernel, stride, padding, false, key);
        }

        @Override
        public Layer norm(int channels, boolean spatial) {
            return spatial ? BatchNorm.of2d(channels) : BatchNorm.of1d(channels);
        }

        @Override
        public Layer activation(int channels) {
            return Layers.relu();
        }

        @Override
        public Layer linear(int in, int out, RandomKey key) {
            return new Linear(in, out, false, key);
        }
    };
}
