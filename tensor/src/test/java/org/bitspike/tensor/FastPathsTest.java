package org.bitspike.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import org.bitspike.tensor.TensorArbitraries.Sample;
import org.bitspike.tensor.TensorLayouts.Layout;
import org.bitspike.tensor.kernel.KernelProvider;
import org.bitspike.tensor.kernel.Parallel;

/**
 * The Tensor-level fast paths on the Vector API provider against the same ops on the scalar
 * oracle, in one JVM: binary arithmetic and comparisons (dense, scalar, bias {@code [N, C] op [C]},
 * per-channel {@code [N, C, H, W] op [1, C, 1, 1]} and any broadcast), unary functions, where, BOOL
 * conversions, and sum/mean/var/amax/amin over any dimension set. Shapes have a last dimension
 * from {@link #TAILS}, so the vector loops' tails are hit, and every operand comes in every layout
 * of {@link TensorLayouts} (offset, padded, permuted, stepped, expanded).
 *
 * <p>Exact, bit for bit, everywhere; reductions are bit-identical for 1 and 2 threads as well.
 */
class FastPathsTest {
    /** Sizes hitting every tail of 8- and 16-lane loops and of the 16 summation partials. */
    static final int[] TAILS = {1, 3, 7, 13, 31, 64, 207};

    private static final KernelProvider SCALAR = KernelProvider.scalar();
    private static final KernelProvider VECTOR = KernelProvider.lookup("vector").provider();

    // ---------------------------------------------------------------- generators

    /** Rank 1..4; the last size from TAILS (or 4098 for rank 1), the others 1..4. */
    static Arbitrary<int[]> tailShapes() {
        Arbitrary<Integer> last = Arbitraries.of(1, 3, 7, 13, 31, 64, 207);
        return Arbitraries.integers().between(1, 4).flatMap(rank -> Combinators.combine(
                Arbitraries.integers().between(1, 4).list().ofSize(rank - 1), last, Arbitraries.integers().between(0, 9))
                .as((lead, n, big) -> {
                    int[] s = new int[rank];
                    for (int d = 0; d < rank - 1; d++) {
                        s[d] = lead.get(d);
                    }
                    s[rank - 1] = rank == 1 && big == 0 ? 4098 : n;
                    return s;
                }));
    }

    @Provide
    Arbitrary<Sample> floatSample() {
        return TensorArbitraries.samples(tailShapes(), true, TensorArbitraries.FLOATING);
    }

    /** A FLOAT32/FLOAT64 sample and a second operand shape that broadcasts to it. */
    record Pair(Sample x, int[] yShape, long ySeed) {
        Tensor y() {
            return TensorArbitraries.random(x.dtype(), yShape, ySeed, true);
        }

        @Override
        public String toString() {
            return x + " op " + Arrays.toString(yShape);
        }
    }

    /**
     * The second operand: the same shape, a scalar, the last dim only (a bias), dim 1 only (a
     * per-channel value), or the shape with a random subset of dims set to 1 and leading dims dropped.
     */
    @Provide
    Arbitrary<Pair> pairs() {
        return TensorArbitraries.samples(tailShapes(), true, TensorArbitraries.FLOATING).flatMap(x -> Combinators.combine(
                Arbitraries.integers().between(0, 4), Arbitraries.integers().between(0, 15), Arbitraries.longs())
                .as((kind, mask, seed) -> {
                    int[] s = x.shape();
                    int rank = s.length;
                    int[] y = switch (kind) {
                        case 0 -> s.clone();
                        case 1 -> new int[0];
                        case 2 -> new int[] {s[rank - 1]};
                        case 3 -> {
                            int[] c = new int[rank];
                            Arrays.fill(c, 1);
                            c[Math.min(1, rank - 1)] = s[Math.min(1, rank - 1)];
                            yield c;
                        }
                        default -> {
                            int[] c = TensorArbitraries.collapse(s, mask);
                            yield Arrays.copyOfRange(c, Math.min(mask & 1, rank - 1), rank);
                        }
                    };
                    return new Pair(x, y, seed);
                }));
    }

    // ---------------------------------------------------------------- checks

    private static void assertBitIdentical(Tensor want, Tensor got, Object context) {
        Naive.assertSame(want, got, context);
    }

    // ---------------------------------------------------------------- elementwise

    static final List<BinaryOp> FAST_BINARY = List.of(BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.DIV,
            BinaryOp.MAXIMUM, BinaryOp.MINIMUM, BinaryOp.EQ, BinaryOp.NE, BinaryOp.LT, BinaryOp.LE, BinaryOp.GT,
            BinaryOp.GE);

    @Property(seed = TensorArbitraries.SEED)
    void binaryOpsEqualTheOracleOnEveryLayout(@ForAll("pairs") Pair p) {
        Tensor y = p.y();
        int[] shape = p.x().shape();
        for (BinaryOp op : FAST_BINARY) {
            for (Layout l : p.x().layouts()) {
                assertBitIdentical(Elementwise.binary(SCALAR, op, l.tensor(), y),
                        Elementwise.binary(VECTOR, op, l.tensor(), y), op + " " + l + " op " + p);
                assertBitIdentical(Elementwise.binary(SCALAR, op, y, l.tensor()),
                        Elementwise.binary(VECTOR, op, y, l.tensor()), op + " " + p + " reversed, " + l);
            }
            for (Layout l : TensorLayouts.all(y, shape)) {
                assertBitIdentical(Elementwise.binary(SCALAR, op, p.x().logical(), l.tensor()),
                        Elementwise.binary(VECTOR, op, p.x().logical(), l.tensor()), op + " " + p + ", y " + l);
            }
        }
    }

    @Property(seed = TensorArbitraries.SEED)
    void inPlaceOpsMatchTheirOutOfPlaceResult(@ForAll("pairs") Pair p) {
        Tensor y = p.y();
        for (Layout l : p.x().writableLayouts()) {
            Tensor want = l.tensor().add(y).mul(y).sub(y).div(y);
            Tensor self = l.tensor();
            self.add_(y).mul_(y).sub_(y).div_(y);
            assertBitIdentical(want, self, "in-place chain on " + l + ", " + p);
        }
    }

    static final List<UnaryOp> FAST_UNARY = List.of(UnaryOp.NEG, UnaryOp.ABS, UnaryOp.RELU, UnaryOp.SQRT,
            UnaryOp.RECIPROCAL, UnaryOp.EXP, UnaryOp.LOG, UnaryOp.TANH, UnaryOp.SIGMOID);

    @Property(seed = TensorArbitraries.SEED)
    void unaryOpsEqualTheOracleOnEveryLayout(@ForAll("floatSample") Sample s) {
        for (UnaryOp op : FAST_UNARY) {
            Tensor first = null;
            for (Layout l : s.layouts()) {
                Tensor want = Elementwise.unary(SCALAR, op, l.tensor());
                Tensor got = Elementwise.unary(VECTOR, op, l.tensor());
                String what = op + " on " + l + ", " + s;
                assertBitIdentical(want, got, what);
                if (first == null) {
                    first = got;
                } else {
                    assertBitIdentical(first, got, what + " vs contiguous (vector)");
                }
            }
        }
    }

    @Property(seed = TensorArbitraries.SEED)
    void whereAndBoolConversionsEqualTheOracle(@ForAll("pairs") Pair p) {
        Tensor y = p.y();
        Tensor x = p.x().logical();
        int[] shape = x.shape();
        for (Layout l : p.x().layouts()) {
            Tensor mask = Elementwise.binary(SCALAR, BinaryOp.GT, l.tensor(), Tensor.scalar(p.x().dtype(), 0));
            for (Layout m : TensorLayouts.all(mask, shape)) {
                assertBitIdentical(Elementwise.where(SCALAR, m.tensor(), l.tensor(), y),
                        Elementwise.where(VECTOR, m.tensor(), l.tensor(), y), "where(" + m + ", " + l + ", y), " + p);
                assertBitIdentical(Elementwise.where(SCALAR, m.tensor(), y, Tensor.scalar(p.x().dtype(), 0)),
                        Elementwise.where(VECTOR, m.tensor(), y, Tensor.scalar(p.x().dtype(), 0)),
                        "where(" + m + ", y, 0), " + p);
                for (DType to : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                    Tensor want = Tensor.zeros(to, shape);
                    Tensor got = Tensor.zeros(to, shape);
                    Elementwise.copyInto(SCALAR, "to", m.tensor(), want);
                    Elementwise.copyInto(VECTOR, "to", m.tensor(), got);
                    assertBitIdentical(want, got, "BOOL -> " + to + " of " + m);
                }
            }
            Tensor want = Tensor.zeros(DType.BOOL, shape);
            Tensor got = Tensor.zeros(DType.BOOL, shape);
            Elementwise.copyInto(SCALAR, "to", l.tensor(), want);
            Elementwise.copyInto(VECTOR, "to", l.tensor(), got);
            assertBitIdentical(want, got, p.x().dtype() + " -> BOOL of " + l);
        }
        assertTrue(x.numel() > 0);
    }

    // ---------------------------------------------------------------- reductions

    record Reduction(Sample sample, int[] dims) {
        @Override
        public String toString() {
            return sample + " dims " + Arrays.toString(dims);
        }
    }

    @Provide
    Arbitrary<Reduction> reductions() {
        return floatSample().flatMap(s -> Combinators.combine(
                Arbitraries.integers().between(0, (1 << s.rank()) - 1), Arbitraries.integers().between(0, 3))
                .as((mask, variant) -> new Reduction(s, TensorArbitraries.dimSubset(s.rank(), mask, variant))));
    }

    private static List<Function<Tensor, Tensor>> reductionsOf(int[] dims, KernelProvider k, Parallel parallel) {
        return List.of(
                t -> Reductions.reduce(k, parallel, Reductions.Kind.SUM, t, dims, false),
                t -> Reductions.reduce(k, parallel, Reductions.Kind.MEAN, t, dims, true),
                t -> Reductions.reduce(k, parallel, Reductions.Kind.MAX, t, dims, false),
                t -> Reductions.reduce(k, parallel, Reductions.Kind.MIN, t, dims, false),
                t -> Reductions.var(k, parallel, t, dims, 0, false),
                t -> Reductions.var(k, parallel, t, dims, 1, true));
    }

    @Property(seed = TensorArbitraries.SEED)
    void reductionsEqualTheOracleOnEveryLayout(@ForAll("reductions") Reduction r) {
        List<String> names = List.of("sum", "mean", "amax", "amin", "var(0)", "var(1)");
        List<Function<Tensor, Tensor>> scalar = reductionsOf(r.dims(), SCALAR, Parallel.shared());
        List<Function<Tensor, Tensor>> vector = reductionsOf(r.dims(), VECTOR, Parallel.shared());
        for (int i = 0; i < names.size(); i++) {
            Tensor first = null;
            for (Layout l : r.sample().layouts()) {
                Tensor want = scalar.get(i).apply(l.tensor());
                Tensor got = vector.get(i).apply(l.tensor());
                assertBitIdentical(want, got, names.get(i) + " on " + l + ", " + r);
                if (first == null) {
                    first = got;
                } else {
                    assertBitIdentical(first, got, names.get(i) + " on " + l + " vs contiguous, " + r);
                }
            }
        }
    }

    /** Big enough to be split into tasks: results do not depend on the pool. */
    @Example
    void largeReductionsAreBitIdenticalForOneAndTwoThreadsAndBothProviders() {
        Tensor bn = Tensor.randn(RandomKey.of(7), 16, 32, 28, 28).mul(3).add(1);
        Tensor wide = Tensor.randn(RandomKey.of(8), 1024, 515);
        int[][] dims = {{0, 2, 3}, {1}, {0}, {3}};
        try (Parallel one = Parallel.of(1); Parallel two = Parallel.of(2)) {
            for (Tensor t : new Tensor[] {bn, wide, TensorLayouts.permuted(wide), bn.to(DType.FLOAT64)}) {
                for (int[] d : dims) {
                    if (Arrays.stream(d).anyMatch(i -> i >= t.dim())) {
                        continue;
                    }
                    List<Function<Tensor, Tensor>> a = reductionsOf(d, SCALAR, one);
                    List<Function<Tensor, Tensor>> b = reductionsOf(d, VECTOR, one);
                    List<Function<Tensor, Tensor>> c = reductionsOf(d, VECTOR, two);
                    for (int i = 0; i < a.size(); i++) {
                        String what = "reduction " + i + " over " + Arrays.toString(d) + " of " + Arrays.toString(t.shape());
                        Tensor want = a.get(i).apply(t);
                        assertBitIdentical(want, b.get(i).apply(t), what + ", vector 1 thread");
                        assertBitIdentical(want, c.get(i).apply(t), what + ", vector 2 threads");
                    }
                }
            }
        }
    }

    /**
     * The documented bound of a FLOAT32 sum: 16 partials in double, so within half an ulp of the
     * float result plus {@code (r / 16 + 4) 2^-53 sum|x|} of the exact sum (here computed with
     * BigDecimal).
     */
    @Example
    void sumsAreWithinTheDocumentedErrorBound() {
        Tensor x = Tensor.randn(RandomKey.of(9), 64, 32, 28, 28).mul(1e3).add(5);
        float[] v = x.toFloatArray();
        Tensor got = x.sum(new int[] {0, 2, 3}, false);
        int plane = 28 * 28;
        for (int c = 0; c < 32; c++) {
            java.math.BigDecimal exact = java.math.BigDecimal.ZERO;
            double abs = 0;
            int r = 0;
            for (int n = 0; n < 64; n++) {
                for (int p = 0; p < plane; p++) {
                    float e = v[(n * 32 + c) * plane + p];
                    exact = exact.add(new java.math.BigDecimal(e));
                    abs += Math.abs(e);
                    r++;
                }
            }
            double want = exact.doubleValue();
            float g = got.getFloat(c);
            double bound = 0.5 * Math.ulp(g) + (r / 16.0 + 4) * 0x1p-53 * abs;
            assertTrue(Math.abs(g - want) <= bound, "channel " + c + ": " + g + " vs exact " + want + ", bound " + bound);
        }
    }

    @Example
    void theVectorProviderIsWhatTheseTestsCompare() {
        assertEquals("vector", VECTOR.name());
        assertEquals("vector", KernelProvider.get().name(), "the test JVM runs Tensor ops on the vector kernels");
    }
}
