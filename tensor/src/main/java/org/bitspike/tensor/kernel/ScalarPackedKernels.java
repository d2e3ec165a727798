package org.bitspike.tensor.kernel;

/**
 * The packed-kernel oracle: one output pixel at a time, one word or one set bit at a time, exactly
 * the definitions of {@link PackedKernels}. Tasks are the output rows of one image
 * ({@code n * outH} of them), so each task writes its own pixels.
 */
final class ScalarPackedKernels implements PackedKernels {
    static final ScalarPackedKernels INSTANCE = new ScalarPackedKernels();

    @Override
    public void xnorConv2d(Conv2dGeometry g, int padValue, long[] x, int xOff, long[] w, int wOff,
                           PackedEpilogue epilogue, Parallel parallel) {
        assert g.groups() == 1 && g.dilationH() == 1 && g.dilationW() == 1 && Math.abs(padValue) <= 1;
        int cin = g.cin(), cout = g.cout(), taps = g.kH() * g.kW();
        int words = BitKernels.words(cin);
        long mask = BitKernels.lastWordMask(cin);
        int[] borderShare = xnorBorderShare(cout, cin, taps, padValue, w, wOff);
        int outH = g.outH(), outW = g.outW();
        parallel.forEach(g.n() * outH, t -> {
            int n = t / outH, oh = t % outH;
            int[] acc = new int[cout];
            for (int ow = 0; ow < outW; ow++) {
                for (int co = 0; co < cout; co++) {
                    int sum = 0;
                    for (int kh = 0; kh < g.kH(); kh++) {
                        int ih = oh * g.strideH() - g.padH() + kh;
                        for (int kw = 0; kw < g.kW(); kw++) {
                            int iw = ow * g.strideW() - g.padW() + kw;
                            int tap = kh * g.kW() + kw;
                            if (ih < 0 || ih >= g.h() || iw < 0 || iw >= g.w()) {
                                sum += borderShare[co * taps + tap];
                                continue;
                            }
                            int xr = xOff + ((n * g.h() + ih) * g.w() + iw) * words;
                            int wr = wOff + (co * taps + tap) * words;
                            int mismatches = 0;
                            for (int wd = 0; wd < words; wd++) {
                                long diff = x[xr + wd] ^ w[wr + wd];
                                mismatches += Long.bitCount(wd == words - 1 ? diff & mask : diff);
                            }
                            sum += cin - 2 * mismatches;
                        }
                    }
                    acc[co] = sum;
                }
                PackedPixelOutput.ints(epilogue, cout, outH, outW, n, oh, ow, acc);
            }
        });
    }

    /**
     * What a tap outside the input adds: {@code padValue * sum_ci w[co, ci, tap]}, with the +-1 sum
     * of a weight row {@code 2 popcount(row) - cin}; per {@code (co, tap)}.
     */
    static int[] xnorBorderShare(int cout, int cin, int taps, int padValue, long[] w, int wOff) {
        int words = BitKernels.words(cin);
        long mask = BitKernels.lastWordMask(cin);
        int[] share = new int[cout * taps];
        if (padValue == 0) {
            return share;
        }
        for (int r = 0; r < cout * taps; r++) {
            int ones = 0;
            for (int wd = 0; wd < words; wd++) {
                long word = w[wOff + r * words + wd];
                ones += Long.bitCount(wd == words - 1 ? word & mask : word);
            }
            share[r] = padValue * (2 * ones - cin);
        }
        return share;
    }

    @Override
    public void spikeConv2d(Conv2dGeometry g, long[] x, int xOff, float[] w, int wOff,
                            PackedEpilogue epilogue, Parallel parallel) {
        assert g.groups() == 1 && g.dilationH() == 1 && g.dilationW() == 1;
        int cin = g.cin(), cout = g.cout();
        int words = BitKernels.words(cin);
        long mask = BitKernels.lastWordMask(cin);
        int outH = g.outH(), outW = g.outW();
        parallel.forEach(g.n() * outH, t -> {
            int n = t / outH, oh = t % outH;
            float[] acc = new float[cout];
            for (int ow = 0; ow < outW; ow++) {
                java.util.Arrays.fill(acc, 0f);
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
                        int tapBase = wOff + (kh * g.kW() + kw) * cin * cout;
                        for (int wd = 0; wd < words; wd++) {
                            long bits = wd == words - 1 ? x[xr + wd] & mask : x[xr + wd];
                            while (bits != 0) {
                                int ci = (wd << 6) + Long.numberOfTrailingZeros(bits);
                                bits &= bits - 1;
                                int row = tapBase + ci * cout;
                                for (int co = 0; co < cout; co++) {
                                    acc[co] += w[row + co];
                                }
                            }
                        }
                    }
                }
                PackedPixelOutput.floats(epilogue, cout, outH, outW, n, oh, ow, acc);
            }
        });
    }

    @Override
    public void thresholdPack(int n, int c, int h, int w, float[] x, int xOff, float[] lower, float[] upper,
                              long[] y, int yOff, Parallel parallel) {
        int words = BitKernels.words(c);
        int plane = h * w;
        parallel.forEach(n * h, t -> {
            int img = t / h, row = t % h;
            for (int col = 0; col < w; col++) {
                int p = row * w + col;
                int dst = yOff + (img * plane + p) * words;
                for (int wd = 0; wd < words; wd++) {
                    long word = 0;
                    for (int ci = wd << 6, end = Math.min(c, ci + 64); ci < end; ci++) {
                        float v = x[xOff + (img * c + ci) * plane + p];
                        word |= (lower[ci] <= v && v <= upper[ci] ? 1L : 0L) << (ci & 63);
                    }
                    y[dst + wd] = word;
                }
            }
        });
    }

    @Override
    public void maxPool2d(Pool2dGeometry g, long[] x, int xOff, long[] orChannels, long[] y, int yOff,
                          Parallel parallel) {
        assert g.padH() == 0 && g.padW() == 0;
        int words = BitKernels.words(g.c());
        long mask = BitKernels.lastWordMask(g.c());
        int outH = g.outH(), outW = g.outW();
        parallel.forEach(g.n() * outH, t -> {
            int n = t / outH, oh = t % outH;
            for (int ow = 0; ow < outW; ow++) {
                int dst = yOff + ((n * outH + oh) * outW + ow) * words;
                for (int wd = 0; wd < words; wd++) {
                    long any = 0, all = -1L;
                    for (int kh = 0; kh < g.kH(); kh++) {
                        int ih = oh * g.strideH() + kh * g.dilationH();
                        for (int kw = 0; kw < g.kW(); kw++) {
                            int iw = ow * g.strideW() + kw * g.dilationW();
                            long word = x[xOff + ((n * g.h() + ih) * g.w() + iw) * words + wd];
                            any |= word;
                            all &= word;
                        }
                    }
                    long or = orChannels[wd];
                    long pooled = any & or | all & ~or;
                    y[dst + wd] = wd == words - 1 ? pooled & mask : pooled;
                }
            }
        });
    }
}
