package org.bitspike.tensor.kernel;

import java.util.Arrays;

/**
 * Direct FLOAT32 forward convolution for unit stride and a short patch ({@code cin/groups * kH * kW}
 * taps), where a GEMM would run with a depth of a few and spend its time packing and on edge tiles
 * (a 1-channel 3x3 first layer, depthwise layers).
 *
 * <p>Each (image, group) task zero-pads its input planes once into a buffer of width
 * {@code wp = w + 2 * padW}. In that layout every tap is a constant shift, so one output channel is
 * {@code taps} long axpys ({@code acc[q] += w_tap * xp[q + shift_tap]}, which the JIT vectorises) over
 * an accumulator of the same width {@code wp}; the first {@code outW} columns of each accumulator
 * row are the output, the rest (reads that ran past a row end) are dropped. Each output element is
 * the bias plus its products in ascending (ci, kh, kw), independent of the thread count.
 */
final class DirectConv {
    private DirectConv() {
    }

    /** True when {@link #forward} applies: unit strides and at most {@code maxPatch} taps per output. */
    static boolean applies(Conv2dGeometry g, int maxPatch) {
        return g.strideH() == 1 && g.strideW() == 1 && g.patchSize() <= maxPatch;
    }

    static void forward(Conv2dGeometry g, float[] x, int xOff, float[] w, int wOff, float[] bias, int biasOff,
                        float[] y, int yOff, Parallel parallel) {
        assert applies(g, Integer.MAX_VALUE);
        int h = g.h(), wd = g.w(), oh = g.outH(), ow = g.outW();
        int hp = h + 2 * g.padH(), wp = wd + 2 * g.padW();
        int cinG = g.cinPerGroup(), coutG = g.coutPerGroup(), kh = g.kH(), kw = g.kW();
        int len = (oh - 1) * wp + ow;
        int images = g.n();
        parallel.forEach(images * g.groups(), t -> {
            int n = t / g.groups(), grp = t % g.groups();
            float[] xp = new float[cinG * hp * wp];
            for (int ci = 0; ci < cinG; ci++) {
                int src = xOff + ((n * g.cin() + grp * cinG + ci) * h) * wd;
                int dst = ci * hp * wp + g.padH() * wp + g.padW();
                for (int i = 0; i < h; i++) {
                    System.arraycopy(x, src + i * wd, xp, dst + i * wp, wd);
                }
            }
            float[] acc = new float[len];
            for (int c = 0; c < coutG; c++) {
                int co = grp * coutG + c;
                Arrays.fill(acc, bias == null ? 0f : bias[biasOff + co]);
                int wBase = wOff + co * cinG * kh * kw;
                for (int ci = 0; ci < cinG; ci++) {
                    for (int a = 0; a < kh; a++) {
                        for (int b = 0; b < kw; b++) {
                            axpy(len, w[wBase + (ci * kh + a) * kw + b], xp,
                                    ci * hp * wp + a * g.dilationH() * wp + b * g.dilationW(), acc);
                        }
                    }
                }
                int out = yOff + (n * g.cout() + co) * oh * ow;
                for (int i = 0; i < oh; i++) {
                    System.arraycopy(acc, i * wp, y, out + i * ow, ow);
                }
            }
        });
    }

    /** {@code acc[q] += a * x[off + q]} for {@code q < len}; a plain loop the JIT turns into SIMD. */
    private static void axpy(int len, float a, float[] x, int off, float[] acc) {
        for (int q = 0; q < len; q++) {
            acc[q] += a * x[off + q];
        }
    }
}
