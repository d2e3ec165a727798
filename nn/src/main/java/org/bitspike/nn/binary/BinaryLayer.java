package org.bitspike.nn.binary;

import java.util.ArrayList;
import java.util.List;
import org.bitspike.autograd.Var;
import org.bitspike.nn.Layer;

/** What a binary layer offers beyond {@link Layer}: latent-weight clipping and a binary-ness check. */
public interface BinaryLayer {

    /** The layer's options. */
    BinaryOptions binaryOptions();

    /** The latent weights: the parameter the kernel quantizer reads. */
    Var weight();

    /**
     * Clamps the latent weights to [-1, 1] in place when {@link BinaryOptions#clipLatent()} is set
     * and the kernel is quantized (BinaryNet's rule: outside [-1, 1] the STE gradient is 0, so a
     * weight that drifted there could never come back). Call it after each optimiser step:
     * {@link LatentWeightClipping} does that from the training loop's {@code onBatchEnd}.
     */
    void clipLatentWeights();

    /**
     * Whether every multiply-accumulate of the layer is binary (XNOR- or AND-popcount): both
     * quantizers are binary and any padding is a value of the input's binary set. The per-channel
     * scale and the bias are full-precision work on the output either way.
     */
    boolean isPurelyBinary();

    /**
     * The latent weights of every binary layer in {@code root}'s tree whose kernel is quantized, in
     * tree order: the parameters to hand to {@code Bop} (after setting them to their signs) or to
     * watch with {@code SignFlips}; everything else trains with a float optimiser.
     */
    static List<Var> latentWeights(Layer root) {
        List<Var> out = new ArrayList<>();
        for (Layer l : root.namedLayers().values()) {
            if (l instanceof BinaryLayer b && !(b.binaryOptions().kernel() instanceof Quantizer.Identity)) {
                out.add(b.weight());
            }
        }
        return out;
    }

    /** Clips the latent weights of every binary layer in {@code root}'s tree (see {@link #clipLatentWeights()}). */
    static void clipLatentWeights(Layer root) {
        for (Layer l : root.namedLayers().values()) {
            if (l instanceof BinaryLayer b) {
                b.clipLatentWeights();
            }
        }
    }
}
