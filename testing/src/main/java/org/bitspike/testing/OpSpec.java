package org.bitspike.testing;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BinaryOperator;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import org.bitspike.autograd.Var;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.Tensor;

/**
 * Everything {@link OpContract} needs to test one op (PyTorch's OpInfo): how to call it, on what,
 * what it must compute, how its gradients are checked, which calls must fail and a few fixed
 * cases. Build one with {@link #of}, {@link #unary} or {@link #binary}, then refine it with
 * {@link #with}, {@link #bad} and {@link #edge}; every refinement returns a new spec.
 *
 * <pre>{@code
 * OpSpec<Void> softsign = OpSpec.unary("softsign", Domain.REAL,
 *         x -> new Softsign().apply(x), v -> v / (1 + Math.abs(v)));
 * }</pre>
 *
 * @param name unique among the specs run together; names the op in every failure and seeds its samples
 * @param domains the value domain of each input; the last one repeats for further inputs
 * @param sampler draws the input shapes and the op's other arguments
 * @param op the op through the public {@link Var} API
 * @param reference the naive reference on the inputs' logical values
 * @param checks what the gradient checks do
 * @param badInputs calls that must raise, with fragments of the message
 * @param edgeCases fixed inputs with their expected output and gradients
 * @param <A> the type of the op's other arguments ({@code Void} when there are none)
 */
public record OpSpec<A>(String name, List<Domain> domains, Sampler<A> sampler, Op<A> op, Reference<A> reference,
                        Checks checks, List<BadInput> badInputs, List<EdgeCase<A>> edgeCases) {

    public OpSpec {
        if (name == null || name.isBlank() || domains == null || domains.isEmpty() || sampler == null || op == null
                || reference == null || checks == null || badInputs == null || edgeCases == null) {
            throw new IllegalArgumentException("OpSpec \"" + name + "\": name must be non-blank, domains non-empty ("
                    + domains + ") and sampler, op, reference, checks, bad inputs and edge cases non-null");
        }
        domains = List.copyOf(domains);
        badInputs = List.copyOf(badInputs);
        edgeCases = List.copyOf(edgeCases);
    }

    /** Draws a sample's input shapes and the op's other arguments. */
    public interface Sampler<A> {
        Sample<A> draw(Dice d);
    }

    /** The op through the public API, on inputs {@code x} with arguments {@code args}. */
    public interface Op<A> {
        Var apply(Var[] x, A args);
    }

    /** The naive reference on the logical values of the inputs. */
    public interface Reference<A> {
        Nd apply(Nd[] x, A args);
    }

    /**
     * The shapes of a sample's inputs and the op's other arguments (dimensions, indices, options).
     *
     * @param shapes one logical shape per input
     * @param args the other arguments, or null
     */
    public record Sample<A>(int[][] shapes, A args) {
        public static <A> Sample<A> of(A args, int[]... shapes) {
            return new Sample<>(shapes, args);
        }

        @Override
        public String toString() {
            return "inputs " + Arrays.deepToString(shapes) + (args == null ? "" : ", " + describe(args));
        }
    }

    /**
     * A call that must raise a {@link RuntimeException} whose message contains every fragment.
     *
     * @param what what is wrong with the call, for failure messages
     * @param call the call
     * @param fragments substrings the message must contain (the op, the shapes or values, the rule)
     */
    public record BadInput(String what, Runnable call, List<String> fragments) {
        public BadInput {
            fragments = List.copyOf(fragments);
        }
    }

    /**
     * What the gradient checks do with a spec.
     *
     * @param differentiable false for piecewise-constant ops, whose backward must raise
     *        "no gradient for <name> with respect to input ..." instead
     * @param secondOrder whether gradients of gradients are checked too (smooth ops)
     * @param constants inputs not differentiated (values the op only reads for positions)
     * @param eps central-difference step (larger where the output is rounded to FLOAT32)
     * @param outputDType the dtype of the result for FLOAT64 inputs; when it is not floating (an
     *        INT64 index, a BOOL mask) the gradient checks ({@code GRADIENTS}, {@code SECOND_ORDER})
     *        are skipped whatever {@code differentiable} says: such a result carries no gradient
     */
    public record Checks(boolean differentiable, boolean secondOrder, int[] constants, double eps, DType outputDType) {
        /** Differentiable twice, every input differentiated, eps 1e-6, FLOAT64 output. */
        public static final Checks DEFAULT = new Checks(true, true, new int[0], 1e-6, DType.FLOAT64);
        /** A piecewise-constant op: the forward is checked, the backward must refuse. */
        public static final Checks NO_GRADIENT = new Checks(false, false, new int[0], 1e-6, DType.FLOAT64);

        public Checks {
            if (!(eps > 0) || outputDType == null) {
                throw new IllegalArgumentException("OpSpec.Checks: eps " + eps + " must be positive and the output dtype "
                        + outputDType + " non-null");
            }
            constants = constants.clone();
        }

        @Override
        public int[] constants() {
            return constants.clone();
        }

        public Checks withConstants(int... indices) {
            return new Checks(differentiable, secondOrder, indices, eps, outputDType);
        }

        public Checks withoutSecondOrder() {
            return new Checks(differentiable, false, constants, eps, outputDType);
        }

        public Checks withEps(double newEps, DType output) {
            return new Checks(differentiable, secondOrder, constants, newEps, output);
        }

        boolean isConstant(int input) {
            return Arrays.stream(constants).anyMatch(c -> c == input);
        }
    }

    /**
     * A fixed case: exact inputs (say {@code pow} at a = 0, b = 0), the expected output and the
     * expected gradient of the output's sum with respect to each input. An expected NaN matches
     * only NaN, and a NaN matches only an expected NaN.
     *
     * @param what the case, for failure messages
     * @param args the op's other arguments
     * @param inputs the inputs, passed as given (their layout is the caller's choice)
     * @param output the expected output, or null to check only gradients
     * @param gradients the expected gradient per input; a null entry (or a missing one) is not checked
     * @param tolerance allowed |actual - expected|, 0 for exact
     */
    public record EdgeCase<A>(String what, A args, List<Tensor> inputs, Tensor output, List<Tensor> gradients,
                              double tolerance) {
        public EdgeCase {
            if (what == null || inputs == null || inputs.isEmpty() || gradients == null || !(tolerance >= 0)) {
                throw new IllegalArgumentException("OpSpec.EdgeCase \"" + what + "\": needs a name, at least one input, "
                        + "a gradient list and a tolerance >= 0, got " + tolerance);
            }
            inputs = List.copyOf(inputs);
            gradients = java.util.Collections.unmodifiableList(new ArrayList<>(gradients)); // may hold nulls
        }

        /** A case at {@code inputs}, with nothing expected yet and an exact comparison. */
        public static <A> EdgeCase<A> at(String what, A args, Tensor... inputs) {
            return new EdgeCase<>(what, args, Arrays.asList(inputs), null, List.of(), 0);
        }

        public EdgeCase<A> output(Tensor expected) {
            return new EdgeCase<>(what, args, inputs, expected, gradients, tolerance);
        }

        /** The expected gradient of the output's sum per input (null: not checked). */
        public EdgeCase<A> gradients(Tensor... expected) {
            return new EdgeCase<>(what, args, inputs, output, Arrays.asList(expected), tolerance);
        }

        public EdgeCase<A> tolerance(double allowed) {
            return new EdgeCase<>(what, args, inputs, output, gradients, allowed);
        }
    }

    // ------------------------------------------------------------------ factories

    /** A spec with {@link Checks#DEFAULT}, no bad inputs and no edge cases. */
    public static <A> OpSpec<A> of(String name, List<Domain> domains, Sampler<A> sampler, Op<A> op,
            Reference<A> reference) {
        return new OpSpec<>(name, domains, sampler, op, reference, Checks.DEFAULT, List.of(), List.of());
    }

    /** An elementwise op of one input of rank 0 to 3 drawn from {@code domain}. */
    public static OpSpec<Void> unary(String name, Domain domain, UnaryOperator<Var> op, DoubleUnaryOperator reference) {
        return of(name, List.of(domain), (Dice d) -> Sample.<Void>of(null, d.shape(0, 3)),
                (x, a) -> op.apply(x[0]), (x, a) -> x[0].map(reference));
    }

    /** A broadcasting binary op on a pair of broadcast-compatible shapes of rank up to 3. */
    public static OpSpec<Void> binary(String name, Domain a, Domain b, BinaryOperator<Var> op,
            DoubleBinaryOperator reference) {
        return of(name, List.of(a, b), (Dice d) -> new Sample<Void>(d.broadcastPair(3), null),
                (x, args) -> op.apply(x[0], x[1]), (x, args) -> Nd.zip(x[0], x[1], reference));
    }

    // ------------------------------------------------------------------ refinements

    /** The domain of input {@code input}; the last domain repeats. */
    public Domain domain(int input) {
        return domains.get(Math.min(input, domains.size() - 1));
    }

    public OpSpec<A> with(Checks newChecks) {
        return new OpSpec<>(name, domains, sampler, op, reference, newChecks, badInputs, edgeCases);
    }

    /** This spec plus a call that must raise with every fragment in its message. */
    public OpSpec<A> bad(String what, Runnable call, String... fragments) {
        List<BadInput> all = new ArrayList<>(badInputs);
        all.add(new BadInput(what, call, List.of(fragments)));
        return new OpSpec<>(name, domains, sampler, op, reference, checks, all, edgeCases);
    }

    /** This spec plus a fixed case. */
    public OpSpec<A> edge(EdgeCase<A> edgeCase) {
        List<EdgeCase<A>> all = new ArrayList<>(edgeCases);
        all.add(edgeCase);
        return new OpSpec<>(name, domains, sampler, op, reference, checks, badInputs, all);
    }

    @Override
    public String toString() {
        return name;
    }

    /** Arguments for messages: arrays, tensors and records spelled out. */
    static String describe(Object o) {
        if (o == null) {
            return "null";
        }
        if (o instanceof int[] a) {
            return Arrays.toString(a);
        }
        if (o instanceof double[] a) {
            return Arrays.toString(a);
        }
        if (o instanceof Object[] a) {
            return Arrays.stream(a).map(OpSpec::describe).toList().toString();
        }
        if (o instanceof Tensor t) {
            return t.dtype() + Arrays.toString(t.shape()) + " " + Nd.of(t);
        }
        if (o.getClass().isRecord()) {
            StringBuilder b = new StringBuilder(o.getClass().getSimpleName()).append('(');
            RecordComponent[] parts = o.getClass().getRecordComponents();
            for (int i = 0; i < parts.length; i++) {
                try {
                    java.lang.reflect.Method get = parts[i].getAccessor();
                    get.setAccessible(true); // NOTE: argument records of a test package are often package-private
                    b.append(i == 0 ? "" : ", ").append(parts[i].getName()).append('=').append(describe(get.invoke(o)));
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("OpSpec: cannot read " + parts[i].getName() + " of " + o, e);
                }
            }
            return b.append(')').toString();
        }
        return o.toString();
    }
}
