package org.bitspike.tensor;

import static org.bitspike.tensor.DType.BOOL;
import static org.bitspike.tensor.DType.FLOAT32;
import static org.bitspike.tensor.DType.FLOAT64;
import static org.bitspike.tensor.DType.INT32;
import static org.bitspike.tensor.DType.INT64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** zeros/ones/full, arange, linspace, eye, of, and the keyed random generators. */
class CreationTest {

    @Provide
    Arbitrary<int[]> shapes() {
        return TensorArbitraries.shapes();
    }

    @Provide
    Arbitrary<DType> dtypes() {
        return Arbitraries.of(DType.values()).withoutEdgeCases();
    }

    @Provide
    Arbitrary<Integer> smallInts() {
        return Arbitraries.integers().between(-3, 3).withoutEdgeCases();
    }

    /** Range endpoints in [-40, 40] (scaled by the properties); edge cases come from the step. */
    @Provide
    Arbitrary<Integer> endpoints() {
        return Arbitraries.integers().between(-40, 40).withoutEdgeCases();
    }

    @Provide
    Arbitrary<Long> seeds() {
        return Arbitraries.longs().withoutEdgeCases();
    }

    @Property(seed = TensorArbitraries.SEED)
    void fullFillsEveryElement(@ForAll("shapes") int[] shape, @ForAll("dtypes") DType dtype, @ForAll("smallInts") int value) {
        for (Tensor t : new Tensor[] {Tensor.full(dtype, value, shape), Tensor.zeros(dtype, shape), Tensor.ones(dtype, shape)}) {
            assertEquals(dtype, t.dtype());
            assertArrayEquals(shape, t.shape());
            assertTrue(t.isContiguous());
            assertEquals(0, t.offset());
            assertEquals(Naive.numel(shape), t.numel());
            assertEquals(t.numel(), t.storage().length());
        }
        double[] full = Tensor.full(dtype, value, shape).toDoubleArray();
        for (double v : full) {
            assertEquals(Naive.round(dtype, value), v);
        }
        for (double v : Tensor.ones(dtype, shape).toDoubleArray()) {
            assertEquals(1, v);
        }
        for (double v : Tensor.zeros(dtype, shape).toDoubleArray()) {
            assertEquals(0, v);
        }
        assertEquals(FLOAT32, Tensor.zeros(shape).dtype());
        assertEquals(FLOAT32, Tensor.full(2.5, shape).dtype());
    }

    @Property(seed = TensorArbitraries.SEED)
    void integerArangeMatchesALoop(@ForAll("endpoints") int start, @ForAll("endpoints") int end,
                                   @ForAll @IntRange(min = -7, max = 7) int step) {
        if (step == 0) {
            return;
        }
        long[] expected = new long[100];
        int n = 0;
        for (long v = start; step > 0 ? v < end : v > end; v += step) {
            expected[n++] = v;
        }
        Tensor t = Tensor.arange(start, end, step);
        assertEquals(INT64, t.dtype());
        assertArrayEquals(Arrays.copyOf(expected, n), t.toLongArray(), "arange(" + start + ", " + end + ", " + step + ")");
    }

    @Property(seed = TensorArbitraries.SEED)
    void floatArangeHasNumPysLength(@ForAll("endpoints") int start4, @ForAll("endpoints") int end4,
                                    @ForAll @IntRange(min = -9, max = 9) int step4) {
        if (step4 == 0) {
            return;
        }
        double start = start4 / 4.0;
        double end = end4 / 4.0;
        double step = step4 / 4.0;
        Tensor t = Tensor.arange(start, end, step);
        int n = (int) Math.max(0, Math.ceil((end - start) / step));
        assertEquals(FLOAT32, t.dtype());
        assertArrayEquals(new int[] {n}, t.shape());
        float[] v = t.toFloatArray();
        for (int i = 0; i < n; i++) {
            assertEquals((float) (start + i * step), v[i]);
            assertTrue(step > 0 ? v[i] < end : v[i] > end, "values stay on the start side of end");
        }
    }

    @Property(seed = TensorArbitraries.SEED)
    void linspaceHitsBothEndpointsExactly(@ForAll("endpoints") int a, @ForAll("endpoints") int b,
                                          @ForAll @IntRange(min = 0, max = 50) int steps) {
        double start = a * 25 / 7.0;
        double end = b * 25 / 3.0;
        float[] v = Tensor.linspace(start, end, steps).toFloatArray();
        assertEquals(steps, v.length);
        if (steps == 0) {
            return;
        }
        assertEquals((float) start, v[0], "first point is start");
        if (steps > 1) {
            assertEquals((float) end, v[steps - 1], "last point is end");
        }
        for (int i = 1; i < steps; i++) {
            assertTrue(start <= end ? v[i] >= v[i - 1] : v[i] <= v[i - 1], "monotone");
            assertEquals(start + (end - start) * i / (steps - 1), v[i], Math.ulp((float) Math.max(Math.abs(start), Math.abs(end))));
        }
    }

    @Example
    void goldenRanges() {
        assertArrayEquals(new long[] {0, 1, 2, 3, 4}, Tensor.arange(5).toLongArray());
        assertArrayEquals(new long[] {5, 3, 1}, Tensor.arange(5, 0, -2).toLongArray(), "negative step");
        assertEquals(0, Tensor.arange(3, 3, 1).numel(), "empty");
        assertEquals(0, Tensor.arange(0, 5, -1).numel(), "empty: step away from end");
        assertArrayEquals(new long[] {0}, Tensor.arange(0, 10, Long.MAX_VALUE).toLongArray(), "huge step, no overflow");
        assertArrayEquals(new long[] {Long.MIN_VALUE, -1, Long.MAX_VALUE - 1},
                Tensor.arange(Long.MIN_VALUE, Long.MAX_VALUE, Long.MAX_VALUE).toLongArray());
        assertArrayEquals(new long[] {Long.MAX_VALUE, -1}, Tensor.arange(Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE).toLongArray());
        assertArrayEquals(new long[] {Long.MAX_VALUE - 1}, Tensor.arange(Long.MAX_VALUE - 1, Long.MAX_VALUE, 1).toLongArray());
        assertEquals(10, Tensor.arange(0.0, 1.0, 0.1).numel());
        assertArrayEquals(new float[] {1, 0.75f, 0.5f, 0.25f}, Tensor.arange(1.0, 0.0, -0.25).toFloatArray());
        assertEquals(0, Tensor.arange(1.0, 1.0, 0.5).numel());
        assertArrayEquals(new float[] {0, 0.25f, 0.5f, 0.75f, 1}, Tensor.linspace(0, 1, 5).toFloatArray());
        assertArrayEquals(new float[] {2, -1}, Tensor.linspace(2, -1, 2).toFloatArray());
        assertArrayEquals(new float[] {3}, Tensor.linspace(3, 7, 1).toFloatArray(), "one point: start (NumPy, PyTorch)");
        assertEquals(0, Tensor.linspace(3, 7, 0).numel());
        Tensor eye = Tensor.eye(3);
        assertArrayEquals(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, eye.toFloatArray());
        assertArrayEquals(new long[] {1, 0, 0, 0, 1, 0}, Tensor.eye(INT64, 2, 3).toLongArray());
        assertArrayEquals(new boolean[] {true, false, false, true, false, false}, Tensor.eye(BOOL, 3, 2).toBooleanArray());
        assertArrayEquals(new int[] {0, 4}, Tensor.eye(FLOAT64, 0, 4).shape());
    }

    @Example
    void ofCopiesItsInputAndShapesIt() {
        float[] data = {1, 2, 3, 4, 5, 6};
        Tensor t = Tensor.of(data, 2, 3);
        data[0] = 99;
        assertEquals(1f, t.getFloat(0, 0), "of copies the array");
        assertArrayEquals(new int[] {6}, Tensor.of(data).shape(), "no shape: 1-D");
        assertEquals(INT32, Tensor.of(new int[] {1}).dtype());
        assertEquals(INT64, Tensor.of(new long[] {1}).dtype());
        assertEquals(BOOL, Tensor.of(new boolean[] {true}).dtype());
        assertEquals(FLOAT64, Tensor.of(new double[] {1}).dtype());
        assertEquals(5.0, Tensor.of(new double[] {5}, new int[0]).itemDouble(), "explicit empty shape is still 1-D");
        double[][] rows = {{1, 2}, {3, 4}, {5, 6}};
        Tensor m = Tensor.of(rows);
        rows[0][0] = 99;
        assertArrayEquals(new int[] {3, 2}, m.shape());
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, m.toDoubleArray());
        assertArrayEquals(new int[] {0, 0}, Tensor.of(new float[0][]).shape());
        Tensor s = Tensor.scalar(INT32, 7.9);
        assertEquals(0, s.dim());
        assertEquals(7L, s.getLong(), "scalar converts to its dtype");
        assertEquals(7f, Tensor.of(new float[] {7}).reshape().item());
    }

    // ---------------------------------------------------------------- random keys

    @Property(seed = TensorArbitraries.SEED)
    void sameKeySameTensorAndElementsDoNotDependOnShape(@ForAll("seeds") long seed, @ForAll("shapes") int[] shape) {
        RandomKey key = RandomKey.of(seed);
        assertEquals(key, RandomKey.of(seed));
        Naive.assertSame(Tensor.rand(key, shape), Tensor.rand(RandomKey.of(seed), shape), "rand");
        Naive.assertSame(Tensor.randn(key, FLOAT64, shape), Tensor.randn(RandomKey.of(seed), FLOAT64, shape), "randn");
        Naive.assertSame(Tensor.bernoulli(key, 0.3, shape), Tensor.bernoulli(RandomKey.of(seed), 0.3, shape), "bernoulli");
        assertArrayEquals(key.permutation(7), RandomKey.of(seed).permutation(7));
        int n = Naive.numel(shape);
        Naive.assertSame(Tensor.rand(key, n), Tensor.rand(key, shape).reshape(-1), "counter-based: element i is the same in any shape");
        Naive.assertSame(Tensor.randn(key, FLOAT64, n).to(FLOAT32), Tensor.randn(key, shape).reshape(-1),
                "FLOAT32 randn is FLOAT64 randn rounded");
    }

    @Property(seed = TensorArbitraries.SEED)
    void splitAndFoldedKeysDiffer(@ForAll long seed) {
        RandomKey key = RandomKey.of(seed);
        RandomKey[] keys = key.split(4);
        assertEquals(4, keys.length);
        Set<RandomKey> distinct = new HashSet<>(Arrays.asList(keys));
        distinct.add(key);
        distinct.add(key.fold(12345));
        assertEquals(6, distinct.size(), "split keys, the parent and a fold are all different");
        assertArrayEquals(keys, key.split(4), "split is deterministic");
        Tensor a = Tensor.rand(keys[0], 16);
        Tensor b = Tensor.rand(keys[1], 16);
        assertFalse(Arrays.equals(a.toFloatArray(), b.toFloatArray()), "different keys give different draws");
        assertFalse(Arrays.equals(a.toFloatArray(), Tensor.rand(key, 16).toFloatArray()), "a split key differs from its parent");
        assertNotEquals(RandomKey.of(seed), RandomKey.of(seed + 1));
    }

    @Property(seed = TensorArbitraries.SEED)
    void permutationIsAPermutation(@ForAll("seeds") long seed, @ForAll @IntRange(min = 0, max = 200) int n) {
        int[] p = RandomKey.of(seed).permutation(n);
        int[] sorted = p.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < n; i++) {
            assertEquals(i, sorted[i], "permutation(" + n + ") holds every index once");
        }
    }

    @Property(seed = TensorArbitraries.SEED)
    void uniformLongStaysInBounds(@ForAll("seeds") long seed, @ForAll @LongRange(min = 1, max = Long.MAX_VALUE) long bound) {
        RandomKey key = RandomKey.of(seed);
        for (int i = 0; i < 20; i++) {
            long v = key.uniformLong(i, bound);
            assertTrue(v >= 0 && v < bound, v + " in [0, " + bound + ")");
        }
    }

    @Example
    void randomDrawsHaveTheRightMoments() {
        RandomKey[] keys = RandomKey.of(2024).split(4);
        int n = 40_000;
        // NOTE: bounds are ~6 standard errors (rand: sd 0.289, randn: sd 1, bernoulli(0.3): sd 0.458).
        Tensor u = Tensor.rand(keys[0], FLOAT64, n);
        assertEquals(0.5, u.mean().itemDouble(), 0.01);
        assertEquals(1.0 / 12, u.var().itemDouble(), 0.004);
        assertTrue(u.min().itemDouble() >= 0 && u.max().itemDouble() < 1, "rand in [0, 1)");
        Tensor uf = Tensor.rand(keys[0], n);
        assertTrue(uf.max().item() < 1f, "FLOAT32 rand stays below 1");
        Tensor g = Tensor.randn(keys[1], FLOAT64, n);
        assertEquals(0, g.mean().itemDouble(), 0.03);
        assertEquals(1, g.var().itemDouble(), 0.05);
        double tail = g.abs().gt(1.96).to(FLOAT64).mean().itemDouble();
        assertEquals(0.05, tail, 0.01, "two-sided 5% tail");
        Tensor b = Tensor.bernoulli(keys[2], 0.3, n);
        assertEquals(0.3, b.mean().itemDouble(), 0.015);
        assertTrue(b.eq(0).logicalOr(b.eq(1)).logicalNot().sum().getLong() == 0, "bernoulli gives 0 or 1");
        assertEquals(0, Tensor.bernoulli(keys[3], 0, 100).sum().item());
        assertEquals(100, Tensor.bernoulli(keys[3], 1, 100).sum().item());
        int[] counts = new int[5];
        for (int i = 0; i < 10_000; i++) {
            counts[(int) keys[3].uniformLong(i, 5)]++;
        }
        for (int c : counts) {
            assertEquals(2000, c, 250, "uniformLong(5) counts " + Arrays.toString(counts));
        }
    }

    @Example
    void splitAndFoldNeverCollide() {
        RandomKey key = RandomKey.of(7);
        RandomKey[] split = key.split(16);
        for (int i = 0; i < split.length; i++) {
            for (int j = 0; j < split.length; j++) {
                assertTrue(!split[i].equals(key.fold(j)), "split(16)[" + i + "] equals fold(" + j + ")");
                assertTrue(i == j || !split[i].equals(split[j]), "split keys " + i + " and " + j + " are equal");
            }
        }
    }

    @Example
    void goldenRandomStreamIsStable() {
        // Pins the stream: a change here changes every seeded experiment, so make it on purpose.
        RandomKey key = RandomKey.of(42);
        assertArrayEquals(new double[] {0.08414198170228548, 0.5954205527324024, 0.6097508061542607},
                Tensor.rand(key, FLOAT64, 3).toDoubleArray());
        assertArrayEquals(new float[] {-0.34614664f, -0.93357754f, 0.6817033f}, Tensor.randn(key, 3).toFloatArray());
        assertArrayEquals(new int[] {2, 0, 1, 4, 3}, key.permutation(5));
        assertArrayEquals(new float[] {0.95684755f, 0.51357347f}, Tensor.rand(key.split(2)[1], 2).toFloatArray());
    }

    /** Dropout's mask: 16 bits of the key's stream per element, four to a draw, on any view, in both float dtypes. */
    @Example
    void maskedScaleKeepsElementsWhoseSixteenBitsAreBelowTheKeepProbability() {
        RandomKey key = RandomKey.of(31);
        double keep = 0.9;
        long below = Math.round(keep * 65536);
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor x = Tensor.randn(RandomKey.of(4), dtype, 70, 9).t(); // [9, 70], not contiguous
            double[] xs = x.contiguous().toDoubleArray();
            double[] expected = new double[xs.length];
            for (int i = 0; i < xs.length; i++) {
                boolean kept = ((key.bits(i / 4) >>> (16 * (i % 4))) & 0xFFFF) < below;
                double scale = dtype == DType.FLOAT32 ? (float) (1 / keep) : 1 / keep;
                expected[i] = dtype == DType.FLOAT32 ? (float) xs[i] * (float) (kept ? scale : 0) : xs[i] * (kept ? scale : 0);
            }
            Tensor actual = x.maskedScale(key, keep, 1 / keep);
            assertArrayEquals(expected, actual.toDoubleArray(), 0, dtype.toString());
            assertEquals(dtype, actual.dtype());
        }
        Tensor big = Tensor.ones(1 << 19); // split across tasks
        Tensor mask = big.maskedScale(key, 0.3, 1);
        assertEquals(0.3, mask.mean().itemDouble(), 0.005);
        assertArrayEquals(mask.narrow(0, 1000, 7).toDoubleArray(), Tensor.ones(1007).maskedScale(key, 0.3, 1)
                .narrow(0, 1000, 7).toDoubleArray(), 0, "element i's mask depends on i only");
        assertEquals(0, big.maskedScale(key, 0, 1).sum().itemDouble());
        assertEquals(1 << 19, big.maskedScale(key, 1, 1).sum().itemDouble());
        assertThrows(TensorException.class, () -> big.maskedScale(key, 1.5, 1));
        assertThrows(TensorException.class, () -> Tensor.zeros(DType.INT64, 3).maskedScale(key, 0.5, 2));
    }
}
