package org.bitspike.tensor.kernel.vector;

import static org.bitspike.tensor.kernel.vector.AdderTiles.L;

import java.util.Arrays;
import org.bitspike.tensor.AdderInputGradient;
import org.bitspike.tensor.AdderWeightGradient;
import org.bitspike.tensor.kernel.AdderKernels;
import org.bitspike.tensor.kernel.Conv2dGeometry;
import org.bitspike.tensor.kernel.KernelProvider;
import org.bitspike.tensor.kernel.Parallel;
import org.bitspike.tensor.kernel.Tuning;

/**
 * FLOAT32 adder convolution on the Vector API: each task copies its slice of the input into an
 * im2col panel (never more than one image's, and never the N x Cout x K x HW broadcast), and
 * register tiles ({@link AdderTiles}) run over it, one lane per output element, in the oracle's
 * order. FLOAT64 runs the scalar oracle.
 *
 * <ul>
 *   <li>forward: task = (image, slice of output positions); panel {@code col[K][positions]}, tiles of
 *       4 filters x 4 (then 2) vectors of positions;</li>
 *   <li>input gradient: task = (image, block of input channels); panel {@code colT[positions][taps]}
 *       in slices of positions, tiles of 4 positions x 2 vectors of taps reducing over the filters,
 *       then a scatter (col2im) into dx in ascending position, the order the oracle defines;</li>
 *   <li>weight gradient: task = one of {@link AdderKernels#weightGradientSplits} ranges of
 *       (image, position); the same transposed panel, tiles of 4 filters x 4 (then 2) vectors of taps
 *       reducing over positions into the range's partial (with the range's sum of dy for the
 *       full-precision rule); the partials are completed and added in range order.</li>
 * </ul>
 * Panels are padded with zeros to whole tiles (positions to 2 L, taps to 2 L, filters to 4); padded
 * lanes compute values that are never written out, and no padded term enters a kept sum.
 *
 * <p>NOTE: the FULL_PRECISION weight gradient is {@code sum dy col - w sum dy} (the regrouping
 * {@link AdderKernels} defines) computed by this class's own product tiles rather than the provider's
 * GEMM: a blocked GEMM's rounding (depth blocks, provider-specific) could not be matched by a
 * plain-loop oracle, while a 4 x 4-vector tile of sequential fmas is as fast here and is.
 */
final class VectorAdderKernels implements AdderKernels {
    private static final int TILE_TAPS = 2 * L;
    private final AdderKernels scalar = KernelProvider.scalar().adder();

    // ---------------------------------------------------------------- forward

    @Override
    public void adderConv2d(Conv2dGeometry g, float[] x, int xOff, float[] w, int wOff, float[] y, int yOff,
                            Parallel parallel) {
        assert g.groups() == 1;
        int k = g.patchSize(), plane = g.outH() * g.outW(), cout = g.cout(), coutP = roundUp(cout, 4);
        float[] wp = w;
        int wpOff = wOff;
        if (coutP != cout) {
            wp = new float[coutP * k];
            System.arraycopy(w, wOff, wp, 0, cout * k);
            wpOff = 0;
        }
        float[] weights = wp;
        int weightsOff = wpOff;
        // slice width: a multiple of 2 L, the panel within ADDER_PANEL_FLOATS, enough slices for the pool
        int width = Math.max(4 * L, Tuning.ADDER_PANEL_FLOATS / k / (4 * L) * (4 * L));
        int wantSlices = (Tuning.ADDER_MIN_TASKS + g.n() - 1) / g.n();
        width = Math.min(width, Math.max(2 * L, roundUp((plane + wantSlices - 1) / wantSlices, 2 * L)));
        int sliceWidth = width;
        int slices = (plane + sliceWidth - 1) / sliceWidth;
        parallel.forEach(g.n() * slices, t -> {
            int n = t / slices, p0 = t % slices * sliceWidth;
            int cols = Math.min(sliceWidth, plane - p0), ldp = roundUp(cols, 2 * L);
            float[] panel = new float[k * ldp];
            for (int r = 0; r < k; r++) {
                fillRow(g, x, xOff, n, r, p0, cols, panel, r * ldp);
            }
            float[] res = new float[4 * ldp];
            for (int ob = 0; ob < cout; ob += 4) {
                int v = 0;
                for (; v + 4 * L <= ldp; v += 4 * L) {
                    AdderTiles.forward4x4(k, panel, v, ldp, weights, weightsOff + ob * k, k, res, v, ldp);
                }
                for (; v < ldp; v += 2 * L) {
                    AdderTiles.forward4x2(k, panel, v, ldp, weights, weightsOff + ob * k, k, res, v, ldp);
                }
                for (int i = 0; i < 4 && ob + i < cout; i++) {
                    System.arraycopy(res, i * ldp, y, yOff + (n * cout + ob + i) * plane + p0, cols);
                }
            }
        });
    }

    // ---------------------------------------------------------------- input gradient

    @Override
    public void adderConv2dBackwardInput(Conv2dGeometry g, AdderInputGradient rule, float[] dy, int dyOff,
                                         float[] x, int xOff, float[] w, int wOff, float[] dx, int dxOff,
                                         Parallel parallel) {
        assert g.groups() == 1;
        int kk = g.kH() * g.kW(), k = g.patchSize(), cin = g.cin(), cout = g.cout();
        int plane = g.outH() * g.outW(), inPlane = g.h() * g.w();
        int wantBlocks = Math.min(cin, (Tuning.ADDER_MIN_TASKS + g.n() - 1) / g.n());
        int perBlock = Math.min(cin, Math.max((cin + wantBlocks - 1) / wantBlocks, (4 * L + kk - 1) / kk));
        int blocks = (cin + perBlock - 1) / perBlock;
        parallel.forEach(g.n() * blocks, t -> {
            int n = t / blocks, c0 = t % blocks * perBlock, c1 = Math.min(cin, c0 + perBlock);
            int r0 = c0 * kk, taps = (c1 - c0) * kk, ldc = roundUp(taps, TILE_TAPS);
            Arrays.fill(dx, dxOff + (n * cin + c0) * inPlane, dxOff + (n * cin + c1) * inPlane, 0f);
            float[] wt = new float[cout * ldc];
            for (int o = 0; o < cout; o++) {
                System.arraycopy(w, wOff + o * k + r0, wt, o * ldc, taps);
            }
            int rows = Math.min(roundUp(plane, 4), Math.max(4, Tuning.ADDER_PANEL_FLOATS / ldc / 4 * 4));
            float[] colT = new float[rows * ldc];
            float[] dcol = new float[rows * ldc];
            float[] gp = new float[cout * rows];
            int[] table = tapTable(g, taps);
            for (int p0 = 0; p0 < plane; p0 += rows) {
                int count = Math.min(rows, plane - p0);
                fillTransposed(g, x, xOff, n, c0, taps, table, p0, count, colT, ldc);
                Arrays.fill(gp, 0f);
                for (int o = 0; o < cout; o++) {
                    System.arraycopy(dy, dyOff + (n * cout + o) * plane + p0, gp, o * rows, count);
                }
                // taps outer: the weights' column block (cout x 2 L) stays in L1 while the positions pass
                for (int c = 0; c < ldc; c += TILE_TAPS) {
                    for (int pb = 0; pb < count; pb += 4) {
                        if (rule == AdderInputGradient.HARDTANH) {
                            AdderTiles.inputHardTanh2x2(cout, colT, dcol, pb * ldc, c, ldc, wt, ldc, gp, pb, rows);
                            AdderTiles.inputHardTanh2x2(cout, colT, dcol, (pb + 2) * ldc, c, ldc, wt, ldc, gp, pb + 2,
                                    rows);
                        } else {
                            AdderTiles.inputOther4x2(rule == AdderInputGradient.SIGN, cout, colT, dcol, pb * ldc, c,
                                    ldc, wt, ldc, gp, pb, rows);
                        }
                    }
                }
                scatter(g, n, c0, taps, table, p0, count, dcol, ldc, dx, dxOff);
            }
        });
    }

    /**
     * Where tap {@code r0 + rr} of a task's channel block reads, relative to an output position's
     * window corner: {@code [3 rr]} row offset, {@code [3 rr + 1]} column offset, {@code [3 rr + 2]}
     * the flat offset in dx from the block's first channel at the corner. Computed once per task so
     * the scatter does no division per element.
     */
    private static int[] tapTable(Conv2dGeometry g, int taps) {
        int kh = g.kH(), kw = g.kW(), kk = kh * kw, h = g.h(), wd = g.w();
        int[] t = new int[3 * taps];
        for (int rr = 0; rr < taps; rr++) {
            int ci = rr / kk, a = rr % kk / kw, b = rr % kw;
            t[3 * rr] = a * g.dilationH();
            t[3 * rr + 1] = b * g.dilationW();
            t[3 * rr + 2] = ci * h * wd + t[3 * rr] * wd + t[3 * rr + 1];
        }
        return t;
    }

    /** {@code dx[n, c0 + rr / kk, ih, iw] += dcol[q * ldc + rr]} in ascending position {@code p0 + q}. */
    private static void scatter(Conv2dGeometry g, int n, int c0, int taps, int[] table, int p0, int count,
                                float[] dcol, int ldc, float[] dx, int dxOff) {
        int h = g.h(), wd = g.w(), ow = g.outW();
        int base = dxOff + (n * g.cin() + c0) * h * wd;
        int i = p0 / ow, j = p0 % ow;
        for (int q = 0; q < count; q++) {
            int ih0 = i * g.strideH() - g.padH(), iw0 = j * g.strideW() - g.padW();
            int corner = base + ih0 * wd + iw0, row = q * ldc;
            for (int rr = 0, t = 0; rr < taps; rr++, t += 3) {
                int ih = ih0 + table[t], iw = iw0 + table[t + 1];
                if (ih >= 0 && ih < h && iw >= 0 && iw < wd) {
                    dx[corner + table[t + 2]] += dcol[row + rr];
                }
            }
            if (++j == ow) {
                j = 0;
                i++;
            }
        }
    }

    // ---------------------------------------------------------------- weight gradient

    @Override
    public void adderConv2dBackwardWeight(Conv2dGeometry g, AdderWeightGradient rule, float[] dy, int dyOff,
                                          float[] x, int xOff, float[] w, int wOff, float[] dw, int dwOff,
                                          Parallel parallel) {
        assert g.groups() == 1;
        int k = g.patchSize(), cout = g.cout(), coutP = roundUp(cout, 4), ldc = roundUp(k, TILE_TAPS);
        int plane = g.outH() * g.outW();
        float[] wp = new float[coutP * ldc];
        for (int o = 0; o < cout; o++) {
            System.arraycopy(w, wOff + o * k, wp, o * ldc, k);
        }
        int splits = AdderKernels.weightGradientSplits(g);
        float[][] partials = new float[splits][];
        float[][] dySums = new float[splits][];
        boolean full = rule == AdderWeightGradient.FULL_PRECISION;
        int rows = Math.max(1, Math.min(plane, Tuning.ADDER_PANEL_FLOATS / ldc));
        int[] table = tapTable(g, k);
        parallel.forEach(splits, s -> {
            float[] part = new float[coutP * ldc];
            float[] gSum = new float[cout];
            float[] colT = new float[rows * ldc];
            float[] gp = new float[coutP * rows];
            int q0 = AdderKernels.splitStart(g, s, splits), q1 = AdderKernels.splitStart(g, s + 1, splits);
            for (int q = q0; q < q1; ) {
                int n = q / plane, p0 = q % plane;
                int count = Math.min(rows, Math.min(plane - p0, q1 - q));
                fillTransposed(g, x, xOff, n, 0, k, table, p0, count, colT, ldc);
                for (int o = 0; o < cout; o++) {
                    System.arraycopy(dy, dyOff + (n * cout + o) * plane + p0, gp, o * count, count);
                    if (full) {
                        float sum = gSum[o];
                        for (int i = 0; i < count; i++) {
                            sum = sum + gp[o * count + i];
                        }
                        gSum[o] = sum;
                    }
                }
                for (int ob = 0; ob < coutP; ob += 4) {
                    int c = 0;
                    if (full) {
                        for (; c + 2 * TILE_TAPS <= ldc; c += 2 * TILE_TAPS) {
                            AdderTiles.weightProducts4x4(count, colT, c, ldc, gp, ob * count, count, part, ob * ldc, ldc);
                        }
                    }
                    for (; c < ldc; c += TILE_TAPS) {
                        if (full) {
                            AdderTiles.weightProducts4x2(count, colT, c, ldc, gp, ob * count, count, part, ob * ldc, ldc);
                        } else {
                            AdderTiles.weightSign4x2(count, colT, c, ldc, wp, ob * ldc, ldc, gp, ob * count, count,
                                    part, ob * ldc, ldc);
                        }
                    }
                }
                q += count;
            }
            partials[s] = part;
            dySums[s] = gSum;
        });
        for (int o = 0; o < cout; o++) {
            for (int r = 0; r < k; r++) {
                float wv = w[wOff + o * k + r];
                float total = 0f;
                for (int s = 0; s < splits; s++) {
                    float a = partials[s][o * ldc + r];
                    total = total + (full ? Math.fma(-wv, dySums[s][o], a) : a);
                }
                dw[dwOff + o * k + r] = total;
            }
        }
    }

    // ---------------------------------------------------------------- panels

    /**
     * {@code out[outOff + q] = col[n, r, p0 + q]} for {@code q < count} (0 in the padding): one row of
     * the forward panel.
     */
    private static void fillRow(Conv2dGeometry g, float[] x, int xOff, int n, int r, int p0, int count,
                                float[] out, int outOff) {
        int kk = g.kH() * g.kW(), ci = r / kk, a = r % kk / g.kW(), b = r % g.kW(), ow = g.outW();
        int src = xOff + (n * g.cin() + ci) * g.h() * g.w();
        int i = p0 / ow, j = p0 % ow;
        int dh = a * g.dilationH() - g.padH(), dw = b * g.dilationW() - g.padW();
        for (int q = 0; q < count; q++) {
            int ih = i * g.strideH() + dh, iw = j * g.strideW() + dw;
            out[outOff + q] = ih >= 0 && ih < g.h() && iw >= 0 && iw < g.w() ? x[src + ih * g.w() + iw] : 0f;
            if (++j == ow) {
                j = 0;
                i++;
            }
        }
    }

    /**
     * {@code out[q * ld + rr] = col[n, c0 * kk + rr, p0 + q]} for {@code q < count}, {@code rr < taps}
     * (0 in the padding): rows of a transposed panel, written contiguously (a column at a time, with
     * stride ld, was cache- and TLB-bound and cost more than the tiles on 32x32 planes). Positions
     * whose window lies inside the input skip the bounds checks.
     */
    private static void fillTransposed(Conv2dGeometry g, float[] x, int xOff, int n, int c0, int taps, int[] table,
                                       int p0, int count, float[] out, int ld) {
        int h = g.h(), wd = g.w(), ow = g.outW();
        int spanH = (g.kH() - 1) * g.dilationH(), spanW = (g.kW() - 1) * g.dilationW();
        int base = xOff + (n * g.cin() + c0) * h * wd;
        int i = p0 / ow, j = p0 % ow;
        for (int q = 0; q < count; q++) {
            int ih0 = i * g.strideH() - g.padH(), iw0 = j * g.strideW() - g.padW();
            int corner = base + ih0 * wd + iw0, row = q * ld;
            if (ih0 >= 0 && iw0 >= 0 && ih0 + spanH < h && iw0 + spanW < wd) {
                for (int rr = 0; rr < taps; rr++) {
                    out[row + rr] = x[corner + table[3 * rr + 2]];
                }
            } else {
                for (int rr = 0, t = 0; rr < taps; rr++, t += 3) {
                    int ih = ih0 + table[t], iw = iw0 + table[t + 1];
                    out[row + rr] = ih >= 0 && ih < h && iw >= 0 && iw < wd ? x[corner + table[t + 2]] : 0f;
                }
            }
            if (++j == ow) {
                j = 0;
                i++;
            }
        }
    }

    private static int roundUp(int v, int multiple) {
        return (v + multiple - 1) / multiple * multiple;
    }

    // ---------------------------------------------------------------- FLOAT64: the oracle

    @Override
    public void adderConv2d(Conv2dGeometry g, double[] x, int xOff, double[] w, int wOff, double[] y, int yOff,
                            Parallel parallel) {
        scalar.adderConv2d(g, x, xOff, w, wOff, y, yOff, parallel);
    }

    @Override
    public void adderConv2dBackwardInput(Conv2dGeometry g, AdderInputGradient rule, double[] dy, int dyOff,
                                         double[] x, int xOff, double[] w, int wOff, double[] dx, int dxOff,
                                         Parallel parallel) {
        scalar.adderConv2dBackwardInput(g, rule, dy, dyOff, x, xOff, w, wOff, dx, dxOff, parallel);
    }

    @Override
    public void adderConv2dBackwardWeight(Conv2dGeometry g, AdderWeightGradient rule, double[] dy, int dyOff,
                                          double[] x, int xOff, double[] w, int wOff, double[] dw, int dwOff,
                                          Parallel parallel) {
        scalar.adderConv2dBackwardWeight(g, rule, dy, dyOff, x, xOff, w, wOff, dw, dwOff, parallel);
    }
}
