package org.bitspike.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The provider checklist (runs with the vector module readable, as the default surefire execution). */
class KernelProviderTest {
    @Test
    void forcedScalarIsScalarAndSaysWhy() {
        KernelProvider.Choice c = KernelProvider.lookup("scalar");
        assertSame(KernelProvider.scalar(), c.provider());
        assertTrue(c.reason().contains("forced"), c.reason());
    }

    @Test
    void vectorIsChosenWhenTheModuleIsReadable() {
        KernelProvider.Choice c = KernelProvider.lookup(null);
        assertEquals("vector", c.provider().name(), c.reason());
        assertEquals("vector", KernelProvider.lookup("vector").provider().name());
    }

    @Test
    void unknownProviderNameIsRejectedWithTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KernelProvider.lookup("gpu"));
        assertTrue(e.getMessage().contains("gpu") && e.getMessage().contains("bitspike.kernels"), e.getMessage());
    }

    @Test
    void parallelRunsEveryTaskOnceAndPropagatesFailures() {
        try (Parallel p = Parallel.of(2)) {
            int[] hits = new int[1000];
            p.forEach(hits.length, t -> hits[t]++);
            for (int h : hits) {
                assertEquals(1, h);
            }
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.forEach(10, t -> {
                if (t == 7) {
                    throw new IllegalStateException("task 7");
                }
            }));
            assertEquals("task 7", e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Parallel.of(0));
    }

    @Test
    void javaSeventeenWithTheVectorKernelsIsWarnedAboutTheJitAndNothingElseIs() {
        KernelProvider vector = KernelProvider.lookup("vector").provider();
        String warning = KernelProvider.jitWarning(vector, 17);
        assertTrue(warning.contains("Java 17") && warning.contains("Java 25"), warning);
        assertNull(KernelProvider.jitWarning(vector, 25));
        assertNull(KernelProvider.jitWarning(KernelProvider.scalar(), 17));
    }
}
