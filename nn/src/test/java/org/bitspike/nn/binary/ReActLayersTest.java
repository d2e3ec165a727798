package org.bitspike.nn.binary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.bitspike.autograd.GradCheck;
import org.bitspike.autograd.Var;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.bitspike.tensor.TensorException;
import org.junit.jupiter.api.Test;

/** ReActNet's RPReLU and the learnable shift (RSign's): values by definition, gradients by finite differences. */
class ReActLayersTest {
    private static final RandomKey KEY = RandomKey.of(8);

    @Test
    void rpreluIsAShiftedPreluShiftedAgainAndGradchecksInEveryParameter() {
        RPReLU r = new RPReLU(3);
        r.to(DType.FLOAT64);
        Tensor gamma = Tensor.of(new double[] {0.1, -0.2, 0.3}, 3);
        Tensor slope = Tensor.of(new double[] {0.25, 0.5, -0.1}, 3);
        Tensor zeta = Tensor.of(new double[] {0.05, 0, -0.3}, 3);
        r.load(Map.of("gamma", gamma, "slope", slope, "zeta", zeta));
        Tensor x = Tensor.of(new double[] {1, -1, 0.2, -0.5, 0.5, 0.1}, 2, 3);
        double[] expected = new double[6];
        double[] xv = x.toDoubleArray();
        for (int i = 0; i < 6; i++) {
            int c = i % 3;
            double t = xv[i] - gamma.toDoubleArray()[c];
            expected[i] = (t > 0 ? t : slope.toDoubleArray()[c] * t) + zeta.toDoubleArray()[c];
        }
        assertArrayEquals(expected, r.forward(Var.of(x)).value().toDoubleArray(), 1e-15);
        Tensor images = Tensor.randn(KEY, DType.FLOAT64, 2, 3, 2, 2);
        GradCheck.check("RPReLU", v -> r.forwardWith(Map.of("gamma", v[1], "slope", v[2], "zeta", v[3]), v[0]),
                images, gamma, slope, zeta);
    }

    @Test
    void theShiftAddsPerChannelAndGradchecks() {
        LearnableShift s = new LearnableShift(2);
        s.to(DType.FLOAT64);
        Tensor shift = Tensor.of(new double[] {0.5, -1}, 2);
        GradCheck.check("LearnableShift", v -> s.forwardWith(Map.of("shift", v[1]), v[0]),
                Tensor.randn(KEY.fold(1), DType.FLOAT64, 3, 2), shift);
        TensorException e = assertThrows(TensorException.class, () -> s.forward(Var.of(Tensor.zeros(DType.FLOAT64, 3, 4))));
        assertTrue(e.getMessage().contains("LearnableShift(2)") && e.getMessage().contains("[3, 4]")
                && e.getMessage().contains("2 channels"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new RPReLU(0));
    }
}
