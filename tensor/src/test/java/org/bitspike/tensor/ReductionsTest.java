package org.bitspike.tensor;

import static org.bitspike.tensor.DType.BOOL;
import static org.bitspike.tensor.DType.FLOAT32;
import static org.bitspike.tensor.DType.FLOAT64;
import static org.bitspike.tensor.DType.INT32;
import static org.bitspike.tensor.DType.INT64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import org.bitspike.tensor.TensorArbitraries.Sample;
import org.bitspike.tensor.TensorLayouts.Layout;

/**
 * Reductions over random dimension subsets (keepDim both ways), max/min with indices, norms,
 * logsumexp and softmax: every layout gives exactly the contiguous result (rows are read in a
 * fixed order), and the result agrees with a naive reference.
 */
class ReductionsTest {

    // ---------------------------------------------------------------- naive reference

    /** Result shape of reducing {@code dims} (sorted, non-negative) of {@code shape}. */
    static int[] reducedShape(int[] shape, boolean[] reduced, boolean keepDim) {
        int[] out = new int[shape.length];
        int k = 0;
        for (int d = 0; d < shape.length; d++) {
            if (!reduced[d]) {
                out[k++] = shape[d];
            } else if (keepDim) {
                out[k++] = 1;
            }
        }
        return Arrays.copyOf(out, k);
    }

    /**
     * For every output element, the input values it reduces (row-major order over the reduced
     * dims), given to {@code f}.
     */
    static double[] naiveReduce(double[] data, int[] shape, int[] dims, ToDoubleFunction<double[]> f) {
        int rank = shape.length;
        boolean[] reduced = new boolean[rank];
        for (int d : dims) {
            reduced[d < 0 ? d + rank : d] = true;
        }
        int[] keptShape = reducedShape(shape, reduced, false);
        int[] redShape = new int[rank];
        int nr = 0;
        for (int d = 0; d < rank; d++) {
            if (reduced[d]) {
                redShape[nr++] = shape[d];
            }
        }
        redShape = Arrays.copyOf(redShape, nr);
        int r = Naive.numel(redShape);
        double[] out = new double[Naive.numel(keptShape)];
        for (int o = 0; o < out.length; o++) {
            int[] kept = Naive.unravel(o, keptShape);
            double[] values = new double[r];
            for (int j = 0; j < r; j++) {
                int[] red = Naive.unravel(j, redShape);
                int[] idx = new int[rank];
                int ki = 0;
                int ri = 0;
                for (int d = 0; d < rank; d++) {
                    idx[d] = reduced[d] ? red[ri++] : kept[ki++];
                }
                values[j] = data[Naive.ravel(idx, shape)];
            }
            out[o] = f.applyAsDouble(values);
        }
        return out;
    }

    static double sum(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s;
    }

    static double mean(double[] v) {
        return v.length == 0 ? Double.NaN : sum(v) / v.length;
    }

    static double var(double[] v, int correction) {
        double m = mean(v);
        double ss = 0;
        for (double x : v) {
            ss += (x - m) * (x - m);
        }
        return ss / Math.max(0, v.length - correction);
    }

    static double max(double[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            if (Double.isNaN(x)) {
                return x;
            }
            m = Math.max(m, x);
        }
        return m;
    }

    static double min(double[] v) {
        double m = Double.POSITIVE_INFINITY;
        for (double x : v) {
            if (Double.isNaN(x)) {
                return x;
            }
            m = Math.min(m, x);
        }
        return m;
    }

    static double norm1(double[] v) {
        double s = 0;
        for (double x : v) {
            s += Math.abs(x);
        }
        return s;
    }

    static double norm2(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    static double logsumexp(double[] v) {
        double m = max(v);
        if (Double.isNaN(m) || Double.isInfinite(m)) {
            return m;
        }
        double s = 0;
        for (double x : v) {
            s += Math.exp(x - m);
        }
        return m + Math.log(s);
    }

    // ---------------------------------------------------------------- generators

    /** A sample, a dimension subset to reduce (any order and sign) and keepDim. */
    record Reduction(Sample sample, int[] dims, boolean keepDim) {
        @Override
        public String toString() {
            return sample + " dims " + Arrays.toString(dims) + " keepDim " + keepDim;
        }
    }

    static Arbitrary<Reduction> reductions(DType... dtypes) {
        return TensorArbitraries.samples(TensorArbitraries.shapes(), true, dtypes).flatMap(s -> Combinators.combine(
                Arbitraries.integers().between(0, (1 << s.rank()) - 1),
                Arbitraries.integers().between(0, 3),
                Arbitraries.of(true, false))
                .as((mask, variant, keep) -> new Reduction(s, TensorArbitraries.dimSubset(s.rank(), mask, variant), keep)));
    }

    @Provide
    Arbitrary<Reduction> anyReduction() {
        return reductions(TensorArbitraries.ALL_DTYPES);
    }

    @Provide
    Arbitrary<Reduction> floatReduction() {
        return reductions(TensorArbitraries.FLOATING);
    }

    /** Reduction op under test: the call, its naive per-row function and whether rows may be empty. */
    record Op(String name, java.util.function.BiFunction<Tensor, Reduction, Tensor> call, ToDoubleFunction<double[]> ref,
              boolean needsElements) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final List<Op> ANY_DTYPE_OPS = List.of(
            new Op("sum", (t, r) -> t.sum(r.dims(), r.keepDim()), ReductionsTest::sum, false),
            new Op("amax", (t, r) -> t.amax(r.dims(), r.keepDim()), ReductionsTest::max, true),
            new Op("amin", (t, r) -> t.amin(r.dims(), r.keepDim()), ReductionsTest::min, true));

    static final List<Op> FLOAT_OPS = List.of(
            new Op("mean", (t, r) -> t.mean(r.dims(), r.keepDim()), ReductionsTest::mean, false),
            new Op("var(correction 0)", (t, r) -> t.var(r.dims(), 0, r.keepDim()), v -> var(v, 0), false),
            new Op("var(correction 1)", (t, r) -> t.var(r.dims(), 1, r.keepDim()), v -> var(v, 1), false),
            new Op("norm(1)", (t, r) -> t.norm(1, r.dims(), r.keepDim()), ReductionsTest::norm1, false),
            new Op("norm(2)", (t, r) -> t.norm(2, r.dims(), r.keepDim()), ReductionsTest::norm2, false),
            new Op("logsumexp", (t, r) -> t.logsumexp(r.dims(), r.keepDim()), ReductionsTest::logsumexp, false));

    private static boolean emptyRows(Reduction r) {
        int[] shape = r.sample().shape();
        for (int d : r.dims()) {
            if (shape[d < 0 ? d + shape.length : d] == 0) {
                return true;
            }
        }
        return false;
    }

    private static void check(Op op, Reduction r, DType resultType, double rtol, double atol) {
        Sample s = r.sample();
        if (op.needsElements() && emptyRows(r)) {
            return; // covered by emptyExtremaAreErrors
        }
        int rank = s.rank();
        boolean[] reduced = new boolean[rank];
        for (int d : r.dims()) {
            reduced[d < 0 ? d + rank : d] = true;
        }
        int[] shape = reducedShape(s.shape(), reduced, r.keepDim());
        double[] expected = Naive.round(resultType,
                naiveReduce(s.logical().toDoubleArray(), s.shape(), r.dims(), op.ref()));
        Tensor first = null;
        for (Layout l : s.layouts()) {
            Tensor result = op.call().apply(l.tensor(), r);
            Naive.assertClose(expected, shape, resultType, result, rtol, atol, op + " on " + l + ", " + r);
            if (first == null) {
                first = result;
            } else {
                Naive.assertSame(first, result, op + " on " + l + " vs contiguous, " + r);
            }
        }
    }

    @Property(seed = TensorArbitraries.SEED)
    void sumAmaxAminOnEveryLayout(@ForAll("anyReduction") Reduction r) {
        DType in = r.sample().dtype();
        boolean floating = in.isFloating();
        double rtol = in == FLOAT32 ? 1e-6 : 1e-12;
        for (Op op : ANY_DTYPE_OPS) {
            DType result = op.name().equals("sum") && !floating ? INT64 : in;
            check(op, r, result, floating ? rtol : 0, floating ? rtol : 0);
        }
    }

    @Property(seed = TensorArbitraries.SEED)
    void floatingReductionsOnEveryLayout(@ForAll("floatReduction") Reduction r) {
        DType in = r.sample().dtype();
        double tol = in == FLOAT32 ? 2e-6 : 1e-12;
        for (Op op : FLOAT_OPS) {
            check(op, r, in, tol, tol);
        }
    }

    // ---------------------------------------------------------------- max/min with indices

    record AlongDim(Sample sample, int dim, boolean keepDim) {
        @Override
        public String toString() {
            return sample + " dim " + dim + " keepDim " + keepDim;
        }
    }

    @Provide
    Arbitrary<AlongDim> alongDim() {
        return TensorArbitraries.samples(TensorArbitraries.shapes(1, 4), true, TensorArbitraries.ALL_DTYPES)
                .flatMap(s -> Combinators.combine(
                        Arbitraries.integers().between(-s.rank(), s.rank() - 1),
                        Arbitraries.of(true, false))
                        .as((d, k) -> new AlongDim(s, d, k)));
    }

    @Property(seed = TensorArbitraries.SEED)
    void maxAndMinWithIndicesTakeTheFirstExtremum(@ForAll("alongDim") AlongDim a) {
        Sample s = a.sample();
        int d = a.dim() < 0 ? a.dim() + s.rank() : a.dim();
        if (s.shape()[d] == 0) {
            return; // covered by emptyExtremaAreErrors
        }
        for (boolean isMax : new boolean[] {true, false}) {
            double[] data = s.logical().toDoubleArray();
            double[] values = naiveReduce(data, s.shape(), new int[] {d}, v -> v[firstExtremum(v, isMax)]);
            double[] indices = naiveReduce(data, s.shape(), new int[] {d}, v -> firstExtremum(v, isMax));
            boolean[] reduced = new boolean[s.rank()];
            reduced[d] = true;
            int[] shape = reducedShape(s.shape(), reduced, a.keepDim());
            Tensor.Indexed first = null;
            for (Layout l : s.layouts()) {
                Tensor.Indexed r = isMax ? l.tensor().max(a.dim(), a.keepDim()) : l.tensor().min(a.dim(), a.keepDim());
                String what = (isMax ? "max" : "min") + " on " + l + ", " + a;
                Naive.assertValues(values, shape, s.dtype(), r.values(), what + " values");
                Naive.assertValues(indices, shape, INT64, r.indices(), what + " indices");
                Tensor arg = isMax ? l.tensor().argmax(a.dim(), a.keepDim()) : l.tensor().argmin(a.dim(), a.keepDim());
                Naive.assertSame(r.indices(), arg, "arg" + what);
                if (first == null) {
                    first = r;
                } else {
                    Naive.assertSame(first.values(), r.values(), what + " vs contiguous");
                }
            }
        }
    }

    /** Index of the first maximum (minimum); a NaN counts as the extremum. */
    static int firstExtremum(double[] v, boolean max) {
        int best = 0;
        for (int i = 0; i < v.length; i++) {
            if (Double.isNaN(v[i])) {
                return i;
            }
            if (max ? v[i] > v[best] : v[i] < v[best]) {
                best = i;
            }
        }
        return best;
    }

    // ---------------------------------------------------------------- softmax

    @Provide
    Arbitrary<Sample> floatSample() {
        return TensorArbitraries.samples(TensorArbitraries.shapes(), false, TensorArbitraries.FLOATING);
    }

    @Provide
    Arbitrary<Sample> floatSampleWithSpecials() {
        return TensorArbitraries.samples(TensorArbitraries.shapes(), true, TensorArbitraries.FLOATING);
    }

    /** Every valid dim of a tensor of {@code rank}, negative ones included (a 0-d tensor has dims 0 and -1). */
    static int[] everyDim(int rank) {
        int r = Math.max(rank, 1);
        int[] dims = new int[2 * r];
        for (int i = 0; i < 2 * r; i++) {
            dims[i] = i - r;
        }
        return dims;
    }

    @Property(seed = TensorArbitraries.SEED)
    void softmaxAndLogSoftmaxAlongEveryDimMatchReference(@ForAll("floatSampleWithSpecials") Sample s) {
        double[] data = s.logical().toDoubleArray();
        double tol = s.dtype() == FLOAT32 ? 1e-6 : 1e-13;
        for (int dim : everyDim(s.rank())) {
            int d = s.rank() == 0 ? 0 : (dim < 0 ? dim + s.rank() : dim);
            double[] max = naiveAlong(data, s.shape(), d, ReductionsTest::max);
            double[] sum = naiveAlong(data, s.shape(), d, v -> {
                double m = max(v);
                double z = 0;
                for (double x : v) {
                    z += Math.exp(x - m);
                }
                return z;
            });
            double[] soft = new double[data.length];
            double[] logSoft = new double[data.length];
            for (int i = 0; i < data.length; i++) {
                int row = s.rank() == 0 ? 0 : rowOf(i, s.shape(), d);
                logSoft[i] = (data[i] - max[row]) - Math.log(sum[row]);
                soft[i] = Math.exp(data[i] - max[row]) / sum[row];
            }
            Tensor firstSoft = null;
            Tensor firstLog = null;
            for (Layout l : s.layouts()) {
                Tensor sm = l.tensor().softmax(dim);
                Tensor lsm = l.tensor().logSoftmax(dim);
                Naive.assertClose(Naive.round(s.dtype(), soft), s.shape(), s.dtype(), sm, tol, tol, "softmax(" + dim + ") on " + l + ", " + s);
                Naive.assertClose(Naive.round(s.dtype(), logSoft), s.shape(), s.dtype(), lsm, tol, tol, "logSoftmax(" + dim + ") on " + l + ", " + s);
                if (firstSoft == null) {
                    firstSoft = sm;
                    firstLog = lsm;
                } else {
                    Naive.assertSame(firstSoft, sm, "softmax(" + dim + ") on " + l + " vs contiguous");
                    Naive.assertSame(firstLog, lsm, "logSoftmax(" + dim + ") on " + l + " vs contiguous");
                }
            }
        }
    }

    /** The naive reduction along {@code d}; a 0-d tensor is one row of one element. */
    private static double[] naiveAlong(double[] data, int[] shape, int d, ToDoubleFunction<double[]> f) {
        return shape.length == 0 ? new double[] {f.applyAsDouble(data)} : naiveReduce(data, shape, new int[] {d}, f);
    }

    /** Flat index into the reduced-along-d output of the input element at flat {@code i}. */
    private static int rowOf(int i, int[] shape, int d) {
        int[] idx = Naive.unravel(i, shape);
        int[] kept = new int[shape.length - 1];
        int[] keptShape = new int[shape.length - 1];
        int k = 0;
        for (int j = 0; j < shape.length; j++) {
            if (j != d) {
                kept[k] = idx[j];
                keptShape[k++] = shape[j];
            }
        }
        return Naive.ravel(kept, keptShape);
    }

    @Property(seed = TensorArbitraries.SEED)
    void softmaxRowsSumToOneEvenForHugeInputs(@ForAll("floatSample") Sample s) {
        double tol = s.dtype() == FLOAT32 ? 1e-5 : 1e-12;
        for (double scale : new double[] {1, 1e4}) {
            Tensor x = s.logical().mul(scale);
            for (int dim : everyDim(s.rank())) {
                Tensor sm = x.softmax(dim);
                Tensor lsm = x.logSoftmax(dim);
                for (double v : sm.toDoubleArray()) {
                    assertTrue(v >= 0 && v <= 1, "softmax in [0, 1]: " + v + " for " + s + " x " + scale);
                }
                for (double v : lsm.toDoubleArray()) {
                    assertTrue(v <= 0 && !Double.isNaN(v), "logSoftmax <= 0 and finite: " + v + " for " + s + " x " + scale);
                }
                if (s.rank() > 0 && s.shape()[dim + (dim < 0 ? s.rank() : 0)] > 0) {
                    Tensor sums = sm.sum(dim, false);
                    for (double v : sums.toDoubleArray()) {
                        assertEquals(1, v, tol, "softmax(" + dim + ") row sum for " + s + " x " + scale);
                    }
                    Tensor expSums = lsm.exp().sum(dim, false);
                    for (double v : expSums.toDoubleArray()) {
                        assertEquals(1, v, tol, "exp(logSoftmax(" + dim + ")) row sum for " + s + " x " + scale);
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- golden cases

    @Example
    void goldenSumMeanVar() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertEquals(21f, x.sum().item());
        assertArrayEquals(new float[] {5, 7, 9}, x.sum(0, false).toFloatArray());
        assertArrayEquals(new int[] {2, 1}, x.sum(1, true).shape());
        assertArrayEquals(new float[] {6, 15}, x.sum(-1, true).toFloatArray());
        assertArrayEquals(new float[] {2, 5}, x.mean(1, false).toFloatArray());
        assertEquals(3.5f, x.mean().item());
        assertEquals(3.5f, x.var().item(), 1e-6f);
        assertEquals(3.5f, x.var(new int[] {0, 1}, 1, false).item(), 1e-6f);
        Tensor v = Tensor.of(new double[] {1, 2, 3, 4});
        assertEquals(5.0 / 3, v.var().itemDouble(), 1e-15);
        assertEquals(1.25, v.var(new int[] {0}, 0, false).itemDouble(), 1e-15);
        assertTrue(Double.isNaN(Tensor.of(new double[] {7}).var().itemDouble()), "one element, correction 1: NaN");
        assertEquals(INT64, Tensor.of(new int[] {1, 2}).sum().dtype(), "integer sums are INT64");
        assertEquals(3L, Tensor.of(new boolean[] {true, true, false, true}).sum().getLong());
        Tensor x3 = Tensor.ones(2, 3, 4);
        assertArrayEquals(new int[] {1, 3, 1}, x3.sum(new int[] {0, 2}, true).shape());
        assertArrayEquals(new int[] {3}, x3.sum(new int[] {-1, 0}, false).shape());
        assertArrayEquals(new float[] {8, 8, 8}, x3.sum(new int[] {2, 0}, false).toFloatArray());
    }

    @Example
    void goldenExtremaTiesAndNaN() {
        Tensor x = Tensor.of(new float[] {3, 1, 3, 0, 2, 0}, 2, 3);
        Tensor.Indexed max = x.max(1, false);
        assertArrayEquals(new float[] {3, 2}, max.values().toFloatArray());
        assertArrayEquals(new long[] {0, 1}, max.indices().toLongArray(), "first maximum on ties");
        Tensor.Indexed min = x.min(1, true);
        assertArrayEquals(new int[] {2, 1}, min.indices().shape());
        assertArrayEquals(new long[] {1, 0}, min.indices().toLongArray(), "first minimum on ties");
        assertArrayEquals(new long[] {0, 1, 0}, x.argmax(0, false).toLongArray());
        Tensor nan = Tensor.of(new float[] {1, Float.NaN, 5, Float.NaN});
        assertTrue(Float.isNaN(nan.max().item()), "max propagates NaN");
        assertTrue(Float.isNaN(nan.amin(new int[] {0}, false).item()));
        assertEquals(1L, nan.argmax(0, false).getLong(), "first NaN wins");
        assertEquals(1L, nan.argmin(0, false).getLong(), "first NaN wins");
        assertEquals(Long.MAX_VALUE, Tensor.of(new long[] {Long.MAX_VALUE - 1, Long.MAX_VALUE}).max().getLong());
    }

    @Example
    void int64ExtremaAreExactBeyondDoublePrecision() {
        long big = 1L << 53;
        Tensor x = Tensor.of(new long[] {big, big + 1, big});
        Tensor.Indexed max = x.max(0, false);
        assertEquals(big + 1, max.values().getLong());
        assertEquals(1L, max.indices().getLong(), "2^53 + 1 > 2^53 even though their doubles are equal");
        assertEquals(0L, x.min(0, false).indices().getLong());
    }

    @Example
    void goldenNormsAndLogSumExp() {
        Tensor v = Tensor.of(new float[] {3, -4});
        assertEquals(7f, v.norm(1).item());
        assertEquals(5f, v.norm(2).item());
        Tensor tiny = Tensor.of(new double[] {3e-200, 4e-200});
        assertEquals(5e-200, tiny.norm(2).itemDouble(), 1e-214, "no underflow");
        Tensor huge = Tensor.of(new double[] {3e200, 4e200});
        assertEquals(5e200, huge.norm(2).itemDouble(), 1e186, "no overflow");
        Tensor big = Tensor.of(new float[] {1e4f, 1e4f});
        assertEquals(1e4 + Math.log(2), big.logsumexp(new int[] {0}, false).item(), 1e-3, "no overflow at 1e4");
        Tensor bigD = Tensor.of(new double[] {1e4, 1e4, -1e4});
        assertEquals(1e4 + Math.log(2), bigD.logsumexp(new int[] {0}, false).itemDouble(), 1e-12);
        assertEquals(Double.NEGATIVE_INFINITY, Tensor.zeros(FLOAT64, 0).logsumexp(new int[] {0}, false).itemDouble(),
                "log of an empty sum");
        assertEquals(Double.POSITIVE_INFINITY,
                Tensor.of(new double[] {1, Double.POSITIVE_INFINITY}).logsumexp(new int[] {0}, false).itemDouble());
    }

    @Example
    void goldenSoftmax() {
        Tensor x = Tensor.of(new double[] {1e4, 0, 1e4, 1e4}, 2, 2);
        assertArrayEquals(new double[] {1, 0, 0.5, 0.5}, x.softmax(1).toDoubleArray());
        assertArrayEquals(new double[] {0, -1e4, -Math.log(2), -Math.log(2)}, x.logSoftmax(-1).toDoubleArray(), 1e-12);
        Tensor col = x.softmax(0);
        assertArrayEquals(new double[] {0.5, 0, 0.5, 1}, col.toDoubleArray());
        assertArrayEquals(new float[] {0.5f, 0.5f}, Tensor.of(new float[] {1e4f, 1e4f}).softmax(0).toFloatArray());
        Tensor s = Tensor.scalar(FLOAT32, 3).softmax(0);
        assertEquals(0, s.dim());
        assertEquals(1f, s.item());
        Tensor probs = Tensor.of(new float[] {1, 2, 3}).softmax(0);
        double e = Math.exp(1) + Math.exp(2) + Math.exp(3);
        assertArrayEquals(new float[] {(float) (Math.exp(1) / e), (float) (Math.exp(2) / e), (float) (Math.exp(3) / e)},
                probs.toFloatArray(), 1e-7f);
    }

    @Example
    void emptyReductions() {
        Tensor e = Tensor.zeros(2, 0);
        assertArrayEquals(new float[] {0, 0}, e.sum(1, false).toFloatArray());
        assertTrue(Double.isNaN(e.mean(1, false).getDouble(0)), "mean of nothing is NaN");
        assertArrayEquals(new int[] {0}, e.sum(0, false).shape());
        assertArrayEquals(new int[] {2, 0}, e.softmax(1).shape());
        assertArrayEquals(new int[] {0, 3}, Tensor.zeros(0, 3).softmax(1).shape());
        assertFalse(e.sum(new int[0], false).sharesStorage(e), "reduction results are fresh");
    }

    @Example
    void emptyExtremaAreErrors() {
        Tensor e = Tensor.zeros(2, 0);
        TensorException ex = assertThrows(TensorException.class, () -> e.amax(new int[] {1}, false));
        assertTrue(ex.getMessage().startsWith("max:") && ex.getMessage().contains("[2, 0]"), ex.getMessage());
        ex = assertThrows(TensorException.class, () -> e.max(1, false));
        assertTrue(ex.getMessage().startsWith("max:") && ex.getMessage().contains("[2, 0]"), ex.getMessage());
        ex = assertThrows(TensorException.class, () -> e.argmin(-1, true));
        assertTrue(ex.getMessage().startsWith("min:") && ex.getMessage().contains("[2, 0]"), ex.getMessage());
        ex = assertThrows(TensorException.class, e::max);
        assertTrue(ex.getMessage().contains("[2, 0]"), ex.getMessage());
        assertArrayEquals(new int[] {0}, e.amax(new int[] {0}, false).shape(), "no rows: no error");
    }

    @Example
    void extremaKeepIntegerDtypes() {
        assertEquals(INT32, Tensor.of(new int[] {1, 5}).max().dtype());
        assertEquals(BOOL, Tensor.of(new boolean[] {false, true}).amax(new int[] {0}, false).dtype());
        assertEquals(INT32, Tensor.of(new int[] {1, 5}).max(0, false).values().dtype());
        assertEquals(FLOAT64, Tensor.of(new double[] {1, 5}).min(0, false).values().dtype());
    }
}
