package org.bitspike.autograd;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;

/**
 * Checks analytical gradients against central finite differences, in FLOAT64. Use it for every
 * custom {@link org.bitspike.autograd.Function}:
 *
 * <pre>{@code
 * GradCheck.check("softplus", x -> x[0].exp().add(1).log(), Tensor.randn(key, 3, 4));
 * }</pre>
 *
 * <p>The inputs are copied to FLOAT64; every floating input is differentiated unless listed in
 * {@link Options#constants}. In the default exact mode the full Jacobian is compared: one backward
 * per output element, two evaluations per input element, and an entry fails when
 * {@code |analytical - numerical| > atol + rtol * |numerical|}. The failure names the function, the
 * input, the input and output indices, and both values. For large inputs, {@link Options#projected}
 * compares random projections instead: for random {@code u} over the outputs and {@code v} over one
 * input, {@code <u, J v>} by backward and by a central difference along {@code v}; one backward and
 * two evaluations per input and projection. Choose inputs away from kinks (|x| at 0, ReLU at 0)
 * and from ties, where finite differences are meaningless.
 */
public final class GradCheck {
    private GradCheck() {
    }

    /**
     * Settings of a check.
     *
     * @param eps central-difference step
     * @param atol absolute tolerance
     * @param rtol tolerance relative to the numerical value
     * @param projections 0 for the exact Jacobian, else the number of random projections per input
     * @param key randomness of the projections
     * @param constants indices of inputs that are not differentiated
     */
    public record Options(double eps, double atol, double rtol, int projections, RandomKey key, int[] constants) {
        public Options {
            if (!(eps > 0) || !(atol >= 0) || !(rtol >= 0) || projections < 0) {
                throw new IllegalArgumentException(String.format(
                        "gradcheck: eps %s must be positive, tolerances %s and %s non-negative, projections %d >= 0",
                        eps, atol, rtol, projections));
            }
            constants = constants.clone();
        }

        /** eps 1e-6, atol 1e-5, rtol 1e-3, exact Jacobian, all inputs differentiated. */
        public static Options defaults() {
            return new Options(1e-6, 1e-5, 1e-3, 0, RandomKey.of(0), new int[0]);
        }

        public Options withEps(double newEps) {
            return new Options(newEps, atol, rtol, projections, key, constants);
        }

        public Options withTolerance(double newAtol, double newRtol) {
            return new Options(eps, newAtol, newRtol, projections, key, constants);
        }

        /** Random-projection mode with {@code count} projections per input drawn from {@code newKey}. */
        public Options projected(int count, RandomKey newKey) {
            return new Options(eps, atol, rtol, count, newKey, constants);
        }

        /** Inputs at these indices are held constant (indices, labels, non-differentiable arguments). */
        public Options withConstants(int... indices) {
            return new Options(eps, atol, rtol, projections, key, indices);
        }

        boolean isConstant(int i) {
            return Arrays.stream(constants).anyMatch(c -> c == i);
        }
    }

    /** Checks {@code f}'s gradients at {@code inputs} with default options. */
    public static void check(String name, Function<Var[], Var> f, Tensor... inputs) {
        check(name, f, Options.defaults(), inputs);
    }

    /** Checks {@code f}'s gradients at {@code inputs}; throws {@link AutogradException} on a mismatch. */
    public static void check(String name, Function<Var[], Var> f, Options options, Tensor... inputs) {
        checkOutputs(name, x -> List.of(f.apply(x)), options, inputs);
    }

    /** As {@link #check}, for a function with several outputs: every (output, input) pair is compared. */
    public static void checkOutputs(String name, Function<Var[], List<Var>> f, Options options, Tensor... inputs) {
        Tensor[] x = new Tensor[inputs.length];
        List<Integer> wrt = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) {
            boolean differentiable = inputs[i].dtype().isFloating() && !options.isConstant(i);
            x[i] = differentiable ? inputs[i].to(DType.FLOAT64).copy() : inputs[i];
            if (differentiable) {
                wrt.add(i);
            }
        }
        if (wrt.isEmpty()) {
            throw AutogradException.of("gradcheck " + name, "no floating, non-constant input to check");
        }
        if (options.projections() == 0) {
            exact(name, f, options, x, wrt);
        } else {
            projected(name, f, options, x, wrt);
        }
    }

    /**
     * Checks the second derivatives of {@code f}: the gradients of {@code <f(x), u>} with respect to
     * the inputs, as functions of the inputs and of a random {@code u}, are checked like any function.
     */
    public static void checkSecondOrder(String name, Function<Var[], Var> f, Options options, Tensor... inputs) {
        Tensor[] at = Arrays.stream(inputs).map(t -> t.dtype().isFloating() ? t.to(DType.FLOAT64) : t)
                .toArray(Tensor[]::new);
        int[] outShape;
        try (GradMode.Scope scope = GradMode.noGrad()) {
            outShape = f.apply(constants(at)).shape();
        }
        int n = inputs.length;
        Tensor[] withSeed = Arrays.copyOf(at, n + 1);
        withSeed[n] = Tensor.randn(options.key().fold(7), DType.FLOAT64, outShape);
        Function<Var[], List<Var>> gradients = vars -> {
            try (GradMode.Scope scope = GradMode.enableGrad()) {
                Var[] xs = new Var[n];
                List<Var> wrt = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    boolean differentiable = at[i].dtype().isFloating() && !options.isConstant(i);
                    xs[i] = vars[i].requiresGrad() || !differentiable ? vars[i] : vars[i].detach().requiresGrad(true);
                    if (differentiable) {
                        wrt.add(xs[i]);
                    }
                }
                return Autograd.grad(List.of(f.apply(xs)), List.of(vars[n]), wrt,
                        GradOptions.creatingGraph().allowingUnused());
            }
        };
        checkOutputs(name + " (second order)", gradients, options, withSeed);
    }

    // ------------------------------------------------------------------ exact Jacobian

    private static void exact(String name, Function<Var[], List<Var>> f, Options o, Tensor[] x, List<Integer> wrt) {
        List<Tensor> base = evaluate(f, x);
        // numerical[output][input] is a (outputNumel x inputNumel) column-major Jacobian block
        double[][][] numerical = new double[base.size()][x.length][];
        for (int i : wrt) {
            int n = x[i].numel();
            for (int k = 0; k < n; k++) {
                List<Tensor> plus = evaluatePerturbed(f, x, i, k, o.eps());
                List<Tensor> minus = evaluatePerturbed(f, x, i, k, -o.eps());
                for (int out = 0; out < base.size(); out++) {
                    double[] p = plus.get(out).toDoubleArray();
                    double[] m = minus.get(out).toDoubleArray();
                    if (numerical[out][i] == null) {
                        numerical[out][i] = new double[p.length * n];
                    }
                    for (int j = 0; j < p.length; j++) {
                        numerical[out][i][k * p.length + j] = (p[j] - m[j]) / (2 * o.eps());
                    }
                }
            }
        }
        Var[] leaves = leaves(x, wrt);
        List<Var> outputs = f.apply(leaves);
        checkOutputsDifferentiable(name, outputs);
        List<Var> targets = wrt.stream().map(i -> leaves[i]).toList();
        for (int out = 0; out < outputs.size(); out++) {
            Var y = outputs.get(out);
            int m = y.numel();
            for (int j = 0; j < m; j++) {
                List<Var> seeds = new ArrayList<>();
                for (int s = 0; s < outputs.size(); s++) {
                    Tensor seed = Tensor.zeros(outputs.get(s).dtype(), outputs.get(s).shape());
                    if (s == out) {
                        seed.reshape(-1).set_(1, j);
                    }
                    seeds.add(Var.of(seed));
                }
                List<Var> grads = Autograd.grad(outputs, seeds, targets, GradOptions.retainingGraph().allowingUnused());
                for (int t = 0; t < targets.size(); t++) {
                    int i = wrt.get(t);
                    double[] analytical = grads.get(t).value().toDoubleArray();
                    for (int k = 0; k < analytical.length; k++) {
                        compare(name, o, i, x[i], k, out, y, j, numerical[out][i][k * m + j], analytical[k]);
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ random projections

    private static void projected(String name, Function<Var[], List<Var>> f, Options o, Tensor[] x, List<Integer> wrt) {
        List<Tensor> shapes = evaluate(f, x);
        RandomKey key = o.key();
        for (int p = 0; p < o.projections(); p++) {
            for (int i : wrt) {
                key = key.fold(p * 131 + i);
                List<Var> seeds = new ArrayList<>();
                for (int s = 0; s < shapes.size(); s++) {
                    seeds.add(Var.of(Tensor.randn(key.fold(1000 + s), shapes.get(s).dtype(), shapes.get(s).shape())));
                }
                Tensor v = Tensor.randn(key.fold(999), DType.FLOAT64, x[i].shape());
                Var[] leaves = leaves(x, List.of(i));
                List<Var> outputs = f.apply(leaves);
                checkOutputsDifferentiable(name, outputs);
                Tensor g = Autograd.grad(outputs, seeds, List.of(leaves[i]), GradOptions.DEFAULT.allowingUnused())
                        .get(0).value();
                double analytical = dot(g, v);
                Tensor[] shifted = x.clone();
                shifted[i] = x[i].add(v.mul(o.eps()));
                double plus = project(evaluate(f, shifted), seeds);
                shifted[i] = x[i].sub(v.mul(o.eps()));
                double minus = project(evaluate(f, shifted), seeds);
                double numerical = (plus - minus) / (2 * o.eps());
                if (!(Math.abs(analytical - numerical) <= o.atol() + o.rtol() * Math.abs(numerical))) {
                    throw AutogradException.of("gradcheck " + name, "projection %d of input %d %s: numerical %.9g, "
                            + "analytical %.9g (|difference| %.3g > atol %.1g + rtol %.1g * |numerical|)",
                            p, i, x[i].shape(), numerical, analytical, Math.abs(analytical - numerical), o.atol(), o.rtol());
                }
            }
        }
    }

    // ------------------------------------------------------------------ support

    private static void compare(String name, Options o, int input, Tensor x, int k, int out, Var y, int j,
            double numerical, double analytical) {
        if (!(Math.abs(analytical - numerical) <= o.atol() + o.rtol() * Math.abs(numerical))) {
            throw AutogradException.of("gradcheck " + name, "d output %d%s / d input %d%s (input %d of shape %s): "
                    + "numerical %.9g, analytical %.9g (|difference| %.3g > atol %.1g + rtol %.1g * |numerical|)",
                    out, Arrays.toString(unravel(j, y.shape())), input, Arrays.toString(unravel(k, x.shape())),
                    input, x.shape(), numerical, analytical, Math.abs(analytical - numerical), o.atol(), o.rtol());
        }
    }

    private static void checkOutputsDifferentiable(String name, List<Var> outputs) {
        for (int i = 0; i < outputs.size(); i++) {
            if (!outputs.get(i).dtype().isFloating()) {
                throw AutogradException.of("gradcheck " + name, "output %d is %s, not floating point",
                        i, outputs.get(i).dtype());
            }
        }
    }

    private static Var[] leaves(Tensor[] x, List<Integer> wrt) {
        Var[] leaves = constants(x);
        for (int i : wrt) {
            leaves[i] = Var.withGrad(x[i]);
        }
        return leaves;
    }

    private static Var[] constants(Tensor[] x) {
        return Arrays.stream(x).map(Var::of).toArray(Var[]::new);
    }

    private static List<Tensor> evaluate(Function<Var[], List<Var>> f, Tensor[] x) {
        try (GradMode.Scope scope = GradMode.noGrad()) {
            return f.apply(constants(x)).stream().map(v -> v.value().to(DType.FLOAT64)).toList();
        }
    }

    private static List<Tensor> evaluatePerturbed(Function<Var[], List<Var>> f, Tensor[] x, int i, int k, double by) {
        Tensor[] shifted = x.clone();
        shifted[i] = x[i].copy();
        Tensor flat = shifted[i].reshape(-1);
        flat.set_(flat.getDouble(k) + by, k);
        return evaluate(f, shifted);
    }

    private static double project(List<Tensor> outputs, List<Var> seeds) {
        double sum = 0;
        for (int s = 0; s < outputs.size(); s++) {
            sum += dot(outputs.get(s), seeds.get(s).value());
        }
        return sum;
    }

    private static double dot(Tensor a, Tensor b) {
        double[] x = a.toDoubleArray();
        double[] y = b.toDoubleArray();
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            sum += x[i] * y[i];
        }
        return sum;
    }

    private static int[] unravel(int flat, int[] shape) {
        int[] index = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            index[d] = flat % Math.max(shape[d], 1);
            flat /= Math.max(shape[d], 1);
        }
        return index;
    }
}
