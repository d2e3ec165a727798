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
}
