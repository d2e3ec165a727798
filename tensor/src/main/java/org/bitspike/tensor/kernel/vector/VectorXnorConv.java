package org.bitspike.tensor.kernel.vector;

import java.util.Arrays;
import org.bitspike.tensor.kernel.BitKernels;
import org.bitspike.tensor.kernel.Conv2dGeometry;
import org.bitspike.tensor.kernel.PackedEpilogue;
import org.bitspike.tensor.kernel.PackedKernels;
import org.bitspike.tensor.kernel.Parallel;
import org.bitspike.tensor.kernel.Tuning;

/**
 * The fast {@link PackedKernels#xnorConv2d}: an im2col of bit rows feeding a popcount-GEMM
 * micro-kernel, with the border handled by a correction and the epilogue fused.
 *
 * <ol>
 *   <li>Once per call the weight rows are laid out for the micro-kernel: the row of channel
 *       {@code co} is its {@code K = taps * words(cin)} words, taps in {@code (kh, kw)} order, the
 *       last word of each tap masked to its {@code cin} valid bits.</li>
 *   <li>A task owns a fixed range of {@link Tuning#XNOR_CONV_PIXELS_PER_TASK} output pixels in
 *       {@code (n, oh, ow)} order and gathers each pixel's {@code K} input words (masked the same
 *       way); a tap outside the input gathers zero words, i.e. all {@code -1}.</li>
 *   <li>The micro-kernel counts mismatches {@code D[pixel, co] = popcount(row XOR weight row)}.
 *       JDK 19+: {@link PopcountXnorTile}, Vector API {@code BIT_COUNT} on a register tile of 4
 *       gathered pixels x 2 vectors of channels, the weights in word-major panels (as
 *       {@link BitGemmSupport#packPanels}). JDK 17 and 18: {@link IntLaneXnor}, plain Java that C2
 *       vectorises itself, one channel against all the task's pixels at once.</li>
 *   <li>{@code acc = taps * cin - 2 D + border}: the padding bits are 0 on both sides so they never
 *       mismatch. A padded tap gathered as {@code -1} added {@code -sum_ci w}; the definition wants
 *       {@code padValue * sum_ci w}, so {@code border} adds {@code (padValue + 1) * sum_ci w} for each
 *       of the pixel's padded taps. It depends only on which taps are padded, so it is tabulated per
 *       class of output row times class of output column ({@link Border}). Then the epilogue;
 *       IntBits is decided on {@code D} itself, against bounds moved to counts once per class
 *       ({@link MismatchBounds}).</li>
 * </ol>
 * Every accumulation is an exact integer and every pixel is computed by exactly one task of a split
 * that depends only on the geometry, so results are bit-identical to the oracle for any thread count.
 */
// NOTE: a direct loop over the input (no gather) for interior pixels plus the oracle's loop for the
// border was not pursued: at the bench L2 shape (16x16, 3x3, pad 1) 23% of the pixels touch the
// border, and the gather costs K word copies per pixel against K * cout popcounts.
final class VectorXnorConv {
    /** Pixels per micro-kernel call: the rows of the register tile. */
    static final int ROWS = 4;

    private VectorXnorConv() {
    }

    /**
     * The convolution of {@link PackedKernels#xnorConv2d}; {@code vectorPopcount} picks the
     * micro-kernel ({@link PopcountXnorTile#available()} must hold for true).
     */
    static void conv(boolean vectorPopcount, Conv2dGeometry g, int padValue, long[] x, int xOff, long[] w,
                     int wOff, PackedEpilogue epilogue, Parallel parallel) {
        assert g.groups() == 1 && g.dilationH() == 1 && g.dilationW() == 1 && Math.abs(padValue) <= 1;
        if (!(epilogue instanceof PackedEpilogue.IntRaw || epilogue instanceof PackedEpilogue.Affine
                || epilogue instanceof PackedEpilogue.IntBits)) {
            throw new IllegalArgumentException("xnorConv2d: epilogue " + epilogue.getClass().getSimpleName()
                    + " is for float accumulations (use IntRaw, Affine or IntBits)");
        }
        int p = vectorPopcount ? PopcountXnorTile.P : 1;
        int taps = g.kH() * g.kW();
        int words = BitKernels.words(g.cin());
        int k = taps * words;
        Border border = Border.of(g, padValue, w, wOff);
        int pixels = g.n() * g.outH() * g.outW();
        int block = Tuning.XNOR_CONV_PIXELS_PER_TASK;
        int tasks = BitGemmSupport.ceilDiv(pixels, block);
        int width = BitGemmSupport.ceilDiv(g.cout(), p) * p;
        MismatchBounds bounds = epilogue instanceof PackedEpilogue.IntBits bits
                ? MismatchBounds.of(bits, border, g.cout(), width, taps * g.cin(), k) : null;
        if (vectorPopcount) {
            long[] panel = packWeightPanels(p, g.cout(), g.cin(), taps, w, wOff);
            parallel.forEach(tasks, t -> {
                Task task = new Task(g, p, k, x, xOff, epilogue, border, bounds);
                for (int q = t * block, end = Math.min(pixels, q + block); q < end; q += ROWS) {
                    int rows = Math.min(ROWS, end - q);
                    task.gather(q, rows);
                    for (int j = 0; j < task.coutPadded; j += p) {
                        PopcountXnorTile.mismatches(task.rows, k, panel, j * k, task.counts, j, task.coutPadded);
                    }
                    task.finishCounts(q, rows);
                }
            });
        } else {
            int[][] lanes = IntLaneXnor.weights(g.cout(), g.cin(), taps, w, wOff);
            parallel.forEach(tasks, t -> {
                Task task = new Task(g, p, k, x, xOff, epilogue, border, bounds);
                IntLaneXnor.run(task, lanes, t * block, Math.min(pixels, t * block + block) - t * block);
            });
        }
    }

    /**
     * Word-major panels of {@code p} weight rows: word {@code i} of the row of channel {@code co}
     * (a {@code K}-word row, each tap's last word masked) at {@code (co / p * K + i) * p + co % p};
     * channels past {@code cout} are zero.
     */
    static long[] packWeightPanels(int p, int cout, int cin, int taps, long[] w, int wOff) {
        int words = BitKernels.words(cin);
        long mask = BitKernels.lastWordMask(cin);
        int k = taps * words;
        long[] panel = new long[BitGemmSupport.ceilDiv(cout, p) * p * k];
        for (int co = 0; co < cout; co++) {
            int base = co / p * p * k + co % p;
            int src = wOff + co * k;
            for (int i = 0; i < k; i++) {
                long word = w[src + i];
                panel[base + i * p] = i % words == words - 1 ? word & mask : word;
            }
        }
        return panel;
    }

    /** One task's buffers: the gathered rows of up to {@link #ROWS} pixels and their mismatch counts. */
    static final class Task {
        final Conv2dGeometry g;
        final int k;
        final int words;
        final long mask;
        final int coutPadded;
        final long[] x;
        final int xOff;
        final PackedEpilogue epilogue;
        final Border border;
        /** The IntBits epilogue's bounds on mismatch counts, or null for the other epilogues. */
        final MismatchBounds bounds;
        final PackedEpilogue.IntBits bits;
        /** {@link #ROWS} gathered rows of {@code k} words. */
        final long[] rows;
        /** {@code counts[r * coutPadded + co]}: the mismatches of row {@code r} and channel {@code co}. */
        final long[] counts;
        final int[] acc;
        final int[] d;

        Task(Conv2dGeometry g, int p, int k, long[] x, int xOff, PackedEpilogue epilogue, Border border,
             MismatchBounds bounds) {
            this.g = g;
            this.k = k;
            this.words = BitKernels.words(g.cin());
            this.mask = BitKernels.lastWordMask(g.cin());
            this.coutPadded = BitGemmSupport.ceilDiv(g.cout(), p) * p;
            this.x = x;
            this.xOff = xOff;
            this.epilogue = epilogue;
            this.border = border;
            this.bounds = bounds;
            this.bits = bounds == null ? null : (PackedEpilogue.IntBits) epilogue;
            this.rows = new long[ROWS * k];
            this.counts = new long[ROWS * coutPadded];
            this.acc = new int[g.cout()];
            this.d = new int[g.cout()];
        }

        /** Gathers pixels {@code q ..< q + count} (linear {@code (n, oh, ow)} order) into rows 0.. */
        void gather(int q, int count) {
            int outH = g.outH(), outW = g.outW();
            int ow = q % outW, oh = q / outW % outH, n = q / (outW * outH);
            for (int r = 0; r < count; r++) {
                int dst = r * k;
                for (int kh = 0; kh < g.kH(); kh++) {
                    int ih = oh * g.strideH() - g.padH() + kh;
                    for (int kw = 0; kw < g.kW(); kw++, dst += words) {
                        int iw = ow * g.strideW() - g.padW() + kw;
                        if (ih < 0 || ih >= g.h() || iw < 0 || iw >= g.w()) {
                            Arrays.fill(rows, dst, dst + words, 0L);
                            continue;
                        }
                        int src = xOff + ((n * g.h() + ih) * g.w() + iw) * words;
                        for (int wd = 0; wd < words - 1; wd++) {
                            rows[dst + wd] = x[src + wd];
                        }
                        rows[dst + words - 1] = x[src + words - 1] & mask;
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
            // rows past count keep stale words: their counts are computed and never read
        }

        /** Writes pixels {@code q ..< q + count} from their mismatch counts in {@link #counts}. */
        void finishCounts(int q, int count) {
            for (int r = 0; r < count; r++) {
                int pixel = q + r, c0 = r * coutPadded;
                if (bounds != null) {
                    int cls = classOf(pixel);
                    PopcountXnorTile.packBits(counts, c0, bounds.lo[cls], bounds.hi[cls],
                            coutPadded, bits.y(), bits.off() + pixel * BitKernels.words(g.cout()));
                    continue;
                }
                for (int co = 0; co < d.length; co++) {
                    d[co] = (int) counts[c0 + co];
                }
                finish(pixel, d);
            }
        }

        /** The border class of pixel {@code pixel} (linear {@code (n, oh, ow)} index). */
        int classOf(int pixel) {
            int pos = pixel % (g.outH() * g.outW());
            return border.classOf(pos / g.outW(), pos % g.outW());
        }

        /** Writes pixel {@code pixel} (linear {@code (n, oh, ow)} index) from its mismatch counts {@code d[co]}. */
        void finish(int pixel, int[] d) {
            int cout = g.cout(), plane = g.outH() * g.outW();
            int cls = classOf(pixel);
            if (bounds != null) {
                writeBits(d, bounds.lo[cls], bounds.hi[cls], pixel);
                return;
            }
            int valid = g.kH() * g.kW() * g.cin();
            for (int co = 0; co < cout; co++) {
                acc[co] = valid - 2 * d[co];
            }
            int[] share = border.share[cls];
            if (share != null) {
                for (int co = 0; co < cout; co++) {
                    acc[co] += share[co];
                }
            }
            int pos = pixel % plane, n = pixel / plane;
            if (epilogue instanceof PackedEpilogue.IntRaw raw) {
                int base = raw.off() + n * cout * plane + pos;
                for (int co = 0; co < cout; co++) {
                    raw.y()[base + co * plane] = acc[co];
                }
            } else {
                PackedEpilogue.Affine affine = (PackedEpilogue.Affine) epilogue;
                int base = affine.off() + n * cout * plane + pos;
                float[] scale = affine.scale(), shift = affine.shift(), y = affine.y();
                for (int co = 0; co < cout; co++) {
                    // NOTE: two roundings, no fma: the definition of PackedEpilogue.Affine
                    float scaled = acc[co] * scale[co];
                    y[base + co * plane] = scaled + shift[co];
                }
            }
        }

        private void writeBits(int[] d, long[] lo, long[] hi, int pixel) {
            int cout = g.cout(), wordsOut = BitKernels.words(cout);
            int dst = bits.off() + pixel * wordsOut;
            for (int wd = 0; wd < wordsOut; wd++) {
                long word = 0;
                for (int co = wd << 6, end = Math.min(cout, co + 64); co < end; co++) {
                    int v = d[co];
                    word |= (lo[co] <= v & v <= hi[co] ? 1L : 0L) << (co & 63);
                }
                bits.y()[dst + wd] = word;
            }
        }
    }

    /**
     * The {@link PackedEpilogue.IntBits} interval moved from accumulations to mismatch counts, per
     * border class: {@code lower <= acc <= upper} with {@code acc = valid - 2 d + share} is
     * {@code lo <= d <= hi}, {@code lo = ceil((valid + share - upper) / 2)},
     * {@code hi = floor((valid + share - lower) / 2)} (in long, then clamped to
     * {@code [0, maxD + 1]} and {@code [-1, maxD]}, {@code maxD = 64 K} the largest count). Rows are
     * {@code width} long, channels past {@code cout} never firing ({@code lo = 1, hi = 0}), so the
     * padding bits of the output's last word come out 0.
     */
    record MismatchBounds(long[][] lo, long[][] hi) {
        static MismatchBounds of(PackedEpilogue.IntBits bits, Border border, int cout, int width, int valid, int k) {
            int classes = border.share.length;
            long maxD = 64L * k;
            long[][] lo = new long[classes][width], hi = new long[classes][width];
            for (int c = 0; c < classes; c++) {
                Arrays.fill(lo[c], 1);
                for (int co = 0; co < cout; co++) {
                    long base = valid + (border.share[c] == null ? 0 : border.share[c][co]);
                    lo[c][co] = Math.max(0, Math.min(maxD + 1, -Math.floorDiv(bits.upper()[co] - base, 2L)));
                    hi[c][co] = Math.max(-1, Math.min(maxD, Math.floorDiv(base - bits.lower()[co], 2L)));
                }
            }
            return new MismatchBounds(lo, hi);
        }

        /** The bounds of the classes without a border share (all equal), or null if every class has one. */
        long[][] unshared(Border border) {
            for (int c = 0; c < border.share.length; c++) {
                if (border.share[c] == null) {
                    return new long[][] {lo[c], hi[c]};
                }
            }
            return null;
        }
    }

    /**
     * The border classes of the output pixels and what their padded taps add on top of the gathered
     * {@code -1}s. A class is a class of output row (its range of taps {@code kh} inside the input)
     * times a class of output column; {@code share[class][co]} is
     * {@code (padValue + 1) * sum over the padded taps of sum_ci w[co, ci, tap]}, or null where that
     * is 0 for every channel (no padded tap, or {@code padValue = -1}).
     */
    record Border(int[] rowClass, int[] colClass, int colClasses, int[][] share) {
        static Border of(Conv2dGeometry g, int padValue, long[] w, int wOff) {
            int[][] rows = classes(g.outH(), g.strideH(), g.padH(), g.kH(), g.h());
            int[][] cols = classes(g.outW(), g.strideW(), g.padW(), g.kW(), g.w());
            int[] rowRange = rows[1], colRange = cols[1];
            int nRows = rowRange.length / 2, nCols = colRange.length / 2;
            int cout = g.cout(), kH = g.kH(), kW = g.kW(), taps = kH * kW;
            int[][] share = new int[nRows * nCols][];
            int[] rowSum = padValue == -1 ? null : rowSums(cout, g.cin(), taps, w, wOff);
            for (int rc = 0; rc < nRows && rowSum != null; rc++) {
                for (int cc = 0; cc < nCols; cc++) {
                    for (int kh = 0; kh < kH; kh++) {
                        boolean rowIn = rowRange[2 * rc] <= kh && kh < rowRange[2 * rc + 1];
                        for (int kw = 0; kw < kW; kw++) {
                            if (rowIn && colRange[2 * cc] <= kw && kw < colRange[2 * cc + 1]) {
                                continue;
                            }
                            int[] s = share[rc * nCols + cc];
                            if (s == null) {
                                s = share[rc * nCols + cc] = new int[cout];
                            }
                            for (int co = 0; co < cout; co++) {
                                s[co] += (padValue + 1) * rowSum[co * taps + kh * kW + kw];
                            }
                        }
                    }
                }
            }
            return new Border(rows[0], cols[0], nCols, share);
        }

        /**
         * For an axis: {@code [0]} the class of each output position, {@code [1]} per class the range
         * {@code [first, end)} of its kernel taps inside the input, two ints per class.
         */
        private static int[][] classes(int out, int stride, int pad, int kernel, int in) {
            int[] classOf = new int[out];
            int[] ranges = new int[2 * out];
            int classes = 0;
            for (int o = 0; o < out; o++) {
                int first = Math.max(0, pad - o * stride);
                int end = Math.max(first, Math.min(kernel, in + pad - o * stride));
                int c = 0;
                while (c < classes && (ranges[2 * c] != first || ranges[2 * c + 1] != end)) {
                    c++;
                }
                if (c == classes) {
                    ranges[2 * c] = first;
                    ranges[2 * c + 1] = end;
                    classes++;
                }
                classOf[o] = c;
            }
            return new int[][] {classOf, Arrays.copyOf(ranges, 2 * classes)};
        }

        /** The +-1 sum of each weight row, {@code 2 popcount(row) - cin}, per {@code (co, tap)}. */
        private static int[] rowSums(int cout, int cin, int taps, long[] w, int wOff) {
            int words = BitKernels.words(cin);
            int[] ones = BitGemmSupport.rowPopcounts(cout * taps, 0, w, wOff, words, words,
                    BitKernels.lastWordMask(cin));
            for (int r = 0; r < ones.length; r++) {
                ones[r] = 2 * ones[r] - cin;
            }
            return ones;
        }

        int classOf(int oh, int ow) {
            return rowClass[oh] * colClasses + colClass[ow];
        }
    }
}
