package org.bitspike.bench;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bitspike.tensor.kernel.Conv2dGeometry;
import org.bitspike.tensor.kernel.KernelProvider;
import org.bitspike.tensor.kernel.Parallel;
import org.junit.jupiter.api.Test;

/** The benchmark's conv check accepts the scalar oracle's results and catches a wrong entry. */
class ConvCheckTest {
    private static ConvSuite.Operands computed(Conv2dGeometry g) {
        ConvSuite.Operands ops = new ConvSuite.Operands(g, 11);
        try (Parallel p = Parallel.of(1)) {
            ops.run(ConvSuite.Pass.FORWARD_BACKWARD, KernelProvider.scalar().conv(), p);
        }
        return ops;
    }

    @Test
    void acceptsTheOracleOnAwkwardGeometries() {
        for (Conv2dGeometry g : new Conv2dGeometry[] {
            Conv2dGeometry.of(2, 3, 7, 5, 4, 3, 3, 1, 1, 1, 1),
            Conv2dGeometry.of(3, 2, 9, 8, 5, 3, 3, 2, 1, 1, 1),
            Conv2dGeometry.of(1, 1, 4, 4, 2, 3, 3, 1, 0, 1, 1)}) {
            computed(g).verify("oracle " + g, ConvSuite.Pass.FORWARD_BACKWARD);
        }
    }

    @Test
    void catchesAWrongFirstOrLastEntry() {
        Conv2dGeometry g = Conv2dGeometry.of(2, 3, 7, 5, 4, 3, 3, 1, 1, 1, 1);
        for (String tensor : new String[] {"y", "dx", "dw"}) {
            for (boolean last : new boolean[] {false, true}) {
                ConvSuite.Operands ops = computed(g);
                float[] out = tensor.equals("y") ? ops.y : tensor.equals("dx") ? ops.dx : ops.dw;
                out[last ? out.length - 1 : 0] += 0.5f;
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> ops.verify("perturbed", ConvSuite.Pass.FORWARD_BACKWARD));
                assertTrue(e.getMessage().contains(tensor + "["), e.getMessage());
            }
        }
    }
}
