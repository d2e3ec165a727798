package org.bitspike.tensor.kernel.vector;

import org.bitspike.tensor.kernel.BitKernels;
import org.bitspike.tensor.kernel.Conv2dGeometry;

/**
 * The plain-Java path of {@link VectorXnorConv} (JDK 17 and 18, where the Vector API has no lane-wise
 * bit count): loops written for C2's superword vectoriser on 32-bit lanes. A task's pixels are
 * gathered lane-major ({@code xT[lane][pixel]}, each 64-bit word split into two int lanes), then
 * for each output channel one loop over the pixels counts the mismatches ({@link #mismatches}) and,
 * for the IntBits epilogue, one more turns them into that channel's bit of every pixel's output
 * word ({@link #fire}); only pixels of a border class with its own bounds are redone per pixel.
 */
// NOTE: every array of a vectorised loop is indexed by the loop variable alone: an offset index (one
// flat array) makes the arrays possibly overlapping at an unknown distance and C2 gives up.
final class IntLaneXnor {
    private IntLaneXnor() {
    }

    /**
     * The weights as 32-bit lanes: {@code lanes[co][2 i + h]} is half {@code h} (0 the low bits) of
     * word {@code i} of channel {@code co}'s {@code K}-word row (each tap's last word masked).
     */
    static int[][] weights(int cout, int cin, int taps, long[] w, int wOff) {
        int words = BitKernels.words(cin);
        long mask = BitKernels.lastWordMask(cin);
        int k = taps * words;
        int[][] lanes = new int[cout][2 * k];
        for (int co = 0; co < cout; co++) {
            for (int i = 0; i < k; i++) {
                long word = w[wOff + co * k + i];
                if (i % words == words - 1) {
                    word &= mask;
                }
                lanes[co][2 * i] = (int) word;
                lanes[co][2 * i + 1] = (int) (word >>> 32);
            }
        }
        return lanes;
    }

    /** Computes and writes pixels {@code q0 ..< q0 + count}, one task's. */
    static void run(VectorXnorConv.Task task, int[][] lanes, int q0, int count) {
        Conv2dGeometry g = task.g;
        int cout = g.cout();
        int[][] xT = gather(task, q0, count);
        int[][] dT = new int[cout][];
        long[][] unshared = task.bounds == null ? null : task.bounds.unshared(task.border);
        int[][] halves = unshared == null ? null : new int[2 * BitKernels.words(cout)][count];
        for (int co = 0; co < cout; co++) {
            dT[co] = mismatches(xT, lanes[co], count);
            if (halves != null) {
                fire(dT[co], (int) unshared[0][co], (int) unshared[1][co], halves[co >>> 5], co & 31);
            }
        }
        int[] d = task.d;
        int wordsOut = BitKernels.words(cout), plane = g.outH() * g.outW();
        for (int r = 0; r < count; r++) {
            int pixel = q0 + r;
            if (halves != null) {
                int pos = pixel % plane;
                if (task.border.share()[task.border.classOf(pos / g.outW(), pos % g.outW())] == null) {
                    int dst = task.bits.off() + pixel * wordsOut;
                    for (int wd = 0; wd < wordsOut; wd++) {
                        task.bits.y()[dst + wd] = halves[2 * wd][r] & 0xFFFF_FFFFL | (long) halves[2 * wd + 1][r] << 32;
                    }
                    continue;
                }
            }
            for (int co = 0; co < cout; co++) {
                d[co] = dT[co][r];
            }
            task.finish(pixel, d);
        }
    }

    /** The rows of pixels {@code q0 ..< q0 + count} lane-major: {@code xT[2 i + h][r]}, word {@code i} half {@code h}. */
    private static int[][] gather(VectorXnorConv.Task task, int q0, int count) {
        int k = task.k;
        int[][] xT = new int[2 * k][count];
        for (int q = q0; q < q0 + count; q += VectorXnorConv.ROWS) {
            int rows = Math.min(VectorXnorConv.ROWS, q0 + count - q);
            task.gather(q, rows);
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < k; i++) {
                    long word = task.rows[r * k + i];
                    xT[2 * i][q - q0 + r] = (int) word;
                    xT[2 * i + 1][q - q0 + r] = (int) (word >>> 32);
                }
            }
        }
        return xT;
    }

    /**
     * The mismatch counts of one channel's weight row {@code wRow} ({@code 2 K} int lanes) against the
     * pixels of {@code xT}.
     */
    // NOTE: on JDK 17 C2 turns the pixel loop into AVX-512 VPOPCNTD on 16 int lanes (it has no vector
    // form of Long.bitCount before JDK 19 or so, hence the int halves). The loop runs over a task's
    // 256 pixels rather than over the output channels (128 at the bench L2 shape): on loops that
    // short the scalar pre- and post-loops and the alignment of the arrays (it varied from run to
    // run) decided the speed. Measured on JDK 17 (Zen 4, one thread, the L2 shape's 18.9 M word
    // pairs): pixel loop 2.2-2.3 ms; channel loop 2.4-5.2 ms; a 1 x 8 register panel of
    // Long.bitCount (the shape ScalarPanelBitGemm found best) 8.2-8.7 ms; the loops on long lanes
    // 6-12 ms. On a CPU without VPOPCNTD the loop runs scalar, on twice as many words as a
    // Long.bitCount kernel.
    static int[] mismatches(int[][] xT, int[] wRow, int count) {
        int[] d = new int[count];
        for (int i = 0; i < wRow.length; i++) {
            int v = wRow[i];
            int[] xi = xT[i];
            for (int p = 0; p < count; p++) {
                d[p] += Integer.bitCount(v ^ xi[p]);
            }
        }
        return d;
    }

    /**
     * Sets bit {@code shift} of {@code half[p]} where {@code lo <= d[p] <= hi}, branch-free: both
     * differences are non-negative exactly then (no overflow: the bounds are clamped to
     * {@code [-1, 64 K + 1]}, a count is in {@code [0, 64 K]}).
     */
    private static void fire(int[] d, int lo, int hi, int[] half, int shift) {
        for (int p = 0; p < d.length; p++) {
            int v = d[p];
            half[p] |= (~((v - lo) | (hi - v)) >>> 31) << shift;
        }
    }
}
