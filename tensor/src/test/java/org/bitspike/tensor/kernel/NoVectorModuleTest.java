package org.bitspike.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Runs in its own surefire execution whose JVM does NOT get {@code --add-modules
 * jdk.incubator.vector}: everything must still work, on the scalar kernels.
 */
class NoVectorModuleTest {
    @Test
    void scalarIsChosenAndTheReasonSaysHowToEnableVectors() {
        assertTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty(),
                "this test must run without --add-modules jdk.incubator.vector");
        KernelProvider.Choice c = KernelProvider.lookup(null);
        assertEquals("scalar", c.provider().name());
        assertTrue(c.reason().contains("--add-modules jdk.incubator.vector"), c.reason());
        assertEquals("scalar", KernelProvider.get().name());
        assertThrows(IllegalStateException.class, () -> KernelProvider.lookup("vector"));
    }

    @Test
    void opsWorkOnTheScalarPath() {
        Tensor a = Tensor.randn(RandomKey.of(3), 17, 9);
        Tensor b = Tensor.randn(RandomKey.of(4), 9, 5);
        Tensor c = a.matmul(b);
        float[] av = a.toFloatArray();
        float[] bv = b.toFloatArray();
        float[] expected = new float[17 * 5];
        for (int i = 0; i < 17; i++) {
            for (int j = 0; j < 5; j++) {
                float s = 0;
                for (int p = 0; p < 9; p++) {
                    s += av[i * 9 + p] * bv[p * 5 + j];
                }
                expected[i * 5 + j] = s;
            }
        }
        assertArrayEquals(expected, c.toFloatArray(), 1e-5f);
    }

    @Test
    void elementwiseOpsAndReductionsWorkOnTheScalarPath() {
        Tensor x = Tensor.randn(RandomKey.of(5), 4, 3, 5, 7);
        Tensor scale = Tensor.randn(RandomKey.of(6), 1, 3, 1, 1);
        float[] xv = x.toFloatArray();
        float[] sv = scale.toFloatArray();
        Tensor y = Tensor.where(x.gt(0), x.mul(scale), Tensor.scalar(org.bitspike.tensor.DType.FLOAT32, 0));
        float[] yv = y.toFloatArray();
        double[] sums = new double[3];
        for (int i = 0; i < xv.length; i++) {
            int c = (i / 35) % 3;
            float want = xv[i] > 0 ? xv[i] * sv[c] : 0f;
            assertEquals(want, yv[i], "element " + i);
            sums[c] += xv[i];
        }
        float[] got = x.sum(new int[] {0, 2, 3}, false).toFloatArray();
        for (int c = 0; c < 3; c++) {
            assertEquals(sums[c], got[c], 1e-5 * Math.abs(sums[c]) + 1e-6, "channel " + c);
        }
        assertArrayEquals(x.gt(0).to(org.bitspike.tensor.DType.FLOAT32).toFloatArray(), x.sign().relu().toFloatArray());
    }
}
