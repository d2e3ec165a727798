package org.bitspike.tensor.kernel;

/**
 * A FLOAT32 matrix that is never materialised but copies blocks of itself on demand, so GEMM can
 * pack it straight into its panels. Convolution uses it to fuse im2col into the packing step.
 */
public interface FloatMatrixSource {
    /** Number of rows. */
    int rows();

    /** Number of columns. */
    int cols();

    /**
     * Writes {@code M[r, c]} to {@code dst[dstOff + (r - row0) * dstRowStride + (c - col0) * dstColStride]}
     * for {@code row0 <= r < row0 + rowCount} and {@code col0 <= c < col0 + colCount}. Called from
     * several threads at once, for disjoint destinations; must not keep state between calls.
     */
    void copyBlock(int row0, int rowCount, int col0, int colCount,
                   float[] dst, int dstOff, int dstRowStride, int dstColStride);

    /**
     * True when {@link #copyBlock} is fastest with a unit row stride (the block written column by
     * column), as for the transpose of a source whose rows are contiguous runs. GEMM packers use it
     * to stage blocks in the orientation the source copies without scattered stores.
     */
    default boolean prefersColumnMajor() {
        return false;
    }

    /**
     * Writes the block straight into GEMM's packed B layout, if this source can, and says whether
     * it did. The block is cut into {@code ceil(colCount / nr)} slivers of {@code nr} columns:
     * {@code M[row0 + p, col0 + j]} goes to
     * <pre>{@code dst[dOff + (j / nr) * sliverStride + p * nr + j % nr]}</pre>
     * for {@code p < rowCount}, {@code j < colCount}, and the rest of the last sliver's rows
     * ({@code colCount <= j < ceil(colCount / nr) * nr}) is set to zero. Nothing else of {@code dst}
     * is written. Same threading rules as {@link #copyBlock}.
     *
     * <p>The default writes nothing and returns {@code false}: GEMM then stages blocks through
     * {@link #copyBlock} and packs the staged copy itself. A source overrides this when it can skip
     * that intermediate copy (as {@link Im2colSource} does).
     *
     * @param nr           columns per sliver, at least 1
     * @param sliverStride distance between consecutive slivers, at least {@code rowCount * nr}
     * @return whether the block was written
     */
    default boolean copyPacked(int row0, int rowCount, int col0, int colCount, int nr,
                               float[] dst, int dOff, int sliverStride) {
        return false;
    }

    /**
     * {@link #copyPacked} of this source's transpose: writes {@code M[col0 + j, row0 + p]} (its
     * row {@code row0 + p}, column {@code col0 + j}) in the packed layout, if this source can, and
     * says whether it did. The default cannot. {@link #transposed()}'s {@code copyPacked} calls it,
     * so a source packs its own transpose without a transposed class of its own.
     */
    default boolean copyPackedTransposed(int row0, int rowCount, int col0, int colCount, int nr,
                                         float[] dst, int dOff, int sliverStride) {
        return false;
    }

    /** The transpose, without copying. */
    default FloatMatrixSource transposed() {
        FloatMatrixSource self = this;
        return new FloatMatrixSource() {
            @Override
            public int rows() {
                return self.cols();
            }

            @Override
            public int cols() {
                return self.rows();
            }

            @Override
            public void copyBlock(int row0, int rowCount, int col0, int colCount,
                                  float[] dst, int dstOff, int dstRowStride, int dstColStride) {
                self.copyBlock(col0, colCount, row0, rowCount, dst, dstOff, dstColStride, dstRowStride);
            }

            @Override
            public boolean prefersColumnMajor() {
                return !self.prefersColumnMajor();
            }

            @Override
            public boolean copyPacked(int row0, int rowCount, int col0, int colCount, int nr,
                                      float[] dst, int dOff, int sliverStride) {
                return self.copyPackedTransposed(row0, rowCount, col0, colCount, nr, dst, dOff, sliverStride);
            }

            @Override
            public boolean copyPackedTransposed(int row0, int rowCount, int col0, int colCount, int nr,
                                                float[] dst, int dOff, int sliverStride) {
                return self.copyPacked(row0, rowCount, col0, colCount, nr, dst, dOff, sliverStride);
            }

            @Override
            public FloatMatrixSource transposed() {
                return self;
            }

            @Override
            public String toString() {
                return "transpose of " + self;
            }
        };
    }

    /** A dense strided array seen as a source ({@code M[r, c] = a[off + r * rs + c * cs]}). */
    static FloatMatrixSource of(int rows, int cols, float[] a, int off, int rowStride, int colStride) {
        return new FloatMatrixSource() {
            @Override
            public int rows() {
                return rows;
            }

            @Override
            public int cols() {
                return cols;
            }

            @Override
            public void copyBlock(int row0, int rowCount, int col0, int colCount,
                                  float[] dst, int dstOff, int dstRowStride, int dstColStride) {
                for (int r = 0; r < rowCount; r++) {
                    int src = off + (row0 + r) * rowStride + col0 * colStride;
                    int d = dstOff + r * dstRowStride;
                    for (int c = 0; c < colCount; c++) {
                        dst[d + c * dstColStride] = a[src + c * colStride];
                    }
                }
            }
        };
    }
}
