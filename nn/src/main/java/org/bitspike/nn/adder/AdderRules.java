package org.bitspike.nn.adder;

import org.bitspike.tensor.AdderInputGradient;
import org.bitspike.tensor.AdderWeightGradient;

/**
 * The backward rules of an adder layer (digest 6.2, 6.3 and the ablation of 9.5).
 *
 * @param input the input gradient: {@link AdderInputGradient#HARDTANH} (AdderNet), SIGN (exact) or IDENTITY
 * @param weight the weight gradient: {@link AdderWeightGradient#FULL_PRECISION} (AdderNet) or SIGN (exact)
 * @param eta AdderNet's adaptive scaling: each backward pass rescales the layer's weight gradient to the norm
 *     {@code eta * sqrt(k)}, k the number of weights; 0 turns the scaling off (the gradient is then the rule's).
 *     A zero gradient stays zero. AdderNet's code uses 0.2, its paper 0.1.
 */
public record AdderRules(AdderInputGradient input, AdderWeightGradient weight, double eta) {
    /** AdderNet as its code trains: HardTanh input gradient, full-precision weight gradient, eta 0.2. */
    public static final AdderRules ADDERNET = new AdderRules(AdderInputGradient.HARDTANH,
            AdderWeightGradient.FULL_PRECISION, 0.2);
    /** The exact subgradients of {@code -sum |x - w|}, no scaling: what a plain autograd would do. */
    public static final AdderRules EXACT = new AdderRules(AdderInputGradient.SIGN, AdderWeightGradient.SIGN, 0);

    public AdderRules {
        if (input == null || weight == null) {
            throw new IllegalArgumentException("AdderRules: the input rule (" + input + ") and the weight rule ("
                    + weight + ") must be non-null");
        }
        if (!(eta >= 0) || Double.isInfinite(eta)) {
            throw new IllegalArgumentException("AdderRules: eta must be finite and >= 0 (0: no adaptive scaling), got "
                    + eta);
        }
    }

    /** These rules with another input gradient. */
    public AdderRules withInput(AdderInputGradient rule) {
        return new AdderRules(rule, weight, eta);
    }

    /** These rules with another weight gradient. */
    public AdderRules withWeight(AdderWeightGradient rule) {
        return new AdderRules(input, rule, eta);
    }

    /** These rules with another adaptive scaling (0: off). */
    public AdderRules withEta(double newEta) {
        return new AdderRules(input, weight, newEta);
    }

    /** Whether the weight gradient is rescaled per backward pass. */
    public boolean scales() {
        return eta > 0;
    }

    @Override
    public String toString() {
        return "input " + input + ", weight " + weight + (scales() ? ", eta " + eta : ", no scaling");
    }
}
