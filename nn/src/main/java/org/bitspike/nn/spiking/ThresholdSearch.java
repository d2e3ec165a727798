package org.bitspike.nn.spiking;

import java.util.Arrays;
import java.util.function.Function;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.Tensor;

/**
 * Finds, for every channel, the exact set of floats on which a monotone per-channel spike function
 * fires, by bisection over the ordered bit patterns of the dtype (FLOAT32 or FLOAT64).
 *
 * <p>The function is given as an oracle: {@code fire.apply(x)} for candidates {@code x [K, C]} of
 * the dtype returns the spikes {@code [K, C]} (0 or 1) of channel {@code c} at {@code x[k, c]}. The
 * oracle is the unfolded evaluation run itself, so the folded bounds are those of the very float
 * operations the unfolded model performs, whatever they are.
 *
 * <p>Precondition (the caller proves it, see {@link Folding}): on the non-NaN floats, in their
 * order, each channel fires on a suffix ({@code x >= T}), a prefix ({@code x <= T}), nothing,
 * everything, or exactly the finite floats. The search returns the closed interval
 * {@code [lower, upper]} with that set: a suffix has {@code upper = +inf}, a prefix
 * {@code lower = -inf}, nothing is {@code [+inf, -inf]}, the finite floats are
 * {@code [-MAX_VALUE, MAX_VALUE]}.
 *
 * <p>NOTE: the key of a float is its bit pattern with the magnitude bits flipped when the sign bit
 * is set, read as a signed integer: it orders -inf < ... < -0 < +0 < ... < +inf exactly as the
 * floats compare, with -0 and +0 adjacent (they behave the same: they compare equal, and every
 * operation of the unfolded run maps them to values that compare equal). Keys of neighbouring
 * floats differ by one, so bisection over keys ends with two neighbouring floats, one firing and
 * one not: the bound is exact by construction, no real-number algebra involved. FLOAT64 keys span
 * almost 2^64, so differences are taken as unsigned.
 */
public final class ThresholdSearch {
    /** The probes every channel is evaluated at first, one row each. */
    private static final int NEG_INF = 0;
    private static final int NEG_MAX = 1;
    private static final int ZERO = 2;
    private static final int POS_MAX = 3;
    private static final int POS_INF = 4;

    /** The firing set of each channel: spike iff {@code lower[c] <= x <= upper[c]} (values of the dtype). */
    public record Bounds(double[] lower, double[] upper) {
    }

    private ThresholdSearch() {
    }

    /**
     * The exact firing interval of each of {@code channels} channels of {@code fire} (see the class
     * comment for the precondition).
     *
     * @param what the layer(s) being folded, for messages
     * @throws IllegalStateException naming {@code what} and the channel when the probes show the
     *     function is not of the assumed form (a broken precondition, never a search failure)
     */
    public static Bounds search(String what, DType dtype, int channels, Function<Tensor, Tensor> fire) {
        double max = dtype == DType.FLOAT32 ? Float.MAX_VALUE : Double.MAX_VALUE;
        double[] probes = {Double.NEGATIVE_INFINITY, -max, 0.0, max, Double.POSITIVE_INFINITY};
        double[] rows = new double[probes.length * channels];
        for (int k = 0; k < probes.length; k++) {
            Arrays.fill(rows, k * channels, (k + 1) * channels, probes[k]);
        }
        boolean[] at = evaluate(fire, dtype, rows, probes.length, channels);
        double[] lower = new double[channels];
        double[] upper = new double[channels];
        long[] lo = new long[channels];
        long[] hi = new long[channels];
        boolean[] searching = new boolean[channels];
        boolean[] suffix = new boolean[channels];
        for (int c = 0; c < channels; c++) {
            boolean negInf = at[NEG_INF * channels + c];
            boolean posInf = at[POS_INF * channels + c];
            boolean finite = at[ZERO * channels + c];
            boolean ends = at[NEG_MAX * channels + c] && at[POS_MAX * channels + c];
            if (negInf && posInf) {
                lower[c] = Double.NEGATIVE_INFINITY;
                upper[c] = Double.POSITIVE_INFINITY;
            } else if (negInf || posInf) {
                // a suffix when +inf fires, a prefix when -inf does: bisect between the infinities
                searching[c] = true;
                suffix[c] = posInf;
                lo[c] = key(dtype, Double.NEGATIVE_INFINITY);
                hi[c] = key(dtype, Double.POSITIVE_INFINITY);
                lower[c] = Double.NEGATIVE_INFINITY;
                upper[c] = Double.POSITIVE_INFINITY;
            } else if (finite && ends) {
                lower[c] = -max;
                upper[c] = max;
            } else if (!finite && !at[NEG_MAX * channels + c] && !at[POS_MAX * channels + c]) {
                lower[c] = Double.POSITIVE_INFINITY;
                upper[c] = Double.NEGATIVE_INFINITY;
            } else {
                throw new IllegalStateException(String.format("fold %s: channel %d fires at -MAX %b, 0 %b, +MAX %b but "
                        + "at neither infinity: not a monotone spike, cannot be folded into a threshold", what, c,
                        at[NEG_MAX * channels + c], finite, at[POS_MAX * channels + c]));
            }
        }
        double[] mids = new double[channels];
        while (true) {
            boolean any = false;
            for (int c = 0; c < channels; c++) {
                if (searching[c] && Long.compareUnsigned(hi[c] - lo[c], 1) > 0) {
                    any = true;
                    mids[c] = value(dtype, lo[c] + ((hi[c] - lo[c]) >>> 1));
                } else {
                    mids[c] = 0;
                }
            }
            if (!any) {
                break;
            }
            boolean[] fires = evaluate(fire, dtype, mids, 1, channels);
            for (int c = 0; c < channels; c++) {
                if (searching[c] && Long.compareUnsigned(hi[c] - lo[c], 1) > 0) {
                    long mid = lo[c] + ((hi[c] - lo[c]) >>> 1);
                    // invariant: fire(lo) == !suffix, fire(hi) == suffix
                    if (fires[c] == suffix[c]) {
                        hi[c] = mid;
                    } else {
                        lo[c] = mid;
                    }
                }
            }
        }
        for (int c = 0; c < channels; c++) {
            if (searching[c]) {
                if (suffix[c]) {
                    lower[c] = value(dtype, hi[c]);
                } else {
                    upper[c] = value(dtype, lo[c]);
                }
            }
        }
        return new Bounds(lower, upper);
    }

    /** The oracle's spikes at {@code values [rows, channels]}, as booleans in the same order. */
    private static boolean[] evaluate(Function<Tensor, Tensor> fire, DType dtype, double[] values, int rows,
            int channels) {
        Tensor x = Tensor.of(values, rows, channels).to(dtype);
        double[] spikes = fire.apply(x).toDoubleArray();
        if (spikes.length != values.length) {
            throw new IllegalStateException("fold: the spike oracle returned " + spikes.length + " values for "
                    + values.length + " candidates");
        }
        boolean[] out = new boolean[spikes.length];
        for (int i = 0; i < spikes.length; i++) {
            out[i] = spikes[i] != 0;
        }
        return out;
    }

    /** The order key of {@code v} (a value of the dtype, not NaN): see the class comment. */
    static long key(DType dtype, double v) {
        if (dtype == DType.FLOAT32) {
            int bits = Float.floatToRawIntBits((float) v);
            return bits < 0 ? bits ^ 0x7fffffff : bits;
        }
        long bits = Double.doubleToRawLongBits(v);
        return bits < 0 ? bits ^ 0x7fffffffffffffffL : bits;
    }

    /** The value of the dtype whose key is {@code key}, as a double (exact for FLOAT32). */
    static double value(DType dtype, long key) {
        if (dtype == DType.FLOAT32) {
            int k = (int) key;
            return Float.intBitsToFloat(k < 0 ? k ^ 0x7fffffff : k);
        }
        return Double.longBitsToDouble(key < 0 ? key ^ 0x7fffffffffffffffL : key);
    }
}
