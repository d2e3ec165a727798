package org.bitspike.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.bitspike.tensor.kernel.BitKernels;
import org.bitspike.tensor.kernel.Conv2dGeometry;
import org.bitspike.tensor.kernel.KernelProvider;
import org.bitspike.tensor.kernel.PackedEpilogue;
import org.bitspike.tensor.kernel.PackedKernels;
import org.bitspike.tensor.kernel.Parallel;

/**
 * The XNOR-popcount convolution of binary networks against the float convolution forward, at the
 * {@link ConvSuite} layers (3x3, padding 1, stride 1) and at L2 with a 1x1 kernel (padding 0), through
 * {@link KernelProvider#packed()} and {@link KernelProvider#conv()}:
 * <ul>
 *   <li>{@code <layer>/conv}: the float convolution forward (the {@code conv} suite's
 *       {@code forward});</li>
 *   <li>{@code <layer>/xnor}: {@link PackedKernels#xnorConv2d} on random packed input and weights,
 *       padValue 0, with the {@link PackedEpilogue.IntBits} epilogue (random per-channel bounds,
 *       the next layer's packed input), i.e. what a binary layer of an inference runs. It is
 *       {@linkplain BenchCase#comparedWith() compared with} {@code <layer>/conv}, measured in
 *       alternating rounds, so its line carries {@code throughput_ratio}: the float convolution's time
 *       over the XNOR one's (the goal at L2: at least 4, aim 8).</li>
 * </ul>
 * Both report the float convolution's FLOPs ({@code 2 N Cout OH OW Cin kH kW}), so {@code gflops}
 * reads as "convolution-equivalent" (one binary multiply-accumulate counts as two).
 */
public final class BitConvSuite implements Suite {
    private static final long SEED = 20261208L;
    /** The padding value of the XNOR cases: zero, as the float convolution pads. */
    static final int PAD_VALUE = 0;

    @Override
    public String name() {
        return "bitconv";
    }

    @Override
    public String description() {
        return "XNOR-popcount conv (packed bits, IntBits epilogue) vs FLOAT32 conv forward, layers L1..L4 and L2"
                + " with a 1x1 kernel, with the throughput ratio";
    }

    @Override
    public List<BenchCase> cases(Scale scale) {
        List<BenchCase> cases = new ArrayList<>();
        for (ConvSuite.Layer layer : ConvSuite.Layer.values()) {
            addPair(cases, layer.name(), layer.geometry(scale));
        }
        Conv2dGeometry l2 = ConvSuite.Layer.L2.geometry(scale);
        addPair(cases, "L2-1x1", Conv2dGeometry.of(l2.n(), l2.cin(), l2.h(), l2.w(), l2.cout(), 1, 1, 1, 0, 1, 1));
        return List.copyOf(cases);
    }

    private static void addPair(List<BenchCase> cases, String layer, Conv2dGeometry g) {
        cases.add(new Forward(layer + "/conv", g, false));
        cases.add(new Forward(layer + "/xnor", g, true));
    }

    /** One forward pass of one layer: the float convolution's or the XNOR convolution's. */
    record Forward(String name, Conv2dGeometry g, boolean xnor) implements BenchCase {
        @Override
        public Map<String, Object> fields() {
            Map<String, Object> f = ConvSuite.geometryFields(g);
            f.put("op", xnor ? "xnor" : "conv");
            f.put("pass", "forward");
            if (xnor) {
                f.put("pad_value", PAD_VALUE);
                f.put("epilogue", "IntBits");
            }
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
            return xnor ? Optional.of(name.substring(0, name.indexOf('/')) + "/conv") : Optional.empty();
        }

        @Override
        public Prepared prepare(Impl impl, KernelProvider kernels, Parallel parallel) {
            String what = String.format(Locale.ROOT, "bitconv %s (%s, %d threads)", name, kernels.name(),
                    parallel.threads());
            if (!xnor) {
                ConvSuite.Operands ops = new ConvSuite.Operands(g, SEED);
                return ops.prepared(what, ConvSuite.Pass.FORWARD, kernels.conv(), parallel);
            }
            Operands ops = new Operands(g, SEED);
            PackedKernels k = kernels.packed();
            PackedEpilogue.IntBits epilogue = new PackedEpilogue.IntBits(ops.lower, ops.upper, ops.y, 0);
            return new Prepared() {
                @Override
                public void run() {
                    k.xnorConv2d(g, PAD_VALUE, ops.x, 0, ops.w, 0, epilogue, parallel);
                }

                @Override
                public void verify() {
                    Check.verify(what, ops);
                }
            };
        }
    }

    /**
     * Random packed input rows (padding bits random too: kernels ignore them), weight rows, bounds
     * {@code lower[co]} around 0 and {@code upper[co]} above or inside the range, and the packed output.
     */
    static final class Operands {
        final Conv2dGeometry g;
        final long[] x;
        final long[] w;
        final int[] lower;
        final int[] upper;
        final long[] y;

        Operands(Conv2dGeometry g, long seed) {
            this.g = g;
            SplittableRandom rnd = new SplittableRandom(seed);
            int words = BitKernels.words(g.cin());
            x = randomWords(rnd, g.n() * g.h() * g.w() * words);
            w = randomWords(rnd, g.cout() * g.kH() * g.kW() * words);
            int range = g.cin() * g.kH() * g.kW();
            lower = new int[g.cout()];
            upper = new int[g.cout()];
            for (int co = 0; co < g.cout(); co++) {
                int spread = Math.max(1, (int) Math.sqrt(range));
                lower[co] = rnd.nextInt(2 * spread + 1) - spread;
                upper[co] = co % 4 == 0 ? lower[co] + spread : Integer.MAX_VALUE;
            }
            y = new long[g.n() * g.outH() * g.outW() * BitKernels.words(g.cout())];
        }

        private static long[] randomWords(SplittableRandom rnd, int count) {
            long[] a = new long[count];
            for (int i = 0; i < count; i++) {
                a[i] = rnd.nextLong();
            }
            return a;
        }
    }

    /**
     * Sampled output pixels (the first, the last, then random ones), every channel: the accumulation
     * recomputed bit by bit from the definition ({@code +-1} products, padValue for taps outside the
     * input), its threshold bit compared, and the output row's padding bits checked to be 0.
     */
    static final class Check {
        static final int SAMPLES = 48;

        private Check() {
        }

        static void verify(String what, Operands o) {
            Conv2dGeometry g = o.g;
            int words = BitKernels.words(g.cin()), wordsOut = BitKernels.words(g.cout());
            int pixels = g.n() * g.outH() * g.outW();
            SplittableRandom rnd = new SplittableRandom(5);
            for (int s = 0; s < SAMPLES; s++) {
                int pixel = s == 0 ? 0 : s == 1 ? pixels - 1 : rnd.nextInt(pixels);
                int ow = pixel % g.outW(), oh = pixel / g.outW() % g.outH(), n = pixel / (g.outW() * g.outH());
                for (int co = 0; co < g.cout(); co++) {
                    int acc = 0;
                    for (int kh = 0; kh < g.kH(); kh++) {
                        for (int kw = 0; kw < g.kW(); kw++) {
                            int ih = oh * g.strideH() - g.padH() + kh, iw = ow * g.strideW() - g.padW() + kw;
                            boolean inside = ih >= 0 && ih < g.h() && iw >= 0 && iw < g.w();
                            int wRow = ((co * g.kH() + kh) * g.kW() + kw) * words;
                            int xRow = ((n * g.h() + ih) * g.w() + iw) * words;
                            for (int ci = 0; ci < g.cin(); ci++) {
                                int wv = bit(o.w, wRow, ci) ? 1 : -1;
                                int xv = inside ? (bit(o.x, xRow, ci) ? 1 : -1) : PAD_VALUE;
                                acc += wv * xv;
                            }
                        }
                    }
                    boolean want = o.lower[co] <= acc && acc <= o.upper[co];
                    if (bit(o.y, pixel * wordsOut, co) != want) {
                        throw new IllegalStateException(String.format(Locale.ROOT,
                                "%s: wrong result: bit of channel %d at pixel (%d, %d, %d) is %s but the accumulation"
                                        + " recomputed from the bits is %d, bounds [%d, %d]",
                                what, co, n, oh, ow, !want, acc, o.lower[co], o.upper[co]));
                    }
                }
                long padding = o.y[pixel * wordsOut + wordsOut - 1] & ~BitKernels.lastWordMask(g.cout());
                if (padding != 0) {
                    throw new IllegalStateException(String.format(Locale.ROOT,
                            "%s: wrong result: padding bits of pixel %d's last output word are %x, expected 0",
                            what, pixel, padding));
                }
            }
        }

        private static boolean bit(long[] a, int row, int j) {
            return (a[row + (j >>> 6)] >>> (j & 63) & 1L) != 0;
        }
    }
}
