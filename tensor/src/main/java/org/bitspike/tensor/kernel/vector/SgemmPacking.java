package org.bitspike.tensor.kernel.vector;

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
     * Packs the B sliver {@code B[p, j] = b[bOff + p * bRs + j * bCs]}, {@code p < kc}, {@code j < cols},
     * padded to {@code nr} columns. Reads {@code b}; writes {@code dst[dOff, dOff + kc * nr)}.
     */
    static void packB(int kc, int cols, int nr, float[] b, int bOff, int bRs, int bCs, float[] dst, int dOff) {
        assert cols >= 1 && cols <= nr && nr % L == 0 : cols + " / " + nr;
        if (bCs == 1 && cols == nr) {
            for (int p = 0, s = bOff, d = dOff; p < kc; p++, s += bRs, d += nr) {
                for (int j = 0; j < nr; j += L) {
                    FloatVector.fromArray(F, b, s + j).intoArray(dst, d + j);
                }
            }
            return;
        }
        if (bRs == 1 && bCs != 1) {
            // transposed B: read each column of the sliver contiguously, write it with stride nr
            for (int j = 0; j < cols; j++) {
                for (int p = 0, s = bOff + j * bCs, d = dOff + j; p < kc; p++, s++, d += nr) {
                    dst[d] = b[s];
                }
            }
        } else {
            for (int p = 0, d = dOff; p < kc; p++, d += nr) {
                int s = bOff + p * bRs;
                for (int j = 0; j < cols; j++) {
                    dst[d + j] = b[s + j * bCs];
                }
            }
        }
        if (cols < nr) {
            for (int p = 0, d = dOff; p < kc; p++, d += nr) {
                java.util.Arrays.fill(dst, d + cols, d + nr, 0f);
            }
        }
    }
}
