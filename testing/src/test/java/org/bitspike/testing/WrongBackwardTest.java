package org.bitspike.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bitspike.autograd.Context;
import org.bitspike.autograd.Function;
import org.bitspike.autograd.Var;
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
