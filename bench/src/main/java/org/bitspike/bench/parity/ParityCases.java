package org.bitspike.bench.parity;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.bitspike.autograd.GeluApproximation;
import org.bitspike.autograd.Var;
import org.bitspike.bench.parity.ParityCase.Input;
import org.bitspike.bench.parity.ParityCase.Kind;
import org.bitspike.bench.parity.ParityCase.Output;
import org.bitspike.bench.parity.ParityCase.Params;
import org.bitspike.nn.Functional;
import org.bitspike.nn.Reduction;

/**
 * The fixed case list of the parity check, one row per case, grouped by family. Every case's op key
 * has an entry in {@code OPS} of {@code bench/parity.py}, which computes the same with torch.
 *
 * <p>Inputs are explicit values at the points where conventions and numerics are decided (0, -0,
 * +-tiny, the FLOAT32 and FLOAT64 overflow points of exp at 88.7 and 709.8, +-1e30, the bounds of
 * hardtanh and clamp, zeros in a product, ties and NaN for sorting, zero variance) plus seeded
 * normal samples for the bulk. A row is smooth ({@code secondOrder}) only where every input point
 * is away from a kink, so that the Hessian-vector product is defined on both sides.
 *
 * <p>Adding an op: one {@code add(...)} row here, or for {@code nn} in {@link NnParityCases} (its
 * inputs may be {@link Kind#CONSTANT} targets or {@link Kind#INDEX} class indices), and one entry in
 * {@code OPS} of {@code parity.py}. Optimisers are {@link OptimCase}s, listed in {@link OptimCases}.
 */
public final class ParityCases {
    /** Points where exp, softplus and friends change regime, in FLOAT32 and in FLOAT64. */
    static final double[] EDGES = {0, -0.0, 1e-30, -1e-30, Double.MIN_VALUE, -Double.MIN_VALUE, 0.5, -0.5, 1, -1,
        10, -10, 20, -20, 20.5, -20.5, 40, -40, 88.8, -88.8, 89, -89, 710, -710, 1e30, -1e30};

    private ParityCases() {
    }

    /** Every case, in a fixed order. */
    public static List<ParityCase> all() {
        List<ParityCase> c = new ArrayList<>();
        logAndExp(c);
        activations(c);
        reductions(c);
        sorting(c);
        power(c);
        kinks(c);
        losses(c);
        NnParityCases.addAll(c);
        return List.copyOf(c);
    }

    private static void logAndExp(List<ParityCase> c) {
        double[] log1pEdges = {-1, -0.999999, -0.5, -1e-10, -1e-30, -Double.MIN_VALUE, -0.0, 0, Double.MIN_VALUE,
            1e-30, 1e-10, 0.5, 1, 88.8, 89, 710, 1e30, -2};
        c.add(unary("log1p/edges", "log1p", Params.of(), Input.vector("x", log1pEdges), (x, p) -> x.log1p(), true));
        c.add(unary("log1p/randn", "log1p", Params.of(), Input.randn("x", 101, 0.2, 0, 3, 5), (x, p) -> x.log1p(), true));
        c.add(unary("expm1/edges", "expm1", Params.of(), Input.vector("x", EDGES), (x, p) -> x.expm1(), true));
        c.add(unary("expm1/randn", "expm1", Params.of(), Input.randn("x", 102, 3, 0, 3, 5), (x, p) -> x.expm1(), true));
        c.add(unary("erf/edges", "erf", Params.of(), Input.vector("x", EDGES), (x, p) -> x.erf(), true));
        c.add(unary("erf/randn", "erf", Params.of(), Input.randn("x", 103, 2, 0, 3, 5), (x, p) -> x.erf(), true));
    }

    private static void activations(List<ParityCase> c) {
        // NOTE: the thresholded rows are smooth to the eye (a jump of e^-20 in the derivative at the threshold)
        // and compared to second order; torch's second derivative there is a documented deviation.
        // softplus(): no threshold (exact everywhere); torch's default has threshold 20 (a documented deviation).
        c.add(unary("softplus/edges", "softplus", Params.of("beta", 1.0, "threshold", 20.0),
                Input.vector("x", EDGES), (x, p) -> x.softplus(), true));
        c.add(unary("softplus/randn", "softplus", Params.of("beta", 1.0, "threshold", 20.0),
                Input.randn("x", 104, 3, 0, 3, 5), (x, p) -> x.softplus(), true));
        c.add(unary("softplus-threshold/edges", "softplus", Params.of("beta", 1.0, "threshold", 20.0),
                Input.vector("x", EDGES), ParityCases::softplus, true));
        // 10 * 2 = 20 is at the threshold exactly: torch switches to x strictly above it.
        c.add(unary("softplus-beta2/edges", "softplus", Params.of("beta", 2.0, "threshold", 20.0),
                Input.vector("x", EDGES), ParityCases::softplus, true));
        c.add(unary("softplus-beta0.5/randn", "softplus", Params.of("beta", 0.5, "threshold", 5.0),
                Input.randn("x", 105, 3, 0, 3, 5), ParityCases::softplus, true));
        c.add(unary("logsigmoid/edges", "logsigmoid", Params.of(), Input.vector("x", EDGES),
                (x, p) -> x.logSigmoid(), true));
        c.add(unary("logsigmoid/randn", "logsigmoid", Params.of(), Input.randn("x", 106, 3, 0, 3, 5),
                (x, p) -> x.logSigmoid(), true));
        c.add(unary("hardtanh/bounds", "hardtanh", Params.of("min", -1.0, "max", 1.0),
                Input.vector("x", -2, -1, -0.999, -0.5, -0.0, 0, 0.5, 0.999, 1, 2, 1e30, -1e30), ParityCases::hardtanh,
                false));
        c.add(unary("hardtanh-asym/bounds", "hardtanh", Params.of("min", -0.5, "max", 2.0),
                Input.vector("x", -2, -1, -0.5, -0.25, 0, 1, 2, 2.5), ParityCases::hardtanh, false));
        c.add(unary("hardtanh/randn", "hardtanh", Params.of("min", -1.0, "max", 1.0),
                Input.randn("x", 107, 1.5, 0, 3, 5), ParityCases::hardtanh, false));
        double[] geluEdges = {0, -0.0, 1e-30, -1e-30, 0.5, -0.5, 1, -1, 3, -3, 8, -8, 10, -10, 20, -20, 40, -40, 99, -99};
        for (String approximate : List.of("none", "tanh")) {
            Params p = Params.of("approximate", approximate);
            c.add(unary("gelu-" + approximate + "/edges", "gelu", p, Input.vector("x", geluEdges), ParityCases::gelu,
                    true));
            c.add(unary("gelu-" + approximate + "/randn", "gelu", p, Input.randn("x", 108, 2, 0, 3, 5),
                    ParityCases::gelu, true));
            // Beyond |x| = 100 gelu(TANH) cubes a clamped x (a documented deviation for TANH where x^3 overflows:
            // from 7e12 in FLOAT32, 5.6e102 in FLOAT64, so 1e200 only in FLOAT64, where it is finite).
            c.add(unary("gelu-" + approximate + "/huge", "gelu", p,
                    Input.vector("x", 100, -100, 101, -101, 710, -710, 1e13, -1e13, 1e30, -1e30), ParityCases::gelu,
                    false));
            c.add(unary("gelu-" + approximate + "/huge-float64", "gelu", p, Input.vector("x", 1e103, -1e103, 1e200, -1e200),
                    ParityCases::gelu, false).float64Only());
        }
        c.add(unary("silu/edges", "silu", Params.of(), Input.vector("x", EDGES), (x, p) -> x.silu(), true));
        c.add(unary("silu/randn", "silu", Params.of(), Input.randn("x", 109, 3, 0, 3, 5), (x, p) -> x.silu(), true));
        double[] eluEdges = {-1e30, -710, -89, -20, -1, -1e-30, -0.0, 0, 1e-30, 1, 20, 89, 710, 1e30};
        for (double alpha : new double[] {1.0, 0.5, 2.0}) {
            Params p = Params.of("alpha", alpha);
            c.add(unary("elu-alpha" + alpha + "/edges", "elu", p, Input.vector("x", eluEdges), ParityCases::elu, false));
            c.add(unary("elu-alpha" + alpha + "/randn", "elu", p, Input.randn("x", 110, 2, 0, 3, 5), ParityCases::elu,
                    true));
        }
    }

    private static void reductions(List<ParityCase> c) {
        Input m = Input.randn("x", 201, 1.5, 0.3, 4, 5);
        c.add(unary("std-dim1-c1/randn", "std", Params.of("dims", new int[] {1}, "correction", 1, "keepdim", false), m,
                ParityCases::std, true));
        c.add(unary("std-dim0-c0/randn", "std", Params.of("dims", new int[] {0}, "correction", 0, "keepdim", false), m,
                ParityCases::std, true));
        c.add(unary("std-all-c1/randn", "std", Params.of("dims", null, "correction", 1, "keepdim", false), m,
                ParityCases::std, true));
        c.add(unary("std-both-c0-keepdim/randn", "std",
                Params.of("dims", new int[] {0, 1}, "correction", 0, "keepdim", true), m, ParityCases::std, true));
        // Rows 0 and 2 have zero variance: our gradient is 0 there (masked, as torch 1.13's std_backward). std is
        // not smooth there, but both sides define its second derivative through the mask, so it is compared too.
        c.add(unary("std-dim1-c1/zero-variance", "std", Params.of("dims", new int[] {1}, "correction", 1, "keepdim", false),
                Input.of("x", new int[] {3, 3}, 1, 1, 1, 1, 2, 3, -2.5, -2.5, -2.5), ParityCases::std, true));
        c.add(unary("var-dim1-c1/randn", "var", Params.of("dims", new int[] {1}, "correction", 1, "keepdim", false), m,
                ParityCases::var, true));
        c.add(unary("var-all-c0-keepdim/randn", "var", Params.of("dims", null, "correction", 0, "keepdim", true), m,
                ParityCases::var, true));
        c.add(unary("prod-all/randn", "prod", Params.of("dim", null, "keepdim", false), Input.randn("x", 202, 1, 0, 2, 3),
                ParityCases::prod, true));
        c.add(unary("prod-dim1/randn", "prod", Params.of("dim", 1, "keepdim", false), Input.randn("x", 203, 1, 0, 3, 4),
                ParityCases::prod, true));
        c.add(unary("prod-dim0-keepdim/randn", "prod", Params.of("dim", 0, "keepdim", true),
                Input.randn("x", 204, 1, 0, 3, 4), ParityCases::prod, true));
        c.add(unary("prod-dim1/one-zero", "prod", Params.of("dim", 1, "keepdim", false),
                Input.of("x", new int[] {3, 4}, 1.5, 0, 2, -3, 2, 3, -1, 0.5, 0, 0.7, 1.1, -2), ParityCases::prod, true));
        c.add(unary("prod-all/one-zero", "prod", Params.of("dim", null, "keepdim", false),
                Input.of("x", new int[] {2, 3}, 1.5, 0, 2, -3, 2, 0.5), ParityCases::prod, true));
        // Row 0 has two zeros (our mixed second derivative there is a documented deviation), row 1 one, row 2 three.
        c.add(unary("prod-dim1/two-zeros", "prod", Params.of("dim", 1, "keepdim", false),
                Input.of("x", new int[] {3, 4}, 0, 2, 0, 3, 1, 0, 2, 3, 0, 0, 0, 4), ParityCases::prod, true));
        c.add(unary("prod-all/two-zeros", "prod", Params.of("dim", null, "keepdim", false),
                Input.of("x", new int[] {2, 3}, 1.5, 0, 2, -3, 0, 0.5), ParityCases::prod, true));
        Input s = Input.randn("x", 205, 1, 0, 3, 4);
        for (int dim : new int[] {0, 1, -1}) {
            c.add(unary("cumsum-dim" + dim + "/randn", "cumsum", Params.of("dim", dim), s,
                    (x, p) -> x.cumsum(p.integer("dim")), false));
        }
    }

    private static void sorting(List<ParityCase> c) {
        double nan = Double.NaN;
        double inf = Double.POSITIVE_INFINITY;
        Input ties = Input.of("x", new int[] {2, 8}, 3, 1, nan, 1, 2, 3, -inf, inf, 0, -0.0, 0, 5, nan, nan, -1, 0);
        for (boolean descending : new boolean[] {false, true}) {
            String dir = descending ? "desc" : "asc";
            Params p = Params.of("dim", 1, "descending", descending);
            c.add(indexed("sort-" + dir + "/ties-nan", "sort", p, ties, ParityCases::sort));
            c.add(indexed("sort-" + dir + "/randn", "sort", Params.of("dim", 0, "descending", descending),
                    Input.randn("x", 301, 1, 0, 5, 3), ParityCases::sort));
        }
        Input topTies = Input.of("x", new int[] {2, 7}, 1, 3, 3, 2, 3, 0, 2, 4, 4, -1, 4, 4, 0, -1);
        for (boolean largest : new boolean[] {true, false}) {
            String which = largest ? "largest" : "smallest";
            c.add(indexed("topk-" + which + "/ties", "topk", Params.of("k", 3, "dim", 1, "largest", largest, "sorted", true),
                    topTies, ParityCases::topk));
            c.add(indexed("topk-" + which + "/randn", "topk", Params.of("k", 2, "dim", 1, "largest", largest, "sorted", true),
                    Input.randn("x", 302, 1, 0, 4, 7), ParityCases::topk));
        }
        c.add(indexed("topk-largest/nan", "topk", Params.of("k", 2, "dim", 0, "largest", true, "sorted", true),
                Input.vector("x", 1, nan, 3, 2), ParityCases::topk));
    }

    private static void power(List<ParityCase> c) {
        c.add(new ParityCase("pow/randn", "pow", Params.of(),
                List.of(Input.randn("a", 401, 0.3, 1.5, 3, 4), Input.randn("b", 402, 1, 0, 3, 4)),
                (in, p) -> Output.of(in.get(0).pow(in.get(1))), true));
        // a = 0 with b = 0, positive, fractional, negative; negative a with integral and fractional b.
        c.add(new ParityCase("pow/edges", "pow", Params.of(),
                List.of(Input.vector("a", 0, 0, 0, 0, 0, -2, -2, -2, 2, 1, 0.5, -0.0),
                        Input.vector("b", 0, 1, 2, 0.5, -1, 3, 2, 0.5, 0, 5, -2, 0)),
                (in, p) -> Output.of(in.get(0).pow(in.get(1))), false));
    }

    private static void kinks(List<ParityCase> c) {
        // pow with a scalar exponent at 0 and at a negative base (NaN for a fractional exponent on both sides).
        for (double exponent : new double[] {0, 0.5, 2, 3, -1}) {
            c.add(unary("pow_scalar-" + exponent + "/edges", "pow_scalar", Params.of("exponent", exponent),
                    Input.vector("x", -2, -0.0, 0, 1e-30, 0.5, 2), (x, p) -> x.pow(p.num("exponent")), false));
        }
        c.add(unary("clamp/bounds", "clamp", Params.of("min", -1.0, "max", 1.0),
                Input.vector("x", -2, -1, -0.5, -0.0, 0, 0.5, 1, 2), (x, p) -> x.clamp(p.num("min"), p.num("max")), false));
        c.add(unary("sqrt/zero", "sqrt", Params.of(), Input.vector("x", -1, -0.0, 0, Double.MIN_VALUE, 1e-30, 2),
                (x, p) -> x.sqrt(), false));
        c.add(unary("rsqrt/zero", "rsqrt", Params.of(), Input.vector("x", -1, -0.0, 0, Double.MIN_VALUE, 1e-30, 2),
                (x, p) -> x.rsqrt(), false));
        c.add(unary("relu/zero", "relu", Params.of(), Input.vector("x", -1, -1e-30, -0.0, 0, 1e-30, 1),
                (x, p) -> x.relu(), false));
        c.add(unary("abs/zero", "abs", Params.of(), Input.vector("x", -1, -1e-30, -0.0, 0, 1e-30, 1),
                (x, p) -> x.abs(), false));
        List<Input> pair = List.of(Input.vector("a", 1, 2, 3, 0, -0.0, 0, -5),
                Input.vector("b", 1, 1, 4, 0, 0, -0.0, -5));
        c.add(new ParityCase("maximum/ties", "maximum", Params.of(), pair,
                (in, p) -> Output.of(in.get(0).maximum(in.get(1))), false));
        c.add(new ParityCase("minimum/ties", "minimum", Params.of(), pair,
                (in, p) -> Output.of(in.get(0).minimum(in.get(1))), false));
    }

    /**
     * The basic losses of {@code nn}, through {@link Functional}: cross-entropy and MSE. The losses of
     * {@code Losses} (BCE, BCE with logits, L1, smooth L1, Huber, KL divergence, cross-entropy with
     * options) and the normalisations are in {@link NnParityCases}: one row each, targets as
     * {@link Kind#CONSTANT} or {@link Kind#INDEX} inputs, the reduction a parameter.
     */
    private static void losses(List<ParityCase> c) {
        Input logits = Input.randn("input", 501, 2, 0, 5, 4);
        Input labels = new Input("target", new int[] {5}, new double[] {0, 3, 1, 1, 2}, Kind.INDEX);
        for (double smoothing : new double[] {0, 0.1}) {
            for (String reduction : List.of("mean", "sum", "none")) {
                c.add(new ParityCase("cross_entropy-ls" + smoothing + "-" + reduction + "/randn", "cross_entropy",
                        Params.of("label_smoothing", smoothing, "reduction", reduction), List.of(logits, labels),
                        (in, p) -> Output.of(Functional.crossEntropy(in.get(0), in.get(1).value(),
                                p.num("label_smoothing"), reduction(p))), true));
            }
        }
        for (String reduction : List.of("mean", "none")) {
            c.add(new ParityCase("mse_loss-" + reduction + "/randn", "mse_loss", Params.of("reduction", reduction),
                    List.of(Input.randn("input", 502, 1, 0, 3, 4), Input.randn("target", 503, 1, 0, 3, 4)
                            .as(Kind.CONSTANT)),
                    (in, p) -> Output.of(Functional.mseLoss(in.get(0), in.get(1), reduction(p))), true));
        }
    }

    // ------------------------------------------------------------------ the Java side of each op

    private static Reduction reduction(Params p) {
        return switch (p.string("reduction")) {
            case "mean" -> Reduction.MEAN;
            case "sum" -> Reduction.SUM;
            case "none" -> Reduction.NONE;
            default -> throw new IllegalArgumentException("reduction must be mean, sum or none, got "
                    + p.string("reduction"));
        };
    }


    private static Var softplus(Var x, Params p) {
        return x.softplus(p.num("beta"), p.num("threshold"));
    }

    private static Var hardtanh(Var x, Params p) {
        return x.hardtanh(p.num("min"), p.num("max"));
    }

    private static Var gelu(Var x, Params p) {
        return x.gelu(switch (p.string("approximate")) {
            case "none" -> GeluApproximation.NONE;
            case "tanh" -> GeluApproximation.TANH;
            default -> throw new IllegalArgumentException("gelu: approximate must be none or tanh, got "
                    + p.string("approximate"));
        });
    }

    private static Var elu(Var x, Params p) {
        return x.elu(p.num("alpha"));
    }

    private static Var std(Var x, Params p) {
        int[] dims = p.ints("dims");
        return x.std(dims == null ? allDims(x) : dims, p.integer("correction"), p.bool("keepdim"));
    }

    private static Var var(Var x, Params p) {
        int[] dims = p.ints("dims");
        return x.var(dims == null ? allDims(x) : dims, p.integer("correction"), p.bool("keepdim"));
    }

    private static Var prod(Var x, Params p) {
        int[] dim = p.asMap().get("dim") == null ? null : new int[] {p.integer("dim")};
        return dim == null ? x.prod() : x.prod(dim[0], p.bool("keepdim"));
    }

    private static Output sort(Var x, Params p) {
        return Output.of(x.sort(p.integer("dim"), p.bool("descending")));
    }

    private static Output topk(Var x, Params p) {
        return Output.of(x.topk(p.integer("k"), p.integer("dim"), p.bool("largest"), p.bool("sorted")));
    }

    private static int[] allDims(Var x) {
        int[] d = new int[x.dim()];
        for (int i = 0; i < d.length; i++) {
            d[i] = i;
        }
        return d;
    }

    private static ParityCase unary(String name, String op, Params p, Input x, BiFunction<Var, Params, Var> f,
                                    boolean smooth) {
        return new ParityCase(name, op, p, List.of(x), (in, q) -> Output.of(f.apply(in.get(0), q)), smooth);
    }

    /** Sorting is piecewise linear in its input: first order only. */
    private static ParityCase indexed(String name, String op, Params p, Input x, BiFunction<Var, Params, Output> f) {
        return new ParityCase(name, op, p, List.of(x), (in, q) -> f.apply(in.get(0), q), false);
    }
}
