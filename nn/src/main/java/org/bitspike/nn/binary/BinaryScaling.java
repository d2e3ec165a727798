package org.bitspike.nn.binary;

import java.util.function.Function;
import org.bitspike.autograd.Var;
import org.bitspike.tensor.Tensor;

/** The pieces {@link BinaryConv2d} and {@link BinaryLinear} share: the output scale, clipping, checks. */
final class BinaryScaling {
    private BinaryScaling() {
    }

    /** {@code mean |w[o]|} over every dimension but 0: shape {@code [out]}. */
    static Tensor meanAbs(Tensor w) {
        return w.abs().mean(Quantizers.allButFirst(w.dim()), false);
    }

    /** The output scale {@code [out]}, or null for NONE; PER_CHANNEL is differentiated through the weights. */
    static Var scale(Function<String, Var> parameter, BinaryOptions.Scaling scaling, Var weight) {
        return switch (scaling) {
            case NONE -> null;
            case PER_CHANNEL -> weight.abs().mean(Quantizers.allButFirst(weight.dim()), false);
            case LEARNED -> parameter.apply("scale");
        };
    }

    static void clip(BinaryOptions binary, Var weight) {
        if (binary.clipLatent() && !(binary.kernel() instanceof Quantizer.Identity)) {
            weight.value().clamp_(-1, 1);
        }
    }

    static boolean binaryQuantizers(BinaryOptions binary) {
        return binary.input().outputs().isBinary() && binary.kernel().outputs().isBinary();
    }

    static void checkPadValue(String layer, BinaryOptions binary) {
        double v = binary.padValue().value();
        if (!binary.input().outputs().admits(v)) {
            throw new IllegalArgumentException(layer + ": cannot pad with " + binary.padValue() + " (" + v + "): the input"
                    + " quantizer " + binary.input() + " outputs " + binary.input().outputs() + " values, and a pad value"
                    + " must be one the quantized input can take");
        }
    }
}
