package org.bitspike.nn;

import org.bitspike.autograd.Var;

/** Parameter-free layers: activations, flattening, identity. */
public final class Layers {
    private Layers() {
    }

    /** {@code max(x, 0)}; directly after a {@link BatchNorm} in a {@link Sequential}, fused into it. */
    public static Layer relu() {
        return new Relu();
    }

    /** The ReLU layer: a type of its own so {@link Sequential} can recognise it and fuse it. */
    static final class Relu extends Layer {
        @Override
        protected Var compute(Var input) {
            return input.relu();
        }

        @Override
        protected String describe() {
            return "ReLU";
        }
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
