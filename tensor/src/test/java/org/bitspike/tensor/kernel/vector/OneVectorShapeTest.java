package org.bitspike.tensor.kernel.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

/**
 * Guards a performance cliff no functional test sees: on JDK 17 the Vector API's shared code is
 * profiled across all callers, and a second float vector class anywhere in the process (a
 * Float128 load in a reduction) made C2 compile the GEMM micro-kernel with boxed vectors: 85 -> 8
 * GFLOP/s for every matmul after the first reduction. So every float species in the vector
 * kernels is {@code SPECIES_PREFERRED}, and there is one double shape.
 */
class OneVectorShapeTest {
    private static final List<Class<?>> KERNELS = List.of(VectorElementwise.class, VectorReductions.class,
            SgemmMicroKernel.class, SgemmPacking.class, VectorBitPacking.class, PopcountVectorBitGemm.class,
            VectorGemm.class, VectorBitKernels.class, VectorBatchNorm.class, VectorSpiking.class, SpikeTiles.class);

    @Test
    void everyFloatSpeciesIsThePreferredOneAndDoublesHaveOneShape() throws IllegalAccessException {
        Set<Integer> doubleShapes = new HashSet<>();
        List<String> floats = new ArrayList<>();
        for (Class<?> k : KERNELS) {
            for (Field f : k.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers()) || !VectorSpecies.class.isAssignableFrom(f.getType())) {
                    continue;
                }
                f.setAccessible(true);
                VectorSpecies<?> s = (VectorSpecies<?>) f.get(null);
                if (s.elementType() == float.class) {
                    floats.add(k.getSimpleName() + "." + f.getName());
                    assertEquals(FloatVector.SPECIES_PREFERRED, s, k.getSimpleName() + "." + f.getName());
                } else if (s.elementType() == double.class) {
                    doubleShapes.add(s.vectorBitSize());
                }
            }
        }
        assertTrue(floats.size() >= 4, "the kernels' float species were not found: " + floats);
        assertEquals(1, doubleShapes.size(), "double vector shapes in the kernels: " + doubleShapes);
    }
}
