package org.bitspike.tensor.kernel.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.bitspike.tensor.kernel.BitKernels;
import org.bitspike.tensor.kernel.KernelProvider;
import org.bitspike.tensor.kernel.Parallel;
import org.junit.jupiter.api.Test;

/**
 * Both fast popcount GEMMs against the scalar oracle, whichever one the running JDK selects (the
 * unrolled one always runs; the Vector API one needs JDK 19+).
 */
class BitGemmImplementationsTest {
    private static final int[] TAILS = {1, 3, 7, 13, 31, 64, 207, 4098};

    @Test
    void scalarPanelEqualsOracle() {
        check(ScalarPanelBitGemm::gemm);
    }

    /** On JDK 17 the Vector API path must be unavailable (never linked); from JDK 19 it must equal the oracle. */
    @Test
    void vectorPopcountIsAvailableFromJdk19AndEqualsOracle() {
        assertEquals(Runtime.version().feature() >= 19, PopcountVectorBitGemm.available(),
                "lane-wise BIT_COUNT exists exactly from JDK 19");
        if (PopcountVectorBitGemm.available()) {
            check(PopcountVectorBitGemm::gemm);
        }
    }

    interface Impl {
        void gemm(boolean xnor, int m, int n, int k, long[] a, int aOff, int lda, long[] b, int bOff, int ldb,
                  int[] c, int cOff, int ldc, Parallel parallel);
    }

    private static void check(Impl impl) {
        BitKernels oracle = KernelProvider.scalar().bits();
        Random rnd = new Random(12);
        for (int m : TAILS) {
            for (int n : TAILS) {
                for (int k : TAILS) {
                    if ((long) m * n * k > 40_000_000L) {
                        continue;
                    }
                    int w = BitKernels.words(k);
                    long[] a = new long[1 + m * w];
                    long[] b = new long[n * (w + 1)];
                    for (int i = 0; i < a.length; i++) {
                        a[i] = rnd.nextLong();
                    }
                    for (int i = 0; i < b.length; i++) {
                        b[i] = rnd.nextLong();
                    }
                    for (boolean xnor : new boolean[] {true, false}) {
                        int[] want = new int[m * (n + 1)];
                        int[] got = new int[m * (n + 1)];
                        if (xnor) {
                            oracle.xnorGemm(m, n, k, a, 1, w, b, 0, w + 1, want, 0, n + 1, Parallel.shared());
                        } else {
                            oracle.andGemm(m, n, k, a, 1, w, b, 0, w + 1, want, 0, n + 1, Parallel.shared());
                        }
                        impl.gemm(xnor, m, n, k, a, 1, w, b, 0, w + 1, got, 0, n + 1, Parallel.shared());
                        assertArrayEquals(want, got, (xnor ? "xnor" : "and") + " m=" + m + " n=" + n + " k=" + k
                                + " " + Arrays.toString(new int[0]));
                    }
                }
            }
        }
    }
}
