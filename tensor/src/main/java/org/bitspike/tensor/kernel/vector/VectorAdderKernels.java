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
 *   <li>input gradient: task = (image, block of input channels); the same panel in blocks of taps,
 *       tiles of 2 taps x 2 vectors of positions reducing over the filters, each block scattered
 *       (col2im, contiguous runs) into dx before the next, so every input element receives its taps in
 *       ascending order, the order the oracle defines;</li>
 *   <li>weight gradient: task = one of {@link AdderKernels#weightGradientSplits} ranges of
 *       (image, position); the same panel in slices of positions and dy transposed to
 *       {@code [positions][filters]}, tiles of 4 taps x 4 (then 1) vectors of filters reducing over
 *       positions into the range's partial {@code [taps][filters]} (with the range's sum of dy for
 *       the full-precision rule); the partials are completed and added in range order.</li>
 * </ul>
 * Panels are padded with zeros to whole tiles (positions to 2 L, filters to 4 or to L, taps to 2 or 4);
 * padded lanes compute values that are never written out, and no padded term enters a kept sum. All
 * panels are filled a row (one tap over consecutive positions) at a time, by run copies: building
 * them position by position (gathering every tap) cost as much as the arithmetic.
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
        // equal slices (so a 14 x 14 plane is one slice of 224 lanes, not three of 64 and a padded tail),
        // as few as keep the panel within 2 ADDER_PANEL_FLOATS, as many as the pool needs
        long panelFloats = (long) k * plane;
        int slicesForCache = (int) Math.max(1, (panelFloats + 2L * Tuning.ADDER_PANEL_FLOATS - 1) / (2L * Tuning.ADDER_PANEL_FLOATS));
        int slicesForTasks = (Tuning.ADDER_MIN_TASKS + g.n() - 1) / g.n();
        int wantSlices = Math.min(Math.max(slicesForCache, slicesForTasks), (plane + 2 * L - 1) / (2 * L));
        int width = roundUp((plane + wantSlices - 1) / wantSlices, 2 * L);
        int sliceWidth = width;
        int slices = (plane + sliceWidth - 1) / sliceWidth;
        int units = g.n() * slices;
        forEachRange(parallel, Math.min(units, Tuning.ADDER_MIN_TASKS), (task, u0, u1) -> {
            float[] panel = new float[k * roundUp(sliceWidth, 2 * L)];
            float[] res = new float[4 * roundUp(sliceWidth, 2 * L)];
            for (int t = u0; t < u1; t++) {
                int n = t / slices, p0 = t % slices * sliceWidth;
                int cols = Math.min(sliceWidth, plane - p0), ldp = roundUp(cols, 2 * L);
                for (int r = 0; r < k; r++) {
                    fillRow(g, x, xOff, n, r, p0, cols, panel, r * ldp);
                }
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
            }
        }, units);
    }

    // ---------------------------------------------------------------- input gradient

    @Override
    public void adderConv2dBackwardInput(Conv2dGeometry g, AdderInputGradient rule, float[] dy, int dyOff,
                                         float[] x, int xOff, float[] w, int wOff, float[] dx, int dxOff,
                                         Parallel parallel) {
        assert g.groups() == 1;
        int kk = g.kH() * g.kW(), k = g.patchSize(), cin = g.cin(), cout = g.cout();
        int plane = g.outH() * g.outW(), inPlane = g.h() * g.w(), ldp = roundUp(plane, 2 * L);
        int wantBlocks = Math.min(cin, (Tuning.ADDER_MIN_TASKS + g.n() - 1) / g.n());
        int perBlock = (cin + wantBlocks - 1) / wantBlocks;
        int blocks = (cin + perBlock - 1) / perBlock;
        int rBlock = Math.max(2, Tuning.ADDER_PANEL_FLOATS / ldp / 2 * 2);
        int units = g.n() * blocks, maxLdw = roundUp(perBlock * kk, 2), maxBlock = Math.min(rBlock, maxLdw);
        forEachRange(parallel, Math.min(units, Tuning.ADDER_MIN_TASKS), (task, u0, u1) -> {
            float[] wt = new float[cout * maxLdw];
            float[] gp = new float[cout * ldp];
            float[] col = new float[maxBlock * ldp];
            float[] dcol = new float[maxBlock * ldp];
            for (int t = u0; t < u1; t++) {
                int n = t / blocks, c0 = t % blocks * perBlock, c1 = Math.min(cin, c0 + perBlock);
                int r0 = c0 * kk, taps = (c1 - c0) * kk, ldw = roundUp(taps, 2);
                Arrays.fill(dx, dxOff + (n * cin + c0) * inPlane, dxOff + (n * cin + c1) * inPlane, 0f);
                Arrays.fill(wt, 0f);
                for (int o = 0; o < cout; o++) {
                    System.arraycopy(w, wOff + o * k + r0, wt, o * ldw, taps);
                }
                for (int o = 0; o < cout; o++) {
                    System.arraycopy(dy, dyOff + (n * cout + o) * plane, gp, o * ldp, plane);
                }
                int block = Math.min(rBlock, ldw);
                for (int rb = 0; rb < taps; rb += block) {
                    int rows = Math.min(block, taps - rb);
                    for (int i = 0; i < rows; i++) {
                        fillRow(g, x, xOff, n, r0 + rb + i, 0, plane, col, i * ldp);
                    }
                    // positions outer: the dy column block (cout x 2 L) stays in L1 while the taps pass
                    for (int v = 0; v < ldp; v += 2 * L) {
                        for (int i = 0; i < rows; i += 2) {
                            int at0 = i * ldp, at1 = at0 + ldp, wa = rb + i;
                            if (rule == AdderInputGradient.HARDTANH) {
                                AdderTiles.inputHardTanh2x2(cout, col, at0 + v, at1 + v, wt, wa, ldw, gp, v, ldp, dcol);
                            } else {
                                AdderTiles.inputOther2x2(rule == AdderInputGradient.SIGN, cout, col, at0 + v, at1 + v, wt,
                                        wa, ldw, gp, v, ldp, dcol);
                            }
                        }
                    }
                    for (int i = 0; i < rows; i++) {
                        scatterRow(g, n, r0 + rb + i, dcol, i * ldp, dx, dxOff);
                    }
                }
            }
        }, units);
    }

    /**
     * {@code dx[n, ci, ih, iw] += dcol[rowOff + p]} for every output position p whose tap r reads
     * {@code (ih, iw)}: one tap's row of the column gradient, added in contiguous runs.
     */
    private static void scatterRow(Conv2dGeometry g, int n, int r, float[] dcol, int rowOff, float[] dx, int dxOff) {
        int kk = g.kH() * g.kW(), ci = r / kk, a = r % kk / g.kW(), b = r % g.kW();
        int h = g.h(), wd = g.w(), oh = g.outH(), ow = g.outW(), sw = g.strideW();
        int dh = a * g.dilationH() - g.padH(), dw = b * g.dilationW() - g.padW();
        int first = firstInside(dw, sw), last = Math.min(ow, lastInside(dw, sw, wd));
        int base = dxOff + (n * g.cin() + ci) * h * wd;
        for (int i = 0; i < oh; i++) {
            int ih = i * g.strideH() + dh;
            if (ih < 0 || ih >= h) {
                continue;
            }
            int src = rowOff + i * ow, dst = base + ih * wd + dw;
            if (sw == 1) {
                for (int j = first; j < last; j++) {
                    dx[dst + j] += dcol[src + j];
                }
            } else {
                for (int j = first; j < last; j++) {
                    dx[dst + j * sw] += dcol[src + j];
                }
            }
        }
    }

    // ---------------------------------------------------------------- weight gradient

    @Override
    public void adderConv2dBackwardWeight(Conv2dGeometry g, AdderWeightGradient rule, float[] dy, int dyOff,
                                          float[] x, int xOff, float[] w, int wOff, float[] dw, int dwOff,
                                          Parallel parallel) {
        assert g.groups() == 1;
        int k = g.patchSize(), kp = roundUp(k, 4), cout = g.cout(), ldo = roundUp(cout, L);
        int plane = g.outH() * g.outW();
        boolean full = rule == AdderWeightGradient.FULL_PRECISION;
        float[] wt = full ? null : new float[kp * ldo];
        if (!full) {
            for (int o = 0; o < cout; o++) {
                for (int r = 0; r < k; r++) {
                    wt[r * ldo + o] = w[wOff + o * k + r];
                }
            }
        }
        int splits = AdderKernels.weightGradientSplits(g);
        float[][] partials = new float[splits][];
        float[][] dySums = new float[splits][];
        int slice = Math.max(8, Math.min(plane, 2 * Tuning.ADDER_PANEL_FLOATS / kp));
        parallel.forEach(splits, s -> {
            float[] part = new float[kp * ldo];
            float[] gSum = new float[cout];
            float[] col = new float[kp * slice];
            float[] gt = new float[slice * ldo];
            int q0 = AdderKernels.splitStart(g, s, splits), q1 = AdderKernels.splitStart(g, s + 1, splits);
            for (int q = q0; q < q1; ) {
                int n = q / plane, p0 = q % plane;
                int count = Math.min(slice, Math.min(plane - p0, q1 - q));
                for (int r = 0; r < k; r++) {
                    fillRow(g, x, xOff, n, r, p0, count, col, r * count);
                }
                for (int o = 0; o < cout; o++) {
                    int src = dyOff + (n * cout + o) * plane + p0;
                    float sum = gSum[o];
                    for (int i = 0; i < count; i++) {
                        float gy = dy[src + i];
                        gt[i * ldo + o] = gy;
                        sum = sum + gy;
                    }
                    gSum[o] = sum;
                }
                for (int r = 0; r < kp; r += 4) {
                    int v = 0;
                    if (full) {
                        for (; v + 4 * L <= ldo; v += 4 * L) {
                            AdderTiles.weightProducts4x4(count, col, r * count, count, gt, v, ldo, part, r * ldo + v, ldo);
                        }
                    }
                    for (; v < ldo; v += L) {
                        if (full) {
                            AdderTiles.weightProducts4x1(count, col, r * count, count, gt, v, ldo, part, r * ldo + v, ldo);
                        } else {
                            AdderTiles.weightSign4x1(count, col, r * count, count, gt, v, ldo, wt, r * ldo + v,
                                    part, r * ldo + v, ldo);
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
                    float a = partials[s][r * ldo + o];
                    total = total + (full ? Math.fma(-wv, dySums[s][o], a) : a);
                }
                dw[dwOff + o * k + r] = total;
            }
        }
    }

    // ---------------------------------------------------------------- panels

    /**
     * {@code out[outOff + q] = col[n, r, p0 + q]} for {@code q < count} (0 in the padding): one row
     * of a panel, copied in runs along output rows (a block copy at unit stride).
     */
    private static void fillRow(Conv2dGeometry g, float[] x, int xOff, int n, int r, int p0, int count,
                                float[] out, int outOff) {
        int kk = g.kH() * g.kW(), ci = r / kk, a = r % kk / g.kW(), b = r % g.kW();
        int h = g.h(), wd = g.w(), ow = g.outW(), sw = g.strideW();
        int src = xOff + (n * g.cin() + ci) * h * wd;
        int dh = a * g.dilationH() - g.padH(), dw = b * g.dilationW() - g.padW();
        int first = firstInside(dw, sw), last = Math.min(ow, lastInside(dw, sw, wd));
        int i = p0 / ow, j = p0 % ow;
        for (int q = 0; q < count; ) {
            int run = Math.min(ow - j, count - q), end = j + run, at = outOff + q - j;
            int ih = i * g.strideH() + dh;
            if (ih < 0 || ih >= h) {
                Arrays.fill(out, at + j, at + end, 0f);
            } else {
                int lo = Math.max(j, Math.min(first, end)), hi = Math.max(lo, Math.min(last, end));
                Arrays.fill(out, at + j, at + lo, 0f);
                int row = src + ih * wd + dw;
                if (sw == 1) {
                    System.arraycopy(x, row + lo, out, at + lo, hi - lo);
                } else {
                    for (int jj = lo; jj < hi; jj++) {
                        out[at + jj] = x[row + jj * sw];
                    }
                }
                Arrays.fill(out, at + hi, at + end, 0f);
            }
            q += run;
            j = 0;
            i++;
        }
    }

    /** First output column whose tap at column offset {@code dw} lies inside the input: {@code j * sw + dw >= 0}. */
    private static int firstInside(int dw, int sw) {
        return dw >= 0 ? 0 : (-dw + sw - 1) / sw;
    }

    /** One past the last output column whose tap at column offset {@code dw} lies inside: {@code j * sw + dw < w}. */
    private static int lastInside(int dw, int sw, int w) {
        return w - 1 - dw < 0 ? 0 : (w - 1 - dw) / sw + 1;
    }

    /** The body of a task that owns the work units {@code [u0, u1)}. */
    @FunctionalInterface
    private interface RangeTask {
        void run(int task, int u0, int u1);
    }

    /**
     * Runs {@code tasks} tasks over {@code units} work units cut into equal contiguous ranges, so that
     * each task allocates its scratch panels once for all its units. Every unit's outputs are its
     * own, so the cut changes no result.
     */
    private static void forEachRange(Parallel parallel, int tasks, RangeTask body, int units) {
        parallel.forEach(tasks, t -> body.run(t, (int) ((long) units * t / tasks), (int) ((long) units * (t + 1) / tasks)));
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
