package org.bitspike.tensor;

import static org.bitspike.tensor.DType.FLOAT32;
import static org.bitspike.tensor.DType.FLOAT64;
import static org.bitspike.tensor.DType.INT32;
import static org.bitspike.tensor.DType.INT64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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

/** gather, scatterAdd, indexSelect, oneHot, cat, stack and split on every layout against naive references. */
class IndexingTest {

    /** An input sample, a dim, an index tensor's shape and the seed of its values. */
    record Gather(Sample input, int dim, int[] indexShape, DType indexType, long seed) {
        Tensor index(int bound) {
            SplittableRandom rnd = new SplittableRandom(seed);
            long[] v = new long[Naive.numel(indexShape)];
            for (int i = 0; i < v.length; i++) {
                v[i] = rnd.nextInt(bound);
            }
            return Tensor.of(v).reshape(indexShape).to(indexType);
        }

        int size() {
            return input.shape()[dim];
        }

        @Override
        public String toString() {
            return input + " dim " + dim + " index " + indexType + " " + Arrays.toString(indexShape) + " seed " + seed;
        }
    }

    /** Index shapes no larger than the input's except along dim (and empty along dim if the input is). */
    @Provide
    Arbitrary<Gather> gathers() {
        return TensorArbitraries.samples(TensorArbitraries.shapes(1, 4), false, TensorArbitraries.ALL_DTYPES)
                .flatMap(s -> Combinators.combine(
                        Arbitraries.integers().between(0, s.rank() - 1),
                        Arbitraries.integers().between(0, 5).list().ofSize(s.rank()),
                        Arbitraries.of(INT64, INT32),
                        Arbitraries.longs().withoutEdgeCases())
                        .as((d, sizes, type, seed) -> {
                            int[] shape = new int[s.rank()];
                            for (int i = 0; i < shape.length; i++) {
                                shape[i] = i == d ? (s.shape()[d] == 0 ? 0 : sizes.get(i))
                                        : Math.min(sizes.get(i), s.shape()[i]);
                            }
                            return new Gather(s, d, shape, type, seed);
                        }));
    }

    @Property(seed = TensorArbitraries.SEED)
    void gatherOnEveryLayoutMatchesReference(@ForAll("gathers") Gather g) {
        Sample s = g.input();
        double[] data = s.logical().toDoubleArray();
        Tensor index = g.index(Math.max(g.size(), 1));
        long[] idx = index.toLongArray();
        double[] expected = new double[idx.length];
        for (int e = 0; e < idx.length; e++) {
            int[] pos = Naive.unravel(e, g.indexShape());
            pos[g.dim()] = (int) idx[e];
            expected[e] = data[Naive.ravel(pos, s.shape())];
        }
        List<Layout> ts = s.layouts();
        List<Layout> is = TensorLayouts.writable(index);
        for (int i = 0; i < ts.size(); i++) {
            Layout lt = ts.get(i);
            Layout li = is.get(i % is.size());
            Naive.assertValues(expected, g.indexShape(), s.dtype(), lt.tensor().gather(g.dim(), li.tensor()),
                    "gather on " + lt + " with index " + li + ", " + g);
            Naive.assertValues(expected, g.indexShape(), s.dtype(), lt.tensor().gather(g.dim() - s.rank(), li.tensor()),
                    "gather with negative dim on " + lt + ", " + g);
        }
    }

    /** scatterAdd: self sample, dim, index shape (<= self except along dim, <= src), src sample. */
    record Scatter(Gather g, int[] srcShape, long srcSeed) {
        @Override
        public String toString() {
            return g + " src " + Arrays.toString(srcShape);
        }
    }

    @Provide
    Arbitrary<Scatter> scatters() {
        return TensorArbitraries.samples(TensorArbitraries.shapes(1, 4), false, TensorArbitraries.NUMERIC)
                .flatMap(s -> Combinators.combine(
                        Arbitraries.integers().between(0, s.rank() - 1),
                        Arbitraries.integers().between(0, 5).list().ofSize(s.rank()),
                        Arbitraries.integers().between(0, 2).list().ofSize(s.rank()),
                        Arbitraries.of(INT64, INT32),
                        Arbitraries.longs().withoutEdgeCases())
                        .as((d, sizes, extra, type, seed) -> {
                            int[] shape = new int[s.rank()];
                            int[] src = new int[s.rank()];
                            for (int i = 0; i < shape.length; i++) {
                                shape[i] = i == d ? (s.shape()[d] == 0 ? 0 : sizes.get(i))
                                        : Math.min(sizes.get(i), s.shape()[i]);
                                src[i] = shape[i] + extra.get(i);
                            }
                            return new Scatter(new Gather(s, d, shape, type, seed), src, seed + 1);
                        }));
    }

    @Property(seed = TensorArbitraries.SEED)
    void scatterAddAccumulatesDuplicatesOnEveryLayout(@ForAll("scatters") Scatter sc) {
        Gather g = sc.g();
        Sample s = g.input();
        DType dtype = s.dtype();
        // few distinct targets, so most index entries are duplicates
        Tensor index = g.index(Math.max(1, Math.min(g.size(), 2)));
        Tensor src = TensorArbitraries.random(dtype, sc.srcShape(), sc.srcSeed(), false);
        double[] expected = s.logical().toDoubleArray();
        double[] srcData = src.toDoubleArray();
        long[] idx = index.toLongArray();
        for (int e = 0; e < idx.length; e++) {
            int[] pos = Naive.unravel(e, g.indexShape());
            double v = srcData[Naive.ravel(pos, sc.srcShape())];
            pos[g.dim()] = (int) idx[e];
            int to = Naive.ravel(pos, s.shape());
            expected[to] = Naive.round(dtype, expected[to] + v);
        }
        List<Layout> srcs = TensorLayouts.writable(src);
        List<Layout> idxs = TensorLayouts.writable(index);
        int k = 0;
        for (Layout l : s.layouts()) {
            Layout ls = srcs.get(k % srcs.size());
            Layout li = idxs.get(k++ % idxs.size());
            Tensor before = l.tensor().copy();
            Tensor r = l.tensor().scatterAdd(g.dim(), li.tensor(), ls.tensor());
            Naive.assertValues(expected, s.shape(), dtype, r, "scatterAdd on " + l + " src " + ls + " index " + li + ", " + sc);
            Naive.assertSame(before, l.tensor(), "scatterAdd leaves its input alone");
        }
        for (Layout l : s.writableLayouts()) {
            Tensor self = l.tensor();
            int version = self.version();
            double[] storageBefore = Naive.storageValues(self);
            Tensor r = self.scatterAdd_(g.dim(), index, src);
            assertTrue(r == self, "scatterAdd_ returns this");
            Naive.assertValues(expected, s.shape(), dtype, self, "scatterAdd_ on " + l + ", " + sc);
            Naive.assertOnlyViewWritten(storageBefore, self, "scatterAdd_ on " + l);
            assertTrue(self.version() > version, "scatterAdd_ bumps the version");
        }
    }

    record Select(Sample input, int dim, long[] index) {
        @Override
        public String toString() {
            return input + " dim " + dim + " index " + Arrays.toString(index);
        }
    }

    @Provide
    Arbitrary<Select> selections() {
        return TensorArbitraries.samples(TensorArbitraries.shapes(1, 4), false, TensorArbitraries.ALL_DTYPES)
                .flatMap(s -> Arbitraries.integers().between(0, s.rank() - 1).flatMap(d -> {
                    int size = s.shape()[d];
                    Arbitrary<List<Long>> idx = size == 0 ? Arbitraries.just(List.of())
                            : Arbitraries.longs().between(0, size - 1).list().ofMaxSize(6);
                    return idx.map(list -> new Select(s, d, list.stream().mapToLong(Long::longValue).toArray()));
                }));
    }

    @Property(seed = TensorArbitraries.SEED)
    void indexSelectOnEveryLayoutMatchesReference(@ForAll("selections") Select sel) {
        Sample s = sel.input();
        int[] outShape = s.shape().clone();
        outShape[sel.dim()] = sel.index().length;
        double[] data = s.logical().toDoubleArray();
        double[] expected = new double[Naive.numel(outShape)];
        for (int e = 0; e < expected.length; e++) {
            int[] pos = Naive.unravel(e, outShape);
            pos[sel.dim()] = (int) sel.index()[pos[sel.dim()]];
            expected[e] = data[Naive.ravel(pos, s.shape())];
        }
        Tensor index = Tensor.of(sel.index());
        for (Layout l : s.layouts()) {
            Naive.assertValues(expected, outShape, s.dtype(), l.tensor().indexSelect(sel.dim(), index), "indexSelect on " + l + ", " + sel);
            Naive.assertValues(expected, outShape, s.dtype(), l.tensor().indexSelect(sel.dim(), index.to(INT32)),
                    "indexSelect with INT32 index on " + l + ", " + sel);
        }
    }

    @Property(seed = TensorArbitraries.SEED)
    void oneHotMatchesReference(@ForAll("labelShapes") int[] shape, @ForAll("seeds") long seed) {
        int classes = 1 + (int) Math.floorMod(seed, 5L);
        SplittableRandom rnd = new SplittableRandom(seed);
        long[] labels = new long[Naive.numel(shape)];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = rnd.nextInt(classes);
        }
        Tensor l = Tensor.of(labels).reshape(shape);
        int[] outShape = Arrays.copyOf(shape, shape.length + 1);
        outShape[shape.length] = classes;
        double[] expected = new double[labels.length * classes];
        for (int i = 0; i < labels.length; i++) {
            expected[i * classes + (int) labels[i]] = 1;
        }
        for (Layout layout : TensorLayouts.writable(l)) {
            Naive.assertValues(expected, outShape, FLOAT32, Tensor.oneHot(layout.tensor(), classes), "oneHot on " + layout);
            Naive.assertValues(expected, outShape, FLOAT32, Tensor.oneHot(layout.tensor().to(INT32), classes), "oneHot INT32");
        }
    }

    @Provide
    Arbitrary<int[]> labelShapes() {
        return TensorArbitraries.shapes(0, 3);
    }

    @Provide
    Arbitrary<Long> seeds() {
        return Arbitraries.longs().withoutEdgeCases();
    }

    // ---------------------------------------------------------------- cat, stack, split

    record Pieces(Sample input, int dim, int[] sizes) {
        @Override
        public String toString() {
            return input + " dim " + dim + " pieces " + Arrays.toString(sizes);
        }
    }

    /** A sample of rank >= 1, a dim and piece sizes (zeros allowed) that sum to the dim's size. */
    @Provide
    Arbitrary<Pieces> pieces() {
        return TensorArbitraries.samples(TensorArbitraries.shapes(1, 4), false, TensorArbitraries.ALL_DTYPES)
                .flatMap(s -> Combinators.combine(
                        Arbitraries.integers().between(0, s.rank() - 1),
                        Arbitraries.longs().withoutEdgeCases())
                        .as((d, seed) -> {
                            SplittableRandom rnd = new SplittableRandom(seed);
                            List<Integer> sizes = new ArrayList<>();
                            int left = s.shape()[d];
                            do {
                                int p = rnd.nextInt(left + 1);
                                sizes.add(p);
                                left -= p;
                            } while (left > 0 || rnd.nextInt(4) == 0);
                            return new Pieces(s, d, sizes.stream().mapToInt(Integer::intValue).toArray());
                        }));
    }

    @Property(seed = TensorArbitraries.SEED)
    void splitThenCatIsTheIdentity(@ForAll("pieces") Pieces p) {
        Sample s = p.input();
        Tensor logical = s.logical();
        for (Layout l : s.layouts()) {
            Tensor[] parts = l.tensor().split(p.sizes(), p.dim());
            assertEquals(p.sizes().length, parts.length);
            for (int i = 0; i < parts.length; i++) {
                assertEquals(p.sizes()[i], parts[i].size(p.dim()), "piece " + i);
                assertTrue(parts[i].sharesStorage(l.tensor()), "split returns views");
            }
            Naive.assertSame(logical, Tensor.cat(p.dim(), parts), "cat(split) on " + l + ", " + p);
            Naive.assertSame(logical, Tensor.cat(p.dim() - s.rank(), parts), "cat(split) with negative dim on " + l);
            int size = Math.max(1, p.sizes()[0]);
            Tensor[] even = l.tensor().split(size, p.dim());
            for (int i = 0; i < even.length - 1; i++) {
                assertEquals(size, even[i].size(p.dim()), "split(size): all pieces but the last have size " + size);
            }
            Naive.assertSame(logical, Tensor.cat(p.dim(), even), "cat(split(" + size + ")) on " + l + ", " + p);
        }
    }

    @Property(seed = TensorArbitraries.SEED)
    void stackThenSelectGivesThePieces(@ForAll("stackable") List<Sample> samples, @ForAll("seeds") long seed) {
        int rank = samples.get(0).rank();
        int dim = (int) Math.floorMod(seed, (long) rank + 1);
        List<Tensor> tensors = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            List<Layout> ls = samples.get(i).layouts();
            tensors.add(ls.get(i % ls.size()).tensor());
        }
        Tensor stacked = Tensor.stack(dim, tensors.toArray(new Tensor[0]));
        int[] expectedShape = new int[rank + 1];
        for (int d = 0, k = 0; d <= rank; d++) {
            expectedShape[d] = d == dim ? tensors.size() : samples.get(0).shape()[k++];
        }
        assertArrayEquals(expectedShape, stacked.shape());
        DType promoted = DType.BOOL;
        for (Tensor t : tensors) {
            promoted = DType.promote(promoted, t.dtype());
        }
        assertEquals(promoted, stacked.dtype(), "stack promotes like cat");
        for (int i = 0; i < tensors.size(); i++) {
            Naive.assertSame(tensors.get(i).to(promoted).copy(), stacked.select(dim, i), "stack(" + dim + ") then select " + i);
        }
        Tensor negative = Tensor.stack(dim - rank - 1, tensors.toArray(new Tensor[0]));
        Naive.assertSame(stacked, negative, "stack with a negative dim");
    }

    @Provide
    Arbitrary<List<Sample>> stackable() {
        return TensorArbitraries.shapes().flatMap(shape ->
                TensorArbitraries.samplesOf(shape, false, TensorArbitraries.ALL_DTYPES).list().ofMinSize(1).ofMaxSize(4));
    }

    // ---------------------------------------------------------------- golden cases

    @Example
    void goldenGatherAndScatterAdd() {
        Tensor t = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor idx = Tensor.of(new long[] {2, 0, 1, 1}, 2, 2);
        assertArrayEquals(new float[] {3, 1, 5, 5}, t.gather(1, idx).toFloatArray());
        assertArrayEquals(new float[] {4, 2, 1, 5}, t.gather(0, Tensor.of(new long[] {1, 0, 0, 1}, 2, 2)).toFloatArray());

        Tensor acc = Tensor.zeros(FLOAT64, 3);
        acc.scatterAdd_(0, Tensor.of(new long[] {0, 0, 2, 0}), Tensor.of(new double[] {1, 2, 3, 4}));
        assertArrayEquals(new double[] {7, 0, 3}, acc.toDoubleArray(), "duplicates accumulate");
        Tensor counts = Tensor.zeros(INT64, 2).scatterAdd(0, Tensor.of(new int[] {1, 1, 1}), Tensor.ones(INT64, 3));
        assertArrayEquals(new long[] {0, 3}, counts.toLongArray());
        Tensor rows = Tensor.zeros(2, 2).scatterAdd(0, Tensor.of(new long[] {1, 0}, 1, 2), Tensor.of(new float[] {5, 6}, 1, 2));
        assertArrayEquals(new float[] {0, 6, 5, 0}, rows.toFloatArray());
    }

    @Example
    void gatherOfAZeroDimensionalTensor() {
        Tensor s = Tensor.scalar(FLOAT32, 4);
        assertEquals(4f, s.gather(0, Tensor.scalar(INT64, 0)).item());
        assertEquals(0, s.gather(0, Tensor.scalar(INT64, 0)).dim());
        assertEquals(6f, s.scatterAdd(-1, Tensor.scalar(INT32, 0), Tensor.scalar(FLOAT32, 2)).item());
    }

    @Example
    void goldenIndexSelectOneHot() {
        Tensor t = Tensor.of(new int[] {1, 2, 3, 4, 5, 6}, 3, 2);
        assertArrayEquals(new int[] {5, 6, 1, 2, 5, 6}, t.indexSelect(0, Tensor.of(new long[] {2, 0, 2})).toIntArray());
        assertArrayEquals(new int[] {2, 4, 6}, t.indexSelect(1, Tensor.of(new int[] {1})).toIntArray());
        assertArrayEquals(new int[] {0, 2}, t.indexSelect(0, Tensor.zeros(INT64, 0)).shape());
        Tensor oh = Tensor.oneHot(Tensor.of(new long[] {2, 0}), 3);
        assertArrayEquals(new int[] {2, 3}, oh.shape());
        assertEquals(FLOAT32, oh.dtype());
        assertArrayEquals(new float[] {0, 0, 1, 1, 0, 0}, oh.toFloatArray());
    }

    @Example
    void goldenCatStackSplit() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        Tensor b = Tensor.of(new float[] {5, 6}, 1, 2);
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, Tensor.cat(0, a, b).toFloatArray());
        assertArrayEquals(new float[] {1, 2, 1, 3, 4, 3}, Tensor.cat(1, a, a.narrow(1, 0, 1)).toFloatArray());
        assertEquals(FLOAT64, Tensor.cat(0, a, b.to(FLOAT64)).dtype(), "cat promotes");
        Tensor s = Tensor.stack(1, Tensor.of(new float[] {1, 2}), Tensor.of(new float[] {3, 4}));
        assertArrayEquals(new int[] {2, 2}, s.shape());
        assertArrayEquals(new float[] {1, 3, 2, 4}, s.toFloatArray());
        Tensor[] parts = Tensor.arange(7).split(3, 0);
        assertEquals(3, parts.length);
        assertArrayEquals(new long[] {6}, parts[2].toLongArray(), "the last piece is smaller");
        Tensor[] sized = Tensor.arange(5).split(new int[] {2, 0, 3}, 0);
        assertArrayEquals(new long[] {2, 3, 4}, sized[2].toLongArray());
        assertEquals(0, sized[1].numel());
        Tensor[] ofEmpty = Tensor.zeros(0, 2).split(2, 0);
        assertEquals(1, ofEmpty.length, "an empty dim splits into one empty piece");
    }

    @Example
    void gatherAndIndexSelectCopy() {
        Tensor t = Tensor.of(new double[] {1, 2, 3});
        Tensor g = t.gather(0, Tensor.of(new long[] {0}));
        Tensor i = t.indexSelect(0, Tensor.of(new long[] {0}));
        t.set_(9, 0);
        assertEquals(1.0, g.getDouble(0));
        assertEquals(1.0, i.getDouble(0));
        assertEquals(FLOAT64, i.dtype());
    }
}
