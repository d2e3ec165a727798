package org.bitspike.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.bitspike.autograd.Autograd;
import org.bitspike.autograd.AutogradException;
import org.bitspike.autograd.GradCheck;
import org.bitspike.autograd.GradOptions;
import org.bitspike.autograd.Var;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;

/**
 * The one contract every op of the project (and a user's own {@code Function}s) is held to, run
 * over any list of {@link OpSpec}s:
 * <ul>
 *   <li>{@link Check#FORWARD}: on inputs in random awkward {@link Layout}s the output has the
 *       declared dtype and the reference's shape and values, equals the op on contiguous copies
 *       (view invariance), and leaves its inputs unmodified;</li>
 *   <li>{@link Check#GRADIENTS}: {@link GradCheck} in FLOAT64 with the inputs cut out of larger
 *       tensors by differentiable views, so the op's backward sees strided data too; for a spec
 *       that is not differentiable, the backward must raise "no gradient for &lt;name&gt; with
 *       respect to input ..."; skipped for a spec whose declared output dtype is not floating
 *       (an INT64 or BOOL result has no gradient to check, and autograd does not differentiate it);</li>
 *   <li>{@link Check#SECOND_ORDER}: the same on smaller shapes for gradients of gradients, where
 *       the spec says the op is smooth;</li>
 *   <li>{@link Check#BAD_INPUTS}: every bad call raises with its message fragments;</li>
 *   <li>{@link Check#EDGE_CASES}: every fixed case gives its output and gradients;</li>
 *   <li>{@link Check#FLOAT32}: on FLOAT32 casts of the floating inputs (in awkward layouts) the op
 *       gives a FLOAT32 result (where FLOAT64 inputs give FLOAT64) that agrees with the FLOAT64
 *       result to {@link #FLOAT32_TOLERANCE}: the fast dtype computes what the checked one does,
 *       and nothing promotes it to FLOAT64 on the way. Opt-in: not part of {@link #CONTRACT}.</li>
 *   <li>{@link Check#EMPTY_INPUTS}: on a sample drawn with {@link Dice.Size#EMPTY} in which an input
 *       has a size-0 dimension, the op either refuses by name ({@code TensorException},
 *       {@code AutogradException} or {@code IllegalArgumentException}: a max over nothing) or gives
 *       the reference's shape and values, and its backward gives gradients of the inputs' (empty)
 *       shapes. Opt-in too.</li>
 * </ul>
 *
 * <p>Randomness: a check draws everything from {@code RandomKey.of(seed).fold(spec.name().hashCode())},
 * so a seed and a spec name reproduce a sample: {@code OpContract.gradients(spec, seed)}. Every
 * failure message starts with the spec name and the check, and ends with the seed; a gradient
 * failure names the input index, the element index and the numerical and analytical values. The
 * element index is of the backing tensor the check differentiates ({@link Input#backing()}); for an
 * input in a non-contiguous layout the failure adds the logical element it is (or, broadcast, feeds).
 *
 * <p>From jqwik, one property per check, the seed drawn by jqwik (turn shrinking off: a seed
 * shrinks to nothing meaningful):
 * <pre>{@code
 * @Property(tries = 50, seed = "42", shrinking = ShrinkingMode.OFF)
 * void gradients(@ForAll long seed) {
 *     OpContract.gradients(SPECS, seed);
 * }
 * }</pre>
 * From plain JUnit: {@code @TestFactory Stream<DynamicContainer> ops() { return OpContract.tests(SPECS, 42, 20); }}.
 */
public final class OpContract {
    /**
     * Above this many input elements (of the gradient check's backing tensors) the gradient check
     * compares 4 random projections of the Jacobian instead of the whole Jacobian.
     */
    public static final int PROJECT_ABOVE = 120;

    /**
     * Allowed {@code |float32 - float64| / (1 + |float64|)} per output element in {@link Check#FLOAT32}:
     * about a thousand FLOAT32 roundings (2^-24 each), room for sums and a few ill-conditioned steps.
     */
    public static final double FLOAT32_TOLERANCE = 1e-4;

    private OpContract() {
    }

    /** One part of the contract. */
    public enum Check {
        FORWARD, GRADIENTS, SECOND_ORDER, BAD_INPUTS, EDGE_CASES, FLOAT32, EMPTY_INPUTS;

        /** Runs this check on one spec; throws {@link AssertionError} naming the spec, the check and the seed. */
        public void run(OpSpec<?> spec, long seed) {
            try {
                switch (this) {
                    case FORWARD -> checkForward(spec, seed);
                    case GRADIENTS -> {
                        if (spec.checks().outputDType().isFloating()) {
                            checkGradients(spec, seed, false);
                        }
                    }
                    case SECOND_ORDER -> {
                        if (spec.checks().secondOrder() && spec.checks().outputDType().isFloating()) {
                            checkGradients(spec, seed, true);
                        }
                    }
                    case BAD_INPUTS -> checkBadInputs(spec);
                    case EDGE_CASES -> checkEdgeCases(spec);
                    case FLOAT32 -> checkFloat32(spec, seed);
                    case EMPTY_INPUTS -> checkEmptyInputs(spec, seed);
                }
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(spec.name() + " [" + label() + "]: " + e.getMessage() + " (seed " + seed + ")", e);
            }
        }

        /** Whether this check has anything to do for {@code spec}. */
        public boolean appliesTo(OpSpec<?> spec) {
            return switch (this) {
                case FORWARD, FLOAT32, EMPTY_INPUTS -> true;
                case GRADIENTS -> spec.checks().outputDType().isFloating();
                case SECOND_ORDER -> spec.checks().secondOrder() && spec.checks().outputDType().isFloating();
                case BAD_INPUTS -> !spec.badInputs().isEmpty();
                case EDGE_CASES -> !spec.edgeCases().isEmpty();
            };
        }

        String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', ' ');
        }
    }

    // ------------------------------------------------------------------ entry points

    /** {@link Check#FORWARD} on one spec. */
    public static void forward(OpSpec<?> spec, long seed) {
        Check.FORWARD.run(spec, seed);
    }

    /** {@link Check#GRADIENTS} on one spec. */
    public static void gradients(OpSpec<?> spec, long seed) {
        Check.GRADIENTS.run(spec, seed);
    }

    /** {@link Check#SECOND_ORDER} on one spec (nothing when the spec is not smooth). */
    public static void secondOrder(OpSpec<?> spec, long seed) {
        Check.SECOND_ORDER.run(spec, seed);
    }

    /** {@link Check#FLOAT32} on one spec. */
    public static void float32(OpSpec<?> spec, long seed) {
        Check.FLOAT32.run(spec, seed);
    }

    /** {@link Check#FORWARD} on every spec; all failures in one error. */
    public static void forward(List<? extends OpSpec<?>> specs, long seed) {
        check(List.of(Check.FORWARD), specs, seed);
    }

    /** {@link Check#GRADIENTS} on every spec; all failures in one error. */
    public static void gradients(List<? extends OpSpec<?>> specs, long seed) {
        check(List.of(Check.GRADIENTS), specs, seed);
    }

    /** {@link Check#SECOND_ORDER} on every spec; all failures in one error. */
    public static void secondOrder(List<? extends OpSpec<?>> specs, long seed) {
        check(List.of(Check.SECOND_ORDER), specs, seed);
    }

    /** {@link Check#FLOAT32} on every spec; all failures in one error. */
    public static void float32(List<? extends OpSpec<?>> specs, long seed) {
        check(List.of(Check.FLOAT32), specs, seed);
    }

    /** {@link Check#EMPTY_INPUTS} on every spec; all failures in one error. */
    public static void emptyInputs(List<? extends OpSpec<?>> specs, long seed) {
        check(List.of(Check.EMPTY_INPUTS), specs, seed);
    }

    /** {@link Check#BAD_INPUTS} on every spec; all failures in one error. */
    public static void badInputs(List<? extends OpSpec<?>> specs) {
        check(List.of(Check.BAD_INPUTS), specs, 0);
    }

    /** {@link Check#EDGE_CASES} on every spec; all failures in one error. */
    public static void edgeCases(List<? extends OpSpec<?>> specs) {
        check(List.of(Check.EDGE_CASES), specs, 0);
    }

    /**
     * The checks of {@link #verify} and {@link #tests}: every check but {@link Check#FLOAT32}, which
     * is cheap but opt-in ({@link #float32(List, long)}): a spec whose harness builds FLOAT64 values
     * of its own (seed gradients, indices cast to FLOAT64 to compare them with values) is sound in
     * FLOAT64 and fails it for reasons that are not the op's.
     */
    public static final List<Check> CONTRACT = List.of(Check.FORWARD, Check.GRADIENTS, Check.SECOND_ORDER,
            Check.BAD_INPUTS, Check.EDGE_CASES);

    /** The whole {@link #CONTRACT} on every spec with one seed; all failures in one error. */
    public static void verify(List<? extends OpSpec<?>> specs, long seed) {
        check(CONTRACT, specs, seed);
    }

    /**
     * Runs {@code checks} on every spec with {@code seed} and throws one {@link AssertionError}
     * listing every failure (the first as its cause), or returns when all hold.
     */
    public static void check(List<Check> checks, List<? extends OpSpec<?>> specs, long seed) {
        List<String> failures = new ArrayList<>();
        Throwable first = null;
        for (OpSpec<?> spec : specs) {
            for (Check c : checks) {
                try {
                    c.run(spec, seed);
                } catch (AssertionError e) {
                    failures.add(e.getMessage());
                    first = first == null ? e.getCause() : first;
                }
            }
        }
        if (!failures.isEmpty()) {
            throw new AssertionError(failures.size() + (failures.size() == 1 ? " failure" : " failures") + " over " + specs.size() + " specs, checks " + checks
                    + ", seed " + seed + ":\n" + String.join("\n", failures), first);
        }
    }

    /**
     * The {@link #CONTRACT} as JUnit dynamic tests: one container per spec, one test per applicable check.
     * The sampled checks run {@code tries} times, with seeds {@code seed}, {@code seed + 1}, ...
     */
    public static Stream<DynamicContainer> tests(List<? extends OpSpec<?>> specs, long seed, int tries) {
        if (tries < 1) {
            throw new IllegalArgumentException("OpContract.tests: tries must be at least 1, got " + tries);
        }
        return specs.stream().map(spec -> DynamicContainer.dynamicContainer(spec.name(),
                CONTRACT.stream().filter(c -> c.appliesTo(spec)).map(c -> DynamicTest.dynamicTest(c.label(),
                        () -> {
                            boolean sampled = c == Check.FORWARD || c == Check.GRADIENTS || c == Check.SECOND_ORDER;
                            for (int t = 0; t < (sampled ? tries : 1); t++) {
                                c.run(spec, seed + t);
                            }
                        }))));
    }

    // ------------------------------------------------------------------ the checks

    private static RandomKey key(OpSpec<?> spec, long seed) {
        return RandomKey.of(seed).fold(spec.name().hashCode());
    }

    private static <A> void checkForward(OpSpec<A> spec, long seed) {
        Dice d = new Dice(key(spec, seed), Dice.Size.REGULAR);
        OpSpec.Sample<A> s = spec.sampler().draw(d);
        Input[] inputs = draw(spec, s, d, true);
        Var[] x = new Var[inputs.length];
        Var[] plain = new Var[inputs.length];
        Nd[] logical = new Nd[inputs.length];
        for (int i = 0; i < x.length; i++) {
            Tensor view = inputs[i].view();
            x[i] = Var.withGrad(view);
            logical[i] = Nd.of(view);
            plain[i] = Var.withGrad(Layout.CONTIGUOUS.view(view));
        }
        String label = "on " + s + " " + Arrays.toString(inputs);
        Var out = spec.op().apply(x, s.args());
        Nd expected = spec.reference().apply(logical, s.args());
        if (out.dtype() != spec.checks().outputDType()) {
            throw new AssertionError(label + ": output dtype " + out.dtype() + ", declared " + spec.checks().outputDType());
        }
        if (!Arrays.equals(expected.shape(), out.shape())) {
            throw new AssertionError(label + ": output shape " + Arrays.toString(out.shape()) + ", the reference's "
                    + Arrays.toString(expected.shape()));
        }
        Nd actual = Nd.of(out.value());
        compareElements(label + ": output", actual, expected, "the reference");
        compareElements(label + ": output", actual, Nd.of(spec.op().apply(plain, s.args()).value()),
                "the op on contiguous copies");
        for (int i = 0; i < x.length; i++) {
            Nd after = Nd.of(x[i].value());
            for (int k = 0; k < after.numel(); k++) {
                if (Double.compare(after.data()[k], logical[i].data()[k]) != 0) {
                    throw new AssertionError(label + ": input " + i + " was modified at element "
                            + Arrays.toString(Nd.unravel(k, after.shape())) + ": " + logical[i].data()[k] + " became "
                            + after.data()[k]);
                }
            }
        }
    }

    /**
     * The op on FLOAT32 casts of the inputs (same layouts, same values rounded) against the op on
     * the FLOAT64 inputs: a FLOAT32 output where the FLOAT64 one is FLOAT64 (else the same dtype),
     * the same shape, and every element within {@link #FLOAT32_TOLERANCE}. Arguments (labels,
     * indices, options) are the same objects in both calls.
     */
    private static <A> void checkFloat32(OpSpec<A> spec, long seed) {
        Dice d = new Dice(key(spec, seed).fold(32), Dice.Size.REGULAR);
        OpSpec.Sample<A> s = spec.sampler().draw(d);
        Input[] inputs = draw(spec, s, d, true);
        Var[] wide = new Var[inputs.length];
        Var[] narrow = new Var[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            wide[i] = Var.withGrad(inputs[i].view());
            narrow[i] = Var.withGrad(inputs[i].layout().view(inputs[i].values().to(DType.FLOAT32), inputs[i].shape()));
        }
        String label = "on " + s + " " + Arrays.toString(inputs);
        Var expected = spec.op().apply(wide, s.args());
        Var actual = spec.op().apply(narrow, s.args());
        DType dtype = expected.dtype() == DType.FLOAT64 ? DType.FLOAT32 : expected.dtype();
        if (actual.dtype() != dtype) {
            throw new AssertionError(label + ": FLOAT32 inputs give a " + actual.dtype() + " output, expected " + dtype
                    + " (FLOAT64 inputs give " + expected.dtype() + ")");
        }
        if (!Arrays.equals(expected.shape(), actual.shape())) {
            throw new AssertionError(label + ": FLOAT32 inputs give shape " + Arrays.toString(actual.shape())
                    + ", FLOAT64 inputs " + Arrays.toString(expected.shape()));
        }
        Nd e = Nd.of(expected.value());
        Nd a = Nd.of(actual.value());
        for (int i = 0; i < e.numel(); i++) {
            double want = e.data()[i];
            double got = a.data()[i];
            boolean ok = Double.isNaN(want) ? Double.isNaN(got)
                    : Double.isInfinite(want) ? got == want : Math.abs(got - want) <= FLOAT32_TOLERANCE * (1 + Math.abs(want));
            if (!ok) {
                throw new AssertionError(label + ": FLOAT32 output element " + Arrays.toString(Nd.unravel(i, e.shape()))
                        + " is " + got + ", the FLOAT64 output " + want + " (tolerance " + FLOAT32_TOLERANCE
                        + " * (1 + |FLOAT64|))");
            }
        }
    }

    /**
     * Element by element, relative tolerance 1e-12: an op on doubles may only reorder its rounding.
     * NaN matches only NaN and an infinity only itself (as {@link #compareExact}).
     */
    private static void compareElements(String label, Nd actual, Nd expected, String what) {
        for (int i = 0; i < expected.numel(); i++) {
            double e = expected.data()[i];
            double a = actual.data()[i];
            boolean ok = Double.isNaN(e) ? Double.isNaN(a)
                    : Double.isInfinite(e) ? a == e : Math.abs(a - e) <= 1e-12 * (1 + Math.abs(e));
            if (!ok) {
                throw new AssertionError(label + " element " + Arrays.toString(Nd.unravel(i, expected.shape()))
                        + " is " + a + ", " + what + " gives " + e);
            }
        }
    }

    /**
     * Gradcheck (or second-order gradcheck on small shapes) of the spec's op. The checked function
     * takes FLOAT64 backing tensors and cuts each input out of its backing with differentiable
     * views, so the op itself sees offset, permuted, stepped and broadcast (stride-0) inputs.
     */
    private static <A> void checkGradients(OpSpec<A> spec, long seed, boolean secondOrder) {
        RandomKey key = key(spec, seed);
        Dice d = new Dice(key, secondOrder ? Dice.Size.SMALL : Dice.Size.REGULAR);
        OpSpec.Sample<A> s = spec.sampler().draw(d);
        Input[] inputs = draw(spec, s, d, true);
        Tensor[] backing = Arrays.stream(inputs).map(Input::backing).toArray(Tensor[]::new);
        Function<Var[], Var> f = x -> {
            Var[] views = new Var[x.length];
            for (int i = 0; i < x.length; i++) {
                views[i] = inputs[i].view(x[i]);
            }
            return spec.op().apply(views, s.args());
        };
        GradCheck.Options options = GradCheck.Options.defaults().withEps(spec.checks().eps())
                .withConstants(spec.checks().constants());
        if (Arrays.stream(backing).mapToInt(Tensor::numel).sum() > PROJECT_ABOVE) {
            options = options.projected(4, key.fold(77));
        }
        String label = spec.name() + " on " + s + " " + Arrays.toString(inputs);
        if (!spec.checks().differentiable()) {
            String expected = "no gradient for " + spec.name() + " with respect to input";
            try {
                GradCheck.check(label, f, options, backing);
            } catch (AutogradException e) {
                if (!e.getMessage().startsWith(expected)) {
                    throw new AssertionError("the backward of a non-differentiable op must raise \"" + expected
                            + " ...\", it raised \"" + e.getMessage() + "\"", e);
                }
                return;
            }
            throw new AssertionError(label + ": the backward of a non-differentiable op must raise \"" + expected
                    + " ...\", it returned a gradient");
        }
        try {
            if (secondOrder) {
                GradCheck.checkSecondOrder(label, f, options, backing);
            } else {
                GradCheck.check(label, f, options, backing);
            }
        } catch (AutogradException e) {
            String where = logicalElement(e.getMessage(), inputs);
            if (where == null) {
                throw e;
            }
            throw new AssertionError(e.getMessage() + "; " + where, e);
        }
    }

    /** "d input K[i, j]" in a gradcheck failure: the input and the element of its backing tensor. */
    private static final java.util.regex.Pattern BACKING_ELEMENT =
            java.util.regex.Pattern.compile("/ d input (\\d+)\\[([0-9, ]*)\\]");

    /**
     * The gradcheck indexes the backing tensors it differentiates; this says which element of the
     * logical input (the one the op sees) a failure's backing element is, or null when they are the
     * same (a contiguous input) or the failure names no element (a projection).
     */
    private static String logicalElement(String message, Input[] inputs) {
        java.util.regex.Matcher m = BACKING_ELEMENT.matcher(message == null ? "" : message);
        if (!m.find()) {
            return null;
        }
        int input = Integer.parseInt(m.group(1));
        if (input >= inputs.length) {
            return null; // second order: a seed of the outer check, not an input of the op
        }
        int[] at = m.group(2).isBlank() ? new int[0]
                : Arrays.stream(m.group(2).split(", ")).mapToInt(Integer::parseInt).toArray();
        String where = inputs[input].describeBackingElement(at);
        return where == null ? null : "input " + input + ": " + where;
    }

    private static <A> Input[] draw(OpSpec<A> spec, OpSpec.Sample<A> s, Dice d, boolean anyLayout) {
        Input[] inputs = new Input[s.shapes().length];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = Input.draw(d, s.shapes()[i], spec.domain(i), anyLayout);
        }
        return inputs;
    }

    /** Samples drawn before {@link Check#EMPTY_INPUTS} gives up finding one with an empty input. */
    static final int EMPTY_ATTEMPTS = 24;

    /**
     * The op on a sample with an empty input (contiguous inputs: the layouts are the forward check's
     * business): a named refusal, or the reference's shape and values and gradients of the inputs'
     * shapes. A sampler that cannot draw such a sample (it needs sizes of at least 1, or fails on 0)
     * leaves nothing to check.
     */
    private static <A> void checkEmptyInputs(OpSpec<A> spec, long seed) {
        for (int attempt = 0; attempt < EMPTY_ATTEMPTS; attempt++) {
            Dice d = new Dice(key(spec, seed).fold(0xE3E0L + attempt), Dice.Size.EMPTY);
            OpSpec.Sample<A> s;
            try {
                s = spec.sampler().draw(d);
            } catch (RuntimeException samplerNeedsNonEmptySizes) {
                continue; // NOTE: e.g. d.between(1, n) with n = 0; such a draw is not a sample of the op
            }
            if (Arrays.stream(s.shapes()).noneMatch(shape -> Nd.numel(shape) == 0)) {
                continue;
            }
            Input[] inputs = draw(spec, s, d, false);
            Var[] x = new Var[inputs.length];
            Nd[] logical = new Nd[inputs.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = Var.withGrad(inputs[i].view());
                logical[i] = Nd.of(x[i].value());
            }
            String label = "on " + s + " (empty)";
            Var out;
            try {
                out = spec.op().apply(x, s.args());
            } catch (IllegalArgumentException | AutogradException refused) { // TensorException is an IllegalArgumentException
                if (refused.getMessage() == null || refused.getMessage().isBlank()) {
                    throw new AssertionError(label + ": refused without a message", refused);
                }
                return; // a named refusal (e.g. a maximum over nothing)
            } catch (RuntimeException e) {
                throw new AssertionError(label + ": the op failed with " + e, e);
            }
            Nd expected;
            try {
                expected = spec.reference().apply(logical, s.args());
            } catch (RuntimeException referenceHasNoValue) {
                expected = null; // the reference cannot say; the shapes of the gradients are still checked
            }
            if (expected != null) {
                if (!Arrays.equals(expected.shape(), out.shape())) {
                    throw new AssertionError(label + ": output shape " + Arrays.toString(out.shape())
                            + ", the reference's " + Arrays.toString(expected.shape()));
                }
                compareElements(label + ": output", Nd.of(out.value()), expected, "the reference");
            }
            if (!spec.checks().differentiable() || !out.dtype().isFloating()) {
                return;
            }
            List<Var> wrt = new ArrayList<>();
            List<Integer> which = new ArrayList<>();
            for (int i = 0; i < x.length; i++) {
                if (x[i].dtype().isFloating() && !spec.checks().isConstant(i)) {
                    wrt.add(x[i]);
                    which.add(i);
                }
            }
            if (wrt.isEmpty()) {
                return;
            }
            List<Var> grads;
            try {
                grads = Autograd.grad(out.sum(), wrt, GradOptions.DEFAULT.allowingUnused());
            } catch (RuntimeException e) {
                throw new AssertionError(label + ": the backward failed with " + e, e);
            }
            for (int k = 0; k < grads.size(); k++) {
                Var g = grads.get(k);
                if (g != null && !Arrays.equals(g.shape(), x[which.get(k)].shape())) {
                    throw new AssertionError(label + ": the gradient of input " + which.get(k) + " has shape "
                            + Arrays.toString(g.shape()) + ", the input " + Arrays.toString(x[which.get(k)].shape()));
                }
            }
            return;
        }
    }

    private static void checkBadInputs(OpSpec<?> spec) {
        List<String> failures = new ArrayList<>();
        for (OpSpec.BadInput bad : spec.badInputs()) {
            try {
                bad.call().run();
                failures.add("with " + bad.what() + " did not raise");
            } catch (RuntimeException e) {
                String message = String.valueOf(e.getMessage());
                List<String> missing = bad.fragments().stream().filter(f -> !message.contains(f)).toList();
                if (!missing.isEmpty()) {
                    failures.add("with " + bad.what() + ": message \"" + message + "\" lacks " + missing);
                }
            }
        }
        if (!failures.isEmpty()) {
            throw new AssertionError(String.join("; ", failures));
        }
    }

    private static <A> void checkEdgeCases(OpSpec<A> spec) {
        List<String> failures = new ArrayList<>();
        for (OpSpec.EdgeCase<A> edge : spec.edgeCases()) {
            try {
                checkEdgeCase(spec, edge);
            } catch (AssertionError | RuntimeException e) {
                failures.add("at " + edge.what() + ": " + e.getMessage());
            }
        }
        if (!failures.isEmpty()) {
            throw new AssertionError(String.join("; ", failures));
        }
    }

    private static <A> void checkEdgeCase(OpSpec<A> spec, OpSpec.EdgeCase<A> edge) {
        int n = edge.inputs().size();
        Var[] x = new Var[n];
        List<Var> wrt = new ArrayList<>();
        List<Integer> wrtIndex = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Tensor t = edge.inputs().get(i);
            boolean differentiable = t.dtype().isFloating() && !spec.checks().isConstant(i);
            x[i] = differentiable ? Var.withGrad(t) : Var.of(t);
            if (differentiable) {
                wrt.add(x[i]);
                wrtIndex.add(i);
            }
        }
        Var out = spec.op().apply(x, edge.args());
        if (edge.output() != null) {
            compareExact("output", Nd.of(out.value()), Nd.of(edge.output()), edge.tolerance());
        }
        boolean anyGradient = edge.gradients().stream().anyMatch(g -> g != null);
        if (!anyGradient) {
            return;
        }
        List<Var> grads = Autograd.grad(out.sum(), wrt, GradOptions.DEFAULT.allowingUnused());
        for (int i = 0; i < edge.gradients().size(); i++) {
            Tensor expected = edge.gradients().get(i);
            if (expected == null) {
                continue;
            }
            int at = wrtIndex.indexOf(i);
            if (at < 0) {
                throw new AssertionError("an expected gradient is given for input " + i + ", which is not differentiated"
                        + " (not floating, or a constant of the spec)");
            }
            Var g = grads.get(at);
            Nd actual = g == null ? Nd.zeros(x[i].shape()) : Nd.of(g.value());
            compareExact("gradient of input " + i, actual, Nd.of(expected), edge.tolerance());
        }
    }

    /** Within {@code tolerance}; NaN matches only NaN, an infinity only itself. */
    private static void compareExact(String what, Nd actual, Nd expected, double tolerance) {
        if (!Arrays.equals(actual.shape(), expected.shape())) {
            throw new AssertionError(what + " has shape " + Arrays.toString(actual.shape()) + ", expected "
                    + Arrays.toString(expected.shape()));
        }
        IntStream.range(0, expected.numel()).forEach(i -> {
            double e = expected.data()[i];
            double a = actual.data()[i];
            boolean ok = Double.isNaN(e) ? Double.isNaN(a)
                    : Double.isInfinite(e) ? a == e : !Double.isNaN(a) && Math.abs(a - e) <= tolerance;
            if (!ok) {
                throw new AssertionError(what + " element " + Arrays.toString(Nd.unravel(i, expected.shape())) + " is "
                        + a + ", expected " + e + (tolerance > 0 ? " within " + tolerance : " exactly"));
            }
        });
    }
}
