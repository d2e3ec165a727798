package org.bitspike.tensor;

import static org.bitspike.tensor.DType.FLOAT32;
import static org.bitspike.tensor.DType.FLOAT64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import org.bitspike.tensor.TensorArbitraries.Sample;
import org.bitspike.tensor.TensorLayouts.Layout;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.CommonOps_FDRM;

/**
 * matmul with NumPy semantics (1-D, 2-D, batched with broadcast batch dims) on every operand
 * layout, against a naive FLOAT64 reference, and 2-D products against EJML.
 *
 * <p>NOTE: results are compared within a tolerance, also between layouts: the GEMM kernel may
 * take a different path (FMA or not) depending on an operand's strides.
 */
class MatmulTest {

    /** Operand shapes for one matmul: a's and b's shape (1-D or with leading batch dims). */
    record Shapes2(int[] a, int[] b) {
        @Override
        public String toString() {
            return Arrays.toString(a) + " @ " + Arrays.toString(b);
        }
    }

    /**
     * a = batchA + [m, k] or [k]; b = batchB + [k, n] or [k]; batchA and batchB are suffixes of a
     * common batch shape with some dims set to 1.
     */
    @Provide
    Arbitrary<Shapes2> matmulShapes() {
        Arbitrary<int[]> batch = TensorArbitraries.shapes(0, 2);
        return batch.flatMap(full -> Combinators.combine(
                TensorArbitraries.size().list().ofSize(3),
                Arbitraries.integers().between(0, full.length).list().ofSize(2),
                Arbitraries.integers().between(0, (1 << full.length) - 1).list().ofSize(2),
                Arbitraries.of(true, false, false).list().ofSize(2))
                .as((mkn, ranks, masks, vector) -> {
                    int m = mkn.get(0);
                    int k = mkn.get(1);
                    int n = mkn.get(2);
                    int[] a = vector.get(0) ? new int[] {k} : concat(batchOf(full, ranks.get(0), masks.get(0)), m, k);
                    int[] b = vector.get(1) ? new int[] {k} : concat(batchOf(full, ranks.get(1), masks.get(1)), k, n);
                    return new Shapes2(a, b);
                }));
    }

    private static int[] batchOf(int[] full, int rank, int mask) {
        return TensorArbitraries.collapse(Arrays.copyOfRange(full, full.length - rank, full.length), mask);
    }

    private static int[] concat(int[] batch, int... tail) {
        int[] out = Arrays.copyOf(batch, batch.length + tail.length);
        System.arraycopy(tail, 0, out, batch.length, tail.length);
        return out;
    }

    record Operands(Shapes2 shapes, Sample a, Sample b) {
        @Override
        public String toString() {
            return a + " @ " + b;
        }
    }

    @Provide
    Arbitrary<Operands> operands() {
        return matmulShapes().flatMap(s -> Combinators.combine(
                TensorArbitraries.samplesOf(s.a(), false, TensorArbitraries.FLOATING),
                TensorArbitraries.samplesOf(s.b(), false, TensorArbitraries.FLOATING))
                .as((a, b) -> new Operands(s, a, b)));
    }

    /** Naive matmul in double: returns the result shape in {@code shapeOut[0]}. */
    static double[] naiveMatmul(double[] a, int[] sa, double[] b, int[] sb, int[][] shapeOut) {
        int[] a2 = sa.length == 1 ? new int[] {1, sa[0]} : sa;
        int[] b2 = sb.length == 1 ? new int[] {sb[0], 1} : sb;
        int m = a2[a2.length - 2];
        int k = a2[a2.length - 1];
        int n = b2[b2.length - 1];
        int[] batchA = Arrays.copyOf(a2, a2.length - 2);
        int[] batchB = Arrays.copyOf(b2, b2.length - 2);
        int[] batch = Naive.broadcast(batchA, batchB);
        int[] full = concat(batch, m, n);
        double[] out = new double[Naive.numel(full)];
        for (int o = 0; o < out.length; o++) {
            int[] idx = Naive.unravel(o, full);
            int i = idx[batch.length];
            int j = idx[batch.length + 1];
            double s = 0;
            for (int p = 0; p < k; p++) {
                int[] ai = Arrays.copyOf(idx, idx.length);
                ai[batch.length + 1] = p;
                int[] bi = Arrays.copyOf(idx, idx.length);
                bi[batch.length] = p;
                s += Naive.at(a, a2, ai) * Naive.at(b, b2, bi);
            }
            out[o] = s;
            assert i >= 0 && j >= 0;
        }
        int[] shape = batch;
        if (sa.length > 1) {
            shape = concat(shape, m);
        }
        if (sb.length > 1) {
            shape = concat(shape, n);
        }
        shapeOut[0] = shape;
        return out;
    }

    @Property(seed = TensorArbitraries.SEED)
    void matmulOnEveryLayoutMatchesNaiveFloat64(@ForAll("operands") Operands ops) {
        DType dtype = DType.promote(ops.a().dtype(), ops.b().dtype());
        double[] a = ops.a().logical().toDoubleArray();
        double[] b = ops.b().logical().toDoubleArray();
        int[][] shape = new int[1][];
        double[] expected = naiveMatmul(a, ops.a().shape(), b, ops.b().shape(), shape);
        int k = ops.a().shape()[ops.a().shape().length - 1];
        double tol = dtype == FLOAT32 ? 1e-5 * (k + 1) : 1e-13 * (k + 1); // |a|, |b| <= 3
        for (Layout la : ops.a().layouts()) {
            for (Layout lb : ops.b().layouts()) {
                Tensor r = la.tensor().matmul(lb.tensor());
                Naive.assertClose(Naive.round(dtype, expected), shape[0], dtype, r, tol, tol,
                        "matmul on " + la + " and " + lb + ", " + ops);
            }
        }
    }

    // ---------------------------------------------------------------- against EJML

    record Dense(int m, int k, int n, boolean transposeA, boolean transposeB, long seed) {
        @Override
        public String toString() {
            return "[" + m + ", " + k + "] @ [" + k + ", " + n + "]" + (transposeA ? " A stored transposed" : "")
                    + (transposeB ? " B stored transposed" : "") + " seed " + seed;
        }
    }

    /** Sizes that hit every tail of 8- and 16-lane vector loops, and transposed (non-contiguous) operands. */
    @Provide
    Arbitrary<Dense> denseProducts() {
        Arbitrary<Integer> size = Arbitraries.of(1, 2, 3, 7, 8, 13, 16, 17, 31, 33, 64);
        return Combinators.combine(size, size, size, Arbitraries.of(true, false), Arbitraries.of(true, false),
                Arbitraries.longs().withoutEdgeCases()).as(Dense::new);
    }

    /** {@code rows x cols} as a view: contiguous, or the transpose of a contiguous {@code cols x rows}. */
    private static Tensor operand(DType dtype, int rows, int cols, boolean transposed, long seed) {
        if (!transposed) {
            return TensorArbitraries.random(dtype, new int[] {rows, cols}, seed, false);
        }
        Tensor stored = TensorArbitraries.random(dtype, new int[] {cols, rows}, seed, false);
        return stored.t();
    }

    @Property(seed = TensorArbitraries.SEED, tries = 60)
    void float32MatmulMatchesEjml(@ForAll("denseProducts") Dense d) {
        Tensor a = operand(FLOAT32, d.m(), d.k(), d.transposeA(), d.seed());
        Tensor b = operand(FLOAT32, d.k(), d.n(), d.transposeB(), d.seed() + 1);
        FMatrixRMaj ea = new FMatrixRMaj(d.m(), d.k(), true, a.toFloatArray());
        FMatrixRMaj eb = new FMatrixRMaj(d.k(), d.n(), true, b.toFloatArray());
        FMatrixRMaj ec = new FMatrixRMaj(d.m(), d.n());
        CommonOps_FDRM.mult(ea, eb, ec);
        float[] actual = a.matmul(b).toFloatArray();
        double[] absProducts = absProducts(a.toDoubleArray(), b.toDoubleArray(), d);
        for (int i = 0; i < actual.length; i++) {
            // both sides accumulate k float products in some order: error <= ~2 k eps sum |a||b|
            double bound = 2.0 * d.k() * Math.ulp(1f) * absProducts[i] + 1e-30;
            if (Math.abs(actual[i] - ec.data[i]) > bound) {
                fail(d + ": element " + i + " ejml " + ec.data[i] + " bitspike " + actual[i] + " bound " + bound);
            }
        }
    }

    @Property(seed = TensorArbitraries.SEED, tries = 60)
    void float64MatmulMatchesEjml(@ForAll("denseProducts") Dense d) {
        Tensor a = operand(FLOAT64, d.m(), d.k(), d.transposeA(), d.seed());
        Tensor b = operand(FLOAT64, d.k(), d.n(), d.transposeB(), d.seed() + 1);
        DMatrixRMaj ea = new DMatrixRMaj(d.m(), d.k(), true, a.toDoubleArray());
        DMatrixRMaj eb = new DMatrixRMaj(d.k(), d.n(), true, b.toDoubleArray());
        DMatrixRMaj ec = new DMatrixRMaj(d.m(), d.n());
        CommonOps_DDRM.mult(ea, eb, ec);
        double[] actual = a.matmul(b).toDoubleArray();
        double[] absProducts = absProducts(a.toDoubleArray(), b.toDoubleArray(), d);
        for (int i = 0; i < actual.length; i++) {
            double bound = 2.0 * d.k() * Math.ulp(1.0) * absProducts[i] + 1e-300;
            if (Math.abs(actual[i] - ec.data[i]) > bound) {
                fail(d + ": element " + i + " ejml " + ec.data[i] + " bitspike " + actual[i] + " bound " + bound);
            }
        }
    }

    /** {@code sum_p |a[i, p]| |b[p, j]|} for every (i, j), row-major. */
    private static double[] absProducts(double[] a, double[] b, Dense d) {
        double[] out = new double[d.m() * d.n()];
        for (int i = 0; i < d.m(); i++) {
            for (int j = 0; j < d.n(); j++) {
                double s = 0;
                for (int p = 0; p < d.k(); p++) {
                    s += Math.abs(a[i * d.k() + p]) * Math.abs(b[p * d.n() + j]);
                }
                out[i * d.n() + j] = s;
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- golden cases

    @Example
    void goldenShapesAndValues() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor b = Tensor.of(new float[] {7, 8, 9, 10, 11, 12}, 3, 2);
        Tensor c = a.matmul(b);
        assertArrayEquals(new int[] {2, 2}, c.shape());
        assertArrayEquals(new float[] {58, 64, 139, 154}, c.toFloatArray());
        assertArrayEquals(new float[] {58, 139, 64, 154}, b.t().matmul(a.t()).toFloatArray(), "(AB)^T = B^T A^T");

        Tensor v = Tensor.of(new float[] {1, 0, -1});
        Tensor dot = v.matmul(Tensor.of(new float[] {4, 5, 6}));
        assertEquals(0, dot.dim(), "1-D @ 1-D is a 0-d dot product");
        assertEquals(-2f, dot.item());
        assertArrayEquals(new float[] {-2, -2}, a.matmul(v).toFloatArray(), "[2, 3] @ [3] -> [2]");
        assertArrayEquals(new float[] {-4, -4}, v.matmul(b).toFloatArray(), "[3] @ [3, 2] -> [2]");

        Tensor batch = Tensor.stack(0, a, a.mul(2), a.mul(-1));               // [3, 2, 3]
        Tensor r = batch.matmul(b);                                           // [3, 2, 2]
        assertArrayEquals(new int[] {3, 2, 2}, r.shape());
        assertArrayEquals(new float[] {58, 64, 139, 154, 116, 128, 278, 308, -58, -64, -139, -154}, r.toFloatArray());
        Tensor bb = b.unsqueeze(0).unsqueeze(0).expand(4, 1, 3, 2);            // [4, 1, 3, 2]
        assertArrayEquals(new int[] {4, 3, 2, 2}, batch.matmul(bb).shape(), "batch dims broadcast");
        assertArrayEquals(new int[] {3, 2}, batch.matmul(v).shape(), "[3, 2, 3] @ [3] -> [3, 2]");
        assertArrayEquals(new int[] {3, 3}, Tensor.ones(2).matmul(batch).shape(), "[2] @ [3, 2, 3] -> [3, 3]");
        assertEquals(FLOAT64, a.matmul(b.to(FLOAT64)).dtype(), "FLOAT32 @ FLOAT64 computes in FLOAT64");
    }

    @Example
    void emptyProducts() {
        Tensor z = Tensor.zeros(2, 0).matmul(Tensor.zeros(0, 3));
        assertArrayEquals(new int[] {2, 3}, z.shape());
        assertArrayEquals(new float[6], z.toFloatArray(), "k = 0: a sum of nothing is 0");
        Tensor filled = Tensor.full(5, 2, 0).matmul(Tensor.full(5, 0, 3));
        assertArrayEquals(new float[6], filled.toFloatArray());
        assertArrayEquals(new int[] {0, 3}, Tensor.zeros(0, 4).matmul(Tensor.zeros(4, 3)).shape());
        assertArrayEquals(new int[] {0, 2, 3}, Tensor.zeros(0, 2, 4).matmul(Tensor.zeros(4, 3)).shape());
        assertEquals(0f, Tensor.zeros(0).matmul(Tensor.zeros(0)).item());
    }

    @Example
    void matmulDoesNotModifyOperands() {
        Tensor a = Tensor.of(new double[] {1, 2, 3, 4}, 2, 2);
        Tensor b = a.t();
        List<Tensor> before = List.of(a.copy(), b.copy());
        int version = a.version();
        a.matmul(b);
        Naive.assertSame(before.get(0), a, "a");
        Naive.assertSame(before.get(1), b, "b");
        assertEquals(version, a.version());
    }
}
