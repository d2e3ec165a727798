package org.bitspike.tensor;

import static org.bitspike.tensor.DType.FLOAT64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import org.bitspike.tensor.TensorArbitraries.Sample;
import org.bitspike.tensor.TensorLayouts.Layout;

/** Tensor.toString: NumPy-style nesting, summarised with "..." beyond 1000 elements; and the class Javadoc example. */
class FormatTest {

    @Provide
    Arbitrary<Sample> anySample() {
        return TensorArbitraries.samples(TensorArbitraries.shapes(), true, TensorArbitraries.ALL_DTYPES);
    }

    @Property(seed = TensorArbitraries.SEED)
    void toStringDependsOnlyOnTheValues(@ForAll("anySample") Sample s) {
        String expected = s.logical().toString();
        assertTrue(expected.startsWith("tensor(") && expected.endsWith(", dtype=" + s.dtype() + ")"), expected);
        for (Layout l : s.layouts()) {
            assertEquals(expected, l.tensor().toString(), "toString of " + l);
        }
    }

    @Example
    void goldenSmallTensors() {
        assertEquals("tensor([1.0, 2.500, -3.0], shape=[3], dtype=FLOAT32)", Tensor.of(new float[] {1, 2.5f, -3}).toString());
        assertEquals("tensor([[0, 1, 2],\n        [3, 4, 5]], shape=[2, 3], dtype=INT64)",
                Tensor.arange(0, 6, 1).reshape(2, 3).toString());
        assertEquals("tensor(true, shape=[], dtype=BOOL)", Tensor.scalar(DType.BOOL, 1).toString());
        assertEquals("tensor([[],\n        []], shape=[2, 0], dtype=FLOAT32)", Tensor.zeros(2, 0).toString());
        assertEquals("tensor([NaN, Infinity, 1.000e-05, 1.235e+05], shape=[4], dtype=FLOAT64)",
                Tensor.of(new double[] {Double.NaN, Double.POSITIVE_INFINITY, 1e-5, 123456.789}).toString());
    }

    @Example
    void largeTensorsAreSummarised() {
        assertEquals("tensor([0, 1, 2, ..., 1997, 1998, 1999], shape=[2000], dtype=INT64)", Tensor.arange(2000).toString());
        String m = Tensor.arange(0, 1200, 1).reshape(40, 30).toString();
        assertEquals("tensor([[0, 1, 2, ..., 27, 28, 29],\n"
                + "        [30, 31, 32, ..., 57, 58, 59],\n"
                + "        [60, 61, 62, ..., 87, 88, 89],\n"
                + "        ...,\n"
                + "        [1110, 1111, 1112, ..., 1137, 1138, 1139],\n"
                + "        [1140, 1141, 1142, ..., 1167, 1168, 1169],\n"
                + "        [1170, 1171, 1172, ..., 1197, 1198, 1199]], shape=[40, 30], dtype=INT64)", m);
        String huge = Tensor.zeros(FLOAT64, 1000, 1000).toString();
        assertTrue(huge.length() < 400, "a million elements print in a few lines: " + huge.length());
        assertTrue(huge.contains("..."));
        assertFalse(Tensor.zeros(1000).toString().contains("..."), "up to 1000 elements print in full");
        assertTrue(Tensor.zeros(1001).toString().contains("..."));
    }

    @Example
    void classJavadocExample() {
        Tensor x = Tensor.arange(0, 6, 1).reshape(2, 3);   // [[0, 1, 2], [3, 4, 5]]
        Tensor y = x.transpose(0, 1).add(1.0);             // [[1, 4], [2, 5], [3, 6]]
        float s = y.sum().item();                          // 21
        assertEquals(21f, s);
        assertEquals("tensor([[1, 4],\n        [2, 5],\n        [3, 6]], shape=[3, 2], dtype=INT64)", y.toString());
    }

    @Example
    void randomKeyJavadocExample() {
        RandomKey key = RandomKey.of(42);
        RandomKey[] keys = key.split(2);
        Tensor w = Tensor.randn(keys[0], 3, 4);
        Tensor noise = Tensor.rand(keys[1], 3, 4);
        assertEquals(12, w.numel() + noise.numel() - 12);
        assertFalse(w.contentEquals(noise));
    }
}
