package org.bitspike.bench.parity;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.bitspike.autograd.Var;
import org.bitspike.bench.parity.ParityCase.Input;
import org.bitspike.bench.parity.ParityCase.Kind;
import org.bitspike.bench.parity.ParityCase.Output;
import org.bitspike.bench.parity.ParityCase.Params;
import org.bitspike.nn.CrossEntropyOptions;
import org.bitspike.nn.Functional;
import org.bitspike.nn.Losses;
import org.bitspike.nn.Reduction;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.Normalization.Activation;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;

/**
 * The parity rows of {@code nn}'s losses ({@link Losses}) and normalisations ({@link Functional#layerNorm},
 * {@link Functional#groupNorm}, {@link Functional#batchNorm}): every reduction on seeded samples, plus
 * the edge points where nn's package documentation states a convention (BCE's -100 clamp at p = 0 and
 * 1, BCE-with-logits at +-1e30, smooth L1 and Huber at the join, L1 at 0, KL with zero targets,
 * cross-entropy with every sample ignored). Optional inputs (weights, biases, running statistics) are
 * present or absent by name; {@code parity.py} passes the same names to torch.
 */
final class NnParityCases {
    private static final List<String> REDUCTIONS = List.of("mean", "sum", "none");

    private NnParityCases() {
    }

    /** Adds every nn row to {@code c}. */
    static void addAll(List<ParityCase> c) {
        binaryCrossEntropy(c);
        binaryCrossEntropyWithLogits(c);
        regression(c);
        klDiv(c);
        crossEntropy(c);
        norms(c);
    }

    private static void binaryCrossEntropy(List<ParityCase> c) {
        Input p = probabilities("input", 601, 3, 4);
        Input y = probabilities("target", 602, 3, 4);
        Input weight = new Input("weight", new int[] {4}, new double[] {0.5, 1, 2, 0}, Kind.CONSTANT);
        for (String reduction : REDUCTIONS) {
            Params params = Params.of("reduction", reduction);
            c.add(loss("bce-" + reduction + "/randn", "bce", params, List.of(p, y), NnParityCases::bce, true));
            c.add(loss("bce-weight-" + reduction + "/randn", "bce", params, List.of(p, y, weight), NnParityCases::bce,
                    true));
        }
        // p = 0 and 1 with targets 0, 1 and 1/2 (the -100 clamp), tiny and almost-1 probabilities.
        double tiny = 1e-30;
        double almostOne = 1 - Math.pow(2, -20);
        Input pe = Input.vector("input", 0, 0, 0, 1, 1, 1, 0.5, tiny, tiny, almostOne, almostOne);
        Input ye = Input.vector("target", 0, 1, 0.5, 0, 1, 0.5, 0.5, 0, 1, 0, 1);
        for (String reduction : REDUCTIONS) {
            c.add(loss("bce-" + reduction + "/edges", "bce", Params.of("reduction", reduction), List.of(pe, ye),
                    NnParityCases::bce, false));
        }
        // Below the clamp e^-100 = 3.7e-44 (a FLOAT32 subnormal, so FLOAT64 only).
        c.add(loss("bce-none/below-clamp-float64", "bce", Params.of("reduction", "none"),
                List.of(Input.vector("input", 1e-50, 1e-50, 1 - 1e-16, 1e-43), Input.vector("target", 0, 1, 0, 1)),
                NnParityCases::bce, false).float64Only());
    }

    private static void binaryCrossEntropyWithLogits(List<ParityCase> c) {
        Input x = Input.randn("input", 611, 3, 0, 3, 4);
        Input y = probabilities("target", 612, 3, 4);
        Input weight = new Input("weight", new int[] {3, 1}, new double[] {0.5, 2, 1}, Kind.CONSTANT);
        Input posWeight = new Input("pos_weight", new int[] {4}, new double[] {1, 3, 0.25, 0}, Kind.CONSTANT);
        for (String reduction : REDUCTIONS) {
            Params params = Params.of("reduction", reduction);
            c.add(loss("bce_logits-" + reduction + "/randn", "bce_logits", params, List.of(x, y),
                    NnParityCases::bceLogits, true));
            c.add(loss("bce_logits-weights-" + reduction + "/randn", "bce_logits", params,
                    List.of(x, y, weight, posWeight), NnParityCases::bceLogits, true));
        }
        double[] logits = {1e30, 1e30, 1e30, -1e30, -1e30, -1e30, 100, 100, -100, -100, 0, 0, 0, 20, -20};
        double[] targets = {0, 1, 0.5, 0, 1, 0.5, 0, 1, 0, 1, 0, 1, 0.5, 0.25, 0.75};
        Input xe = Input.vector("input", logits);
        Input ye = Input.vector("target", targets);
        Input pwe = new Input("pos_weight", new int[] {15}, new double[] {2, 2, 2, 0.5, 0.5, 0.5, 3, 3, 3, 3, 2, 2,
            2, 0, 1}, Kind.CONSTANT);
        for (String reduction : REDUCTIONS) {
            Params params = Params.of("reduction", reduction);
            c.add(loss("bce_logits-" + reduction + "/edges", "bce_logits", params, List.of(xe, ye),
                    NnParityCases::bceLogits, true));
            c.add(loss("bce_logits-pos_weight-" + reduction + "/edges", "bce_logits", params, List.of(xe, ye, pwe),
                    NnParityCases::bceLogits, true));
        }
    }

    private static void regression(List<ParityCase> c) {
        Input a = Input.randn("input", 621, 1.5, 0, 3, 4);
        Input b = Input.randn("target", 622, 1.5, 0, 3, 4);
        // d = input - target: 0, +-1 (the joins at beta = delta = 1), +-0.5, +-2; the target is differentiable too.
        Input ae = Input.vector("input", 0, 1, 2, 3, -1, 0.5, -0.5, 0, 2.5, -2, 7);
        Input be = Input.vector("target", 0, 0, 1, 4, 0, 0, 0, 2, 0.5, 0, 7);
        for (String reduction : REDUCTIONS) {
            Params params = Params.of("reduction", reduction);
            c.add(loss("l1_loss-" + reduction + "/randn", "l1_loss", params, List.of(a, b), NnParityCases::l1, false));
            c.add(loss("l1_loss-" + reduction + "/zero", "l1_loss", params, List.of(ae, be), NnParityCases::l1, false));
            for (double beta : new double[] {1, 0.5, 0}) {
                Params pb = Params.of("reduction", reduction, "beta", beta);
                c.add(loss("smooth_l1_loss-beta" + beta + "-" + reduction + "/randn", "smooth_l1_loss", pb,
                        List.of(a, b), NnParityCases::smoothL1, beta > 0));
                // At the join the first derivative is continuous; the second (0, the outer branch) is compared too.
                c.add(loss("smooth_l1_loss-beta" + beta + "-" + reduction + "/join", "smooth_l1_loss", pb,
                        List.of(ae, be), NnParityCases::smoothL1, true));
            }
            for (double delta : new double[] {1, 2}) {
                Params pd = Params.of("reduction", reduction, "delta", delta);
                c.add(loss("huber_loss-delta" + delta + "-" + reduction + "/randn", "huber_loss", pd, List.of(a, b),
                        NnParityCases::huber, true));
                c.add(loss("huber_loss-delta" + delta + "-" + reduction + "/join", "huber_loss", pd, List.of(ae, be),
                        NnParityCases::huber, true));
            }
        }
    }

    private static void klDiv(List<ParityCase> c) {
        Input logp = logSoftmaxRows("input", 631, 3, 4);
        Input t = probabilitiesRows("target", 632, 3, 4);
        Input logT = logSoftmaxRows("target", 633, 3, 4);
        // Row 0 has two zero targets, row 2 a single 1 and three zeros.
        Input zeros = Input.of("target", new int[] {3, 4}, 0.5, 0, 0.5, 0, 0.1, 0.2, 0.3, 0.4, 0, 0, 1, 0);
        for (String reduction : List.of("mean", "sum", "none", "batchmean")) {
            c.add(loss("kl_div-" + reduction + "/randn", "kl_div", Params.of("reduction", reduction, "log_target", false),
                    List.of(logp, t), NnParityCases::kl, true));
            c.add(loss("kl_div-log_target-" + reduction + "/randn", "kl_div",
                    Params.of("reduction", reduction, "log_target", true), List.of(logp, logT), NnParityCases::kl, true));
            c.add(loss("kl_div-" + reduction + "/zero-targets", "kl_div",
                    Params.of("reduction", reduction, "log_target", false), List.of(logp, zeros), NnParityCases::kl,
                    false));
        }
    }

    private static void crossEntropy(List<ParityCase> c) {
        Input logits = Input.randn("input", 641, 2, 0, 6, 4);
        Input labels = index("target", 0, 3, 1, 1, 2, 3);
        Input ignored = index("target", 0, 7, 1, 7, 2, 3);
        Input allIgnored = index("target", 7, 7, 7, 7, 7, 7);
        Input weight = new Input("weight", new int[] {4}, new double[] {0.5, 2, 1, 3}, Kind.CONSTANT);
        Input soft = probabilitiesRows("target", 642, 6, 4);
        for (String reduction : REDUCTIONS) {
            for (double smoothing : new double[] {0, 0.2}) {
                String s = "-ls" + smoothing + "-" + reduction;
                Params p = Params.of("reduction", reduction, "ignore_index", -100, "label_smoothing", smoothing);
                Params p7 = Params.of("reduction", reduction, "ignore_index", 7, "label_smoothing", smoothing);
                c.add(loss("cross_entropy_opts-weight" + s + "/randn", "cross_entropy_opts", p,
                        List.of(logits, labels, weight), NnParityCases::crossEntropyLabels, true));
                c.add(loss("cross_entropy_opts-ignore" + s + "/randn", "cross_entropy_opts", p7,
                        List.of(logits, ignored), NnParityCases::crossEntropyLabels, true));
                c.add(loss("cross_entropy_opts-weight-ignore" + s + "/randn", "cross_entropy_opts", p7,
                        List.of(logits, ignored, weight), NnParityCases::crossEntropyLabels, true));
                c.add(loss("cross_entropy_opts-all-ignored" + s + "/randn", "cross_entropy_opts", p7,
                        List.of(logits, allIgnored, weight), NnParityCases::crossEntropyLabels, true));
                c.add(loss("cross_entropy_opts-probs" + s + "/randn", "cross_entropy_opts", p,
                        List.of(logits, soft), NnParityCases::crossEntropyProbs, true));
                c.add(loss("cross_entropy_opts-probs-weight" + s + "/randn", "cross_entropy_opts", p,
                        List.of(logits, soft, weight), NnParityCases::crossEntropyProbs, true));
            }
        }
    }

    private static void norms(List<ParityCase> c) {
        Input x = Input.randn("x", 651, 2, 0.5, 2, 3, 4);
        Input w34 = Input.randn("weight", 652, 0.5, 1, 3, 4);
        Input b34 = Input.randn("bias", 653, 0.5, 0, 3, 4);
        Params ln = Params.of("normalized_shape", new int[] {3, 4}, "eps", 1e-5);
        c.add(loss("layer_norm-affine/randn", "layer_norm", ln, List.of(x, w34, b34), NnParityCases::layerNorm, true));
        c.add(loss("layer_norm/randn", "layer_norm", ln, List.of(x), NnParityCases::layerNorm, true));
        Input w4 = Input.randn("weight", 654, 0.5, 1, 4);
        Input b4 = Input.randn("bias", 655, 0.5, 0, 4);
        c.add(loss("layer_norm-last-affine/randn", "layer_norm", Params.of("normalized_shape", new int[] {4}, "eps", 0.1),
                List.of(x, w4, b4), NnParityCases::layerNorm, true));
        // A constant row: zero variance, normalised by sqrt(eps).
        c.add(loss("layer_norm/constant-row", "layer_norm", Params.of("normalized_shape", new int[] {3}, "eps", 1e-5),
                List.of(Input.of("x", new int[] {2, 3}, 2, 2, 2, 1, -1, 0.5)), NnParityCases::layerNorm, true));

        Input g = Input.randn("x", 656, 2, 0.5, 2, 6, 3);
        Input gw = Input.randn("weight", 657, 0.5, 1, 6);
        Input gb = Input.randn("bias", 658, 0.5, 0, 6);
        for (int groups : new int[] {1, 2, 3, 6}) {
            Params p = Params.of("groups", groups, "eps", 1e-5);
            c.add(loss("group_norm-g" + groups + "-affine/randn", "group_norm", p, List.of(g, gw, gb),
                    NnParityCases::groupNorm, true));
        }
        c.add(loss("group_norm-g2/randn", "group_norm", Params.of("groups", 2, "eps", 1e-5), List.of(g),
                NnParityCases::groupNorm, true));

        Input bx = Input.randn("x", 661, 1.5, 0.5, 4, 3, 2);
        Input bw = Input.randn("weight", 662, 0.5, 1, 3);
        Input bb = Input.randn("bias", 663, 0.5, 0, 3);
        Input rm = new Input("running_mean", new int[] {3}, new double[] {0.1, -0.2, 0.3}, Kind.CONSTANT);
        Input rv = new Input("running_var", new int[] {3}, new double[] {0.5, 1.5, 2}, Kind.CONSTANT);
        // IDENTITY, and RELU fused (Functional.batchNorm's activation; torch: relu(batch_norm(...))).
        for (String activation : List.of("identity", "relu")) {
            String act = activation.equals("relu") ? "-relu" : "";
            for (boolean training : new boolean[] {true, false}) {
                String mode = training ? "train" : "eval";
                Params p = Params.of("training", training, "momentum", 0.1, "eps", 1e-5, "activation", activation);
                c.add(norm("batch_norm-" + mode + act + "-affine/randn", "batch_norm", p, List.of(bx, rm, rv, bw, bb),
                        NnParityCases::batchNorm));
                c.add(norm("batch_norm-" + mode + act + "/randn", "batch_norm", p, List.of(bx, rm, rv),
                        NnParityCases::batchNorm));
            }
            c.add(norm("batch_norm-train" + act + "-affine-no-stats/randn", "batch_norm",
                    Params.of("training", true, "momentum", 0.1, "eps", 1e-5, "activation", activation),
                    List.of(bx, bw, bb), NnParityCases::batchNorm));
        }
    }

    // ------------------------------------------------------------------ the Java side of each op

    private static Var bce(Named in, Params p) {
        return Losses.binaryCrossEntropy(in.var("input"), in.var("target"), in.tensor("weight"), reduction(p));
    }

    private static Var bceLogits(Named in, Params p) {
        return Losses.binaryCrossEntropyWithLogits(in.var("input"), in.var("target"), in.tensor("weight"),
                in.tensor("pos_weight"), reduction(p));
    }

    private static Var l1(Named in, Params p) {
        return Losses.l1Loss(in.var("input"), in.var("target"), reduction(p));
    }

    private static Var smoothL1(Named in, Params p) {
        return Losses.smoothL1Loss(in.var("input"), in.var("target"), p.num("beta"), reduction(p));
    }

    private static Var huber(Named in, Params p) {
        return Losses.huberLoss(in.var("input"), in.var("target"), p.num("delta"), reduction(p));
    }

    private static Var kl(Named in, Params p) {
        return Losses.klDiv(in.var("input"), in.var("target"), p.bool("log_target"), reduction(p));
    }

    private static CrossEntropyOptions options(Named in, Params p) {
        return CrossEntropyOptions.defaults().withClassWeights(in.tensor("weight"))
                .withIgnoreIndex(p.integer("ignore_index")).withLabelSmoothing(p.num("label_smoothing"))
                .withReduction(reduction(p));
    }

    private static Var crossEntropyLabels(Named in, Params p) {
        return Losses.crossEntropy(in.var("input"), in.tensor("target"), options(in, p));
    }

    private static Var crossEntropyProbs(Named in, Params p) {
        return Losses.crossEntropy(in.var("input"), in.var("target"), options(in, p));
    }

    private static Var layerNorm(Named in, Params p) {
        return Functional.layerNorm(in.var("x"), p.ints("normalized_shape"), in.varOrNull("weight"),
                in.varOrNull("bias"), p.num("eps"));
    }

    private static Var groupNorm(Named in, Params p) {
        return Functional.groupNorm(in.var("x"), p.integer("groups"), in.varOrNull("weight"), in.varOrNull("bias"),
                p.num("eps"));
    }

    /** Batch norm; with running statistics, their values after the call are compared too (updated in training). */
    private static Output batchNorm(Named in, Params p) {
        // Copies: training updates the running statistics in place, and the inputs were written as given.
        Tensor rm = in.tensor("running_mean") == null ? null : in.tensor("running_mean").copy();
        Tensor rv = in.tensor("running_var") == null ? null : in.tensor("running_var").copy();
        Activation activation = switch (p.string("activation")) {
            case "identity" -> Activation.IDENTITY;
            case "relu" -> Activation.RELU;
            default -> throw new IllegalArgumentException("batch_norm: activation must be identity or relu, got "
                    + p.string("activation"));
        };
        Var y = Functional.batchNorm(in.var("x"), rm, rv, in.varOrNull("weight"), in.varOrNull("bias"),
                p.bool("training"), p.num("momentum"), p.num("eps"), activation);
        if (rm == null) {
            return Output.of(y);
        }
        Map<String, Tensor> buffers = new LinkedHashMap<>();
        buffers.put("running_mean", rm);
        buffers.put("running_var", rv);
        return Output.withBuffers(y, buffers);
    }

    /** torch's reduction names, BATCH_MEAN included (only klDiv accepts it). */
    static Reduction reduction(Params p) {
        return switch (p.string("reduction")) {
            case "mean" -> Reduction.MEAN;
            case "sum" -> Reduction.SUM;
            case "none" -> Reduction.NONE;
            case "batchmean" -> Reduction.BATCH_MEAN;
            default -> throw new IllegalArgumentException("reduction must be mean, sum, none or batchmean, got "
                    + p.string("reduction"));
        };
    }

    // ------------------------------------------------------------------ inputs

    /** sigmoid of seeded normal samples: probabilities strictly inside (0, 1). */
    private static Input probabilities(String name, long seed, int... shape) {
        double[] z = Tensor.randn(RandomKey.of(seed), DType.FLOAT64, shape).toDoubleArray();
        for (int i = 0; i < z.length; i++) {
            z[i] = 1 / (1 + Math.exp(-z[i]));
        }
        return Input.of(name, shape, z);
    }

    /** Rows of a softmax of seeded normal samples (each sums to 1), as log-probabilities. */
    private static Input logSoftmaxRows(String name, long seed, int rows, int cols) {
        double[] p = probabilitiesRows(name, seed, rows, cols).values();
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.log(p[i]);
        }
        return Input.of(name, new int[] {rows, cols}, p);
    }

    /** Rows of a softmax of seeded normal samples (each sums to 1), differentiable. */
    private static Input probabilitiesRows(String name, long seed, int rows, int cols) {
        double[] z = Tensor.randn(RandomKey.of(seed), DType.FLOAT64, rows, cols).toDoubleArray();
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int k = 0; k < cols; k++) {
                z[r * cols + k] = Math.exp(z[r * cols + k]);
                s += z[r * cols + k];
            }
            for (int k = 0; k < cols; k++) {
                z[r * cols + k] /= s;
            }
        }
        return Input.of(name, new int[] {rows, cols}, z);
    }

    private static Input index(String name, double... labels) {
        return new Input(name, new int[] {labels.length}, labels, Kind.INDEX);
    }

    // ------------------------------------------------------------------ rows with named inputs

    /** The case's inputs by name; an optional input (weight, bias, running statistics) may be absent. */
    record Named(List<String> names, List<Var> vars) {
        Var var(String name) {
            int i = names.indexOf(name);
            if (i < 0) {
                throw new IllegalArgumentException("parity: no input " + name + " among " + names);
            }
            return vars.get(i);
        }

        Var varOrNull(String name) {
            return names.contains(name) ? var(name) : null;
        }

        Tensor tensor(String name) {
            return names.contains(name) ? var(name).value() : null;
        }
    }

    private static ParityCase loss(String name, String op, Params p, List<Input> inputs,
                                   BiFunction<Named, Params, Var> f, boolean smooth) {
        return norm(name, op, p, inputs, (in, q) -> Output.of(f.apply(in, q)), smooth);
    }

    /** A smooth row whose computation may report updated buffers. */
    private static ParityCase norm(String name, String op, Params p, List<Input> inputs,
                                   BiFunction<Named, Params, Output> f) {
        return norm(name, op, p, inputs, f, true);
    }

    private static ParityCase norm(String name, String op, Params p, List<Input> inputs,
                                   BiFunction<Named, Params, Output> f, boolean smooth) {
        List<String> names = new ArrayList<>();
        inputs.forEach(in -> names.add(in.name()));
        List<String> fixed = List.copyOf(names);
        return new ParityCase(name, op, p, inputs, (vars, q) -> f.apply(new Named(fixed, vars), q), smooth);
    }
}
