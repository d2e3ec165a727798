package org.bitspike.bench;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * The timing protocol of {@code bench/run}. For one prepared case:
 * <ol>
 *   <li>warm up: {@code warmup} untimed runs, or (adaptive, the default) at least two runs and
 *       until {@link Protocol#warmupBudgetMs} has passed since the start of the last run that was
 *       clearly ({@value #SETTLED_SPEEDUP}x) faster than every run before it. Interpreted or
 *       C1-compiled Vector API code can be a hundred times slower than C2's, so each jump in speed
 *       restarts the budget and the timed runs see the settled code, not the compiler. Capped at
 *       {@value #MAX_WARMUP} runs and {@value #MAX_WARMUP_BUDGETS} warm-up budgets of time;</li>
 *   <li>verify the result of the very first run, warm-up or not, before anything is timed;</li>
 *   <li>time {@code repeats} runs, or (adaptive) as many as fit in {@link Protocol#budgetMs} judging by
 *       the last warm-up run, clamped to [{@link #minRepeats}, {@value #MAX_REPEATS}].</li>
 * </ol>
 * The median is the headline number: robust to the odd slow run caused by the garbage collector or
 * by the other processes sharing the machine. The process CPU time per timed run (all threads,
 * verification excluded) is recorded too: when other processes take the cores, wall time grows but
 * CPU time barely moves, so a large gap between the two marks a disturbed measurement.
 */
public final class Sampler {
    /** Upper bound on adaptive warm-up runs (tiny cases reach the time budget much later). */
    static final int MAX_WARMUP = 1000;
    /** Adaptive warm-up gives up waiting for the JIT to settle after this many warm-up budgets. */
    static final int MAX_WARMUP_BUDGETS = 20;
    /** A run this much faster than the best before it means the JIT moved on: the warm-up restarts. */
    static final double SETTLED_SPEEDUP = 1.25;
    /** Upper bound on adaptive repeats. */
    static final int MAX_REPEATS = 200;

    /**
     * How much to run.
     *
     * @param warmup         untimed runs, or -1 for adaptive
     * @param repeats        timed runs, or -1 for adaptive
     * @param warmupBudgetMs adaptive warm-up time per case
     * @param budgetMs       adaptive measuring time per case
     */
    public record Protocol(int warmup, int repeats, double warmupBudgetMs, double budgetMs) {
        /** Adaptive protocol for a scale: about 0.5 s warm-up and 1.5 s of timing per full case. */
        public static Protocol adaptive(Scale scale) {
            return scale == Scale.QUICK ? new Protocol(-1, -1, 20, 50) : new Protocol(-1, -1, 500, 1500);
        }

        /** This protocol with explicit counts where given ({@code null} keeps adaptive). */
        public Protocol with(Integer warmupRuns, Integer repeatRuns, Double budget) {
            return new Protocol(warmupRuns == null ? warmup : warmupRuns,
                    repeatRuns == null ? repeats : repeatRuns,
                    warmupBudgetMs, budget == null ? budgetMs : budget);
        }
    }

    /**
     * Timed samples of one case, in milliseconds, in the order they were taken, and the mean process
     * CPU time per timed run ({@code NaN} when the JVM does not report it).
     */
    public record Timing(int warmupRuns, double[] samplesMs, double cpuMsPerRun) {
        public Timing(int warmupRuns, double[] samplesMs) {
            this(warmupRuns, samplesMs, Double.NaN);
        }

        public Timing {
            if (samplesMs.length == 0) {
                throw new IllegalArgumentException("timing: no samples");
            }
            samplesMs = samplesMs.clone();
        }

        /** Median (mean of the middle two for an even count). */
        public double medianMs() {
            double[] s = samplesMs.clone();
            Arrays.sort(s);
            int h = s.length / 2;
            return s.length % 2 == 1 ? s[h] : (s[h - 1] + s[h]) / 2;
        }

        public double minMs() {
            return Arrays.stream(samplesMs).min().orElseThrow();
        }

        public double maxMs() {
            return Arrays.stream(samplesMs).max().orElseThrow();
        }

        public double meanMs() {
            return Arrays.stream(samplesMs).average().orElseThrow();
        }

        public int repeats() {
            return samplesMs.length;
        }
    }

    private final Protocol protocol;
    private final LongSupplier wallNanos;
    private final LongSupplier cpuNanos;

    /** A sampler on {@link System#nanoTime()} and the process CPU time of the platform MXBean. */
    public Sampler(Protocol protocol) {
        this(protocol, System::nanoTime, processCpuClock());
    }

    /**
     * @param wallNanos a monotonic clock in nanoseconds
     * @param cpuNanos  the process CPU time in nanoseconds, or negative when unknown
     */
    Sampler(Protocol protocol, LongSupplier wallNanos, LongSupplier cpuNanos) {
        this.protocol = protocol;
        this.wallNanos = wallNanos;
        this.cpuNanos = cpuNanos;
    }

    private static LongSupplier processCpuClock() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os::getProcessCpuTime;
        }
        return () -> -1;
    }

    /**
     * Fewest adaptive repeats for a run of {@code estimateMs}: three normally, fewer for runs of
     * several seconds (the scalar 2048 GEMM), where even one repeat is a long wait and run-to-run
     * noise is small relative to the run.
     */
    static int minRepeats(double estimateMs) {
        return estimateMs < 2_000 ? 3 : estimateMs < 8_000 ? 2 : 1;
    }

    /** Adaptive repeat count for runs of about {@code estimateMs}. */
    int adaptiveRepeats(double estimateMs) {
        double fit = Math.ceil(protocol.budgetMs() / Math.max(estimateMs, 1e-6));
        return (int) Math.max(minRepeats(estimateMs), Math.min(MAX_REPEATS, fit));
    }

    /** Runs the protocol on {@code c}; propagates the exception of a failed verification. */
    public Timing measure(BenchCase.Prepared c) {
        Runner runner = new Runner(c, wallNanos, cpuNanos);
        int warm = 0;
        double lastMs = Double.NaN;
        if (protocol.warmup() >= 0) {
            for (; warm < protocol.warmup(); warm++) {
                lastMs = runner.timeOnce();
            }
        } else {
            long start = wallNanos.getAsLong();
            long mark = start;
            double bestMs = Double.POSITIVE_INFINITY;
            while (true) {
                long runStart = wallNanos.getAsLong();
                lastMs = runner.timeOnce();
                warm++;
                if (lastMs * SETTLED_SPEEDUP < bestMs) {
                    mark = runStart;
                }
                bestMs = Math.min(bestMs, lastMs);
                long now = wallNanos.getAsLong();
                if (warm >= MAX_WARMUP || (now - start) / 1e6 >= MAX_WARMUP_BUDGETS * protocol.warmupBudgetMs()
                        || (warm >= 2 && (now - mark) / 1e6 >= protocol.warmupBudgetMs())) {
                    break;
                }
            }
        }
        double[] samples;
        long cpu0 = cpuNanos.getAsLong();
        runner.verifyCpuNs = 0;
        if (protocol.repeats() >= 1) {
            samples = new double[protocol.repeats()];
            for (int r = 0; r < samples.length; r++) {
                samples[r] = runner.timeOnce();
            }
        } else if (Double.isNaN(lastMs)) {
            // No warm-up: the first timed run is the estimate and counts as a sample.
            double first = runner.timeOnce();
            samples = new double[adaptiveRepeats(first)];
            samples[0] = first;
            for (int r = 1; r < samples.length; r++) {
                samples[r] = runner.timeOnce();
            }
        } else {
            samples = new double[adaptiveRepeats(lastMs)];
            for (int r = 0; r < samples.length; r++) {
                samples[r] = runner.timeOnce();
            }
        }
        long cpu1 = cpuNanos.getAsLong();
        double cpuMs = cpu0 < 0 || cpu1 < 0 ? Double.NaN
                : (cpu1 - cpu0 - runner.verifyCpuNs) / 1e6 / samples.length;
        return new Timing(warm, samples, cpuMs);
    }

    /** Times single runs and verifies the first one. */
    private static final class Runner {
        private final BenchCase.Prepared c;
        private final LongSupplier wallNanos;
        private final LongSupplier cpuNanos;
        private boolean verified;
        /** CPU time spent verifying, to be left out of the CPU time per run. */
        long verifyCpuNs;

        Runner(BenchCase.Prepared c, LongSupplier wallNanos, LongSupplier cpuNanos) {
            this.c = c;
            this.wallNanos = wallNanos;
            this.cpuNanos = cpuNanos;
        }

        double timeOnce() {
            long t0 = wallNanos.getAsLong();
            c.run();
            double ms = (wallNanos.getAsLong() - t0) / 1e6;
            if (!verified) {
                long cpu0 = cpuNanos.getAsLong();
                c.verify();
                verifyCpuNs += cpuNanos.getAsLong() - cpu0;
                verified = true;
            }
            return ms;
        }
    }
}
