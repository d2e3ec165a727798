package org.bitspike.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import org.bitspike.tensor.TensorArbitraries.Sample;
import org.bitspike.tensor.TensorLayouts.Layout;
import org.bitspike.tensor.kernel.Parallel;

/**
 * {@link Iteration.Loop#forRange}, the piece behind parallel elementwise ops: ranges that tile
 * {@code [0, count)}, cut anywhere (inside runs, at run ends), visit exactly the elements of {@link
 * Iteration.Loop#forEach} in the same order with the same offsets; and large elementwise ops give
 * the same tensor on a 1- and a 2-thread pool.
 */
class IterationRangeTest {

    /** Every (element offsets) visited, flattened: operand k of element i at [i * operands + k]. */
    private static List<Integer> visits(Iteration.Loop loop, int[] base, long[] cuts) {
        List<Integer> out = new ArrayList<>();
        int operands = base.length;
        for (int c = 0; c + 1 < cuts.length; c++) {
            loop.forRange(base, cuts[c], cuts[c + 1], (off, n) -> {
                for (int i = 0; i < n; i++) {
                    for (int k = 0; k < operands; k++) {
                        out.add(off[k] + i * loop.innerStride(k));
                    }
                }
            });
        }
        return out;
    }

    @Property(seed = TensorArbitraries.SEED)
    void rangesThatTileVisitWhatForEachVisits(@ForAll("layouts") Sample s, @ForAll @IntRange(min = 1, max = 7) int pieces,
                                              @ForAll long cutSeed) {
        Tensor x = s.logical();
        SplittableRandom rnd = new java.util.SplittableRandom(cutSeed);
        for (Layout l : s.layouts()) {
            Tensor t = l.tensor();
            Iteration.Loop loop = Iteration.plan(t.shapeRef(), x.stridesRef(), t.stridesRef());
            int[] base = {0, t.offset()};
            long count = loop.count();
            assertEquals(x.numel(), count);
            long[] cuts = new long[pieces + 1];
            for (int i = 1; i < pieces; i++) {
                cuts[i] = count == 0 ? 0 : rnd.nextLong(count + 1);
            }
            cuts[pieces] = count;
            Arrays.sort(cuts);
            assertEquals(visits(loop, base, new long[] {0, count}), visits(loop, base, cuts), l + " cut at "
                    + Arrays.toString(cuts));
        }
    }

    @Provide
    Arbitrary<Sample> layouts() {
        return TensorArbitraries.samples(FastPathsTest.tailShapes(), false, DType.FLOAT32);
    }

    @Example
    void largeElementwiseOpsAreTheSameOnOneAndTwoThreads() {
        Tensor x = Tensor.randn(RandomKey.of(11), 8, 31, 33, 37);
        Tensor stepped = TensorLayouts.stepped(x);
        Tensor ch = Tensor.randn(RandomKey.of(12), 1, 31, 1, 1);
        try (Parallel one = Parallel.of(1); Parallel two = Parallel.of(2)) {
            for (Tensor t : new Tensor[] {x, stepped, TensorLayouts.permuted(x)}) {
                Iteration.Loop loop = Iteration.plan(t.shapeRef(), Shapes.contiguousStrides(t.shapeRef()), t.stridesRef());
                float[] src = t.storage().floats();
                float[] a = new float[t.numel()];
                float[] b = new float[t.numel()];
                int as = loop.innerStride(1);
                loop.forEach(one, new int[] {0, t.offset()}, (off, n) -> {
                    for (int i = 0; i < n; i++) {
                        a[off[0] + i] = src[off[1] + i * as] * 2 + 1;
                    }
                });
                loop.forEach(two, new int[] {0, t.offset()}, (off, n) -> {
                    for (int i = 0; i < n; i++) {
                        b[off[0] + i] = src[off[1] + i * as] * 2 + 1;
                    }
                });
                assertEquals(Arrays.toString(a), Arrays.toString(b));
                Naive.assertSame(x.mul(ch).add(ch), t.mul(ch).add(ch), "mul/add on a " + Arrays.toString(t.strides())
                        + " layout");
            }
        }
    }
}
