package org.bitspike.nn;

import java.util.Objects;
import org.bitspike.autograd.Var;
import org.bitspike.nn.accounting.Countable;
import org.bitspike.nn.accounting.Forward;
import org.bitspike.nn.accounting.LayerCosts;
import org.bitspike.nn.accounting.OpCounts;
import org.bitspike.nn.accounting.OpKind;

/** Parameter-free layers: activations, flattening, identity. */
public final class Layers {
    private Layers() {
    }

    /**
     * What a parameter-free layer of this package computes, for code that must recognise layers it rewrites (ANN-to-SNN
     * conversion, deployment) without relying on their descriptions.
     */
    public enum Operation {
        /** {@link #relu()}. */
        RELU,
        /** {@link Pooling#max}. */
        MAX_POOL,
        /** {@link Pooling#avg} and {@link Pooling#adaptiveAvg}. */
        AVERAGE_POOL,
        /** {@link #flatten}. */
        FLATTEN,
        /** {@link #identity()}. */
        IDENTITY,
        /** Any other layer: other activations, layers with parameters or state, layers of other packages. */
        OTHER
    }

    /**
     * The {@link Operation} {@code layer} computes (a {@link #borrowed} layer: the one it borrows); {@link Operation#OTHER}
     * for anything but the layers listed there.
     */
    public static Operation operation(Layer layer) {
        if (layer instanceof Relu) {
            return Operation.RELU;
        }
        if (layer instanceof Borrowed b) {
            return operation(b.borrowed());
        }
        return layer instanceof Stateless s ? s.operation() : Operation.OTHER;
    }

    /** {@code max(x, 0)}; directly after a {@link BatchNorm} in a {@link Sequential}, fused into it. */
    public static Layer relu() {
        return new Relu();
    }

    /** The ReLU layer: a type of its own so {@link Sequential} can recognise it and fuse it. */
    static final class Relu extends Layer implements Countable {
        @Override
        protected Var compute(Var input) {
            return input.relu();
        }

        /** One FLOP (a max with 0) per element. */
        @Override
        public OpCounts cost(Forward forward) {
            return LayerCosts.elementwise(OpKind.FLOP, 1, forward.output());
        }

        @Override
        protected String describe() {
            return "ReLU";
        }
    }

    public static Layer leakyRelu(double slope) {
        return new Stateless(Operation.OTHER, "LeakyReLU(" + slope + ")", x -> Functional.leakyRelu(x, slope), Layers::onePerElement);
    }

    public static Layer sigmoid() {
        return new Stateless(Operation.OTHER, "Sigmoid", Var::sigmoid, Layers::onePerElement);
    }

    public static Layer tanh() {
        return new Stateless(Operation.OTHER, "Tanh", Var::tanh, Layers::onePerElement);
    }

    public static Layer identity() {
        return new Stateless(Operation.IDENTITY, "Identity", x -> x, f -> OpCounts.ZERO);
    }

    /** Flattens dimensions {@code startDim..} into one: {@code [N, C, H, W] -> [N, C*H*W]} for 1. */
    public static Layer flatten(int startDim) {
        return new Stateless(Operation.FLATTEN, "Flatten(" + startDim + ")", x -> x.flatten(startDim, x.dim() - 1), f -> OpCounts.ZERO);
    }

    /** {@link #flatten(int)} from dimension 1, keeping the batch. */
    public static Layer flatten() {
        return flatten(1);
    }

    /**
     * {@code layer} (stateless: pooling, flatten, an activation) for use inside another model without adopting it:
     * the result forwards to it and counts its operations, but is a separate layer, so the borrowing model's mode
     * switches, conversions, loads and counters never reach {@code layer}'s owner.
     */
    public static Layer borrowed(Layer layer) {
        return new Borrowed(Objects.requireNonNull(layer, "Layers.borrowed: layer is null"));
    }

    /** NOTE: an elementwise activation counts one FLOP per element, a lower bound for sigmoid and tanh. */
    private static OpCounts onePerElement(Forward forward) {
        return LayerCosts.elementwise(OpKind.FLOP, 1, forward.output());
    }
}
