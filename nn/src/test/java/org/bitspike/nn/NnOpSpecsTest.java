package org.bitspike.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tag;
import org.bitspike.autograd.GradCheck;
import org.bitspike.autograd.Var;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.Tensor;

/**
 * The op table of the losses and norms of this package: one self-contained {@link Spec} per op
 * (name, op, naive double reference, sampler of random shapes and values inside the op's smooth
 * domain, constant inputs, bad inputs with the fragments their message must contain), and the
 * properties every spec goes through: the forward equals the reference, first and second
 * derivatives match finite differences (FLOAT64), bad inputs raise errors naming the op and the
 * shapes. Each entry is written to be ported to the public {@code OpSpec} of bitspike-testing as is.
 *
 * <p>Every property draws one seed per try (fixed jqwik seed); each spec derives its sample from it.
 */
class NnOpSpecsTest {
    static final String SEED = "20261207";

    /** A naive reference result: a shape and row-major values. */
    record Nd(int[] shape, double[] data) {
    }

    /** An input that must raise an error whose message contains every fragment. */
    record Bad(String what, Runnable call, String... fragments) {
    }

    /**
     * One op: {@code op} maps the sampled inputs (as Vars) to the output; {@code reference} maps the
     * same inputs (as tensors) to the expected output; {@code sample} draws inputs inside the op's
     * smooth domain (away from kinks) for a random source; {@code constants} are the indices of the
     * floating inputs that are not differentiated (weights given as constants).
     */
    record Spec(String name, Function<Var[], Var> op, Function<Tensor[], Nd> reference,
                Function<SplittableRandom, Tensor[]> sample, int[] constants, List<Bad> bad) {
    }

    // ------------------------------------------------------------------ sampling helpers

    private static int[] shape(SplittableRandom r, int minRank, int maxRank) {
        int[] s = new int[r.nextInt(minRank, maxRank + 1)];
        for (int i = 0; i < s.length; i++) {
            s[i] = r.nextInt(1, 4);
        }
        return s;
    }

    private static int numel(int[] shape) {
        return Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    }

    private static Tensor uniform(SplittableRandom r, double lo, double hi, int... shape) {
        double[] v = new double[numel(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextDouble(lo, hi);
        }
        return Tensor.of(v, shape);
    }

    /** Values {@code t + d} with {@code |d|} in {@code [lo, hi]} and a random sign: differences away from 0. */
    private static Tensor awayFrom(SplittableRandom r, Tensor t, double lo, double hi) {
        double[] v = t.toDoubleArray();
        for (int i = 0; i < v.length; i++) {
            v[i] += (r.nextBoolean() ? 1 : -1) * r.nextDouble(lo, hi);
        }
        return Tensor.of(v, t.shape());
    }

    private static double[] d(Tensor t) {
        return t.toDoubleArray();
    }

    private static Nd reduce(int[] shape, double[] l, Reduction reduction) {
        double sum = Arrays.stream(l).sum();
        return switch (reduction) {
            case NONE -> new Nd(shape, l);
            case SUM -> new Nd(new int[0], new double[] {sum});
            case MEAN -> new Nd(new int[0], new double[] {sum / l.length});
            case BATCH_MEAN -> new Nd(new int[0], new double[] {sum / shape[0]});
        };
    }

    private static double softplus(double x) {
        return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    }

    private static Var v(double... values) {
        return Var.of(Tensor.of(values, values.length));
    }

    /** Bad inputs every elementwise loss shares: a shape mismatch and the BATCH_MEAN reduction. */
    private static List<Bad> pairBad(String op, java.util.function.BiConsumer<Var[], Reduction> call, double x) {
        Var a = Var.of(Tensor.full(x, 2, 3));
        Var b = Var.of(Tensor.full(x, 3, 2));
        Var c = Var.of(Tensor.full(x, 2, 3));
        return List.of(
                new Bad("mismatched shapes", () -> call.accept(new Var[] {a, b}, Reduction.MEAN), op, "[2, 3]", "[3, 2]"),
                new Bad("BATCH_MEAN", () -> call.accept(new Var[] {a, c}, Reduction.BATCH_MEAN), op, "BATCH_MEAN"));
    }

    // ------------------------------------------------------------------ the table

    static List<Spec> specs() {
        List<Spec> specs = new ArrayList<>();

        // binary cross-entropy on probabilities, per element
        specs.add(new Spec("binaryCrossEntropy.none",
                x -> Losses.binaryCrossEntropy(x[0], x[1], null, Reduction.NONE),
                t -> {
                    double[] p = d(t[0]);
                    double[] y = d(t[1]);
                    double[] l = new double[p.length];
                    for (int i = 0; i < l.length; i++) {
                        l[i] = -(y[i] * Math.log(p[i]) + (1 - y[i]) * Math.log(1 - p[i]));
                    }
                    return new Nd(t[0].shape(), l);
                },
                r -> {
                    int[] s = shape(r, 1, 3);
                    return new Tensor[] {uniform(r, 0.05, 0.95, s), uniform(r, 0, 1, s)};
                }, new int[0],
                concat(pairBad("binaryCrossEntropy",
                        (x, red) -> Losses.binaryCrossEntropy(x[0], x[1], null, red), 0.5),
                        List.of(new Bad("probability 1.5", () -> Losses.binaryCrossEntropy(v(0.5, 1.5), v(0, 1), null,
                                Reduction.MEAN), "binaryCrossEntropy", "1.5", "[0, 1]", "[2]"),
                                new Bad("weight [4] for input [2]", () -> Losses.binaryCrossEntropy(v(0.5, 0.5), v(0, 1),
                                        Tensor.ones(DType.FLOAT64, 4), Reduction.MEAN), "binaryCrossEntropy", "[4]", "[2]")))));

        // binary cross-entropy with a weight over the last dimension, mean
        specs.add(new Spec("binaryCrossEntropy.mean.weight",
                x -> Losses.binaryCrossEntropy(x[0], x[1], x[2].value(), Reduction.MEAN),
                t -> {
                    double[] p = d(t[0]);
                    double[] y = d(t[1]);
                    double[] w = d(t[2]);
                    double[] l = new double[p.length];
                    for (int i = 0; i < l.length; i++) {
                        l[i] = -w[i % w.length] * (y[i] * Math.log(p[i]) + (1 - y[i]) * Math.log(1 - p[i]));
                    }
                    return reduce(t[0].shape(), l, Reduction.MEAN);
                },
                r -> {
                    int[] s = shape(r, 1, 3);
                    return new Tensor[] {uniform(r, 0.05, 0.95, s), uniform(r, 0, 1, s),
                        uniform(r, 0.5, 2, s[s.length - 1])};
                }, new int[] {2}, List.of()));

        // binary cross-entropy on logits, per element
        specs.add(new Spec("binaryCrossEntropyWithLogits.none",
                x -> Losses.binaryCrossEntropyWithLogits(x[0], x[1], null, null, Reduction.NONE),
                t -> {
                    double[] x = d(t[0]);
                    double[] y = d(t[1]);
                    double[] l = new double[x.length];
                    for (int i = 0; i < l.length; i++) {
                        l[i] = Math.max(x[i], 0) - x[i] * y[i] + Math.log1p(Math.exp(-Math.abs(x[i])));
                    }
                    return new Nd(t[0].shape(), l);
                },
                r -> {
                    int[] s = shape(r, 1, 3);
                    return new Tensor[] {uniform(r, -6, 6, s), uniform(r, 0, 1, s)};
                }, new int[0],
                concat(pairBad("binaryCrossEntropyWithLogits",
                        (x, red) -> Losses.binaryCrossEntropyWithLogits(x[0], x[1], null, null, red), 0.5),
                        List.of(new Bad("positive weight [3] for input [2]", () -> Losses.binaryCrossEntropyWithLogits(
                                v(0.5, 0.5), v(0, 1), null, Tensor.ones(DType.FLOAT64, 3), Reduction.MEAN),
                                "binaryCrossEntropyWithLogits", "[3]", "[2]")))));

        // with a weight and a positive weight, summed
        specs.add(new Spec("binaryCrossEntropyWithLogits.sum.weight.posWeight",
                x -> Losses.binaryCrossEntropyWithLogits(x[0], x[1], x[2].value(), x[3].value(), Reduction.SUM),
                t -> {
                    double[] x = d(t[0]);
                    double[] y = d(t[1]);
                    double[] w = d(t[2]);
                    double[] pw = d(t[3]);
                    double[] l = new double[x.length];
                    for (int i = 0; i < l.length; i++) {
                        double q = pw[i % pw.length];
                        // -w (pw y log sigmoid(x) + (1 - y) log(1 - sigmoid(x)))
                        l[i] = w[i] * (q * y[i] * softplus(-x[i]) + (1 - y[i]) * softplus(x[i]));
                    }
                    return reduce(t[0].shape(), l, Reduction.SUM);
                },
                r -> {
                    int[] s = shape(r, 1, 3);
                    return new Tensor[] {uniform(r, -6, 6, s), uniform(r, 0, 1, s), uniform(r, 0.5, 2, s),
                        uniform(r, 0.5, 3, s[s.length - 1])};
                }, new int[] {2, 3}, List.of()));

        // L1, mean: differences at least 0.1 from the kink at 0
        specs.add(new Spec("l1Loss.mean",
                x -> Losses.l1Loss(x[0], x[1], Reduction.MEAN),
                t -> {
                    double[] a = d(t[0]);
                    double[] b = d(t[1]);
                    double[] l = new double[a.length];
                    for (int i = 0; i < l.length; i++) {
                        l[i] = Math.abs(a[i] - b[i]);
                    }
                    return reduce(t[0].shape(), l, Reduction.MEAN);
                },
                r -> {
                    Tensor y = uniform(r, -2, 2, shape(r, 1, 3));
                    return new Tensor[] {awayFrom(r, y, 0.1, 2), y};
                }, new int[0],
                pairBad("l1Loss", (x, red) -> Losses.l1Loss(x[0], x[1], red), 1)));

        // smooth L1, per element, beta 0.7: |d| at least 0.05 from the joins
        specs.add(new Spec("smoothL1Loss.none.beta0.7",
                x -> Losses.smoothL1Loss(x[0], x[1], 0.7, Reduction.NONE),
                t -> {
                    double[] a = d(t[0]);
                    double[] b = d(t[1]);
                    double[] l = new double[a.length];
                    for (int i = 0; i < l.length; i++) {
                        double z = Math.abs(a[i] - b[i]);
                        l[i] = z < 0.7 ? 0.5 * z * z / 0.7 : z - 0.35;
                    }
                    return new Nd(t[0].shape(), l);
                },
                r -> {
                    Tensor y = uniform(r, -2, 2, shape(r, 1, 3));
                    double[] dd = new double[y.numel()];
                    for (int i = 0; i < dd.length; i++) {
                        dd[i] = (r.nextBoolean() ? 1 : -1) * (r.nextBoolean() ? r.nextDouble(0, 0.65) : r.nextDouble(0.75, 2));
                    }
                    return new Tensor[] {y.add(Tensor.of(dd, y.shape())), y};
                }, new int[0],
                concat(pairBad("smoothL1Loss", (x, red) -> Losses.smoothL1Loss(x[0], x[1], 1, red), 1),
                        List.of(new Bad("beta -1", () -> Losses.smoothL1Loss(v(1), v(2), -1, Reduction.MEAN),
                                "smoothL1Loss", "beta", "-1.0", "[1]")))));

        // Huber, summed, delta 1.3
        specs.add(new Spec("huberLoss.sum.delta1.3",
                x -> Losses.huberLoss(x[0], x[1], 1.3, Reduction.SUM),
                t -> {
                    double[] a = d(t[0]);
                    double[] b = d(t[1]);
                    double[] l = new double[a.length];
                    for (int i = 0; i < l.length; i++) {
                        double z = Math.abs(a[i] - b[i]);
                        l[i] = z < 1.3 ? 0.5 * z * z : 1.3 * (z - 0.65);
                    }
                    return reduce(t[0].shape(), l, Reduction.SUM);
                },
                r -> {
                    Tensor y = uniform(r, -2, 2, shape(r, 1, 3));
                    double[] dd = new double[y.numel()];
                    for (int i = 0; i < dd.length; i++) {
                        dd[i] = (r.nextBoolean() ? 1 : -1) * (r.nextBoolean() ? r.nextDouble(0, 1.25) : r.nextDouble(1.35, 3));
                    }
                    return new Tensor[] {y.add(Tensor.of(dd, y.shape())), y};
                }, new int[0],
                concat(pairBad("huberLoss", (x, red) -> Losses.huberLoss(x[0], x[1], 1, red), 1),
                        List.of(new Bad("delta 0", () -> Losses.huberLoss(v(1), v(2), 0, Reduction.MEAN),
                                "huberLoss", "delta", "0.0", "[1]")))));

        // KL divergence with probability targets, batch mean
        specs.add(new Spec("klDiv.batchMean",
                x -> Losses.klDiv(x[0], x[1], false, Reduction.BATCH_MEAN),
                t -> {
                    double[] in = d(t[0]);
                    double[] y = d(t[1]);
                    double[] l = new double[in.length];
                    for (int i = 0; i < l.length; i++) {
                        l[i] = y[i] * (Math.log(y[i]) - in[i]);
                    }
                    return reduce(t[0].shape(), l, Reduction.BATCH_MEAN);
                },
                r -> {
                    int[] s = shape(r, 1, 3);
                    return new Tensor[] {uniform(r, -3, 0, s), uniform(r, 0.05, 1, s)};
                }, new int[0],
                List.of(new Bad("mismatched shapes", () -> Losses.klDiv(Var.of(Tensor.zeros(2, 3)),
                                Var.of(Tensor.zeros(3, 2)), false, Reduction.SUM), "klDiv", "[2, 3]", "[3, 2]"),
                        new Bad("negative target", () -> Losses.klDiv(v(0, 0), v(0.5, -0.5), false, Reduction.SUM),
                                "klDiv", "-0.5", "[2]", "logTarget"),
                        new Bad("BATCH_MEAN of a 0-d input", () -> Losses.klDiv(Var.of(Tensor.scalar(DType.FLOAT64, 0)),
                                Var.of(Tensor.scalar(DType.FLOAT64, 1)), false, Reduction.BATCH_MEAN), "klDiv", "[]"))));

        // KL divergence with log-probability targets, mean over elements
        specs.add(new Spec("klDiv.logTarget.mean",
                x -> Losses.klDiv(x[0], x[1], true, Reduction.MEAN),
                t -> {
                    double[] in = d(t[0]);
                    double[] y = d(t[1]);
                    double[] l = new double[in.length];
                    for (int i = 0; i < l.length; i++) {
                        l[i] = Math.exp(y[i]) * (y[i] - in[i]);
                    }
                    return reduce(t[0].shape(), l, Reduction.MEAN);
                },
                r -> {
                    int[] s = shape(r, 1, 3);
                    return new Tensor[] {uniform(r, -3, 0, s), uniform(r, -3, 0, s)};
                }, new int[0], List.of()));

        // cross-entropy with class weights, an ignored index and label smoothing, weighted mean
        specs.add(new Spec("crossEntropy.labels.weights.ignore.smoothing.mean",
                x -> Losses.crossEntropy(x[0], x[1].value(), CrossEntropyOptions.defaults().withClassWeights(x[2].value())
                        .withIgnoreIndex(-1).withLabelSmoothing(0.2)),
                t -> crossEntropyReference(t[0], t[1].toLongArray(), d(t[2]), -1, 0.2, Reduction.MEAN),
                r -> {
                    int n = r.nextInt(1, 5);
                    int c = r.nextInt(2, 5);
                    long[] y = new long[n];
                    for (int i = 0; i < n; i++) {
                        y[i] = i > 0 && r.nextInt(4) == 0 ? -1 : r.nextInt(c); // sample 0 is never ignored
                    }
                    return new Tensor[] {uniform(r, -3, 3, n, c), Tensor.of(y, n), uniform(r, 0.5, 2, c)};
                }, new int[] {2},
                List.of(new Bad("label 3 of 3 classes", () -> Losses.crossEntropy(Var.of(Tensor.zeros(2, 3)),
                                Tensor.of(new long[] {0, 3}, 2), CrossEntropyOptions.defaults()), "crossEntropy", "3",
                                "[0, 3)", "[2, 3]"),
                        new Bad("weights [2] for 3 classes", () -> Losses.crossEntropy(Var.of(Tensor.zeros(2, 3)),
                                Tensor.of(new long[] {0, 1}, 2), CrossEntropyOptions.defaults()
                                        .withClassWeights(Tensor.ones(2))), "crossEntropy", "[2]", "[2, 3]"),
                        new Bad("labels [3] for logits [2, 3]", () -> Losses.crossEntropy(Var.of(Tensor.zeros(2, 3)),
                                Tensor.of(new long[] {0, 1, 2}, 3), CrossEntropyOptions.defaults()), "crossEntropy",
                                "[3]", "[2, 3]"),
                        new Bad("logits [6]", () -> Losses.crossEntropy(Var.of(Tensor.zeros(6)),
                                Tensor.of(new long[] {0}, 1), CrossEntropyOptions.defaults()), "crossEntropy", "[6]"),
                        new Bad("BATCH_MEAN", () -> Losses.crossEntropy(Var.of(Tensor.zeros(2, 3)),
                                Tensor.of(new long[] {0, 1}, 2), CrossEntropyOptions.defaults()
                                        .withReduction(Reduction.BATCH_MEAN)), "crossEntropy", "BATCH_MEAN"))));

        // cross-entropy with class indices, per sample, no options
        specs.add(new Spec("crossEntropy.labels.none",
                x -> Losses.crossEntropy(x[0], x[1].value(), CrossEntropyOptions.defaults().withReduction(Reduction.NONE)),
                t -> crossEntropyReference(t[0], t[1].toLongArray(), null, -100, 0, Reduction.NONE),
                r -> {
                    int n = r.nextInt(1, 5);
                    int c = r.nextInt(2, 5);
                    long[] y = new long[n];
                    for (int i = 0; i < n; i++) {
                        y[i] = r.nextInt(c);
                    }
                    return new Tensor[] {uniform(r, -3, 3, n, c), Tensor.of(y, n)};
                }, new int[0], List.of()));

        // cross-entropy with probability targets, class weights and smoothing, summed
        specs.add(new Spec("crossEntropy.probabilities.weights.smoothing.sum",
                x -> Losses.crossEntropy(x[0], x[1], CrossEntropyOptions.defaults().withClassWeights(x[2].value())
                        .withLabelSmoothing(0.1).withReduction(Reduction.SUM)),
                t -> {
                    int n = t[0].size(0);
                    int c = t[0].size(1);
                    double[] z = d(t[0]);
                    double[] q = d(t[1]);
                    double[] w = d(t[2]);
                    double total = 0;
                    for (int i = 0; i < n; i++) {
                        double[] logp = logSoftmaxRow(z, i, c);
                        for (int k = 0; k < c; k++) {
                            total -= w[k] * (0.9 * q[i * c + k] + 0.1 / c) * logp[k];
                        }
                    }
                    return new Nd(new int[0], new double[] {total});
                },
                r -> {
                    int n = r.nextInt(1, 5);
                    int c = r.nextInt(2, 5);
                    return new Tensor[] {uniform(r, -3, 3, n, c), uniform(r, 0, 1, n, c), uniform(r, 0.5, 2, c)};
                }, new int[] {2},
                List.of(new Bad("targets [2, 2] for logits [2, 3]", () -> Losses.crossEntropy(Var.of(Tensor.zeros(2, 3)),
                        Var.of(Tensor.zeros(2, 2)), CrossEntropyOptions.defaults()), "crossEntropy", "[2, 2]", "[2, 3]"))));

        // layer norm over the last one or two dimensions, with weight and bias
        specs.add(new Spec("layerNorm",
                x -> Functional.layerNorm(x[0], x[1].shape(), x[1], x[2], 1e-5),
                t -> {
                    int inner = t[1].numel();
                    double[] x = d(t[0]);
                    double[] w = d(t[1]);
                    double[] b = d(t[2]);
                    double[] y = new double[x.length];
                    for (int o = 0; o < x.length / inner; o++) {
                        double mean = 0;
                        for (int i = 0; i < inner; i++) {
                            mean += x[o * inner + i] / inner;
                        }
                        double var = 0;
                        for (int i = 0; i < inner; i++) {
                            var += (x[o * inner + i] - mean) * (x[o * inner + i] - mean) / inner;
                        }
                        for (int i = 0; i < inner; i++) {
                            y[o * inner + i] = (x[o * inner + i] - mean) / Math.sqrt(var + 1e-5) * w[i] + b[i];
                        }
                    }
                    return new Nd(t[0].shape(), y);
                },
                r -> {
                    int[] s = shape(r, 2, 3);
                    s[s.length - 1] = r.nextInt(2, 5); // at least two values to normalise
                    int k = r.nextInt(1, 3);
                    int[] norm = Arrays.copyOfRange(s, s.length - k, s.length);
                    return new Tensor[] {uniform(r, -3, 3, s), uniform(r, 0.5, 2, norm), uniform(r, -1, 1, norm)};
                }, new int[0],
                List.of(new Bad("normalized shape [3] of input [2, 4]", () -> Functional.layerNorm(
                                Var.of(Tensor.zeros(2, 4)), new int[] {3}, null, null, 1e-5), "layerNorm", "[3]", "[2, 4]",
                                "suffix"),
                        new Bad("weight [3] for normalized shape [4]", () -> Functional.layerNorm(
                                Var.of(Tensor.zeros(2, 4)), new int[] {4}, Var.of(Tensor.ones(3)), null, 1e-5),
                                "layerNorm", "weight", "[3]", "[4]", "[2, 4]"),
                        new Bad("eps 0", () -> Functional.layerNorm(Var.of(Tensor.zeros(2, 4)), new int[] {4}, null,
                                null, 0), "layerNorm", "eps"))));

        // group norm of [N, C, ...] with per-channel weight and bias
        specs.add(new Spec("groupNorm",
                x -> Functional.groupNorm(x[0], x[1].size(0), x[2], x[3], 1e-5),
                t -> {
                    int n = t[0].size(0);
                    int c = t[0].size(1);
                    int g = t[1].size(0);
                    int per = t[0].numel() / (n * c);
                    int groupSize = c / g * per;
                    double[] x = d(t[0]);
                    double[] w = d(t[2]);
                    double[] b = d(t[3]);
                    double[] y = new double[x.length];
                    for (int o = 0; o < n * g; o++) {
                        double mean = 0;
                        for (int i = 0; i < groupSize; i++) {
                            mean += x[o * groupSize + i] / groupSize;
                        }
                        double var = 0;
                        for (int i = 0; i < groupSize; i++) {
                            var += (x[o * groupSize + i] - mean) * (x[o * groupSize + i] - mean) / groupSize;
                        }
                        for (int i = 0; i < groupSize; i++) {
                            int channel = (o % g) * (c / g) + i / per;
                            y[o * groupSize + i] = (x[o * groupSize + i] - mean) / Math.sqrt(var + 1e-5) * w[channel]
                                    + b[channel];
                        }
                    }
                    return new Nd(t[0].shape(), y);
                },
                r -> {
                    int groups = r.nextInt(1, 4);
                    int c = groups * r.nextInt(1, 3);
                    int[] spatial = shape(r, 0, 2);
                    int[] s = new int[spatial.length + 2];
                    s[0] = r.nextInt(1, 3);
                    s[1] = c;
                    System.arraycopy(spatial, 0, s, 2, spatial.length);
                    if (c / groups * numel(spatial) < 2) {
                        s[1] = 2 * groups; // at least two values per group
                    }
                    // the group count travels as the length of a constant marker input
                    return new Tensor[] {uniform(r, -3, 3, s), Tensor.zeros(DType.FLOAT64, groups),
                        uniform(r, 0.5, 2, s[1]), uniform(r, -1, 1, s[1])};
                }, new int[] {1},
                List.of(new Bad("6 channels in 4 groups", () -> Functional.groupNorm(Var.of(Tensor.zeros(2, 6, 3)), 4,
                                null, null, 1e-5), "groupNorm", "6 channels", "[2, 6, 3]", "4 groups"),
                        new Bad("bias [3] for 6 channels", () -> Functional.groupNorm(Var.of(Tensor.zeros(2, 6)), 3, null,
                                Var.of(Tensor.zeros(3)), 1e-5), "groupNorm", "bias", "[3]", "[2, 6]"),
                        new Bad("rank 1", () -> Functional.groupNorm(Var.of(Tensor.zeros(6)), 3, null, null, 1e-5),
                                "groupNorm", "[6]"))));
        return specs;
    }

    @SafeVarargs
    private static <T> List<T> concat(List<T>... lists) {
        List<T> out = new ArrayList<>();
        for (List<T> l : lists) {
            out.addAll(l);
        }
        return out;
    }

    private static double[] logSoftmaxRow(double[] z, int row, int c) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < c; k++) {
            max = Math.max(max, z[row * c + k]);
        }
        double s = 0;
        for (int k = 0; k < c; k++) {
            s += Math.exp(z[row * c + k] - max);
        }
        double[] out = new double[c];
        for (int k = 0; k < c; k++) {
            out[k] = z[row * c + k] - max - Math.log(s);
        }
        return out;
    }

    /** PyTorch's cross-entropy with class indices, written out per sample. */
    static Nd crossEntropyReference(Tensor logits, long[] y, double[] w, long ignore, double e, Reduction reduction) {
        int n = logits.size(0);
        int c = logits.size(1);
        double[] z = logits.toDoubleArray();
        double[] l = new double[n];
        double total = 0;
        for (int i = 0; i < n; i++) {
            if (y[i] == ignore) {
                continue;
            }
            double[] logp = logSoftmaxRow(z, i, c);
            double wy = w == null ? 1 : w[(int) y[i]];
            double smooth = 0;
            for (int k = 0; k < c; k++) {
                smooth -= (w == null ? 1 : w[k]) * logp[k];
            }
            l[i] = (1 - e) * wy * -logp[(int) y[i]] + e / c * smooth;
            total += wy;
        }
        if (reduction == Reduction.MEAN) {
            return new Nd(new int[0], new double[] {Arrays.stream(l).sum() / total});
        }
        return reduce(new int[] {n}, l, reduction);
    }

    // ------------------------------------------------------------------ the properties

    private interface Check {
        void run(Spec spec, Tensor[] inputs);
    }

    /** Runs {@code check} on every spec with a sample drawn from {@code seed}; collects every failure. */
    private static void everySpec(long seed, Check check) {
        List<String> failures = new ArrayList<>();
        for (Spec spec : specs()) {
            Tensor[] inputs = spec.sample().apply(new SplittableRandom(seed ^ spec.name().hashCode()));
            try {
                check.run(spec, inputs);
            } catch (RuntimeException | AssertionError e) {
                failures.add(spec.name() + " at shapes " + Arrays.stream(inputs).map(t -> Arrays.toString(t.shape()))
                        .toList() + ": " + e.getMessage());
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    private static GradCheck.Options options(Spec spec) {
        return GradCheck.Options.defaults().withConstants(spec.constants());
    }

    @Property(tries = 200, seed = SEED, shrinking = ShrinkingMode.OFF)
    void forwardEqualsTheNaiveReference(@ForAll long seed) {
        everySpec(seed, (spec, inputs) -> {
            Var out = spec.op().apply(Arrays.stream(inputs).map(Var::of).toArray(Var[]::new));
            Nd expected = spec.reference().apply(inputs);
            assertArrayEquals(expected.shape(), out.shape(), "shape");
            assertArrayEquals(expected.data(), out.value().toDoubleArray(), 1e-10);
        });
    }

    /** FLOAT32 inputs (integer ones kept) give the FLOAT64 result to FLOAT32 accuracy, in FLOAT32. */
    @Property(tries = 100, seed = SEED, shrinking = ShrinkingMode.OFF)
    void float32AgreesWithFloat64(@ForAll long seed) {
        everySpec(seed, (spec, inputs) -> {
            Var[] wide = Arrays.stream(inputs).map(Var::of).toArray(Var[]::new);
            Var[] narrow = Arrays.stream(inputs).map(t -> Var.of(t.dtype().isFloating() ? t.to(DType.FLOAT32) : t))
                    .toArray(Var[]::new);
            Var out = spec.op().apply(narrow);
            assertTrue(out.dtype() == DType.FLOAT32, "dtype " + out.dtype());
            double[] expected = spec.op().apply(wide).value().toDoubleArray();
            double[] actual = out.value().toDoubleArray();
            for (int i = 0; i < expected.length; i++) {
                assertTrue(Math.abs(expected[i] - actual[i]) <= 1e-4 * (1 + Math.abs(expected[i])),
                        "element " + i + ": FLOAT64 " + expected[i] + ", FLOAT32 " + actual[i]);
            }
        });
    }

    @Property(tries = 100, seed = SEED, shrinking = ShrinkingMode.OFF)
    @Tag("slow")
    void gradientsMatchFiniteDifferences(@ForAll long seed) {
        everySpec(seed, (spec, inputs) -> GradCheck.check(spec.name(), spec.op(), options(spec), inputs));
    }

    @Property(tries = 50, seed = SEED, shrinking = ShrinkingMode.OFF)
    @Tag("slow")
    void secondOrderGradientsMatchFiniteDifferences(@ForAll long seed) {
        everySpec(seed, (spec, inputs) -> GradCheck.checkSecondOrder(spec.name(), spec.op(), options(spec), inputs));
    }

    @Example
    void badInputsRaiseErrorsNamingTheOpAndShapes() {
        List<String> failures = new ArrayList<>();
        int count = 0;
        for (Spec spec : specs()) {
            for (Bad bad : spec.bad()) {
                count++;
                String what = spec.name() + " with " + bad.what();
                try {
                    bad.call().run();
                    failures.add(what + " did not raise");
                } catch (IllegalArgumentException e) {
                    for (String fragment : bad.fragments()) {
                        if (!e.getMessage().contains(fragment)) {
                            failures.add(what + ": message \"" + e.getMessage() + "\" lacks \"" + fragment + "\"");
                        }
                    }
                }
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        assertTrue(count >= 25, "only " + count + " bad inputs");
    }
}
