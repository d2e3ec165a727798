package org.bitspike.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.bitspike.tensor.TensorArbitraries.Sample;
import org.bitspike.tensor.TensorLayouts.Layout;

/**
 * prod, cumsum, sort and topk: every layout against a naive reference over the logical values
 * (rounded once from double, as the ops promise), goldens for ties, NaN and the edge sizes, and the
 * bad inputs. These ops have no provider kernels, so there is no scalar/vector pair to compare.
 */
class ScansAndSortingTest {

    @Provide
    Arbitrary<Sample> anySample() {
        return TensorArbitraries.samples(TensorArbitraries.shapes(), true, TensorArbitraries.ALL_DTYPES);
    }

    /** The logical values as [outer, n, inner] around {@code d}. */
    private record Around(double[] x, int outer, int n, int inner) {
        static Around of(Tensor t, int d) {
            int[] s = t.shape();
            int n = s.length == 0 ? 1 : s[d];
            int inner = 1;
            for (int i = d + 1; i < s.length; i++) {
                inner *= s[i];
            }
            int outer = n * inner == 0 ? 0 : t.numel() / (n * inner);
            return new Around(t.toDoubleArray(), outer, n, inner);
        }

        double at(int o, int k, int i) {
            return x[(o * n + k) * inner + i];
        }
    }

    private static DType sumType(DType in) {
        return in.isFloating() ? in : DType.INT64;
    }

    @Property(seed = TensorArbitraries.SEED)
    void cumsumAndProdOnEveryLayoutMatchTheReference(@ForAll("anySample") Sample s) {
        for (int d = -Math.max(s.rank(), 1); d < Math.max(s.rank(), 1); d++) {
            int axis = d < 0 ? d + Math.max(s.rank(), 1) : d;
            Around a = Around.of(s.logical(), axis);
            double[] forward = new double[a.x.length];
            double[] backward = new double[a.x.length];
            double[] prod = new double[a.outer * a.inner];
            for (int o = 0; o < a.outer; o++) {
                for (int i = 0; i < a.inner; i++) {
                    double sum = 0;
                    double reverse = 0;
                    double p = 1;
                    for (int k = 0; k < a.n; k++) {
                        sum += a.at(o, k, i);
                        forward[(o * a.n + k) * a.inner + i] = sum;
                        reverse += a.at(o, a.n - 1 - k, i);
                        backward[(o * a.n + a.n - 1 - k) * a.inner + i] = reverse;
                        p *= a.at(o, k, i);
                    }
                    prod[o * a.inner + i] = p;
                }
            }
            DType out = sumType(s.dtype());
            int[] prodShape = s.rank() == 0 ? null : s.logical().sum(new int[] {axis}, false).shape();
            for (Layout l : s.layouts()) {
                String what = "along " + d + " on " + l + " of " + s;
                Naive.assertValues(Naive.round(out, forward), s.shape(), out, l.tensor().cumsum(d), "cumsum " + what);
                Naive.assertValues(Naive.round(out, backward), s.shape(), out, l.tensor().cumsum(d, true),
                        "reverse cumsum " + what);
                if (s.rank() > 0) {
                    Naive.assertValues(Naive.round(out, prod), prodShape, out, l.tensor().prod(d, false), "prod " + what);
                }
            }
        }
    }

    @Property(seed = TensorArbitraries.SEED)
    void sortIsAStablePermutationOnEveryLayout(@ForAll("anySample") Sample s) {
        int rank = Math.max(s.rank(), 1);
        for (int d = 0; d < rank; d++) {
            for (boolean descending : new boolean[] {false, true}) {
                Tensor.Indexed reference = null;
                for (Layout l : s.layouts()) {
                    String what = "sort along " + d + (descending ? " descending" : "") + " on " + l + " of " + s;
                    Tensor.Indexed r = l.tensor().sort(d, descending);
                    assertEquals(DType.INT64, r.indices().dtype(), what);
                    Naive.assertSame(l.tensor().gather(d, r.indices()), r.values(), what + ": values are gathered");
                    checkSorted(Around.of(r.values(), d), Around.of(r.indices(), d), descending, what);
                    if (reference == null) {
                        reference = r;
                    } else {
                        Naive.assertSame(reference.indices(), r.indices(), what + " vs contiguous");
                    }
                }
            }
        }
    }

    /** Each slice of indices is a permutation; values are ordered (NaN highest) and ties keep index order. */
    private static void checkSorted(Around values, Around indices, boolean descending, String what) {
        for (int o = 0; o < values.outer; o++) {
            for (int i = 0; i < values.inner; i++) {
                boolean[] seen = new boolean[values.n];
                for (int k = 0; k < values.n; k++) {
                    int index = (int) indices.at(o, k, i);
                    assertTrue(!seen[index], what + ": index " + index + " twice");
                    seen[index] = true;
                    if (k > 0) {
                        double prev = values.at(o, k - 1, i);
                        double cur = values.at(o, k, i);
                        int c = rank(prev, cur) * (descending ? -1 : 1);
                        assertTrue(c <= 0, what + ": " + prev + " before " + cur);
                        if (c == 0) {
                            assertTrue(indices.at(o, k - 1, i) < index, what + ": tie of " + cur + " not in index order");
                        }
                    }
                }
            }
        }
    }

    private static int rank(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b)) {
            return Boolean.compare(Double.isNaN(a), Double.isNaN(b));
        }
        return a < b ? -1 : a > b ? 1 : 0;
    }

    @Property(seed = TensorArbitraries.SEED)
    void topkIsTheHeadOfTheSort(@ForAll("anySample") Sample s) {
        int rank = Math.max(s.rank(), 1);
        Tensor x = s.logical();
        for (int d = 0; d < rank; d++) {
            int size = s.rank() == 0 ? 1 : s.shape()[d];
            for (int k : s.rank() == 0 ? new int[] {1} : new int[] {0, size / 2, size}) {
                for (boolean largest : new boolean[] {false, true}) {
                    String what = "topk " + k + " along " + d + (largest ? " largest" : " smallest") + " of " + s;
                    Tensor.Indexed sorted = x.topk(k, d, largest, true);
                    Tensor.Indexed head = x.sort(d, largest);
                    Tensor expected = s.rank() == 0 ? head.indices() : head.indices().narrow(d, 0, k);
                    Naive.assertSame(expected, sorted.indices(), what);
                    Naive.assertSame(x.gather(d, sorted.indices()), sorted.values(), what);
                    Tensor.Indexed unsorted = x.topk(k, d, largest, false);
                    Naive.assertSame(sorted.indices().sort(d, false).values(), unsorted.indices(), what + ", by position");
                }
            }
        }
    }

    // ---------------------------------------------------------------- goldens

    @Example
    void cumsumGoldens() {
        Tensor x = Tensor.of(new double[][] {{1, 2, 3}, {4, 5, 6}});
        assertArrayEquals(new double[] {1, 3, 6, 4, 9, 15}, x.cumsum(1).toDoubleArray());
        assertArrayEquals(new double[] {1, 2, 3, 5, 7, 9}, x.cumsum(-2).toDoubleArray());
        assertArrayEquals(new double[] {6, 5, 3, 15, 11, 6}, x.cumsum(1, true).toDoubleArray());
        assertEquals(DType.INT64, Tensor.of(new int[] {1, 2}).cumsum(0).dtype(), "integers sum in INT64");
        assertArrayEquals(new long[] {1, 1, 2}, Tensor.of(new boolean[] {true, false, true}).cumsum(0).toLongArray());
        assertEquals(7.0, Tensor.scalar(DType.FLOAT64, 7).cumsum(0).itemDouble(), "a 0-d tensor is its own prefix sum");
        assertArrayEquals(new int[] {2, 0}, Tensor.zeros(2, 0).cumsum(1).shape());
        // FLOAT32 sums in double and rounds each prefix once: a thousand 0.1f make 1000 * 0.1f rounded once
        // (a float accumulator would drift to 99.99905)
        float last = Tensor.full(DType.FLOAT32, 0.1, 1000).cumsum(0).toFloatArray()[999];
        assertEquals((float) (1000 * (double) 0.1f), last);
        TensorException e = assertThrows(TensorException.class, () -> x.cumsum(2));
        assertTrue(e.getMessage().startsWith("cumsum: dimension 2 out of range"), e.getMessage());
        assertTrue(e.getMessage().contains("[2, 3]"), e.getMessage());
    }

    @Example
    void prodGoldens() {
        Tensor x = Tensor.of(new double[][] {{1, 2, 3}, {4, 0, 6}});
        assertEquals(0.0, x.prod().itemDouble());
        assertArrayEquals(new double[] {6, 0}, x.prod(1, false).toDoubleArray());
        assertArrayEquals(new int[] {1, 3}, x.prod(0, true).shape());
        assertArrayEquals(new double[] {4, 0, 18}, x.prod(0, true).toDoubleArray());
        assertEquals(1.0, Tensor.zeros(0).prod().itemDouble(), "the empty product is 1");
        assertEquals(DType.INT64, Tensor.of(new int[] {3, 4}).prod().dtype());
        assertEquals(12L, Tensor.of(new int[] {3, 4}).prod().toLongArray()[0]);
        TensorException e = assertThrows(TensorException.class, () -> x.prod(-3, false));
        assertTrue(e.getMessage().startsWith("prod: dimension -3 out of range"), e.getMessage());
    }

    @Example
    void sortGoldensWithTiesNaNAndSignedZeros() {
        Tensor x = Tensor.of(new double[] {3, Double.NaN, 1, 3, -0.0, 0.0, Double.NEGATIVE_INFINITY});
        Tensor.Indexed up = x.sort(0, false);
        assertArrayEquals(new long[] {6, 4, 5, 2, 0, 3, 1}, up.indices().toLongArray(), "stable, NaN last");
        assertArrayEquals(new double[] {Double.NEGATIVE_INFINITY, -0.0, 0.0, 1, 3, 3, Double.NaN},
                up.values().toDoubleArray());
        Tensor.Indexed down = x.sort(-1, true);
        assertArrayEquals(new long[] {1, 0, 3, 2, 4, 5, 6}, down.indices().toLongArray(), "stable, NaN first");
        Tensor m = Tensor.of(new int[] {2, 1, 2, 0, 5, 5}, 2, 3);
        assertArrayEquals(new long[] {1, 0, 2, 0, 1, 2}, m.sort(1, false).indices().toLongArray());
        assertArrayEquals(new long[] {0, 1, 1, 1, 0, 0}, m.sort(0, true).indices().toLongArray());
        assertEquals(DType.INT32, m.sort(1, false).values().dtype());
        TensorException e = assertThrows(TensorException.class, () -> m.sort(2, false));
        assertTrue(e.getMessage().startsWith("sort: dimension 2 out of range"), e.getMessage());
    }

    @Example
    void topkGoldens() {
        Tensor x = Tensor.of(new double[] {1, 5, 3, 5, Double.NaN, 2});
        Tensor.Indexed top = x.topk(3, 0, true, true);
        assertArrayEquals(new long[] {4, 1, 3}, top.indices().toLongArray(), "NaN counts as largest, ties by index");
        assertArrayEquals(new long[] {1, 3, 4}, x.topk(3, 0, true, false).indices().toLongArray(), "by position");
        assertArrayEquals(new double[] {1, 2}, x.topk(2, 0, false, true).values().toDoubleArray());
        assertArrayEquals(new int[] {0}, x.topk(0, 0, true, true).values().shape());
        TensorException e = assertThrows(TensorException.class, () -> x.topk(7, 0, true, true));
        assertTrue(e.getMessage().contains("topk: k must be in [0, 6]"), e.getMessage());
        assertTrue(e.getMessage().contains("got 7"), e.getMessage());
        assertThrows(TensorException.class, () -> x.topk(-1, 0, true, true));
        Tensor scalar = Tensor.scalar(DType.FLOAT64, 4);
        assertEquals(4.0, scalar.topk(1, 0, true, true).values().itemDouble());
        TensorException empty = assertThrows(TensorException.class, () -> scalar.topk(0, 0, true, true));
        assertTrue(empty.getMessage().contains("k must be in [1, 1]"), empty.getMessage());
        assertThrows(TensorException.class, () -> x.topk(1, 1, true, true));
    }
}
