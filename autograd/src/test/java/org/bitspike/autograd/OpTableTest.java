package org.bitspike.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tag;
import org.bitspike.autograd.Naive.Nd;
import org.bitspike.autograd.OpSampling.Dice;
import org.bitspike.autograd.OpSampling.Input;
import org.bitspike.autograd.OpSampling.Size;
import org.bitspike.autograd.OpTable.BadInput;
import org.bitspike.autograd.OpTable.Row;
import org.bitspike.autograd.OpTable.Sample;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;

/**
 * The generic properties of the op table, each run over every row: the forward equals the naive
 * reference on inputs in awkward layouts, gradients (and gradients of gradients) match finite
 * differences on random shapes, broadcast pairs and strided views, bad inputs raise the documented
 * error, and every primitive has a row.
 *
 * <p>A property's try draws one seed; every row derives its own key from it and its name, so a
 * failure report (row, shapes, layouts, arguments, jqwik seed) reproduces the sample. Failures of
 * all rows in a try are collected into one error rather than stopping at the first. Shrinking a
 * seed means nothing, so it is off.
 */
class OpTableTest {
    /** The fixed seed of every property here (jqwik reports it again on failure). */
    static final String SEED = "20261122";

    /** Above this many input elements the gradient check compares random projections, not the whole Jacobian. */
    private static final int PROJECT_ABOVE = 120;

    private static final List<Row<?>> ROWS = OpTable.rows();

    // ------------------------------------------------------------------ properties

    @Property(seed = SEED, shrinking = ShrinkingMode.OFF)
    void forwardEqualsTheNaiveReference(@ForAll long seed) {
        everyRow(seed, (row, key) -> checkForward(row, key));
    }

    @Property(tries = 50, seed = SEED, shrinking = ShrinkingMode.OFF)
    @Tag("slow")
    void gradientsMatchFiniteDifferences(@ForAll long seed) {
        everyRow(seed, (row, key) -> checkGradients(row, key, false));
    }

    @Property(tries = 20, seed = SEED, shrinking = ShrinkingMode.OFF)
    @Tag("slow")
    void secondOrderGradientsMatchFiniteDifferences(@ForAll long seed) {
        everyRow(seed, (row, key) -> {
            if (row.checks().secondOrder()) {
                checkGradients(row, key, true);
            }
        });
    }

    @Example
    void badInputsRaiseTheDocumentedError() {
        List<String> failures = new ArrayList<>();
        for (Row<?> row : ROWS) {
            for (BadInput bad : row.badInputs()) {
                String what = row.name() + " with " + bad.what();
                try {
                    RuntimeException e = assertThrows(RuntimeException.class, bad.call()::run, what + " did not raise");
                    for (String fragment : bad.fragments()) {
                        assertTrue(e.getMessage().contains(fragment),
                                what + ": message \"" + e.getMessage() + "\" lacks \"" + fragment + "\"");
                    }
                } catch (AssertionError e) {
                    failures.add(e.getMessage());
                }
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    /** A new primitive without a row fails the build. */
    @Example
    void everyPrimitiveHasARow() {
        Set<Class<?>> primitives = leafPrimitives();
        Set<Class<?>> covered = new HashSet<>();
        ROWS.forEach(r -> covered.add(r.covers()));
        List<String> missing = primitives.stream().filter(c -> !covered.contains(c)).map(OpTableTest::name).sorted().toList();
        assertTrue(missing.isEmpty(), "primitives without a row in OpTable: " + missing);
        List<String> notLeaves = covered.stream().filter(c -> !primitives.contains(c)).map(OpTableTest::name).toList();
        assertTrue(notLeaves.isEmpty(), "rows covering something that is not a primitive record: " + notLeaves);
        assertTrue(primitives.size() >= 40, "found only " + primitives.size() + " primitives: " + primitives);
    }

    @Example
    void everyRowRecordsThePrimitiveItCovers() {
        List<String> failures = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Row<?> row : ROWS) {
            if (!names.add(row.name())) {
                failures.add("duplicate row name " + row.name());
            }
            Set<Class<?>> recorded = recordedPrimitives(row);
            if (!recorded.contains(row.covers())) {
                failures.add(row.name() + " should record " + name(row.covers()) + " but recorded "
                        + recorded.stream().map(OpTableTest::name).toList());
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    // ------------------------------------------------------------------ one row

    private static <A> void checkForward(Row<A> row, RandomKey key) {
        Dice d = new Dice(key, Size.REGULAR);
        Sample<A> s = row.sampler().draw(d);
        Input[] inputs = draw(row, s, d, true);
        Var[] x = new Var[inputs.length];
        Nd[] logical = new Nd[inputs.length];
        for (int i = 0; i < x.length; i++) {
            Tensor view = inputs[i].view();
            x[i] = Var.withGrad(view);
            logical[i] = Nd.of(view);
        }
        String label = row.name() + " on " + s + " " + layouts(inputs);
        Var out = row.op().apply(x, s.args());
        Nd expected = row.reference().apply(logical, s.args());
        assertEquals(row.checks().outputDType(), out.dtype(), label + ": dtype");
        assertArrayEquals(expected.shape(), out.shape(), () -> label + ": shape " + Arrays.toString(out.shape())
                + ", expected " + Arrays.toString(expected.shape()));
        Nd actual = Nd.of(out.value());
        for (int i = 0; i < expected.numel(); i++) {
            double e = expected.data()[i];
            double a = actual.data()[i];
            if (!(Math.abs(a - e) <= 1e-12 * (1 + Math.abs(e)))) {
                throw new AssertionError(label + ": element " + Arrays.toString(Naive.unravel(i, expected.shape()))
                        + " is " + a + ", the reference " + e);
            }
        }
        for (int i = 0; i < x.length; i++) {
            assertArrayEquals(logical[i].data(), Nd.of(x[i].value()).data(), label + ": input " + i + " was modified");
        }
    }

    /**
     * Gradcheck (or second-order gradcheck on small shapes) of the row's op. The checked function
     * takes FLOAT64 backing tensors and cuts each input out of its backing with differentiable views,
     * so the op itself sees offset, permuted, stepped and broadcast (stride-0) inputs.
     */
    private static <A> void checkGradients(Row<A> row, RandomKey key, boolean secondOrder) {
        Dice d = new Dice(key, secondOrder ? Size.SMALL : Size.REGULAR);
        Sample<A> s = row.sampler().draw(d);
        Input[] inputs = draw(row, s, d, true);
        Tensor[] backing = Arrays.stream(inputs).map(Input::backing).toArray(Tensor[]::new);
        Function<Var[], Var> f = x -> {
            Var[] views = new Var[x.length];
            for (int i = 0; i < x.length; i++) {
                views[i] = inputs[i].view(x[i]);
            }
            return row.op().apply(views, s.args());
        };
        GradCheck.Options options = GradCheck.Options.defaults().withEps(row.checks().eps())
                .withConstants(row.checks().constants());
        if (Arrays.stream(backing).mapToInt(Tensor::numel).sum() > PROJECT_ABOVE) {
            options = options.projected(4, key.fold(77));
        }
        String label = row.name() + " on " + s + " " + layouts(inputs);
        if (!row.checks().differentiable()) {
            GradCheck.Options o = options;
            AutogradException e = assertThrows(AutogradException.class, () -> GradCheck.check(label, f, o, backing));
            assertTrue(e.getMessage().startsWith("no gradient for " + row.name() + " with respect to input"), e.getMessage());
        } else if (secondOrder) {
            GradCheck.checkSecondOrder(label, f, options, backing);
        } else {
            GradCheck.check(label, f, options, backing);
        }
    }

    private static <A> Input[] draw(Row<A> row, Sample<A> s, Dice d, boolean anyLayout) {
        Input[] inputs = new Input[s.shapes().length];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = Input.draw(d, s.shapes()[i], row.domain(i), anyLayout);
        }
        return inputs;
    }

    private static String layouts(Input[] inputs) {
        return Arrays.stream(inputs).map(i -> i.layout().name().toLowerCase(java.util.Locale.ROOT)).toList().toString();
    }

    private interface RowCheck {
        void run(Row<?> row, RandomKey key);
    }

    /** Runs {@code check} on every row with a key derived from {@code seed} and the row's name; reports every failure. */
    private static void everyRow(long seed, RowCheck check) {
        List<String> failures = new ArrayList<>();
        Throwable first = null;
        for (Row<?> row : ROWS) {
            try {
                check.run(row, RandomKey.of(seed).fold(row.name().hashCode()));
            } catch (AssertionError | RuntimeException e) {
                failures.add(row.name() + ": " + e);
                first = first == null ? e : first;
            }
        }
        if (!failures.isEmpty()) {
            throw new AssertionError(failures.size() + " of " + ROWS.size() + " rows failed:\n"
                    + String.join("\n", failures), first);
        }
    }

    // ------------------------------------------------------------------ the primitive set

    /** Every record reachable from {@link Primitive} through the sealed hierarchy. */
    static Set<Class<?>> leafPrimitives() {
        Set<Class<?>> leaves = new LinkedHashSet<>();
        Deque<Class<?>> todo = new ArrayDeque<>(List.of(Primitive.class));
        while (!todo.isEmpty()) {
            Class<?> c = todo.pop();
            if (c.isSealed()) {
                todo.addAll(Arrays.asList(c.getPermittedSubclasses()));
            } else {
                leaves.add(c);
            }
        }
        return leaves;
    }

    /** The primitives recorded in the graph of one sample of the row, with every floating input requiring a gradient. */
    private static <A> Set<Class<?>> recordedPrimitives(Row<A> row) {
        Dice d = new Dice(RandomKey.of(1).fold(row.name().hashCode()), Size.REGULAR);
        Sample<A> s = row.sampler().draw(d);
        Input[] inputs = draw(row, s, d, false);
        Var[] x = new Var[inputs.length];
        for (int i = 0; i < x.length; i++) {
            final int input = i;
            boolean constant = Arrays.stream(row.checks().constants()).anyMatch(c -> c == input);
            x[i] = constant ? Var.of(inputs[i].values()) : Var.withGrad(inputs[i].values());
        }
        Var out = row.op().apply(x, s.args());
        Set<Class<?>> seen = new HashSet<>();
        if (!out.requiresGrad()) {
            return seen;
        }
        Map<Node, Boolean> visited = new IdentityHashMap<>();
        Deque<Node> todo = new ArrayDeque<>(List.of(out.gradNode()));
        while (!todo.isEmpty()) {
            Node n = todo.pop();
            if (visited.put(n, Boolean.TRUE) == null) {
                if (n.op != null) {
                    seen.add(n.op.getClass());
                }
                for (Node next : n.next) {
                    if (next != null) {
                        todo.push(next);
                    }
                }
            }
        }
        return seen;
    }

    private static String name(Class<?> c) {
        return c.getEnclosingClass() == null ? c.getSimpleName() : c.getEnclosingClass().getSimpleName() + "." + c.getSimpleName();
    }
}
