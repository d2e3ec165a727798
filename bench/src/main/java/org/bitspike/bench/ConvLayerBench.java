package org.bitspike.bench;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import org.bitspike.tensor.kernel.Conv2dGeometry;
import org.bitspike.tensor.kernel.ConvKernels;
import org.bitspike.tensor.kernel.FloatMatrixSource;
import org.bitspike.tensor.kernel.Gemm;
import org.bitspike.tensor.kernel.GemmConvKernels;
import org.bitspike.tensor.kernel.KernelProvider;
import org.bitspike.tensor.kernel.Parallel;

/**
 * Milliseconds per call of the FLOAT32 convolution kernels on the layers that matter (3x3, pad 1,
 * stride 1): median and minimum of {@code reps} timed calls after at least {@code warmup} untimed
 * ones and half a second (the minimum is the better estimate on a machine shared with other work),
 * and the mean process CPU time. fwd+bwd is one timed run of forward, input, weight and bias
 * gradients.
 * <ul>
 *   <li>{@code provider}: the chosen provider's {@code conv()} as is (its GEMM's source overload).</li>
 *   <li>{@code materialised}: {@link GemmConvKernels} on a GEMM adapter that copies the whole
 *       im2col source into an array, then calls the provider's array {@code sgemm}: the pipeline
 *       cost with today's array GEMM, to separate conv overhead from GEMM speed.</li>
 * </ul>
 * Run: {@code java --add-modules jdk.incubator.vector -cp tensor/target/classes:bench/target/classes
 * org.bitspike.bench.ConvLayerBench [threads] [warmup] [reps] [provider|materialised]}.
 */
public final class ConvLayerBench {
    private ConvLayerBench() {
    }

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int reps = args.length > 2 ? Integer.parseInt(args[2]) : 15;
        String only = args.length > 3 ? args[3] : "";
        KernelProvider provider = KernelProvider.get();
        Parallel parallel = Parallel.of(threads);
        Conv2dGeometry[] layers = {
            Conv2dGeometry.of(32, 64, 32, 32, 64, 3, 3, 1, 1, 1, 1),
            Conv2dGeometry.of(32, 128, 16, 16, 128, 3, 3, 1, 1, 1, 1),
            Conv2dGeometry.of(64, 1, 28, 28, 32, 3, 3, 1, 1, 1, 1),
            Conv2dGeometry.of(64, 32, 14, 14, 64, 3, 3, 1, 1, 1, 1)};
        ConvKernels[] variants = {provider.conv(), new GemmConvKernels(new MaterialisingGemm(provider.gemm()))};
        String[] names = {"provider", "materialised"};
        System.out.printf(Locale.ROOT, "provider %s, %d threads, %d warm-up and %d timed runs%n", provider.describe(), threads, warmup, reps);
        for (int l = 0; l < layers.length; l++) {
            Conv2dGeometry g = layers[l];
            SplittableRandom rnd = new SplittableRandom(l);
            float[] x = random(rnd, g.inputSize()), w = random(rnd, g.weightSize()), b = random(rnd, g.cout());
            float[] dy = random(rnd, g.outputSize());
            float[] y = new float[g.outputSize()], dx = new float[g.inputSize()], dw = new float[g.weightSize()];
            float[] db = new float[g.cout()];
            for (int v = 0; v < variants.length; v++) {
                if (!only.isEmpty() && !names[v].equals(only)) {
                    continue;
                }
                ConvKernels k = variants[v];
                double[] fwd = time(warmup, reps, () -> k.conv2d(g, x, 0, w, 0, b, 0, y, 0, parallel));
                double[] all = time(warmup, reps, () -> {
                    k.conv2d(g, x, 0, w, 0, b, 0, y, 0, parallel);
                    k.conv2dBackwardInput(g, dy, 0, w, 0, dx, 0, parallel);
                    k.conv2dBackwardWeight(g, x, 0, dy, 0, dw, 0, parallel);
                    k.conv2dBackwardBias(g, dy, 0, db, 0, parallel);
                });
                double[] bwdIn = time(warmup, reps, () -> k.conv2dBackwardInput(g, dy, 0, w, 0, dx, 0, parallel));
                double[] bwdW = time(warmup, reps, () -> k.conv2dBackwardWeight(g, x, 0, dy, 0, dw, 0, parallel));
                System.out.printf(Locale.ROOT, "L%d %-12s fwd %7.2f ms (min %7.2f, cpu %7.2f)  fwd+bwd %7.2f ms"
                                + " (min %7.2f, cpu %7.2f)  | dx %7.2f  dw %7.2f (medians)%n",
                        l + 1, names[v], fwd[1], fwd[0], fwd[2], all[1], all[0], all[2], bwdIn[1], bwdW[1]);
            }
        }
        parallel.close();
    }

    private static float[] random(SplittableRandom rnd, int size) {
        float[] a = new float[size];
        for (int i = 0; i < size; i++) {
            a[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return a;
    }

    /**
     * {min, median, mean process CPU time} of {@code reps} timed runs in milliseconds. The CPU time
     * (all threads) barely moves when other processes compete for the cores, unlike wall time.
     */
    private static double[] time(int warmup, int reps, Runnable r) {
        // warm up for at least `warmup` runs and half a second, so the JIT has compiled short ops too
        long until = System.nanoTime() + 500_000_000L;
        for (int i = 0; i < warmup || System.nanoTime() < until; i++) {
            r.run();
        }
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        double[] t = new double[reps];
        long cpu0 = os.getProcessCpuTime();
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            r.run();
            t[i] = (System.nanoTime() - t0) / 1e6;
        }
        double cpu = (os.getProcessCpuTime() - cpu0) / 1e6 / reps;
        Arrays.sort(t);
        return new double[] {t[0], t[reps / 2], cpu};
    }

    /** Copies the whole source into an array and calls the array overload. */
    private static final class MaterialisingGemm implements Gemm {
        private final Gemm inner;

        MaterialisingGemm(Gemm inner) {
            this.inner = inner;
        }

        @Override
        public void sgemm(int m, int n, int k, float[] a, int aOff, int aRs, int aCs, float[] b, int bOff, int bRs,
                          int bCs, float[] c, int cOff, int ldc, boolean accumulate, Parallel parallel) {
            inner.sgemm(m, n, k, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, ldc, accumulate, parallel);
        }

        @Override
        public void sgemm(int m, int n, int k, float[] a, int aOff, int aRs, int aCs, FloatMatrixSource b,
                          float[] c, int cOff, int ldc, boolean accumulate, Parallel parallel) {
            float[] dense = new float[k * n];
            b.copyBlock(0, k, 0, n, dense, 0, n, 1);
            inner.sgemm(m, n, k, a, aOff, aRs, aCs, dense, 0, n, 1, c, cOff, ldc, accumulate, parallel);
        }

        @Override
        public void dgemm(int m, int n, int k, double[] a, int aOff, int aRs, int aCs, double[] b, int bOff,
                          int bRs, int bCs, double[] c, int cOff, int ldc, boolean accumulate, Parallel parallel) {
            inner.dgemm(m, n, k, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, ldc, accumulate, parallel);
        }
    }
}
