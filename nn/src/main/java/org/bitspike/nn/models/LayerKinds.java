package org.bitspike.nn.models;

import org.bitspike.nn.BatchNorm;
import org.bitspike.nn.Conv2d;
import org.bitspike.nn.Layers;
import org.bitspike.nn.Linear;
import org.bitspike.nn.Module;
import org.bitspike.tensor.RandomKey;

/**
 * The kinds of layer a zoo model is built from. The float baseline uses ordinary convolutions,
 * BatchNorm and ReLU; the efficient families swap in binary, spiking or adder kinds by implementing
 * this interface, leaving the architectures untouched.
 */
public interface LayerKinds {
    /** A convolution {@code in -> out} with a square kernel (no bias: a norm follows it). */
    Module conv(int in, int out, int kernel, int stride, int padding, RandomKey key);

    /** The normalisation after a convolution or hidden linear layer. */
    Module norm(int channels, boolean spatial);

    /** The activation after a normalisation. */
    Module activation(int channels);

    /** A hidden fully connected layer. */
    Module linear(int in, int out, RandomKey key);

    /** The classifier: the last layer, producing logits. */
    default Module classifier(int in, int classes, RandomKey key) {
        return new Linear(in, classes, key);
    }

    /** The full-precision baseline: Conv2d, BatchNorm, ReLU, Linear. */
    LayerKinds FLOAT = new LayerKinds() {
        @Override
        public Module conv(int in, int out, int kernel, int stride, int padding, RandomKey key) {
            return new Conv2d(in, out, kernel, stride, padding, false, key);
        }

        @Override
        public Module norm(int channels, boolean spatial) {
            return spatial ? BatchNorm.of2d(channels) : BatchNorm.of1d(channels);
        }

        @Override
        public Module activation(int channels) {
            return Layers.relu();
        }

        @Override
        public Module linear(int in, int out, RandomKey key) {
            return new Linear(in, out, false, key);
        }
    };
}
