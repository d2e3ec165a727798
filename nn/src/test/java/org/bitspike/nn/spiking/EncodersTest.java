package org.bitspike.nn.spiking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bitspike.autograd.Var;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.bitspike.tensor.TensorException;
import org.junit.jupiter.api.Test;

/** Encoders into [T, ...] sequences and decoders out of them, against their definitions. */
class EncodersTest {
    private static final RandomKey KEY = RandomKey.of(14);

    @Test
    void directRepeatsTheInputEveryStep() {
        Tensor x = Tensor.randn(KEY, 2, 3);
        Tensor seq = Encoders.direct(x, 4);
        assertArrayEquals(new int[] {4, 2, 3}, seq.shape());
        for (int t = 0; t < 4; t++) {
            assertTrue(seq.narrow(0, t, 1).reshape(2, 3).contentEquals(x), "step " + t);
        }
    }

    @Test
    void rateCodingFiresWithTheGivenProbabilityAndIsKeyed() {
        Tensor p = Tensor.of(new double[] {0, 0.1, 0.5, 0.9, 1}, 5);
        int steps = 4000;
        Tensor spikes = Encoders.rate(p, steps, KEY);
        double[] rates = spikes.sum(new int[] {0}, false).div(steps).toDoubleArray();
        double[] expected = p.toDoubleArray();
        for (int i = 0; i < 5; i++) {
            double sd = Math.sqrt(expected[i] * (1 - expected[i]) / steps);
            assertEquals(expected[i], rates[i], 5 * sd + 1e-12, "input " + i);
        }
        double[] values = spikes.toDoubleArray();
        for (double v : values) {
            assertTrue(v == 0 || v == 1);
        }
        assertTrue(Encoders.rate(p, 50, KEY).contentEquals(Encoders.rate(p, 50, KEY)), "the same key, the same spikes");
        assertFalse(Encoders.rate(p, 50, KEY).contentEquals(Encoders.rate(p, 50, KEY.fold(1))));
    }

    @Test
    void latencyFiresOnceEarlierForLargerValuesAndNeverForZero() {
        Tensor spikes = Encoders.latency(Tensor.of(new double[] {1, 0.5, 0.25, 0}, 4), 5);
        assertArrayEquals(new long[] {0, 2, 3, 5}, Decoders.firstSpike(spikes).toLongArray());
        assertArrayEquals(new double[] {1, 1, 1, 0}, spikes.sum(new int[] {0}, false).toDoubleArray());
    }

    @Test
    void populationRatesPeakAtTheirCentresAndVanishASpacingAway() {
        Tensor rates = Encoders.populationRates(Tensor.of(new double[] {0, 0.5}, 1, 2), 5, 0.25);
        assertArrayEquals(new int[] {1, 10}, rates.shape());
        double[] r = rates.toDoubleArray();
        // feature 0 at x = 0: centre 0 fires at 1, centre 0.25 is a spacing away (0), the rest clipped to 0
        assertArrayEquals(new double[] {1, 0, 0, 0, 0}, java.util.Arrays.copyOfRange(r, 0, 5), 1e-12);
        // feature 1 at x = 0.5: centre 0.5 at 1, centres 0.25 and 0.75 at 0, half-way points would be 0.5
        assertArrayEquals(new double[] {0, 0, 1, 0, 0}, java.util.Arrays.copyOfRange(r, 5, 10), 1e-12);
        Tensor mid = Encoders.populationRates(Tensor.of(new double[] {0.125}, 1, 1), 5, 0.25);
        assertEquals(0.5, mid.toDoubleArray()[0], 1e-12, "half a spacing from a centre: 0.5 + 0.5 cos(pi / 2)");
        assertArrayEquals(new int[] {7, 1, 10}, Encoders.population(Tensor.of(new double[] {0, 0.5}, 1, 2), 5, 7, KEY).shape());
    }

    @Test
    void decodersReadRatesSumsAndFirstSpikes() {
        // T = 3, N = 2, C = 2
        Tensor spikes = Tensor.of(new double[] {0, 0, 0, 1, 1, 0, 0, 1, 1, 1, 0, 0}, 3, 2, 2);
        assertArrayEquals(new double[] {2.0 / 3, 1.0 / 3, 0, 2.0 / 3},
                Decoders.rate(Var.of(spikes)).value().toDoubleArray(), 1e-12);
        assertArrayEquals(new double[] {2, 1, 0, 2}, Decoders.summed(Var.of(spikes)).value().toDoubleArray(), 1e-12);
        assertArrayEquals(new long[] {1, 2, 3, 0}, Decoders.firstSpike(spikes).toLongArray());
        assertArrayEquals(new long[] {0, 1}, Decoders.firstSpikeClass(spikes).toLongArray());
        Var x = Var.withGrad(spikes);
        Decoders.rate(x).sum().backward();
        assertEquals(1.0 / 3, x.grad().value().toDoubleArray()[0], 1e-12, "the rate is differentiable");
    }

    @Test
    void badInputsAreNamed() {
        TensorException range = assertThrows(TensorException.class,
                () -> Encoders.rate(Tensor.of(new double[] {0.2, 1.5}, 2), 3, KEY));
        assertTrue(range.getMessage().contains("rate") && range.getMessage().contains("[0, 1]")
                && range.getMessage().contains("1.5"), range.getMessage());
        TensorException nan = assertThrows(TensorException.class,
                () -> Encoders.latency(Tensor.of(new double[] {Double.NaN}, 1), 3));
        assertTrue(nan.getMessage().contains("NaN"), nan.getMessage());
        IllegalArgumentException steps = assertThrows(IllegalArgumentException.class,
                () -> Encoders.direct(Tensor.zeros(2), 0));
        assertTrue(steps.getMessage().contains("steps must be at least 1, got 0"), steps.getMessage());
        assertThrows(TensorException.class, () -> Encoders.rate(Tensor.zeros(DType.INT64, 2), 3, KEY));
        TensorException rank = assertThrows(TensorException.class, () -> Decoders.rate(Var.of(Tensor.zeros(4))));
        assertTrue(rank.getMessage().contains("[T, N, ...]") && rank.getMessage().contains("[4]"), rank.getMessage());
    }
}
