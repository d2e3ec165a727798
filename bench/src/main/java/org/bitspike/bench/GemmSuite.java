package org.bitspike.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bitspike.tensor.kernel.Gemm;
import org.bitspike.tensor.kernel.KernelProvider;
import org.bitspike.tensor.kernel.Parallel;

/**
 * FLOAT32 {@code sgemm} on dense row-major operands, {@code C = A B} overwritten each run.
 *
 * <p>Cases: {@code square/S} for S in 256, 512, 1024, 2048, and {@code im2col/L1..L4}, the GEMMs of
 * the benchmark conv layers after im2col ({@code m = Cout, k = Cin * 9, n = N * H * W}):
 * <pre>
 *   L1  64 x  576 x 32768   (N=32, 64->64,   32x32)
 *   L2 128 x 1152 x  8192   (N=32, 128->128, 16x16)
 *   L3  32 x    9 x 50176   (N=64, 1->32,    28x28)
 *   L4  64 x  288 x 12544   (N=64, 32->64,   14x14)
 * </pre>
 * Here B is materialised; the conv suite measures the fused im2col path. {@link Scale#QUICK} uses
 * squares 31, 64, 100 and the im2col shapes with {@code n / 64}.
 */
public final class GemmSuite implements Suite {
    private static final long SEED = 20240601L;

    @Override
    public String name() {
        return "gemm";
    }

    @Override
    public String description() {
        return "FLOAT32 sgemm C = A B: squares 256..2048 and the im2col GEMMs of conv layers L1..L4";
    }

    @Override
    public List<BenchCase> cases(Scale scale) {
        boolean quick = scale == Scale.QUICK;
        List<BenchCase> cases = new ArrayList<>();
        for (int s : quick ? new int[] {31, 64, 100} : new int[] {256, 512, 1024, 2048}) {
            cases.add(new GemmCase("square/" + s, s, s, s));
        }
        int shrink = quick ? 64 : 1;
        cases.add(new GemmCase("im2col/L1", 64, 32768 / shrink, 576));
        cases.add(new GemmCase("im2col/L2", 128, 8192 / shrink, 1152));
        cases.add(new GemmCase("im2col/L3", 32, 50176 / shrink, 9));
        cases.add(new GemmCase("im2col/L4", 64, 12544 / shrink, 288));
        return List.copyOf(cases);
    }

    /** One {@code m x k} by {@code k x n} product. */
    record GemmCase(String name, int m, int n, int k) implements BenchCase {
        @Override
        public Map<String, Object> fields() {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("m", m);
            f.put("n", n);
            f.put("k", k);
            return f;
        }

        @Override
        public double flops() {
            return 2.0 * m * n * k;
        }

        @Override
        public Prepared prepare(Impl impl, KernelProvider kernels, Parallel parallel) {
            float[] a = GemmCheck.random(m * k, SEED);
            float[] b = GemmCheck.random(k * n, SEED + 1);
            float[] c = new float[m * n];
            Gemm gemm = kernels.gemm();
            String what = "gemm " + name + " (" + kernels.name() + ", " + parallel.threads() + " threads)";
            return new Prepared() {
                @Override
                public void run() {
                    gemm.sgemm(m, n, k, a, 0, k, 1, b, 0, n, 1, c, 0, n, false, parallel);
                }

                @Override
                public void verify() {
                    GemmCheck.verify(what, m, n, k, a, b, c);
                }
            };
        }
    }
}
