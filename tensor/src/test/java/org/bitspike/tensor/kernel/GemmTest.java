package org.bitspike.tensor.kernel;

import static org.bitspike.tensor.kernel.GemmFixtures.assertBitIdentical;
import static org.bitspike.tensor.kernel.GemmFixtures.assertMatches;
import static org.bitspike.tensor.kernel.GemmFixtures.assertOutsideUntouched;
import static org.bitspike.tensor.kernel.GemmFixtures.sgemm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.bitspike.tensor.kernel.GemmFixtures.Layout;
import org.bitspike.tensor.kernel.GemmFixtures.Mat;
import org.bitspike.tensor.kernel.GemmFixtures.Out;
import org.bitspike.tensor.kernel.GemmFixtures.Reference;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * FLOAT32 GEMM of the Vector API provider against the scalar oracle, a FLOAT64 reference and EJML.
 *
 * <p>Tolerance: each element must lie within {@link Reference}'s bound of the FLOAT64 value,
 * {@code 2 (2k + 2) 2^-24 (|C0| + sum_p |A B|)}, which grows with k and with the magnitude of the
 * terms; two float results are compared within the sum of their bounds. Bit-identity is demanded
 * where the design promises it: across thread counts and between the array and source overloads.
 */
class GemmTest {
    /** Sizes that hit every tail of a 4-row, 16- or 64-column tile and of the depth blocks. */
    private static final int[] SIZES = {1, 3, 7, 13, 31, 64, 207};

    private static final Gemm VECTOR = KernelProvider.lookup("vector").provider().gemm();
    private static final Gemm SCALAR = KernelProvider.scalar().gemm();

    private static Parallel one;
    private static Parallel two;

    @BeforeAll
    static void pools() {
        one = Parallel.of(1);
        two = Parallel.of(2);
    }

    @AfterAll
    static void closePools() {
        one.close();
        two.close();
    }

    @Test
    void vectorProviderIsTheVectorApi() {
        assertEquals("vector", KernelProvider.lookup("vector").provider().name());
    }

    static Stream<Arguments> tailShapes() {
        List<Arguments> shapes = new ArrayList<>();
        for (int m : SIZES) {
            for (int n : SIZES) {
                for (int k : SIZES) {
                    shapes.add(Arguments.of(m, n, k));
                }
            }
        }
        return shapes.stream();
    }

    /** Every combination of tail sizes, row-major operands, overwrite and accumulate. */
    @ParameterizedTest(name = "{0}x{2} * {2}x{1}")
    @MethodSource("tailShapes")
    void vectorMatchesScalarOnEveryTail(int m, int n, int k) {
        Random rnd = new Random(1000L * m + 31L * n + k);
        for (boolean accumulate : new boolean[] {false, true}) {
            compareWithScalar(rnd, m, n, k, Layout.ROW_MAJOR, Layout.ROW_MAJOR, accumulate, two);
        }
    }

    static Stream<Arguments> longShapes() {
        return Stream.of(
                Arguments.of(4098, 7, 13), Arguments.of(13, 4098, 7), Arguments.of(7, 13, 4098),
                Arguments.of(3, 4098, 31), Arguments.of(31, 3, 4098), Arguments.of(4098, 1, 3));
    }

    /** 4098 in one dimension: crosses the tuned pass sizes and many depth blocks. */
    @ParameterizedTest(name = "{0}x{2} * {2}x{1}")
    @MethodSource("longShapes")
    void vectorMatchesScalarWithOneLongDimension(int m, int n, int k) {
        Random rnd = new Random(7L * m + 3L * n + k);
        compareWithScalar(rnd, m, n, k, Layout.ROW_MAJOR, Layout.ROW_MAJOR, true, two);
        compareWithScalar(rnd, m, n, k, Layout.COLUMN_MAJOR, Layout.PADDED_COLUMNS, false, two);
    }

    /** Transposed, padded and fully strided A and B, with offsets, overwrite and accumulate. */
    @Test
    void vectorMatchesScalarOnEveryLayout() {
        Random rnd = new Random(42);
        int[][] shapes = {{13, 207, 31}, {64, 31, 207}, {7, 3, 64}, {31, 70, 1}};
        for (int[] s : shapes) {
            for (Layout la : Layout.values()) {
                for (Layout lb : Layout.values()) {
                    compareWithScalar(rnd, s[0], s[1], s[2], la, lb, rnd.nextBoolean(), two);
                }
            }
        }
    }

    private static void compareWithScalar(Random rnd, int m, int n, int k, Layout la, Layout lb,
                                          boolean accumulate, Parallel parallel) {
        Mat a = Mat.random(m, k, la, rnd);
        Mat b = Mat.random(k, n, lb, rnd);
        Out before = Out.random(m, n, rnd);
        String what = "sgemm " + a + " * " + b + (accumulate ? " accumulate" : "");
        Reference ref = Reference.of(a, b, before, accumulate);
        Out vector = before.copy();
        sgemm(VECTOR, a, b, vector, accumulate, parallel);
        Out scalar = before.copy();
        sgemm(SCALAR, a, b, scalar, accumulate, parallel);
        assertMatches(ref, 1, vector, before, "vector " + what);
        assertMatches(ref, 1, scalar, before, "scalar " + what);
        // vector vs scalar directly: within the sum of the two bounds
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double tol = 2 * ref.bound()[i * n + j];
                float v = vector.get(i, j);
                float s = scalar.get(i, j);
                if (!(Math.abs(v - s) <= tol)) {
                    throw new AssertionError(what + ": C[" + i + ", " + j + "] vector " + v + " vs scalar " + s
                            + " differ by more than " + tol);
                }
            }
        }
    }

    /** k = 0: C is zeroed when overwriting and left alone when accumulating; m or n = 0 touch nothing. */
    @Test
    void emptyProducts() {
        Random rnd = new Random(5);
        for (Gemm gemm : new Gemm[] {VECTOR, SCALAR}) {
            Mat a = Mat.random(13, 0, Layout.ROW_MAJOR, rnd);
            Mat b = Mat.random(0, 31, Layout.ROW_MAJOR, rnd);
            Out before = Out.random(13, 31, rnd);
            Out overwritten = before.copy();
            sgemm(gemm, a, b, overwritten, false, two);
            for (int i = 0; i < 13; i++) {
                for (int j = 0; j < 31; j++) {
                    assertEquals(0f, overwritten.get(i, j), "k = 0 overwrite: C[" + i + ", " + j + "]");
                }
            }
            assertOutsideUntouched(overwritten, before, "k = 0 overwrite");
            Out accumulated = before.copy();
            sgemm(gemm, a, b, accumulated, true, two);
            assertBitIdentical(before, accumulated, "k = 0 accumulate");
            Out viaSource = before.copy();
            sgemm(gemm, a, b.source(), viaSource, false, two);
            assertBitIdentical(overwritten, viaSource, "k = 0 overwrite, source overload");

            for (int[] s : new int[][] {{0, 5, 7}, {5, 0, 7}, {0, 0, 0}}) {
                Mat a0 = Mat.random(s[0], s[2], Layout.ROW_MAJOR, rnd);
                Mat b0 = Mat.random(s[2], s[1], Layout.ROW_MAJOR, rnd);
                Out c0 = Out.random(s[0], s[1], rnd);
                Out c1 = c0.copy();
                sgemm(gemm, a0, b0, c1, false, two);
                assertBitIdentical(c0, c1, "empty " + s[0] + "x" + s[1] + " output");
            }
        }
    }

    /** The source overload packs the same values as the array overload: results are bit-identical. */
    @Test
    void sourceOverloadEqualsArrayOverload() {
        Random rnd = new Random(11);
        int[][] shapes = {{1, 1, 1}, {7, 207, 13}, {64, 64, 64}, {31, 1000, 300}, {5, 70, 600}};
        for (int[] s : shapes) {
            for (Layout lb : Layout.values()) {
                boolean accumulate = rnd.nextBoolean();
                Mat a = Mat.random(s[0], s[2], Layout.ROW_MAJOR, rnd);
                Mat b = Mat.random(s[2], s[1], lb, rnd);
                Out before = Out.random(s[0], s[1], rnd);
                Out array = before.copy();
                sgemm(VECTOR, a, b, array, accumulate, two);
                Out source = before.copy();
                sgemm(VECTOR, a, b.source(), source, accumulate, two);
                assertBitIdentical(array, source, "source vs array, B " + b);
                Out transposed = before.copy();
                sgemm(VECTOR, a, b.transposedTwice(), transposed, accumulate, two);
                assertBitIdentical(array, transposed, "transposed source vs array, B " + b);
                assertTrue(b.transposedTwice().prefersColumnMajor() && !b.source().prefersColumnMajor(),
                        "the transposed wrapper is staged column-major (the weight-gradient path), B " + b);
            }
        }
    }

    /**
     * Above the inline threshold (so 2 threads really share the work), with several depth blocks:
     * 1 and 2 threads agree bit for bit.
     */
    @Test
    void threadCountDoesNotChangeBits() {
        Random rnd = new Random(3);
        int[][] shapes = {{300, 200, 500}, {64, 4100, 96}, {36, 640, 1300}, {517, 67, 260}};
        for (int[] s : shapes) {
            for (boolean accumulate : new boolean[] {false, true}) {
                Mat a = Mat.random(s[0], s[2], Layout.PADDED_ROWS, rnd);
                Mat b = Mat.random(s[2], s[1], Layout.ROW_MAJOR, rnd);
                Out before = Out.random(s[0], s[1], rnd);
                Out single = before.copy();
                sgemm(VECTOR, a, b, single, accumulate, one);
                Out dual = before.copy();
                sgemm(VECTOR, a, b, dual, accumulate, two);
                assertBitIdentical(single, dual, "1 vs 2 threads, " + s[0] + "x" + s[2] + "x" + s[1]);
                Out dualSource = before.copy();
                sgemm(VECTOR, a, b.source(), dualSource, accumulate, two);
                assertBitIdentical(single, dualSource, "1 thread array vs 2 threads source");
                assertMatches(Reference.of(a, b, before, accumulate), 1, dual, before, "2 threads");
            }
        }
    }

    /** Against EJML's row-major float multiply on a few random shapes. */
    @Test
    void vectorMatchesEjml() {
        Random rnd = new Random(17);
        int[][] shapes = {{1, 1, 1}, {5, 9, 3}, {33, 17, 65}, {128, 96, 200}, {250, 130, 77}};
        for (int[] s : shapes) {
            int m = s[0];
            int n = s[1];
            int k = s[2];
            Mat a = Mat.random(m, k, Layout.ROW_MAJOR, rnd);
            Mat b = Mat.random(k, n, Layout.ROW_MAJOR, rnd);
            FMatrixRMaj ea = new FMatrixRMaj(m, k);
            FMatrixRMaj eb = new FMatrixRMaj(k, n);
            System.arraycopy(a.data(), 0, ea.data, 0, m * k);
            System.arraycopy(b.data(), 0, eb.data, 0, k * n);
            FMatrixRMaj ec = new FMatrixRMaj(m, n);
            CommonOps_FDRM.mult(ea, eb, ec);
            Out before = Out.random(m, n, rnd);
            Out vector = before.copy();
            sgemm(VECTOR, a, b, vector, false, two);
            Reference ref = Reference.of(a, b, before, false);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double tol = 2 * ref.bound()[i * n + j];
                    float want = ec.get(i, j);
                    float got = vector.get(i, j);
                    if (!(Math.abs(got - want) <= tol)) {
                        throw new AssertionError(m + "x" + k + "x" + n + ": C[" + i + ", " + j + "] = " + got
                                + ", EJML " + want + ", beyond " + tol);
                    }
                }
            }
        }
    }

    /** A hand-computed case: [[1, 2], [3, 4]] * [[5, 6], [7, 8]] = [[19, 22], [43, 50]], then accumulated again. */
    @Test
    void goldenTwoByTwo() {
        float[] a = {1, 2, 3, 4};
        float[] b = {5, 6, 7, 8};
        float[] c = new float[4];
        VECTOR.sgemm(2, 2, 2, a, 0, 2, 1, b, 0, 2, 1, c, 0, 2, false, one);
        assertEquals(List.of(19f, 22f, 43f, 50f), List.of(c[0], c[1], c[2], c[3]));
        VECTOR.sgemm(2, 2, 2, a, 0, 1, 2, b, 0, 2, 1, c, 0, 2, true, one); // A^T = [[1, 3], [2, 4]]
        assertEquals(List.of(19f + 26f, 22f + 30f, 43f + 38f, 50f + 44f), List.of(c[0], c[1], c[2], c[3]));
    }
}
