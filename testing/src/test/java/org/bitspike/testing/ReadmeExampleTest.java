package org.bitspike.testing;

import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import org.bitspike.autograd.Context;
import org.bitspike.autograd.Function;
import org.bitspike.autograd.Var;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.TestFactory;

/** The README's "Testing your own op" example, compiled and run as written there. */
class ReadmeExampleTest {
    // ---- from the README
    static class Softsign extends Function {              // y = x / (1 + |x|)
        @Override protected Tensor forward(Context ctx, Tensor... x) {
            ctx.saveInputs(0);
            return x[0].div(x[0].abs().add(1));
        }
        @Override protected Var[] backward(Context ctx, Var g) {   // dy/dx = 1 / (1 + |x|)^2
            return new Var[] {g.div(ctx.input(0).abs().add(1).square())};
        }
    }

    static final List<OpSpec<?>> SPECS = List.of(
            OpSpec.unary("softsign", Domain.NONZERO,               // away from the kink of |x| at 0
                    x -> new Softsign().apply(x), v -> v / (1 + Math.abs(v))));

    @Property(tries = 20, seed = "42", shrinking = ShrinkingMode.OFF)
    void softsignKeepsTheContract(@ForAll long seed) {
        OpContract.verify(SPECS, seed);          // forward on awkward views, gradcheck 1st + 2nd order, ...
    }

    @TestFactory                                 // or, without jqwik: one JUnit test per spec and check
    Stream<DynamicContainer> softsignContract() {
        return OpContract.tests(SPECS, 42, 20);
    }
    // ---- end of the README example
}
