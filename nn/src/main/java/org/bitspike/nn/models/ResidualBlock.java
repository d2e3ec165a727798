package org.bitspike.nn.models;

import org.bitspike.autograd.Var;
import org.bitspike.nn.Layer;
import org.bitspike.nn.Sequential;
import org.bitspike.nn.accounting.Countable;
import org.bitspike.nn.accounting.Forward;
import org.bitspike.nn.accounting.LayerCosts;
import org.bitspike.nn.accounting.OpCounts;
import org.bitspike.nn.accounting.OpKind;
import org.bitspike.tensor.RandomKey;

/**
 * ResNet's basic block: {@code act(main(x) + shortcut(x))} with {@code main = conv-norm-act-conv-norm}
 * and a shortcut that is the identity, or a strided 1x1 convolution plus norm when the shape changes.
 */
public final class ResidualBlock extends Layer implements Countable {
    private final Sequential main;
    private final Layer shortcut;
    private final Layer activation;

    public ResidualBlock(int in, int out, int stride, LayerKinds kinds, RandomKey key) {
        this(new Sequential(
                        kinds.conv(in, out, 3, stride, 1, key.fold(0)), kinds.norm(out, true), kinds.activation(out, true),
                        kinds.conv(out, out, 3, 1, 1, key.fold(1)), kinds.norm(out, true)),
                stride == 1 && in == out ? null
                        : new Sequential(kinds.conv(in, out, 1, stride, 0, key.fold(2)), kinds.norm(out, true)),
                kinds.activation(out, true));
    }

    /**
     * The block {@code activation(main(x) + shortcut(x))} from its parts, e.g. a transformed copy of
     * another block's {@link #children()} ({@code main}, {@code shortcut}, {@code activation}); the
     * parts are adopted as children, not copied.
     *
     * @param shortcut the shortcut, or null for the identity
     */
    public ResidualBlock(Sequential main, Layer shortcut, Layer activation) {
        if (main == null || activation == null) {
            throw new IllegalArgumentException("ResidualBlock: main " + (main == null ? "null" : "given")
                    + " and activation " + (activation == null ? "null" : "given") + "; both are required");
        }
        this.main = child("main", main);
        this.shortcut = shortcut == null ? null : child("shortcut", shortcut);
        this.activation = child("activation", activation);
    }

    @Override
    protected Var compute(Var x) {
        Var skip = shortcut == null ? x : shortcut.forward(x);
        return activation.forward(main.forward(x).add(skip));
    }

    /** The residual addition, one FLOP per element; the parts count themselves. */
    @Override
    public OpCounts cost(Forward forward) {
        return LayerCosts.elementwise(OpKind.FLOP, 1, forward.output());
    }
}
