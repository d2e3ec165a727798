package org.bitspike.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bitspike.tensor.kernel.Conv2dGeometry;
import org.bitspike.tensor.kernel.ConvKernels;
import org.bitspike.tensor.kernel.KernelProvider;
import org.bitspike.tensor.kernel.Parallel;

/**
 * FLOAT32 3x3 convolutions (padding 1, stride 1, no bias) of four benchmark layers, through
 * {@link KernelProvider#conv()}:
 * <pre>
 *   L1  N=32, 64 -> 64,   32x32
 *   L2  N=32, 128 -> 128, 16x16
 *   L3  N=64, 1 -> 32,    28x28
 *   L4  N=64, 32 -> 64,   14x14
 * </pre>
 * Cases {@code <layer>/forward} ({@code y = conv2d(x, w)}) and {@code <layer>/forward+backward}
 * (forward, then the gradients with respect to the input and the weight from a fixed {@code dy}),
 * like a training step of a layer whose input needs a gradient. FLOPs: {@code 2 N Cout OH OW Cin 9}
 * per pass, three passes for forward+backward. {@link Scale#QUICK} keeps the layers and uses N = 2.
 */
public final class ConvSuite implements Suite {
    private static final long SEED = 20240602L;

    /** The benchmark layers. */
    public enum Layer {
        L1(32, 64, 64, 32, 32),
        L2(32, 128, 128, 16, 16),
        L3(64, 1, 32, 28, 28),
        L4(64, 32, 64, 14, 14);

        private final int batch;
        private final int cin;
        private final int cout;
        private final int h;
        private final int w;

        Layer(int batch, int cin, int cout, int h, int w) {
            this.batch = batch;
            this.cin = cin;
            this.cout = cout;
            this.h = h;
            this.w = w;
        }

        /** The layer's 3x3, padding 1, stride 1 geometry; batch 2 at {@link Scale#QUICK}. */
        public Conv2dGeometry geometry(Scale scale) {
            return Conv2dGeometry.of(scale == Scale.QUICK ? 2 : batch, cin, h, w, cout, 3, 3, 1, 1, 1, 1);
        }
    }

    /** What one run computes. */
    public enum Pass {
        FORWARD("forward", 1),
        FORWARD_BACKWARD("forward+backward", 3);

        private final String label;
        private final int passes;

        Pass(String label, int passes) {
            this.label = label;
            this.passes = passes;
        }

        /** The suffix of the case name. */
        public String label() {
            return label;
        }
    }

    @Override
    public String name() {
        return "conv";
    }

    @Override
    public String description() {
        return "FLOAT32 3x3 conv (pad 1, stride 1) of layers L1..L4: forward, and forward + grad input + grad weight";
    }

    @Override
    public List<BenchCase> cases(Scale scale) {
        List<BenchCase> cases = new ArrayList<>();
        for (Layer layer : Layer.values()) {
            for (Pass pass : Pass.values()) {
                cases.add(new ConvCase(layer.name() + "/" + pass.label(), layer.geometry(scale), pass));
            }
        }
        return List.copyOf(cases);
    }

    /** Forward FLOPs of a geometry (groups 1): {@code 2 N Cout OH OW Cin kH kW}. */
    public static double forwardFlops(Conv2dGeometry g) {
        return 2.0 * g.n() * g.cout() * g.outH() * g.outW() * g.cinPerGroup() * g.kH() * g.kW();
    }

    /** Operands and outputs of one geometry: x, w, a fixed dy, and y, dx, dw. */
    public static final class Operands {
        public final Conv2dGeometry g;
        public final float[] x;
        public final float[] w;
        public final float[] dy;
        public final float[] y;
        public final float[] dx;
        public final float[] dw;

        public Operands(Conv2dGeometry g, long seed) {
            this.g = g;
            x = GemmCheck.random(g.inputSize(), seed);
            w = GemmCheck.random(g.weightSize(), seed + 1);
            dy = GemmCheck.random(g.outputSize(), seed + 2);
            y = new float[g.outputSize()];
            dx = new float[g.inputSize()];
            dw = new float[g.weightSize()];
        }

        /** Runs {@code pass} once with {@code conv}. */
        public void run(Pass pass, ConvKernels conv, Parallel parallel) {
            conv.conv2d(g, x, 0, w, 0, null, 0, y, 0, parallel);
            if (pass == Pass.FORWARD_BACKWARD) {
                conv.conv2dBackwardInput(g, dy, 0, w, 0, dx, 0, parallel);
                conv.conv2dBackwardWeight(g, x, 0, dy, 0, dw, 0, parallel);
            }
        }

        /**
         * A prepared case that runs {@code pass} with {@code conv} and checks it: the float convolution step
         * every convolution suite measures or compares with.
         */
        public BenchCase.Prepared prepared(String what, Pass pass, ConvKernels conv, Parallel parallel) {
            return new BenchCase.Prepared() {
                @Override
                public void run() {
                    Operands.this.run(pass, conv, parallel);
                }

                @Override
                public void verify() {
                    Operands.this.verify(what, pass);
                }
            };
        }

        /** Checks the outputs {@code pass} wrote (see {@link ConvCheck}). */
        public void verify(String what, Pass pass) {
            ConvCheck.verifyForward(what, g, x, w, y);
            if (pass == Pass.FORWARD_BACKWARD) {
                ConvCheck.verifyBackwardInput(what, g, dy, w, dx);
                ConvCheck.verifyBackwardWeight(what, g, x, dy, dw);
            }
        }
    }

    /** The JSON fields of a convolution layer's geometry: batch, cin, cout, h, w, kh, kw, pad, stride. */
    static Map<String, Object> geometryFields(Conv2dGeometry g) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("batch", g.n());
        f.put("cin", g.cin());
        f.put("cout", g.cout());
        f.put("h", g.h());
        f.put("w", g.w());
        f.put("kh", g.kH());
        f.put("kw", g.kW());
        f.put("pad", g.padH());
        f.put("stride", g.strideH());
        return f;
    }

    /** One layer and pass. */
    record ConvCase(String name, Conv2dGeometry g, Pass pass) implements BenchCase {
        @Override
        public Map<String, Object> fields() {
            Map<String, Object> f = geometryFields(g);
            f.put("pass", pass.label());
            return f;
        }

        @Override
        public double flops() {
            return forwardFlops(g) * pass.passes;
        }

        @Override
        public Prepared prepare(Impl impl, KernelProvider kernels, Parallel parallel) {
            Operands ops = new Operands(g, SEED);
            ConvKernels conv = kernels.conv();
            String what = String.format(Locale.ROOT, "conv %s (%s, %d threads)", name, kernels.name(),
                    parallel.threads());
            return ops.prepared(what, pass, conv, parallel);
        }
    }
}
