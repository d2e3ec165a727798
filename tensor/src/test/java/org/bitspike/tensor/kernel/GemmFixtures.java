package org.bitspike.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;

/**
 * Operands for GEMM tests: strided views in awkward layouts, an output window inside a larger
 * array (whose outside must stay untouched), and a FLOAT64 reference with a rounding-error bound.
 */
public final class GemmFixtures {
    private GemmFixtures() {
    }

    /** How a logical matrix sits in its array. Gaps in the array hold random junk. */
    public enum Layout {
        /** {@code off 0, rowStride cols, colStride 1}. */
        ROW_MAJOR,
        /** The transpose as a stride swap: {@code off 0, rowStride 1, colStride rows}. */
        COLUMN_MAJOR,
        /** Row-major with offset 7 and 3 floats of padding per row. */
        PADDED_ROWS,
        /** Column-major with offset 5 and 2 floats of padding per column. */
        PADDED_COLUMNS,
        /** No unit stride: offset 3, column stride 2, row stride {@code 2 * cols + 1}. */
        STRIDED
    }

    /** {@code M[i, j] = data[off + i * rs + j * cs]}. */
    public record Mat(int rows, int cols, float[] data, int off, int rs, int cs, Layout layout) {
        public static Mat random(int rows, int cols, Layout layout, Random rnd) {
            int off;
            int rs;
            int cs;
            switch (layout) {
                case ROW_MAJOR -> {
                    off = 0;
                    rs = cols;
                    cs = 1;
                }
                case COLUMN_MAJOR -> {
                    off = 0;
                    rs = 1;
                    cs = rows;
                }
                case PADDED_ROWS -> {
                    off = 7;
                    rs = cols + 3;
                    cs = 1;
                }
                case PADDED_COLUMNS -> {
                    off = 5;
                    rs = 1;
                    cs = rows + 2;
                }
                case STRIDED -> {
                    off = 3;
                    rs = 2 * cols + 1;
                    cs = 2;
                }
                default -> throw new AssertionError(layout);
            }
            int size = off + (rows == 0 || cols == 0 ? 0 : (rows - 1) * rs + (cols - 1) * cs + 1) + 4;
            float[] data = new float[size];
            fill(data, rnd);
            return new Mat(rows, cols, data, off, rs, cs, layout);
        }

        public float get(int i, int j) {
            return data[off + i * rs + j * cs];
        }

        /** The same view as a {@link FloatMatrixSource}. */
        public FloatMatrixSource source() {
            return FloatMatrixSource.of(rows, cols, data, off, rs, cs);
        }

        /**
         * The same matrix as the transpose of a source over the transposed view, so that packing
         * goes through {@link FloatMatrixSource#transposed()}.
         */
        public FloatMatrixSource transposedTwice() {
            return FloatMatrixSource.of(cols, rows, data, off, cs, rs).transposed();
        }

        @Override
        public String toString() {
            return rows + "x" + cols + " " + layout;
        }
    }

    /** The output: an {@code m x n} window at {@code off} with leading dimension {@code ldc} in a larger array. */
    public record Out(int m, int n, float[] data, int off, int ldc) {
        /** Random contents everywhere, including the padding around the window. */
        public static Out random(int m, int n, Random rnd) {
            int off = 11;
            int ldc = n + 5;
            float[] data = new float[off + m * ldc + 9];
            fill(data, rnd);
            return new Out(m, n, data, off, ldc);
        }

        public float get(int i, int j) {
            return data[off + i * ldc + j];
        }

        public Out copy() {
            return new Out(m, n, data.clone(), off, ldc);
        }

        boolean inside(int index) {
            int rel = index - off;
            return rel >= 0 && rel / ldc < m && rel % ldc < n;
        }
    }

    /**
     * {@code C0 (if accumulate) + A B} in FLOAT64, with for each element the bound
     * {@code 2 (2k + 2) 2^-24 (|C0| + sum_p |A[i, p] B[p, j]|)}: twice the classic bound for a
     * float dot product of length k summed in any order with separate or fused multiplies, so it
     * holds for the scalar oracle, the FMA kernels and EJML alike.
     */
    public record Reference(int m, int n, double[] value, double[] bound) {
        public static Reference of(Mat a, Mat b, Out c0, boolean accumulate) {
            int m = a.rows();
            int k = a.cols();
            int n = b.cols();
            double[] value = new double[m * n];
            double[] bound = new double[m * n];
            double gamma = 2.0 * (2 * k + 2) * 0x1p-24;
            double[] bRow = new double[n];
            for (int i = 0; i < m; i++) {
                double[] sum = new double[n];
                double[] abs = new double[n];
                for (int p = 0; p < k; p++) {
                    double av = a.get(i, p);
                    for (int j = 0; j < n; j++) {
                        bRow[j] = b.get(p, j);
                    }
                    for (int j = 0; j < n; j++) {
                        double prod = av * bRow[j];
                        sum[j] += prod;
                        abs[j] += Math.abs(prod);
                    }
                }
                for (int j = 0; j < n; j++) {
                    double start = accumulate ? c0.get(i, j) : 0.0;
                    value[i * n + j] = start + sum[j];
                    bound[i * n + j] = gamma * (Math.abs(start) + abs[j]) + Float.MIN_NORMAL;
                }
            }
            return new Reference(m, n, value, bound);
        }
    }

    /**
     * Asserts every element of the window is within the reference's bound (times {@code slack})
     * and that nothing outside the window changed from {@code before}.
     */
    public static void assertMatches(Reference ref, double slack, Out actual, Out before, String what) {
        for (int i = 0; i < ref.m(); i++) {
            for (int j = 0; j < ref.n(); j++) {
                double want = ref.value()[i * ref.n() + j];
                float got = actual.get(i, j);
                double tol = slack * ref.bound()[i * ref.n() + j];
                if (!(Math.abs(got - want) <= tol)) {
                    fail(what + ": C[" + i + ", " + j + "] = " + got + ", reference " + want
                            + ", |error| " + Math.abs(got - want) + " > bound " + tol);
                }
            }
        }
        assertOutsideUntouched(actual, before, what);
    }

    /** Asserts two outputs are bit-identical everywhere. */
    public static void assertBitIdentical(Out expected, Out actual, String what) {
        for (int x = 0; x < expected.data().length; x++) {
            if (Float.floatToRawIntBits(expected.data()[x]) != Float.floatToRawIntBits(actual.data()[x])) {
                int rel = x - expected.off();
                fail(what + ": element " + x + " (row " + Math.floorDiv(rel, expected.ldc()) + ", col "
                        + Math.floorMod(rel, expected.ldc()) + ") differs: " + expected.data()[x] + " vs "
                        + actual.data()[x]);
            }
        }
    }

    public static void assertOutsideUntouched(Out actual, Out before, String what) {
        assertEquals(before.data().length, actual.data().length);
        for (int x = 0; x < actual.data().length; x++) {
            if (!actual.inside(x) && Float.floatToRawIntBits(actual.data()[x]) != Float.floatToRawIntBits(before.data()[x])) {
                fail(what + ": element " + x + " outside the " + actual.m() + "x" + actual.n() + " window was modified");
            }
        }
    }

    /** Runs the array overload on {@code out}. */
    public static void sgemm(Gemm gemm, Mat a, Mat b, Out out, boolean accumulate, Parallel parallel) {
        gemm.sgemm(a.rows(), b.cols(), a.cols(), a.data(), a.off(), a.rs(), a.cs(),
                b.data(), b.off(), b.rs(), b.cs(), out.data(), out.off(), out.ldc(), accumulate, parallel);
    }

    /** Runs the {@link FloatMatrixSource} overload on {@code out}. */
    public static void sgemm(Gemm gemm, Mat a, FloatMatrixSource b, Out out, boolean accumulate, Parallel parallel) {
        gemm.sgemm(a.rows(), b.cols(), a.cols(), a.data(), a.off(), a.rs(), a.cs(),
                b, out.data(), out.off(), out.ldc(), accumulate, parallel);
    }

    static void fill(float[] data, Random rnd) {
        for (int i = 0; i < data.length; i++) {
            data[i] = rnd.nextFloat() * 2f - 1f;
        }
    }
}
