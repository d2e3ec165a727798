package org.bitspike.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.bitspike.tensor.AdderInputGradient;
import org.bitspike.tensor.AdderWeightGradient;
import org.bitspike.tensor.kernel.AdderKernels;
import org.bitspike.tensor.kernel.Conv2dGeometry;
import org.bitspike.tensor.kernel.KernelProvider;
import org.bitspike.tensor.kernel.Parallel;

/**
 * The adder (negative-L1) convolution against the float convolution at the {@link ConvSuite} layers
 * (3x3, padding 1, stride 1, FLOAT32), through {@link KernelProvider#adder()} and
 * {@link KernelProvider#conv()}:
 * <ul>
 *   <li>{@code <layer>/conv}: a training step of the float convolution, forward + input gradient +
 *       weight gradient (the {@code conv} suite's {@code forward+backward});</li>
 *   <li>{@code <layer>/adder}: the same step of the adder convolution with AdderNet's rules, forward
 *       + HardTanh input gradient + full-precision weight gradient. It is
 *       {@linkplain BenchCase#comparedWith() compared with} {@code <layer>/conv}, measured in
 *       alternating rounds, so its line carries {@code throughput_ratio}: the float convolution's time
 *       over the adder's (the goal: at least 0.4, i.e. adder at most 2.5x; aim 0.67).</li>
 * </ul>
 * Both report the float convolution's FLOPs ({@code 3 x 2 N Cout OH OW Cin 9}), so {@code gflops}
 * reads as "convolution-equivalent"; an adder term is a sub, an abs and an add (forward), a sub, a
 * clamp and an fma (input gradient), a sub and an fma (weight gradient).
 */
public final class AdderConvSuite implements Suite {
    private static final long SEED = 20261207L;

    @Override
    public String name() {
        return "adderconv";
    }

    @Override
    public String description() {
        return "FLOAT32 adder conv (forward + HardTanh input grad + full-precision weight grad) vs float conv"
                + " forward+backward, layers L1..L4, with the throughput ratio";
    }

    @Override
    public List<BenchCase> cases(Scale scale) {
        List<BenchCase> cases = new ArrayList<>();
        for (ConvSuite.Layer layer : ConvSuite.Layer.values()) {
            Conv2dGeometry g = layer.geometry(scale);
            cases.add(new Step(layer.name() + "/conv", g, false));
            cases.add(new Step(layer.name() + "/adder", g, true));
        }
        return List.copyOf(cases);
    }

    /** One training step of one layer: the float convolution's or the adder convolution's. */
    record Step(String name, Conv2dGeometry g, boolean adder) implements BenchCase {
        @Override
        public Map<String, Object> fields() {
            Map<String, Object> f = ConvSuite.geometryFields(g);
            f.put("op", adder ? "adder" : "conv");
            f.put("pass", "forward+backward");
            return f;
        }

        @Override
        public double flops() {
            return 3 * ConvSuite.forwardFlops(g);
        }

        @Override
        public int images() {
            return g.n();
        }

        @Override
        public Optional<String> comparedWith() {
            return adder ? Optional.of(name.substring(0, name.indexOf('/')) + "/conv") : Optional.empty();
        }

        @Override
        public Prepared prepare(Impl impl, KernelProvider kernels, Parallel parallel) {
            String what = String.format(Locale.ROOT, "adderconv %s (%s, %d threads)", name, kernels.name(),
                    parallel.threads());
            ConvSuite.Operands ops = new ConvSuite.Operands(g, SEED);
            if (!adder) {
                return ops.prepared(what, ConvSuite.Pass.FORWARD_BACKWARD, kernels.conv(), parallel);
            }
            AdderKernels k = kernels.adder();
            return new Prepared() {
                @Override
                public void run() {
                    k.adderConv2d(g, ops.x, 0, ops.w, 0, ops.y, 0, parallel);
                    k.adderConv2dBackwardInput(g, AdderInputGradient.HARDTANH, ops.dy, 0, ops.x, 0, ops.w, 0,
                            ops.dx, 0, parallel);
                    k.adderConv2dBackwardWeight(g, AdderWeightGradient.FULL_PRECISION, ops.dy, 0, ops.x, 0, ops.w, 0,
                            ops.dw, 0, parallel);
                }

                @Override
                public void verify() {
                    Check.verify(what, ops);
                }
            };
        }
    }

    /**
     * Sampled entries of y, dx and dw against direct double-precision sums from the definition, with
     * the tolerance {@code 2 (terms + 2) u sum(|x| + |w|) (times |dy| for the gradients)}, {@code u = 2^-24}.
     */
    static final class Check {
        static final int SAMPLES = 48;

        private Check() {
        }

        static void verify(String what, ConvSuite.Operands o) {
            Conv2dGeometry g = o.g;
            int oh = g.outH(), ow = g.outW(), k = g.patchSize();
            SplittableRandom rnd = new SplittableRandom(3);
            for (int s = 0; s < SAMPLES; s++) {
                int n = rnd.nextInt(g.n()), co = rnd.nextInt(g.cout()), i = rnd.nextInt(oh), j = rnd.nextInt(ow);
                double y = 0, mag = 0;
                for (int r = 0; r < k; r++) {
                    double xv = tap(g, o.x, n, r, i, j), wv = o.w[co * k + r];
                    y -= Math.abs(xv - wv);
                    mag += Math.abs(xv) + Math.abs(wv);
                }
                check(what, "y", o.y[((n * g.cout() + co) * oh + i) * ow + j], y, mag, k, n, co, i, j);
            }
            for (int s = 0; s < SAMPLES; s++) {
                int co = rnd.nextInt(g.cout()), r = rnd.nextInt(k);
                double dw = 0, mag = 0;
                double wv = o.w[co * k + r];
                for (int n = 0; n < g.n(); n++) {
                    for (int i = 0; i < oh; i++) {
                        for (int j = 0; j < ow; j++) {
                            double gy = o.dy[((n * g.cout() + co) * oh + i) * ow + j], xv = tap(g, o.x, n, r, i, j);
                            dw += gy * (xv - wv);
                            mag += Math.abs(gy) * (Math.abs(xv) + Math.abs(wv));
                        }
                    }
                }
                check(what, "dw", o.dw[co * k + r], dw, mag, g.n() * oh * ow, co, r, 0, 0);
            }
            for (int s = 0; s < SAMPLES; s++) {
                int n = rnd.nextInt(g.n()), ci = rnd.nextInt(g.cin()), ih = rnd.nextInt(g.h()), iw = rnd.nextInt(g.w());
                double xv = o.x[((n * g.cin() + ci) * g.h() + ih) * g.w() + iw];
                double dx = 0, mag = 0;
                int terms = 0;
                for (int a = 0; a < g.kH(); a++) {
                    for (int b = 0; b < g.kW(); b++) {
                        int ni = ih + g.padH() - a, nj = iw + g.padW() - b;
                        if (ni < 0 || nj < 0 || ni % g.strideH() != 0 || nj % g.strideW() != 0
                                || ni / g.strideH() >= oh || nj / g.strideW() >= ow) {
                            continue;
                        }
                        int i = ni / g.strideH(), j = nj / g.strideW(), r = (ci * g.kH() + a) * g.kW() + b;
                        for (int co = 0; co < g.cout(); co++) {
                            double gy = o.dy[((n * g.cout() + co) * oh + i) * ow + j], wv = o.w[co * k + r];
                            dx += gy * Math.max(-1, Math.min(1, wv - xv));
                            mag += Math.abs(gy) * (Math.abs(xv) + Math.abs(wv));
                            terms++;
                        }
                    }
                }
                check(what, "dx", o.dx[((n * g.cin() + ci) * g.h() + ih) * g.w() + iw], dx, mag, terms, n, ci, ih, iw);
            }
        }

        private static double tap(Conv2dGeometry g, float[] x, int n, int r, int i, int j) {
            int kk = g.kH() * g.kW(), ci = r / kk, a = r % kk / g.kW(), b = r % g.kW();
            int ih = i * g.strideH() - g.padH() + a * g.dilationH(), iw = j * g.strideW() - g.padW() + b * g.dilationW();
            return ih < 0 || ih >= g.h() || iw < 0 || iw >= g.w() ? 0 : x[((n * g.cin() + ci) * g.h() + ih) * g.w() + iw];
        }

        private static void check(String what, String tensor, float got, double want, double magnitude, int terms,
                                  int i0, int i1, int i2, int i3) {
            double tol = 2 * (terms + 2) * 0x1p-24 * magnitude + Float.MIN_NORMAL;
            if (!(Math.abs(got - want) <= tol)) {
                throw new IllegalStateException(String.format(Locale.ROOT,
                        "%s: wrong result: %s[%d, %d, %d, %d] = %s but the double-precision reference is %s"
                                + " (|difference| %.3g > tolerance %.3g)",
                        what, tensor, i0, i1, i2, i3, got, want, Math.abs(got - want), tol));
            }
        }
    }
}
