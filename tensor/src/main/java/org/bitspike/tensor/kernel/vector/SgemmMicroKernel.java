package org.bitspike.tensor.kernel.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-tiled inner kernels of {@link VectorGemm}: {@code MR = 4} rows of C by {@code nv}
 * vectors of {@link FloatVector#SPECIES_PREFERRED}, held in registers for the whole depth {@code kc}.
 *
 * <p>Operands are packed ({@link SgemmPacking}): the A micro-panel holds, for each {@code p}, its
 * {@code MR} values contiguously ({@code a[aOff + p * MR + i]}); the B sliver holds, for each
 * {@code p}, its {@code nv * L} values contiguously ({@code b[bOff + p * nv * L + j]}). Each step
 * loads the B row, broadcasts one A value per row and does one FMA per accumulator, so
 * {@code C[i, j]} is {@code fma(A[i, p], B[p, j], acc)} in ascending {@code p}, starting from C when
 * {@code load} and from zero otherwise.
 *
 * <p>NOTE: every tile is one flat method whose accumulators are locals, and there is one method per
 * tile shape rather than a loop over an accumulator array: C2 keeps such locals in registers, while
 * accumulators carried through nested loops or arrays spilled on JDK 17 (about 10x slower). The
 * bodies follow one regular pattern (written out once by a throwaway generator); change them alike.
 */
final class SgemmMicroKernel {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Lanes of the preferred species. */
    static final int L = F.length();
    /** Rows of a micro-tile. */
    static final int MR = 4;

    private SgemmMicroKernel() {
    }

    /**
     * Vectors per micro-tile row for this machine: 4 when vectors have at least 16 lanes (AVX-512,
     * 32 vector registers: 16 accumulators + 4 B vectors + 1 broadcast fit), else 2 (AVX2 has 16
     * registers; a 4 x 4 tile of 8-lane vectors spills and ran at half the speed of 4 x 2).
     */
    static int preferredVectorsPerRow() {
        return L >= 16 ? 4 : 2;
    }

    /**
     * {@code C[i, j] = (load ? C[i, j] : 0) + sum_p A[i, p] * B[p, j]} for an {@code MR x nv*L} tile,
     * {@code C[i, j]} at {@code c[cOff + i * ldc + j]}. Modifies only those elements of {@code c}.
     *
     * @param nv 1, 2 or 4 vectors per row
     */
    static void tile(int nv, int kc, float[] a, int aOff, float[] b, int bOff,
                     float[] c, int cOff, int ldc, boolean load) {
        if (nv == 4) {
            tile4x4(kc, a, aOff, b, bOff, c, cOff, ldc, load);
        } else if (nv == 2) {
            tile4x2(kc, a, aOff, b, bOff, c, cOff, ldc, load);
        } else {
            assert nv == 1 : nv;
            tile4x1(kc, a, aOff, b, bOff, c, cOff, ldc, load);
        }
    }

    /** The 4 x 4-vector tile; see {@link #tile}. */
    static void tile4x4(int kc, float[] a, int aOff, float[] b, int bOff,
                        float[] c, int cOff, int ldc, boolean load) {
        FloatVector c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33;
        if (load) {
            c00 = FloatVector.fromArray(F, c, cOff);
            c01 = FloatVector.fromArray(F, c, cOff + L);
            c02 = FloatVector.fromArray(F, c, cOff + 2 * L);
            c03 = FloatVector.fromArray(F, c, cOff + 3 * L);
            c10 = FloatVector.fromArray(F, c, cOff + ldc);
            c11 = FloatVector.fromArray(F, c, cOff + ldc + L);
            c12 = FloatVector.fromArray(F, c, cOff + ldc + 2 * L);
            c13 = FloatVector.fromArray(F, c, cOff + ldc + 3 * L);
            c20 = FloatVector.fromArray(F, c, cOff + 2 * ldc);
            c21 = FloatVector.fromArray(F, c, cOff + 2 * ldc + L);
            c22 = FloatVector.fromArray(F, c, cOff + 2 * ldc + 2 * L);
            c23 = FloatVector.fromArray(F, c, cOff + 2 * ldc + 3 * L);
            c30 = FloatVector.fromArray(F, c, cOff + 3 * ldc);
            c31 = FloatVector.fromArray(F, c, cOff + 3 * ldc + L);
            c32 = FloatVector.fromArray(F, c, cOff + 3 * ldc + 2 * L);
            c33 = FloatVector.fromArray(F, c, cOff + 3 * ldc + 3 * L);
        } else {
            FloatVector z = FloatVector.zero(F);
            c00 = c01 = c02 = c03 = z;
            c10 = c11 = c12 = c13 = z;
            c20 = c21 = c22 = c23 = z;
            c30 = c31 = c32 = c33 = z;
        }
        for (int p = 0; p < kc; p++) {
            int ai = aOff + p * MR;
            int bi = bOff + p * (4 * L);
            FloatVector b0 = FloatVector.fromArray(F, b, bi);
            FloatVector b1 = FloatVector.fromArray(F, b, bi + L);
            FloatVector b2 = FloatVector.fromArray(F, b, bi + 2 * L);
            FloatVector b3 = FloatVector.fromArray(F, b, bi + 3 * L);
            FloatVector x = FloatVector.broadcast(F, a[ai]);
            c00 = b0.fma(x, c00); c01 = b1.fma(x, c01); c02 = b2.fma(x, c02); c03 = b3.fma(x, c03);
            x = FloatVector.broadcast(F, a[ai + 1]);
            c10 = b0.fma(x, c10); c11 = b1.fma(x, c11); c12 = b2.fma(x, c12); c13 = b3.fma(x, c13);
            x = FloatVector.broadcast(F, a[ai + 2]);
            c20 = b0.fma(x, c20); c21 = b1.fma(x, c21); c22 = b2.fma(x, c22); c23 = b3.fma(x, c23);
            x = FloatVector.broadcast(F, a[ai + 3]);
            c30 = b0.fma(x, c30); c31 = b1.fma(x, c31); c32 = b2.fma(x, c32); c33 = b3.fma(x, c33);
        }
        c00.intoArray(c, cOff);
        c01.intoArray(c, cOff + L);
        c02.intoArray(c, cOff + 2 * L);
        c03.intoArray(c, cOff + 3 * L);
        c10.intoArray(c, cOff + ldc);
        c11.intoArray(c, cOff + ldc + L);
        c12.intoArray(c, cOff + ldc + 2 * L);
        c13.intoArray(c, cOff + ldc + 3 * L);
        c20.intoArray(c, cOff + 2 * ldc);
        c21.intoArray(c, cOff + 2 * ldc + L);
        c22.intoArray(c, cOff + 2 * ldc + 2 * L);
        c23.intoArray(c, cOff + 2 * ldc + 3 * L);
        c30.intoArray(c, cOff + 3 * ldc);
        c31.intoArray(c, cOff + 3 * ldc + L);
        c32.intoArray(c, cOff + 3 * ldc + 2 * L);
        c33.intoArray(c, cOff + 3 * ldc + 3 * L);
    }

    /** The 4 x 2-vector tile; see {@link #tile}. */
    static void tile4x2(int kc, float[] a, int aOff, float[] b, int bOff,
                        float[] c, int cOff, int ldc, boolean load) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31;
        if (load) {
            c00 = FloatVector.fromArray(F, c, cOff);
            c01 = FloatVector.fromArray(F, c, cOff + L);
            c10 = FloatVector.fromArray(F, c, cOff + ldc);
            c11 = FloatVector.fromArray(F, c, cOff + ldc + L);
            c20 = FloatVector.fromArray(F, c, cOff + 2 * ldc);
            c21 = FloatVector.fromArray(F, c, cOff + 2 * ldc + L);
            c30 = FloatVector.fromArray(F, c, cOff + 3 * ldc);
            c31 = FloatVector.fromArray(F, c, cOff + 3 * ldc + L);
        } else {
            FloatVector z = FloatVector.zero(F);
            c00 = c01 = z;
            c10 = c11 = z;
            c20 = c21 = z;
            c30 = c31 = z;
        }
        for (int p = 0; p < kc; p++) {
            int ai = aOff + p * MR;
            int bi = bOff + p * (2 * L);
            FloatVector b0 = FloatVector.fromArray(F, b, bi);
            FloatVector b1 = FloatVector.fromArray(F, b, bi + L);
            FloatVector x = FloatVector.broadcast(F, a[ai]);
            c00 = b0.fma(x, c00); c01 = b1.fma(x, c01);
            x = FloatVector.broadcast(F, a[ai + 1]);
            c10 = b0.fma(x, c10); c11 = b1.fma(x, c11);
            x = FloatVector.broadcast(F, a[ai + 2]);
            c20 = b0.fma(x, c20); c21 = b1.fma(x, c21);
            x = FloatVector.broadcast(F, a[ai + 3]);
            c30 = b0.fma(x, c30); c31 = b1.fma(x, c31);
        }
        c00.intoArray(c, cOff);
        c01.intoArray(c, cOff + L);
        c10.intoArray(c, cOff + ldc);
        c11.intoArray(c, cOff + ldc + L);
        c20.intoArray(c, cOff + 2 * ldc);
        c21.intoArray(c, cOff + 2 * ldc + L);
        c30.intoArray(c, cOff + 3 * ldc);
        c31.intoArray(c, cOff + 3 * ldc + L);
    }

    /** The 4 x 1-vector tile; see {@link #tile}. */
    static void tile4x1(int kc, float[] a, int aOff, float[] b, int bOff,
                        float[] c, int cOff, int ldc, boolean load) {
        FloatVector c00, c10, c20, c30;
        if (load) {
            c00 = FloatVector.fromArray(F, c, cOff);
            c10 = FloatVector.fromArray(F, c, cOff + ldc);
            c20 = FloatVector.fromArray(F, c, cOff + 2 * ldc);
            c30 = FloatVector.fromArray(F, c, cOff + 3 * ldc);
        } else {
            FloatVector z = FloatVector.zero(F);
            c00 = c10 = c20 = c30 = z;
        }
        for (int p = 0; p < kc; p++) {
            int ai = aOff + p * MR;
            int bi = bOff + p * (L);
            FloatVector b0 = FloatVector.fromArray(F, b, bi);
            FloatVector x = FloatVector.broadcast(F, a[ai]);
            c00 = b0.fma(x, c00);
            x = FloatVector.broadcast(F, a[ai + 1]);
            c10 = b0.fma(x, c10);
            x = FloatVector.broadcast(F, a[ai + 2]);
            c20 = b0.fma(x, c20);
            x = FloatVector.broadcast(F, a[ai + 3]);
            c30 = b0.fma(x, c30);
        }
        c00.intoArray(c, cOff);
        c10.intoArray(c, cOff + ldc);
        c20.intoArray(c, cOff + 2 * ldc);
        c30.intoArray(c, cOff + 3 * ldc);
    }
}
