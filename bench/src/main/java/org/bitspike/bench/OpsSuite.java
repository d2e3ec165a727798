package org.bitspike.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.bitspike.tensor.kernel.KernelProvider;
import org.bitspike.tensor.kernel.Parallel;

/**
 * FLOAT32 elementwise ops and reductions through the public {@link Tensor} API, on the shapes of a
 * small VGG training step at batch 64 (a BatchNorm over {@code [64, 32, 28, 28]}, a linear layer's
 * {@code [64, 512]}):
 * <pre>
 *   add/784x512               a.add(b), both [784, 512]
 *   add-bias/64x512           x [64, 512] + b [512]
 *   mul-channel/64x32x28x28   x * s[1, 32, 1, 1] (BatchNorm's per-channel scale)
 *   relu/64x32x28x28          x.relu()
 *   exp/64x512                x.exp()
 *   relu-mask/64x512          Tensor.where(x.gt(0), dy, 0), a relu backward
 *   bool-to-float/64x32x28x28 mask.to(FLOAT32)
 *   sum-rows/64x512           x.sum(1)
 *   sum-dim0/64x512           x.sum(0), a bias gradient
 *   sum-nhw/64x32x28x28       x.sum((0, 2, 3)) -> [32], BatchNorm's reduction
 *   var-nhw/64x32x28x28       x.var((0, 2, 3), correction 0), BatchNorm's biased variance
 * </pre>
 * The impls {@code scalar} and {@code vector} name the kernel provider, but these ops run on the
 * JVM's provider ({@link KernelProvider#get()}) and pool ({@link Parallel#shared()}), as every
 * Tensor op does: {@code bench/run} starts the {@code scalar} JVM with
 * {@code -Dbitspike.kernels=scalar}, and a case refuses to run when the JVM's provider or pool is
 * not the one its line would claim.
 *
 * <p>{@code flops} counts elements, one per element read from the largest operand, so
 * {@code gflops} reads as G elements per second. Every result is checked on every entry against a
 * double-precision computation: exactly for the elementwise ops, within {@code 1e-5} relative to the
 * sum of magnitudes for the reductions. {@link Scale#QUICK} keeps the names with tiny shapes.
 */
public final class OpsSuite implements Suite {
    private static final long SEED = 20240604L;

    @Override
    public String name() {
        return "ops";
    }

    @Override
    public String description() {
        return "FLOAT32 elementwise ops and reductions through the Tensor API (add, bias, relu, masks, "
                + "column and BatchNorm sums, var) on VGG shapes";
    }

    /**
     * NOTE: 2 s at full scale. The sampler's default warm-up stops after 1,000 runs, 10-50 ms for
     * the small cases here, before C2 has compiled their vector loops: {@code sum-dim0} measured
     * 55 us after it, 11-14 us after 2 s (the same as in a plain loop warmed up for seconds).
     */
    @Override
    public double minWarmupMs(Scale scale) {
        return scale == Scale.FULL ? 2000 : 0;
    }

    @Override
    public List<BenchCase> cases(Scale scale) {
        boolean quick = scale == Scale.QUICK;
        int[] big = quick ? new int[] {2, 3, 5, 7} : new int[] {64, 32, 28, 28};
        int[] matrix = quick ? new int[] {3, 17} : new int[] {64, 512};
        int[] square = quick ? new int[] {13, 7} : new int[] {784, 512};
        List<BenchCase> cases = new ArrayList<>();
        cases.add(new OpCase("add/784x512", Op.ADD, square));
        cases.add(new OpCase("add-bias/64x512", Op.ADD_BIAS, matrix));
        cases.add(new OpCase("mul-channel/64x32x28x28", Op.MUL_CHANNEL, big));
        cases.add(new OpCase("relu/64x32x28x28", Op.RELU, big));
        cases.add(new OpCase("exp/64x512", Op.EXP, matrix));
        cases.add(new OpCase("relu-mask/64x512", Op.RELU_MASK, matrix));
        cases.add(new OpCase("bool-to-float/64x32x28x28", Op.BOOL_TO_FLOAT, big));
        cases.add(new OpCase("sum-rows/64x512", Op.SUM_ROWS, matrix));
        cases.add(new OpCase("sum-dim0/64x512", Op.SUM_DIM0, matrix));
        cases.add(new OpCase("sum-nhw/64x32x28x28", Op.SUM_NHW, big));
        cases.add(new OpCase("var-nhw/64x32x28x28", Op.VAR_NHW, big));
        return List.copyOf(cases);
    }

    /** What a case computes. */
    enum Op {
        ADD, ADD_BIAS, MUL_CHANNEL, RELU, EXP, RELU_MASK, BOOL_TO_FLOAT, SUM_ROWS, SUM_DIM0, SUM_NHW, VAR_NHW
    }

    /** Inputs of one case: x of the case's shape and, per op, a second operand. */
    private static final class Operands {
        final Tensor x;
        final Tensor y;
        final Tensor mask;

        Operands(Op op, int[] shape) {
            RandomKey[] keys = RandomKey.of(SEED).split(2);
            x = Tensor.randn(keys[0], shape);
            int[] yShape = switch (op) {
                case ADD, RELU_MASK -> shape;
                case ADD_BIAS -> new int[] {shape[shape.length - 1]};
                case MUL_CHANNEL -> new int[] {1, shape[1], 1, 1};
                default -> null;
            };
            y = yShape == null ? null : Tensor.randn(keys[1], yShape);
            mask = op == Op.BOOL_TO_FLOAT ? x.gt(0) : null;
        }
    }

    /** One op on one shape. */
    record OpCase(String name, Op op, int[] shape) implements BenchCase {
        @Override
        public Map<String, Object> fields() {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("shape", Arrays.toString(shape));
            f.put("elements", elements());
            return f;
        }

        private int elements() {
            int n = 1;
            for (int s : shape) {
                n *= s;
            }
            return n;
        }

        @Override
        public double flops() {
            return elements();
        }

        @Override
        public Prepared prepare(Impl impl, KernelProvider kernels, Parallel parallel) {
            KernelProvider jvm = KernelProvider.get();
            if (!jvm.name().equals(impl.label())) {
                throw new IllegalStateException(String.format(Locale.ROOT, "ops %s: --impl %s, but Tensor ops in"
                        + " this JVM run on the %s kernels: start it with -D%s=%s (bench/run does)", name,
                        impl.label(), jvm.name(), KernelProvider.PROPERTY, impl.label()));
            }
            if (parallel != null && Parallel.shared().threads() != parallel.threads()) {
                throw new IllegalStateException(String.format(Locale.ROOT, "ops %s: --threads %d, but Tensor ops"
                        + " in this JVM run on %d threads: start it with -D%s=%d (bench/run does)", name,
                        parallel.threads(), Parallel.shared().threads(), Parallel.PROPERTY, parallel.threads()));
            }
            Operands in = new Operands(op, shape);
            Tensor zero = Tensor.scalar(DType.FLOAT32, 0);
            String what = String.format(Locale.ROOT, "ops %s (%s, %d threads)", name, jvm.name(),
                    Parallel.shared().threads());
            return new Prepared() {
                private Tensor last;

                @Override
                public void run() {
                    last = switch (op) {
                        case ADD, ADD_BIAS -> in.x.add(in.y);
                        case MUL_CHANNEL -> in.x.mul(in.y);
                        case RELU -> in.x.relu();
                        case EXP -> in.x.exp();
                        case RELU_MASK -> Tensor.where(in.x.gt(0), in.y, zero);
                        case BOOL_TO_FLOAT -> in.mask.to(DType.FLOAT32);
                        case SUM_ROWS -> in.x.sum(1, false);
                        case SUM_DIM0 -> in.x.sum(0, false);
                        case SUM_NHW -> in.x.sum(new int[] {0, 2, 3}, false);
                        case VAR_NHW -> in.x.var(new int[] {0, 2, 3}, 0, false);
                    };
                }

                @Override
                public void verify() {
                    OpsCheck.verify(what, op, shape, in.x, in.y, last);
                }
            };
        }
    }

    /** The double-precision checks of {@link OpsSuite}'s cases. */
    static final class OpsCheck {
        private OpsCheck() {
        }

        static void verify(String what, Op op, int[] shape, Tensor xt, Tensor yt, Tensor got) {
            float[] x = xt.contiguous().toFloatArray();
            float[] y = yt == null ? null : yt.expand(shape).contiguous().toFloatArray();
            int n = x.length;
            double[] want;
            double[] mag;
            switch (op) {
                case ADD, ADD_BIAS, MUL_CHANNEL, RELU, EXP, RELU_MASK, BOOL_TO_FLOAT -> {
                    want = new double[n];
                    for (int i = 0; i < n; i++) {
                        want[i] = switch (op) {
                            case ADD, ADD_BIAS -> x[i] + y[i];
                            case MUL_CHANNEL -> x[i] * y[i];
                            case RELU -> Math.max(x[i], 0f);
                            case EXP -> (float) Math.exp(x[i]);
                            case RELU_MASK -> x[i] > 0 ? y[i] : 0f;
                            default -> x[i] > 0 ? 1f : 0f;
                        };
                    }
                    mag = null;
                }
                default -> {
                    int rows = shape[0];
                    int cols = n / rows;
                    int outs = switch (op) {
                        case SUM_ROWS -> rows;
                        case SUM_DIM0 -> cols;
                        default -> shape[1];
                    };
                    int plane = op == Op.SUM_NHW || op == Op.VAR_NHW ? shape[2] * shape[3] : 1;
                    want = new double[outs];
                    mag = new double[outs];
                    int[] count = new int[outs];
                    for (int i = 0; i < n; i++) {
                        int o = switch (op) {
                            case SUM_ROWS -> i / cols;
                            case SUM_DIM0 -> i % cols;
                            default -> (i / plane) % shape[1];
                        };
                        want[o] += x[i];
                        mag[o] += Math.abs(x[i]);
                        count[o]++;
                    }
                    if (op == Op.VAR_NHW) {
                        double[] ss = new double[outs];
                        for (int i = 0; i < n; i++) {
                            int o = (i / plane) % shape[1];
                            double d = x[i] - want[o] / count[o];
                            ss[o] += d * d;
                        }
                        for (int o = 0; o < outs; o++) {
                            want[o] = ss[o] / count[o];
                            mag[o] = want[o];
                        }
                    }
                }
            }
            float[] g = got.contiguous().toFloatArray();
            if (g.length != want.length) {
                throw new IllegalStateException(what + ": result has " + g.length + " elements, expected "
                        + want.length + " (shape " + Arrays.toString(got.shape()) + ")");
            }
            for (int i = 0; i < g.length; i++) {
                // Elementwise ops are exact (exp too: Math.exp rounded once to float, in every provider).
                double tol = mag != null ? 1e-5 * mag[i] + 1e-30 : 0;
                if (!(Math.abs(g[i] - want[i]) <= tol)) {
                    throw new IllegalStateException(String.format(Locale.ROOT,
                            "%s: wrong result: entry %d is %s but the double-precision reference is %s"
                                    + " (tolerance %.3g)", what, i, g[i], want[i], tol));
                }
            }
        }
    }
}
