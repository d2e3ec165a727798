package org.bitspike.tensor.kernel;

import org.bitspike.tensor.AdderInputGradient;
import org.bitspike.tensor.AdderWeightGradient;

/**
 * Adder (negative-L1) convolution on dense row-major NCHW arrays, forward and both backward passes,
 * FLOAT32 and FLOAT64. The geometry is a {@link Conv2dGeometry} with one group; every array argument is
 * read from its offset on, contiguously. Inputs are never modified; each method overwrites the whole
 * of its output. Outputs must not alias inputs.
 *
 * <p>With {@code K = cin * kH * kW}, a reduction index {@code r = (ci * kH + kh) * kW + kw}, an output
 * position {@code p = oh * outW + ow} and {@code col[n, r, p]} the input value the tap {@code (kh, kw)}
 * of channel {@code ci} reads at {@code p} ({@code x[n, ci, ih, iw]} with {@code ih = oh * strideH -
 * padH + kh * dilationH}, {@code iw} likewise, and {@code 0} outside the input):
 * <pre>
 *   y[n, o, p]  = -sum_r |col[n, r, p] - w[o, r]|
 *   dx[n, ci, ih, iw] = sum over the (o, p, r) whose tap reads x[n, ci, ih, iw] of dy[n, o, p] * f(w[o, r] - x[n, ci, ih, iw])
 *   dw[o, r]    = sum_{n, p} dy[n, o, p] * h(col[n, r, p] - w[o, r])
 * </pre>
 * with {@code f} the {@link AdderInputGradient} and {@code h} the {@link AdderWeightGradient} rule.
 * NOTE: padding takes part as the value 0, as in AdderNet's {@code unfold}: a padded tap adds
 * {@code |0 - w|} to y and {@code dy * h(0 - w)} to dw; it has no input to pass a gradient to.
 *
 * <p>The rounding is part of the definition, so that every provider gives the oracle's bits
 * ({@link ScalarAdderKernels} is that definition in plain loops). In FLOAT32 every step is a float
 * operation ({@code fma} is {@link Math#fma(float, float, float)}, one rounding), in FLOAT64 the same
 * in double:
 * <ul>
 *   <li>y: {@code s = 0; for r ascending: s = s + |col - w|; y = -s};</li>
 *   <li>dx: for each tap {@code (kh, kw)} in ascending order whose output position {@code p} reads the
 *       input element: {@code t = 0; for o ascending: t = fma(dy, f(w - x), t)}; {@code dx = dx + t},
 *       starting from {@code dx = 0};</li>
 *   <li>dw: the flat sequence of {@code q = n * outH * outW + p} is cut into
 *       {@link #weightGradientSplits} ranges of equal size (range {@code s} is
 *       {@code [s * Q / S, (s + 1) * Q / S)}); with the SIGN rule each range sums
 *       {@code a = fma(dy, sign(col - w), a)} in ascending q from 0; with FULL_PRECISION it sums
 *       {@code a = fma(dy, col, a)} and {@code gs = gs + dy} in ascending q from 0, then
 *       {@code a = fma(-w, gs, a)} (that is {@code sum dy (col - w)} regrouped, see below);
 *       {@code dw = 0; for s ascending: dw = dw + a_s}.</li>
 * </ul>
 * NOTE: the full-precision weight gradient is regrouped as {@code sum dy col - w sum dy} (AdderNet's
 * algebra): one fma per term instead of a sub and an fma, so this pass costs what the float
 * convolution's weight gradient does. The rounding error stays of the order of
 * {@code u sum |dy| (|col| + |w|)}, the bound of the per-term form; it only loses relative accuracy
 * where the sum itself is much smaller than that, i.e. where the gradient nearly vanishes anyway.
 * Because the split depends on the geometry only and every output element is computed by one task,
 * results are bit-identical for any {@link Parallel}.
 */
public interface AdderKernels {

    // ---- FLOAT32 ----

    /** Forward: writes {@code y[n, cout, outH, outW]}. */
    void adderConv2d(Conv2dGeometry g, float[] x, int xOff, float[] w, int wOff, float[] y, int yOff,
                     Parallel parallel);

    /** Input gradient: writes {@code dx[n, cin, h, w]} from {@code dy}, the forward input {@code x} and {@code w}. */
    void adderConv2dBackwardInput(Conv2dGeometry g, AdderInputGradient rule, float[] dy, int dyOff,
                                  float[] x, int xOff, float[] w, int wOff, float[] dx, int dxOff, Parallel parallel);

    /** Weight gradient: writes {@code dw[cout, cin, kH, kW]} from {@code dy}, the forward input {@code x} and {@code w}. */
    void adderConv2dBackwardWeight(Conv2dGeometry g, AdderWeightGradient rule, float[] dy, int dyOff,
                                   float[] x, int xOff, float[] w, int wOff, float[] dw, int dwOff, Parallel parallel);

    // ---- FLOAT64 ----

    /** FLOAT64 forward. */
    void adderConv2d(Conv2dGeometry g, double[] x, int xOff, double[] w, int wOff, double[] y, int yOff,
                     Parallel parallel);

    /** FLOAT64 input gradient. */
    void adderConv2dBackwardInput(Conv2dGeometry g, AdderInputGradient rule, double[] dy, int dyOff,
                                  double[] x, int xOff, double[] w, int wOff, double[] dx, int dxOff,
                                  Parallel parallel);

    /** FLOAT64 weight gradient. */
    void adderConv2dBackwardWeight(Conv2dGeometry g, AdderWeightGradient rule, double[] dy, int dyOff,
                                   double[] x, int xOff, double[] w, int wOff, double[] dw, int dwOff,
                                   Parallel parallel);

    /**
     * Number of ranges the weight gradient's {@code (n, p)} reduction is cut into: {@code Q / }
     * {@link Tuning#ADDER_WEIGHT_GRAD_MIN_COLUMNS}, between 1 and {@link Tuning#ADDER_WEIGHT_GRAD_SPLITS},
     * with {@code Q = n * outH * outW}. Part of the definition of the result's rounding.
     */
    static int weightGradientSplits(Conv2dGeometry g) {
        long q = (long) g.n() * g.outH() * g.outW();
        return (int) Math.max(1, Math.min(Tuning.ADDER_WEIGHT_GRAD_SPLITS, q / Tuning.ADDER_WEIGHT_GRAD_MIN_COLUMNS));
    }

    /** First flat position {@code q} of weight-gradient range {@code s} of {@code splits}. */
    static int splitStart(Conv2dGeometry g, int s, int splits) {
        long q = (long) g.n() * g.outH() * g.outW();
        return (int) (q * s / splits);
    }

    /**
     * AdderNet's HardTanh, {@code clamp(d, -1, 1)}, as {@code min(|d|, 1)} with the sign of d: equal to
     * {@code Math.min(Math.max(d, -1), 1)} for every number (-0 kept), and {@code +-1} (the NaN's sign)
     * for NaN. Computed on the bit patterns as the signed-int {@code min(bits(d), bits(copysign(1, d)))}
     * (for d >= 0 the int order is the float order; for d < 0 it is reversed, so the min keeps the
     * smaller magnitude). NOTE: defined on the bit patterns because that is what a vector unit does in
     * three cheap integer operations; a NaN difference only arises from a NaN input, whose forward
     * output is NaN.
     */
    static float hardTanh(float d) {
        int bits = Float.floatToRawIntBits(d);
        return Float.intBitsToFloat(Math.min(bits, (bits & 0x80000000) | 0x3f800000));
    }

    /** FLOAT64 {@link #hardTanh(float)}. */
    static double hardTanh(double d) {
        long bits = Double.doubleToRawLongBits(d);
        return Double.longBitsToDouble(Math.min(bits, (bits & 0x8000000000000000L) | 0x3ff0000000000000L));
    }

    /** {@code d > 0 ? 1 : d < 0 ? -1 : d}: sign(0) = 0, -0 and NaN kept. */
    static float sign(float d) {
        return d > 0f ? 1f : d < 0f ? -1f : d;
    }

    /** FLOAT64 {@link #sign(float)}. */
    static double sign(double d) {
        return d > 0.0 ? 1.0 : d < 0.0 ? -1.0 : d;
    }
}
