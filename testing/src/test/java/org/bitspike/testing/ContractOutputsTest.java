package org.bitspike.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.bitspike.autograd.Var;
import org.bitspike.tensor.DType;
import org.bitspike.testing.OpContract.Check;
import org.junit.jupiter.api.Test;

/** The contract on unusual outputs: infinities equal to the reference's, and integer results (no gradient to check). */
class ContractOutputsTest {
    /** Review finding 4: |inf - inf| is NaN, and the forward check took equal infinities for a mismatch. */
    @Test
    void forwardAcceptsAnInfiniteOutputThatEqualsTheReference() {
        OpSpec<Void> exp = OpSpec.unary("exp at overflow", Domain.uniform(800, 900), Var::exp, Math::exp)
                .with(OpSpec.Checks.NO_GRADIENT);
        OpContract.forward(List.of(exp), 1);
        // an infinity of the wrong sign, or a finite value where the reference overflows, still fails
        OpSpec<Void> negated = OpSpec.unary("negated exp", Domain.uniform(800, 900), x -> x.exp().neg(), Math::exp)
                .with(OpSpec.Checks.NO_GRADIENT);
        AssertionError e = assertThrows(AssertionError.class, () -> OpContract.forward(List.of(negated), 1));
        assertTrue(e.getMessage().contains("is -Infinity, the reference gives Infinity"), e.getMessage());
    }

    /** argmax over the last dimension, an INT64 result. */
    private static final OpSpec<Void> ARGMAX = OpSpec.of("argmax(-1)", List.of(Domain.DISTINCT),
            d -> OpSpec.Sample.<Void>of(null, d.shape(1, 3)),
            (x, a) -> Var.of(x[0].value().argmax(-1, false)),
            (x, a) -> {
                int[] s = x[0].shape();
                int last = s[s.length - 1];
                Nd r = Nd.zeros(Arrays.copyOf(s, s.length - 1));
                for (int i = 0; i < r.numel(); i++) {
                    int best = 0;
                    for (int k = 1; k < last; k++) {
                        best = x[0].data()[i * last + k] > x[0].data()[i * last + best] ? k : best;
                    }
                    r.data()[i] = best;
                }
                return r;
            }).with(OpSpec.Checks.NO_GRADIENT.withEps(1e-6, DType.INT64));

    /** Review finding 5: a spec declaring an INT64 output could not pass GRADIENTS with any Checks. */
    @Test
    void anOpReturningInt64IsHeldToTheContractWithoutGradientChecks() {
        OpContract.verify(List.of(ARGMAX), 3);
        OpContract.float32(ARGMAX, 3);
        assertFalse(Check.GRADIENTS.appliesTo(ARGMAX));
        assertFalse(Check.SECOND_ORDER.appliesTo(ARGMAX.with(OpSpec.Checks.DEFAULT.withEps(1e-6, DType.BOOL))));
        assertTrue(Check.GRADIENTS.appliesTo(ARGMAX.with(OpSpec.Checks.NO_GRADIENT)));
    }
}
