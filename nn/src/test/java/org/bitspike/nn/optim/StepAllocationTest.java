package org.bitspike.nn.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A warm optimiser step allocates nothing per parameter (issue 4): SGD (plain, weight decay,
 * momentum, dampening, Nesterov) and Adam, Adam with L2, AdamW and AMSGrad (L2, decoupled) on four FLOAT32 parameters of
 * 1,728 to 4,098 elements, measured with {@code ThreadMXBean.getCurrentThreadAllocatedBytes} over
 * {@value StepAllocation#WINDOW} steps.
 *
 * <p>Tolerance: under 1 KB per step for the four parameters together, against 6,912 bytes for the
 * smallest parameter alone (and 37 KB for the temporaries of one unfused SGD step). What remains,
 * measured: the grad-mode scope {@code Optimizer.step} opens (24 bytes a step) and, per Adam
 * parameter, the two small records of {@code adamStep_} (its hyper-parameters and the kernel's
 * coefficients, 136 bytes): 24 bytes a step for SGD, 568 for Adam.
 *
 * <p>Two measurements. In a child JVM with the scalar kernels and the interpreter only ({@code
 * -Xint}), the count is exact and needs no warm-up: it is what the code allocates. In this JVM, on
 * its provider (the Vector API here), vectors are heap objects until C2 compiles the loops, so
 * windows are measured until one is under the tolerance (a few hundred steps here), up to 10,000
 * steps: this catches a loop whose vectors C2 failed to keep in registers.
 */
class StepAllocationTest {
    private static final long TOLERANCE = 1024;

    private static com.sun.management.ThreadMXBean threads() {
        return (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    }

    @Test
    void aStepAllocatesNothingPerParameterInTheInterpreter() throws IOException, InterruptedException {
        assertUnderTolerance(measureInChild(List.of("-Xint", "-Dbitspike.kernels=scalar"), 0, 1),
                "scalar kernels, interpreter");
    }

    @Test
    void aWarmStepAllocatesNothingPerParameterOnTheVectorKernels() throws IOException, InterruptedException {
        assertTrue(TOLERANCE < StepAllocation.SMALLEST_PARAMETER_BYTES / 4, "far below one parameter");
        // NOTE: -Xbatch compiles in the foreground, so how many steps it takes C2 to keep the vectors
        // in registers depends on invocation counts only, not on how busy the machine is.
        assertUnderTolerance(measureInChild(List.of("-Xbatch", "--add-modules", "jdk.incubator.vector",
                "-Dbitspike.kernels=vector"), TOLERANCE, 10_000 / StepAllocation.WINDOW), "vector kernels, warm");
    }

    private static void assertUnderTolerance(Map<String, Long> bytes, String how) {
        for (StepAllocation.Config c : StepAllocation.CONFIGS) {
            Long b = bytes.get(c.name());
            assertTrue(b != null, c.name() + " measured in: " + bytes);
            assertTrue(b < TOLERANCE, c.name() + ": " + b + " bytes per step (" + how + ")");
        }
    }

    /** Runs {@link StepAllocation#main} in a child JVM; its per-configuration bytes per step. */
    private static Map<String, Long> measureInChild(List<String> jvmOptions, long enough, int windows)
            throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-Dbitspike.threads=1", "-cp", System.getProperty("java.class.path"),
                StepAllocation.class.getName(), Long.toString(enough), Integer.toString(windows)));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, child.waitFor(), out);
        Map<String, Long> bytes = new HashMap<>();
        for (String line : out.split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length == 2 && f[1].matches("\\d+")) {
                bytes.put(f[0], Long.parseLong(f[1]));
            }
        }
        assertEquals(StepAllocation.CONFIGS.size(), bytes.size(), "one measurement per configuration in: " + out);
        return bytes;
    }

    @Test
    void theMeasurementSeesAnAllocatingStep() {
        assertTrue(threads().isThreadAllocatedMemorySupported() && threads().isThreadAllocatedMemoryEnabled(),
                "this JVM counts allocated bytes per thread");
        StepAllocation.Config allocating = new StepAllocation.Config("allocating", ps -> new Optimizer(
                List.of(new ParamGroup(ps, 0.01, 0))) {
            @Override
            protected List<String> stateNames() {
                return List.of();
            }

            @Override
            protected void update(org.bitspike.tensor.Tensor p, org.bitspike.tensor.Tensor g, ParamGroup group, int slot) {
                p.add_(g.mul(-group.lr())); // the unfused axpy: one temporary per parameter
            }
        });
        long b = StepAllocation.bytesPerStep(allocating, 0, 3);
        assertTrue(b >= 4L * (3000 + 4098 + 2048 + 1728), b + " bytes per step: the temporaries are counted");
    }
}
