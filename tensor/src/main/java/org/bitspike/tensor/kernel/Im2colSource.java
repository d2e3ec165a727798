package org.bitspike.tensor.kernel;

import java.util.Arrays;

/**
 * The im2col matrix of a stack of images, never materialised: row {@code (c, kh, kw)} (row-major
 * over {@code channels x kH x kW}), column {@code (image, oh, ow)} (row-major over
 * {@code images x outH x outW}), value {@code x[image, c, oh * strideH - padH + kh * dilationH,
 * ow * strideW - padW + kw * dilationW]} or zero outside the {@code h x w} plane.
 *
 * <p>{@link #copyBlock} walks each row in runs along {@code ow}: the zeros of the padding are
 * filled, the inside is copied ({@code System.arraycopy} when stride and destination are unit).
 * {@link #copyPacked} walks the same runs, cut at the boundaries of GEMM's slivers, so GEMM packs
 * the im2col matrix without staging it first; so does the {@link #transposed} view's (the weight
 * gradient's B), writing each run down a sliver column.
 * Padding may be negative (a crop): the transposed-convolution form of the input gradient uses that.
 * {@link #columns} restricts the matrix to a range of columns (one task's share of the pixels).
 * Stateless, so GEMM may call it from several threads.
 */
final class Im2colSource implements FloatMatrixSource {
    /** Floats of sliver rows one chunk of the transpose's packed copy spans (32 KB); see {@link #copyPackedTransposed}. */
    private static final int TRANSPOSED_CHUNK_FLOATS = 1 << 13;

    private final float[] x;
    private final int off;
    private final int imageStride;
    private final int images;
    private final int channels;
    private final int h;
    private final int w;
    private final int outH;
    private final int outW;
    private final int kH;
    private final int kW;
    private final int strideH;
    private final int strideW;
    private final int padH;
    private final int padW;
    private final int dilationH;
    private final int dilationW;
    private final int colBase;
    private final int colCount;

    /**
     * @param x           the images
     * @param off         index of {@code [image 0, channel 0, 0, 0]}
     * @param imageStride distance between consecutive images
     * @param images      number of images (columns are {@code images * outH * outW})
     * @param channels    number of channels (rows are {@code channels * kH * kW}); channel planes are
     *                    {@code h * w} apart
     */
    Im2colSource(float[] x, int off, int imageStride, int images, int channels, int h, int w,
                 int outH, int outW, int kH, int kW, int strideH, int strideW,
                 int padH, int padW, int dilationH, int dilationW) {
        this.x = x;
        this.off = off;
        this.imageStride = imageStride;
        this.images = images;
        this.channels = channels;
        this.h = h;
        this.w = w;
        this.outH = outH;
        this.outW = outW;
        this.kH = kH;
        this.kW = kW;
        this.strideH = strideH;
        this.strideW = strideW;
        this.padH = padH;
        this.padW = padW;
        this.dilationH = dilationH;
        this.dilationW = dilationW;
        this.colBase = 0;
        this.colCount = images * outH * outW;
    }

    private Im2colSource(Im2colSource s, int colBase, int colCount) {
        this.x = s.x;
        this.off = s.off;
        this.imageStride = s.imageStride;
        this.images = s.images;
        this.channels = s.channels;
        this.h = s.h;
        this.w = s.w;
        this.outH = s.outH;
        this.outW = s.outW;
        this.kH = s.kH;
        this.kW = s.kW;
        this.strideH = s.strideH;
        this.strideW = s.strideW;
        this.padH = s.padH;
        this.padW = s.padW;
        this.dilationH = s.dilationH;
        this.dilationW = s.dilationW;
        this.colBase = s.colBase + colBase;
        this.colCount = colCount;
    }

    /** Columns {@code start ..< start + count} of this matrix, without copying. */
    Im2colSource columns(int start, int count) {
        assert start >= 0 && count >= 0 && start + count <= colCount;
        return new Im2colSource(this, start, count);
    }

    /** The forward im2col of images {@code n0 ..< n0 + images}, channels of group {@code group}. */
    static Im2colSource forward(Conv2dGeometry g, float[] x, int xOff, int n0, int images, int group) {
        int plane = g.h() * g.w();
        return new Im2colSource(x, xOff + (n0 * g.cin() + group * g.cinPerGroup()) * plane, g.cin() * plane,
                images, g.cinPerGroup(), g.h(), g.w(), g.outH(), g.outW(), g.kH(), g.kW(),
                g.strideH(), g.strideW(), g.padH(), g.padW(), g.dilationH(), g.dilationW());
    }

    @Override
    public int rows() {
        return channels * kH * kW;
    }

    @Override
    public int cols() {
        return colCount;
    }

    @Override
    public void copyBlock(int row0, int rowCount, int col0, int colCount,
                          float[] dst, int dstOff, int dstRowStride, int dstColStride) {
        assert row0 >= 0 && rowCount >= 0 && row0 + rowCount <= rows();
        assert col0 >= 0 && colCount >= 0 && col0 + colCount <= cols();
        if (shifted()) {
            copyShifted(row0, rowCount, col0, colCount, dst, dstOff, dstRowStride, dstColStride);
        } else {
            copyRuns(row0, rowCount, col0, colCount, dst, dstOff, dstRowStride, dstColStride, Integer.MAX_VALUE, 0);
        }
    }

    /**
     * Writes each run along {@code ow} straight into the slivers, cut at their boundaries (a unit
     * stride run is one {@code System.arraycopy} per piece), instead of into a staging block that
     * GEMM would copy again.
     */
    @Override
    public boolean copyPacked(int row0, int rowCount, int col0, int colCount, int nr,
                              float[] dst, int dOff, int sliverStride) {
        assert row0 >= 0 && rowCount >= 0 && row0 + rowCount <= rows();
        assert col0 >= 0 && colCount >= 0 && col0 + colCount <= cols();
        assert nr >= 1 && sliverStride >= rowCount * nr : nr + ", " + sliverStride;
        if (shifted()) {
            copyShiftedPacked(row0, rowCount, col0, colCount, nr, dst, dOff, sliverStride);
        } else {
            copyRuns(row0, rowCount, col0, colCount, dst, dOff, nr, 1, nr, sliverStride);
        }
        int tail = colCount % nr;
        if (tail != 0) {
            for (int p = 0, d = dOff + colCount / nr * sliverStride + tail; p < rowCount; p++, d += nr) {
                zero(dst, d, nr - tail, 1);
            }
        }
        return true;
    }

    /**
     * Writes {@code M[row0 + r, col0 + j]} to
     * {@code dst[dstOff + r * rowStride + (j / piece) * pieceStride + (j % piece) * colStride]}: the
     * columns are cut into pieces of {@code piece} (a plain block: {@code Integer.MAX_VALUE}, one
     * piece; GEMM's packed layout: the sliver width). Any geometry; see {@link #shifted} for the
     * common case.
     */
    private void copyRuns(int row0, int rowCount, int col0, int colCount, float[] dst, int dstOff,
                          int rowStride, int colStride, int piece, int pieceStride) {
        int taps = kH * kW;
        int outPlane = outH * outW;
        int first = colBase + col0;
        int n0 = first / outPlane;
        int oh0 = first % outPlane / outW;
        int ow0 = first % outW;
        for (int r = 0; r < rowCount; r++) {
            int row = row0 + r;
            int c = row / taps;
            int kh = row % taps / kW;
            int kw = row % kW;
            int rowBase = off + c * h * w;
            int hShift = kh * dilationH - padH;
            int wShift = kw * dilationW - padW;
            int rowDst = dstOff + r * rowStride;
            int n = n0, oh = oh0, ow = ow0;
            for (int j = 0; j < colCount; ) {
                int run = Math.min(outW - ow, colCount - j);
                int ih = oh * strideH + hShift;
                int src = rowBase + n * imageStride + ih * w;
                for (int o = ow, oEnd = ow + run; o < oEnd; ) {
                    int q = j / piece, within = j - q * piece;
                    int len = Math.min(oEnd - o, piece - within);
                    int d = rowDst + q * pieceStride + within * colStride;
                    if (ih < 0 || ih >= h) {
                        zero(dst, d, len, colStride);
                    } else {
                        copyRun(src, o * strideW + wShift, len, dst, d, colStride);
                    }
                    o += len;
                    j += len;
                }
                ow = 0;
                if (++oh == outH) {
                    oh = 0;
                    n++;
                }
            }
        }
    }

    /**
     * {@code len} pixels along one input row starting at column {@code iw0} (stepping
     * {@code strideW}): {@code x[src + iw]} where {@code 0 <= iw < w}, zero elsewhere.
     */
    private void copyRun(int src, int iw0, int len, float[] dst, int d, int colStride) {
        int lo = iw0 >= 0 ? 0 : Math.min(len, (-iw0 + strideW - 1) / strideW);
        int hi = iw0 >= w ? 0 : Math.min(len, (w - iw0 + strideW - 1) / strideW);
        if (hi < lo) {
            hi = lo;
        }
        zero(dst, d, lo, colStride);
        int s = src + iw0;
        // NOTE: guard the empty run: arraycopy rejects a negative source index even
        // for length 0, which a tap lying wholly in the left padding produces.
        if (colStride == 1 && strideW == 1 && hi > lo) {
            System.arraycopy(x, s + lo, dst, d + lo, hi - lo);
        } else {
            for (int j = lo; j < hi; j++) {
                dst[d + j * colStride] = x[s + j * strideW];
            }
        }
        zero(dst, d + hi * colStride, len - hi, colStride);
    }

    /**
     * Unit strides and {@code outW == w} (a "same"-width convolution): then pixel {@code p} of an
     * output plane reads {@code x[plane + hShift * w + wShift + p]} for every tap, a pure shift. Each
     * (row, image) segment is one bulk copy from its first to its last valid pixel, after which the
     * pixels whose column wrapped into the neighbouring input row ({@code |wShift|} per output row)
     * are zeroed, and the rows above and below the input are zero-filled. No division per run.
     */
    private boolean shifted() {
        return strideH == 1 && strideW == 1 && outW == w;
    }

    /**
     * Per-row constants of the shifted copy, decoded once: for row {@code r}, at {@code 5 r}, the
     * source shift, the valid pixel span {@code [lo, hi)} (empty: {@code MAX_VALUE, MIN_VALUE}) and
     * the valid column span {@code [owLo, owHi)}.
     */
    private int[] shifts(int row0, int rowCount) {
        int[] span = new int[5 * rowCount];
        int taps = kH * kW;
        int c = row0 / taps, kh = row0 % taps / kW, kw = row0 % kW;
        for (int r = 0; r < rowCount; r++) {
            int hShift = kh * dilationH - padH;
            int wShift = kw * dilationW - padW;
            int ohLo = clamp(-hShift, outH), ohHi = clamp(h - hShift, outH);
            int owLo = clamp(-wShift, outW), owHi = clamp(w - wShift, outW);
            boolean any = ohLo < ohHi && owLo < owHi;
            span[5 * r] = c * h * w + hShift * w + wShift;
            span[5 * r + 1] = any ? ohLo * outW + owLo : Integer.MAX_VALUE;
            span[5 * r + 2] = any ? (ohHi - 1) * outW + owHi : Integer.MIN_VALUE;
            span[5 * r + 3] = owLo;
            span[5 * r + 4] = owHi;
            if (++kw == kW) {
                kw = 0;
                if (++kh == kH) {
                    kh = 0;
                    c++;
                }
            }
        }
        return span;
    }

    /** The shifted copy into a plain block; see {@link #shifted}. */
    private void copyShifted(int row0, int rowCount, int col0, int count,
                             float[] dst, int dstOff, int dstRowStride, int dstColStride) {
        int[] span = shifts(row0, rowCount);
        // NOTE: a strided destination (the transposed source staged row-major, as the scalar GEMM
        // does, writes each row down a column) is still written one whole row at a time: filling it
        // in tiles of 16 or 64 columns for every row measured slower, not faster, when the vector
        // GEMM staged this way. That GEMM now packs the transpose with copyPackedTransposed.
        int outPlane = outH * outW;
        int first = colBase + col0, end = first + count;
        for (int seg = first; seg < end; ) {
            int n = seg / outPlane;
            int b = Math.min(outPlane, end - n * outPlane);
            int a = seg - n * outPlane;
            int image = off + n * imageStride;
            int d = dstOff + (seg - first) * dstColStride;
            for (int r = 0; r < rowCount; r++) {
                copyShiftedRun(a, b, span[5 * r + 1], span[5 * r + 2], span[5 * r + 3], span[5 * r + 4],
                        image + span[5 * r], dst, d + r * dstRowStride, dstColStride);
            }
            seg = n * outPlane + b;
        }
    }

    /**
     * The shifted copy into GEMM's packed layout ({@link #copyPacked}): each (image, row) segment's
     * zeros, valid pixels and zeros are written sliver piece by sliver piece, then the wrapped
     * columns are zeroed in place. Power-of-two sliver widths (all of GEMM's) index with shifts.
     */
    private void copyShiftedPacked(int row0, int rowCount, int col0, int count, int nr,
                                   float[] dst, int dOff, int sliverStride) {
        int[] span = shifts(row0, rowCount);
        int log = (nr & (nr - 1)) == 0 ? Integer.numberOfTrailingZeros(nr) : -1;
        int outPlane = outH * outW;
        int first = colBase + col0, end = first + count;
        for (int seg = first; seg < end; ) {
            int n = seg / outPlane;
            int b = Math.min(outPlane, end - n * outPlane);
            int a = seg - n * outPlane;
            int image = off + n * imageStride;
            // relative column of pixel p is rel0 + p
            int rel0 = seg - first - a;
            for (int r = 0, rowBase = dOff; r < rowCount; r++, rowBase += nr) {
                int lo = Math.max(a, span[5 * r + 1]), hi = Math.min(b, span[5 * r + 2]);
                if (hi <= lo) {
                    lo = b;
                    hi = b;
                }
                packZeros(rel0 + a, lo - a, dst, rowBase, nr, log, sliverStride);
                packCopy(image + span[5 * r] + lo, rel0 + lo, hi - lo, dst, rowBase, nr, log, sliverStride);
                packZeros(rel0 + hi, b - hi, dst, rowBase, nr, log, sliverStride);
                int owLo = span[5 * r + 3], owHi = span[5 * r + 4];
                if (lo < hi && (owLo > 0 || owHi < outW)) {
                    for (int rowStart = lo / outW * outW; rowStart < hi; rowStart += outW) {
                        for (int p = Math.max(lo, rowStart), z1 = Math.min(hi, rowStart + owLo); p < z1; p++) {
                            dst[rowBase + slot(rel0 + p, nr, log, sliverStride)] = 0f;
                        }
                        for (int p = Math.max(lo, rowStart + owHi), z1 = Math.min(hi, rowStart + outW); p < z1; p++) {
                            dst[rowBase + slot(rel0 + p, nr, log, sliverStride)] = 0f;
                        }
                    }
                }
            }
            seg = n * outPlane + b;
        }
    }

    /**
     * {@link #copyPacked} of the transpose: its rows are pixels {@code pix0 ..< pix0 + pixels}, its
     * columns taps {@code tap0 ..< tap0 + taps}. Each tap's run of pixels is written down its
     * column of a sliver ({@code nr} floats apart), a chunk of pixels at a time.
     *
     * <p>NOTE: the chunk is {@link #TRANSPOSED_CHUNK_FLOATS}{@code / nr} pixels, so the sliver rows a
     * chunk writes span 32 KB. Rows {@code nr} floats apart fall into few L1 sets (every fourth at
     * {@code nr = 64}), and when a chunk's rows outgrow them every tap's stores miss: on the weight
     * gradient shapes of the small VGG (single-threaded packing harness) whole depth blocks
     * (196-256 pixels) packed at 0.75-0.8 ns per element, chunks of 128 pixels at 0.6-0.65, 64 at
     * 0.7-0.75 and 192 at 0.8-0.85. Staging and transposing with the column packer took 0.8-1.0;
     * gathering each pixel's taps instead (contiguous stores, scattered loads) took 0.8.
     */
    @Override
    public boolean copyPackedTransposed(int pix0, int pixels, int tap0, int taps, int nr,
                                        float[] dst, int dOff, int sliverStride) {
        assert pix0 >= 0 && pixels >= 0 && pix0 + pixels <= cols();
        assert tap0 >= 0 && taps >= 0 && tap0 + taps <= rows();
        assert nr >= 1 && sliverStride >= pixels * nr : nr + ", " + sliverStride;
        int chunk = Math.max(1, TRANSPOSED_CHUNK_FLOATS / nr);
        int[] span = shifted() ? shifts(tap0, taps) : null;
        int outPlane = outH * outW;
        for (int p0 = 0; p0 < pixels; p0 += chunk) {
            int count = Math.min(chunk, pixels - p0);
            if (span == null) {
                for (int j = 0; j < taps; j += nr) {
                    copyRuns(tap0 + j, Math.min(nr, taps - j), pix0 + p0, count,
                            dst, dOff + j / nr * sliverStride + p0 * nr, 1, nr, Integer.MAX_VALUE, 0);
                }
                continue;
            }
            int first = colBase + pix0 + p0, end = first + count;
            for (int seg = first; seg < end; ) {
                int n = seg / outPlane;
                int b = Math.min(outPlane, end - n * outPlane);
                int a = seg - n * outPlane;
                int image = off + n * imageStride;
                int rowStart = dOff + (seg - colBase - pix0) * nr;
                for (int t = 0, q = 0, jj = 0; t < taps; t++) {
                    copyShiftedRun(a, b, span[5 * t + 1], span[5 * t + 2], span[5 * t + 3], span[5 * t + 4],
                            image + span[5 * t], dst, rowStart + q * sliverStride + jj, nr);
                    if (++jj == nr) {
                        jj = 0;
                        q++;
                    }
                }
                seg = n * outPlane + b;
            }
        }
        int tail = taps % nr;
        if (tail != 0) {
            for (int p = 0, d = dOff + taps / nr * sliverStride + tail; p < pixels; p++, d += nr) {
                zero(dst, d, nr - tail, 1);
            }
        }
        return true;
    }

    /** Offset of relative column {@code rel} from its row's start in the packed layout. */
    private static int slot(int rel, int nr, int log, int sliverStride) {
        return log >= 0 ? (rel >>> log) * sliverStride + (rel & (nr - 1)) : rel / nr * sliverStride + rel % nr;
    }

    /** {@code x[src ..< src + len]} to relative columns {@code rel ..< rel + len} of a packed row. */
    private void packCopy(int src, int rel, int len, float[] dst, int rowBase, int nr, int log, int sliverStride) {
        if (len <= 0) {
            return;
        }
        int d = rowBase + slot(rel, nr, log, sliverStride);
        for (int piece = Math.min(len, nr - (log >= 0 ? rel & (nr - 1) : rel % nr)); ; piece = Math.min(len, nr)) {
            System.arraycopy(x, src, dst, d, piece);
            len -= piece;
            if (len == 0) {
                return;
            }
            src += piece;
            // from the end of this sliver's row to the start of the next sliver's
            d += piece - nr + sliverStride;
        }
    }

    /** Zeros to relative columns {@code rel ..< rel + len} of a packed row. */
    private static void packZeros(int rel, int len, float[] dst, int rowBase, int nr, int log, int sliverStride) {
        if (len <= 0) {
            return;
        }
        int d = rowBase + slot(rel, nr, log, sliverStride);
        for (int piece = Math.min(len, nr - (log >= 0 ? rel & (nr - 1) : rel % nr)); ; piece = Math.min(len, nr)) {
            zero(dst, d, piece, 1);
            len -= piece;
            if (len == 0) {
                return;
            }
            d += piece - nr + sliverStride;
        }
    }

    /** Pixels {@code a ..< b} of one plane for one row: zeros, one bulk copy, zeros, wrapped columns zeroed. */
    private void copyShiftedRun(int a, int b, int validLo, int validHi, int owLo, int owHi, int src,
                                float[] dst, int d, int stride) {
        int lo = Math.max(a, validLo), hi = Math.min(b, validHi);
        if (hi <= lo) {
            zero(dst, d, b - a, stride);
            return;
        }
        zero(dst, d, lo - a, stride);
        if (stride == 1) {
            System.arraycopy(x, src + lo, dst, d + lo - a, hi - lo);
        } else {
            for (int p = lo, q = d + (lo - a) * stride; p < hi; p++, q += stride) {
                dst[q] = x[src + p];
            }
        }
        zero(dst, d + (hi - a) * stride, b - hi, stride);
        if (owLo > 0 || owHi < outW) {
            // zero the columns that wrapped into the neighbouring input row (a few per output row:
            // plain stores, as Arrays.fill's call overhead dominated on 14x14 planes)
            for (int rowStart = lo / outW * outW; rowStart < hi; rowStart += outW) {
                for (int p = Math.max(lo, rowStart), z1 = Math.min(hi, rowStart + owLo); p < z1; p++) {
                    dst[d + (p - a) * stride] = 0f;
                }
                for (int p = Math.max(lo, rowStart + owHi), z1 = Math.min(hi, rowStart + outW); p < z1; p++) {
                    dst[d + (p - a) * stride] = 0f;
                }
            }
        }
    }

    @Override
    public String toString() {
        return "im2col of " + images + " x " + channels + " x " + h + " x " + w + " (kernel " + kH + "x" + kW
                + ", stride " + strideH + "x" + strideW + ", padding " + padH + "x" + padW + ", dilation "
                + dilationH + "x" + dilationW + ", output " + outH + "x" + outW + "), columns " + colBase
                + "+" + colCount;
    }

    /** {@code v} clamped to {@code [0, max]}. */
    private static int clamp(int v, int max) {
        return Math.max(0, Math.min(max, v));
    }

    private static void zero(float[] dst, int d, int count, int stride) {
        if (count <= 0) {
            return;
        }
        if (stride == 1 && count > 16) {
            Arrays.fill(dst, d, d + count, 0f);
        } else {
            for (int j = 0; j < count; j++) {
                dst[d + j * stride] = 0f;
            }
        }
    }
}
