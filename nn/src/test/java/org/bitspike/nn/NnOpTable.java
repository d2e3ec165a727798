package org.bitspike.nn;

import static org.bitspike.testing.Domain.DISTINCT;
import static org.bitspike.testing.Domain.EVEN_TENTHS;
import static org.bitspike.testing.Domain.NONZERO;
import static org.bitspike.testing.Domain.ODD_TENTHS;
import static org.bitspike.testing.Domain.POSITIVE;
import static org.bitspike.testing.Domain.REAL;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bitspike.autograd.Var;
import org.bitspike.tensor.Convolution.ConvOptions;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.Normalization.Activation;
import org.bitspike.tensor.RandomKey;
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
 * The op table of {@code nn} (PyTorch's OpInfo): one public {@link OpSpec} per loss, norm and
 * functional layer of this package, held to the public {@code OpContract} by {@code NnOpTableTest}
 * exactly as autograd's table is: forward against a naive reference ({@link NnNaive}) on awkward
 * layouts and contiguous copies, gradients of first and second order in FLOAT64, FLOAT32 against
 * FLOAT64, bad inputs with the fragments their message must contain, and edge cases where the
 * conventions of the package documentation live.
 *
 * <p>Integer labels, the ignored index, reductions, groups and other options are drawn by the
 * sampler into the spec's arguments; floating inputs that are not differentiated (BCE weights,
 * class weights, running statistics) are inputs declared constant with
 * {@link Checks#withConstants}, so they are drawn in awkward layouts too.
 *
 * <p>NOTE: the losses with kinks in {@code input - target} (L1, smooth L1, Huber) draw the input
 * from {@link Domain#ODD_TENTHS} and the target from {@link Domain#EVEN_TENTHS}: every difference is
 * an odd multiple of 0.1, so it is at least 0.1 from the kink at 0, and thresholds are even
 * multiples of 0.1, so it is at least 0.1 from the joins too.
 *
 * <p>NOTE: the normalisations draw the normalised input from {@link Domain#DISTINCT} (values at least
 * 0.06 apart, never broadcast): a group of equal values has variance 0, where {@code 1 / sqrt(var + eps)}
 * is so steep that a finite difference means nothing.
 */
final class NnOpTable {
    /** The eps of the normalisations in the table. */
    static final double EPS = 1e-5;

    private NnOpTable() {
    }

    /** Every spec of the table. */
    static List<OpSpec<?>> specs() {
        List<OpSpec<?>> specs = new ArrayList<>();
        specs.addAll(binaryCrossEntropies());
        specs.addAll(regressionLosses());
        specs.addAll(crossEntropies());
        specs.addAll(norms());
        specs.addAll(layers());
        return specs;
    }

    // ------------------------------------------------------------------ argument records

    /** The threshold of smooth L1 (beta) or Huber (delta) and the reduction. */
    record Threshold(double value, Reduction reduction) {
    }

    /** Class indices {@code [N]} with the options of a cross-entropy (or NLL) that takes labels. */
    record Labels(Tensor labels, long ignoreIndex, double smoothing, Reduction reduction) {
    }

    /** The options of a cross-entropy against probability targets. */
    record Soft(double smoothing, Reduction reduction) {
    }

    /** Whether a batch norm has a weight and a bias, and the activation fused after it. */
    record Norm(boolean affine, Activation activation) {
        static Norm draw(Dice d) {
            return new Norm(d.coin(), d.pick(Activation.IDENTITY, Activation.RELU));
        }

        Nd activate(Nd y) {
            return activation == Activation.RELU ? y.map(v -> v > 0 ? v : 0) : y;
        }
    }

    /** The options of a convolution and whether it has a bias. */
    record Conv(ConvOptions options, boolean bias) {
    }

    // ------------------------------------------------------------------ binary cross-entropy

    private static final Domain PROBABILITY = Domain.uniform(0.05, 0.95);
    private static final Domain UNIT = Domain.uniform(0, 1);
    private static final Domain WEIGHT = Domain.uniform(0.5, 2);
    private static final Domain LOGIT = Domain.uniform(-6, 6);

    private static List<OpSpec<?>> binaryCrossEntropies() {
        return List.of(
            OpSpec.<Reduction>of("binaryCrossEntropy", List.of(PROBABILITY, UNIT),
                (Dice d) -> {
                    int[] s = d.shape(0, 3);
                    return Sample.of(reduction(d), s, s);
                },
                (x, r) -> Losses.binaryCrossEntropy(x[0], x[1], r),
                (x, r) -> pointwise(x, r, (p, y) -> -(y * Math.log(p) + (1 - y) * Math.log(1 - p))))
                .bad("mismatched shapes", () -> Losses.binaryCrossEntropy(full(0.5, 2, 3), full(0.5, 3, 2), Reduction.MEAN),
                    "binaryCrossEntropy", "[2, 3]", "[3, 2]")
                .bad("BATCH_MEAN", () -> Losses.binaryCrossEntropy(full(0.5, 2, 3), full(0.5, 2, 3), Reduction.BATCH_MEAN),
                    "binaryCrossEntropy", "BATCH_MEAN")
                .bad("probability 1.5", () -> Losses.binaryCrossEntropy(v(0.5, 1.5), v(0, 1), null, Reduction.MEAN),
                    "binaryCrossEntropy", "1.5", "[0, 1]", "[2]")
                // review finding 9: named errors for nulls; mixed dtypes refused, not promoted
                .bad("null probabilities", () -> Losses.binaryCrossEntropy(null, v(0, 1), Reduction.MEAN),
                    "binaryCrossEntropy", "probabilities is null")
                .bad("null target", () -> Losses.binaryCrossEntropy(v(0.5, 0.5), null, Reduction.MEAN),
                    "binaryCrossEntropy", "target is null")
                .bad("null reduction", () -> Losses.binaryCrossEntropy(v(0.5, 0.5), v(0, 1), null),
                    "binaryCrossEntropy", "reduction null")
                .bad("FLOAT32 probabilities, FLOAT64 target", () -> Losses.binaryCrossEntropy(full(0.5, 2), v(0, 1),
                    Reduction.MEAN), "binaryCrossEntropy", "FLOAT32", "FLOAT64", "same dtype")
                .bad("weight [4] for input [2]", () -> Losses.binaryCrossEntropy(v(0.5, 0.5), v(0, 1),
                    Tensor.ones(DType.FLOAT64, 4), Reduction.MEAN), "binaryCrossEntropy", "[4]", "[2]")
                // NOTE: each log is clamped at -100 (as PyTorch), and its derivative is 0 where it is
                // clamped; the other term keeps its exact derivative: d(-log(1 - p))/dp = 1 at p = 0.
                // PyTorch's (p - y) / max(p (1 - p), 1e-12) gives 0 and -+1e12 there instead.
                .edge(EdgeCase.at("p = 0 and 1, the -100 clamp", Reduction.NONE, doubles(0, 1, 0, 1), doubles(0, 1, 1, 0))
                    .output(doubles(0, 0, 100, 100)).gradients(doubles(1, -1, 0, 0), doubles(100, -100, 100, -100))),
            OpSpec.<Reduction>of("binaryCrossEntropy(weight)", List.of(PROBABILITY, UNIT, WEIGHT),
                (Dice d) -> {
                    int[] s = d.shape(1, 3);
                    return Sample.of(reduction(d), s, s, new int[] {s[s.length - 1]});
                },
                (x, r) -> Losses.binaryCrossEntropy(x[0], x[1], x[2].value(), r),
                (x, r) -> {
                    double[] p = x[0].data();
                    double[] y = x[1].data();
                    double[] w = x[2].data();
                    double[] l = new double[p.length];
                    for (int i = 0; i < l.length; i++) {
                        l[i] = -w[i % w.length] * (y[i] * Math.log(p[i]) + (1 - y[i]) * Math.log(1 - p[i]));
                    }
                    return NnNaive.reduce(x[0].shape(), l, r);
                })
                .with(Checks.DEFAULT.withConstants(2)),
            OpSpec.<Reduction>of("binaryCrossEntropyWithLogits", List.of(LOGIT, UNIT),
                (Dice d) -> {
                    int[] s = d.shape(0, 3);
                    return Sample.of(reduction(d), s, s);
                },
                (x, r) -> Losses.binaryCrossEntropyWithLogits(x[0], x[1], r),
                (x, r) -> pointwise(x, r, (z, y) -> Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)))))
                .bad("mismatched shapes", () -> Losses.binaryCrossEntropyWithLogits(full(0.5, 2, 3), full(0.5, 3, 2),
                    Reduction.MEAN), "binaryCrossEntropyWithLogits", "[2, 3]", "[3, 2]")
                .bad("BATCH_MEAN", () -> Losses.binaryCrossEntropyWithLogits(full(0.5, 2, 3), full(0.5, 2, 3),
                    Reduction.BATCH_MEAN), "binaryCrossEntropyWithLogits", "BATCH_MEAN")
                .bad("null logits", () -> Losses.binaryCrossEntropyWithLogits(null, v(0, 1), Reduction.MEAN),
                    "binaryCrossEntropyWithLogits", "logits is null")
                .bad("FLOAT64 logits, FLOAT32 target", () -> Losses.binaryCrossEntropyWithLogits(v(0, 1), full(0.5, 2),
                    Reduction.MEAN), "binaryCrossEntropyWithLogits", "FLOAT64", "FLOAT32", "same dtype")
                .bad("positive weight [3] for input [2]", () -> Losses.binaryCrossEntropyWithLogits(v(0.5, 0.5), v(0, 1),
                    null, Tensor.ones(DType.FLOAT64, 3), Reduction.MEAN), "binaryCrossEntropyWithLogits", "[3]", "[2]")
                // finite, with finite gradients, however saturated the sigmoid: dl/dx = sigmoid(x) - y, dl/dy = -x
                .edge(EdgeCase.at("logits +-1e30 and 0", Reduction.NONE, doubles(1e30, -1e30, 0, 1e30, -1e30),
                        doubles(1, 0, 0.5, 0, 1))
                    .output(doubles(0, 0, Math.log(2), 1e30, 1e30))
                    .gradients(doubles(0, 0, 0, 1, -1), doubles(-1e30, 1e30, 0, -1e30, 1e30)).tolerance(1e-15)),
            OpSpec.<Reduction>of("binaryCrossEntropyWithLogits(weight, posWeight)",
                List.of(LOGIT, UNIT, WEIGHT, Domain.uniform(0.5, 3)),
                (Dice d) -> {
                    int[] s = d.shape(1, 3);
                    return Sample.of(reduction(d), s, s, s, new int[] {s[s.length - 1]});
                },
                (x, r) -> Losses.binaryCrossEntropyWithLogits(x[0], x[1], x[2].value(), x[3].value(), r),
                (x, r) -> {
                    double[] z = x[0].data();
                    double[] y = x[1].data();
                    double[] w = x[2].data();
                    double[] pw = x[3].data();
                    double[] l = new double[z.length];
                    for (int i = 0; i < l.length; i++) {
                        // -w (pw y log sigmoid(z) + (1 - y) log(1 - sigmoid(z)))
                        l[i] = w[i] * (pw[i % pw.length] * y[i] * NnNaive.softplus(-z[i]) + (1 - y[i]) * NnNaive.softplus(z[i]));
                    }
                    return NnNaive.reduce(x[0].shape(), l, r);
                })
                .with(Checks.DEFAULT.withConstants(2, 3)));
    }

    // ------------------------------------------------------------------ L1, smooth L1, Huber, KL, MSE

    private static List<OpSpec<?>> regressionLosses() {
        return List.of(
            OpSpec.<Reduction>of("l1Loss", List.of(ODD_TENTHS, EVEN_TENTHS), NnOpTable::samePair,
                (x, r) -> Losses.l1Loss(x[0], x[1], r), (x, r) -> pointwise(x, r, (a, b) -> Math.abs(a - b)))
                .bad("mismatched shapes", () -> Losses.l1Loss(full(1, 2, 3), full(1, 3, 2), Reduction.MEAN),
                    "l1Loss", "[2, 3]", "[3, 2]")
                .bad("BATCH_MEAN", () -> Losses.l1Loss(full(1, 2, 3), full(1, 2, 3), Reduction.BATCH_MEAN),
                    "l1Loss", "BATCH_MEAN")
                .edge(EdgeCase.at("the kink input = target (subgradient 0)", Reduction.NONE, doubles(1, 2, -1),
                        doubles(1, 0.5, 0))
                    .output(doubles(0, 1.5, 1)).gradients(doubles(0, 1, -1), doubles(0, -1, 1))),
            OpSpec.<Threshold>of("smoothL1Loss", List.of(ODD_TENTHS, EVEN_TENTHS),
                (Dice d) -> {
                    int[] s = d.shape(0, 3);
                    return Sample.of(new Threshold(d.pick(0.4, 0.8, 1.2), reduction(d)), s, s);
                },
                (x, a) -> Losses.smoothL1Loss(x[0], x[1], a.value(), a.reduction()),
                (x, a) -> pointwise(x, a.reduction(), (u, t) -> {
                    double z = Math.abs(u - t);
                    return z < a.value() ? 0.5 * z * z / a.value() : z - 0.5 * a.value();
                }))
                .bad("mismatched shapes", () -> Losses.smoothL1Loss(full(1, 2, 3), full(1, 3, 2), 1, Reduction.MEAN),
                    "smoothL1Loss", "[2, 3]", "[3, 2]")
                .bad("BATCH_MEAN", () -> Losses.smoothL1Loss(full(1, 2, 3), full(1, 2, 3), 1, Reduction.BATCH_MEAN),
                    "smoothL1Loss", "BATCH_MEAN")
                .bad("beta -1", () -> Losses.smoothL1Loss(v(1), v(2), -1, Reduction.MEAN), "smoothL1Loss", "beta",
                    "-1.0", "[1]")
                // the join |d| = beta takes the outer branch (as PyTorch); value and slope are continuous there
                .edge(EdgeCase.at("the joins |input - target| = beta = 0.5", new Threshold(0.5, Reduction.NONE),
                        doubles(0.5, -0.5, 0.25), doubles(0, 0, 0))
                    .output(doubles(0.25, 0.25, 0.0625)).gradients(doubles(1, -1, 0.5), doubles(-1, 1, -0.5)))
                .edge(EdgeCase.at("beta 0 is L1 (subgradient 0 at the kink)", new Threshold(0, Reduction.NONE),
                        doubles(1, 2, -1), doubles(1, 0.5, 0))
                    .output(doubles(0, 1.5, 1)).gradients(doubles(0, 1, -1), doubles(0, -1, 1))),
            OpSpec.<Threshold>of("huberLoss", List.of(ODD_TENTHS, EVEN_TENTHS),
                (Dice d) -> {
                    int[] s = d.shape(0, 3);
                    return Sample.of(new Threshold(d.pick(0.6, 1.0, 1.4), reduction(d)), s, s);
                },
                (x, a) -> Losses.huberLoss(x[0], x[1], a.value(), a.reduction()),
                (x, a) -> pointwise(x, a.reduction(), (u, t) -> {
                    double z = Math.abs(u - t);
                    return z < a.value() ? 0.5 * z * z : a.value() * (z - 0.5 * a.value());
                }))
                .bad("mismatched shapes", () -> Losses.huberLoss(full(1, 2, 3), full(1, 3, 2), 1, Reduction.MEAN),
                    "huberLoss", "[2, 3]", "[3, 2]")
                .bad("BATCH_MEAN", () -> Losses.huberLoss(full(1, 2, 3), full(1, 2, 3), 1, Reduction.BATCH_MEAN),
                    "huberLoss", "BATCH_MEAN")
                .bad("delta 0", () -> Losses.huberLoss(v(1), v(2), 0, Reduction.MEAN), "huberLoss", "delta", "0.0", "[1]")
                .edge(EdgeCase.at("the joins |input - target| = delta = 0.5", new Threshold(0.5, Reduction.NONE),
                        doubles(0.5, -0.5, 0.25), doubles(0, 0, 0))
                    .output(doubles(0.125, 0.125, 0.03125)).gradients(doubles(0.5, -0.5, 0.25), doubles(-0.5, 0.5, -0.25))),
            OpSpec.<Reduction>of("klDiv", List.of(Domain.uniform(-3, 0), Domain.uniform(0.05, 1)),
                (Dice d) -> {
                    int[] s = d.shape(1, 3);
                    return Sample.of(d.pick(Reduction.MEAN, Reduction.SUM, Reduction.NONE, Reduction.BATCH_MEAN), s, s);
                },
                (x, r) -> Losses.klDiv(x[0], x[1], false, r),
                (x, r) -> pointwise(x, r, (in, t) -> t * (Math.log(t) - in)))
                .bad("mismatched shapes", () -> Losses.klDiv(Var.of(Tensor.zeros(2, 3)), Var.of(Tensor.zeros(3, 2)),
                    false, Reduction.SUM), "klDiv", "[2, 3]", "[3, 2]")
                .bad("negative target", () -> Losses.klDiv(v(0, 0), v(0.5, -0.5), false, Reduction.SUM), "klDiv",
                    "-0.5", "[2]", "logTarget")
                .bad("BATCH_MEAN of a 0-d input", () -> Losses.klDiv(Var.of(Tensor.scalar(DType.FLOAT64, 0)),
                    Var.of(Tensor.scalar(DType.FLOAT64, 1)), false, Reduction.BATCH_MEAN), "klDiv", "[]")
                // 0 log 0 = 0 (xlogy); d(t log t)/dt taken as 0 at t = 0, so dl/dt = -input there; dl/dinput = -t
                .edge(EdgeCase.at("a zero target", Reduction.NONE, doubles(-1, -2), doubles(0, 0.5))
                    .output(doubles(0, 0.5 * (Math.log(0.5) + 2)))
                    .gradients(doubles(0, -0.5), doubles(1, Math.log(0.5) + 1 + 2)).tolerance(1e-15)),
            OpSpec.<Reduction>of("klDiv(logTarget)", List.of(Domain.uniform(-3, 0)),
                (Dice d) -> {
                    int[] s = d.shape(1, 3);
                    return Sample.of(d.pick(Reduction.MEAN, Reduction.SUM, Reduction.NONE, Reduction.BATCH_MEAN), s, s);
                },
                (x, r) -> Losses.klDiv(x[0], x[1], true, r),
                (x, r) -> pointwise(x, r, (in, t) -> Math.exp(t) * (t - in))),
            OpSpec.<Reduction>of("mseLoss", List.of(REAL), NnOpTable::samePair,
                (x, r) -> Functional.mseLoss(x[0], x[1], r), (x, r) -> pointwise(x, r, (a, b) -> (a - b) * (a - b)))
                .bad("mismatched shapes", () -> Functional.mseLoss(full(1, 2, 3), full(1, 3, 2), Reduction.MEAN),
                    "mseLoss", "[2, 3]", "[3, 2]")
                .bad("BATCH_MEAN", () -> Functional.mseLoss(full(1, 2, 3), full(1, 2, 3), Reduction.BATCH_MEAN),
                    "mseLoss", "BATCH_MEAN"));
    }

    // ------------------------------------------------------------------ cross-entropy and NLL

    /** Logits {@code [N, C]} with N in 1..4 (1..2 for second order) and C in 2..4 (2..3). */
    private static int[] logitsShape(Dice d) {
        boolean small = d.size() == Size.SMALL;
        return new int[] {d.between(1, small ? 2 : 4), d.between(2, small ? 3 : 4)};
    }

    /** Labels in {@code [0, classes)}; with probability 1/4 the ignored index, except for sample 0. */
    private static Tensor labels(Dice d, int n, int classes, Long ignore) {
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            y[i] = ignore != null && i > 0 && d.between(0, 3) == 0 ? ignore : d.between(0, classes - 1);
        }
        return Tensor.of(y, n);
    }

    private static List<OpSpec<?>> crossEntropies() {
        return List.of(
            OpSpec.<Labels>of("crossEntropy(labels, weights, ignoreIndex, smoothing)", List.of(Domain.uniform(-3, 3), WEIGHT),
                (Dice d) -> {
                    int[] s = logitsShape(d);
                    // sample 0 is never ignored, so MEAN never divides by 0
                    return Sample.of(new Labels(labels(d, s[0], s[1], -1L), -1, d.pick(0.0, 0.2), reduction(d)), s,
                        new int[] {s[1]});
                },
                (x, a) -> Losses.crossEntropy(x[0], a.labels(), CrossEntropyOptions.defaults()
                    .withClassWeights(x[1].value()).withIgnoreIndex(a.ignoreIndex()).withLabelSmoothing(a.smoothing())
                    .withReduction(a.reduction())),
                (x, a) -> NnNaive.crossEntropy(x[0], a.labels().toLongArray(), x[1].data(), a.ignoreIndex(),
                    a.smoothing(), a.reduction()))
                .with(Checks.DEFAULT.withConstants(1))
                .bad("label 3 of 3 classes", () -> Losses.crossEntropy(Var.of(Tensor.zeros(2, 3)), longs(0, 3),
                    CrossEntropyOptions.defaults()), "crossEntropy", "3", "[0, 3)", "[2, 3]")
                .bad("weights [2] for 3 classes", () -> Losses.crossEntropy(Var.of(Tensor.zeros(2, 3)), longs(0, 1),
                    CrossEntropyOptions.defaults().withClassWeights(Tensor.ones(2))), "crossEntropy", "[2]", "[2, 3]")
                .bad("labels [3] for logits [2, 3]", () -> Losses.crossEntropy(Var.of(Tensor.zeros(2, 3)), longs(0, 1, 2),
                    CrossEntropyOptions.defaults()), "crossEntropy", "[3]", "[2, 3]")
                .bad("logits [6]", () -> Losses.crossEntropy(Var.of(Tensor.zeros(6)), longs(0),
                    CrossEntropyOptions.defaults()), "crossEntropy", "[6]")
                .bad("BATCH_MEAN", () -> Losses.crossEntropy(Var.of(Tensor.zeros(2, 3)), longs(0, 1),
                    CrossEntropyOptions.defaults().withReduction(Reduction.BATCH_MEAN)), "crossEntropy", "BATCH_MEAN")
                // every sample ignored: MEAN is 0 / 0 = NaN and the gradient 0 (as PyTorch); SUM is 0
                .edge(EdgeCase.at("every sample ignored, MEAN", new Labels(longs(-1, -1), -1, 0, Reduction.MEAN),
                        Tensor.of(new double[] {1, 2, 3, -1, 0, 1}, 2, 3), doubles(1, 2, 0.5))
                    .output(Tensor.scalar(DType.FLOAT64, Double.NaN)).gradients(Tensor.zeros(DType.FLOAT64, 2, 3)))
                .edge(EdgeCase.at("every sample ignored, SUM", new Labels(longs(-1, -1), -1, 0.2, Reduction.SUM),
                        Tensor.of(new double[] {1, 2, 3, -1, 0, 1}, 2, 3), doubles(1, 2, 0.5))
                    .output(Tensor.scalar(DType.FLOAT64, 0)).gradients(Tensor.zeros(DType.FLOAT64, 2, 3))),
            OpSpec.<Labels>of("crossEntropy(labels)", List.of(Domain.uniform(-3, 3)),
                (Dice d) -> {
                    int[] s = logitsShape(d);
                    return Sample.of(new Labels(labels(d, s[0], s[1], null), CrossEntropyOptions.DEFAULT_IGNORE_INDEX, 0,
                        reduction(d)), s);
                },
                (x, a) -> Losses.crossEntropy(x[0], a.labels(), CrossEntropyOptions.defaults().withReduction(a.reduction())),
                (x, a) -> NnNaive.crossEntropy(x[0], a.labels().toLongArray(), null, a.ignoreIndex(), 0, a.reduction())),
            OpSpec.<Soft>of("crossEntropy(probabilities, weights, smoothing)",
                List.of(Domain.uniform(-3, 3), UNIT, WEIGHT),
                (Dice d) -> {
                    int[] s = logitsShape(d);
                    return Sample.of(new Soft(d.pick(0.0, 0.1), reduction(d)), s, s, new int[] {s[1]});
                },
                (x, a) -> Losses.crossEntropy(x[0], x[1], CrossEntropyOptions.defaults().withClassWeights(x[2].value())
                    .withLabelSmoothing(a.smoothing()).withReduction(a.reduction())),
                (x, a) -> NnNaive.crossEntropy(x[0], x[1], x[2].data(), a.smoothing(), a.reduction()))
                .with(Checks.DEFAULT.withConstants(2))
                .bad("targets [2, 2] for logits [2, 3]", () -> Losses.crossEntropy(Var.of(Tensor.zeros(2, 3)),
                    Var.of(Tensor.zeros(2, 2)), CrossEntropyOptions.defaults()), "crossEntropy", "[2, 2]", "[2, 3]")
                .bad("null options", () -> Losses.crossEntropy(Var.of(Tensor.zeros(2, 3)), Var.of(Tensor.zeros(2, 3)),
                    null), "crossEntropy", "options is null")
                .bad("null labels", () -> Losses.crossEntropy(Var.of(Tensor.zeros(2, 3)), (Tensor) null,
                    CrossEntropyOptions.defaults()), "crossEntropy", "labels is null")
                .bad("null logits", () -> Losses.crossEntropy(null, Var.of(Tensor.zeros(2, 3)),
                    CrossEntropyOptions.defaults()), "crossEntropy", "logits is null"),
            OpSpec.<Labels>of("Functional.crossEntropy(labels, smoothing)", List.of(Domain.uniform(-3, 3)),
                (Dice d) -> {
                    int[] s = logitsShape(d);
                    return Sample.of(new Labels(labels(d, s[0], s[1], null), CrossEntropyOptions.DEFAULT_IGNORE_INDEX,
                        d.pick(0.0, 0.3), reduction(d)), s);
                },
                (x, a) -> Functional.crossEntropy(x[0], a.labels(), a.smoothing(), a.reduction()),
                (x, a) -> NnNaive.crossEntropy(x[0], a.labels().toLongArray(), null, a.ignoreIndex(), a.smoothing(),
                    a.reduction()))
                .bad("smoothing 1.5", () -> Functional.crossEntropy(Var.of(Tensor.zeros(2, 3)), longs(0, 1), 1.5,
                    Reduction.MEAN), "crossEntropy", "1.5", "[0, 1]")
                .bad("label 3 of 3 classes", () -> Functional.crossEntropy(Var.of(Tensor.zeros(2, 3)), longs(0, 3)),
                    "crossEntropy", "label 3", "[0, 3)", "[2, 3]"),
            OpSpec.<Labels>of("nllLoss", List.of(Domain.uniform(-3, 0)),
                (Dice d) -> {
                    int[] s = logitsShape(d);
                    return Sample.of(new Labels(labels(d, s[0], s[1], null), CrossEntropyOptions.DEFAULT_IGNORE_INDEX, 0,
                        reduction(d)), s);
                },
                (x, a) -> Functional.nllLoss(x[0], a.labels(), a.reduction()),
                (x, a) -> {
                    long[] y = a.labels().toLongArray();
                    double[] l = new double[y.length];
                    for (int i = 0; i < l.length; i++) {
                        l[i] = -x[0].get(i, (int) y[i]);
                    }
                    return NnNaive.reduce(new int[] {y.length}, l, a.reduction());
                })
                .bad("labels [3] for scores [2, 3]", () -> Functional.nllLoss(Var.of(Tensor.zeros(2, 3)), longs(0, 1, 2),
                    Reduction.MEAN), "nllLoss", "[3]", "[2, 3]")
                .bad("FLOAT32 labels", () -> Functional.nllLoss(Var.of(Tensor.zeros(2, 3)), Tensor.zeros(2),
                    Reduction.MEAN), "nllLoss", "FLOAT32"));
    }

    // ------------------------------------------------------------------ layer norm, group norm, batch norm

    private static List<OpSpec<?>> norms() {
        return List.of(
            OpSpec.<Integer>of("layerNorm", List.of(DISTINCT, WEIGHT, Domain.uniform(-1, 1)),
                (Dice d) -> {
                    int[] s = d.shape(2, 3);
                    s[s.length - 1] = d.between(2, d.size().maxDim + 1); // at least two values to normalise
                    int k = d.between(1, 2);
                    int[] norm = Arrays.copyOfRange(s, s.length - k, s.length);
                    return Sample.of(k, s, norm, norm);
                },
                (x, k) -> Functional.layerNorm(x[0], x[1].shape(), x[1], x[2], EPS),
                (x, k) -> {
                    int inner = x[1].numel();
                    return NnNaive.standardiseBlocks(x[0], inner, EPS, x[1].data(), x[2].data(), i -> i % inner);
                })
                .bad("normalized shape [3] of input [2, 4]", () -> Functional.layerNorm(Var.of(Tensor.zeros(2, 4)),
                    new int[] {3}, null, null, EPS), "layerNorm", "[3]", "[2, 4]", "suffix")
                .bad("weight [3] for normalized shape [4]", () -> Functional.layerNorm(Var.of(Tensor.zeros(2, 4)),
                    new int[] {4}, Var.of(Tensor.ones(3)), null, EPS), "layerNorm", "weight", "[3]", "[4]", "[2, 4]")
                .bad("eps 0", () -> Functional.layerNorm(Var.of(Tensor.zeros(2, 4)), new int[] {4}, null, null, 0),
                    "layerNorm", "eps")
                .bad("a null input", () -> Functional.layerNorm(null, new int[] {4}, null, null, EPS), "layerNorm",
                    "input is null"),
            OpSpec.<Integer>of("groupNorm", List.of(DISTINCT, WEIGHT, Domain.uniform(-1, 1)),
                (Dice d) -> {
                    int groups = d.between(1, 3);
                    int[] spatial = d.shape(0, 2);
                    int per = Nd.numel(spatial);
                    int c = groups * d.between(per < 2 ? 2 : 1, 2); // at least two values per group
                    int[] s = new int[spatial.length + 2];
                    s[0] = d.between(1, 2);
                    s[1] = c;
                    System.arraycopy(spatial, 0, s, 2, spatial.length);
                    return Sample.of(groups, s, new int[] {c}, new int[] {c});
                },
                (x, groups) -> Functional.groupNorm(x[0], groups, x[1], x[2], EPS),
                (x, groups) -> {
                    int[] s = x[0].shape();
                    int per = x[0].numel() / (s[0] * s[1]);
                    return NnNaive.standardiseBlocks(x[0], s[1] / groups * per, EPS, x[1].data(), x[2].data(),
                        i -> i / per % s[1]);
                })
                .bad("6 channels in 4 groups", () -> Functional.groupNorm(Var.of(Tensor.zeros(2, 6, 3)), 4, null, null, EPS),
                    "groupNorm", "6 channels", "[2, 6, 3]", "4 groups")
                .bad("bias [3] for 6 channels", () -> Functional.groupNorm(Var.of(Tensor.zeros(2, 6)), 3, null,
                    Var.of(Tensor.zeros(3)), EPS), "groupNorm", "bias", "[3]", "[2, 6]")
                .bad("rank 1", () -> Functional.groupNorm(Var.of(Tensor.zeros(6)), 3, null, null, EPS), "groupNorm", "[6]")
                .bad("a null input", () -> Functional.groupNorm(null, 3, null, null, EPS), "groupNorm", "input is null"),
            // training: batch statistics; fresh running statistics each call exercise their update. With
            // a weight and a bias it is the fused BatchNormFunction, without them the composite.
            // NOTE: RELU's kink at 0 is met with probability ~0 by DISTINCT values, so no domain avoids it
            OpSpec.<Norm>of("batchNorm(training)", List.of(DISTINCT, WEIGHT, Domain.uniform(-1, 1)),
                (Dice d) -> {
                    int[] s = batchShape(d);
                    Norm a = Norm.draw(d);
                    return a.affine() ? Sample.of(a, s, new int[] {s[1]}, new int[] {s[1]}) : Sample.of(a, s);
                },
                (x, a) -> {
                    int c = x[0].size(1);
                    return Functional.batchNorm(x[0], Tensor.zeros(x[0].dtype(), c), Tensor.ones(x[0].dtype(), c),
                        a.affine() ? x[1] : null, a.affine() ? x[2] : null, true, 0.1, EPS, a.activation());
                },
                (x, a) -> a.activate(NnNaive.batchNorm(x[0], null, null, a.affine() ? x[1].data() : null,
                    a.affine() ? x[2].data() : null, EPS)))
                .bad("rank 1", () -> Functional.batchNorm(Var.of(Tensor.zeros(6)), null, null, null, null, true, 0.1, EPS),
                    "batchNorm", "[6]", "rank >= 2")
                .bad("running statistics [3] for 2 channels", () -> Functional.batchNorm(Var.of(Tensor.zeros(4, 2)),
                    Tensor.zeros(3), Tensor.ones(3), null, null, true, 0.1, EPS), "batchNorm", "[3]", "2 channels", "[4, 2]")
                .bad("one value per channel in training", () -> Functional.batchNorm(Var.of(Tensor.zeros(1, 3)), null, null,
                    null, null, true, 0.1, EPS), "batchNorm", "more than one value per channel", "[1, 3]"),
            // evaluation: the running statistics (constants) instead of the batch's
            OpSpec.<Norm>of("batchNorm(evaluation)", List.of(REAL, REAL, POSITIVE, WEIGHT, Domain.uniform(-1, 1)),
                (Dice d) -> {
                    int[] s = batchShape(d);
                    int[] c = {s[1]};
                    Norm a = Norm.draw(d);
                    return a.affine() ? Sample.of(a, s, c, c, c, c) : Sample.of(a, s, c, c);
                },
                (x, a) -> Functional.batchNorm(x[0], x[1].value(), x[2].value(), a.affine() ? x[3] : null,
                    a.affine() ? x[4] : null, false, 0.1, EPS, a.activation()),
                (x, a) -> a.activate(NnNaive.batchNorm(x[0], x[1].data(), x[2].data(), a.affine() ? x[3].data() : null,
                    a.affine() ? x[4].data() : null, EPS)))
                .with(Checks.DEFAULT.withConstants(1, 2))
                .bad("running mean without a variance", () -> Functional.batchNorm(Var.of(Tensor.zeros(4, 2)),
                    Tensor.zeros(2), null, null, null, false, 0.1, EPS), "batchNorm", "[2]", "together"));
    }

    /** {@code [N, C, ...]} of rank 2 to 4 with at least two values per channel. */
    private static int[] batchShape(Dice d) {
        int[] spatial = d.shape(0, 2);
        int[] s = new int[spatial.length + 2];
        s[0] = d.between(Nd.numel(spatial) < 2 ? 2 : 1, d.size().maxDim);
        s[1] = d.between(1, d.size().maxDim);
        System.arraycopy(spatial, 0, s, 2, spatial.length);
        return s;
    }

    // ------------------------------------------------------------------ linear, conv2d, dropout, leaky ReLU

    private static List<OpSpec<?>> layers() {
        return List.of(
            OpSpec.<Boolean>of("linear", List.of(REAL),
                (Dice d) -> {
                    int[] x = d.shape(1, 3);
                    int[] w = {d.between(1, d.size().maxDim), x[x.length - 1]};
                    return d.coin() ? Sample.of(true, x, w, new int[] {w[0]}) : Sample.of(false, x, w);
                },
                (x, bias) -> Functional.linear(x[0], x[1], bias ? x[2] : null),
                (x, bias) -> NnNaive.linear(x[0], x[1], bias ? x[2] : null))
                .bad("input [2, 3] for weight [4, 5]", () -> Functional.linear(full(1, 2, 3), full(1, 4, 5), null),
                    "linear", "[2, 3]", "[4, 5]")
                .bad("a 0-d input", () -> Functional.linear(Var.of(Tensor.scalar(DType.FLOAT64, 1)), full(1, 4, 5), null),
                    "linear", "[]", "[4, 5]"),
            OpSpec.<Conv>of("conv2d", List.of(REAL),
                (Dice d) -> {
                    Conv a = convArgs(d);
                    int[][] shapes = convShapes(d, a);
                    return a.bias() ? Sample.of(a, shapes[0], shapes[1], new int[] {shapes[1][0]})
                        : Sample.of(a, shapes[0], shapes[1]);
                },
                (x, a) -> Functional.conv2d(x[0], x[1], a.bias() ? x[2] : null, a.options()),
                (x, a) -> NnNaive.conv2d(x[0], x[1], a.bias() ? x[2] : null, a.options()))
                .bad("weight [3, 3, 1, 1] for 2 input channels", () -> Functional.conv2d(full(1, 1, 2, 4, 4),
                    full(1, 3, 3, 1, 1), null, ConvOptions.DEFAULT), "conv2d", "[1, 2, 4, 4]", "[3, 3, 1, 1]"),
            OpSpec.<Double>of("dropout(evaluation)", List.of(REAL),
                (Dice d) -> Sample.of(d.pick(0.0, 0.5, 0.9), d.shape(0, 3)),
                (x, p) -> Functional.dropout(x[0], p, RandomKey.of(7), false), (x, p) -> x[0])
                .bad("p = 1", () -> Functional.dropout(full(1, 2), 1, RandomKey.of(7), false), "dropout", "1.0", "[0, 1)"),
            OpSpec.<Double>of("leakyRelu", List.of(NONZERO),
                (Dice d) -> Sample.of(d.pick(0.01, 0.2, 1.5), d.shape(0, 3)),
                (x, slope) -> Functional.leakyRelu(x[0], slope), (x, slope) -> x[0].map(v -> v > 0 ? v : slope * v))
                // at 0 the negative side's slope, as PyTorch
                .bad("a NaN slope", () -> Functional.leakyRelu(full(1, 2, 3), Double.NaN), "leakyRelu", "slope", "NaN",
                    "[2, 3]")
                .edge(EdgeCase.at("the kink x = 0 (gradient: the slope)", 0.2, doubles(0, -1.5, 2))
                    .output(doubles(0, -0.3, 2)).gradients(doubles(0.2, 0.2, 1)).tolerance(1e-15)));
    }

    private static Conv convArgs(Dice d) {
        int groups = d.between(1, 2);
        ConvOptions o = new ConvOptions(d.between(1, 2), d.between(1, 2), d.between(0, 2), d.between(0, 1),
            d.between(1, 2), d.between(1, 2), groups);
        return new Conv(d.coin() ? o : ConvOptions.DEFAULT, d.coin());
    }

    /** Input {@code [N, C, H, W]} and weight {@code [O, C / groups, kh, kw]} with an output of at least 1 x 1. */
    private static int[][] convShapes(Dice d, Conv a) {
        ConvOptions o = a.options();
        boolean small = d.size() == Size.SMALL;
        int cin = o.groups() * d.between(1, small ? 1 : 2);
        int cout = o.groups() * d.between(1, small ? 1 : 2);
        int kh = d.between(1, 3);
        int kw = d.between(1, 3);
        int extra = small ? 1 : 3;
        int h = Math.max(1, o.dilationH() * (kh - 1) + 1 - 2 * o.padH()) + d.between(0, extra);
        int w = Math.max(1, o.dilationW() * (kw - 1) + 1 - 2 * o.padW()) + d.between(0, extra);
        return new int[][] {{d.between(1, small ? 1 : 2), cin, h, w}, {cout, cin / o.groups(), kh, kw}};
    }

    // ------------------------------------------------------------------ support

    /** Two inputs of one shape of rank 0 to 3 and a reduction. */
    private static Sample<Reduction> samePair(Dice d) {
        int[] s = d.shape(0, 3);
        return Sample.of(reduction(d), s, s);
    }

    private static Reduction reduction(Dice d) {
        return d.pick(Reduction.MEAN, Reduction.SUM, Reduction.NONE);
    }

    /** {@code f} of the two inputs' elements (same shape), reduced. */
    private static Nd pointwise(Nd[] x, Reduction r, java.util.function.DoubleBinaryOperator f) {
        return NnNaive.reduce(x[0].shape(), Nd.zip(x[0], x[1], f).data(), r);
    }

    /** A 1-D FLOAT64 tensor, for edge cases. */
    static Tensor doubles(double... values) {
        return Tensor.of(values, values.length);
    }

    private static Tensor longs(long... values) {
        return Tensor.of(values, values.length);
    }

    /** A 1-D FLOAT64 constant, for bad inputs. */
    private static Var v(double... values) {
        return Var.of(Tensor.of(values, values.length));
    }

    /** A FLOAT32 constant of {@code shape} filled with {@code value}, for bad inputs. */
    private static Var full(double value, int... shape) {
        return Var.of(Tensor.full(value, shape));
    }
}
