package org.bitspike.tensor;

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
 * Plane sums are added per channel in plane order, so results do not depend on the thread count.
 */
public final class Spiking {
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

    /** {@link ClippedSums} of {@code u} with clipping value {@code a > 0}. */
    public static ClippedSums clippedSums(Tensor u, float a) {
        String op = "clippedSums";
        Tensor src = check(op, u, a);
        int channels = u.size(1);
        int planes = u.size(0) * channels;
        int plane = planeSize(u);
        float[] us = src.storage().floats();
        int base = src.offset();
        double[] p1 = new double[planes];
        double[] p2 = new double[planes];
        Normalization.forPlanes(u, (q0, q1) -> {
            double[] acc = new double[8]; // four independent chains of each sum: the adds overlap
            for (int p = q0; p < q1; p++) {
                java.util.Arrays.fill(acc, 0);
                int off = base + p * plane;
                int i = 0;
                for (; i + 4 <= plane; i += 4) {
                    for (int j = 0; j < 4; j++) {
                        float zc = clip01(us[off + i + j] / a);
                        acc[j] += zc;
                        acc[4 + j] += zc * zc;
                    }
                }
                for (; i < plane; i++) {
                    float zc = clip01(us[off + i] / a);
                    acc[0] += zc;
                    acc[4] += zc * zc;
                }
                p1[p] = (acc[0] + acc[1]) + (acc[2] + acc[3]);
                p2[p] = (acc[4] + acc[5]) + (acc[6] + acc[7]);
            }
        });
        double[] l1 = new double[channels];
        double[] l2 = new double[channels];
        for (int p = 0; p < planes; p++) {
            l1[p % channels] += p1[p];
            l2[p % channels] += p2[p];
        }
        return new ClippedSums(l1, l2);
    }

    /** {@code u / a >= threshold[c] ? 1 : 0}, a new contiguous FLOAT32 tensor shaped like u. */
    public static Tensor fire(Tensor u, float a, float[] threshold) {
        String op = "fire";
        Tensor src = check(op, u, a);
        int channels = u.size(1);
        if (threshold == null || threshold.length != channels) {
            throw TensorException.of(op, "needs one threshold per channel (%d) of input %s, got %s", channels, u.shapeRef(),
                    threshold == null ? "null" : threshold.length);
        }
        int plane = planeSize(u);
        float[] us = src.storage().floats();
        int base = src.offset();
        Tensor out = Tensor.allocate(op, DType.FLOAT32, u.shapeRef());
        float[] os = out.storage().floats();
        Normalization.forPlanes(u, (q0, q1) -> {
            for (int p = q0; p < q1; p++) {
                float t = threshold[p % channels];
                int off = base + p * plane;
                int o = p * plane;
                for (int i = 0; i < plane; i++) {
                    os[o + i] = us[off + i] / a >= t ? 1f : 0f;
                }
            }
        });
        return out;
    }

    /**
     * The gradients of {@link #fire} when its derivative with respect to z is taken to be
     * {@code height * 1[lo < z <= hi]}: with {@code gz = g * height * 1[lo < z <= hi]},
     * {@code du = gz / a} (null unless {@code needInput}) and {@code da = -sum(gz * u) / a^2}.
     */
    public static Gradients fireBackward(Tensor g, Tensor u, float a, float lo, float hi, float height, boolean needInput) {
        String op = "fireBackward";
        Tensor src = check(op, u, a);
        Tensor gs = checkLike(op, g, u);
        int plane = planeSize(u);
        int planes = u.size(0) * u.size(1);
        float[] us = src.storage().floats();
        float[] gv = gs.storage().floats();
        int ub = src.offset();
        int gb = gs.offset();
        Tensor du = needInput ? Tensor.allocate(op, DType.FLOAT32, u.shapeRef()) : null;
        float[] ds = needInput ? du.storage().floats() : null;
        double[] partial = new double[planes];
        Normalization.forPlanes(u, (q0, q1) -> {
            for (int p = q0; p < q1; p++) {
                double s = 0;
                for (int i = 0; i < plane; i++) {
                    float uv = us[ub + p * plane + i];
                    float z = uv / a;
                    float gz = z > lo && z <= hi ? gv[gb + p * plane + i] * height : 0f;
                    s += (double) gz * uv;
                    if (ds != null) {
                        ds[p * plane + i] = gz / a;
                    }
                }
                partial[p] = s;
            }
        });
        return new Gradients(du, -sumInOrder(partial) / ((double) a * a));
    }

    /**
     * The gradients of {@code g * H(zc)}, H the squared Hoyer ratio of {@code zc = clamp(u / a, 0, 1)}
     * over the whole tensor, given its sums {@code l1 = sum zc}, {@code l2 = sum zc^2} (from
     * {@link #clippedSums}): {@code dH/dzc = 2 l1 / l2 * (1[zc > 0] - zc l1 / l2)} passed where
     * {@code 0 <= z <= 1} (the clamp's convention), {@code gz = g dH/dzc}, {@code du = gz / a},
     * {@code da = -sum(gz * u) / a^2}. An all-zero zc ({@code l2 = 0}) gives zero gradients.
     */
    public static Gradients ratioBackward(Tensor u, float a, double l1, double l2, double g, boolean needInput) {
        String op = "ratioBackward";
        Tensor src = check(op, u, a);
        int plane = planeSize(u);
        int planes = u.size(0) * u.size(1);
        float[] us = src.storage().floats();
        int ub = src.offset();
        Tensor du = needInput ? Tensor.allocate(op, DType.FLOAT32, u.shapeRef()) : null;
        float[] ds = needInput ? du.storage().floats() : null;
        double scale = l2 == 0 ? 0 : g * 2 * l1 / l2;
        double ext = l2 == 0 ? 0 : l1 / l2;
        double[] partial = new double[planes];
        Normalization.forPlanes(u, (q0, q1) -> {
            for (int p = q0; p < q1; p++) {
                double s = 0;
                for (int i = 0; i < plane; i++) {
                    float uv = us[ub + p * plane + i];
                    float z = uv / a;
                    double gz = z >= 0f && z <= 1f ? scale * ((z > 0f ? 1 : 0) - z * ext) : 0;
                    s += gz * uv;
                    if (ds != null) {
                        ds[p * plane + i] = (float) (gz / a);
                    }
                }
                partial[p] = s;
            }
        });
        return new Gradients(du, -sumInOrder(partial) / ((double) a * a));
    }

    /** {@code clamp(z, 0, 1)}; NaN gives 0 (it is not counted). */
    private static float clip01(float z) {
        return z > 1f ? 1f : z > 0f ? z : 0f;
    }

    private static double sumInOrder(double[] a) {
        double s = 0;
        for (double v : a) {
            s += v;
        }
        return s;
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
        if (g == null || g.dtype() != DType.FLOAT32 || !java.util.Arrays.equals(g.shapeRef(), u.shapeRef())) {
            throw TensorException.of(op, "gradient %s %s must be FLOAT32 shaped like the potential %s",
                    g == null ? "null" : g.dtype(), g == null ? "" : g.shapeRef(), u.shapeRef());
        }
        return g.contiguous();
    }

    private static int planeSize(Tensor u) {
        int planes = u.size(0) * u.size(1);
        return planes == 0 ? 0 : u.numel() / planes;
    }
}
