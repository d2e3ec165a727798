package org.bitspike.tensor;

import static org.bitspike.tensor.DType.BOOL;
import static org.bitspike.tensor.DType.FLOAT32;
import static org.bitspike.tensor.DType.FLOAT64;
import static org.bitspike.tensor.DType.INT32;
import static org.bitspike.tensor.DType.INT64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Consumer;

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
 * In-place ops ({@code _} suffix): they equal their out-of-place counterpart converted to the
 * target's dtype, write only the elements of a non-contiguous target, bump the storage version
 * (seen through every view), refuse expanded targets and refuse results they cannot store.
 */
class InPlaceTest {

    /** An in-place op, its out-of-place reference and the dtypes it accepts for (self, other of the same dtype). */
    record Op(String name, BiFunction<Tensor, Tensor, Tensor> inPlace, BiFunction<Tensor, Tensor, Tensor> reference,
              boolean floatingOnly, boolean boolAllowed) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final List<Op> OPS = List.of(
            new Op("add_(Tensor)", Tensor::add_, Tensor::add, false, true),
            new Op("sub_(Tensor)", Tensor::sub_, Tensor::sub, false, true),
            new Op("mul_(Tensor)", Tensor::mul_, Tensor::mul, false, true),
            new Op("div_(Tensor)", Tensor::div_, Tensor::div, true, false),
            new Op("addScaled_(Tensor, 0.5)", (a, b) -> a.addScaled_(b, 0.5), (a, b) -> a.add(b.mul(0.5)), true, false),
            new Op("copy_(Tensor)", Tensor::copy_, (a, b) -> b.expand(a.shape()), false, true),
            new Op("add_(2.0)", (a, b) -> a.add_(2.0), (a, b) -> a.add(2.0), false, false),
            new Op("mul_(3.0)", (a, b) -> a.mul_(3.0), (a, b) -> a.mul(3.0), false, false),
            new Op("clamp_(-1, 1.5)", (a, b) -> a.clamp_(-1, 1.5), (a, b) -> a.clamp(-1, 1.5), false, true),
            new Op("relu_()", (a, b) -> a.relu_(), (a, b) -> a.relu(), false, false),
            new Op("fill_(4)", (a, b) -> a.fill_(4), (a, b) -> Tensor.full(a.dtype(), 4, a.shape()), false, true),
            new Op("zero_()", (a, b) -> a.zero_(), (a, b) -> Tensor.zeros(a.dtype(), a.shape()), false, true));

    /** A target sample and an operand sample of the same dtype whose shape broadcasts to the target's. */
    record Target(Sample self, Sample other) {
        @Override
        public String toString() {
            return self + " op= " + other;
        }
    }

    @Provide
    Arbitrary<Target> targets() {
        return TensorArbitraries.samples(TensorArbitraries.shapes(), true, TensorArbitraries.ALL_DTYPES).flatMap(s ->
                Combinators.combine(
                        Arbitraries.integers().between(0, s.rank()),
                        Arbitraries.integers().between(0, (1 << s.rank()) - 1))
                        .as((rank, mask) -> TensorArbitraries.collapse(
                                Arrays.copyOfRange(s.shape(), s.rank() - rank, s.rank()), mask))
                        .flatMap(shape -> TensorArbitraries.samplesOf(shape, true, s.dtype()))
                        .map(o -> new Target(s, o)));
    }

    @Property(seed = TensorArbitraries.SEED)
    void inPlaceEqualsOutOfPlaceAndWritesOnlyTheView(@ForAll("targets") Target t) {
        DType dtype = t.self().dtype();
        Tensor logical = t.self().logical();
        List<Layout> others = t.other().layouts();
        for (Op op : OPS) {
            if (op.floatingOnly() && !dtype.isFloating() || !op.boolAllowed() && dtype == BOOL) {
                continue;
            }
            Tensor expected = op.reference().apply(logical, others.get(0).tensor()).to(dtype).copy();
            List<Layout> selves = TensorLayouts.writable(logical);
            for (int k = 0; k < selves.size(); k++) {
                Layout other = others.get((k + 1) % others.size());
                Layout self = selves.get(k);
                Tensor target = self.tensor();
                Tensor otherBefore = other.tensor().copy();
                double[] storageBefore = Naive.storageValues(target);
                int version = target.version();
                Tensor base = new Tensor(target.storage(), 0, new int[] {target.storage().length()}, new int[] {1});
                Tensor r = op.inPlace().apply(target, other.tensor());
                String what = op + " on " + self + " with " + other + ", " + t;
                assertSame(target, r, what + " returns this");
                Naive.assertSame(expected, target, what);
                Naive.assertOnlyViewWritten(storageBefore, target, what);
                assertTrue(target.version() > version, what + " bumps the version");
                assertEquals(target.version(), base.version(), "the version is the storage's: every view sees it");
                Naive.assertSame(otherBefore, other.tensor(), what + " leaves the operand alone");
            }
        }
    }

    @Property(seed = TensorArbitraries.SEED)
    void setWritesOneElement(@ForAll("targets") Target t) {
        if (Naive.numel(t.self().shape()) == 0) {
            return;
        }
        for (Layout l : t.self().writableLayouts()) {
            Tensor x = l.tensor();
            int[] idx = Naive.unravel(x.numel() - 1, x.shape());
            double[] before = x.toDoubleArray();
            double[] storageBefore = Naive.storageValues(x);
            int version = x.version();
            assertSame(x, x.set_(1, idx));
            before[before.length - 1] = 1;
            assertArrayEquals(before, x.toDoubleArray(), 0, "set_ on " + l);
            Naive.assertOnlyViewWritten(storageBefore, x, "set_ on " + l);
            assertTrue(x.version() > version);
        }
    }

    // ---------------------------------------------------------------- refusals

    /** Every in-place op as a call on a target, for the expanded-view refusal. */
    static final List<Named> WRITERS = List.of(
            new Named("add_", x -> x.add_(Tensor.ones(x.dtype(), x.shape()))),
            new Named("add_", x -> x.add_(1.0)),
            new Named("sub_", x -> x.sub_(Tensor.ones(x.dtype(), x.shape()))),
            new Named("mul_", x -> x.mul_(Tensor.ones(x.dtype(), x.shape()))),
            new Named("mul_", x -> x.mul_(2.0)),
            new Named("div_", x -> x.div_(Tensor.ones(x.dtype(), x.shape()))),
            new Named("addScaled_", x -> x.addScaled_(Tensor.ones(x.dtype(), x.shape()), 2)),
            new Named("adamStep_", x -> x.adamStep_(Tensor.ones(x.dtype(), x.shape()), Tensor.zeros(x.dtype(), x.shape()),
                    Tensor.zeros(x.dtype(), x.shape()), new AdamStep(0.1, 0.9, 0.999, 1e-8, 0, false, 1))),
            new Named("copy_", x -> x.copy_(Tensor.ones(x.dtype(), x.shape()))),
            new Named("fill_", x -> x.fill_(3)),
            new Named("zero_", Tensor::zero_),
            new Named("set_", x -> x.set_(3, 0, 0)),
            new Named("clamp_", x -> x.clamp_(0, 1)),
            new Named("relu_", Tensor::relu_),
            new Named("scatterAdd", x -> x.scatterAdd_(0, Tensor.zeros(INT64, 1, 1), Tensor.ones(x.dtype(), 1, 1))));

    record Named(String name, Consumer<Tensor> call) {
    }

    @Example
    void writesIntoExpandedViewsAreRefused() {
        for (DType dtype : new DType[] {FLOAT32, FLOAT64}) {
            Tensor small = Tensor.of(new double[] {1, 2, 3}).to(dtype);
            for (Named w : WRITERS) {
                Tensor expanded = small.expand(2, 3);
                int version = small.version();
                TensorException e = assertThrows(TensorException.class, () -> w.call().accept(expanded), w.name());
                String m = e.getMessage();
                assertTrue(m.startsWith(w.name() + ":"), w.name() + " named first: " + m);
                assertTrue(m.contains("[2, 3]") && m.contains("[0, 1]"), "shape and strides in: " + m);
                assertArrayEquals(new double[] {1, 2, 3}, small.toDoubleArray(), w.name() + " wrote nothing");
                assertEquals(version, small.version(), w.name() + " did not bump the version");
            }
        }
    }

    @Example
    void inPlaceResultsThatCannotBeStoredAreRefused() {
        Tensor ints = Tensor.of(new int[] {1, 2});
        assertRefused("add_", () -> ints.add_(Tensor.of(new float[] {0.5f, 0.5f})), "FLOAT32", "INT32");
        assertRefused("div_", () -> ints.div_(Tensor.of(new int[] {2, 2})), "FLOAT32", "INT32");
        assertRefused("add_", () -> ints.add_(Tensor.scalar(FLOAT32, 0.5)), "FLOAT32", "INT32");
        assertRefused("mul_", () -> ints.mul_(1.5), "FLOAT32", "INT32");
        assertRefused("add_", () -> ints.add_(0.5), "FLOAT32", "INT32");
        assertRefused("add_", () -> Tensor.of(new boolean[] {true}).add_(1), "INT64", "BOOL");
        assertRefused("lt_", () -> Elementwise.binaryInPlace(BinaryOp.LT, Tensor.zeros(2), Tensor.zeros(2)), "BOOL", "FLOAT32");
        assertArrayEquals(new int[] {1, 2}, ints.toIntArray(), "refused ops wrote nothing");
        assertEquals(0, ints.version());
    }

    private static void assertRefused(String op, Runnable call, String... inMessage) {
        TensorException e = assertThrows(TensorException.class, call::run, op);
        assertTrue(e.getMessage().startsWith(op + ":"), e.getMessage());
        for (String s : inMessage) {
            assertTrue(e.getMessage().contains(s), "'" + s + "' in: " + e.getMessage());
        }
    }

    @Example
    void inPlaceWithinACategoryIsAllowed() {
        Tensor ints = Tensor.of(new int[] {1, 2});
        ints.add_(2.0).mul_(3.0);
        assertArrayEquals(new int[] {9, 12}, ints.toIntArray(), "integral scalars keep an INT32 target");
        ints.add_(Tensor.scalar(INT64, 1));
        assertArrayEquals(new int[] {10, 13}, ints.toIntArray(), "0-d INT64 into INT32");
        Tensor floats = Tensor.of(new float[] {1, 2});
        floats.mul_(Tensor.scalar(FLOAT64, 0.5)).add_(0.25);
        assertArrayEquals(new float[] {0.75f, 1.25f}, floats.toFloatArray(), "0-d FLOAT64 into FLOAT32");
        floats.copy_(Tensor.of(new int[] {7, 8}));
        assertArrayEquals(new float[] {7, 8}, floats.toFloatArray(), "copy_ converts");
        Tensor bools = Tensor.of(new boolean[] {true, false});
        bools.fill_(1);
        assertArrayEquals(new boolean[] {true, true}, bools.toBooleanArray());
        Tensor d = Tensor.zeros(FLOAT64, 2, 3);
        d.add_(Tensor.of(new double[] {1, 2, 3}));
        assertArrayEquals(new double[] {1, 2, 3, 1, 2, 3}, d.toDoubleArray(), "other broadcasts to the target");
        assertThrows(TensorException.class, () -> Tensor.zeros(3).add_(Tensor.zeros(2, 3)), "the target does not broadcast");
    }

    @Example
    void goldenInPlaceThroughAView() {
        Tensor base = Tensor.zeros(3, 4);
        Tensor col = base.select(1, 2);           // stride 4, offset 2
        col.add_(Tensor.of(new float[] {1, 2, 3}));
        assertArrayEquals(new float[] {0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0}, base.toFloatArray());
        base.t().narrow(0, 0, 1).fill_(9);      // first column of base
        assertArrayEquals(new float[] {9, 0, 1, 0, 9, 0, 2, 0, 9, 0, 3, 0}, base.toFloatArray());
        assertEquals(2, base.version());
        base.slice(1, 1, 4, 2).mul_(0);         // columns 1 and 3
        assertEquals(3, col.version(), "views share the version");
    }

    @Example
    void outOfPlaceOpsDoNotBumpTheVersion() {
        Tensor x = Tensor.of(new float[] {1, -2, 3, 4}, 2, 2);
        x.add(x).mul(2.0).relu().sum(0, true).softmax(1).matmul(x);
        x.t().contiguous().reshape(4).view(2, 2).expand(3, 2, 2).copy();
        x.gather(0, Tensor.zeros(INT64, 1, 2));
        x.scatterAdd(0, Tensor.zeros(INT64, 1, 2), x);
        Tensor.where(x.gt(0), x, x.neg());
        Tensor.cat(0, x, x);
        assertEquals(0, x.version());
    }

    // ---------------------------------------------------------------- aliasing

    @Property(seed = TensorArbitraries.SEED)
    void inPlaceWithAnOperandViewingTheSameStorage(@ForAll("targets") Target t) {
        Sample s = t.self();
        if (s.rank() == 0 || s.shape()[0] == 0 || s.dtype() == BOOL) {
            return;
        }
        for (Layout l : s.writableLayouts()) {
            Tensor x = l.tensor();
            Tensor row = x.narrow(0, s.shape()[0] - 1, 1);  // broadcasts over dim 0, overlaps the last row
            Tensor expected = x.sub(row);
            x.sub_(row);
            Naive.assertSame(expected, x, "x -= x[last] on " + l);
            Tensor y = s.logical();
            Tensor reversed = TensorLayouts.writable(y).get(0).tensor();
            Tensor copy = reversed.copy();
            if (y.dim() == 2 && y.size(0) == y.size(1)) {
                reversed.copy_(reversed.t());
                Naive.assertSame(copy.t().copy(), reversed, "x.copy_(x.t())");
            }
        }
    }

    @Example
    void inPlaceOpsReadTheirOperandAsItWasBefore() {
        Tensor x = Tensor.of(new double[] {1, 2, 3, 4}, 2, 2);
        x.copy_(x.t());
        assertArrayEquals(new double[] {1, 3, 2, 4}, x.toDoubleArray(), "x.copy_(x.t()) transposes");
        Tensor y = Tensor.of(new double[] {1, 2, 3, 4}, 2, 2);
        y.add_(y.t());
        assertArrayEquals(new double[] {2, 5, 5, 8}, y.toDoubleArray(), "y += y^T is symmetric");
        Tensor z = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
        z.sub_(z.select(0, 0));
        assertArrayEquals(new float[] {0, 0, 2, 2, 4, 4}, z.toFloatArray(), "every row minus the old first row");
        Tensor w = Tensor.of(new int[] {1, 2, 3, 4}, 2, 2);
        w.mul_(w.t());
        assertArrayEquals(new int[] {1, 6, 6, 16}, w.toIntArray(), "integer path too");
        Tensor v = Tensor.of(new double[] {1, 2, 3});
        v.scatterAdd_(0, Tensor.of(new long[] {1, 2, 0}), v);
        assertArrayEquals(new double[] {4, 3, 5}, v.toDoubleArray(), "scatterAdd_ of itself adds the old values");
        Tensor u = Tensor.of(new double[] {1, 2, 3, 4});
        u.narrow(0, 1, 3).copy_(u.narrow(0, 0, 3));
        assertArrayEquals(new double[] {1, 1, 2, 3}, u.toDoubleArray(), "overlapping shift");
        Tensor same = Tensor.of(new double[] {1, 2});
        same.add_(same);
        assertArrayEquals(new double[] {2, 4}, same.toDoubleArray(), "x += x");
    }
}
