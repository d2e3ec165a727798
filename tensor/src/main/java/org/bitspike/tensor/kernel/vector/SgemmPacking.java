package org.bitspike.tensor.kernel.vector;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Copies blocks of the GEMM operands into the layouts {@link SgemmMicroKernel} streams through.
 *
 * <ul>
 *   <li>A micro-panel: {@code rows <= MR} rows by {@code kc} columns of A, stored {@code p}-major:
 *       {@code dst[dOff + p * MR + i] = A[i, p]}; rows {@code >= rows} are zero.</li>
 *   <li>B sliver: {@code kc} rows by {@code cols <= nr} columns of B, stored {@code p}-major:
 *       {@code dst[dOff + p * nr + j] = B[p, j]}; columns {@code >= cols} are zero.</li>
 * </ul>
 * The zero padding never reaches C (edge tiles are cut before they are written back); it only keeps
 * the padded lanes free of stale garbage such as subnormals.
 */
final class SgemmPacking {
    private static final VectorSpecies<Float> F = SgemmMicroKernel.F;
    private static final int L = SgemmMicroKernel.L;
    private static final int MR = SgemmMicroKernel.MR;

    private SgemmPacking() {
    }

    /**
     * Packs the A micro-panel {@code A[i, p] = a[aOff + i * aRs + p * aCs]}, {@code i < rows},
     * {@code p < kc}. Reads {@code a}; writes {@code dst[dOff, dOff + kc * MR)}.
     */
    static void packA(int rows, int kc, float[] a, int aOff, int aRs, int aCs, float[] dst, int dOff) {
        assert rows >= 1 && rows <= MR : rows;
        if (rows == MR && aCs == 1) {
            // row-major A: four sequential streams
            int r0 = aOff;
            int r1 = aOff + aRs;
            int r2 = aOff + 2 * aRs;
            int r3 = aOff + 3 * aRs;
            for (int p = 0, d = dOff; p < kc; p++, d += MR) {
                dst[d] = a[r0 + p];
                dst[d + 1] = a[r1 + p];
                dst[d + 2] = a[r2 + p];
                dst[d + 3] = a[r3 + p];
            }
        } else if (rows == MR && aRs == 1) {
            // transposed A: each column of the panel is already contiguous
            for (int p = 0, s = aOff, d = dOff; p < kc; p++, s += aCs, d += MR) {
                dst[d] = a[s];
                dst[d + 1] = a[s + 1];
                dst[d + 2] = a[s + 2];
                dst[d + 3] = a[s + 3];
            }
        } else {
            for (int p = 0, d = dOff; p < kc; p++, d += MR) {
                int s = aOff + p * aCs;
                for (int i = 0; i < rows; i++) {
                    dst[d + i] = a[s + i * aRs];
                }
                for (int i = rows; i < MR; i++) {
                    dst[d + i] = 0f;
                }
            }
        }
    }

    /**
     * Packs {@code B[p, j] = b[bOff + p * bRs + j * bCs]}, {@code p < kc}, {@code j < width}, into
     * {@code ceil(width / nr)} slivers, sliver {@code s} holding row {@code p} at
     * {@code dst[dOff + s * sliverStride + p * nr]}, the last sliver padded with zeros. Reads
     * {@code b}; writes only those rows of {@code dst}.
     */
    static void packB(int kc, int width, int nr, float[] b, int bOff, int bRs, int bCs,
                      float[] dst, int dOff, int sliverStride) {
        assert width >= 1 && nr % L == 0 && sliverStride >= kc * nr : width + " / " + nr;
        if (bCs == 1) {
            packRowsOfB(kc, width, nr, b, bOff, bRs, dst, dOff, sliverStride);
        } else if (bRs == 1) {
            packColumnsOfB(kc, width, nr, b, bOff, bCs, dst, dOff, sliverStride);
        } else {
            for (int j = 0; j < width; j += nr) {
                int cols = Math.min(nr, width - j);
                for (int p = 0, d = dOff + j / nr * sliverStride; p < kc; p++, d += nr) {
                    int s = bOff + p * bRs + j * bCs;
                    for (int jj = 0; jj < cols; jj++) {
                        dst[d + jj] = b[s + jj * bCs];
                    }
                    Arrays.fill(dst, d + cols, d + nr, 0f);
                }
            }
        }
    }

    /**
     * Unit column stride: each row of the block is one contiguous run, read once from left to right
     * (a long run keeps the hardware prefetcher busy; sliver by sliver the reads were 256-byte pieces
     * of rows a page or more apart) and scattered to the slivers a vector at a time.
     */
    private static void packRowsOfB(int kc, int width, int nr, float[] b, int bOff, int bRs,
                                    float[] dst, int dOff, int sliverStride) {
        int full = width - width % nr;
        for (int p = 0, s = bOff; p < kc; p++, s += bRs) {
            int d = dOff + p * nr;
            for (int j = 0; j < full; j += nr, d += sliverStride) {
                for (int v = 0; v < nr; v += L) {
                    FloatVector.fromArray(F, b, s + j + v).intoArray(dst, d + v);
                }
            }
            if (full < width) {
                System.arraycopy(b, s + full, dst, d, width - full);
                Arrays.fill(dst, d + width - full, d + nr, 0f);
            }
        }
    }

    /**
     * Unit row stride (a transposed B): eight columns at a time, each read as a contiguous stream
     * and written eight floats per row, rather than one column at a time with every write on its
     * own cache line.
     */
    private static void packColumnsOfB(int kc, int width, int nr, float[] b, int bOff, int bCs,
                                       float[] dst, int dOff, int sliverStride) {
        for (int j = 0; j < width; j += nr) {
            int cols = Math.min(nr, width - j);
            int sliver = dOff + j / nr * sliverStride;
            int jj = 0;
            for (; jj + 8 <= cols; jj += 8) {
                int s = bOff + (j + jj) * bCs;
                for (int p = 0, d = sliver + jj; p < kc; p++, d += nr) {
                    dst[d] = b[s + p];
                    dst[d + 1] = b[s + bCs + p];
                    dst[d + 2] = b[s + 2 * bCs + p];
                    dst[d + 3] = b[s + 3 * bCs + p];
                    dst[d + 4] = b[s + 4 * bCs + p];
                    dst[d + 5] = b[s + 5 * bCs + p];
                    dst[d + 6] = b[s + 6 * bCs + p];
                    dst[d + 7] = b[s + 7 * bCs + p];
                }
            }
            for (; jj < cols; jj++) {
                for (int p = 0, s = bOff + (j + jj) * bCs, d = sliver + jj; p < kc; p++, d += nr) {
                    dst[d] = b[s + p];
                }
            }
            if (cols < nr) {
                for (int p = 0, d = sliver; p < kc; p++, d += nr) {
                    Arrays.fill(dst, d + cols, d + nr, 0f);
                }
            }
        }
    }
}
