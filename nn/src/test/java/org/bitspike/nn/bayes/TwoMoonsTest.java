package org.bitspike.nn.bayes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bitspike.nn.data.TwoMoons;
import org.bitspike.nn.spiking.Encoders;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.bitspike.tensor.TensorException;
import org.junit.jupiter.api.Test;

/** The two-moons data of digest 5.4, its grid, and the population code it is fed through. */
class TwoMoonsTest {
    @Test
    void noiselessMoonsAreMakeMoonsHalfCirclesScaledToTheUnitSquare() {
        TwoMoons m = TwoMoons.generate(200, 0, RandomKey.of(1));
        double[] p = m.points().toDoubleArray();
        long[] y = m.labels().toLongArray();
        int ones = 0;
        for (int i = 0; i < 200; i++) {
            // undo the min-max scaling: x spans [-1, 2]; y spans [0.5 - top, top], top = the highest of 100 evenly
            // spaced angles' sines (the 50th, not quite 1)
            double top = Math.sin(Math.PI * 49 / 99);
            double x = p[2 * i] * 3 - 1;
            double v = p[2 * i + 1] * (2 * top - 0.5) + 0.5 - top;
            if (y[i] == 0) {
                assertEquals(1, x * x + v * v, 1e-12, "outer moon: the unit circle, upper half");
                assertTrue(v >= -1e-12);
            } else {
                assertEquals(1, (x - 1) * (x - 1) + (v - 0.5) * (v - 0.5), 1e-12, "inner moon, lower half");
                assertTrue(v <= 0.5 + 1e-12);
                ones++;
            }
        }
        assertEquals(100, ones, "n / 2 per moon");
        assertTrue(y[0] != y[1] || y[1] != y[2] || y[2] != y[3], "shuffled");
    }

    @Test
    void noisyMoonsLieInTheUnitSquareTouchingEveryEdgeAndAreSeeded() {
        TwoMoons m = TwoMoons.bisnn(RandomKey.of(2));
        assertArrayEquals(new int[] {200, 2}, m.points().shape());
        double[] p = m.points().toDoubleArray();
        double[] min = {1, 1};
        double[] max = {0, 0};
        for (int i = 0; i < p.length; i++) {
            assertTrue(p[i] >= 0 && p[i] <= 1, "in [0, 1]: " + p[i]);
            min[i % 2] = Math.min(min[i % 2], p[i]);
            max[i % 2] = Math.max(max[i % 2], p[i]);
        }
        assertArrayEquals(new double[] {0, 0}, min, 0);
        assertArrayEquals(new double[] {1, 1}, max, 1e-15);
        assertTrue(m.points().contentEquals(TwoMoons.bisnn(RandomKey.of(2)).points()), "same key, same points");
        assertTrue(!m.points().contentEquals(TwoMoons.bisnn(RandomKey.of(3)).points()));
        TensorException e = assertThrows(TensorException.class, () -> TwoMoons.generate(200, -0.1, RandomKey.of(1)));
        assertTrue(e.getMessage().contains("noise") && e.getMessage().contains("-0.1"), e.getMessage());
    }

    @Test
    void gridCoversTheUnitSquareXFastest() {
        Tensor g = TwoMoons.grid(100);
        assertArrayEquals(new int[] {10000, 2}, g.shape());
        double[] v = g.toDoubleArray();
        assertArrayEquals(new double[] {0, 0, 1.0 / 99, 0}, new double[] {v[0], v[1], v[2], v[3]}, 1e-15);
        assertArrayEquals(new double[] {0, 1.0 / 99}, new double[] {v[200], v[201]}, 1e-15);
        assertArrayEquals(new double[] {1, 1}, new double[] {v[19998], v[19999]}, 0);
    }

    /**
     * The existing population encoder is BiSNN's: centres {@code c_k} spaced {@code 100 / 9} apart on the 0..100 scale,
     * rate {@code 0.5 + 0.5 cos(clip(pi (100 x - c_k) / spacing, -pi, pi))} (digest 5.4, {@code utils/data_utils.py}),
     * written here on that scale and compared with {@code Encoders.populationRates} on [0, 1].
     */
    @Test
    void populationCodeMatchesTheDigestsFormulaOnTheZeroToHundredScale() {
        Tensor x = TwoMoons.bisnn(RandomKey.of(4)).points().narrow(0, 0, 20);
        Tensor rates = Encoders.populationRates(x, 10, 1.0 / 9);
        double[] v = x.toDoubleArray();
        double[] r = rates.toDoubleArray();
        double spacing = 100.0 / 9;
        for (int n = 0; n < 20; n++) {
            for (int f = 0; f < 2; f++) {
                for (int k = 0; k < 10; k++) {
                    double ck = k * spacing;
                    double phase = Math.max(-Math.PI, Math.min(Math.PI, Math.PI * (v[2 * n + f] * 100 - ck) / spacing));
                    assertEquals(0.5 + 0.5 * Math.cos(phase), r[n * 20 + f * 10 + k], 1e-12);
                }
            }
        }
        Tensor spikes = Encoders.population(x, 10, 7, RandomKey.of(5));
        assertArrayEquals(new int[] {7, 20, 20}, spikes.shape());
        TensorException out = assertThrows(TensorException.class,
                () -> Encoders.population(Tensor.of(new double[] {0.5, 1.2}, 1, 2), 10, 5, RandomKey.of(1)));
        assertTrue(out.getMessage().contains("[0, 1]") && out.getMessage().contains("1.2"), out.getMessage());
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> Encoders.population(x, 10, 0, RandomKey.of(1)));
        assertTrue(zero.getMessage().contains("steps") && zero.getMessage().contains("0"), zero.getMessage());
        assertEquals(DType.FLOAT64, spikes.dtype());
    }
}
