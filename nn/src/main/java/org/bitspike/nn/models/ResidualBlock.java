package org.bitspike.nn.models;

import org.bitspike.autograd.Var;
import org.bitspike.nn.Layer;
import org.bitspike.nn.Sequential;
import org.bitspike.tensor.RandomKey;

/**
 * ResNet's basic block: {@code act(main(x) + shortcut(x))} with {@code main = conv-norm-act-conv-norm}
 * and a shortcut that is the identity, or a strided 1x1 convolution plus norm when the shape changes.
 */
public final class ResidualBlock extends Layer {
    private final Sequential main;
    private final Layer shortcut;
    private final Layer activation;

    public ResidualBlock(int in, int out, int stride, LayerKinds kinds, RandomKey key) {
        main = child("main", new Sequential(
                kinds.conv(in, out, 3, stride, 1, key.fold(0)), kinds.norm(out, true), kinds.activation(out, true),
                kinds.conv(out, out, 3, 1, 1, key.fold(1)), kinds.norm(out, true)));
        shortcut = stride == 1 && in == out ? null
                : child("shortcut", new Sequential(kinds.conv(in, out, 1, stride, 0, key.fold(2)), kinds.norm(out, true)));
        activation = child("activation", kinds.activation(out, true));
    }

    @Override
    public Var forward(Var x) {
        Var skip = shortcut == null ? x : shortcut.forward(x);
        return activation.forward(main.forward(x).add(skip));
    }
}
