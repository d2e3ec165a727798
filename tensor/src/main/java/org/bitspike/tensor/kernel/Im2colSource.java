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
 * Padding may be negative (a crop): the transposed-convolution form of the input gradient uses that.
 * {@link #columns} restricts the matrix to a range of columns (one task's share of the pixels).
 * Stateless, so GEMM may call it from several threads.
 */
final class Im2colSource implements FloatMatrixSource {
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
        if (strideH == 1 && strideW == 1 && outW == w) {
            copyShifted(row0, rowCount, col0, colCount, dst, dstOff, dstRowStride, dstColStride);
            return;
        }
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
            int d = dstOff + r * dstRowStride;
            int n = n0, oh = oh0, ow = ow0;
            for (int left = colCount; left > 0; ) {
                int run = Math.min(outW - ow, left);
                int ih = oh * strideH + hShift;
                if (ih < 0 || ih >= h) {
                    zero(dst, d, run, dstColStride);
                } else {
                    int iw0 = ow * strideW + wShift;
                    int lo = iw0 >= 0 ? 0 : Math.min(run, (-iw0 + strideW - 1) / strideW);
                    int hi = iw0 >= w ? 0 : Math.min(run, (w - iw0 + strideW - 1) / strideW);
                    if (hi < lo) {
                        hi = lo;
                    }
                    zero(dst, d, lo, dstColStride);
                    int src = rowBase + n * imageStride + ih * w + iw0;
                    // NOTE: guard the empty run: arraycopy rejects a negative source index even
                    // for length 0, which a tap lying wholly in the left padding produces.
                    if (dstColStride == 1 && strideW == 1 && hi > lo) {
                        System.arraycopy(x, src + lo, dst, d + lo, hi - lo);
                    } else {
                        for (int j = lo; j < hi; j++) {
                            dst[d + j * dstColStride] = x[src + j * strideW];
                        }
                    }
                    zero(dst, d + hi * dstColStride, run - hi, dstColStride);
                }
                d += run * dstColStride;
                left -= run;
                ow = 0;
                if (++oh == outH) {
                    oh = 0;
                    n++;
                }
            }
        }
    }

    /**
     * Unit strides and {@code outW == w} (a "same"-width convolution): then pixel {@code p} of an
     * output plane reads {@code x[plane + hShift * w + wShift + p]} for every tap, a pure shift. Each
     * (row, image) segment is one bulk copy from its first to its last valid pixel, after which the
     * pixels whose column wrapped into the neighbouring input row ({@code |wShift|} per output row)
     * are zeroed, and the rows above and below the input are zero-filled. No division per run.
     */
    private void copyShifted(int row0, int rowCount, int col0, int count,
                             float[] dst, int dstOff, int dstRowStride, int dstColStride) {
        // per-row constants, decoded once: source shift, valid pixel span, valid column span
        int[] shift = new int[rowCount];
        int[] span = new int[4 * rowCount];
        int taps = kH * kW;
        int c = row0 / taps, kh = row0 % taps / kW, kw = row0 % kW;
        for (int r = 0; r < rowCount; r++) {
            int hShift = kh * dilationH - padH;
            int wShift = kw * dilationW - padW;
            int ohLo = clamp(-hShift, outH), ohHi = clamp(h - hShift, outH);
            int owLo = clamp(-wShift, outW), owHi = clamp(w - wShift, outW);
            shift[r] = c * h * w + hShift * w + wShift;
            boolean any = ohLo < ohHi && owLo < owHi;
            span[4 * r] = any ? ohLo * outW + owLo : Integer.MAX_VALUE;
            span[4 * r + 1] = any ? (ohHi - 1) * outW + owHi : Integer.MIN_VALUE;
            span[4 * r + 2] = owLo;
            span[4 * r + 3] = owHi;
            if (++kw == kW) {
                kw = 0;
                if (++kh == kH) {
                    kh = 0;
                    c++;
                }
            }
        }
        // NOTE: a strided destination (the transposed source of the weight gradient writes each row
        // down a column of GEMM's staging block) is still written one whole row at a time: filling
        // it in tiles of 16 or 64 columns for every row measured slower, not faster.
        int outPlane = outH * outW;
        int first = colBase + col0, end = first + count;
        for (int seg = first; seg < end; ) {
            int n = seg / outPlane;
            int b = Math.min(outPlane, end - n * outPlane);
            int a = seg - n * outPlane;
            int image = off + n * imageStride;
            int d = dstOff + (seg - first) * dstColStride;
            for (int r = 0; r < rowCount; r++) {
                copyShiftedRun(a, b, span[4 * r], span[4 * r + 1], span[4 * r + 2], span[4 * r + 3],
                        image + shift[r], dst, d + r * dstRowStride, dstColStride);
            }
            seg = n * outPlane + b;
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
