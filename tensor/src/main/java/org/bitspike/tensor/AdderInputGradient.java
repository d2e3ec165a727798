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
 * {@code -0} and NaN stays NaN. HardTanh is {@code min(|d|, 1)} with the sign of d: the same as
 * {@code Math.min(Math.max(d, -1), 1)} for every number (-0 kept), but {@code +-1} for a NaN d (which
 * only a NaN input or weight gives, whose forward output is already NaN); see
 * {@code AdderKernels.hardTanh} for why.
 */
public enum AdderInputGradient {
    HARDTANH,
    SIGN,
    IDENTITY
}
