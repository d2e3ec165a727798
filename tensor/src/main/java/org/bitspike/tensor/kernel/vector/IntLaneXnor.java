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
        int wordsOut = BitKernels.words(cout), outH = g.outH(), outW = g.outW();
        int ow = q0 % outW, oh = q0 / outW % outH;
        for (int r = 0; r < count; r++) {
            int pixel = q0 + r;
            if (halves != null && task.border.share()[task.border.classOf(oh, ow)] == null) {
                int dst = task.bits.off() + pixel * wordsOut;
                for (int wd = 0; wd < wordsOut; wd++) {
                    task.bits.y()[dst + wd] = halves[2 * wd][r] & 0xFFFF_FFFFL | (long) halves[2 * wd + 1][r] << 32;
                }
            } else {
                for (int co = 0; co < cout; co++) {
                    d[co] = dT[co][r];
                }
                task.finish(pixel, d);
            }
            if (++ow == outW) {
                ow = 0;
                oh = oh + 1 == outH ? 0 : oh + 1;
            }
        }
    }

    /**
     * The rows of pixels {@code q0 ..< q0 + count} lane-major: {@code xT[2 i + h][r]} is half
     * {@code h} of word {@code i} of pixel {@code q0 + r}'s row (each tap's last word masked, zero
     * for a tap outside the input).
     */
    private static int[][] gather(VectorXnorConv.Task task, int q0, int count) {
        Conv2dGeometry g = task.g;
        int words = task.words, outH = g.outH(), outW = g.outW();
        int[][] xT = new int[2 * task.k][count];
        int ow = q0 % outW, oh = q0 / outW % outH, n = q0 / (outW * outH);
        for (int r = 0; r < count; r++) {
            int lane = 0;
            for (int kh = 0; kh < g.kH(); kh++) {
                int ih = oh * g.strideH() - g.padH() + kh;
                for (int kw = 0; kw < g.kW(); kw++, lane += 2 * words) {
                    int iw = ow * g.strideW() - g.padW() + kw;
                    if (ih < 0 || ih >= g.h() || iw < 0 || iw >= g.w()) {
                        continue; // the lanes stay 0: all -1
                    }
                    int src = task.xOff + ((n * g.h() + ih) * g.w() + iw) * words;
                    for (int wd = 0; wd < words; wd++) {
                        long word = wd == words - 1 ? task.x[src + wd] & task.mask : task.x[src + wd];
                        xT[lane + 2 * wd][r] = (int) word;
                        xT[lane + 2 * wd + 1][r] = (int) (word >>> 32);
                    }
                }
            }
            if (++ow == outW) {
                ow = 0;
                if (++oh == outH) {
                    oh = 0;
                    n++;
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
    // 6-12 ms. Four lanes per pass over the pixels (one load and store of d per four popcounts)
    // took the whole L2 convolution with IntBits from 3.9-4.4 to 3.3-3.6 ms. On a CPU without
    // VPOPCNTD the loop runs scalar, on twice as many words as a Long.bitCount kernel.
    static int[] mismatches(int[][] xT, int[] wRow, int count) {
        int[] d = new int[count];
        int i = 0;
        for (; i + 4 <= wRow.length; i += 4) {
            int v0 = wRow[i], v1 = wRow[i + 1], v2 = wRow[i + 2], v3 = wRow[i + 3];
            int[] x0 = xT[i], x1 = xT[i + 1], x2 = xT[i + 2], x3 = xT[i + 3];
            for (int p = 0; p < count; p++) {
                d[p] += Integer.bitCount(v0 ^ x0[p]) + Integer.bitCount(v1 ^ x1[p])
                        + Integer.bitCount(v2 ^ x2[p]) + Integer.bitCount(v3 ^ x3[p]);
            }
        }
        for (; i < wRow.length; i += 2) {
            int v0 = wRow[i], v1 = wRow[i + 1];
            int[] x0 = xT[i], x1 = xT[i + 1];
            for (int p = 0; p < count; p++) {
                d[p] += Integer.bitCount(v0 ^ x0[p]) + Integer.bitCount(v1 ^ x1[p]);
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
