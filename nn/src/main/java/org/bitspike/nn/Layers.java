package org.bitspike.nn;

import org.bitspike.autograd.Var;

/** Parameter-free layers: activations, flattening, identity. */
public final class Layers {
    private Layers() {
    }

    public static Layer relu() {
        return new Stateless("ReLU", Var::relu);
    }

    public static Layer leakyRelu(double slope) {
        return new Stateless("LeakyReLU(" + slope + ")", x -> Functional.leakyRelu(x, slope));
    }

    public static Layer sigmoid() {
        return new Stateless("Sigmoid", Var::sigmoid);
    }

    public static Layer tanh() {
        return new Stateless("Tanh", Var::tanh);
    }

    public static Layer identity() {
        return new Stateless("Identity", x -> x);
    }

    /** Flattens dimensions {@code startDim..} into one: {@code [N, C, H, W] -> [N, C*H*W]} for 1. */
    public static Layer flatten(int startDim) {
        return new Stateless("Flatten(" + startDim + ")", x -> x.flatten(startDim, x.dim() - 1));
    }

    /** {@link #flatten(int)} from dimension 1, keeping the batch. */
    public static Layer flatten() {
        return flatten(1);
    }
}
