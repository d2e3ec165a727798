package org.bitspike.nn.spiking;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import org.bitspike.autograd.Var;
import org.bitspike.nn.spiking.HoyerRegularizer.Scale;
import org.bitspike.nn.spiking.HoyerSpike.Threshold;
import org.bitspike.nn.train.Regularizer;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.Tensor;
import org.bitspike.testing.Dice;
import org.bitspike.testing.Dice.Size;
import org.bitspike.testing.Domain;
import org.bitspike.testing.Nd;
import org.bitspike.testing.OpSpec;
import org.bitspike.testing.OpSpec.Checks;
import org.bitspike.testing.OpSpec.EdgeCase;
import org.bitspike.testing.OpSpec.Sample;

/**
 * The op table of {@code nn/spiking}: one public {@link OpSpec} per spike function, smooth
 * surrogate, Hoyer measure, regulariser penalty and Hoyer spike forward, held to the public
 * {@code OpContract} by {@link SpikingOpTableTest} as {@code NnOpTable} is.
 *
 * <ul>
 *   <li>{@code spike <surrogate>}, {@code fire <surrogate>}, {@code fireAnchored <surrogate>}: the
 *       forward is exactly the step {@code x >= threshold ? 1 : 0} on every input ({@link Checks#NO_GRADIENT}:
 *       the backward is a surrogate, not the step's derivative; {@code SurrogateTest} proves it is
 *       bit for bit the backward of the smooth function below);</li>
 *   <li>{@code smooth <surrogate>}: {@link Surrogate#smoothFunction()}, the smooth forward with the
 *       spike's backward attached, against a naive double formula, gradchecked to second order on a
 *       domain away from the function's kinks;</li>
 *   <li>{@code Hoyer.ratio} (differentiable, second order) and {@code Hoyer.extremum} (forward only)
 *       over random dims and keepDim;</li>
 *   <li>{@code HoyerRegularizer penalty ...}: the penalty of one Hoyer spike layer as a function of
 *       (u, v), summed and averaged, with and without {@code detachClip};</li>
 *   <li>{@code HoyerSpike ...}: the training-mode forward, cw, layer and fixed, on {@code [N, C, H, W]}
 *       and {@code [N, F]}, against the naive reference of digest section 2.2.</li>
 * </ul>
 *
 * <p>NOTE: two parameterisations of every surrogate: the defaults of the libraries and a second one
 * with another window, so a formula that ignores a parameter cannot pass.
 */
final class SpikingOpTable {
    private SpikingOpTable() {
    }

    /** The two parameterisations of each surrogate the table and {@code SurrogateTest} use. */
    static List<Surrogate> surrogates() {
        return List.of(Surrogate.rectangle(0, 2, 0.5), Surrogate.rectangle(-0.5, 0.5, 1),
                Surrogate.triangle(1, 1), Surrogate.triangle(0.5, 2),
                Surrogate.sigmoid(4), Surrogate.sigmoid(1.5),
                Surrogate.fastSigmoid(25), Surrogate.fastSigmoid(2),
                Surrogate.arctan(2), Surrogate.arctan(0.5));
    }

    /** Every spec of the table. */
    static List<OpSpec<?>> specs() {
        List<OpSpec<?>> specs = new ArrayList<>();
        for (Surrogate s : surrogates()) {
            specs.add(spike(s));
            specs.add(fire(s, true));
            specs.add(fire(s, false));
            specs.add(smooth(s));
        }
        specs.add(hoyerRatio());
        specs.add(hoyerExtremum());
        for (Scale scale : Scale.values()) {
            specs.add(penalty(scale, false));
            specs.add(penalty(scale, true));
        }
        for (Threshold t : Threshold.values()) {
            specs.add(t == Threshold.CHANNEL_WISE ? withHoyerSpikeBadInputs(hoyerSpike(t, true)) : hoyerSpike(t, true));
            specs.add(hoyerSpike(t, false));
        }
        return specs;
    }

    // ------------------------------------------------------------------ spikes

    private static OpSpec<Void> spike(Surrogate s) {
        return OpSpec.unary("spike " + s, Domain.REAL, x -> s.spike(x), v -> v >= 0 ? 1 : 0)
                .with(Checks.NO_GRADIENT)
                // the step at 0 is 1 everywhere in bitspike; -0.0 >= 0 too; NaN compares false
                .edge(EdgeCase.<Void>at("x = 0, -0.0, NaN, +-infinity, +-MIN_VALUE", null,
                        doubles(0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
                                Double.MIN_VALUE, -Double.MIN_VALUE))
                        .output(doubles(1, 1, 0, 1, 0, 1, 0)))
                .edge(EdgeCase.<Void>at("FLOAT32 x = 0, -0.0, NaN", null,
                        Tensor.of(new float[] {0f, -0f, Float.NaN, -Float.MIN_VALUE}, 4))
                        .output(Tensor.of(new float[] {1, 1, 0, 0}, 4)))
                .bad("a null input", () -> s.spike(null), "heaviside", "input is null");
    }

    /**
     * {@code x >= threshold} with the threshold a second (constant) input broadcast to x: centred
     * ({@link Spikes#fire}) or anchored ({@link Spikes#fireAnchored}); the forward is the same.
     */
    private static OpSpec<Void> fire(Surrogate s, boolean centred) {
        String op = centred ? "fire" : "fireAnchored";
        OpSpec<Void> spec = OpSpec.<Void>of(op + " " + s, List.of(Domain.REAL, Domain.uniform(-1, 1)),
                (Dice d) -> {
                    int[] x = d.shape(0, 3);
                    int[] t = d.someOnes(Arrays.copyOfRange(x, d.between(0, x.length), x.length));
                    return Sample.of(null, x, t);
                },
                (x, a) -> centred ? Spikes.fire(x[0], x[1].value(), s) : Spikes.fireAnchored(x[0], x[1].value(), s),
                (x, a) -> Nd.zip(x[0], x[1], (v, t) -> v >= t ? 1 : 0))
                .with(Checks.NO_GRADIENT.withConstants(1))
                .edge(EdgeCase.<Void>at("x = threshold (fires), -0.0 at threshold 0, NaN", null,
                        doubles(0.25, -0.0, Double.NaN, 0.5, -1), doubles(0.25, 0, 0.25, Double.NaN, -1))
                        .output(doubles(1, 1, 0, 0, 1)))
                .bad("a FLOAT32 threshold for a FLOAT64 potential", () -> call(centred, Var.of(doubles(1, 2)),
                        Tensor.scalar(DType.FLOAT32, 0), s), op, "FLOAT32", "FLOAT64", "does not match")
                .bad("a null threshold", () -> call(centred, Var.of(doubles(1, 2)), null, s), op, "threshold is null")
                .bad("a null surrogate", () -> call(centred, Var.of(doubles(1, 2)), doubles(0), null), "surrogate is null");
        return spec;
    }

    private static Var call(boolean centred, Var x, Tensor threshold, Surrogate s) {
        return centred ? Spikes.fire(x, threshold, s) : Spikes.fireAnchored(x, threshold, s);
    }

    // ------------------------------------------------------------------ smooth functions

    /**
     * The smooth function behind each surrogate, as the naive double formula of its documentation,
     * on a domain at least 0.05 from its kinks (rectangle: lo and hi; triangle: +-width, and 0 where
     * its second derivative jumps; fast sigmoid: 0, where |x| makes the second derivative jump).
     */
    private static OpSpec<Void> smooth(Surrogate s) {
        Domain domain;
        DoubleUnaryOperator f;
        String bad;
        Runnable badCall;
        String[] fragments;
        if (s instanceof Surrogate.Rectangle r) {
            domain = Domain.REAL.awayFrom(0.05, r.lo(), r.hi());
            f = x -> r.height() * (Math.min(Math.max(x, r.lo()), r.hi()) - r.lo());
            bad = "an empty window (1, 1]";
            badCall = () -> Surrogate.rectangle(1, 1, 0.5);
            fragments = new String[] {"Surrogate.rectangle", "(1.0, 1.0]", "lo < hi"};
        } else if (s instanceof Surrogate.Triangle t) {
            domain = Domain.REAL.awayFrom(0.05, -t.width(), 0, t.width());
            f = x -> {
                double c = Math.min(Math.max(x, -t.width()), t.width());
                return t.height() * (c - c * Math.abs(c) / (2 * t.width()) + t.width() / 2);
            };
            bad = "width 0";
            badCall = () -> Surrogate.triangle(0, 1);
            fragments = new String[] {"Surrogate.triangle", "width", "0.0", "positive"};
        } else if (s instanceof Surrogate.Sigmoid g) {
            domain = Domain.REAL;
            f = x -> 1 / (1 + Math.exp(-g.alpha() * x));
            bad = "alpha NaN";
            badCall = () -> Surrogate.sigmoid(Double.NaN);
            fragments = new String[] {"Surrogate.sigmoid", "alpha", "NaN", "positive"};
        } else if (s instanceof Surrogate.FastSigmoid g) {
            domain = Domain.REAL.awayFrom(0.05, 0);
            f = x -> x / (1 + g.slope() * Math.abs(x));
            bad = "slope -25";
            badCall = () -> Surrogate.fastSigmoid(-25);
            fragments = new String[] {"Surrogate.fastSigmoid", "slope", "-25.0", "positive"};
        } else if (s instanceof Surrogate.Arctan g) {
            domain = Domain.REAL;
            f = x -> Math.atan(Math.PI / 2 * g.alpha() * x) / Math.PI + 0.5;
            bad = "alpha infinity";
            badCall = () -> Surrogate.arctan(Double.POSITIVE_INFINITY);
            fragments = new String[] {"Surrogate.arctan", "alpha", "Infinity", "finite"};
        } else {
            throw new IllegalStateException("no smooth reference for " + s);
        }
        return OpSpec.unary("smooth " + s, domain, x -> s.smoothFunction().apply(x), f)
                .bad(bad, badCall, fragments);
    }

    // ------------------------------------------------------------------ Hoyer measures

    /** Reduction dims (none: every dimension) and keepDim. */
    record Dims(int[] dims, boolean keepDim) {
        static Dims draw(Dice d, int rank) {
            return new Dims(d.coin() ? new int[0] : d.dims(rank), d.coin());
        }
    }

    private static OpSpec<Dims> hoyerRatio() {
        return OpSpec.<Dims>of("Hoyer.ratio", List.of(Domain.NONZERO),
                (Dice d) -> {
                    int[] s = d.shape(0, 3);
                    return Sample.of(Dims.draw(d, s.length), s);
                },
                (x, a) -> Hoyer.ratio(x[0], a.keepDim(), a.dims()),
                (x, a) -> slices(x[0], a, (l1, l2) -> l2 == 0 ? 0 : l1 * l1 / l2))
                .bad("an INT64 input", () -> Hoyer.ratio(Var.of(Tensor.of(new long[] {1, 2}, 2)), false), "hoyerRatio",
                        "[2]", "INT64", "not floating point")
                .bad("a null input", () -> Hoyer.ratio((Var) null, false), "hoyerRatio", "input is null")
                .bad("dim 2 of a [2, 3] input", () -> Hoyer.ratio(Var.of(Tensor.zeros(DType.FLOAT64, 2, 3)), false, 2),
                        "hoyerRatio", "dim 2", "[2, 3]")
                // an all-zero slice has no ratio (0/0): 0 with gradient 0; a zero in a non-zero slice
                // gets the subgradient sign(0) = 0 of the closed form
                .edge(EdgeCase.at("an all-zero row and a row [0, 3, -4] (digest 1.1 closed form)", new Dims(new int[] {1},
                                false), Tensor.of(new double[] {0, 0, 0, 0, 3, -4}, 2, 3))
                        .output(doubles(0, 49.0 / 25))
                        // dH/dx_i = 2 l1 / l2 (sign(x_i) - x_i / Ext), l1 = 7, l2 = 25, Ext = 25/7
                        .gradients(Tensor.of(new double[] {0, 0, 0, 0, 14.0 / 25 * (1 - 3 * 7.0 / 25),
                                14.0 / 25 * (-1 + 4 * 7.0 / 25)}, 2, 3))
                        .tolerance(1e-15))
                .edge(EdgeCase.at("[1, -2] keepDim (12/25 and 6/25)", new Dims(new int[0], true),
                                Tensor.of(new double[] {1, -2}, 1, 2))
                        .output(Tensor.of(new double[] {9.0 / 5}, 1, 1))
                        .gradients(Tensor.of(new double[] {12.0 / 25, 6.0 / 25}, 1, 2)).tolerance(1e-15));
    }

    private static OpSpec<Dims> hoyerExtremum() {
        double whenZero = 0.75;
        return OpSpec.<Dims>of("Hoyer.extremum", List.of(Domain.REAL),
                (Dice d) -> {
                    int[] s = d.shape(0, 3);
                    return Sample.of(Dims.draw(d, s.length), s);
                },
                (x, a) -> Var.of(Hoyer.extremum(x[0].value(), whenZero, a.keepDim(), a.dims())),
                (x, a) -> slices(x[0], a, (l1, l2) -> l1 == 0 ? whenZero : l2 / l1))
                .with(Checks.NO_GRADIENT)
                .bad("an INT64 input", () -> Hoyer.extremum(Tensor.of(new long[] {1, 2}, 2), 1, false), "hoyerExtremum",
                        "[2]", "INT64", "not floating point")
                .bad("a null input", () -> Hoyer.extremum(null, 1, false), "hoyerExtremum", "input is null")
                .bad("dim -3 of a [2, 3] input", () -> Hoyer.extremum(Tensor.zeros(DType.FLOAT64, 2, 3), 1, false, -3),
                        "hoyerExtremum", "dim -3", "[2, 3]")
                .edge(EdgeCase.at("an all-zero row gives whenZero; [0, 3, -4] gives 25/7", new Dims(new int[] {-1}, true),
                                Tensor.of(new double[] {0, 0, 0, 0, 3, -4}, 2, 3))
                        .output(Tensor.of(new double[] {whenZero, 25.0 / 7}, 2, 1)).tolerance(1e-15));
    }

    /** {@code f(l1, l2)} of every slice of {@code x} over {@code a.dims()} (all when empty), shaped as the op's output. */
    private static Nd slices(Nd x, Dims a, java.util.function.DoubleBinaryOperator f) {
        int rank = x.rank();
        boolean[] reduced = new boolean[rank];
        if (a.dims().length == 0) {
            Arrays.fill(reduced, true);
        }
        for (int d : a.dims()) {
            reduced[d < 0 ? d + rank : d] = true;
        }
        int[] kept = new int[rank];
        for (int d = 0; d < rank; d++) {
            kept[d] = reduced[d] ? 1 : x.shape()[d];
        }
        Nd l1 = Nd.zeros(kept);
        Nd l2 = Nd.zeros(kept);
        for (int i = 0; i < x.numel(); i++) {
            int[] at = Nd.unravel(i, x.shape());
            for (int d = 0; d < rank; d++) {
                at[d] = reduced[d] ? 0 : at[d];
            }
            double v = x.data()[i];
            l1.add(Math.abs(v), at);
            l2.add(v * v, at);
        }
        double[] out = new double[l1.numel()];
        for (int i = 0; i < out.length; i++) {
            out[i] = f.applyAsDouble(l1.data()[i], l2.data()[i]);
        }
        if (a.keepDim()) {
            return new Nd(kept, out);
        }
        return new Nd(Arrays.stream(range(rank)).filter(d -> !reduced[d]).map(d -> kept[d]).toArray(), out);
    }

    // ------------------------------------------------------------------ the regulariser penalty

    /** lambda of a penalty spec. */
    record Lambda(double lambda) {
    }

    /** |v| in the penalty specs: u stays 0.05 away from these (and from 0), the clip kinks. */
    private static final double[] CLIPS = {0.8, 1.25};

    /**
     * The penalty of one Hoyer spike layer, {@code lambda * H(clip(u / |v|, 0, 1))} (divided by the
     * map's size for MEAN), as a function of u ({@code [N, C, ...]}) and v (0-d, either sign, |v| one
     * of {@link #CLIPS}). u is drawn at least 0.05 from 0 and from each |v|, the kinks of the clip.
     * With {@code detachClip} v is declared constant: the penalty still depends on v through the clip,
     * but by design it sends v no gradient ({@code HoyerRegularizerTest} checks there is none).
     *
     * <p>NOTE: H is scale invariant, so where no entry reaches |v| the penalty does not depend on v at
     * all and its v gradient is 0 (Euler: sum z dH/dz = 0); the clipped entries are what give v a
     * gradient, and u in (-2, 2) clips often at |v| 0.8 and 1.25.
     */
    private static OpSpec<Lambda> penalty(Scale scale, boolean detach) {
        Domain u = Domain.REAL.awayFrom(0.05, 0, CLIPS[0], CLIPS[1]);
        Domain v = Domain.of("+-{0.8, 1.25}", (p, q) -> (q < 0.5 ? -1 : 1) * (p < 0.5 ? CLIPS[0] : CLIPS[1]));
        String name = "HoyerRegularizer penalty " + scale + (detach ? " detachClip" : "");
        OpSpec<Lambda> spec = OpSpec.<Lambda>of(name, List.of(u, v),
                (Dice d) -> Sample.of(new Lambda(d.pick(1.0, 0.25)), potentialShape(d), new int[0]),
                (x, a) -> penalty(x[0], x[1], new HoyerRegularizer.Options(a.lambda(), scale, detach)),
                (x, a) -> {
                    double clip = Math.abs(x[1].data()[0]);
                    double l1 = 0;
                    double l2 = 0;
                    for (double p : x[0].data()) {
                        double z = Math.min(Math.max(p / clip, 0), 1);
                        l1 += z;
                        l2 += z * z;
                    }
                    double h = l2 == 0 ? 0 : l1 * l1 / l2;
                    return new Nd(new int[0], new double[] {a.lambda() * (scale == Scale.MEAN ? h / x[0].numel() : h)});
                })
                .edge(EdgeCase.at("u <= 0 everywhere: penalty 0, gradients 0", new Lambda(1),
                                Tensor.of(new double[] {-1, 0, -0.5, -2}, 2, 2), Tensor.scalar(DType.FLOAT64, 0.8))
                        .output(Tensor.scalar(DType.FLOAT64, 0)).gradients(Tensor.zeros(DType.FLOAT64, 2, 2)))
                .edge(EdgeCase.at("v = -2: z = [0.25, 0.75, 1 (clipped), 0], H = 4 / 1.625", new Lambda(1),
                                Tensor.of(new double[] {0.5, 1.5, 3, -1}, 1, 4), Tensor.scalar(DType.FLOAT64, -2))
                        .output(Tensor.scalar(DType.FLOAT64, (scale == Scale.MEAN ? 0.25 : 1) * 4 / 1.625))
                        .tolerance(1e-15));
        return detach ? spec.with(Checks.DEFAULT.withConstants(1)) : spec;
    }

    /** One Hoyer spike forward on u with its v replaced by {@code v}, inside one regulariser step: the penalty. */
    static Var penalty(Var u, Var v, HoyerRegularizer.Options options) {
        HoyerSpike layer = new HoyerSpike(u.size(1), HoyerSpike.Options.DEFAULT, u.dtype());
        layer.train();
        try (HoyerRegularizer hoyer = HoyerRegularizer.attach(layer, options); Regularizer.Step step = hoyer.begin()) {
            layer.forwardWith(Map.of("v", v), u);
            return step.penalty();
        }
    }

    /** {@code [N, C, H, W]} or {@code [N, F]} (rarely {@code [N, C, L]}), small enough for second order. */
    private static int[] potentialShape(Dice d) {
        boolean small = d.size() == Size.SMALL;
        int n = d.between(1, small ? 2 : 3);
        int c = d.between(1, small ? 2 : 3);
        return switch (d.between(0, 4)) {
            case 0, 1 -> new int[] {n, c, d.between(1, small ? 2 : 3), d.between(1, small ? 2 : 3)};
            case 2 -> new int[] {n, c, d.between(1, 3)};
            default -> new int[] {n, d.between(1, small ? 3 : 6)};
        };
    }

    // ------------------------------------------------------------------ the Hoyer spike forward

    /** The threshold scale s of a Hoyer spike spec. */
    record Scaled(double scale) {
    }

    /**
     * The training-mode forward of a Hoyer spike with v replaced by input 1 (either sign, |v| in
     * [0.6, 1.4]), against digest 2.2 computed naively in double: z = u / |v|, theta the Hoyer
     * extremum of clip(z, 0, 1) per channel (over batch and space), per layer, or 1; 1.0 for a slice
     * with no positive entry; spike iff z >= s theta.
     *
     * <p>NOTE: u comes from {@link Domain#DISTINCT}: no two entries are equal (and none is broadcast),
     * so theta, a ratio of sums, never ties with an entry up to the last bit except where a slice has
     * a single positive entry, and there the op and the reference compute {@code z * z / z} alike.
     */
    private static OpSpec<Scaled> hoyerSpike(Threshold threshold, boolean spatial) {
        Domain v = Domain.of("+-[0.6, 1.4]", (p, q) -> (q < 0.5 ? -1 : 1) * (0.6 + 0.8 * p));
        String name = "HoyerSpike " + threshold.label() + (spatial ? " [N, C, H, W]" : " [N, F]");
        return OpSpec.<Scaled>of(name, List.of(Domain.DISTINCT, v),
                (Dice d) -> {
                    int n = d.between(1, 3);
                    int c = d.between(1, 4);
                    int[] u = spatial ? new int[] {n, c, d.between(1, 3), d.between(1, 3)} : new int[] {n, c};
                    return Sample.of(new Scaled(d.pick(1.0, 1.0, 0.75)), u, new int[0]);
                },
                (x, a) -> spikeLayer(x[0].size(1), threshold, a.scale(), x[0].dtype()).forwardWith(Map.of("v", x[1]), x[0]),
                (x, a) -> naiveHoyerSpike(x[0], x[1].data()[0], threshold, a.scale()))
                .with(Checks.NO_GRADIENT.withConstants(1))
                .edge(hoyerSpikeGolden(threshold, spatial));
    }

    /**
     * A hand-computed forward with v = -2. Channel-wise: channel 0 has z = [0.2, 0.6], theta =
     * 0.4 / 0.8 = 0.5; channel 1 has no positive entry, theta = 1. Layer-wise and fixed: z = [0.2,
     * 0.6, 0.95, -1], theta = 1.3025 / 1.75 (about 0.744) or 1, so 0.95 fires only layer-wise.
     */
    private static EdgeCase<Scaled> hoyerSpikeGolden(Threshold threshold, boolean spatial) {
        Tensor v = Tensor.scalar(DType.FLOAT64, -2);
        if (threshold == Threshold.CHANNEL_WISE) {
            // [N, F] = [2, 2]: channel 0 is column 0; [N, C, H, W] = [1, 2, 1, 2]: channel 0 is the first pair
            Tensor u = spatial ? Tensor.of(new double[] {0.4, 1.2, -2, -1}, 1, 2, 1, 2)
                    : Tensor.of(new double[] {0.4, -2, 1.2, -1}, 2, 2);
            Tensor out = spatial ? Tensor.of(new double[] {0, 1, 0, 0}, 1, 2, 1, 2) : Tensor.of(new double[] {0, 0, 1, 0}, 2, 2);
            return EdgeCase.at("cw: theta 0.5 and 1 (a channel without positive entry)", new Scaled(1), u, v).output(out);
        }
        int[] shape = spatial ? new int[] {1, 2, 1, 2} : new int[] {1, 4};
        double fires = threshold == Threshold.LAYER ? 1 : 0;
        return EdgeCase.at(threshold.label() + ": z = [0.2, 0.6, 0.95, -1]", new Scaled(1),
                Tensor.of(new double[] {0.4, 1.2, 1.9, -2}, shape), v)
                .output(Tensor.of(new double[] {0, 0, fires, 0}, shape));
    }

    private static HoyerSpike spikeLayer(int channels, Threshold threshold, double scale, DType dtype) {
        HoyerSpike layer = new HoyerSpike(channels, HoyerSpike.Options.DEFAULT.withThreshold(threshold).withScale(scale),
                dtype);
        layer.train();
        return layer;
    }

    /** Digest 2.2 in double, for a potential {@code [N, C, ...]}. */
    static Nd naiveHoyerSpike(Nd u, double v, Threshold threshold, double scale) {
        int[] shape = u.shape();
        int channels = shape[1];
        int inner = u.numel() / shape[0] / channels;
        double[] l1 = new double[threshold == Threshold.CHANNEL_WISE ? channels : 1];
        double[] l2 = new double[l1.length];
        double[] z = new double[u.numel()];
        for (int i = 0; i < z.length; i++) {
            z[i] = u.data()[i] / Math.abs(v);
            double zc = Math.min(Math.max(z[i], 0), 1);
            int slice = l1.length == 1 ? 0 : i / inner % channels;
            l1[slice] += zc;
            l2[slice] += zc * zc;
        }
        double[] out = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            int slice = l1.length == 1 ? 0 : i / inner % channels;
            double theta = threshold == Threshold.FIXED || l1[slice] == 0 ? 1 : l2[slice] / l1[slice];
            out[i] = z[i] >= scale * theta ? 1 : 0;
        }
        return new Nd(shape, out);
    }

    /** The bad inputs of the Hoyer spike and its options: each message names the layer and the value. */
    private static OpSpec<Scaled> withHoyerSpikeBadInputs(OpSpec<Scaled> spec) {
        HoyerSpike.Options o = HoyerSpike.Options.DEFAULT;
        HoyerSpike cw4 = new HoyerSpike(4, o, DType.FLOAT64);
        HoyerSpike layer3 = new HoyerSpike(3, o.withThreshold(Threshold.LAYER).withWindow(0, 1), DType.FLOAT32);
        String cw4Name = "HoyerSpike(4, cw, window (0.0, 2.0])";
        return spec
                .bad("window (0, 0]", () -> o.withWindow(0, 0), "HoyerSpike", "window", "(0.0, 0.0]", "lo < hi")
                .bad("window (0, -1]", () -> o.withWindow(0, -1), "HoyerSpike", "window", "(0.0, -1.0]", "lo < hi")
                .bad("window (0, NaN]", () -> o.withWindow(0, Double.NaN), "HoyerSpike", "window", "NaN")
                .bad("window (-infinity, 2]", () -> o.withWindow(Double.NEGATIVE_INFINITY, 2), "HoyerSpike", "window",
                        "-Infinity", "finite")
                .bad("momentum 1.5", () -> o.withMomentum(1.5), "HoyerSpike", "momentum", "1.5", "[0, 1]")
                .bad("momentum -0.1", () -> o.withMomentum(-0.1), "HoyerSpike", "momentum", "-0.1", "[0, 1]")
                .bad("momentum NaN", () -> o.withMomentum(Double.NaN), "HoyerSpike", "momentum", "NaN", "[0, 1]")
                .bad("scale 0", () -> o.withScale(0), "HoyerSpike", "scale", "0.0", "positive")
                .bad("scale NaN", () -> o.withScale(Double.NaN), "HoyerSpike", "scale", "NaN", "positive")
                .bad("threshold mode 'sum'", () -> Threshold.parse("sum"), "HoyerSpike", "unknown threshold mode", "'sum'",
                        "cw, layer, fixed")
                .bad("threshold mode null", () -> Threshold.parse(null), "HoyerSpike", "unknown threshold mode", "null")
                .bad("a null threshold mode", () -> o.withThreshold(null), "HoyerSpike", "threshold mode is null")
                .bad("a surrogate with height 0", () -> o.withSurrogate(Surrogate.rectangle(0, 2, 0)),
                        "Surrogate.rectangle", "height", "0.0", "positive")
                .bad("a triangle of width -1", () -> Surrogate.triangle(-1, 1), "Surrogate.triangle", "width", "-1.0")
                .bad("a sigmoid with alpha 0", () -> Surrogate.sigmoid(0), "Surrogate.sigmoid", "alpha", "0.0")
                .bad("an arctan with alpha -2", () -> Surrogate.arctan(-2), "Surrogate.arctan", "alpha", "-2.0")
                .bad("a fast sigmoid with slope infinity", () -> Surrogate.fastSigmoid(Double.POSITIVE_INFINITY),
                        "Surrogate.fastSigmoid", "slope", "Infinity")
                .bad("0 channels", () -> new HoyerSpike(0, o), "HoyerSpike", "channels", "0")
                .bad("an INT64 layer", () -> new HoyerSpike(2, o, DType.INT64), "HoyerSpike", "dtype", "INT64")
                .bad("3 channels into a 4-channel layer", () -> cw4.forward(Tensor.zeros(DType.FLOAT64, 2, 3, 5, 5)),
                        cw4Name, "[2, 3, 5, 5]", "4 channels")
                .bad("a rank-1 input", () -> cw4.forward(Tensor.zeros(DType.FLOAT64, 4)), cw4Name, "[4]", "rank >= 2")
                .bad("a FLOAT32 input into a FLOAT64 layer", () -> cw4.forward(Tensor.zeros(DType.FLOAT32, 2, 4)), cw4Name,
                        "[2, 4]", "FLOAT32", "FLOAT64")
                .bad("a FLOAT64 input into a FLOAT32 layer", () -> layer3.forward(Tensor.zeros(DType.FLOAT64, 2, 3)),
                        "HoyerSpike(3, layer, window (0.0, 1.0])", "FLOAT64", "FLOAT32")
                .bad("a null observer", () -> cw4.observe(null), "HoyerSpike.observe", "null");
    }

    // ------------------------------------------------------------------ support

    private static int[] range(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }

    /** A 1-D FLOAT64 tensor. */
    static Tensor doubles(double... values) {
        return Tensor.of(values, values.length);
    }
}
