package org.bitspike.tensor;

/**
 * The rule an adder convolution's weight gradient uses in place of the exact derivative of
 * {@code y = -|x - w|} with respect to {@code w}, which is {@code sign(x - w)}. With {@code d = x - w}:
 *
 * <ul>
 *   <li>{@link #FULL_PRECISION}: {@code d} itself, AdderNet's rule (Chen et al., CVPR 2020, eq. 5): the
 *       gradient grows with the distance, which is what makes the filters move like an L2 fit;</li>
 *   <li>{@link #SIGN}: {@code sign(d)}, the exact subgradient (the ablation), with the sign rule of
 *       {@link AdderInputGradient}: {@code sign(0) = 0}.</li>
 * </ul>
 */
public enum AdderWeightGradient {
    FULL_PRECISION,
    SIGN
}
