package org.bitspike.bench.jmh;

import java.util.concurrent.TimeUnit;
import org.bitspike.bench.GemmCheck;
import org.bitspike.tensor.kernel.Gemm;
import org.bitspike.tensor.kernel.KernelProvider;
import org.bitspike.tensor.kernel.Parallel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Square FLOAT32 {@code sgemm}, scalar oracle versus Vector API, one forked JVM per implementation.
 *
 * <p>Choices:
 * <ul>
 *   <li>Forks: one per (method, size). Each method carries its own {@code @Fork}: the JVM flag that
 *       selects the provider is the only difference, and the provider is resolved the way an
 *       application resolves it ({@link KernelProvider#get()}); {@link Operands#setUp} fails the fork
 *       if the flag did not take. {@code jvmArgs} is set explicitly so forks do not inherit the
 *       launching JVM's flags (a host started with {@code --add-modules} would otherwise leak the
 *       module into the scalar fork). One fork, not the JMH default five: this machine has two cores
 *       and the kernels are deterministic, so fork-to-fork variance is small next to the gap being
 *       measured; raise it with {@code -f 3} for publishable numbers.</li>
 *   <li>Warm-up: 3 x 1 s. The GEMM inner loops are long, so C2 (including on-stack replacement of the
 *       first call) has compiled them within the first iteration even for 64; the scalar 512 case
 *       (~0.3 s per call) still gets several calls per iteration.</li>
 *   <li>Sizes: 64 (fits in L1/L2, measures call overhead and tails), 207 (awkward: no multiple of any
 *       vector width or block size, so every tail path runs), 512 (blocking matters).</li>
 *   <li>Threads: one by default ({@code -p threads=2} to measure the pool); the result is the same
 *       for any count.</li>
 *   <li>Self-check: after each trial the last product is compared with a double-precision reference
 *       ({@link GemmCheck#verify}); a wrong kernel fails the benchmark instead of reporting a time.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class GemmBenchmark {
    private static final String HEAP_MIN = "-Xms1g";
    private static final String HEAP_MAX = "-Xmx1g";

    /** Operands of one trial; the provider is the fork's {@link KernelProvider#get()}. */
    @State(Scope.Benchmark)
    public static class Operands {
        @Param({"64", "207", "512"})
        public int size;

        @Param({"1"})
        public int threads;

        float[] a;
        float[] b;
        float[] c;
        Gemm gemm;
        Parallel parallel;
        private String what;

        @Setup(Level.Trial)
        public void setUp(BenchmarkParams params) {
            String method = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
            KernelProvider kernels = KernelProvider.get();
            if (!kernels.name().equals(method)) {
                throw new IllegalStateException("GemmBenchmark." + method + ": this fork runs the "
                        + kernels.name() + " kernels, expected " + method + " (check the fork's JVM flags: "
                        + params.getJvm() + " " + params.getJvmArgs() + ")");
            }
            gemm = kernels.gemm();
            parallel = Parallel.of(threads);
            a = GemmCheck.random(size * size, 1);
            b = GemmCheck.random(size * size, 2);
            c = new float[size * size];
            what = "GemmBenchmark." + method + " size=" + size;
        }

        @TearDown(Level.Trial)
        public void verifyAndClose() {
            try {
                GemmCheck.verify(what, size, size, size, a, b, c);
            } finally {
                parallel.close();
            }
        }

        float[] multiply() {
            gemm.sgemm(size, size, size, a, 0, size, 1, b, 0, size, 1, c, 0, size, false, parallel);
            return c;
        }
    }

    @Benchmark
    @Fork(value = 1, jvmArgs = {HEAP_MIN, HEAP_MAX}, jvmArgsPrepend = "-Dbitspike.kernels=scalar")
    public float[] scalar(Operands s) {
        return s.multiply();
    }

    @Benchmark
    @Fork(value = 1, jvmArgs = {HEAP_MIN, HEAP_MAX}, jvmArgsPrepend = "--add-modules=jdk.incubator.vector")
    public float[] vector(Operands s) {
        return s.multiply();
    }
}
