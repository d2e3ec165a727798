package org.bitspike.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bitspike.autograd.Context;
import org.bitspike.autograd.Function;
import org.bitspike.autograd.Var;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.Tensor;
import org.bitspike.testing.OpSpec.Sample;
import org.junit.jupiter.api.Test;

/** The contract catches a deliberately wrong backward, and its failure says where. */
class WrongBackwardTest {
    /** x^2 whose backward returns twice the true gradient, 4x. */
    static final class DoubledSquare extends Function {
        @Override
        protected Tensor forward(Context ctx, Tensor... x) {
            ctx.saveInputs(0);
            return x[0].mul(x[0]);
        }

        @Override
        protected Var[] backward(Context ctx, Var g) {
            return new Var[] {g.mul(ctx.input(0)).mul(4)};
        }
    }

    /** x * y whose backward for y is right and for x is y's: the gradient of the other input. */
    static final class SwappedProduct extends Function {
        @Override
        protected Tensor forward(Context ctx, Tensor... x) {
            ctx.saveInputs(0, 1);
            return x[0].mul(x[1]);
        }

        @Override
        protected Var[] backward(Context ctx, Var g) {
            return new Var[] {g.mul(ctx.input(0)), g.mul(ctx.input(0))};
        }
    }

    private static final OpSpec<Void> SQUARE = OpSpec.of("doubled square", List.of(Domain.REAL),
            (Dice d) -> Sample.<Void>of(null, new int[] {2, 3}), (x, a) -> new DoubledSquare().apply(x[0]),
            (x, a) -> x[0].map(v -> v * v));

    private static final OpSpec<Void> PRODUCT = OpSpec.of("swapped product", List.of(Domain.NONZERO),
            (Dice d) -> Sample.<Void>of(null, new int[] {3}, new int[] {3}),
            (x, a) -> new SwappedProduct().apply(x[0], x[1]), (x, a) -> Nd.zip(x[0], x[1], (u, v) -> u * v));

    /** x^2 whose backward is right except at logical element [1, 2], where it adds g. */
    static final class WrongAtOneElement extends Function {
        @Override
        protected Tensor forward(Context ctx, Tensor... x) {
            ctx.saveInputs(0);
            return x[0].mul(x[0]);
        }

        @Override
        protected Var[] backward(Context ctx, Var g) {
            Tensor bump = Tensor.zeros(DType.FLOAT64, 2, 3);
            bump.set_(1, 1, 2);
            return new Var[] {g.mul(ctx.input(0)).mul(2).add(g.mul(Var.of(bump)))};
        }
    }

    private static final OpSpec<Void> WRONG_AT_1_2 = OpSpec.of("wrong at [1, 2]", List.of(Domain.REAL),
            (Dice d) -> Sample.<Void>of(null, new int[] {2, 3}), (x, a) -> new WrongAtOneElement().apply(x[0]),
            (x, a) -> x[0].map(v -> v * v));

    /** "d output 0[i] / d input K[j, ...] ... numerical N, analytical A". */
    private static final Pattern WHERE = Pattern.compile(
            "d output 0\\[[0-9, ]*\\] / d input (\\d)\\[(\\d+(, \\d+)*)\\].*numerical (\\S+), analytical (\\S+)");

    @Test
    void aDoubledGradientFailsNamingOpInputAndElement() {
        AssertionError e = assertThrows(AssertionError.class, () -> OpContract.gradients(SQUARE, 7));
        String m = e.getMessage();
        assertTrue(m.startsWith("doubled square [gradients]"), m);
        assertTrue(m.endsWith("(seed 7)"), m);
        Matcher where = WHERE.matcher(m);
        assertTrue(where.find(), m);
        assertTrue(where.group(1).equals("0"), m);
        double numerical = Double.parseDouble(where.group(4));
        double analytical = Double.parseDouble(where.group(5));
        assertTrue(Math.abs(analytical - 2 * numerical) <= 1e-6 * (1 + Math.abs(numerical)), m);
        assertTrue(m.contains("inputs [[2, 3]]"), "the sample's shapes: " + m);
    }

    /**
     * Review finding 7: the gradcheck indexes the backing tensor (offset 7, padded, permuted, stepped,
     * or the smaller broadcast one); the failure also names the logical element, whatever the layout.
     */
    @Test
    void aFailureNamesTheLogicalElementInEveryLayout() {
        Map<String, String> seen = new TreeMap<>();
        for (long seed = 0; seed < 60 && seen.size() < Layout.values().length; seed++) {
            long s = seed;
            String m = assertThrows(AssertionError.class, () -> OpContract.gradients(WRONG_AT_1_2, s)).getMessage();
            Matcher layout = Pattern.compile("inputs \\[\\[2, 3\\]\\] \\[(\\w+) \\[2, 3\\]\\]").matcher(m);
            assertTrue(layout.find(), m);
            seen.put(layout.group(1), m);
        }
        assertEquals(Set.of("contiguous", "offset", "permuted", "stepped", "expanded"), seen.keySet(), seen.toString());
        Matcher contiguous = WHERE.matcher(seen.get("contiguous"));
        assertTrue(contiguous.find() && contiguous.group(2).equals("1, 2"), seen.get("contiguous"));
        assertTrue(!seen.get("contiguous").contains("backing element"), seen.get("contiguous"));
        for (String l : List.of("offset", "permuted", "stepped")) {
            assertTrue(seen.get(l).contains("; input 0: backing element [") && seen.get(l).contains("(" + l
                    + " [2, 3] layout) is its logical element [1, 2]"), seen.get(l));
        }
        String expanded = seen.get("expanded");
        assertTrue(expanded.contains("feeds its logical elements [*, 2]") || expanded.contains(
                "feeds its logical elements [1, *]"), expanded);
    }

    @Test
    void theGradientOfTheOtherInputFailsNamingInputZero() {
        AssertionError e = assertThrows(AssertionError.class, () -> OpContract.gradients(PRODUCT, 3));
        Matcher where = WHERE.matcher(e.getMessage());
        assertTrue(where.find(), e.getMessage());
        assertTrue(where.group(1).equals("0"), e.getMessage());
        assertTrue(e.getMessage().startsWith("swapped product [gradients]"), e.getMessage());
    }

    @Test
    void everyFailingSpecOfATryIsReportedInOneError() {
        OpSpec<Void> square = OpSpec.unary("square", Domain.REAL, Var::square, v -> v * v);
        AssertionError e = assertThrows(AssertionError.class,
                () -> OpContract.gradients(List.of(square, SQUARE, PRODUCT), 11));
        String m = e.getMessage();
        assertTrue(m.startsWith("2 failures over 3 specs"), m);
        assertTrue(m.contains("\ndoubled square [gradients]") && m.contains("\nswapped product [gradients]"), m);
        assertTrue(!m.contains("\nsquare ["), m);
    }

    @Test
    void theForwardAndTheEdgeCasesStillHoldForTheWrongBackward() {
        OpContract.forward(SQUARE, 5);
        OpContract.edgeCases(List.of(SQUARE.edge(OpSpec.EdgeCase.<Void>at("x = 3", null, Tensor.of(new double[] {3}, 1))
                .output(Tensor.of(new double[] {9}, 1)))));
    }

    @Test
    void aWrongEdgeCaseGradientFailsNamingTheInputAndTheElement() {
        OpSpec<Void> spec = SQUARE.edge(OpSpec.EdgeCase.<Void>at("x = [1, 2]", null, Tensor.of(new double[] {1, 2}, 2))
                .output(Tensor.of(new double[] {1, 4}, 2)).gradients(Tensor.of(new double[] {2, 4}, 2)));
        AssertionError e = assertThrows(AssertionError.class, () -> OpContract.edgeCases(List.of(spec)));
        assertTrue(e.getMessage().contains("doubled square [edge cases]: at x = [1, 2]: gradient of input 0 element [0]"
                + " is 4.0, expected 2.0 exactly"), e.getMessage());
    }
}
