package org.bitspike.tensor.kernel.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.bitspike.tensor.kernel.Gemm;
import org.bitspike.tensor.kernel.Parallel;

/**
 * First Vector API GEMM: row-parallel i-p-j with FMA over contiguous rows of B. Strided B and the
 * FLOAT64 path fall back to plain loops. (Replaced by the blocked, register-tiled kernel.)
 */
final class VectorGemm implements Gemm {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private final Gemm fallback = org.bitspike.tensor.kernel.KernelProvider.scalar().gemm();

    @Override
    public void sgemm(int m, int n, int k, float[] a, int aOff, int aRs, int aCs,
                      float[] b, int bOff, int bRs, int bCs,
                      float[] c, int cOff, int ldc, boolean accumulate, Parallel parallel) {
        if (bCs != 1) {
            fallback.sgemm(m, n, k, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, ldc, accumulate, parallel);
            return;
        }
        parallel.forEach(m, i -> {
            int ci = cOff + i * ldc;
            if (!accumulate) {
                java.util.Arrays.fill(c, ci, ci + n, 0f);
            }
            for (int p = 0; p < k; p++) {
                axpy(n, a[aOff + i * aRs + p * aCs], b, bOff + p * bRs, c, ci);
            }
        });
    }

    private static void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        FloatVector av = FloatVector.broadcast(F, alpha);
        int j = 0;
        for (int bound = F.loopBound(n); j < bound; j += F.length()) {
            FloatVector xv = FloatVector.fromArray(F, x, xOff + j);
            FloatVector yv = FloatVector.fromArray(F, y, yOff + j);
            xv.fma(av, yv).intoArray(y, yOff + j);
        }
        for (; j < n; j++) {
            y[yOff + j] = Math.fma(alpha, x[xOff + j], y[yOff + j]);
        }
    }

    @Override
    public void sgemm(int m, int n, int k, float[] a, int aOff, int aRs, int aCs,
                      org.bitspike.tensor.kernel.FloatMatrixSource b,
                      float[] c, int cOff, int ldc, boolean accumulate, Parallel parallel) {
        fallback.sgemm(m, n, k, a, aOff, aRs, aCs, b, c, cOff, ldc, accumulate, parallel);
    }

    @Override
    public void dgemm(int m, int n, int k, double[] a, int aOff, int aRs, int aCs,
                      double[] b, int bOff, int bRs, int bCs,
                      double[] c, int cOff, int ldc, boolean accumulate, Parallel parallel) {
        fallback.dgemm(m, n, k, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, ldc, accumulate, parallel);
    }
}
