package org.bitspike.nn.spiking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import org.bitspike.autograd.AutogradException;
import org.bitspike.autograd.GradMode;
import org.bitspike.autograd.Var;
import org.bitspike.nn.BatchNorm;
import org.bitspike.nn.BrieflyTrained;
import org.bitspike.nn.Conv2d;
import org.bitspike.nn.Dropout;
import org.bitspike.nn.Layer;
import org.bitspike.nn.Layers;
import org.bitspike.nn.Linear;
import org.bitspike.nn.Pooling;
import org.bitspike.nn.Sequential;
import org.bitspike.nn.models.Models;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Folded inference is exact: the folded model emits bit for bit the spikes and logits of the
 * unfolded evaluation forward, on random models and inputs and on inputs at, and one ulp either
 * side of, every folded threshold.
 */
class FoldingTest {
    static final String SEED = "1207202605";

    // ------------------------------------------------------------------ random models

    /** How a random small Hoyer model is built; {@code seed} draws every value. */
    record Spec(long seed, boolean pooled, HoyerSpike.Threshold conv, HoyerSpike.Threshold linear, double scale,
            boolean linearFirst) {
    }

    @Provide
    Arbitrary<Spec> specs() {
        Arbitrary<HoyerSpike.Threshold> modes = Arbitraries.of(HoyerSpike.Threshold.class);
        return Combinators.combine(Arbitraries.longs(), Arbitraries.of(true, false), modes, modes,
                Arbitraries.of(1.0, 0.8, 1.25), Arbitraries.of(true, false)).as(Spec::new)
                .withoutEdgeCases(); // random seeds, not the few edge-case longs

    }

    /**
     * conv(2 -> 3) [-> pool] -> BN -> spike -> dropout -> conv(3 -> 4) -> BN -> spike -> dropout ->
     * flatten -> linear -> BN1d -> spike -> dropout -> linear(5 -> 3), on [N, 2, 6, 6]; or with
     * {@code linearFirst} a linear(6 -> 5) -> BN1d -> spike -> linear(5 -> 3) on [N, 6].
     */
    static Sequential model(Spec spec) {
        RandomKey key = RandomKey.of(spec.seed());
        HoyerSpike.Options conv = HoyerSpike.Options.DEFAULT.withThreshold(spec.conv()).withScale(spec.scale());
        HoyerSpike.Options linear = HoyerSpike.Options.DEFAULT.withThreshold(spec.linear()).withScale(spec.scale());
        Sequential model;
        if (spec.linearFirst()) {
            model = new Sequential().add("hidden", new Sequential(new Linear(6, 5, true, key.fold(1)), BatchNorm.of1d(5),
                    new HoyerSpike(5, linear), new Dropout(0.1, key.fold(2)))).add("out", new Linear(5, 3, key.fold(3)));
        } else {
            Sequential features = new Sequential().add(new Conv2d(2, 3, 3, 1, 1, false, key.fold(1)));
            if (spec.pooled()) {
                features.add(Pooling.max(2));
            }
            int side = spec.pooled() ? 3 : 6;
            features.add(BatchNorm.of2d(3)).add(new HoyerSpike(3, conv)).add(new Dropout(0.1, key.fold(2)))
                    .add(new Conv2d(3, 4, 3, 1, 1, false, key.fold(3))).add(BatchNorm.of2d(4))
                    .add(new HoyerSpike(4, conv)).add(new Dropout(0.1, key.fold(4)));
            Sequential classifier = new Sequential(Layers.flatten(), new Linear(4 * side * side, 5, false, key.fold(5)),
                    BatchNorm.of1d(5), new HoyerSpike(5, linear), new Dropout(0.1, key.fold(6)),
                    new Linear(5, 3, key.fold(7)));
            model = new Sequential().add("features", features).add("classifier", classifier);
        }
        randomise(model, new SplittableRandom(spec.seed()));
        return model;
    }

    /**
     * Random batch-norm statistics and affine parameters (gammas of both signs, +0 and -0), random v
     * of both signs and running thetas in (0, 1].
     */
    static void randomise(Layer model, SplittableRandom rnd) {
        try (GradMode.Scope scope = GradMode.noGrad()) {
            for (Layer layer : model.namedLayers().values()) {
                if (layer instanceof BatchNorm bn) {
                    int c = bn.runningMean().size(0);
                    double[] gamma = new double[c];
                    double[] beta = new double[c];
                    double[] mean = new double[c];
                    double[] variance = new double[c];
                    for (int i = 0; i < c; i++) {
                        int kind = rnd.nextInt(6);
                        gamma[i] = kind == 0 ? 0.0 : kind == 1 ? -0.0 : kind == 2 ? -rnd.nextDouble(0.2, 2)
                                : rnd.nextDouble(0.2, 2);
                        beta[i] = rnd.nextDouble(-1, 1);
                        mean[i] = rnd.nextDouble(-1, 1);
                        variance[i] = Math.exp(rnd.nextDouble(-3, 2));
                    }
                    DType d = bn.runningMean().dtype();
                    bn.weight().value().copy_(Tensor.of(gamma, c).to(d));
                    bn.bias().value().copy_(Tensor.of(beta, c).to(d));
                    bn.runningMean().copy_(Tensor.of(mean, c).to(d));
                    bn.runningVar().copy_(Tensor.of(variance, c).to(d));
                } else if (layer instanceof HoyerSpike spike) {
                    double v = rnd.nextDouble(0.3, 3) * (rnd.nextBoolean() ? 1 : -1);
                    spike.clip().value().copy_(Tensor.scalar(spike.clip().dtype(), v));
                    Tensor theta = spike.runningTheta();
                    double[] t = new double[theta.numel()];
                    for (int i = 0; i < t.length; i++) {
                        t[i] = rnd.nextInt(5) == 0 ? 1.0 : rnd.nextDouble(0.01, 1);
                    }
                    theta.copy_(values(t, theta.shape(), theta.dtype()));
                }
            }
        }
    }

    /** The input {@code [4, 2, 6, 6]} (or {@code [4, 6]}) of a spec: normal values with some zeros. */
    static Tensor input(Spec spec, long salt) {
        int[] shape = spec.linearFirst() ? new int[] {4, 6} : new int[] {4, 2, 6, 6};
        Tensor x = Tensor.randn(RandomKey.of(spec.seed()).fold(salt), shape);
        return x.mul(x.abs().gt(0.2).to(DType.FLOAT32)); // exact zeros too
    }

    // ------------------------------------------------------------------ running and comparing

    /** {@code layer}'s output on {@code x}, walking containers in order and collecting every spike layer's output. */
    static Var run(Layer layer, Var x, List<Tensor> spikes) {
        if (layer instanceof Sequential || layer instanceof FoldedModel) {
            Var y = x;
            for (Layer child : layer.children().values()) {
                y = run(child, y, spikes);
            }
            return y;
        }
        Var y = layer.forward(x);
        if (layer instanceof HoyerSpike || layer instanceof FoldedThreshold) {
            spikes.add(y.value());
        }
        return y;
    }

    /** Spikes of every spike layer and the output of {@code source} in evaluation equal those of {@code folded}, bit for bit. */
    static void assertSameRun(Layer source, Layer folded, Tensor x) {
        source.eval();
        List<Tensor> expected = new ArrayList<>();
        List<Tensor> actual = new ArrayList<>();
        Tensor want = run(source, Var.of(x), expected).value();
        Tensor got = run(folded, Var.of(x), actual).value();
        assertEquals(expected.size(), actual.size(), "number of spike layers");
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(bits(expected.get(i)), bits(actual.get(i)), "spikes of spike layer " + i);
        }
        assertArrayEquals(bits(want), bits(got), "logits (walked)");
        assertArrayEquals(bits(source.forward(x).value()), bits(folded.forward(x).value()), "logits (forward)");
        try (GradMode.Scope scope = GradMode.noGrad()) {
            assertArrayEquals(bits(source.forward(x).value()), bits(folded.forward(x).value()), "logits (no grad)");
        }
    }

    static long[] bits(Tensor t) {
        double[] d = t.toDoubleArray();
        long[] out = new long[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = Double.doubleToRawLongBits(d[i]);
        }
        return out;
    }

    /** Parameter and buffer values and layer modes, copied. */
    static Map<String, Object> snapshot(Layer model) {
        Map<String, Object> out = new LinkedHashMap<>();
        model.stateDict().forEach((name, t) -> out.put(name, Arrays.toString(bits(t)) + t.dtype()));
        model.namedLayers().forEach((name, l) -> out.put("mode " + name, l.isTraining()));
        return out;
    }

    // ------------------------------------------------------------------ properties

    @Property(seed = SEED, tries = 200)
    void foldedModelEqualsUnfoldedEvaluation(@ForAll("specs") Spec spec) {
        Sequential source = model(spec);
        Map<String, Object> before = snapshot(source);
        Layer folded = Folding.fold(source); // folded from a model in training mode: eval semantics anyway
        assertEquals(before, snapshot(source), "fold modified the source");
        assertFalse(folded.namedLayers().values().stream().anyMatch(l -> l instanceof BatchNorm || l instanceof HoyerSpike
                || l instanceof Dropout), "every batch norm, spike and dropout is folded away");
        for (long salt = 0; salt < 3; salt++) {
            assertSameRun(source, folded, input(spec, salt));
        }
        // NaN, infinities and -0 reach the folded layers (mostly as NaN and infinities after a layer)
        double[] x = input(spec, 3).toDoubleArray();
        SplittableRandom rnd = new SplittableRandom(spec.seed());
        double[] specials = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 3e38, -3e38};
        for (double special : specials) {
            x[rnd.nextInt(x.length)] = special;
        }
        assertSameRun(source, folded, Tensor.of(x, input(spec, 3).shape()).to(DType.FLOAT32));
    }

    /**
     * A linear / 1x1-convolution identity in front of the batch norm makes the folded threshold's
     * input the model's input: feed every channel its bounds and their neighbouring floats.
     */
    @Property(seed = SEED, tries = 300)
    void thresholdsAreExactThroughWholeModels(@ForAll("specs") Spec spec) {
        RandomKey key = RandomKey.of(spec.seed());
        int c = 5;
        Layer front;
        Layer norm;
        if (spec.linearFirst()) {
            Linear identity = new Linear(c, c, false, key);
            identity.initWeight(eye(c));
            front = identity;
            norm = BatchNorm.of1d(c);
        } else {
            Conv2d identity = new Conv2d(c, c, 1, 1, 0, false, key);
            try (GradMode.Scope scope = GradMode.noGrad()) {
                identity.weight().value().copy_(eye(c).reshape(c, c, 1, 1));
            }
            front = spec.pooled() ? new Sequential(identity, Pooling.max(2)) : identity;
            norm = BatchNorm.of2d(c);
        }
        HoyerSpike.Threshold mode = spec.linearFirst() ? spec.linear() : spec.conv();
        HoyerSpike spike = new HoyerSpike(c, HoyerSpike.Options.DEFAULT.withThreshold(mode).withScale(spec.scale()));
        Sequential source = spec.linearFirst()
                ? new Sequential(front, norm, spike, new Linear(c, 3, key.fold(9)))
                : new Sequential(front, norm, spike, Pooling.adaptiveAvg(1, 1), Layers.flatten(),
                        new Linear(c, 3, key.fold(9)));
        randomise(source, new SplittableRandom(spec.seed()));
        Layer folded = Folding.fold(source);
        FoldedThreshold threshold = only(folded);
        double[][] candidates = nearBounds(threshold, true);
        int rows = candidates[0].length;
        int side = spec.pooled() && !spec.linearFirst() ? 2 : 1;
        double[] x = new double[rows * c * side * side];
        for (int r = 0; r < rows; r++) {
            for (int ch = 0; ch < c; ch++) {
                for (int s = 0; s < side * side; s++) {
                    x[(r * c + ch) * side * side + s] = candidates[ch][r];
                }
            }
        }
        Tensor in = spec.linearFirst() ? Tensor.of(x, rows, c).to(DType.FLOAT32)
                : Tensor.of(x, rows, c, side, side).to(DType.FLOAT32);
        assertSameRun(source, folded, in);
    }

    /**
     * FoldedThreshold against BatchNorm -> HoyerSpike directly, with extreme constants (gammas +-0,
     * subnormal and huge, tiny variances, huge means, tiny and huge v) in FLOAT32 and FLOAT64, on the
     * bounds, their neighbours, zeros, infinities, NaN, extremes and random bit patterns.
     */
    @Property(seed = SEED, tries = 500)
    void foldedThresholdEqualsBatchNormThenSpike(@ForAll long seed, @ForAll boolean float64, @ForAll boolean spatial,
            @ForAll boolean withNorm) {
        SplittableRandom rnd = new SplittableRandom(seed);
        DType dtype = float64 ? DType.FLOAT64 : DType.FLOAT32;
        int c = 1 + rnd.nextInt(6);
        HoyerSpike.Threshold mode = HoyerSpike.Threshold.values()[rnd.nextInt(3)];
        double scale = new double[] {1, 0.5, 1.5, 1e-3}[rnd.nextInt(4)];
        HoyerSpike spike = new HoyerSpike(c, HoyerSpike.Options.DEFAULT.withThreshold(mode).withScale(scale), dtype);
        BatchNorm bn = spatial ? BatchNorm.of2d(c, dtype) : BatchNorm.of1d(c, dtype);
        extremes(bn, spike, rnd);
        Layer folded = Folding.fold(withNorm ? new Sequential(bn, spike) : new Sequential(spike));
        FoldedThreshold threshold = only(folded);
        double[][] near = nearBounds(threshold, false);
        int rows = near[0].length + 40;
        double[] x = new double[rows * c];
        for (int ch = 0; ch < c; ch++) {
            double[] mean = bn.runningMean().toDoubleArray();
            for (int r = 0; r < rows; r++) {
                double v;
                if (r < near[ch].length) {
                    v = near[ch][r];
                } else if (r < near[ch].length + 3) {
                    double m = mean[ch];
                    v = r == near[ch].length ? m : r == near[ch].length + 1 ? up(dtype, m) : down(dtype, m);
                } else if (r < near[ch].length + 20) {
                    v = rnd.nextGaussian() * Math.exp(rnd.nextDouble(-10, 10));
                } else {
                    v = float64 ? Double.longBitsToDouble(rnd.nextLong()) : Float.intBitsToFloat(rnd.nextInt());
                }
                x[r * c + ch] = v;
            }
        }
        Tensor in = spatial ? Tensor.of(x, rows, c, 1, 1).to(dtype) : Tensor.of(x, rows, c).to(dtype);
        bn.eval();
        spike.eval();
        Tensor want = spike.forward(withNorm ? bn.forward(in) : Var.of(in)).value();
        assertArrayEquals(bits(want), bits(threshold.forward(Var.of(in)).value()));
        try (GradMode.Scope scope = GradMode.noGrad()) {
            Tensor wantNoGrad = spike.forward(withNorm ? bn.forward(in) : Var.of(in)).value();
            assertArrayEquals(bits(wantNoGrad), bits(threshold.forward(Var.of(in)).value()));
        }
    }

    static void extremes(BatchNorm bn, HoyerSpike spike, SplittableRandom rnd) {
        int c = spike.channels();
        DType d = spike.clip().dtype();
        double[] gamma = new double[c];
        double[] beta = new double[c];
        double[] mean = new double[c];
        double[] variance = new double[c];
        for (int i = 0; i < c; i++) {
            double sign = rnd.nextBoolean() ? 1 : -1;
            gamma[i] = switch (rnd.nextInt(8)) {
                case 0 -> 0.0;
                case 1 -> -0.0;
                case 2 -> sign * 1e-40; // subnormal in FLOAT32
                case 3 -> sign * 1e30;
                default -> sign * rnd.nextDouble(0.1, 3);
            };
            beta[i] = rnd.nextInt(6) == 0 ? rnd.nextGaussian() * 1e30 : rnd.nextGaussian();
            mean[i] = rnd.nextInt(6) == 0 ? rnd.nextGaussian() * 1e30 : rnd.nextGaussian();
            variance[i] = rnd.nextInt(6) == 0 ? 0 : rnd.nextInt(6) == 0 ? 1e30 : Math.exp(rnd.nextDouble(-5, 3));
        }
        double v = (rnd.nextBoolean() ? 1 : -1) * switch (rnd.nextInt(6)) {
            case 0 -> 1e-30;
            case 1 -> 1e30;
            default -> rnd.nextDouble(0.2, 3);
        };
        double[] theta = new double[spike.runningTheta().numel()];
        for (int i = 0; i < theta.length; i++) {
            theta[i] = rnd.nextInt(5) == 0 ? 1 : rnd.nextInt(5) == 0 ? 1e-20 : rnd.nextDouble(0, 1);
        }
        try (GradMode.Scope scope = GradMode.noGrad()) {
            bn.weight().value().copy_(Tensor.of(gamma, c).to(d));
            bn.bias().value().copy_(Tensor.of(beta, c).to(d));
            bn.runningMean().copy_(Tensor.of(mean, c).to(d));
            bn.runningVar().copy_(Tensor.of(variance, c).to(d));
            spike.clip().value().copy_(Tensor.scalar(d, v));
            spike.runningTheta().copy_(values(theta, spike.runningTheta().shape(), d));
        }
    }

    /**
     * Per channel: its bounds and the floats one and two ulps either side, plus zeros (and, unless
     * {@code finiteOnly}, infinities, NaN and the extremes); all rows the same length.
     */
    static double[][] nearBounds(FoldedThreshold t, boolean finiteOnly) {
        DType d = t.dtype();
        double[] lower = t.lower().toDoubleArray();
        double[] upper = t.upper().toDoubleArray();
        double max = d == DType.FLOAT32 ? Float.MAX_VALUE : Double.MAX_VALUE;
        double min = d == DType.FLOAT32 ? Float.MIN_VALUE : Double.MIN_VALUE;
        double[][] out = new double[lower.length][];
        for (int c = 0; c < lower.length; c++) {
            List<Double> v = new ArrayList<>();
            for (double b : new double[] {lower[c], upper[c]}) {
                v.addAll(List.of(down(d, down(d, b)), down(d, b), b, up(d, b), up(d, up(d, b))));
            }
            v.addAll(List.of(0.0, -0.0, min, -min, max, -max));
            if (!finiteOnly) {
                v.addAll(List.of(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN));
            }
            out[c] = v.stream().mapToDouble(x -> finiteOnly && !Double.isFinite(x) ? 0.5 : x).toArray();
        }
        return out;
    }

    static double up(DType d, double v) {
        return d == DType.FLOAT32 ? Math.nextUp((float) v) : Math.nextUp(v);
    }

    static double down(DType d, double v) {
        return d == DType.FLOAT32 ? Math.nextDown((float) v) : Math.nextDown(v);
    }

    static FoldedThreshold only(Layer folded) {
        List<FoldedThreshold> all = folded.namedLayers().values().stream().filter(l -> l instanceof FoldedThreshold)
                .map(l -> (FoldedThreshold) l).toList();
        assertEquals(1, all.size(), "folded thresholds in " + folded);
        return all.get(0);
    }

    /** {@code v} shaped {@code shape} (0-d when empty) in dtype {@code d}. */
    static Tensor values(double[] v, int[] shape, DType d) {
        return shape.length == 0 ? Tensor.scalar(d, v[0]) : Tensor.of(v, shape).to(d);
    }

    static Tensor eye(int n) {
        double[] e = new double[n * n];
        for (int i = 0; i < n; i++) {
            e[i * n + i] = 1;
        }
        return Tensor.of(e, n, n).to(DType.FLOAT32);
    }

    // ------------------------------------------------------------------ the zoo model

    @Test
    @Tag("slow")
    void vggSmallAfterTrainingFoldsExactly() {
        RandomKey key = RandomKey.of(42);
        // both signs of gamma and exact zeros in every batch norm
        Layer model = BrieflyTrained.model(Models.create("vgg-small", 1, 10, HoyerKinds.papers(), key), key);
        Map<String, Object> before = snapshot(model);
        Layer folded = Folding.fold(model);
        assertEquals(before, snapshot(model), "fold modified the source");
        assertEquals(5, folded.namedLayers().values().stream().filter(l -> l instanceof FoldedThreshold).count());
        assertSameRun(model, folded, Tensor.randn(key.fold(3000), 4, 1, 28, 28));
    }

    // ------------------------------------------------------------------ golden cases and structure

    /** z = x / |v| >= theta: with |v| = 3 and theta = 1 the first firing float is 3 (nextDown(3) / 3 rounds below 1). */
    @Test
    void goldenLoneSpike() {
        HoyerSpike spike = new HoyerSpike(2, HoyerSpike.Options.DEFAULT);
        try (GradMode.Scope scope = GradMode.noGrad()) {
            spike.clip().value().copy_(Tensor.scalar(DType.FLOAT32, -3));
            spike.runningTheta().copy_(Tensor.of(new float[] {1f, 0.5f}, 2));
        }
        FoldedThreshold t = only(Folding.fold(new Sequential(spike)));
        assertArrayEquals(new double[] {3, 1.5}, t.lower().toDoubleArray());
        assertArrayEquals(new double[] {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY}, t.upper().toDoubleArray());
    }

    /** gamma > 0 fires above, gamma < 0 below, gamma = 0 on all or none of the finite floats. */
    @Test
    void directionsFollowGamma() {
        BatchNorm bn = BatchNorm.of1d(4);
        HoyerSpike spike = new HoyerSpike(4, HoyerSpike.Options.DEFAULT);
        try (GradMode.Scope scope = GradMode.noGrad()) {
            bn.weight().value().copy_(Tensor.of(new float[] {1, -1, 0, -0f}, 4));
            bn.bias().value().copy_(Tensor.of(new float[] {0, 0, 2, -1}, 4));
            spike.runningTheta().copy_(Tensor.full(DType.FLOAT32, 0.5, 4));
        }
        FoldedThreshold t = only(Folding.fold(new Sequential(bn, spike)));
        double[] lower = t.lower().toDoubleArray();
        double[] upper = t.upper().toDoubleArray();
        assertTrue(lower[0] > 0.49 && lower[0] < 0.51 && upper[0] == Double.POSITIVE_INFINITY, "gamma > 0: x >= ~0.5");
        assertTrue(lower[1] == Double.NEGATIVE_INFINITY && upper[1] < -0.49 && upper[1] > -0.51, "gamma < 0: x <= ~-0.5");
        assertArrayEquals(new double[] {-Float.MAX_VALUE, Float.MAX_VALUE}, new double[] {lower[2], upper[2]},
                "gamma = 0, beta 2: every finite input fires");
        assertTrue(lower[3] > upper[3], "gamma = -0, beta -1: nothing fires");
        assertEquals(List.of(FoldedThreshold.Direction.AT_LEAST, FoldedThreshold.Direction.AT_MOST,
                FoldedThreshold.Direction.FINITE, FoldedThreshold.Direction.NEVER),
                List.of(t.direction(0), t.direction(1), t.direction(2), t.direction(3)));
        assertEquals(lower[0], t.threshold(0));
        assertEquals(upper[1], t.threshold(1));
        assertTrue(Double.isNaN(t.threshold(2)));
        assertThrows(IndexOutOfBoundsException.class, () -> t.direction(4));
    }

    @Test
    void foldedModelRefusesToTrain() {
        Sequential source = model(new Spec(3, true, HoyerSpike.Threshold.CHANNEL_WISE, HoyerSpike.Threshold.LAYER, 1,
                false));
        Layer folded = Folding.fold(source);
        IllegalStateException e = assertThrows(IllegalStateException.class, folded::train);
        assertTrue(e.getMessage().contains("FoldedModel") && e.getMessage().contains("features.3"), e.getMessage());
        assertFalse(folded.isTraining());
        assertTrue(folded.eval() == folded && !folded.isTraining());

        Map<String, Object> before = snapshot(source);
        Layer features = folded.children().get("features");
        FoldedThreshold first = (FoldedThreshold) features.children().get("3");
        IllegalStateException direct = assertThrows(IllegalStateException.class, first::train);
        assertTrue(direct.getMessage().contains("features.2 -> features.3"), direct.getMessage());
        features.train(); // reaches the folded layer without its train(): its forward refuses
        IllegalStateException forward = assertThrows(IllegalStateException.class,
                () -> folded.forward(input(new Spec(3, true, null, null, 1, false), 0)));
        assertTrue(forward.getMessage().contains("FoldedThreshold(features.2 -> features.3")
                && forward.getMessage().contains("training mode"), forward.getMessage());
        assertEquals(before, snapshot(source), "switching the folded model reached the source");
        folded.eval();
        assertSameRun(source, folded, input(new Spec(3, true, null, null, 1, false), 0));
    }

    @Test
    void foldedModelHasNoGradientAndKeepsItsDtype() {
        Layer folded = Folding.fold(model(new Spec(4, false, HoyerSpike.Threshold.LAYER, HoyerSpike.Threshold.LAYER,
                1, true)));
        Var x = Var.withGrad(Tensor.randn(RandomKey.of(1), 4, 6));
        Var y = folded.forward(x);
        AutogradException e = assertThrows(AutogradException.class, () -> y.sum().backward());
        assertTrue(e.getMessage().contains("no gradient for foldedThreshold with respect to input"), e.getMessage());
        IllegalArgumentException to = assertThrows(IllegalArgumentException.class, () -> folded.to(DType.FLOAT64));
        assertTrue(to.getMessage().contains("hidden.2") && to.getMessage().contains("FLOAT32"), to.getMessage());
        assertTrue(folded.to(DType.FLOAT32) == folded);
    }

    @Test
    void foldedModelIsASnapshot() {
        Spec spec = new Spec(5, false, HoyerSpike.Threshold.CHANNEL_WISE, HoyerSpike.Threshold.LAYER, 1, false);
        Sequential source = model(spec);
        Layer folded = Folding.fold(source);
        Tensor x = input(spec, 0);
        Tensor before = folded.forward(x).value();
        randomise(source, new SplittableRandom(99));
        try (GradMode.Scope scope = GradMode.noGrad()) {
            source.parameters().forEach(p -> p.value().copy_(p.value().mul(-2)));
        }
        assertArrayEquals(bits(before), bits(folded.forward(x).value()));
        assertNotSame(source.children().get("features").children().get("0"),
                folded.children().get("features").children().get("0"));
    }

    /** The source's observers are not called by folding, and its perturbations are not folded in. */
    @Test
    void foldingIgnoresObserversAndPerturbations() {
        Spec spec = new Spec(7, true, HoyerSpike.Threshold.CHANNEL_WISE, HoyerSpike.Threshold.LAYER, 1, false);
        Sequential source = model(spec);
        HoyerSpike spike = (HoyerSpike) source.children().get("features").children().get("3");
        int[] calls = {0};
        spike.observe(event -> calls[0]++);
        var handle = spike.perturb(u -> u.add(100.0));
        Layer folded = Folding.fold(source);
        assertEquals(0, calls[0], "observer called by fold");
        handle.remove();
        assertSameRun(source, folded, input(spec, 0));
    }

    @Test
    void unsupportedStructuresAreNamed() {
        Layer foreign = new Layer() {
            @Override
            protected Var compute(Var input) {
                return input;
            }
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Folding.fold(new Sequential()
                .add("features", new Sequential(new Conv2d(1, 2, 3, 1, 1, false, RandomKey.of(6)), foreign))));
        assertTrue(e.getMessage().contains("FoldingTest") && e.getMessage().contains("'features.1'"), e.getMessage());
        NullPointerException none = assertThrows(NullPointerException.class, () -> Folding.fold(null));
        assertTrue(none.getMessage().contains("fold"));
    }

    /** A Hoyer ResNet: spikes after residual sums fold alone, batch norms before a sum are frozen. */
    @Test
    @Tag("slow")
    void hoyerResnetFoldsExactly() {
        RandomKey key = RandomKey.of(8);
        Layer model = Models.create("resnet20", 3, 10, HoyerKinds.papers(), key);
        randomise(model, new SplittableRandom(8));
        Map<String, Object> before = snapshot(model);
        Layer folded = Folding.fold(model);
        assertEquals(before, snapshot(model), "fold modified the source");
        assertEquals(model.namedLayers().values().stream().filter(l -> l instanceof HoyerSpike).count(),
                folded.namedLayers().values().stream().filter(l -> l instanceof FoldedThreshold).count());
        assertSameRun(model, folded, Tensor.randn(key.fold(1), 2, 3, 32, 32));
    }

    /** A float model (BatchNorm -> ReLU, fused in the source) folds to a frozen evaluation copy. */
    @Test
    void floatModelFoldsToAnEvaluationSnapshot() {
        RandomKey key = RandomKey.of(9);
        Layer model = Models.create("vgg-small", 1, 10, key);
        randomise(model, new SplittableRandom(9));
        Layer folded = Folding.fold(model);
        assertSameRun(model, folded, Tensor.randn(key.fold(1), 2, 1, 28, 28));
    }

    @Test
    void brokenConstantsAreNamed() {
        BatchNorm bn = BatchNorm.of1d(3);
        HoyerSpike spike = new HoyerSpike(3, HoyerSpike.Options.DEFAULT);
        try (GradMode.Scope scope = GradMode.noGrad()) {
            bn.runningVar().copy_(Tensor.of(new float[] {1, -1e-5f, 1}, 3));
        }
        IllegalArgumentException variance = assertThrows(IllegalArgumentException.class,
                () -> Folding.fold(new Sequential(bn, spike)));
        assertTrue(variance.getMessage().contains("0 -> 1") && variance.getMessage().contains("channel 1")
                && variance.getMessage().contains("running var"), variance.getMessage());
        try (GradMode.Scope scope = GradMode.noGrad()) {
            bn.runningVar().fill_(1);
            spike.clip().value().fill_(0);
        }
        IllegalArgumentException v = assertThrows(IllegalArgumentException.class,
                () -> Folding.fold(new Sequential(bn, spike)));
        assertTrue(v.getMessage().contains("|v| is 0.0"), v.getMessage());
    }
}
