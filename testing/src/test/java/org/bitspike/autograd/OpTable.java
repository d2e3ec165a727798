package org.bitspike.autograd;

import static org.bitspike.testing.Domain.DISTINCT;
import static org.bitspike.testing.Domain.EVEN_TENTHS;
import static org.bitspike.testing.Domain.NONZERO;
import static org.bitspike.testing.Domain.ODD_TENTHS;
import static org.bitspike.testing.Domain.OFF_CLAMP_BOUNDS;
import static org.bitspike.testing.Domain.OFF_HALVES;
import static org.bitspike.testing.Domain.OFF_INTEGERS;
import static org.bitspike.testing.Domain.POSITIVE;
import static org.bitspike.testing.Domain.REAL;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BinaryOperator;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import org.bitspike.autograd.ConvolutionPrimitive.AvgPool2d;
import org.bitspike.autograd.ConvolutionPrimitive.AvgPool2dBackward;
import org.bitspike.autograd.ConvolutionPrimitive.Conv2d;
import org.bitspike.autograd.ConvolutionPrimitive.Conv2dBackwardInput;
import org.bitspike.autograd.ConvolutionPrimitive.Conv2dBackwardWeight;
import org.bitspike.autograd.ConvolutionPrimitive.MaxPool2d;
import org.bitspike.autograd.ConvolutionPrimitive.MaxPool2dBackward;
import org.bitspike.autograd.ElementwisePrimitive.Abs;
import org.bitspike.autograd.ElementwisePrimitive.Add;
import org.bitspike.autograd.ElementwisePrimitive.Cast;
import org.bitspike.autograd.ElementwisePrimitive.Ceil;
import org.bitspike.autograd.ElementwisePrimitive.Clamp;
import org.bitspike.autograd.ElementwisePrimitive.Contiguous;
import org.bitspike.autograd.ElementwisePrimitive.Cos;
import org.bitspike.autograd.ElementwisePrimitive.Div;
import org.bitspike.autograd.ElementwisePrimitive.Exp;
import org.bitspike.autograd.ElementwisePrimitive.Floor;
import org.bitspike.autograd.ElementwisePrimitive.Log;
import org.bitspike.autograd.ElementwisePrimitive.Maximum;
import org.bitspike.autograd.ElementwisePrimitive.Minimum;
import org.bitspike.autograd.ElementwisePrimitive.Mul;
import org.bitspike.autograd.ElementwisePrimitive.Neg;
import org.bitspike.autograd.ElementwisePrimitive.Pow;
import org.bitspike.autograd.ElementwisePrimitive.PowScalar;
import org.bitspike.autograd.ElementwisePrimitive.Reciprocal;
import org.bitspike.autograd.ElementwisePrimitive.Relu;
import org.bitspike.autograd.ElementwisePrimitive.Round;
import org.bitspike.autograd.ElementwisePrimitive.Rsqrt;
import org.bitspike.autograd.ElementwisePrimitive.Sigmoid;
import org.bitspike.autograd.ElementwisePrimitive.Sign;
import org.bitspike.autograd.ElementwisePrimitive.Sin;
import org.bitspike.autograd.ElementwisePrimitive.Sqrt;
import org.bitspike.autograd.ElementwisePrimitive.Sub;
import org.bitspike.autograd.ElementwisePrimitive.Tanh;
import org.bitspike.autograd.ElementwisePrimitive.Where;
import org.bitspike.autograd.MatmulPrimitive.Matmul;
import org.bitspike.autograd.OpSampling.ConvShapes;
import org.bitspike.autograd.OpSampling.PoolShapes;
import org.bitspike.autograd.ReductionPrimitive.Extremum;
import org.bitspike.autograd.ReductionPrimitive.LogSoftmax;
import org.bitspike.autograd.ReductionPrimitive.Norm;
import org.bitspike.autograd.ReductionPrimitive.Softmax;
import org.bitspike.autograd.ReductionPrimitive.Sum;
import org.bitspike.autograd.ShapePrimitive.Cat;
import org.bitspike.autograd.ShapePrimitive.Expand;
import org.bitspike.autograd.ShapePrimitive.Gather;
import org.bitspike.autograd.ShapePrimitive.Permute;
import org.bitspike.autograd.ShapePrimitive.Reshape;
import org.bitspike.autograd.ShapePrimitive.ScatterAdd;
import org.bitspike.autograd.ShapePrimitive.Slice;
import org.bitspike.autograd.ShapePrimitive.SliceBackward;
import org.bitspike.tensor.Convolution.ConvOptions;
import org.bitspike.tensor.Convolution.PoolOptions;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.Tensor;
import org.bitspike.testing.Dice;
import org.bitspike.testing.Domain;
import org.bitspike.testing.Nd;
import org.bitspike.testing.OpSpec;
import org.bitspike.testing.OpSpec.Checks;
import org.bitspike.testing.OpSpec.EdgeCase;
import org.bitspike.testing.OpSpec.Op;
import org.bitspike.testing.OpSpec.Reference;
import org.bitspike.testing.OpSpec.Sample;
import org.bitspike.testing.OpSpec.Sampler;

/**
 * The op table (PyTorch's OpInfo, habit 18): one row per differentiable primitive, plus rows for the
 * composite ops that reach a primitive through a different path (mean, var, logsumexp, max with
 * indices, indexSelect, stack, split, 1-D matmul, convolution options...). A row says which
 * primitive it covers, how to call the op through the public {@link Var} API, a naive reference
 * ({@link Naive}), how to sample arguments and input shapes, the value domain of each input (away
 * from kinks and ties) and the bad inputs that must raise, with fragments of the expected message.
 * {@code OpTableTest} runs the same properties over every row.
 *
 * <p>The backward-only primitives (the convolution adjoints, the pooling and slice backwards) are
 * reached the way a user reaches them: as the recorded gradient of their forward op, taken with
 * {@link Autograd#grad} and {@link GradOptions#creatingGraph()}.
 *
 * <p>NOTE: this file is longer than the ~800 lines the conventions suggest. It is a table, read
 * row by row, and one file shows every row; the machinery lives elsewhere (the public
 * {@code org.bitspike.testing} for specs, domains, layouts and the contract; {@link OpSampling} for
 * convolution and pooling shapes, {@link Naive} for the references, {@link TestFunctions} for the
 * custom functions, {@code OpTableTest} for the properties).
 *
 * <p>NOTE: the table lives in the tests of the bitspike-testing module, not of autograd: its rows are
 * {@link OpSpec}s checked by the public {@code OpContract}, and Maven forbids the cycle that
 * autograd's own tests depending on bitspike-testing (which depends on autograd) would make. It
 * keeps package {@code org.bitspike.autograd} so that a row can name the package-private
 * {@link Primitive} it covers and {@code OpTableTest} can walk the recorded {@link Node}s.
 */
final class OpTable {
    private OpTable() {
    }

    /**
     * One row: the public {@link OpSpec} that {@code OpContract} checks, plus the primitive it covers
     * (checked against the recorded graph; package-private, so it stays out of the public spec).
     */
    record Row<A>(OpSpec<A> spec, Class<? extends Primitive> covers) {

        String name() {
            return spec.name();
        }

        Row<A> with(Checks newChecks) {
            return new Row<>(spec.with(newChecks), covers);
        }

        Row<A> bad(String what, Runnable call, String... fragments) {
            return new Row<>(spec.bad(what, call, fragments), covers);
        }

        Row<A> edge(EdgeCase<A> edgeCase) {
            return new Row<>(spec.edge(edgeCase), covers);
        }

        @Override
        public String toString() {
            return spec.name();
        }
    }

    static <A> Row<A> row(String name, Class<? extends Primitive> covers, List<Domain> domains, Sampler<A> sampler,
            Op<A> op, Reference<A> reference) {
        return new Row<>(OpSpec.of(name, domains, sampler, op, reference), covers);
    }

    /** The specs of every row, for {@code OpContract}. */
    static List<OpSpec<?>> specs() {
        return rows().stream().<OpSpec<?>>map(Row::spec).toList();
    }

    /** Every row of the table. */
    static List<Row<?>> rows() {
        List<Row<?>> rows = new ArrayList<>();
        rows.addAll(elementwise());
        rows.addAll(reductions());
        rows.addAll(linearAlgebra());
        rows.addAll(convolution());
        rows.addAll(movement());
        rows.addAll(custom());
        rows.addAll(researchOps());
        return rows;
    }

    // ------------------------------------------------------------------ elementwise

    private static List<Row<?>> elementwise() {
        return List.of(
            unary("neg", Neg.class, REAL, Var::neg, v -> -v),
            unary("abs", Abs.class, NONZERO, Var::abs, Math::abs)
                .edge(EdgeCase.<Void>at("the kink x = 0 (subgradient 0)", null, doubles(0, -1.5, 2))
                    .output(doubles(0, 1.5, 2)).gradients(doubles(0, -1, 1))),
            unary("exp", Exp.class, REAL, Var::exp, Math::exp),
            unary("log", Log.class, POSITIVE, Var::log, Math::log),
            unary("sqrt", Sqrt.class, POSITIVE, Var::sqrt, Math::sqrt),
            unary("rsqrt", Rsqrt.class, POSITIVE, Var::rsqrt, v -> 1 / Math.sqrt(v)),
            unary("sin", Sin.class, REAL, Var::sin, Math::sin),
            unary("cos", Cos.class, REAL, Var::cos, Math::cos),
            unary("tanh", Tanh.class, REAL, Var::tanh, Math::tanh),
            unary("sigmoid", Sigmoid.class, REAL, Var::sigmoid, v -> 1 / (1 + Math.exp(-v))),
            unary("relu", Relu.class, NONZERO, Var::relu, v -> v > 0 ? v : 0)
                .edge(EdgeCase.<Void>at("the kink x = 0 (gradient 0)", null, doubles(0, -1.5, 2))
                    .output(doubles(0, 0, 2)).gradients(doubles(0, 0, 1))),
            unary("reciprocal", Reciprocal.class, NONZERO, Var::reciprocal, v -> 1 / v),
            unary("square", Mul.class, REAL, Var::square, v -> v * v),
            row("pow(scalar)", PowScalar.class, List.of(POSITIVE),
                (Dice d) -> Sample.of(d.pick(-1.5, -1.0, 0.5, 1.0, 2.5, 3.0), d.shape(0, 3)),
                (x, p) -> x[0].pow(p), (x, p) -> Naive.map(x[0], v -> Math.pow(v, p))),
            row("pow(integer) of negative bases", PowScalar.class, List.of(NONZERO),
                (Dice d) -> Sample.of(d.pick(0.0, 1.0, 2.0, 3.0, -2.0), d.shape(0, 3)),
                (x, p) -> x[0].pow(p), (x, p) -> Naive.map(x[0], v -> Math.pow(v, p))),
            row("clamp", Clamp.class, List.of(OFF_CLAMP_BOUNDS), (Dice d) -> Sample.of(null, d.shape(0, 3)),
                (x, a) -> x[0].clamp(Domain.CLAMP_MIN, Domain.CLAMP_MAX),
                (x, a) -> Naive.map(x[0], v -> v < Domain.CLAMP_MIN ? Domain.CLAMP_MIN : v > Domain.CLAMP_MAX
                        ? Domain.CLAMP_MAX : v))
                .bad("min above max", () -> grad(2).clamp(1, 0), "clamp", "min 1.0 > max 0.0"),
            row("to(FLOAT32)", Cast.class, List.of(REAL), (Dice d) -> Sample.of(null, d.shape(0, 3)),
                (x, a) -> x[0].to(DType.FLOAT32), (x, a) -> Naive.map(x[0], v -> (float) v))
                // NOTE: the output is rounded to FLOAT32, so the finite difference needs a wide step
                .with(Checks.DEFAULT.withEps(1e-2, DType.FLOAT32))
                .bad("backward through a cast to an integer dtype", () -> grad(2).to(DType.INT32).sum().backward(),
                    "backward", "does not require a gradient"),
            row("contiguous", Contiguous.class, List.of(REAL), (Dice d) -> Sample.of(null, d.shape(2, 3)),
                (x, a) -> x[0].transpose(0, -1).contiguous(),
                (x, a) -> Naive.permute(x[0], swapFirstAndLast(x[0].rank()))),
            piecewise("sign", Sign.class, NONZERO, Var::sign, Math::signum),
            piecewise("floor", Floor.class, OFF_INTEGERS, Var::floor, Math::floor),
            piecewise("ceil", Ceil.class, OFF_INTEGERS, Var::ceil, Math::ceil),
            piecewise("round", Round.class, OFF_HALVES, Var::round, Math::rint),
            binary("add", "add", Add.class, REAL, REAL, Var::add, Double::sum),
            binary("sub", "sub", Sub.class, REAL, REAL, Var::sub, (a, b) -> a - b),
            binary("mul", "mul", Mul.class, REAL, REAL, Var::mul, (a, b) -> a * b),
            binary("div", "div", Div.class, REAL, NONZERO, Var::div, (a, b) -> a / b),
            binary("pow", "pow", Pow.class, POSITIVE, REAL, Var::pow, Math::pow)
                // NOTE: at a = 0 and b > 0, db is 0 by convention (0^b is constant in b there)
                .edge(EdgeCase.<Void>at("a = 0, b = 2", null, doubles(0), doubles(2))
                    .output(doubles(0)).gradients(doubles(0), doubles(0)))
                // 0^0 = 1 with da = 0, as PyTorch and pow(scalar) (b * a^(b-1) would be 0 * inf = NaN)
                .edge(EdgeCase.<Void>at("a = 0, b = 0", null, doubles(0, 0, 2), doubles(0, 1, 0))
                    .output(doubles(1, 0, 1)).gradients(doubles(0, 1, 0), doubles(0, 0, Math.log(2))))
                // a negative exponent at 0: y = inf, da = b * 0^(b-1) = -inf, db = inf * ln 0 = -inf (as PyTorch)
                .edge(EdgeCase.<Void>at("a = 0, b = -1", null, doubles(0), doubles(-1))
                    .output(doubles(Double.POSITIVE_INFINITY))
                    .gradients(doubles(Double.NEGATIVE_INFINITY), doubles(Double.NEGATIVE_INFINITY))),
            binary("maximum", "max", Maximum.class, ODD_TENTHS, EVEN_TENTHS, Var::maximum, Math::max),
            binary("minimum", "min", Minimum.class, ODD_TENTHS, EVEN_TENTHS, Var::minimum, Math::min),
            row("mul of FLOAT32 and FLOAT64 (promotion)", Mul.class, List.of(REAL, REAL),
                (Dice d) -> new Sample<Void>(d.broadcastPair(3), null),
                (x, a) -> x[0].to(DType.FLOAT32).mul(x[1]), (x, a) -> Naive.zip(x[0], x[1], (u, v) -> (float) u * v))
                // NOTE: the first operand is rounded to FLOAT32 on the way in, so the finite difference needs a wide step
                .with(Checks.DEFAULT.withEps(1e-2, DType.FLOAT64)),
            row("div by a scalar", Div.class, List.of(REAL), (Dice d) -> Sample.of(d.pick(-2.5, 0.5, 4.0), d.shape(0, 3)),
                (x, c) -> x[0].div(c), (x, c) -> Naive.map(x[0], v -> v / c)),
            row("where", Where.class, List.of(REAL, REAL), (Dice d) -> {
                int[][] ab = d.broadcastPair(3);
                int[] c = d.someOnes(Naive.broadcast(ab[0], ab[1]));
                if (d.coin()) { // a condition of higher rank: the output is larger than both operands
                    c = insert(c, 0, d.between(1, 3));
                }
                boolean[] bits = new boolean[Naive.numel(c)];
                for (int i = 0; i < bits.length; i++) {
                    bits[i] = d.coin();
                }
                return Sample.of(Tensor.of(bits, bits.length).reshape(c), ab);
            }, (x, c) -> Var.where(c, x[0], x[1]), (x, c) -> Naive.where(Nd.of(c), x[0], x[1]))
                .bad("a FLOAT64 condition", () -> Var.where(Tensor.ones(DType.FLOAT64, 2), grad(2), grad(2)),
                    "where", "condition must be BOOL", "FLOAT64")
                .bad("shapes that do not broadcast", () -> Var.where(Tensor.ones(DType.BOOL, 2), grad(2, 3), grad(3)),
                    "where", "[2]", "[2, 3]"));
    }

    private static Row<Void> unary(String name, Class<? extends Primitive> covers, Domain domain, UnaryOperator<Var> op,
            DoubleUnaryOperator reference) {
        return new Row<>(OpSpec.unary(name, domain, op, reference), covers);
    }

    /** A piecewise-constant map: the forward is checked; the backward must refuse. */
    private static Row<Void> piecewise(String name, Class<? extends Primitive> covers, Domain domain,
            UnaryOperator<Var> op, DoubleUnaryOperator reference) {
        return unary(name, covers, domain, op, reference).with(Checks.NO_GRADIENT)
                .bad("backward", () -> op.apply(grad(3)).sum().backward(),
                    "no gradient for " + name + " with respect to input", "straight-through estimator");
    }

    /** A broadcasting binary op; {@code tensorOp} is the name the tensor layer gives in shape errors. */
    private static Row<Void> binary(String name, String tensorOp, Class<? extends Primitive> covers, Domain a, Domain b,
            BinaryOperator<Var> op, DoubleBinaryOperator reference) {
        return new Row<>(OpSpec.binary(name, a, b, op, reference), covers)
                .bad("shapes that do not broadcast", () -> op.apply(grad(2, 3), grad(4)), tensorOp, "[2, 3]", "[4]",
                    "cannot be broadcast");
    }

    // ------------------------------------------------------------------ reductions

    /** Dimensions (possibly negative) and whether to keep them. */
    record Dims(int[] dims, boolean keepDim) {
        static Dims draw(Dice d, int rank) {
            return new Dims(d.dims(rank), d.coin());
        }

        int[] normalised(int rank) {
            return Arrays.stream(dims).map(x -> x < 0 ? x + rank : x).toArray();
        }
    }

    /** Dimensions and the correction of a variance (1 for the unbiased estimate). */
    record VarArgs(Dims dims, int correction) {
    }

    /** One dimension (possibly negative) and whether to keep it. */
    record Dim(int dim, boolean keepDim) {
        int normalised(int rank) {
            return dim < 0 ? dim + rank : dim;
        }
    }

    private static List<Row<?>> reductions() {
        return List.of(
            reduction("sum", Sum.class, REAL, (x, a) -> x.sum(a.dims, a.keepDim),
                (x, a) -> Naive.sum(x, a.normalised(x.rank()), a.keepDim))
                .bad("a dimension out of range", () -> grad(2, 3).sum(2, false), "sum", "dimension 2", "[2, 3]")
                .bad("a repeated dimension", () -> grad(2, 3).sum(new int[] {0, -2}, false), "sum", "repeated", "[2, 3]"),
            row("sum of all elements", Sum.class, List.of(REAL), (Dice d) -> Sample.of(null, d.shape(0, 3)),
                (x, a) -> x[0].sum(), (x, a) -> Naive.sum(x[0], all(x[0].rank()), false)),
            reduction("mean", Sum.class, REAL, (x, a) -> x.mean(a.dims, a.keepDim), (x, a) -> {
                int[] dims = a.normalised(x.rank());
                int n = Naive.count(x.shape(), dims);
                return Naive.map(Naive.sum(x, dims, a.keepDim), v -> v / n);
            }),
            row("var", Sum.class, List.of(REAL), (Dice d) -> {
                int[] s = d.shape(1, 3);
                Dims dims = Dims.draw(d, s.length);
                int n = Naive.count(s, dims.normalised(s.length));
                return Sample.of(new VarArgs(dims, n > 1 && d.coin() ? 1 : 0), s);
            }, (x, a) -> x[0].var(a.dims.dims, a.correction, a.dims.keepDim), (x, a) -> {
                int[] dims = a.dims.normalised(x[0].rank());
                int n = Naive.count(x[0].shape(), dims);
                Nd mean = Naive.map(Naive.sum(x[0], dims, true), v -> v / n);
                Nd squares = Naive.map(Naive.zip(x[0], mean, (v, m) -> v - m), v -> v * v);
                return Naive.map(Naive.sum(squares, dims, a.dims.keepDim), v -> v / (n - a.correction));
            }),
            reduction("logsumexp", Sum.class, REAL, (x, a) -> x.logsumexp(a.dims, a.keepDim),
                (x, a) -> Naive.map(Naive.sum(Naive.map(x, Math::exp), a.normalised(x.rank()), a.keepDim), Math::log))
                .bad("a dimension out of range", () -> grad(2, 3).logsumexp(new int[] {-3}, false),
                    "logsumexp", "dimension -3", "[2, 3]"),
            reduction("amax", Extremum.class, DISTINCT, (x, a) -> x.amax(a.dims, a.keepDim),
                (x, a) -> Naive.amax(x, a.normalised(x.rank()), a.keepDim))
                .bad("an empty dimension", () -> grad(2, 0).amax(new int[] {1}, false), "cannot reduce", "[2, 0]"),
            reduction("amin", Extremum.class, DISTINCT, (x, a) -> x.amin(a.dims, a.keepDim),
                (x, a) -> Naive.amin(x, a.normalised(x.rank()), a.keepDim)),
            row("max of all elements", Extremum.class, List.of(DISTINCT), (Dice d) -> Sample.of(null, d.shape(0, 3)),
                (x, a) -> x[0].max(), (x, a) -> Naive.amax(x[0], all(x[0].rank()), false)),
            row("min of all elements", Extremum.class, List.of(DISTINCT), (Dice d) -> Sample.of(null, d.shape(0, 3)),
                (x, a) -> x[0].min(), (x, a) -> Naive.amin(x[0], all(x[0].rank()), false)),
            indexed("max(dim) values and indices", true)
                .bad("a dimension out of range", () -> grad(2, 3).max(2, false), "max", "dimension 2", "[2, 3]"),
            indexed("min(dim) values and indices", false),
            reduction("norm p=1", Norm.class, NONZERO, (x, a) -> x.norm(1, a.dims, a.keepDim),
                (x, a) -> Naive.norm(x, 1, a.normalised(x.rank()), a.keepDim))
                .bad("p = 3", () -> grad(2).norm(3), "norm", "p must be 1 or 2, got 3"),
            reduction("norm p=2", Norm.class, NONZERO, (x, a) -> x.norm(2, a.dims, a.keepDim),
                (x, a) -> Naive.norm(x, 2, a.normalised(x.rank()), a.keepDim)),
            softmax("softmax", Softmax.class, false, Var::softmax)
                .bad("a dimension out of range", () -> grad(2, 3).softmax(2), "softmax", "dimension 2"),
            softmax("logSoftmax", LogSoftmax.class, true, Var::logSoftmax)
                .bad("a dimension out of range", () -> grad(2, 3).logSoftmax(-3), "logSoftmax", "dimension -3"));
    }

    private interface DimsOp {
        Var apply(Var x, Dims a);
    }

    private interface DimsReference {
        Nd apply(Nd x, Dims a);
    }

    private static Row<Dims> reduction(String name, Class<? extends Primitive> covers, Domain domain, DimsOp op,
            DimsReference reference) {
        return row(name, covers, List.of(domain), (Dice d) -> {
            int[] s = d.shape(1, 3);
            return Sample.of(Dims.draw(d, s.length), s);
        }, (x, a) -> op.apply(x[0], a), (x, a) -> reference.apply(x[0], a));
    }

    /** {@code max(dim)} or {@code min(dim)}: the values plus the indices, so one comparison checks both. */
    private static Row<Dim> indexed(String name, boolean max) {
        return row(name, Gather.class, List.of(DISTINCT), (Dice d) -> {
            int[] s = d.shape(1, 3);
            return Sample.of(new Dim(d.dim(s.length), d.coin()), s);
        }, (x, a) -> {
            Var.Indexed r = max ? x[0].max(a.dim, a.keepDim) : x[0].min(a.dim, a.keepDim);
            return r.values().add(Var.of(r.indices().to(r.values().dtype())));
        }, (x, a) -> {
            int dim = a.normalised(x[0].rank());
            Nd values = max ? Naive.amax(x[0], new int[] {dim}, a.keepDim) : Naive.amin(x[0], new int[] {dim}, a.keepDim);
            return Naive.zip(values, Naive.argExtremum(x[0], dim, a.keepDim, max), Double::sum);
        });
    }

    private static Row<Integer> softmax(String name, Class<? extends Primitive> covers, boolean log,
            java.util.function.BiFunction<Var, Integer, Var> op) {
        return row(name, covers, List.of(REAL), (Dice d) -> {
            int[] s = d.shape(1, 3);
            return Sample.of(d.dim(s.length), s);
        }, (x, dim) -> op.apply(x[0], dim), (x, dim) -> Naive.softmax(x[0], dim < 0 ? dim + x[0].rank() : dim, log));
    }

    // ------------------------------------------------------------------ linear algebra

    private static List<Row<?>> linearAlgebra() {
        return List.of(
            row("matmul", Matmul.class, List.of(REAL, REAL), (Dice d) -> {
                int[][] batch = d.broadcastPair(2);
                int m = d.between(1, 3);
                int k = d.between(1, 3);
                int n = d.between(1, 3);
                return Sample.<Void>of(null, concat(batch[0], new int[] {m, k}), concat(batch[1], new int[] {k, n}));
            }, (x, a) -> x[0].matmul(x[1]), (x, a) -> Naive.matmul(x[0], x[1]))
                .bad("inner dimensions that differ", () -> grad(2, 3).matmul(grad(4, 5)),
                    "matmul: cannot multiply [2, 3] by [4, 5]: inner dimensions 3 != 4")
                .bad("batch dimensions that do not broadcast", () -> grad(2, 2, 3).matmul(grad(3, 3, 4)),
                    "matmul", "[2, 2, 3]", "[3, 3, 4]", "do not broadcast")
                .bad("a 0-d operand", () -> grad().matmul(grad(3)), "matmul", "at least one dimension"),
            row("matmul with 1-D operands", Matmul.class, List.of(REAL, REAL), (Dice d) -> {
                int k = d.between(1, 3);
                int[] m = {d.between(1, 3), k};
                int[] n = {k, d.between(1, 3)};
                int[] vector = {k};
                int[] batch = d.shape(1, 2);
                return switch (d.between(0, 4)) {
                    case 0 -> Sample.<Void>of(null, vector, vector);
                    case 1 -> Sample.<Void>of(null, vector, n);
                    case 2 -> Sample.<Void>of(null, m, vector);
                    case 3 -> Sample.<Void>of(null, vector, concat(batch, n));
                    default -> Sample.<Void>of(null, concat(batch, m), vector);
                };
            }, (x, a) -> x[0].matmul(x[1]), (x, a) -> Naive.matmul(x[0], x[1]))
                .bad("vectors of different lengths", () -> grad(3).matmul(grad(4)), "matmul", "inner dimensions 3 != 4"));
    }

    // ------------------------------------------------------------------ convolution and pooling

    private static List<Row<?>> convolution() {
        return List.of(
            row("conv2d", Conv2d.class, List.of(REAL, REAL), (Dice d) -> {
                ConvShapes c = ConvShapes.draw(d, false);
                return Sample.of(c, c.x(), c.w());
            }, (x, c) -> x[0].conv2d(x[1], null, c.options()), (x, c) -> Naive.conv2d(x[0], x[1], null, c.options()))
                .bad("channels that do not match", () -> grad(1, 3, 5, 5).conv2d(grad(2, 2, 3, 3), null, ConvOptions.DEFAULT),
                    "conv2d", "[2, 2, 3, 3]", "[1, 3, 5, 5]", "input channels")
                .bad("a bias of the wrong size", () -> grad(1, 2, 5, 5).conv2d(grad(4, 2, 3, 3), grad(3), ConvOptions.DEFAULT),
                    "conv2d", "bias shape [3]", "[4, 2, 3, 3]")
                .bad("a kernel larger than the input", () -> grad(1, 1, 2, 2).conv2d(grad(1, 1, 3, 3), null,
                    ConvOptions.DEFAULT), "conv2d", "output size", "[1, 1, 2, 2]"),
            row("conv2d with bias, stride, padding, dilation, groups", Conv2d.class, List.of(REAL, REAL, REAL),
                (Dice d) -> {
                    ConvShapes c = ConvShapes.draw(d, true);
                    return c.bias() ? Sample.of(c, c.x(), c.w(), new int[] {c.w()[0]}) : Sample.of(c, c.x(), c.w());
                }, (x, c) -> x[0].conv2d(x[1], c.bias() ? x[2] : null, c.options()),
                (x, c) -> Naive.conv2d(x[0], x[1], c.bias() ? x[2] : null, c.options()))
                .bad("channels not divisible by groups", () -> grad(1, 3, 5, 5).conv2d(grad(2, 1, 3, 3), null,
                    ConvOptions.DEFAULT.withGroups(2)), "conv2d", "[1, 3, 5, 5]", "groups"),
            row("conv2d, larger (projected gradient check)", Conv2d.class, List.of(REAL, REAL, REAL), (Dice d) -> {
                int k = d.between(2, 3);
                ConvShapes c = new ConvShapes(new int[] {2, 3, d.between(6, 9), d.between(6, 9)}, new int[] {4, 3, k, k},
                        ConvOptions.of(d.between(1, 2), d.between(0, 1)), true);
                return Sample.of(c, c.x(), c.w(), new int[] {c.w()[0]});
            }, (x, c) -> x[0].conv2d(x[1], x[2], c.options()), (x, c) -> Naive.conv2d(x[0], x[1], x[2], c.options()))
                // NOTE: second order on these sizes would take seconds; the small convolutions above check it
                .with(Checks.DEFAULT.withoutSecondOrder()),
            row("conv2dBackwardInput", Conv2dBackwardInput.class, List.of(REAL, REAL), (Dice d) -> {
                ConvShapes c = ConvShapes.draw(d, true);
                return Sample.of(c, c.y(), c.w());
            }, (x, c) -> gradientOf(Var.withGrad(Tensor.zeros(x[0].dtype(), c.x())), in -> in.conv2d(x[1], null, c.options()), x[0]),
                (x, c) -> Naive.conv2dBackwardInput(x[0], x[1], c.x(), c.options()))
                .bad("a gradient of the wrong shape", () -> gradientOf(grad(1, 1, 4, 4),
                    in -> in.conv2d(grad(1, 1, 3, 3), null, ConvOptions.DEFAULT), grad(1, 1, 3, 3)),
                    "grad", "gradient 0 has shape [1, 1, 3, 3]", "output 0 has shape [1, 1, 2, 2]"),
            row("conv2dBackwardWeight", Conv2dBackwardWeight.class, List.of(REAL, REAL), (Dice d) -> {
                ConvShapes c = ConvShapes.draw(d, true);
                return Sample.of(c, c.x(), c.y());
            }, (x, c) -> gradientOf(Var.withGrad(Tensor.zeros(x[0].dtype(), c.w())), w -> x[0].conv2d(w, null, c.options()), x[1]),
                (x, c) -> Naive.conv2dBackwardWeight(x[0], x[1], c.w(), c.options())),
            row("maxPool2d", MaxPool2d.class, List.of(DISTINCT), (Dice d) -> {
                PoolShapes p = PoolShapes.draw(d);
                return Sample.of(p, p.x());
            }, (x, p) -> x[0].maxPool2d(p.options()), (x, p) -> Naive.maxPool2d(x[0], p.options()))
                .bad("padding over half the window", () -> grad(1, 1, 4, 4).maxPool2d(PoolOptions.of(2, 1, 2)),
                    "maxPool2d", "padding [2, 2]", "at most half")
                .bad("a 3-D input", () -> grad(1, 4, 4).maxPool2d(PoolOptions.of(2)), "maxPool2d", "4-D", "[1, 4, 4]"),
            row("maxPool2dBackward", MaxPool2dBackward.class, List.of(DISTINCT, REAL), (Dice d) -> {
                PoolShapes p = PoolShapes.draw(d);
                return Sample.of(p, p.x(), p.y());
            }, (x, p) -> gradientOf(Var.withGrad(x[0].value()), in -> in.maxPool2d(p.options()), x[1]),
                (x, p) -> Naive.maxPool2dBackward(x[0], x[1], p.options()))
                // NOTE: the input only chooses the argmax positions, so it is held constant
                .with(Checks.DEFAULT.withConstants(0)),
            row("avgPool2d", AvgPool2d.class, List.of(REAL), (Dice d) -> {
                PoolShapes p = PoolShapes.draw(d);
                return Sample.of(p, p.x());
            }, (x, p) -> x[0].avgPool2d(p.options(), p.countIncludePad()),
                (x, p) -> Naive.avgPool2d(x[0], p.options(), p.countIncludePad()))
                .bad("a window longer than the padded input", () -> grad(1, 1, 2, 2).avgPool2d(PoolOptions.of(3), true),
                    "avgPool2d", "output size", "[1, 1, 2, 2]"),
            row("avgPool2dBackward", AvgPool2dBackward.class, List.of(REAL), (Dice d) -> {
                PoolShapes p = PoolShapes.draw(d);
                return Sample.of(p, p.y());
            }, (x, p) -> gradientOf(Var.withGrad(Tensor.zeros(x[0].dtype(), p.x())),
                    in -> in.avgPool2d(p.options(), p.countIncludePad()), x[0]),
                (x, p) -> Naive.avgPool2dBackward(x[0], p.x(), p.options(), p.countIncludePad())));
    }

    /**
     * The recorded gradient of {@code f} at {@code at} for the output gradient {@code seed}: the way
     * a backward-only primitive is reached through the public API.
     */
    static Var gradientOf(Var at, UnaryOperator<Var> f, Var seed) {
        try (GradMode.Scope scope = GradMode.enableGrad()) {
            return Autograd.grad(List.of(f.apply(at)), List.of(seed), List.of(at), GradOptions.creatingGraph()).get(0);
        }
    }

    // ------------------------------------------------------------------ movement

    /** A slice along a dimension: {@code [start:end:step]}. */
    record SliceArgs(int dim, int start, int end, int step) {
        static SliceArgs draw(Dice d, int[] shape) {
            int dim = d.dim(shape.length);
            int size = shape[dim < 0 ? dim + shape.length : dim];
            int start = d.between(0, size - 1);
            return new SliceArgs(dim, start, d.between(start + 1, size), d.between(1, 3));
        }

        int normalised(int rank) {
            return dim < 0 ? dim + rank : dim;
        }
    }

    /** The gradient of a slice of an input of {@code inputShape}. */
    record SliceBackwardArgs(int[] inputShape, SliceArgs slice) {
    }

    /** {@code split} into chunks of {@code size} (sizes null) or of the given sizes; the op returns one piece. */
    record SplitArgs(int dim, int size, int[] sizes, int piece) {
    }

    /** Index tensors of gather, indexSelect and scatterAdd. */
    record IndexArgs(int dim, Tensor index) {
    }

    private static List<Row<?>> movement() {
        List<Row<?>> rows = new ArrayList<>();
        rows.add(row("reshape", Reshape.class, List.of(REAL), (Dice d) -> {
            int[] s = d.shape(0, 3);
            int[] order = d.permutation(s.length);
            int[] target = new int[s.length + 1];
            int one = d.between(0, s.length);
            for (int i = 0, j = 0; i < target.length; i++) {
                target[i] = i == one ? 1 : s[order[j++]];
            }
            if (d.coin()) {
                target[d.between(0, target.length - 1)] = -1;
            }
            return Sample.of(target, s);
        }, (x, shape) -> x[0].reshape(shape), (x, shape) -> Naive.reshape(x[0], shape))
            .bad("a different element count", () -> grad(2, 3).reshape(4), "reshape", "[4]", "[2, 3]"));
        rows.add(row("flatten", Reshape.class, List.of(REAL), (Dice d) -> {
            int[] s = d.shape(0, 3);
            if (s.length == 0 || d.coin()) {
                return Sample.of((int[]) null, s);
            }
            int a = d.between(0, s.length - 1);
            return Sample.of(new int[] {a, d.between(a, s.length - 1)}, s);
        }, (x, r) -> r == null ? x[0].flatten() : x[0].flatten(r[0], r[1]), (x, r) -> {
            int[] s = x[0].shape();
            if (r == null) {
                return Naive.reshape(x[0], -1);
            }
            int[] shape = new int[s.length - (r[1] - r[0])];
            for (int i = 0, j = 0; i < s.length; i++) {
                if (i <= r[0] || i > r[1]) {
                    shape[j++] = s[i];
                } else {
                    shape[j - 1] *= s[i];
                }
            }
            return Naive.reshape(x[0], shape);
        }).bad("start after end", () -> grad(2, 3, 4).flatten(2, 1), "flatten", "start dimension 2 is after end dimension 1"));
        rows.add(row("squeeze", Reshape.class, List.of(REAL), (Dice d) -> {
            int[] s = d.someOnes(d.shape(0, 3));
            return Sample.of(s.length > 0 && d.coin() ? d.dim(s.length) : null, s);
        }, (x, dim) -> dim == null ? x[0].squeeze() : x[0].squeeze(dim), (x, dim) -> {
            int[] s = x[0].shape();
            int at = dim == null ? -1 : dim < 0 ? dim + s.length : dim;
            return Naive.reshape(x[0], java.util.stream.IntStream.range(0, s.length)
                    .filter(i -> s[i] != 1 || (dim != null && i != at)).map(i -> s[i]).toArray());
        }).bad("a dimension out of range", () -> grad(2, 1).squeeze(2), "squeeze", "dimension 2", "[2, 1]"));
        rows.add(row("unsqueeze", Reshape.class, List.of(REAL), (Dice d) -> {
            int[] s = d.shape(0, 3);
            return Sample.of(d.dim(s.length + 1), s);
        }, (x, dim) -> x[0].unsqueeze(dim), (x, dim) -> {
            int[] s = x[0].shape();
            int at = dim < 0 ? dim + s.length + 1 : dim;
            return Naive.reshape(x[0], insert(s, at, 1));
        }).bad("a dimension out of range", () -> grad(2).unsqueeze(3), "unsqueeze", "dimension 3", "[2]"));
        rows.add(row("view", Reshape.class, List.of(REAL), (Dice d) -> {
            int[] s = d.shape(0, 3);
            return Sample.of(insert(s, d.between(0, s.length), 1), s);
        }, (x, shape) -> x[0].view(shape), (x, shape) -> Naive.reshape(x[0], shape))
            .bad("a view that would need a copy", () -> grad(2, 3).t().view(6), "view", "[3, 2]", "without copying"));
        rows.add(row("permute", Permute.class, List.of(REAL), (Dice d) -> {
            int[] s = d.shape(0, 3);
            int[] order = d.permutation(s.length);
            for (int i = 0; i < order.length; i++) {
                order[i] = d.coin() ? order[i] - s.length : order[i];
            }
            return Sample.of(order, s);
        }, (x, order) -> x[0].permute(order),
            (x, order) -> Naive.permute(x[0], Arrays.stream(order).map(o -> o < 0 ? o + order.length : o).toArray()))
            .bad("a repeated dimension", () -> grad(2, 3).permute(0, 0), "permute", "[0, 0]", "repeats dimension 0"));
        rows.add(row("transpose", Permute.class, List.of(REAL), (Dice d) -> {
            int[] s = d.shape(1, 3);
            return Sample.of(new int[] {d.dim(s.length), d.dim(s.length)}, s);
        }, (x, p) -> x[0].transpose(p[0], p[1]), (x, p) -> {
            int rank = x[0].rank();
            int[] order = all(rank);
            int a = p[0] < 0 ? p[0] + rank : p[0];
            int b = p[1] < 0 ? p[1] + rank : p[1];
            order[a] = b;
            order[b] = a;
            return Naive.permute(x[0], order);
        }).bad("a dimension out of range", () -> grad(2, 3).transpose(0, 2), "transpose", "dimension 2", "shape [2, 3]"));
        rows.add(row("t", Permute.class, List.of(REAL), (Dice d) -> Sample.of(null, d.shape(2, 2)),
            (x, a) -> x[0].t(), (x, a) -> Naive.permute(x[0], 1, 0))
            .bad("a 3-D tensor", () -> grad(2, 3, 4).t(), "t", "rank <= 2", "[2, 3, 4]"));
        rows.add(row("expand", Expand.class, List.of(REAL), (Dice d) -> {
            int[] target = d.shape(0, 3);
            int[] s = d.someOnes(Arrays.copyOfRange(target, d.between(0, target.length), target.length));
            int[] request = target.clone();
            for (int i = target.length - s.length; i < target.length; i++) {
                if (s[i - (target.length - s.length)] == target[i] && d.coin()) {
                    request[i] = -1;
                }
            }
            return Sample.of(new int[][] {request, target}, s);
        }, (x, r) -> x[0].expand(r[0]), (x, r) -> Naive.expand(x[0], r[1]))
            .bad("a size that is not 1", () -> grad(2).expand(3), "expand", "cannot expand shape [2] to [3]"));
        rows.add(row("broadcastTo", Expand.class, List.of(REAL), (Dice d) -> {
            int[] target = d.shape(1, 3);
            return Sample.of(target, d.someOnes(target));
        }, (x, target) -> x[0].broadcastTo(target), (x, target) -> Naive.expand(x[0], target)));
        rows.add(row("slice", Slice.class, List.of(REAL), (Dice d) -> {
            int[] s = d.shape(1, 3, d.size().maxDim + 2);
            return Sample.of(SliceArgs.draw(d, s), s);
        }, (x, a) -> x[0].slice(a.dim, a.start, a.end, a.step),
            (x, a) -> Naive.slice(x[0], a.normalised(x[0].rank()), a.start, a.end, a.step))
            .bad("a range out of bounds", () -> grad(3).slice(0, 0, 5, 1), "slice", "[0, 5)", "[3]")
            .bad("step 0", () -> grad(3).slice(0, 0, 3, 0), "slice", "step must be positive, got 0"));
        rows.add(row("narrow", Slice.class, List.of(REAL), (Dice d) -> {
            int[] s = d.shape(1, 3, d.size().maxDim + 1);
            SliceArgs a = SliceArgs.draw(d, s);
            return Sample.of(new SliceArgs(a.dim, a.start, a.end, 1), s);
        }, (x, a) -> x[0].narrow(a.dim, a.start, a.end - a.start),
            (x, a) -> Naive.slice(x[0], a.normalised(x[0].rank()), a.start, a.end, 1))
            .bad("a length past the end", () -> grad(3).narrow(0, 2, 2), "[2, 4)", "[3]"));
        rows.add(row("select", Slice.class, List.of(REAL), (Dice d) -> {
            int[] s = d.shape(1, 3);
            int dim = d.dim(s.length);
            int size = s[dim < 0 ? dim + s.length : dim];
            return Sample.of(new int[] {dim, d.between(-size, size - 1)}, s);
        }, (x, a) -> x[0].select(a[0], a[1]), (x, a) -> {
            int dim = a[0] < 0 ? a[0] + x[0].rank() : a[0];
            int index = a[1] < 0 ? a[1] + x[0].shape()[dim] : a[1];
            Nd one = Naive.slice(x[0], dim, index, index + 1, 1);
            return Naive.reshape(one, removeAt(one.shape(), dim));
        }).bad("an index out of range", () -> grad(2, 3).select(1, 3), "select", "index 3", "[2, 3]"));
        rows.add(row("split", Slice.class, List.of(REAL), (Dice d) -> {
            int[] s = d.shape(1, 3, d.size().maxDim + 2);
            int dim = d.dim(s.length);
            int size = s[dim < 0 ? dim + s.length : dim];
            int cut = d.between(0, size);
            return Sample.of(d.coin() ? new SplitArgs(dim, d.between(1, size), null, d.between(0, 5))
                    : new SplitArgs(dim, 0, new int[] {cut, size - cut}, d.between(0, 5)), s);
        }, (x, a) -> {
            Var[] pieces = a.sizes == null ? x[0].split(a.size, a.dim) : x[0].split(a.sizes, a.dim);
            return pieces[a.piece % pieces.length];
        }, (x, a) -> {
            int dim = a.dim < 0 ? a.dim + x[0].rank() : a.dim;
            int total = x[0].shape()[dim];
            int[] sizes = a.sizes;
            if (sizes == null) { // chunks of a.size, the last one shorter
                sizes = new int[(total + a.size - 1) / a.size];
                for (int i = 0; i < sizes.length; i++) {
                    sizes[i] = Math.min(a.size, total - i * a.size);
                }
            }
            int piece = a.piece % sizes.length;
            int start = Arrays.stream(sizes).limit(piece).sum();
            return Naive.slice(x[0], dim, start, start + sizes[piece], 1);
        }).bad("sizes that do not add up", () -> grad(5).split(new int[] {2, 2}, 0), "split", "[2, 2]", "5"));
        rows.add(row("sliceBackward", SliceBackward.class, List.of(REAL), (Dice d) -> {
            int[] s = d.shape(1, 3, d.size().maxDim + 2);
            SliceArgs a = SliceArgs.draw(d, s);
            int[] y = s.clone();
            y[a.normalised(s.length)] = (a.end - a.start + a.step - 1) / a.step;
            return Sample.of(new SliceBackwardArgs(s, a), y);
        }, (x, b) -> gradientOf(Var.withGrad(Tensor.zeros(x[0].dtype(), b.inputShape)),
                in -> in.slice(b.slice.dim, b.slice.start, b.slice.end, b.slice.step), x[0]),
            (x, b) -> Naive.sliceBackward(x[0], b.inputShape, b.slice.normalised(b.inputShape.length), b.slice.start,
                b.slice.step))
            .bad("a gradient of the wrong shape", () -> gradientOf(grad(4), in -> in.slice(0, 0, 4, 2), grad(3)),
                "grad", "gradient 0 has shape [3]", "output 0 has shape [2]"));
        rows.add(row("cat", Cat.class, List.of(REAL), (Dice d) -> {
            int[] s = d.shape(1, 3);
            int dim = d.dim(s.length);
            int[][] parts = new int[d.between(1, 3)][];
            for (int i = 0; i < parts.length; i++) {
                parts[i] = s.clone();
                parts[i][dim < 0 ? dim + s.length : dim] = d.between(1, 3);
            }
            return Sample.of(dim, parts);
        }, (x, dim) -> Var.cat(dim, x), (x, dim) -> Naive.cat(dim < 0 ? dim + x[0].rank() : dim, x))
            .bad("sizes that differ off the cat dimension", () -> Var.cat(0, grad(2, 3), grad(2, 4)),
                "cat", "[2, 3]", "[2, 4]", "differ at dimension 1")
            .bad("no inputs", () -> Var.cat(0), "cat", "at least one"));
        rows.add(row("stack", Cat.class, List.of(REAL), (Dice d) -> {
            int[] s = d.shape(0, 2);
            int[][] parts = new int[d.between(1, 3)][];
            Arrays.fill(parts, s);
            return Sample.of(d.dim(s.length + 1), parts);
        }, (x, dim) -> Var.stack(dim, x), (x, dim) -> {
            int at = dim < 0 ? dim + x[0].rank() + 1 : dim;
            return Naive.cat(at, Arrays.stream(x).map(p -> Naive.reshape(p, insert(p.shape(), at, 1))).toArray(Nd[]::new));
        }).bad("shapes that differ", () -> Var.stack(0, grad(2, 3), grad(3, 2)), "stack", "[2, 3]", "[3, 2]"));
        rows.add(row("gather", Gather.class, List.of(REAL), (Dice d) -> {
            int[] s = d.shape(1, 3);
            int dim = d.dim(s.length);
            int at = dim < 0 ? dim + s.length : dim;
            int[] is = new int[s.length];
            for (int i = 0; i < s.length; i++) {
                is[i] = i == at ? d.between(1, 4) : d.between(1, s[i]);
            }
            return Sample.of(new IndexArgs(dim, indices(d, is, s[at], d.coin() ? DType.INT64 : DType.INT32)), s);
        }, (x, a) -> x[0].gather(a.dim, a.index),
            (x, a) -> Naive.gather(x[0], a.dim < 0 ? a.dim + x[0].rank() : a.dim, Nd.of(a.index)))
            .bad("an index out of bounds", () -> grad(3).gather(0, Tensor.of(new long[] {5}, 1)), "gather", "index 5",
                "[3]")
            .bad("a floating index", () -> grad(3).gather(0, Tensor.zeros(DType.FLOAT64, 1)), "gather",
                "index must be INT64 or INT32"));
        rows.add(row("indexSelect", Gather.class, List.of(REAL), (Dice d) -> {
            int[] s = d.shape(1, 3);
            int dim = d.dim(s.length);
            int size = s[dim < 0 ? dim + s.length : dim];
            return Sample.of(new IndexArgs(dim, indices(d, new int[] {d.between(1, 4)}, size, DType.INT64)), s);
        }, (x, a) -> x[0].indexSelect(a.dim, a.index), (x, a) -> {
            int dim = a.dim < 0 ? a.dim + x[0].rank() : a.dim;
            int[] is = x[0].shape();
            is[dim] = a.index.numel();
            Nd index = Nd.zeros(is);
            for (int i = 0; i < index.numel(); i++) {
                index.data()[i] = a.index.getDouble(Naive.unravel(i, is)[dim]);
            }
            return Naive.gather(x[0], dim, index);
        }).bad("a 2-D index", () -> grad(3).indexSelect(0, Tensor.zeros(DType.INT64, 1, 1)), "indexSelect",
            "index must be 1-D", "[1, 1]"));
        rows.add(row("scatterAdd", ScatterAdd.class, List.of(REAL, REAL), (Dice d) -> {
            int[] base = d.shape(1, 3);
            int dim = d.dim(base.length);
            int at = dim < 0 ? dim + base.length : dim;
            int[] is = new int[base.length];
            int[] src = new int[base.length];
            for (int i = 0; i < base.length; i++) {
                is[i] = i == at ? d.between(1, 4) : d.between(1, base[i]);
                src[i] = is[i] + d.between(0, 1);
            }
            return Sample.of(new IndexArgs(dim, indices(d, is, base[at], DType.INT64)), base, src);
        }, (x, a) -> x[0].scatterAdd(a.dim, a.index, x[1]),
            (x, a) -> Naive.scatterAdd(x[0], a.dim < 0 ? a.dim + x[0].rank() : a.dim, Nd.of(a.index), x[1]))
            .bad("an index larger than src", () -> grad(3).scatterAdd(0, Tensor.zeros(DType.INT64, 3), grad(2)),
                "scatterAdd", "index shape [3] exceeds src shape [2]"));
        return rows;
    }

    /** Random indices in {@code [0, bound)} of {@code shape}. */
    private static Tensor indices(Dice d, int[] shape, int bound, DType dtype) {
        long[] v = new long[Naive.numel(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = d.between(0, bound - 1);
        }
        return Tensor.of(v, v.length).reshape(shape).to(dtype);
    }

    // ------------------------------------------------------------------ custom functions

    private static List<Row<?>> custom() {
        return List.of(
            row("custom Function (softplus)", CustomPrimitive.class, List.of(REAL), (Dice d) -> Sample.of(null, d.shape(0, 3)),
                (x, a) -> new TestFunctions.Softplus().apply(x[0]), (x, a) -> Naive.map(x[0], v -> Math.log1p(Math.exp(v))))
                .bad("the gradient of an input declared non-differentiable",
                    () -> new TestFunctions.Scale().apply(grad(2), grad(2)).sum().backward(),
                    "no gradient for Scale with respect to input 1", "non-differentiable")
                .bad("a backward returning two gradients for one input",
                    () -> new TestFunctions.TwoGradients().apply(grad(2)).sum().backward(),
                    "TwoGradients", "backward returned 2 gradients for 1 inputs")
                .bad("a forward returning null", () -> new TestFunctions.NoOutput().apply(grad(2)), "NoOutput", "forward returned null"));
    }

    // ------------------------------------------------------------------ ops researchers reach for (issue 11)

    private static double softplus(double v) {
        return Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
    }

    /** erf by its Maclaurin series, summed in order (the terms stay below 10 on [-3, 3], so cancellation costs ~1e-15). */
    private static double erf(double v) {
        double sum = 0;
        double power = v; // (-1)^n v^(2n+1) / n!
        for (int n = 0; n < 100; n++) {
            sum += power / (2 * n + 1);
            power *= -v * v / (n + 1);
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }

    /** A sort's direction along a dimension (possibly negative). */
    record SortArgs(int dim, boolean descending) {
    }

    /** A top-k: how many, along which dimension, largest or smallest, sorted or in order of position. */
    record TopkArgs(int k, int dim, boolean largest, boolean sorted) {
    }

    private interface SliceMap {
        double[] apply(double[] slice);
    }

    /** {@code f} applied to every 1-D slice of {@code x} along {@code dim}; the result has {@code outSize} there. */
    private static Nd alongDim(Nd x, int dim, int outSize, SliceMap f) {
        int[] shape = x.shape();
        int[] outShape = x.shape();
        outShape[dim] = outSize;
        Nd out = Nd.zeros(outShape);
        for (int i = 0; i < x.numel(); i++) {
            int[] at = Naive.unravel(i, shape);
            if (at[dim] == 0) {
                double[] slice = new double[shape[dim]];
                for (int k = 0; k < slice.length; k++) {
                    at[dim] = k;
                    slice[k] = x.get(at);
                }
                double[] r = f.apply(slice);
                for (int k = 0; k < outSize; k++) {
                    at[dim] = k;
                    out.data()[Naive.ravel(at, outShape)] = r[k];
                }
            }
        }
        return out;
    }

    /** value + index of the first {@code k} of the distinct {@code slice} ranked ascending or not, in rank or position order. */
    private static double[] ranked(double[] slice, int k, boolean ascending, boolean inRankOrder) {
        Integer[] order = new Integer[slice.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (p, q) -> ascending ? Double.compare(slice[p], slice[q]) : Double.compare(slice[q], slice[p]));
        Integer[] chosen = Arrays.copyOf(order, k);
        if (!inRankOrder) {
            Arrays.sort(chosen);
        }
        return Arrays.stream(chosen).mapToDouble(i -> slice[i] + i).toArray();
    }

    private static List<Row<?>> researchOps() {
        List<Row<?>> rows = new ArrayList<>();
        rows.add(unary("log1p", ElementwisePrimitive.Log1p.class, POSITIVE, Var::log1p, Math::log1p));
        rows.add(unary("expm1", ElementwisePrimitive.Expm1.class, REAL, Var::expm1, Math::expm1));
        // finite with a finite gradient for every finite x (exp().add(1).log() overflows from 89 in FLOAT32, 710 in FLOAT64)
        rows.add(unary("softplus", ElementwisePrimitive.Softplus.class, REAL, Var::softplus, OpTable::softplus)
            .edge(EdgeCase.<Void>at("x = 1e30, -1e30, 0, 800, -800", null, doubles(1e30, -1e30, 0, 800, -800))
                .output(doubles(1e30, 0, Math.log(2), 800, 0)).gradients(doubles(1, 0, 0.5, 1, 0)).tolerance(1e-15)));
        rows.add(unary("logSigmoid", ElementwisePrimitive.Softplus.class, REAL, Var::logSigmoid, v -> -softplus(-v))
            .edge(EdgeCase.<Void>at("x = 1e30, -1e30, 0, 800, -800", null, doubles(1e30, -1e30, 0, 800, -800))
                .output(doubles(0, -1e30, -Math.log(2), 0, -800)).gradients(doubles(0, 1, 0.5, 0, 1)).tolerance(1e-15)));
        // the threshold sits on a clamp bound, so OFF_CLAMP_BOUNDS keeps samples 0.1 / beta away from it
        rows.add(row("softplus(beta, threshold)", ElementwisePrimitive.Softplus.class, List.of(OFF_CLAMP_BOUNDS),
            (Dice d) -> Sample.of(d.pick(0.5, 1.0, 2.0), d.shape(0, 3)),
            (x, beta) -> x[0].softplus(beta, beta * Domain.CLAMP_MAX),
            (x, beta) -> Naive.map(x[0], v -> v > Domain.CLAMP_MAX ? v : softplus(beta * v) / beta))
            .bad("beta 0", () -> grad(2).softplus(0, 20), "softplus", "beta must be positive and finite, got 0.0", "[2]")
            .bad("a NaN threshold", () -> grad(2).softplus(1, Double.NaN), "softplus", "threshold must not be NaN")
            // review finding 9: a beta that rounds to 0 or infinity in FLOAT32 (x * beta would be 0 or inf)
            .bad("beta 1e-50 in FLOAT32", () -> Var.withGrad(Tensor.zeros(2)).softplus(1e-50, 20), "softplus",
                "beta 1.0E-50 rounds to 0.0", "FLOAT32", "[2]")
            .bad("beta 1e39 in FLOAT32", () -> Var.withGrad(Tensor.zeros(2)).softplus(1e39, 20), "softplus",
                "beta 1.0E39 rounds to Infinity", "FLOAT32", "[2]"));
        rows.add(unary("erf", ElementwisePrimitive.Erf.class, REAL, Var::erf, OpTable::erf));
        rows.add(row("hardtanh", ElementwisePrimitive.Hardtanh.class, List.of(OFF_CLAMP_BOUNDS), (Dice d) -> Sample.of(null, d.shape(0, 3)),
            (x, a) -> x[0].hardtanh(Domain.CLAMP_MIN, Domain.CLAMP_MAX),
            (x, a) -> Naive.map(x[0], v -> Math.min(Math.max(v, Domain.CLAMP_MIN), Domain.CLAMP_MAX)))
            // as PyTorch's hardtanh (and unlike clamp), no gradient at the bounds themselves
            .edge(EdgeCase.<Object>at("the bounds", null, doubles(Domain.CLAMP_MIN, Domain.CLAMP_MAX, 0))
                .output(doubles(Domain.CLAMP_MIN, Domain.CLAMP_MAX, 0)).gradients(doubles(0, 0, 1)))
            .bad("min above max", () -> grad(2).hardtanh(1, 0), "hardtanh", "min <= max", "min 1.0, max 0.0", "[2]")
            .bad("a NaN bound", () -> grad(2).hardtanh(Double.NaN, 1), "hardtanh", "min NaN"));
        rows.add(unary("gelu", ElementwisePrimitive.Erf.class, REAL, Var::gelu, v -> v * (1 + erf(v / Math.sqrt(2))) / 2)
            .bad("a null approximation", () -> grad(2).gelu(null), "gelu", "approximation is null"));
        rows.add(unary("gelu(TANH)", Tanh.class, REAL, x -> x.gelu(GeluApproximation.TANH),
            v -> v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v))) / 2));
        rows.add(unary("silu", Sigmoid.class, REAL, Var::silu, v -> v / (1 + Math.exp(-v))));
        rows.add(row("elu", ElementwisePrimitive.Expm1.class, List.of(NONZERO), (Dice d) -> Sample.of(d.pick(0.5, 1.0, 1.7), d.shape(0, 3)),
            (x, alpha) -> x[0].elu(alpha), (x, alpha) -> Naive.map(x[0], v -> v > 0 ? v : alpha * (Math.exp(v) - 1)))
            // derivative alpha at 0 (as PyTorch); no NaN from the discarded branch at large x
            .edge(EdgeCase.at("x = 0, -1e4, 1e4 (alpha 1.7)", 1.7, doubles(0, -1e4, 1e4))
                .output(doubles(0, -1.7, 1e4)).gradients(doubles(1.7, 0, 1)).tolerance(1e-15))
            // review finding 13: NaN propagates with derivative 1, as PyTorch's (the clamp gave 0)
            .edge(EdgeCase.at("x = NaN", 1.0, doubles(Double.NaN, -1)).output(doubles(Double.NaN, Math.expm1(-1)))
                .gradients(doubles(1, Math.exp(-1))).tolerance(1e-15))
            .bad("an infinite alpha", () -> grad(2).elu(Double.POSITIVE_INFINITY), "elu", "alpha must be finite",
                "Infinity"));
        // DISTINCT keeps every reduced set's variance away from 0, where sqrt has its kink
        rows.add(row("std", Sum.class, List.of(DISTINCT), (Dice d) -> {
            int[] s = d.shape(1, 3);
            Dims dims = Dims.draw(d, s.length);
            int n = Naive.count(s, dims.normalised(s.length));
            return Sample.of(new VarArgs(dims, n > 1 && d.coin() ? 1 : 0), s);
        }, (x, a) -> x[0].std(a.dims.dims, a.correction, a.dims.keepDim), (x, a) -> {
            int[] dims = a.dims.normalised(x[0].rank());
            int n = Naive.count(x[0].shape(), dims);
            Nd mean = Naive.map(Naive.sum(x[0], dims, true), v -> v / n);
            Nd squares = Naive.map(Naive.zip(x[0], mean, (v, m) -> v - m), v -> v * v);
            return Naive.map(Naive.sum(squares, dims, a.dims.keepDim), v -> Math.sqrt(v / (n - a.correction)));
        }).bad("a negative correction", () -> grad(2, 3).std(new int[] {1}, -1, false), "std",
            "correction must be >= 0, got -1", "[2, 3]")
          .bad("a dimension out of range", () -> grad(2, 3).std(new int[] {2}, 1, false), "std", "dimension 2", "[2, 3]"));
        rows.add(row("prod(dim)", ReductionPrimitive.Prod.class, List.of(NONZERO), (Dice d) -> {
            int[] s = d.shape(1, 3);
            return Sample.of(new Dim(d.dim(s.length), d.coin()), s);
        }, (x, a) -> x[0].prod(a.dim, a.keepDim),
            (x, a) -> Naive.reduce(x[0], new int[] {a.normalised(x[0].rank())}, a.keepDim, 1, (u, v) -> u * v, v -> v))
            // review finding 6: a 0-d value along dimension 0 (or -1) is itself, as PyTorch's and as sum's
            .edge(EdgeCase.at("a 0-d value along dimension 0", new Dim(0, false), Tensor.scalar(DType.FLOAT64, 3))
                .output(Tensor.scalar(DType.FLOAT64, 3)).gradients(Tensor.scalar(DType.FLOAT64, 1)))
            .edge(EdgeCase.at("a 0-d value along dimension -1, kept", new Dim(-1, true), Tensor.scalar(DType.FLOAT64, -2))
                .output(Tensor.scalar(DType.FLOAT64, -2)).gradients(Tensor.scalar(DType.FLOAT64, 1)))
            .bad("a dimension out of range", () -> grad(2, 3).prod(-3, false), "prod", "dimension -3", "[2, 3]")
            .bad("dimension 1 of a 0-d value", () -> Var.withGrad(Tensor.scalar(DType.FLOAT64, 3)).prod(1, false), "prod",
                "dimension 1", "valid: -1..0", "[]"));
        rows.add(row("prod of all elements", ReductionPrimitive.Prod.class, List.of(NONZERO), (Dice d) -> Sample.of(null, d.shape(0, 3)),
            (x, a) -> x[0].prod(), (x, a) -> Naive.reduce(x[0], all(x[0].rank()), false, 1, (u, v) -> u * v, v -> v))
            .edge(EdgeCase.<Object>at("one zero", null, doubles(2, 0, 3)).output(doubles(0).reshape()).gradients(doubles(0, 6, 0)))
            .edge(EdgeCase.<Object>at("two zeros", null, doubles(0, 5, 0)).output(doubles(0).reshape()).gradients(doubles(0, 0, 0)))
            // review finding 8: the others of the inf hold a zero (0); of the 2, a zero and the inf (0 * inf = NaN); as PyTorch
            .edge(EdgeCase.<Object>at("an inf and one zero", null, doubles(Double.POSITIVE_INFINITY, 0, 2))
                .output(doubles(Double.NaN).reshape()).gradients(doubles(0, Double.POSITIVE_INFINITY, Double.NaN)))
            .edge(EdgeCase.<Object>at("an inf and two zeros", null, doubles(Double.POSITIVE_INFINITY, 0, 0))
                .output(doubles(Double.NaN).reshape()).gradients(doubles(0, Double.NaN, Double.NaN))));
        rows.add(row("cumsum", ReductionPrimitive.Cumsum.class, List.of(REAL), (Dice d) -> {
            int[] s = d.shape(1, 3, d.size().maxDim + 2);
            return Sample.of(d.dim(s.length), s);
        }, (x, dim) -> x[0].cumsum(dim), (x, dim) -> {
            int at = dim < 0 ? dim + x[0].rank() : dim;
            return alongDim(x[0], at, x[0].shape()[at], slice -> {
                double[] out = slice.clone();
                for (int k = 1; k < out.length; k++) {
                    out[k] += out[k - 1];
                }
                return out;
            });
        }).bad("a dimension out of range", () -> grad(2, 3).cumsum(2), "cumsum", "dimension 2", "[2, 3]"));
        // sort and topk: the values plus the indices, so one comparison checks both; DISTINCT: no ties
        rows.add(row("sort", Gather.class, List.of(DISTINCT), (Dice d) -> {
            int[] s = d.shape(1, 3, d.size().maxDim + 2);
            return Sample.of(new SortArgs(d.dim(s.length), d.coin()), s);
        }, (x, a) -> {
            Var.Indexed r = x[0].sort(a.dim, a.descending);
            return r.values().add(Var.of(r.indices().to(r.values().dtype())));
        }, (x, a) -> {
            int at = a.dim < 0 ? a.dim + x[0].rank() : a.dim;
            return alongDim(x[0], at, x[0].shape()[at], slice -> ranked(slice, slice.length, !a.descending, true));
        }).bad("a dimension out of range", () -> grad(2, 3).sort(2, false), "sort", "dimension 2", "[2, 3]"));
        rows.add(row("topk", Gather.class, List.of(DISTINCT), (Dice d) -> {
            int[] s = d.shape(1, 3, d.size().maxDim + 2);
            int dim = d.dim(s.length);
            int size = s[dim < 0 ? dim + s.length : dim];
            return Sample.of(new TopkArgs(d.between(0, size), dim, d.coin(), d.coin()), s);
        }, (x, a) -> {
            Var.Indexed r = x[0].topk(a.k, a.dim, a.largest, a.sorted);
            return r.values().add(Var.of(r.indices().to(r.values().dtype())));
        }, (x, a) -> {
            int at = a.dim < 0 ? a.dim + x[0].rank() : a.dim;
            return alongDim(x[0], at, a.k, slice -> ranked(slice, a.k, !a.largest, a.sorted));
        }).bad("k larger than the dimension", () -> grad(2, 3).topk(4, 1, true, true), "topk", "k must be in [0, 3]",
            "got 4", "[2, 3]")
          .bad("a negative k", () -> grad(2, 3).topk(-1, 0, true, true), "topk", "got -1")
          .bad("a dimension out of range", () -> grad(2, 3).topk(1, 2, true, true), "topk", "dimension 2", "[2, 3]"));
        return rows;
    }

    // ------------------------------------------------------------------ support

    /** A 1-D FLOAT64 tensor of {@code values}, for edge cases. */
    static Tensor doubles(double... values) {
        return Tensor.of(values, values.length);
    }

    /** A FLOAT64 leaf of ones requiring a gradient, for bad-input calls. */
    static Var grad(int... shape) {
        return Var.withGrad(Tensor.ones(DType.FLOAT64, shape));
    }

    static int[] all(int rank) {
        int[] d = new int[rank];
        for (int i = 0; i < rank; i++) {
            d[i] = i;
        }
        return d;
    }

    private static int[] swapFirstAndLast(int rank) {
        int[] order = all(rank);
        order[0] = rank - 1;
        order[rank - 1] = 0;
        return order;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static int[] insert(int[] shape, int at, int size) {
        int[] out = new int[shape.length + 1];
        for (int i = 0, j = 0; i < out.length; i++) {
            out[i] = i == at ? size : shape[j++];
        }
        return out;
    }

    private static int[] removeAt(int[] shape, int at) {
        return java.util.stream.IntStream.range(0, shape.length).filter(i -> i != at).map(i -> shape[i]).toArray();
    }
}
