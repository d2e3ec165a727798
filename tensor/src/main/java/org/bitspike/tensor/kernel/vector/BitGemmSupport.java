package org.bitspike.tensor.kernel.vector;

/** Pieces shared by the fast popcount GEMMs: row popcounts and the AND epilogue. */
final class BitGemmSupport {
    private BitGemmSupport() {
    }

    static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }

    /**
     * Popcount of each of {@code rows} packed rows (last word masked), into an array of length
     * {@code max(rows, length)} (padding entries 0).
     */
    static int[] rowPopcounts(int rows, int length, long[] x, int off, int ld, int words, long tailMask) {
        int[] out = new int[Math.max(rows, length)];
        for (int r = 0; r < rows; r++) {
            int base = off + r * ld;
            int count = 0;
            for (int w = 0; w < words - 1; w++) {
                count += Long.bitCount(x[base + w]);
            }
            if (words > 0) {
                count += Long.bitCount(x[base + words - 1] & tailMask);
            }
            out[r] = count;
        }
        return out;
    }
}
