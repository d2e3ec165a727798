package org.bitspike.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.bitspike.tensor.kernel.Conv2dGeometry;
import org.bitspike.tensor.kernel.KernelProvider;
import org.bitspike.tensor.kernel.PackedEpilogue;
import org.bitspike.tensor.kernel.PackedKernels;
import org.bitspike.tensor.kernel.Parallel;
import org.bitspike.tensor.kernel.SpikeConvPaths;

/**
 * The spike-event convolution ({@link PackedKernels#spikeConv2d}: packed 0/1 input, float weights,
 * raw float output) against the float convolution's forward pass at the {@link ConvSuite} layers L2
 * and L4 (3x3, padding 1, stride 1), on the Vector API provider:
 * <ul>
 *   <li>{@code <layer>/conv}: the float convolution's forward ({@link KernelProvider#conv()});</li>
 *   <li>{@code <layer>/spike-<d>%}: the spike convolution as {@link PackedKernels#spikeConv2d} runs
 *       it (the form chosen by the input's density), on an input where each bit is set with
 *       probability {@code d}; {@code <layer>/event-<d>%} and {@code <layer>/dense-<d>%} force the
 *       event walk or the branch-free dense form ({@link SpikeConvPaths}). Each is
 *       {@linkplain BenchCase#comparedWith() compared with} {@code <layer>/conv}, measured in
 *       alternating rounds, so its line carries {@code throughput_ratio}: the float convolution's time
 *       over this one's (the goal at L2, 10%: at least 2x PyTorch's float convolution; and
 *       the adaptive form never more than 1.1x slower than the dense one at 1-50%).</li>
 * </ul>
 * All report the float convolution's FLOPs ({@code 2 N Cout OH OW Cin 9}), so {@code gflops} reads as
 * "convolution-equivalent". The spike cases are checked on sampled outputs against direct
 * double-precision sums of the fired weights.
 */
public final class SpikeConvSuite implements Suite {
    private static final long SEED = 20261208L;
    /** Input spike densities, in percent. */
    static final int[] DENSITIES = {1, 2, 5, 10, 20, 30, 50};
    private static final List<ConvSuite.Layer> LAYERS = List.of(ConvSuite.Layer.L2, ConvSuite.Layer.L4);

    @Override
    public String name() {
        return "spikeconv";
    }

    @Override
    public String description() {
        return "spike-event conv (packed 0/1 input, float weights) at densities 1-50%, adaptive/event/dense,"
                + " vs the float conv forward, layers L2 and L4, with the throughput ratio";
    }

    /** Only the Vector API provider has the two forms; the scalar oracle is the event walk alone. */
    @Override
    public List<Impl> impls() {
        return List.of(Impl.VECTOR);
    }

    @Override
    public List<BenchCase> cases(Scale scale) {
        List<BenchCase> cases = new ArrayList<>();
        for (ConvSuite.Layer layer : LAYERS) {
            Conv2dGeometry g = layer.geometry(scale);
            cases.add(new FloatConv(layer.name() + "/conv", g));
            for (int d : DENSITIES) {
                for (SpikeConvPaths.Path path : SpikeConvPaths.Path.values()) {
                    cases.add(new Spike(layer.name() + "/" + label(path) + "-" + d + "%", layer.name(), g, d, path));
                }
            }
        }
        return List.copyOf(cases);
    }

    /** The case-name prefix of a path: {@code spike} (adaptive), {@code event}, {@code dense}. */
    static String label(SpikeConvPaths.Path path) {
        return switch (path) {
            case ADAPTIVE -> "spike";
            case EVENT -> "event";
            case DENSE -> "dense";
        };
    }

    /** The float convolution's forward pass, the comparison of every spike case. */
    record FloatConv(String name, Conv2dGeometry g) implements BenchCase {
        @Override
        public Map<String, Object> fields() {
            Map<String, Object> f = ConvSuite.geometryFields(g);
            f.put("op", "conv");
            f.put("pass", "forward");
            return f;
        }

        @Override
        public double flops() {
            return ConvSuite.forwardFlops(g);
        }

        @Override
        public int images() {
            return g.n();
        }

        @Override
        public Prepared prepare(Impl impl, KernelProvider kernels, Parallel parallel) {
            String what = String.format(Locale.ROOT, "spikeconv %s (%s, %d threads)", name, kernels.name(),
                    parallel.threads());
            ConvSuite.Operands ops = new ConvSuite.Operands(g, SEED);
            return ops.prepared(what, ConvSuite.Pass.FORWARD, kernels.conv(), parallel);
        }
    }

    /** The spike convolution at one density, in one form. */
    record Spike(String name, String layer, Conv2dGeometry g, int densityPercent, SpikeConvPaths.Path path)
            implements BenchCase {
        @Override
        public Map<String, Object> fields() {
            Map<String, Object> f = ConvSuite.geometryFields(g);
            f.put("op", "spike");
            f.put("pass", "forward");
            f.put("density", densityPercent / 100.0);
            f.put("path", path.name().toLowerCase(Locale.ROOT));
            return f;
        }

        @Override
        public double flops() {
            return ConvSuite.forwardFlops(g);
        }

        @Override
        public int images() {
            return g.n();
        }

        @Override
        public Optional<String> comparedWith() {
            return Optional.of(layer + "/conv");
        }

        @Override
        public Prepared prepare(Impl impl, KernelProvider kernels, Parallel parallel) {
            String what = String.format(Locale.ROOT, "spikeconv %s (%s, %d threads)", name, kernels.name(),
                    parallel.threads());
            if (!(kernels.packed() instanceof SpikeConvPaths paths)) {
                throw new IllegalStateException(what + ": provider " + kernels.name()
                        + " has no separate event and dense forms of spikeConv2d");
            }
            SpikeOperands ops = new SpikeOperands(g, densityPercent / 100.0, SEED);
            PackedEpilogue.FloatRaw out = new PackedEpilogue.FloatRaw(ops.y, 0);
            return new Prepared() {
                @Override
                public void run() {
                    paths.spikeConv2d(g, ops.x, 0, ops.w, 0, out, parallel, path);
                }

                @Override
                public void verify() {
                    ops.verify(what);
                }
            };
        }
    }

    /** A packed input with each bit set with probability {@code density}, spike-layout weights, the output. */
    static final class SpikeOperands {
        static final int SAMPLES = 48;
        final Conv2dGeometry g;
        final int words;
        final long[] x;
        final float[] w;
        final float[] y;

        SpikeOperands(Conv2dGeometry g, double density, long seed) {
            this.g = g;
            words = (g.cin() + 63) >>> 6;
            x = new long[g.n() * g.h() * g.w() * words];
            SplittableRandom rnd = new SplittableRandom(seed);
            for (int p = 0; p < g.n() * g.h() * g.w(); p++) {
                for (int ci = 0; ci < g.cin(); ci++) {
                    if (rnd.nextDouble() < density) {
                        x[p * words + (ci >>> 6)] |= 1L << ci;
                    }
                }
            }
            w = GemmCheck.random(g.weightSize(), seed + 1); // [kh][kw][ci][co]
            y = new float[g.outputSize()];
        }

        boolean spiked(int n, int ci, int ih, int iw) {
            return (x[((n * g.h() + ih) * g.w() + iw) * words + (ci >>> 6)] >>> ci & 1) != 0;
        }

        /**
         * Sampled entries of y against the double sum of the fired weights, within
         * {@code 2 (terms + 2) u sum |w|}, {@code u = 2^-24}.
         */
        void verify(String what) {
            SplittableRandom rnd = new SplittableRandom(3);
            int oh = g.outH(), ow = g.outW(), cin = g.cin(), cout = g.cout();
            for (int s = 0; s < SAMPLES; s++) {
                int n = rnd.nextInt(g.n()), co = rnd.nextInt(cout), i = rnd.nextInt(oh), j = rnd.nextInt(ow);
                double sum = 0, mag = 0;
                int terms = 0;
                for (int kh = 0; kh < g.kH(); kh++) {
                    for (int kw = 0; kw < g.kW(); kw++) {
                        int ih = i * g.strideH() - g.padH() + kh, iw = j * g.strideW() - g.padW() + kw;
                        if (ih < 0 || ih >= g.h() || iw < 0 || iw >= g.w()) {
                            continue;
                        }
                        for (int ci = 0; ci < cin; ci++) {
                            if (spiked(n, ci, ih, iw)) {
                                double wv = w[((kh * g.kW() + kw) * cin + ci) * cout + co];
                                sum += wv;
                                mag += Math.abs(wv);
                                terms++;
                            }
                        }
                    }
                }
                float got = y[((n * cout + co) * oh + i) * ow + j];
                double tol = 2 * (terms + 2) * 0x1p-24 * mag + Float.MIN_NORMAL;
                if (!(Math.abs(got - sum) <= tol)) {
                    throw new IllegalStateException(String.format(Locale.ROOT,
                            "%s: wrong result: y[%d, %d, %d, %d] = %s but the double-precision sum of the fired"
                                    + " weights is %s (|difference| %.3g > tolerance %.3g)",
                            what, n, co, i, j, got, sum, Math.abs(got - sum), tol));
                }
            }
        }
    }
}
