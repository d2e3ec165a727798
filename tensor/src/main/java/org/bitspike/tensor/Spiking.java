package org.bitspike.tensor;

import java.util.Arrays;
import java.util.function.IntConsumer;
import org.bitspike.tensor.kernel.KernelProvider;
import org.bitspike.tensor.kernel.Parallel;
import org.bitspike.tensor.kernel.SpikeKernels;
import org.bitspike.tensor.kernel.Tuning;

/**
 * The fused FLOAT32 passes of a Hoyer spike layer over a potential {@code u [N, C, *]} (rank >= 2,
 * channels in dimension 1), with {@code a = |v|} the layer's clipping value and
 * {@code z = u / a} rounded to float exactly as {@code u.div(a)}:
 *
 * <ul>
 *   <li>{@link #clippedSums}: per channel, {@code sum zc} and {@code sum zc^2} of {@code zc = clamp(z, 0, 1)},
 *       in double: the Hoyer extremum and ratio of any grouping of channels follow from them;</li>
 *   <li>{@link #fire}: {@code z >= threshold[c] ? 1 : 0};</li>
 *   <li>{@link #fireBackward}: the gradients of {@code fire} under a rectangular surrogate on z;</li>
 *   <li>{@link #ratioBackward}: the gradients of the squared Hoyer ratio of {@code zc} over the whole tensor.</li>
 * </ul>
 * Each is one pass over the potential; the composite tensor ops they replace take five to ten.
 * The passes run on the provider's {@link SpikeKernels}, and their results do not depend on the
 * provider or the thread count: elementwise results are the oracle's float operations, and every sum
 * is in double in a fixed order (a channel's sums in {@value Tuning#SUM_LANES} partials, value
 * {@code i} of each plane going to partial {@code i mod SUM_LANES}, planes added image by image, the
 * partials combined by the reductions' pairwise tree; planes of under 16 values are summed as one
 * run per channel, value {@code image * plane + i} going to partial {@code (image * plane + i) mod
 * SUM_LANES}; the clipping value's gradient over fixed chunks of
 * {@value Tuning#ELEMENTWISE_TASK_ELEMENTS} values, each summed the same way, added in chunk order).
 *
 * <p>NaN: a NaN z clips to 0 in the sums, never fires and lies outside every window, so its
 * gradient to u is 0; but its term {@code gz * u = 0 * NaN} makes the clipping value's gradient NaN,
 * as the composite form {@code sum(dz * z)} does (so does an infinite u, {@code 0 * inf}). None of
 * these passes modifies its inputs.
 */
public final class Spiking {
    private static final int LANES = Tuning.SUM_LANES;
    private static final int CHUNK = Tuning.ELEMENTWISE_TASK_ELEMENTS;

    private Spiking() {
    }

    /** Per-channel {@code sum clamp(u / a, 0, 1)} ({@code l1}) and sum of its squares ({@code l2}), {@code [C]} each. */
    public record ClippedSums(double[] l1, double[] l2) {
        /** Over every channel. */
        public double totalL1() {
            return sum(l1);
        }

        public double totalL2() {
            return sum(l2);
        }

        private static double sum(double[] a) {
            double s = 0;
            for (double v : a) {
                s += v;
            }
            return s;
        }
    }

    /** The gradient of a potential {@code [N, C, *]} and of the clipping value a (a double, summed over the tensor). */
    public record Gradients(Tensor input, double clip) {
    }

    /**
     * {@link ClippedSums} of {@code u} with clipping value {@code a > 0}: per channel c, in double,
     * {@code l1[c] = sum zc} and {@code l2[c] = sum zc^2} over images and positions, with
     * {@code zc = clamp(u / a, 0, 1)} (NaN gives 0). NOTE: each {@code zc^2} is the exact double
     * product of the float {@code zc}; only the additions round.
     *
     * @param u FLOAT32 {@code [N, C, *]}, not modified
     * @param a the clipping value, positive and finite
     */
    public static ClippedSums clippedSums(Tensor u, float a) {
        String op = "clippedSums";
        Tensor src = check(op, u, a);
        int images = u.size(0);
        int channels = u.size(1);
        int plane = planeSize(u);
        // NOTE: planes of under 16 values ([N, F] inputs: one value) would be one kernel call per
        // value, ten times slower than a pass; a channel-major copy [C, N, plane] makes each
        // channel one run instead, for the price of a copy of u.
        boolean gathered = plane < LANES && images > 1;
        Tensor runs = gathered ? src.view(images, channels, plane).transpose(0, 1).contiguous() : src;
        int run = gathered ? images * plane : plane;
        int runsPerChannel = gathered ? 1 : images;
        int runStride = gathered ? run : channels * plane;
        float[] us = runs.storage().floats();
        int base = runs.offset();
        SpikeKernels k = KernelProvider.get().spikes();
        double[] l1 = new double[channels];
        double[] l2 = new double[channels];
        // A task owns whole channels, each summed run by run (plane by plane, image order) into the
        // same partials: the same bits for any thread count. NOTE: positions count from each run's
        // start (j0 = 0), not through the channel as a reduction over dimensions 0, 2, .. would:
        // every plane then starts a vector block, which for 7x7 and 14x14 planes saves a scalar head
        // or a rotation of the partials per call.
        IntConsumer channel = c -> {
            double[] partials = new double[2 * LANES];
            int first = gathered ? c * run : c * plane;
            for (int r = 0; r < runsPerChannel; r++) {
                k.clippedSums(run, us, base + first + r * runStride, a, 0, partials);
            }
            l1[c] = Normalization.combine(partials, 0);
            l2[c] = Normalization.combine(partials, LANES);
        };
        if (u.numel() < Tuning.REDUCTION_PARALLEL_ELEMENTS || channels < 2) {
            for (int c = 0; c < channels; c++) {
                channel.accept(c);
            }
        } else {
            Parallel.shared().forEach(channels, channel);
        }
        return new ClippedSums(l1, l2);
    }

    /**
     * {@code u / a >= threshold[c] ? 1 : 0}, a new contiguous FLOAT32 tensor shaped like u. A NaN
     * potential or threshold never fires.
     *
     * @param u         FLOAT32 {@code [N, C, *]}, not modified
     * @param a         the clipping value, positive and finite
     * @param threshold one per channel ({@code [C]}), not modified
     */
    public static Tensor fire(Tensor u, float a, float[] threshold) {
        String op = "fire";
        Tensor src = check(op, u, a);
        int channels = u.size(1);
        if (threshold == null || threshold.length != channels) {
            throw TensorException.of(op, "needs one threshold per channel (%d) of input %s, got %s", channels, u.shapeRef(),
                    threshold == null ? "null" : threshold.length);
        }
        float[] t = threshold.clone();
        int plane = planeSize(u);
        float[] us = src.storage().floats();
        int base = src.offset();
        Tensor out = Tensor.allocate(op, DType.FLOAT32, u.shapeRef());
        float[] os = out.storage().floats();
        SpikeKernels k = KernelProvider.get().spikes();
        if (uniform(t)) {
            // One threshold for all (a layer-wise theta): runs need not stop at planes, which for
            // [N, F] inputs are single values.
            forChunks(u.numel(), (from, to) -> k.fire(to - from, us, base + from, a, t[0], os, from));
        } else {
            Normalization.forPlanes(u, (q0, q1) -> {
                for (int p = q0; p < q1; p++) {
                    k.fire(plane, us, base + p * plane, a, t[p % channels], os, p * plane);
                }
            });
        }
        return out;
    }

    /**
     * The gradients of {@link #fire} when its derivative with respect to z is taken to be
     * {@code height * 1[lo < z <= hi]}: with {@code gz = g * height * 1[lo < z <= hi]},
     * {@code du = gz / a} (null unless {@code needInput}) and {@code da = -sum(gz * u) / a^2}.
     * {@code gz} and {@code du} are float ({@code g * height}, then a true division); the sum is in
     * double.
     *
     * @param g the gradient of fire's output, FLOAT32 shaped like u, not modified
     * @param u FLOAT32 {@code [N, C, *]}, not modified
     * @param lo the window's open lower end, below {@code hi} (may be {@code -inf})
     * @param hi the window's closed upper end (may be {@code +inf})
     * @param height the surrogate's value on the window, finite
     */
    public static Gradients fireBackward(Tensor g, Tensor u, float a, float lo, float hi, float height, boolean needInput) {
        String op = "fireBackward";
        Tensor src = check(op, u, a);
        Tensor gs = checkLike(op, g, u);
        checkWindow(op, lo, hi, height);
        float[] us = src.storage().floats();
        float[] gv = gs.storage().floats();
        int ub = src.offset();
        int gb = gs.offset();
        Tensor du = needInput ? Tensor.allocate(op, DType.FLOAT32, u.shapeRef()) : null;
        float[] ds = needInput ? du.storage().floats() : null;
        SpikeKernels k = KernelProvider.get().spikes();
        double s = chunkSum(u.numel(), (from, to, sums) ->
                k.fireBackward(to - from, gv, gb + from, us, ub + from, a, lo, hi, height, 0, sums, ds, from));
        return new Gradients(du, clipGradient(s, a));
    }

    /**
     * The gradients of {@code g * H(zc)}, H the squared Hoyer ratio of {@code zc = clamp(u / a, 0, 1)}
     * over the whole tensor, given its sums {@code l1 = sum zc}, {@code l2 = sum zc^2} (from
     * {@link #clippedSums}): {@code dH/dzc = 2 l1 / l2 * (1[zc > 0] - zc l1 / l2)} passed where
     * {@code 0 <= z <= 1} (the clamp's convention), {@code gz = g dH/dzc}, {@code du = gz / a},
     * {@code da = -sum(gz * u) / a^2}. An all-zero zc ({@code l2 = 0}) gives zero gradients.
     *
     * <p>NOTE: {@code gz} is evaluated in float as {@code scale * ((z > 0 ? 1 : 0) - z * invExt)} with
     * {@code scale = (float) (g * 2 * l1 / l2)} and {@code invExt = (float) (l1 / l2)} (the reciprocal of the Hoyer extremum) formed in double:
     * a few float roundings per element (relative error ~1e-7 of {@code |scale|}, the same order as
     * the rounding of z itself), so the pass vectorises like the others; {@code da}'s sum is in double.
     *
     * @param u  FLOAT32 {@code [N, C, *]}, not modified
     * @param l1 {@code sum zc}, non-negative and finite
     * @param l2 {@code sum zc^2}, non-negative and finite
     * @param g  the gradient of H (a scalar)
     */
    public static Gradients ratioBackward(Tensor u, float a, double l1, double l2, double g, boolean needInput) {
        String op = "ratioBackward";
        Tensor src = check(op, u, a);
        checkSums(op, l1, l2);
        Tensor du = needInput ? Tensor.allocate(op, DType.FLOAT32, u.shapeRef()) : null;
        if (l2 == 0) {
            return new Gradients(du, 0);
        }
        float[] ds = needInput ? du.storage().floats() : null;
        float[] us = src.storage().floats();
        int ub = src.offset();
        float scale = (float) (g * 2 * l1 / l2);
        float invExt = (float) (l1 / l2);
        SpikeKernels k = KernelProvider.get().spikes();
        double s = chunkSum(u.numel(), (from, to, sums) ->
                k.ratioBackward(to - from, us, ub + from, a, scale, invExt, 0, sums, ds, from));
        return new Gradients(du, clipGradient(s, a));
    }

    /**
     * {@code -sum(gz * u) / a^2}: the chain rule through {@code z = u / a}. {@code 0 - sum} rather
     * than {@code -sum}, so that no gradient is +0, not -0.
     */
    private static double clipGradient(double sum, float a) {
        return (0.0 - sum) / ((double) a * a);
    }

    /** Work on the flat range {@code [from, to)} of a contiguous tensor. */
    @FunctionalInterface
    private interface ChunkRange {
        void run(int from, int to);
    }

    /** Work on {@code [from, to)} adding to the {@link Tuning#SUM_LANES} partials {@code sums}. */
    @FunctionalInterface
    private interface ChunkSum {
        void run(int from, int to, double[] sums);
    }

    /** Runs {@code body} over fixed chunks of {@code numel} values, split over the pool when large. */
    private static void forChunks(int numel, ChunkRange body) {
        int chunks = (numel + CHUNK - 1) / CHUNK;
        IntConsumer task = t -> body.run(t * CHUNK, Math.min(numel, (t + 1) * CHUNK));
        if (numel < Tuning.ELEMENTWISE_PARALLEL_ELEMENTS || chunks < 2) {
            for (int t = 0; t < chunks; t++) {
                task.accept(t);
            }
        } else {
            Parallel.shared().forEach(chunks, task);
        }
    }

    /**
     * A sum over {@code numel} values: each fixed chunk's partials (positions counted from the chunk's
     * start) combined by the reductions' tree, the chunks added in order. The chunks do not depend on
     * the thread count, so neither does the result.
     */
    private static double chunkSum(int numel, ChunkSum pass) {
        int chunks = (numel + CHUNK - 1) / CHUNK;
        double[] perChunk = new double[chunks];
        forChunks(numel, (from, to) -> {
            double[] partials = new double[LANES];
            pass.run(from, to, partials);
            perChunk[from / CHUNK] = Normalization.combine(partials, 0);
        });
        double total = 0;
        for (double chunk : perChunk) {
            total += chunk;
        }
        return total;
    }

    private static boolean uniform(float[] t) {
        for (float v : t) {
            if (Float.floatToRawIntBits(v) != Float.floatToRawIntBits(t[0])) {
                return false;
            }
        }
        return true;
    }

    private static Tensor check(String op, Tensor u, float a) {
        if (u == null) {
            throw TensorException.of(op, "potential is null");
        }
        if (u.dim() < 2 || u.dtype() != DType.FLOAT32) {
            throw TensorException.of(op, "potential must be FLOAT32 [N, C, *] (rank >= 2), got %s %s", u.dtype(), u.shapeRef());
        }
        if (!(a > 0) || Float.isInfinite(a)) {
            throw TensorException.of(op, "clipping value |v| must be positive and finite, got %s for potential %s", a,
                    u.shapeRef());
        }
        return u.contiguous();
    }

    private static Tensor checkLike(String op, Tensor g, Tensor u) {
        if (g == null || g.dtype() != DType.FLOAT32 || !Arrays.equals(g.shapeRef(), u.shapeRef())) {
            throw TensorException.of(op, "gradient %s %s must be FLOAT32 shaped like the potential %s",
                    g == null ? "null" : g.dtype(), g == null ? "" : g.shapeRef(), u.shapeRef());
        }
        return g.contiguous();
    }

    private static void checkWindow(String op, float lo, float hi, float height) {
        if (!(lo < hi)) {
            throw TensorException.of(op, "surrogate window (lo, hi] = (%s, %s] must have lo < hi", lo, hi);
        }
        if (!Float.isFinite(height)) {
            throw TensorException.of(op, "surrogate height must be finite, got %s", height);
        }
    }

    private static void checkSums(String op, double l1, double l2) {
        if (!(l1 >= 0) || !(l2 >= 0) || Double.isInfinite(l1) || Double.isInfinite(l2)) {
            throw TensorException.of(op, "clipped sums l1 = %s, l2 = %s must be non-negative and finite", l1, l2);
        }
    }

    private static int planeSize(Tensor u) {
        int planes = u.size(0) * u.size(1);
        return planes == 0 ? 0 : u.numel() / planes;
    }
}
