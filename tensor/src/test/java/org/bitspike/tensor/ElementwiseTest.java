package org.bitspike.tensor;

import static org.bitspike.tensor.DType.BOOL;
import static org.bitspike.tensor.DType.FLOAT32;
import static org.bitspike.tensor.DType.FLOAT64;
import static org.bitspike.tensor.DType.INT32;
import static org.bitspike.tensor.DType.INT64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.BinaryOperator;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import org.bitspike.tensor.TensorArbitraries.BroadcastShapes;
import org.bitspike.tensor.TensorArbitraries.Sample;
import org.bitspike.tensor.TensorLayouts.Layout;

/**
 * Unary and binary elementwise ops, where and clamp: every op on every layout against a naive
 * double reference, broadcasting, and the type promotion table.
 *
 * <p>Floating ops evaluate in double and round once, so the reference (the same double function,
 * rounded to the result dtype) must agree exactly, except for sigmoid whose two-branch formula is
 * allowed a few ulps.
 */
class ElementwiseTest {

    // ---------------------------------------------------------------- unary op table

    /**
     * One unary op: its name, the call, a double reference, whether integer inputs keep their dtype
     * (otherwise they compute in FLOAT32) and a relative tolerance (0: exact).
     */
    record Unary(String name, UnaryOperator<Tensor> op, DoubleUnaryOperator ref, boolean closedOverInts, double rtol) {
        DType resultType(DType in) {
            if (name.equals("logicalNot")) {
                return BOOL;
            }
            if (name.startsWith("clamp")) {
                return in; // clamp keeps the dtype, BOOL included
            }
            if (in.isFloating()) {
                return in;
            }
            return closedOverInts ? (in == BOOL ? INT64 : in) : FLOAT32;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static final List<Unary> UNARY = List.of(
            new Unary("neg", Tensor::neg, x -> -x, true, 0),
            new Unary("abs", Tensor::abs, Math::abs, true, 0),
            new Unary("sign", Tensor::sign, Math::signum, true, 0),
            new Unary("exp", Tensor::exp, Math::exp, false, 0),
            new Unary("log", Tensor::log, Math::log, false, 0),
            new Unary("sqrt", Tensor::sqrt, Math::sqrt, false, 0),
            new Unary("rsqrt", Tensor::rsqrt, x -> 1 / Math.sqrt(x), false, 0),
            new Unary("sin", Tensor::sin, Math::sin, false, 0),
            new Unary("cos", Tensor::cos, Math::cos, false, 0),
            new Unary("tanh", Tensor::tanh, Math::tanh, false, 0),
            new Unary("sigmoid", Tensor::sigmoid, x -> 1 / (1 + Math.exp(-x)), false, 1e-15),
            new Unary("relu", Tensor::relu, x -> x > 0 || Double.isNaN(x) ? x : 0, true, 0),
            // integer inputs: bounds -1 and 2 (the integers inside [-1.5, 2.5]) = truncated float clamp
            new Unary("clamp(-1.5, 2.5)", t -> t.clamp(-1.5, 2.5),
                    x -> Double.isNaN(x) ? x : Math.min(Math.max(x, -1.5), 2.5), true, 0),
            new Unary("floor", Tensor::floor, Math::floor, true, 0),
            new Unary("ceil", Tensor::ceil, Math::ceil, true, 0),
            new Unary("round", Tensor::round, Math::rint, true, 0),
            new Unary("pow(2)", t -> t.pow(2), x -> Math.pow(x, 2), true, 0),
            new Unary("pow(0.5)", t -> t.pow(0.5), x -> Math.pow(x, 0.5), false, 0),
            new Unary("reciprocal", Tensor::reciprocal, x -> 1 / x, false, 0),
            new Unary("log1p", Tensor::log1p, Math::log1p, false, 0),
            new Unary("expm1", Tensor::expm1, Math::expm1, false, 0),
            // erf's accuracy is checked against tabulated values in erfMatchesTabulatedValues; here its layouts and dtypes
            new Unary("erf", Tensor::erf, Erf::erf, false, 0),
            new Unary("softplus", Tensor::softplus, x -> Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))), false, 0),
            new Unary("square", Tensor::square, x -> x * x, true, 0),
            new Unary("logicalNot", Tensor::logicalNot, x -> x == 0 ? 1 : 0, true, 0));

    @Provide
    Arbitrary<Sample> anySample() {
        return TensorArbitraries.samples(TensorArbitraries.shapes(), true, TensorArbitraries.ALL_DTYPES);
    }

    @Property(seed = TensorArbitraries.SEED)
    void unaryOnEveryLayoutMatchesReference(@ForAll("anySample") Sample s) {
        double[] x = s.logical().toDoubleArray();
        DType in = s.dtype();
        for (Unary u : UNARY) {
            DType out = u.resultType(in);
            // integer inputs of non-closed ops compute in FLOAT32; every other input as it is
            DType computeIn = in.isFloating() || u.closedOverInts() ? in : FLOAT32;
            double[] expected = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                double v = u.ref().applyAsDouble(Naive.round(computeIn, x[i]));
                expected[i] = Naive.round(out, in.isFloating() ? Naive.round(in, v) : v);
            }
            Tensor reference = null;
            for (Layout l : s.layouts()) {
                Tensor r = u.op().apply(l.tensor());
                // a tolerance is given for FLOAT64; FLOAT32 results get one float ulp instead
                double rtol = u.rtol() == 0 ? 0 : computeIn == FLOAT64 ? u.rtol() : 1.2e-7;
                Naive.assertClose(expected, s.shape(), out, r, rtol, 0, u + " on " + l + " of " + s);
                if (reference == null) {
                    reference = r;
                } else {
                    Naive.assertSame(reference, r, u + " on " + l + " vs contiguous, " + s);
                }
            }
        }
    }

    @Property(seed = TensorArbitraries.SEED)
    void unaryNeverModifiesItsInput(@ForAll("anySample") Sample s) {
        for (Layout l : s.writableLayouts()) {
            Tensor before = l.tensor().copy();
            int version = l.tensor().version();
            for (Unary u : UNARY) {
                u.op().apply(l.tensor());
            }
            Naive.assertSame(before, l.tensor(), "input after unary ops, " + l);
            assertEquals(version, l.tensor().version(), "version after unary ops");
        }
    }

    // ---------------------------------------------------------------- binary op table

    enum Kind {
        /** promote(a, b); BOOL op BOOL computes in INT64. */
        ARITHMETIC,
        /** Like ARITHMETIC, but non-floating operands give FLOAT32 (true division). */
        DIVISION,
        /** BOOL result, operands compared in promote(a, b). */
        PREDICATE
    }

    record Binary(String name, BinaryOperator<Tensor> op, DoubleBinaryOperator ref, Kind kind) {
        DType computeType(DType a, DType b) {
            DType p = DType.promote(a, b);
            if (kind == Kind.DIVISION && !p.isFloating()) {
                return FLOAT32;
            }
            return p;
        }

        DType resultType(DType a, DType b) {
            if (kind == Kind.PREDICATE) {
                return BOOL;
            }
            DType c = computeType(a, b);
            return c == BOOL ? INT64 : c;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static final List<Binary> BINARY = List.of(
            new Binary("add", Tensor::add, Double::sum, Kind.ARITHMETIC),
            new Binary("sub", Tensor::sub, (a, b) -> a - b, Kind.ARITHMETIC),
            new Binary("mul", Tensor::mul, (a, b) -> a * b, Kind.ARITHMETIC),
            new Binary("div", Tensor::div, (a, b) -> a / b, Kind.DIVISION),
            new Binary("pow", Tensor::pow, Math::pow, Kind.ARITHMETIC),
            new Binary("maximum", Tensor::maximum, Math::max, Kind.ARITHMETIC),
            new Binary("minimum", Tensor::minimum, Math::min, Kind.ARITHMETIC),
            new Binary("eq", Tensor::eq, (a, b) -> a == b ? 1 : 0, Kind.PREDICATE),
            new Binary("ne", Tensor::ne, (a, b) -> a != b ? 1 : 0, Kind.PREDICATE),
            new Binary("lt", Tensor::lt, (a, b) -> a < b ? 1 : 0, Kind.PREDICATE),
            new Binary("le", Tensor::le, (a, b) -> a <= b ? 1 : 0, Kind.PREDICATE),
            new Binary("gt", Tensor::gt, (a, b) -> a > b ? 1 : 0, Kind.PREDICATE),
            new Binary("ge", Tensor::ge, (a, b) -> a >= b ? 1 : 0, Kind.PREDICATE),
            new Binary("logicalAnd", Tensor::logicalAnd, (a, b) -> a != 0 && b != 0 ? 1 : 0, Kind.PREDICATE),
            new Binary("logicalOr", Tensor::logicalOr, (a, b) -> a != 0 || b != 0 ? 1 : 0, Kind.PREDICATE));

    /** Two samples whose shapes broadcast, with independent dtypes. */
    record Pair(BroadcastShapes shapes, Sample a, Sample b) {
        @Override
        public String toString() {
            return a + " with " + b;
        }
    }

    @Provide
    Arbitrary<Pair> broadcastPairs() {
        return TensorArbitraries.broadcastShapes(2).flatMap(bs -> Combinators.combine(
                TensorArbitraries.samplesOf(bs.operands()[0], true, TensorArbitraries.ALL_DTYPES),
                TensorArbitraries.samplesOf(bs.operands()[1], true, TensorArbitraries.ALL_DTYPES))
                .as((a, b) -> new Pair(bs, a, b)));
    }

    @Property(seed = TensorArbitraries.SEED)
    void binaryWithBroadcastingOnEveryLayoutMatchesReference(@ForAll("broadcastPairs") Pair p) {
        for (Binary op : BINARY) {
            Tensor aSmall = p.a().small();
            Tensor bSmall = p.b().small();
            DType compute = op.computeType(aSmall.dtype(), bSmall.dtype());
            if (op.name().equals("pow") && !compute.isFloating() && bSmall.dtype() != BOOL) {
                bSmall = bSmall.abs(); // integer base to a negative integer power is an error
            }
            List<Layout> as = TensorLayouts.all(aSmall, p.a().shape());
            List<Layout> bs = TensorLayouts.all(bSmall, p.b().shape());
            DType computeKind = compute.isFloating() ? compute : INT64;
            double[] x = Naive.round(computeKind, as.get(0).tensor().toDoubleArray());
            double[] y = Naive.round(computeKind, bs.get(0).tensor().toDoubleArray());
            DType out = op.resultType(aSmall.dtype(), bSmall.dtype());
            double[] expected = Naive.round(out, Naive.round(computeKind,
                    Naive.binary(x, p.a().shape(), y, p.b().shape(), op.ref())));
            for (Layout la : as) {
                for (Layout lb : bs) {
                    Tensor r = op.op().apply(la.tensor(), lb.tensor());
                    Naive.assertValues(expected, p.shapes().out(), out, r, op + " on " + la + " and " + lb + ", " + p);
                }
            }
        }
    }

    @Example
    void promotionTableForArithmetic() {
        // rows: left operand, columns: right operand, in the order BOOL, INT32, INT64, FLOAT32, FLOAT64
        DType[][] add = {
            {INT64, INT32, INT64, FLOAT32, FLOAT64},
            {INT32, INT32, INT64, FLOAT32, FLOAT64},
            {INT64, INT64, INT64, FLOAT32, FLOAT64},
            {FLOAT32, FLOAT32, FLOAT32, FLOAT32, FLOAT64},
            {FLOAT64, FLOAT64, FLOAT64, FLOAT64, FLOAT64}};
        DType[][] div = {
            {FLOAT32, FLOAT32, FLOAT32, FLOAT32, FLOAT64},
            {FLOAT32, FLOAT32, FLOAT32, FLOAT32, FLOAT64},
            {FLOAT32, FLOAT32, FLOAT32, FLOAT32, FLOAT64},
            {FLOAT32, FLOAT32, FLOAT32, FLOAT32, FLOAT64},
            {FLOAT64, FLOAT64, FLOAT64, FLOAT64, FLOAT64}};
        DType[] all = DType.values();
        for (int i = 0; i < all.length; i++) {
            for (int j = 0; j < all.length; j++) {
                Tensor a = Tensor.ones(all[i], 2);
                Tensor b = Tensor.ones(all[j], 2);
                String pair = all[i] + " op " + all[j];
                assertEquals(add[i][j], a.add(b).dtype(), "add " + pair);
                assertEquals(add[i][j], a.sub(b).dtype(), "sub " + pair);
                assertEquals(add[i][j], a.mul(b).dtype(), "mul " + pair);
                assertEquals(add[i][j], a.pow(b).dtype(), "pow " + pair);
                assertEquals(add[i][j], a.maximum(b).dtype(), "maximum " + pair);
                assertEquals(div[i][j], a.div(b).dtype(), "div " + pair);
                assertEquals(BOOL, a.lt(b).dtype(), "lt " + pair);
                assertEquals(BOOL, a.logicalAnd(b).dtype(), "logicalAnd " + pair);
            }
        }
    }

    @Example
    void intDivisionIsTrueDivisionInFloat32() {
        Tensor r = Tensor.of(new int[] {7, -7, 1, 0}).div(Tensor.of(new int[] {2, 2, 0, 0}));
        assertEquals(FLOAT32, r.dtype());
        assertArrayEquals(new float[] {3.5f, -3.5f, Float.POSITIVE_INFINITY, Float.NaN}, r.toFloatArray());
    }

    @Example
    void scalarOperandsDoNotPromoteWithinACategory() {
        assertEquals(FLOAT32, Tensor.zeros(FLOAT32, 2).add(1e300).dtype(), "float32 + double stays float32");
        assertEquals(FLOAT64, Tensor.zeros(FLOAT64, 2).mul(2).dtype());
        assertEquals(INT32, Tensor.zeros(INT32, 2).add(3).dtype(), "int32 + integral double stays int32");
        assertEquals(INT64, Tensor.zeros(INT64, 2).mul(3).dtype());
        assertEquals(INT64, Tensor.zeros(BOOL, 2).add(1).dtype(), "bool + integer is INT64");
        assertEquals(FLOAT32, Tensor.zeros(INT32, 2).add(0.5).dtype(), "int + fractional crosses to float");
        assertEquals(FLOAT32, Tensor.zeros(INT64, 2).div(2).dtype(), "int / scalar is true division");
        assertEquals(INT32, Tensor.zeros(INT32, 2).pow(2).dtype());
        assertEquals(FLOAT32, Tensor.zeros(INT32, 2).pow(0.5).dtype());
        assertEquals(BOOL, Tensor.zeros(INT32, 2).lt(0.5).dtype());
        assertArrayEquals(new int[] {5, 7}, Tensor.of(new int[] {2, 4}).add(3).toIntArray());
        assertArrayEquals(new boolean[] {true, false}, Tensor.of(new int[] {0, 1}).lt(0.5).toBooleanArray());
    }

    @Example
    void goldenBinaryWithBroadcasting() {
        Tensor col = Tensor.of(new float[] {1, 2}, 2, 1);
        Tensor row = Tensor.of(new float[] {10, 20, 30}, 3);
        Tensor sum = col.add(row);
        assertArrayEquals(new int[] {2, 3}, sum.shape());
        assertArrayEquals(new float[] {11, 21, 31, 12, 22, 32}, sum.toFloatArray());
        assertArrayEquals(new float[] {-9, -19, -29, -8, -18, -28}, col.sub(row).toFloatArray());
        assertArrayEquals(new float[] {1, 1, 1, 1024, 1048576, 1073741824}, col.pow(row).toFloatArray());
        assertArrayEquals(new float[] {Float.NaN, 1}, Tensor.of(new float[] {Float.NaN, 1})
                .maximum(Tensor.of(new float[] {0, 0})).toFloatArray(), "maximum propagates NaN");
    }

    @Example
    void goldenUnary() {
        Tensor x = Tensor.of(new float[] {-2.5f, -0.5f, 0.5f, 1.5f, 2.5f});
        assertArrayEquals(new float[] {-2, -0f, 0, 2, 2}, x.round().toFloatArray(), "half to even");
        assertArrayEquals(new float[] {-3, -1, 0, 1, 2}, x.floor().toFloatArray());
        assertArrayEquals(new float[] {-2, -0f, 1, 2, 3}, x.ceil().toFloatArray());
        assertArrayEquals(new float[] {0, 0, 0.5f, 1.5f, 2.5f}, x.relu().toFloatArray());
        assertArrayEquals(new float[] {-1, -0.5f, 0.5f, 1, 1}, x.clamp(-1, 1).toFloatArray());
        assertArrayEquals(new float[] {-1, -1, 1, 1, 1}, x.sign().toFloatArray());
        Tensor big = Tensor.of(new float[] {-1000, 0, 1000, Float.NaN});
        assertArrayEquals(new float[] {0, 0.5f, 1, Float.NaN}, big.sigmoid().toFloatArray(), "no overflow");
        assertArrayEquals(new float[] {0.5f, 0.25f}, Tensor.of(new float[] {4, 16}).rsqrt().toFloatArray());
        assertArrayEquals(new int[] {3, 0, 1}, Tensor.of(new int[] {-3, 0, 1}).abs().toIntArray());
        assertEquals(INT32, Tensor.of(new int[] {-3}).abs().dtype());
        assertEquals(FLOAT32, Tensor.of(new int[] {4}).sqrt().dtype(), "integer sqrt computes in FLOAT32");
        assertArrayEquals(new boolean[] {false, true, false}, Tensor.of(new float[] {1, 0, Float.NaN}).logicalNot().toBooleanArray());
        assertArrayEquals(new boolean[] {false, true}, Tensor.of(new float[] {1, Float.NaN}).isNaN().toBooleanArray());
    }

    @Example
    void log1pExpm1AndSoftplusAtTheirEdges() {
        // log1p and expm1 keep the digits of a tiny x that 1 + x would lose
        assertArrayEquals(new double[] {1e-20, -1e-20, 0, Double.NEGATIVE_INFINITY},
                Tensor.of(new double[] {1e-20, -1e-20, 0, -1}).log1p().toDoubleArray());
        assertArrayEquals(new double[] {1e-20, -1, 0}, Tensor.of(new double[] {1e-20, -1000, 0}).expm1().toDoubleArray());
        assertTrue(Double.isNaN(Tensor.of(new double[] {-2}).log1p().itemDouble()), "log1p below -1 is NaN");
        // softplus: x itself far above 0, e^x far below, ln 2 at 0; never overflows, in either dtype
        double[] big = {1e30, -1e30, 710, -710, 89, -89, 0, Double.MIN_VALUE, -Double.MIN_VALUE};
        assertArrayEquals(new double[] {1e30, 0, 710, Math.exp(-710), 89, Math.exp(-89), Math.log(2), Math.log(2),
            Math.log(2)}, Tensor.of(big).softplus().toDoubleArray());
        float[] bigFloat = {1e30f, -1e30f, 88.8f, 89, -89, 0, Float.MIN_VALUE};
        assertArrayEquals(new float[] {1e30f, 0, 88.8f, 89, (float) Math.exp(-89), (float) Math.log(2), (float) Math.log(2)},
                Tensor.of(bigFloat).softplus().toFloatArray());
    }

    /** erf at points of each branch and their joins, to 20 digits from mpmath (40-digit arithmetic). */
    @Example
    void erfMatchesTabulatedValues() {
        double[][] table = {
            {1e-300, 1.1283791670955126022e-300}, {1e-10, 1.128379167095512615e-10}, {0.1, 0.1124629160182848984},
            {0.5, 0.52049987781304653768}, {1.0, 0.84270079294971486934}, {1.5, 0.96610514647531072707},
            {2.0, 0.99532226501895273416}, {2.5, 0.99959304798255504106}, {3.0, 0.99997790950300141456},
            {4.0, 0.99999998458274209972}, {5.0, 0.99999999999846254021}, {5.9, 0.9999999999999999281},
            {6.0, 0.99999999999999997848}, {30, 1}};
        for (double[] row : table) {
            for (double sign : new double[] {1, -1}) {
                double x = sign * row[0];
                double expected = sign * row[1];
                double actual = Tensor.of(new double[] {x}).erf().itemDouble();
                assertEquals(expected, actual, 1e-15 * Math.abs(expected), "erf(" + x + ")");
            }
        }
        Tensor edges = Tensor.of(new double[] {0, -0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN}).erf();
        assertArrayEquals(new double[] {0, -0.0, 1, -1, Double.NaN}, edges.toDoubleArray(), "signed zeros, limits, NaN");
        assertEquals((float) 0.52049987781304653768, Tensor.of(new float[] {0.5f}).erf().item(), "FLOAT32 rounds once");
    }

    @Example
    void clampOfBoolAndIntegers() {
        assertArrayEquals(new int[] {-1, -1, 0, 2, 2}, Tensor.of(new int[] {-5, -1, 0, 2, 5}).clamp(-1.5, 2.5).toIntArray());
        assertArrayEquals(new long[] {-1, 2}, Tensor.of(new long[] {Long.MIN_VALUE, Long.MAX_VALUE}).clamp(-1, 2).toLongArray());
        assertArrayEquals(new boolean[] {false, true}, Tensor.of(new boolean[] {false, true}).clamp(-1.5, 2.5).toBooleanArray(),
                "clamp keeps false at 0 and true at 1 when 0 and 1 lie inside the bounds");
    }

    // ---------------------------------------------------------------- where

    record Triple(BroadcastShapes shapes, Sample cond, Sample a, Sample b) {
        @Override
        public String toString() {
            return "where(" + cond + ", " + a + ", " + b + ")";
        }
    }

    @Provide
    Arbitrary<Triple> whereTriples() {
        return TensorArbitraries.broadcastShapes(3).flatMap(bs -> Combinators.combine(
                TensorArbitraries.samplesOf(bs.operands()[0], false, BOOL),
                TensorArbitraries.samplesOf(bs.operands()[1], true, TensorArbitraries.ALL_DTYPES),
                TensorArbitraries.samplesOf(bs.operands()[2], true, TensorArbitraries.ALL_DTYPES))
                .as((c, a, b) -> new Triple(bs, c, a, b)));
    }

    @Property(seed = TensorArbitraries.SEED)
    void whereOnEveryLayoutMatchesReference(@ForAll("whereTriples") Triple t) {
        List<Layout> cs = t.cond().layouts();
        List<Layout> as = t.a().layouts();
        List<Layout> bs = t.b().layouts();
        DType out = DType.promote(t.a().dtype(), t.b().dtype());
        double[] c = cs.get(0).tensor().toDoubleArray();
        double[] a = Naive.round(out, as.get(0).tensor().toDoubleArray());
        double[] b = Naive.round(out, bs.get(0).tensor().toDoubleArray());
        int[] shape = t.shapes().out();
        double[] expected = new double[Naive.numel(shape)];
        for (int i = 0; i < expected.length; i++) {
            int[] idx = Naive.unravel(i, shape);
            expected[i] = Naive.at(c, t.cond().shape(), idx) != 0
                    ? Naive.at(a, t.a().shape(), idx) : Naive.at(b, t.b().shape(), idx);
        }
        int n = cs.size();
        for (int i = 0; i < n; i++) {
            for (int shift = 0; shift < n; shift++) {
                Layout lc = cs.get(i);
                Layout la = as.get((i + shift) % n);
                Layout lb = bs.get((i + 2 * shift) % n);
                Tensor r = Tensor.where(lc.tensor(), la.tensor(), lb.tensor());
                Naive.assertValues(expected, shape, out, r, "where on " + lc + ", " + la + ", " + lb + ": " + t);
            }
        }
    }

    @Example
    void goldenWhere() {
        Tensor c = Tensor.of(new boolean[] {true, false, true});
        Tensor r = Tensor.where(c, Tensor.of(new int[] {1, 2, 3}), Tensor.scalar(FLOAT64, -1));
        assertEquals(FLOAT64, r.dtype());
        assertArrayEquals(new double[] {1, -1, 3}, r.toDoubleArray());
    }

    // ---------------------------------------------------------------- large integers stay exact

    @Example
    void int64ArithmeticIsExactBeyondDoublePrecision() {
        long big = (1L << 53) + 1;
        Tensor a = Tensor.of(new long[] {big, -big});
        assertArrayEquals(new long[] {big + 1, -big + 1}, a.add(1).toLongArray());
        assertArrayEquals(new long[] {2 * big, -2 * big}, a.mul(Tensor.of(new long[] {2})).toLongArray());
        assertArrayEquals(new boolean[] {false, false}, a.eq(Tensor.of(new long[] {big - 1, -big - 1})).toBooleanArray());
        assertFalse(Tensor.of(new long[] {big}).contentEquals(Tensor.of(new long[] {big - 1})),
                "contentEquals compares INT64 exactly (2^53 + 1 and 2^53 are the same double)");
        assertTrue(a.contentEquals(Tensor.of(new long[] {big, -big})));
    }

    @Example
    void contentEquals() {
        Tensor x = Tensor.of(new float[] {1, Float.NaN});
        assertTrue(x.contentEquals(Tensor.of(new float[] {1, Float.NaN})), "NaN equals NaN");
        assertFalse(x.contentEquals(x.to(FLOAT64)), "dtypes differ");
        assertFalse(x.contentEquals(x.reshape(1, 2)), "shapes differ");
        assertTrue(x.reshape(2, 1).t().contentEquals(x.reshape(1, 2).copy()), "layout does not matter");
    }
}
