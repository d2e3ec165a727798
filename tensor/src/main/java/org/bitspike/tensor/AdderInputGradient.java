package org.bitspike.tensor;

/**
 * The rule an adder convolution's input gradient uses in place of the exact derivative of
 * {@code y = -|x - w|} with respect to {@code x}, which is {@code sign(w - x)}. With {@code d = w - x}:
 *
 * <ul>
 *   <li>{@link #HARDTANH}: {@code clamp(d, -1, 1)}, AdderNet's rule (Chen et al., CVPR 2020, eq. 6):
 *       the magnitude of the difference is kept near zero, where the sign flips;</li>
 *   <li>{@link #SIGN}: {@code sign(d)}, the exact subgradient (the ablation of AdderNet's table 4);</li>
 *   <li>{@link #IDENTITY}: {@code d} itself, the full-precision difference (also an ablation).</li>
 * </ul>
 *
 * NOTE: one sign rule for every adder gradient: {@code sign(d) = d > 0 ? 1 : d < 0 ? -1 : d}, so
 * {@code sign(0) = 0} (the middle of the subdifferential, as {@code torch.sign}), {@code -0} stays
 * {@code -0} and NaN stays NaN. HardTanh keeps NaN and the sign of zero too ({@link Math#max}, then
 * {@link Math#min}).
 */
public enum AdderInputGradient {
    HARDTANH,
    SIGN,
    IDENTITY
}
