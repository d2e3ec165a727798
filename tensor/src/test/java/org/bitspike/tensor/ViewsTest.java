package org.bitspike.tensor;

import static org.bitspike.tensor.DType.FLOAT32;
import static org.bitspike.tensor.DType.FLOAT64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

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
 * Views: values against index arithmetic, round trips, storage sharing (writes through a view
 * reach the base), and view() against a brute-force oracle of when a view is possible.
 */
class ViewsTest {

    /** A sample plus a seed for the view's parameters. */
    record WithSeed(Sample sample, long seed) {
        @Override
        public String toString() {
            return sample + " params seed " + seed;
        }
    }

    @Provide
    Arbitrary<WithSeed> samples() {
        return Combinators.combine(
                TensorArbitraries.samples(TensorArbitraries.shapes(), false, TensorArbitraries.ALL_DTYPES),
                Arbitraries.longs().withoutEdgeCases()).as(WithSeed::new);
    }

    /** Row-major values of {@code t} read element by element through {@link Tensor#getDouble}. */
    static double[] readAll(Tensor t) {
        double[] v = new double[t.numel()];
        for (int e = 0; e < v.length; e++) {
            v[e] = t.getDouble(Naive.unravel(e, t.shape()));
        }
        return v;
    }

    static int[] randomPermutation(int rank, SplittableRandom rnd) {
        int[] p = new int[rank];
        for (int i = 0; i < rank; i++) {
            p[i] = i;
        }
        for (int i = rank - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    // ---------------------------------------------------------------- permute, transpose

    @Property(seed = TensorArbitraries.SEED)
    void permuteMovesIndicesAndInversePermuteRestores(@ForAll("samples") WithSeed w) {
        Sample s = w.sample();
        int[] p = randomPermutation(s.rank(), new SplittableRandom(w.seed()));
        int[] inverse = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            inverse[p[i]] = i;
        }
        double[] data = s.logical().toDoubleArray();
        for (Layout l : s.layouts()) {
            Tensor t = l.tensor();
            Tensor v = t.permute(p);
            assertTrue(v.sharesStorage(t), "permute is a view");
            for (int i = 0; i < p.length; i++) {
                assertEquals(t.size(p[i]), v.size(i));
                assertEquals(t.stride(p[i]), v.stride(i));
            }
            double[] got = readAll(v);
            for (int e = 0; e < got.length; e++) {
                int[] j = Naive.unravel(e, v.shape());
                int[] k = new int[j.length];
                for (int i = 0; i < p.length; i++) {
                    k[p[i]] = j[i];
                }
                assertEquals(data[Naive.ravel(k, s.shape())], got[e], "permute " + Arrays.toString(p) + " on " + l);
            }
            Tensor back = v.permute(inverse);
            assertArrayEquals(t.strides(), back.strides(), "inverse permute restores the strides");
            Naive.assertSame(s.logical(), back.copy(), "permute then inverse on " + l);
            if (s.rank() >= 2) {
                int a = (int) Math.floorMod(w.seed(), (long) s.rank());
                int b = (int) Math.floorMod(w.seed() >> 8, (long) s.rank());
                int[] swap = new int[s.rank()];
                for (int i = 0; i < swap.length; i++) {
                    swap[i] = i == a ? b : i == b ? a : i;
                }
                Naive.assertSame(t.permute(swap).copy(), t.transpose(a, b).copy(), "transpose(" + a + ", " + b + ") on " + l);
                Naive.assertSame(t.permute(swap).copy(), t.transpose(a - s.rank(), b).copy(), "transpose with a negative dim");
            }
        }
    }

    // ---------------------------------------------------------------- view, reshape

    /** A random shape with {@code numel} elements, rank 0..5, maybe with one -1. */
    static int[] randomShapeWithNumel(int[] shape, SplittableRandom rnd, boolean allowInfer) {
        int numel = Naive.numel(shape);
        int rank = rnd.nextInt(6);
        if (numel == 0) {
            int[] out = new int[Math.max(rank, 1)];
            for (int i = 0; i < out.length; i++) {
                out[i] = rnd.nextInt(4);
            }
            out[rnd.nextInt(out.length)] = 0;
            return out;
        }
        List<Integer> factors = new ArrayList<>();
        int n = numel;
        for (int f = 2; n > 1; f++) {
            while (n % f == 0) {
                factors.add(f);
                n /= f;
            }
        }
        if (rank == 0 && numel > 1) {
            rank = 1;
        }
        int[] out = new int[rank];
        Arrays.fill(out, 1);
        for (int f : factors) {
            out[rnd.nextInt(rank)] *= f;
        }
        if (allowInfer && rank > 0 && rnd.nextInt(3) == 0) {
            out[rnd.nextInt(rank)] = -1;
        }
        return out;
    }

    static int[] resolved(int[] requested, int numel) {
        int[] out = requested.clone();
        int known = 1;
        int unknown = -1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == -1) {
                unknown = i;
            } else {
                known *= out[i];
            }
        }
        if (unknown >= 0) {
            out[unknown] = numel / known;
        }
        return out;
    }

    /**
     * Brute-force oracle: {@code t} can be viewed as {@code shape} iff the storage positions of its
     * elements, in row-major order, are an affine function of the new multi-index.
     */
    static boolean viewable(Tensor t, int[] shape) {
        int n = t.numel();
        if (n <= 1) {
            return true;
        }
        int[] pos = new int[n];
        for (int e = 0; e < n; e++) {
            int[] idx = Naive.unravel(e, t.shape());
            int o = t.offset();
            for (int d = 0; d < idx.length; d++) {
                o += idx[d] * t.stride(d);
            }
            pos[e] = o;
        }
        int[] strides = new int[shape.length];
        for (int j = 0; j < shape.length; j++) {
            if (shape[j] > 1) {
                int[] unit = new int[shape.length];
                unit[j] = 1;
                strides[j] = pos[Naive.ravel(unit, shape)] - pos[0];
            }
        }
        for (int e = 0; e < n; e++) {
            int[] idx = Naive.unravel(e, shape);
            int o = pos[0];
            for (int j = 0; j < idx.length; j++) {
                o += idx[j] * strides[j];
            }
            if (o != pos[e]) {
                return false;
            }
        }
        return true;
    }

    @Property(seed = TensorArbitraries.SEED)
    void viewSucceedsExactlyWhenPossibleAndReshapeAlways(@ForAll("samples") WithSeed w) {
        Sample s = w.sample();
        SplittableRandom rnd = new SplittableRandom(w.seed());
        double[] data = s.logical().toDoubleArray();
        for (Layout l : s.layouts()) {
            Tensor t = l.tensor();
            for (int attempt = 0; attempt < 4; attempt++) {
                int[] requested = randomShapeWithNumel(s.shape(), rnd, true);
                int[] shape = resolved(requested, t.numel());
                String what = "view " + Arrays.toString(requested) + " of " + l;
                Tensor r = t.reshape(requested);
                assertArrayEquals(shape, r.shape(), "reshape " + what);
                assertArrayEquals(data, readAll(r), 0, "reshape keeps row-major order: " + what);
                if (viewable(t, shape)) {
                    Tensor v = t.view(requested);
                    assertArrayEquals(shape, v.shape(), what);
                    assertTrue(v.sharesStorage(t), "a view shares storage: " + what);
                    assertTrue(r.sharesStorage(t), "reshape is a view when one is possible: " + what);
                    assertArrayEquals(data, readAll(v), 0, what);
                    Naive.assertSame(s.logical(), v.view(s.shape()).copy(), "view back: " + what);
                } else {
                    TensorException e = assertThrows(TensorException.class, () -> t.view(requested), what);
                    assertTrue(e.getMessage().startsWith("view:"), e.getMessage());
                    assertTrue(e.getMessage().contains(Arrays.toString(s.shape())), e.getMessage());
                    assertTrue(e.getMessage().contains(Arrays.toString(shape)), e.getMessage());
                    assertFalse(r.sharesStorage(t), "reshape copies when a view is impossible: " + what);
                }
                if (l.name().equals("contiguous")) {
                    assertTrue(viewable(t, shape), "a contiguous tensor can always be viewed");
                }
            }
        }
    }

    // ---------------------------------------------------------------- narrow, slice, select

    @Property(seed = TensorArbitraries.SEED)
    void sliceNarrowSelectPickTheRightElements(@ForAll("samples") WithSeed w) {
        Sample s = w.sample();
        if (s.rank() == 0) {
            return;
        }
        SplittableRandom rnd = new SplittableRandom(w.seed());
        double[] data = s.logical().toDoubleArray();
        int d = rnd.nextInt(s.rank());
        int size = s.shape()[d];
        int start = rnd.nextInt(size + 1);
        int end = start + rnd.nextInt(size - start + 1);
        int step = 1 + rnd.nextInt(3);
        for (Layout l : s.layouts()) {
            Tensor t = l.tensor();
            Tensor sl = t.slice(d, start, end, step);
            assertEquals((end - start + step - 1) / step, sl.size(d));
            assertTrue(sl.sharesStorage(t));
            double[] got = readAll(sl);
            for (int e = 0; e < got.length; e++) {
                int[] idx = Naive.unravel(e, sl.shape());
                idx[d] = start + idx[d] * step;
                assertEquals(data[Naive.ravel(idx, s.shape())], got[e],
                        "slice(" + d + ", " + start + ", " + end + ", " + step + ") on " + l);
            }
            Naive.assertSame(t.slice(d, start, end, 1).copy(), t.narrow(d - s.rank(), start, end - start).copy(), "narrow = slice step 1");
            if (size > 0) {
                int i = rnd.nextInt(size);
                Tensor sel = t.select(d, i);
                assertEquals(s.rank() - 1, sel.dim());
                Naive.assertSame(t.narrow(d, i, 1).squeeze(d).copy(), sel.copy(), "select(" + d + ", " + i + ") on " + l);
                Naive.assertSame(sel.copy(), t.select(d, i - size).copy(), "select with a negative index");
            }
        }
    }

    @Property(seed = TensorArbitraries.SEED)
    void writesThroughAViewReachTheBase(@ForAll("samples") WithSeed w) {
        Sample s = w.sample();
        if (s.rank() == 0 || s.dtype() == DType.BOOL) {
            return;
        }
        SplittableRandom rnd = new SplittableRandom(w.seed());
        int d = rnd.nextInt(s.rank());
        int size = s.shape()[d];
        int start = rnd.nextInt(size + 1);
        int end = start + rnd.nextInt(size - start + 1);
        int step = 1 + rnd.nextInt(2);
        for (Layout l : s.writableLayouts()) {
            Tensor base = l.tensor();
            double[] before = base.toDoubleArray();
            Tensor view = base.slice(d, start, end, step).permute(randomPermutation(s.rank(), rnd));
            view.fill_(42);
            double[] after = base.toDoubleArray();
            for (int e = 0; e < after.length; e++) {
                int i = Naive.unravel(e, s.shape())[d];
                boolean inView = i >= start && i < end && (i - start) % step == 0;
                assertEquals(inView ? 42 : before[e], after[e], "base element " + e + " after fill_ of a view, " + l);
            }
            if (base.numel() > 0) {
                Tensor flat = base.reshape(-1);
                flat.set_(-7, 0);
                assertEquals(flat.sharesStorage(base) ? -7 : after[0], base.toDoubleArray()[0],
                        "set_ through a reshape reaches the base exactly when reshape made a view, " + l);
            }
        }
    }

    // ---------------------------------------------------------------- expand, squeeze, unsqueeze, flatten

    @Property(seed = TensorArbitraries.SEED)
    void expandRepeatsWithStrideZero(@ForAll("samples") WithSeed w) {
        Sample s = w.sample();
        Tensor small = s.small();
        double[] data = small.toDoubleArray();
        int lead = (int) Math.floorMod(w.seed(), 2L);
        int[] target = new int[s.rank() + lead];
        if (lead == 1) {
            target[0] = 3;
        }
        System.arraycopy(s.shape(), 0, target, lead, s.rank());
        int[] requested = target.clone();
        for (int d = 0; d < s.rank(); d++) {
            if (s.smallShape()[d] == s.shape()[d] && (w.seed() >> d & 1) == 1) {
                requested[d + lead] = -1; // -1 keeps a size
            }
        }
        for (Layout l : TensorLayouts.writable(small)) {
            Tensor e = l.tensor().expand(requested);
            assertArrayEquals(target, e.shape(), "expand " + Arrays.toString(requested) + " of " + l);
            assertTrue(e.sharesStorage(l.tensor()));
            for (int d = 0; d < target.length; d++) {
                if (d < lead || (s.smallShape()[d - lead] == 1 && target[d] != 1)) {
                    assertEquals(0, e.stride(d), "broadcast dim " + d + " has stride 0");
                }
            }
            double[] got = readAll(e);
            for (int i = 0; i < got.length; i++) {
                assertEquals(Naive.at(data, s.smallShape(), Naive.unravel(i, target)), got[i], "expand of " + l);
            }
            Naive.assertSame(e.copy(), l.tensor().broadcastTo(target).copy(), "broadcastTo = expand");
            if (e.numel() > 0) { // an empty expanded tensor may report either
                assertEquals(distinctPositions(e) < e.numel(), e.hasInternalOverlap(),
                        "hasInternalOverlap for strides " + Arrays.toString(e.strides()));
            }
        }
    }

    /** Number of distinct storage positions the elements of {@code t} occupy. */
    private static int distinctPositions(Tensor t) {
        int n = 0;
        for (boolean b : Naive.viewPositions(t)) {
            n += b ? 1 : 0;
        }
        return n;
    }

    @Property(seed = TensorArbitraries.SEED)
    void squeezeUnsqueezeFlattenRoundTrips(@ForAll("samples") WithSeed w) {
        Sample s = w.sample();
        SplittableRandom rnd = new SplittableRandom(w.seed());
        for (Layout l : s.layouts()) {
            Tensor t = l.tensor();
            int d = rnd.nextInt(s.rank() + 1);
            Tensor u = t.unsqueeze(d);
            assertEquals(1, u.size(d));
            assertEquals(s.rank() + 1, u.dim());
            assertTrue(u.sharesStorage(t));
            Naive.assertSame(s.logical(), u.squeeze(d).copy(), "unsqueeze(" + d + ").squeeze(" + d + ") on " + l);
            Naive.assertSame(s.logical(), t.unsqueeze(d - s.rank() - 1).squeeze(d).copy(), "unsqueeze with a negative dim");
            Tensor sq = t.squeeze();
            for (int size : sq.shape()) {
                assertTrue(size != 1, "squeeze() removes every size-1 dim: " + Arrays.toString(sq.shape()));
            }
            assertEquals(t.numel(), sq.numel());
            assertArrayEquals(s.logical().toDoubleArray(), readAll(sq), 0, "squeeze keeps the values");
            if (s.rank() > 0) {
                int k = rnd.nextInt(s.rank());
                if (s.shape()[k] != 1) {
                    assertSame(t, t.squeeze(k), "squeeze of a dim that is not 1 returns this tensor");
                }
                int e = k + rnd.nextInt(s.rank() - k);
                Tensor f = t.flatten(k, e);
                assertEquals(s.rank() - (e - k), f.dim());
                int merged = 1;
                for (int i = k; i <= e; i++) {
                    merged *= s.shape()[i];
                }
                assertEquals(merged, f.size(k), "flatten(" + k + ", " + e + ")");
                assertArrayEquals(s.logical().toDoubleArray(), readAll(f), 0, "flatten keeps row-major order");
            }
            Tensor flat = t.flatten();
            assertEquals(1, flat.dim());
            assertArrayEquals(s.logical().toDoubleArray(), readAll(flat), 0, "flatten() on " + l);
        }
    }

    // ---------------------------------------------------------------- contiguous

    @Property(seed = TensorArbitraries.SEED)
    void contiguousCopiesOnlyWhenNeeded(@ForAll("samples") WithSeed w) {
        Sample s = w.sample();
        Tensor fresh = s.logical();
        assertTrue(fresh.isContiguous());
        assertSame(fresh, fresh.contiguous(), "contiguous() of a fresh tensor is the tensor itself");
        assertSame(fresh.view(resolved(randomShapeWithNumel(s.shape(), new SplittableRandom(w.seed()), false), fresh.numel()))
                .contiguous().storage(), fresh.storage(), "a view of a whole contiguous tensor stays");
        for (Layout l : s.layouts()) {
            Tensor c = l.tensor().contiguous();
            assertTrue(c.isContiguous(), "contiguous() of " + l);
            assertEquals(0, c.offset());
            Naive.assertSame(fresh, c, "contiguous() keeps the values of " + l);
            if (!l.tensor().isContiguous()) {
                assertNotSame(l.tensor(), c);
                assertFalse(c.sharesStorage(l.tensor()), "contiguous() of a strided view copies: " + l);
            }
        }
    }

    // ---------------------------------------------------------------- golden cases

    @Example
    void goldenViews() {
        Tensor x = Tensor.arange(0, 6, 1).reshape(2, 3);
        assertArrayEquals(new int[] {3, 1}, x.strides());
        Tensor t = x.t();
        assertArrayEquals(new int[] {3, 2}, t.shape());
        assertArrayEquals(new int[] {1, 3}, t.strides());
        assertFalse(t.isContiguous());
        assertArrayEquals(new long[] {0, 3, 1, 4, 2, 5}, t.contiguous().toLongArray());
        assertArrayEquals(new long[] {1, 4}, x.select(1, 1).toLongArray());
        assertArrayEquals(new long[] {0, 2, 3, 5}, x.slice(1, 0, 3, 2).toLongArray());
        assertEquals(2, x.slice(1, 0, 3, 2).stride(1));
        assertEquals(4, x.narrow(1, 1, 2).offset() + x.narrow(0, 1, 1).offset(), "offsets 1 and 3");
        assertArrayEquals(new int[] {2, 1, 3}, x.unsqueeze(1).shape());
        assertArrayEquals(new int[] {1, 2, 3}, x.unsqueeze(-3).shape());
        assertArrayEquals(new int[] {4, 2, 3}, x.expand(4, 2, 3).shape());
        assertArrayEquals(new int[] {0, 3, 1}, x.expand(4, 2, 3).strides());
        assertArrayEquals(new int[] {3, 2}, x.view(3, -1).shape());
        assertArrayEquals(new int[] {6}, Tensor.zeros(1, 6, 1).squeeze().shape());
        assertArrayEquals(new int[] {2, 3}, Tensor.zeros(2, 3).squeeze(0).shape(), "squeeze of a non-1 dim is a no-op");
        assertArrayEquals(new int[] {1}, Tensor.scalar(FLOAT32, 1).flatten().shape());
        assertArrayEquals(new int[] {0, 3}, Tensor.zeros(0, 3).view(-1, 3).shape());
        assertEquals(0, Tensor.zeros(1, 1).view().dim(), "1-element tensors view as 0-d");
    }

    @Example
    void viewRefusesWhatOnlyACopyCanDo() {
        Tensor x = Tensor.zeros(FLOAT64, 2, 3).t();
        TensorException e = assertThrows(TensorException.class, () -> x.view(6));
        assertTrue(e.getMessage().startsWith("view:") && e.getMessage().contains("[3, 2]")
                && e.getMessage().contains("[6]"), e.getMessage());
        Tensor r = x.reshape(6);
        assertFalse(r.sharesStorage(x));
        Tensor expanded = Tensor.of(new double[] {1, 2, 3}).expand(2, 3);
        assertThrows(TensorException.class, () -> expanded.view(6));
        assertArrayEquals(new double[] {1, 2, 3, 1, 2, 3}, expanded.reshape(6).toDoubleArray());
        assertArrayEquals(new int[] {3, 2, 1}, x.view(3, 2, 1).shape(), "adding a size-1 dim is always a view");
    }

    @Example
    void contiguousOfContiguousIsThis() {
        Tensor x = Tensor.ones(2, 3);
        assertSame(x, x.contiguous());
        assertSame(x, x.to(FLOAT32));
        Tensor y = x.t().contiguous();
        assertSame(y, y.contiguous());
        assertNotSame(x, x.copy());
        assertNotSame(x.to(FLOAT64), x);
        Tensor scalarView = Tensor.ones(4).select(0, 2);
        assertEquals(1f, scalarView.contiguous().item());
        Tensor row = Tensor.ones(3, 4).narrow(0, 1, 1);
        assertTrue(row.isContiguous());
        Tensor c = row.contiguous();
        assertEquals(0, c.offset(), "contiguous() results start at storage offset 0");
        assertEquals(c.numel(), c.storage().length(), "and span their whole storage");
    }
}
