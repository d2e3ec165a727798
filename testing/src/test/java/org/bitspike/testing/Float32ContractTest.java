package org.bitspike.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.bitspike.autograd.Var;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.Tensor;
import org.bitspike.testing.OpContract.Check;
import org.bitspike.testing.OpSpec.Sample;
import org.junit.jupiter.api.Test;

/** {@link Check#FLOAT32}: the op on FLOAT32 casts of the inputs agrees with the op on FLOAT64 ones. */
class Float32ContractTest {
    private static final OpSpec<Void> SIGMOID = OpSpec.unary("sigmoid", Domain.REAL, Var::sigmoid,
            v -> 1 / (1 + Math.exp(-v)));

    /** Correct in FLOAT64, 1 % off in FLOAT32 (as a kernel with a wrong FLOAT32 constant would be). */
    private static final OpSpec<Void> SKEWED = OpSpec.unary("skewed", Domain.POSITIVE,
            x -> x.dtype() == DType.FLOAT32 ? x.mul(1.01) : x.mul(1.0), v -> v);

    /** Adds a FLOAT64 constant, so FLOAT32 inputs come out FLOAT64. */
    private static final OpSpec<Void> PROMOTING = OpSpec.unary("promoting", Domain.REAL,
            x -> x.add(Var.of(Tensor.scalar(DType.FLOAT64, 1))), v -> v + 1);

    @Test
    void anOpThatKeepsItsDtypeAgreesOnManySeedsAndLayouts() {
        OpSpec<Void> sum = OpSpec.of("sum of a broadcast pair", List.of(Domain.REAL),
                (Dice d) -> new Sample<Void>(d.broadcastPair(3), null), (x, a) -> x[0].add(x[1]).sum(),
                (x, a) -> { throw new AssertionError("the reference is not used by FLOAT32"); });
        for (long seed = 0; seed < 30; seed++) {
            OpContract.float32(List.of(SIGMOID, sum), seed);
        }
    }

    @Test
    void aWrongFloat32ResultFailsNamingTheOpTheElementAndBothValues() {
        AssertionError e = assertThrows(AssertionError.class, () -> OpContract.float32(SKEWED, 3));
        String m = e.getMessage();
        assertTrue(m.startsWith("skewed [float32]: on inputs "), m);
        assertTrue(m.contains("FLOAT32 output element [") && m.contains(", the FLOAT64 output "), m);
        assertTrue(m.endsWith("(seed 3)"), m);
    }

    @Test
    void aPromotionToFloat64FailsNamingTheDtypes() {
        AssertionError e = assertThrows(AssertionError.class, () -> OpContract.float32(List.of(SIGMOID, PROMOTING), 5));
        String m = e.getMessage();
        assertTrue(m.startsWith("1 failure over 2 specs, checks [FLOAT32]"), m);
        assertTrue(m.contains("promoting [float32]") && m.contains("FLOAT32 inputs give a FLOAT64 output, expected FLOAT32"), m);
    }

    @Test
    void float32IsOptInNotPartOfTheContractOfVerify() {
        assertFalse(OpContract.CONTRACT.contains(Check.FLOAT32));
        OpContract.verify(List.of(PROMOTING), 5);
        assertTrue(Check.FLOAT32.appliesTo(PROMOTING));
    }
}
