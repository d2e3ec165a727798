package org.bitspike.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.bitspike.tensor.DType;
import org.bitspike.tensor.Tensor;

/** The support of the hand-computed tests ({@link GoldenTest}, {@link ResearchOpsGoldenTest}). */
final class GoldenValues {
    private GoldenValues() {
    }

    /** A FLOAT64 leaf that requires grad: 0-d for one value, 1-D otherwise. */
    static Var leaf(double... values) {
        return Var.withGrad(values.length == 1 ? Tensor.scalar(DType.FLOAT64, values[0]) : Tensor.of(values, values.length));
    }

    /** Exact comparison, up to the last bit or two of the hand value for transcendental results. */
    static void assertValues(Var actual, double... expected) {
        assertValuesWithin(1e-15, actual, expected);
    }

    /**
     * Each element of {@code actual} equal to the hand value within {@code relative} of its
     * magnitude (absolute for magnitudes under 1); the element count equal too.
     */
    static void assertValuesWithin(double relative, Var actual, double... expected) {
        double[] a = actual.value().toDoubleArray();
        assertEquals(expected.length, a.length, () -> "element count of " + actual);
        for (int i = 0; i < a.length; i++) {
            assertEquals(expected[i], a[i], relative * Math.max(1, Math.abs(expected[i])), "element " + i + " of " + actual);
        }
    }
}
