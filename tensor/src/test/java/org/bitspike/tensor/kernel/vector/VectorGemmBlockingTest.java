package org.bitspike.tensor.kernel.vector;

import static org.bitspike.tensor.kernel.GemmFixtures.assertBitIdentical;
import static org.bitspike.tensor.kernel.GemmFixtures.assertMatches;
import static org.bitspike.tensor.kernel.GemmFixtures.sgemm;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.bitspike.tensor.kernel.FloatMatrixSource;
import org.bitspike.tensor.kernel.GemmFixtures.Layout;
import org.bitspike.tensor.kernel.GemmFixtures.Mat;
import org.bitspike.tensor.kernel.GemmFixtures.Out;
import org.bitspike.tensor.kernel.GemmFixtures.Reference;
import org.bitspike.tensor.kernel.Parallel;
import org.junit.jupiter.api.Test;

/**
 * {@link VectorGemm} with every tile width and with tiny block sizes, so that small products
 * already cross depth blocks, passes in every direction, tile splitting and edge tiles, and run
 * on worker threads (no inline threshold). See {@code GemmTest} for the tolerance.
 */
class VectorGemmBlockingTest {
    private static Parallel one;
    private static Parallel two;

    @BeforeContainer
    static void pools() {
        one = Parallel.of(1);
        two = Parallel.of(2);
    }

    @AfterContainer
    static void closePools() {
        one.close();
        two.close();
    }

    /** Blockings from degenerate (every block one step) to merely small. */
    private static final VectorGemm.Blocking[] BLOCKINGS = {
        new VectorGemm.Blocking(1, 1, 1, 1, 1, 1, 1, 1, 1, 0),
        new VectorGemm.Blocking(5, 8, 1, 64, 12, 40, 1500, 1, 7, 0),
        new VectorGemm.Blocking(3, 4, 100, 3, 9, 130, 1, 100, 1000, 0),
        new VectorGemm.Blocking(16, 12, 64, 8, 1 << 20, 1 << 20, 1 << 20, 200, 1 << 20, 0),
        VectorGemm.Blocking.TUNED,
    };

    @Provide
    Arbitrary<VectorGemm.Blocking> blockings() {
        return Arbitraries.of(BLOCKINGS);
    }

    @Provide
    Arbitrary<Integer> tileVectors() {
        return Arbitraries.of(1, 2, 4);
    }

    /**
     * Random shapes, layouts, blockings and tile widths: within the FLOAT64 bound, untouched
     * outside C's window, bit-identical on 1 and 2 threads and through the source overload, staged
     * or copied straight into the packed layout.
     */
    @Property(tries = 150, seed = "20240611")
    void matchesReferenceForAnyBlocking(@ForAll @IntRange(min = 0, max = 70) int m,
                                        @ForAll @IntRange(min = 0, max = 150) int n,
                                        @ForAll @IntRange(min = 0, max = 40) int k,
                                        @ForAll Layout la, @ForAll Layout lb, @ForAll boolean accumulate,
                                        @ForAll("blockings") VectorGemm.Blocking blocking,
                                        @ForAll("tileVectors") int nv, @ForAll long seed) {
        check(new VectorGemm(nv, blocking), m, n, k, la, lb, accumulate, new Random(seed));
    }

    /** The same on larger shapes. */
    @Tag("slow")
    @Property(tries = 60, seed = "777")
    void matchesReferenceOnLargerShapes(@ForAll @IntRange(min = 1, max = 400) int m,
                                        @ForAll @IntRange(min = 1, max = 700) int n,
                                        @ForAll @IntRange(min = 1, max = 900) int k,
                                        @ForAll Layout la, @ForAll Layout lb, @ForAll boolean accumulate,
                                        @ForAll("blockings") VectorGemm.Blocking blocking,
                                        @ForAll("tileVectors") int nv, @ForAll long seed) {
        check(new VectorGemm(nv, blocking), m, n, k, la, lb, accumulate, new Random(seed));
    }

    private static void check(VectorGemm gemm, int m, int n, int k, Layout la, Layout lb, boolean accumulate,
                              Random rnd) {
        Mat a = Mat.random(m, k, la, rnd);
        Mat b = Mat.random(k, n, lb, rnd);
        Out before = Out.random(m, n, rnd);
        String what = "sgemm " + a + " * " + b + (accumulate ? " accumulate" : "");
        Out single = before.copy();
        sgemm(gemm, a, b, single, accumulate, one);
        assertMatches(Reference.of(a, b, before, accumulate), 1, single, before, what);
        Out dual = before.copy();
        sgemm(gemm, a, b, dual, accumulate, two);
        assertBitIdentical(single, dual, what + ", 1 vs 2 threads");
        Out source = before.copy();
        sgemm(gemm, a, b.source(), source, accumulate, two);
        assertBitIdentical(single, source, what + ", array vs source");
        Out packed = before.copy();
        sgemm(gemm, a, packedCopies(b.source()), packed, accumulate, two);
        assertBitIdentical(single, packed, what + ", array vs source that copies packed");
    }

    /**
     * {@code source} with a {@link FloatMatrixSource#copyPacked} written element by element from the
     * contract, so GEMM takes the direct packing route; each call's blocks and sliver layout are
     * then exercised by every blocking and tile width.
     */
    private static FloatMatrixSource packedCopies(FloatMatrixSource source) {
        return new FloatMatrixSource() {
            @Override
            public int rows() {
                return source.rows();
            }

            @Override
            public int cols() {
                return source.cols();
            }

            @Override
            public void copyBlock(int row0, int rowCount, int col0, int colCount,
                                  float[] dst, int dstOff, int dstRowStride, int dstColStride) {
                throw new AssertionError("GEMM staged a source that copies packed blocks");
            }

            @Override
            public boolean copyPacked(int row0, int rowCount, int col0, int colCount, int nr,
                                      float[] dst, int dOff, int sliverStride) {
                float[] one = new float[1];
                int padded = (colCount + nr - 1) / nr * nr;
                for (int p = 0; p < rowCount; p++) {
                    for (int j = 0; j < padded; j++) {
                        float v = 0f;
                        if (j < colCount) {
                            source.copyBlock(row0 + p, 1, col0 + j, 1, one, 0, 1, 1);
                            v = one[0];
                        }
                        dst[dOff + j / nr * sliverStride + p * nr + j % nr] = v;
                    }
                }
                return true;
            }
        };
    }

    @Test
    void rejectsBadConfiguration() {
        assertThrows(IllegalArgumentException.class, () -> new VectorGemm(3, VectorGemm.Blocking.TUNED));
        assertThrows(IllegalArgumentException.class, () -> new VectorGemm(8, VectorGemm.Blocking.TUNED));
        assertThrows(IllegalArgumentException.class, () -> new VectorGemm.Blocking(0, 1, 1, 1, 1, 1, 1, 1, 1, 0));
    }
}
