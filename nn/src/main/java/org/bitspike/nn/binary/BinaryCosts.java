package org.bitspike.nn.binary;

import org.bitspike.autograd.Var;
import org.bitspike.nn.accounting.OpCounts;
import org.bitspike.nn.accounting.OpKind;

/**
 * What one forward of a binary layer costs ({@link org.bitspike.nn.accounting.Countable}), from its quantizers:
 * <ul>
 *   <li>binary input and binary kernel: one BOP (XNOR- or AND-popcount step) per term of the dense product, padded
 *       taps included (with ZERO padding on a {-1, +1} input those taps need a correction term in a popcount kernel:
 *       counted as BOPs all the same, and {@link BinaryLayer#isPurelyBinary()} says so);</li>
 *   <li>one side binary, the other real: one AC per term (a signed or gated accumulate of the real side); on a
 *       {0, 1} input only the terms whose input is 1 (the spike rule of the accounting);</li>
 *   <li>neither binary (DoReFa with k > 1, or no quantizers): one MAC per term;</li>
 *   <li>the per-channel scale and the bias: one FLOP per output element each.</li>
 * </ul>
 * The latent weights are stored in one bit each for inference when the kernel is binary.
 */
final class BinaryCosts {
    private BinaryCosts() {
    }

    /**
     * @param terms the dense product's terms, {@code N x outputs x fan-in}
     * @param firedTerms the terms whose input is non-zero (for a {0, 1} input quantizer)
     * @param outputs the number of output elements
     */
    static OpCounts of(BinaryOptions binary, long terms, long firedTerms, long outputs) {
        Quantizer.Outputs in = binary.input().outputs();
        boolean kernel = binary.kernel().outputs().isBinary();
        OpCounts counts = OpCounts.ZERO.withDenseMacs(terms);
        if (in.isBinary() && kernel) {
            counts = counts.with(OpKind.BOP, terms);
        } else if (in.isBinary()) {
            counts = counts.with(OpKind.AC, in == Quantizer.Outputs.HEAVISIDE ? firedTerms : terms);
        } else if (kernel) {
            counts = counts.with(OpKind.AC, terms);
        } else {
            counts = counts.with(OpKind.MAC, terms);
        }
        if (binary.scaling() != BinaryOptions.Scaling.NONE) {
            counts = counts.with(OpKind.FLOP, outputs);
        }
        return binary.bias() ? counts.with(OpKind.FLOP, outputs) : counts;
    }

    /** One bit per weight when the kernel is binary; otherwise the dtype's width. */
    static int parameterBits(BinaryOptions binary, String name, Var parameter) {
        return name.equals("weight") && binary.kernel().outputs().isBinary() ? 1 : parameter.dtype().byteSize() * 8;
    }
}
