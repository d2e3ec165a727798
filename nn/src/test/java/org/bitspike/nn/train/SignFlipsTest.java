package org.bitspike.nn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.bitspike.autograd.Var;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Flip ratios counted by hand, the sign rule at 0, -0 and NaN, and per-epoch means. */
class SignFlipsTest {
    private static Var weights(double... v) {
        return Var.withGrad(Tensor.of(v, v.length));
    }

    @Test
    void countsTheFractionOfSignsThatChangedInAStep() {
        Var a = weights(1, -1, 0.5);
        Var b = weights(-2);
        SignFlips flips = new SignFlips(List.of(a, b));
        assertEquals(4, flips.size());
        flips.reset();
        a.value().copy_(Tensor.of(new double[] {-1, -1, 0.25}, 3)); // one flip of four
        assertEquals(0.25, flips.record());
        b.value().copy_(Tensor.of(new double[] {3}, 1));
        a.value().copy_(Tensor.of(new double[] {1, 1, 0.25}, 3)); // three flips of four
        assertEquals(0.75, flips.record());
        assertEquals(0.75, flips.lastStepRatio());
        assertEquals(0, flips.record()); // nothing changed since the last step
    }

    @Test
    void zeroAndMinusZeroArePlusOneAndNaNIsMinusOne() {
        Var a = weights(1, 1, -1);
        SignFlips flips = new SignFlips(List.of(a));
        flips.reset();
        a.value().copy_(Tensor.of(new double[] {0.0, -0.0, Double.NaN}, 3));
        assertEquals(0, flips.record());
        a.value().copy_(Tensor.of(new double[] {-Double.MIN_VALUE, 0, Double.NaN}, 3));
        assertEquals(1.0 / 3, flips.record());
    }

    @Test
    void theEpochRatioIsTheMeanOverItsSteps() {
        Var a = weights(1, 1, 1, 1);
        SignFlips flips = new SignFlips(List.of(a));
        flips.onTrainStart(null, 0, 2);
        a.value().copy_(Tensor.of(new double[] {-1, 1, 1, 1}, 4));
        flips.onBatchEnd(null, null);
        a.value().copy_(Tensor.of(new double[] {1, -1, -1, 1}, 4));
        flips.onBatchEnd(null, null);
        flips.onEpochEnd(null, null);
        assertEquals((0.25 + 0.75) / 2, flips.epochRatio());
        flips.onEpochEnd(null, null); // an epoch without steps
        assertTrue(Double.isNaN(flips.epochRatio()));
        assertEquals(2, flips.history().size());
    }

    @Test
    void refusesNothingToWatchAMissingReferenceAndAResizedParameter() {
        assertThrows(IllegalArgumentException.class, () -> new SignFlips(List.of()));
        SignFlips flips = new SignFlips(List.of(weights(1, 2)));
        IllegalStateException e = assertThrows(IllegalStateException.class, flips::record);
        assertTrue(e.getMessage().contains("reset()"), e.getMessage());
    }
}
