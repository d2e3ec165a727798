package org.bitspike.tensor.kernel.vector;

import static org.bitspike.tensor.kernel.vector.SpikeTiles.L;

import org.bitspike.tensor.kernel.BitKernels;
import org.bitspike.tensor.kernel.Conv2dGeometry;
import org.bitspike.tensor.kernel.PackedEpilogue;
import org.bitspike.tensor.kernel.Parallel;
import org.bitspike.tensor.kernel.SpikeConvPaths.Path;
import org.bitspike.tensor.kernel.Tuning;

/**
 * The spike-event convolution on the Vector API, vectorised across output channels (the weights of
 * one (tap, input channel) are contiguous over them), so each lane is one output's sequential sum in
 * the order the contract defines and equals the scalar oracle bit for bit. Two forms
 * ({@link SpikeTiles}):
 * <ul>
 *   <li>event: per output pixel, the spikes of its taps become a list of weight-row offsets (one
 *       walk over the set bits), then tiles of 8, 4 and 1 vectors of output channels add those rows;
 *       the work is proportional to the spikes;</li>
 *   <li>dense: blocks of 4 output pixels of a row run every (tap, input channel) branch-free, each
 *       weight vector loaded once for the 4 pixels and added under each pixel's bit; the work is
 *       independent of the spikes.</li>
 * </ul>
 * Each image takes the dense form when its input's spike density (a popcount of its words) is at
 * least {@link Tuning#SPIKE_CONV_DENSE_DENSITY}, else the event form. Tasks are fixed ranges of
 * output rows ({@code (image, oh)}, at most {@link Tuning#SPIKE_CONV_TASKS} of them), each
 * allocating its scratch once; neither the split nor the choice of form depends on the thread count,
 * and since both forms give the same bits, the choice never changes a result.
 *
 * <p>Output channels are padded to whole vectors: when {@code cout} is not a multiple of the lane
 * count the weights are copied once per call with zero columns; padded lanes are never written out.
 */
final class VectorSpikeConv {
    /** Output pixels per dense tile. */
    private static final int BLOCK = 4;

    private VectorSpikeConv() {
    }

    static void spikeConv2d(Conv2dGeometry g, long[] x, int xOff, float[] w, int wOff, PackedEpilogue epilogue,
                            Parallel parallel, Path path) {
        assert g.groups() == 1 && g.dilationH() == 1 && g.dilationW() == 1;
        if (!(epilogue instanceof PackedEpilogue.FloatRaw || epilogue instanceof PackedEpilogue.Affine
                || epilogue instanceof PackedEpilogue.FloatBits)) {
            throw new IllegalArgumentException("spikeConv2d: epilogue " + epilogue.getClass().getSimpleName()
                    + " is for integer accumulations (use FloatRaw, Affine or FloatBits)");
        }
        int cin = g.cin(), cout = g.cout(), taps = g.kH() * g.kW();
        int coutP = roundUp(cout, L);
        float[] wp = w;
        int wpOff = wOff;
        if (coutP != cout) {
            wp = new float[taps * cin * coutP];
            for (int r = 0; r < taps * cin; r++) {
                System.arraycopy(w, wOff + r * cout, wp, r * coutP, cout);
            }
            wpOff = 0;
        }
        float[] weights = wp;
        int weightsOff = wpOff;
        boolean[] dense = denseImages(g, x, xOff, path);
        int outH = g.outH(), outW = g.outW(), units = g.n() * outH;
        int tasks = Math.min(units, Tuning.SPIKE_CONV_TASKS);
        parallel.forEach(tasks, t -> {
            int u0 = (int) ((long) units * t / tasks), u1 = (int) ((long) units * (t + 1) / tasks);
            float[] acc = new float[roundUp(outW, BLOCK) * coutP];
            int[] rows = new int[taps * cin];
            int[] src = new int[taps * BLOCK];
            for (int u = u0; u < u1; u++) {
                int n = u / outH, oh = u % outH;
                if (dense[n]) {
                    denseRow(g, x, xOff, weights, weightsOff, coutP, n, oh, src, acc);
                } else {
                    eventRow(g, x, xOff, weights, weightsOff, coutP, n, oh, rows, acc);
                }
                writeRow(epilogue, cout, coutP, outH, outW, n, oh, acc);
            }
        });
    }

    /** Which images take the dense form: by density for {@link Path#ADAPTIVE}, else all or none. */
    static boolean[] denseImages(Conv2dGeometry g, long[] x, int xOff, Path path) {
        boolean[] dense = new boolean[g.n()];
        if (path != Path.ADAPTIVE) {
            java.util.Arrays.fill(dense, path == Path.DENSE);
            return dense;
        }
        int words = BitKernels.words(g.cin()), pixels = g.h() * g.w();
        long mask = BitKernels.lastWordMask(g.cin());
        double bits = (double) g.cin() * pixels;
        for (int n = 0; n < g.n(); n++) {
            long ones = 0;
            for (int p = 0, r = xOff + n * pixels * words; p < pixels; p++, r += words) {
                for (int wd = 0; wd < words - 1; wd++) {
                    ones += Long.bitCount(x[r + wd]);
                }
                ones += Long.bitCount(x[r + words - 1] & mask);
            }
            dense[n] = ones >= Tuning.SPIKE_CONV_DENSE_DENSITY * bits;
        }
        return dense;
    }

    /** The accumulations of output row {@code (n, oh)} by the event form, into {@code acc[ow * coutP + co]}. */
    private static void eventRow(Conv2dGeometry g, long[] x, int xOff, float[] w, int wOff, int coutP, int n, int oh,
                                 int[] rows, float[] acc) {
        int cin = g.cin(), words = BitKernels.words(cin);
        long mask = BitKernels.lastWordMask(cin);
        for (int ow = 0; ow < g.outW(); ow++) {
            int count = 0;
            for (int kh = 0; kh < g.kH(); kh++) {
                int ih = oh * g.strideH() - g.padH() + kh;
                if (ih < 0 || ih >= g.h()) {
                    continue;
                }
                for (int kw = 0; kw < g.kW(); kw++) {
                    int iw = ow * g.strideW() - g.padW() + kw;
                    if (iw < 0 || iw >= g.w()) {
                        continue;
                    }
                    int xr = xOff + ((n * g.h() + ih) * g.w() + iw) * words;
                    int tapRow = (kh * g.kW() + kw) * cin;
                    for (int wd = 0; wd < words; wd++) {
                        long bits = wd == words - 1 ? x[xr + wd] & mask : x[xr + wd];
                        while (bits != 0) {
                            rows[count++] = (tapRow + (wd << 6) + Long.numberOfTrailingZeros(bits)) * coutP;
                            bits &= bits - 1;
                        }
                    }
                }
            }
            int at = ow * coutP, c = 0;
            for (; c + 8 * L <= coutP; c += 8 * L) {
                SpikeTiles.event8(count, rows, w, wOff + c, acc, at + c);
            }
            if (c + 4 * L <= coutP) {
                SpikeTiles.event4(count, rows, w, wOff + c, acc, at + c);
                c += 4 * L;
            }
            for (; c < coutP; c += L) {
                SpikeTiles.event1(count, rows, w, wOff + c, acc, at + c);
            }
        }
    }

    /**
     * The accumulations of output row {@code (n, oh)} by the dense form, in blocks of {@link #BLOCK}
     * pixels (the last block's missing pixels read no input and are not written out).
     */
    private static void denseRow(Conv2dGeometry g, long[] x, int xOff, float[] w, int wOff, int coutP, int n, int oh,
                                 int[] src, float[] acc) {
        int cin = g.cin(), words = BitKernels.words(cin), taps = g.kH() * g.kW(), outW = g.outW();
        long mask = BitKernels.lastWordMask(cin);
        for (int ow0 = 0; ow0 < outW; ow0 += BLOCK) {
            for (int t = 0; t < taps; t++) {
                int ih = oh * g.strideH() - g.padH() + t / g.kW();
                for (int p = 0; p < BLOCK; p++) {
                    int ow = ow0 + p, iw = ow * g.strideW() - g.padW() + t % g.kW();
                    boolean inside = ow < outW && ih >= 0 && ih < g.h() && iw >= 0 && iw < g.w();
                    src[t * BLOCK + p] = inside ? xOff + ((n * g.h() + ih) * g.w() + iw) * words : -1;
                }
            }
            int at = ow0 * coutP;
            java.util.Arrays.fill(acc, at, at + BLOCK * coutP, 0f);
            for (int t = 0; t < taps; t++) {
                int s0 = src[t * BLOCK], s1 = src[t * BLOCK + 1], s2 = src[t * BLOCK + 2], s3 = src[t * BLOCK + 3];
                if ((s0 & s1 & s2 & s3) < 0) {
                    continue; // no pixel of the block reads this tap: its terms are all +0f
                }
                for (int wd = 0; wd < words; wd++) {
                    long keep = wd == words - 1 ? mask : -1L;
                    long b0 = s0 < 0 ? 0 : x[s0 + wd] & keep, b1 = s1 < 0 ? 0 : x[s1 + wd] & keep;
                    long b2 = s2 < 0 ? 0 : x[s2 + wd] & keep, b3 = s3 < 0 ? 0 : x[s3 + wd] & keep;
                    int ci0 = wd << 6, count = Math.min(64, cin - ci0), r = wOff + (t * cin + ci0) * coutP, c = 0;
                    for (; c + 4 * L <= coutP; c += 4 * L) {
                        SpikeTiles.dense4x4(count, b0, b1, b2, b3, w, r + c, coutP, acc, at + c, coutP);
                    }
                    for (; c < coutP; c += L) {
                        SpikeTiles.dense4x1(count, b0, b1, b2, b3, w, r + c, coutP, acc, at + c, coutP);
                    }
                }
            }
        }
    }

    /** Writes the accumulations {@code acc[ow * coutP + co]} of output row {@code (n, oh)} through the epilogue. */
    private static void writeRow(PackedEpilogue e, int cout, int coutP, int outH, int outW, int n, int oh, float[] acc) {
        int plane = outH * outW;
        if (e instanceof PackedEpilogue.FloatRaw raw) {
            float[] y = raw.y();
            for (int co = 0; co < cout; co++) {
                int base = raw.off() + (n * cout + co) * plane + oh * outW;
                for (int ow = 0; ow < outW; ow++) {
                    y[base + ow] = acc[ow * coutP + co];
                }
            }
        } else if (e instanceof PackedEpilogue.Affine affine) {
            float[] y = affine.y();
            for (int co = 0; co < cout; co++) {
                int base = affine.off() + (n * cout + co) * plane + oh * outW;
                float scale = affine.scale()[co], shift = affine.shift()[co];
                for (int ow = 0; ow < outW; ow++) {
                    float scaled = acc[ow * coutP + co] * scale;
                    y[base + ow] = scaled + shift;
                }
            }
        } else {
            // NOTE: plain compares: the bits cost cout compares per pixel against cin * taps * density
            // vector adds, and VectorMask.toLong, which would build them, is not intrinsified on JDK 17.
            PackedEpilogue.FloatBits bits = (PackedEpilogue.FloatBits) e;
            float[] lower = bits.lower(), upper = bits.upper();
            int words = BitKernels.words(cout);
            for (int ow = 0; ow < outW; ow++) {
                int dst = bits.off() + ((n * outH + oh) * outW + ow) * words, a = ow * coutP;
                for (int wd = 0; wd < words; wd++) {
                    long word = 0;
                    for (int co = wd << 6, end = Math.min(cout, co + 64); co < end; co++) {
                        float v = acc[a + co];
                        word |= (lower[co] <= v && v <= upper[co] ? 1L : 0L) << (co & 63);
                    }
                    bits.y()[dst + wd] = word;
                }
            }
        }
    }

    private static int roundUp(int v, int multiple) {
        return (v + multiple - 1) / multiple * multiple;
    }
}
