package org.bitspike.bench.jmh;

import java.util.concurrent.TimeUnit;
import org.bitspike.bench.ConvSuite;
import org.bitspike.bench.Scale;
import org.bitspike.tensor.kernel.ConvKernels;
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
 * The conv layers of {@link ConvSuite} (3x3, padding 1, stride 1), forward and forward + grad input
 * + grad weight, scalar versus Vector API kernels in separate forks.
 *
 * <p>Fork and warm-up choices follow {@link GemmBenchmark}: each method declares its provider's JVM
 * flag, {@code jvmArgs} is explicit so the host's flags do not leak in, the fork fails if
 * {@link KernelProvider#get()} is not the provider the method names, and the outputs are checked
 * against double-precision sums after the trial. Heap 2 GB: L1 forward+backward holds about 50 MB.
 * The scalar L1/L2 forward+backward take seconds per call, so their iterations run long; select
 * layers with {@code -p layer=L3,L4} for a quick look.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ConvBenchmark {
    private static final String HEAP_MIN = "-Xms2g";
    private static final String HEAP_MAX = "-Xmx2g";

    /** Operands of one layer; the provider is the fork's {@link KernelProvider#get()}. */
    @State(Scope.Benchmark)
    public static class Layer {
        @Param({"L1", "L2", "L3", "L4"})
        public String layer;

        @Param({"1"})
        public int threads;

        ConvSuite.Operands ops;
        ConvSuite.Pass pass;
        ConvKernels conv;
        Parallel parallel;
        private String what;

        @Setup(Level.Trial)
        public void setUp(BenchmarkParams params) {
            String method = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
            String expected = method.startsWith("scalar") ? "scalar" : "vector";
            pass = method.endsWith("ForwardBackward") ? ConvSuite.Pass.FORWARD_BACKWARD : ConvSuite.Pass.FORWARD;
            KernelProvider kernels = KernelProvider.get();
            if (!kernels.name().equals(expected)) {
                throw new IllegalStateException("ConvBenchmark." + method + ": this fork runs the "
                        + kernels.name() + " kernels, expected " + expected + " (check the fork's JVM flags: "
                        + params.getJvmArgs() + ")");
            }
            conv = kernels.conv();
            parallel = Parallel.of(threads);
            ops = new ConvSuite.Operands(ConvSuite.Layer.valueOf(layer).geometry(Scale.FULL), 7);
            what = "ConvBenchmark." + method + " layer=" + layer;
        }

        @TearDown(Level.Trial)
        public void verifyAndClose() {
            try {
                ops.verify(what, pass);
            } finally {
                parallel.close();
            }
        }

        float[] run() {
            ops.run(pass, conv, parallel);
            return ops.y;
        }
    }

    @Benchmark
    @Fork(value = 1, jvmArgs = {HEAP_MIN, HEAP_MAX}, jvmArgsPrepend = "-Dbitspike.kernels=scalar")
    public float[] scalarForward(Layer s) {
        return s.run();
    }

    @Benchmark
    @Fork(value = 1, jvmArgs = {HEAP_MIN, HEAP_MAX}, jvmArgsPrepend = "-Dbitspike.kernels=scalar")
    public float[] scalarForwardBackward(Layer s) {
        return s.run();
    }

    @Benchmark
    @Fork(value = 1, jvmArgs = {HEAP_MIN, HEAP_MAX}, jvmArgsPrepend = "--add-modules=jdk.incubator.vector")
    public float[] vectorForward(Layer s) {
        return s.run();
    }

    @Benchmark
    @Fork(value = 1, jvmArgs = {HEAP_MIN, HEAP_MAX}, jvmArgsPrepend = "--add-modules=jdk.incubator.vector")
    public float[] vectorForwardBackward(Layer s) {
        return s.run();
    }
}
