package org.bitspike.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The timing protocol of {@code bench/run}. For one prepared case:
 * <ol>
 *   <li>warm up: {@code warmup} untimed runs, or (adaptive, the default) at least two runs and
 *       until {@link Protocol#warmupBudgetMs} has passed since the start of the last run that was
 *       clearly ({@value #SETTLED_SPEEDUP}x) faster than every run before it. Interpreted or
 *       C1-compiled Vector API code can be a hundred times slower than C2's, so each jump in speed
 *       restarts the budget and the timed runs see the settled code, not the compiler. Capped at
 *       {@value #MAX_WARMUP} runs and {@value #MAX_WARMUP_BUDGETS} warm-up budgets of time, and
 *       lasting at least {@link Protocol#minWarmupMs} (code through the Tensor API takes the JIT
 *       seconds more to settle, in many small steps that never restart the budget). The warm-up's
 *       clock leaves out the verification of the first run, which can take longer than the runs
 *       themselves (train's check trains ten more steps);</li>
 *   <li>verify the result of the very first run, warm-up or not, before anything is timed;</li>
 *   <li>time {@code repeats} runs, or (adaptive) as many as fit in {@link Protocol#budgetMs} judging by
 *       the last warm-up run, clamped to [{@link #minRepeats}, {@value #MAX_REPEATS}].</li>
 * </ol>
 * The median is the headline number: robust to the odd slow run caused by the garbage collector or
 * by the other processes sharing the machine. The process CPU time per timed run (all threads,
 * verification excluded) is recorded too: when other processes take the cores, wall time grows but
 * CPU time barely moves, so a large gap between the two marks a disturbed measurement.
 *
 * <p>Cases to be compared with each other (the impls of a suite with a {@link Suite#baseline()})
 * are measured interleaved, in rounds of one run each ({@link #measure(List)}), so a change in the
 * machine's load or a collection of garbage hits them alike rather than whichever ran at the time.
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
     * @param minWarmupMs    adaptive warm-up lasts at least this long, whatever the speed and the
     *                       run cap say ({@link Suite#minWarmupMs})
     */
    public record Protocol(int warmup, int repeats, double warmupBudgetMs, double budgetMs, double minWarmupMs) {
        public Protocol(int warmup, int repeats, double warmupBudgetMs, double budgetMs) {
            this(warmup, repeats, warmupBudgetMs, budgetMs, 0);
        }

        /** Adaptive protocol for a scale: about 0.5 s warm-up and 1.5 s of timing per full case. */
        public static Protocol adaptive(Scale scale) {
            return scale == Scale.QUICK ? new Protocol(-1, -1, 20, 50) : new Protocol(-1, -1, 500, 1500);
        }

        /** This protocol with explicit counts where given ({@code null} keeps adaptive). */
        public Protocol with(Integer warmupRuns, Integer repeatRuns, Double budget) {
            return new Protocol(warmupRuns == null ? warmup : warmupRuns,
                    repeatRuns == null ? repeats : repeatRuns,
                    warmupBudgetMs, budget == null ? budgetMs : budget, minWarmupMs);
        }

        /** This protocol with an adaptive warm-up of at least {@code ms}. */
        public Protocol withMinWarmup(double ms) {
            return new Protocol(warmup, repeats, warmupBudgetMs, budgetMs, ms);
        }
    }

    /**
     * Timed samples of one case, in milliseconds, in the order they were taken, the mean process
     * CPU time per timed run, and the mean bytes the calling thread allocated per timed run, in KB
     * ({@code NaN} when the JVM does not report them).
     */
    public record Timing(int warmupRuns, double[] samplesMs, double cpuMsPerRun, double allocKbPerRun) {
        public Timing(int warmupRuns, double[] samplesMs) {
            this(warmupRuns, samplesMs, Double.NaN, Double.NaN);
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
    private final LongSupplier allocatedBytes;

    /**
     * A sampler on {@link System#nanoTime()}, the process CPU time of the platform MXBean and the
     * bytes the calling thread has allocated (its thread MXBean).
     */
    public Sampler(Protocol protocol) {
        this(protocol, System::nanoTime, processCpuClock(), threadAllocationCounter());
    }

    /**
     * @param wallNanos a monotonic clock in nanoseconds
     * @param cpuNanos  the process CPU time in nanoseconds, or negative when unknown
     */
    Sampler(Protocol protocol, LongSupplier wallNanos, LongSupplier cpuNanos) {
        this(protocol, wallNanos, cpuNanos, () -> -1);
    }

    /** @param allocatedBytes bytes allocated so far by the calling thread, or negative when unknown */
    Sampler(Protocol protocol, LongSupplier wallNanos, LongSupplier cpuNanos, LongSupplier allocatedBytes) {
        this.protocol = protocol;
        this.wallNanos = wallNanos;
        this.cpuNanos = cpuNanos;
        this.allocatedBytes = allocatedBytes;
    }

    /**
     * NOTE: allocation per run shows a kernel whose vectors C2 boxed (the ops suite's reductions
     * allocated megabytes a run in some JVMs, against kilobytes normally). Only the calling thread
     * is counted: work done on pool threads is not.
     */
    private static LongSupplier threadAllocationCounter() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
                && t.isThreadAllocatedMemorySupported() && t.isThreadAllocatedMemoryEnabled()) {
            return () -> t.getThreadAllocatedBytes(Thread.currentThread().getId());
        }
        return () -> -1;
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
        return measure(List.of(c)).get(0);
    }

    /**
     * Runs the protocol on several cases interleaved, in rounds of one run of each: round {@code r}
     * runs them in the given order when {@code r} is even and in reverse when it is odd, so none
     * always follows another (whose garbage it would collect, whose data it would find in cache).
     * Warm-up counts rounds and restarts its budget when any case gets clearly faster; adaptive
     * repeats fit rounds into the budget. With one case this is the protocol of the class comment.
     *
     * @return one timing per case, in the given order
     */
    public List<Timing> measure(List<? extends BenchCase.Prepared> cases) {
        int n = cases.size();
        if (n == 0) {
            throw new IllegalArgumentException("sampler: no cases");
        }
        Runner[] runners = new Runner[n];
        for (int i = 0; i < n; i++) {
            runners[i] = new Runner(cases.get(i), wallNanos, cpuNanos, allocatedBytes);
        }
        int rounds = 0;
        double lastRoundMs = Double.NaN;
        if (protocol.warmup() >= 0) {
            for (; rounds < protocol.warmup(); rounds++) {
                lastRoundMs = sum(round(runners, rounds, null, 0));
            }
        } else {
            // NOTE: time spent verifying is not warm-up: with it, a check of many seconds (train's, on
            // a loaded machine) met the run cap and the minimum warm-up in the first round, and the
            // timed runs followed a single warm-up run.
            LongSupplier clock = () -> wallNanos.getAsLong() - verifyNanos(runners);
            long start = clock.getAsLong();
            long mark = start;
            double[] bestMs = new double[n];
            Arrays.fill(bestMs, Double.POSITIVE_INFINITY);
            while (true) {
                long roundStart = clock.getAsLong();
                double[] ms = round(runners, rounds, null, 0);
                rounds++;
                for (int i = 0; i < n; i++) {
                    if (ms[i] * SETTLED_SPEEDUP < bestMs[i]) {
                        mark = roundStart;
                    }
                    bestMs[i] = Math.min(bestMs[i], ms[i]);
                }
                lastRoundMs = sum(ms);
                long now = clock.getAsLong();
                boolean done = rounds >= MAX_WARMUP || (now - start) / 1e6 >= MAX_WARMUP_BUDGETS * protocol.warmupBudgetMs()
                        || (rounds >= 2 && (now - mark) / 1e6 >= protocol.warmupBudgetMs());
                if (done && (now - start) / 1e6 >= protocol.minWarmupMs()) {
                    break;
                }
            }
        }
        int warm = rounds;
        for (Runner r : runners) {
            r.cpuNs = 0;
            r.allocBytes = 0;
        }
        double[][] samples;
        int first = 0;
        if (protocol.repeats() >= 1) {
            samples = new double[n][protocol.repeats()];
        } else if (Double.isNaN(lastRoundMs)) {
            // No warm-up: the first timed round is the estimate and counts as a sample.
            double[][] one = new double[n][1];
            double estimate = sum(round(runners, rounds++, one, 0));
            samples = new double[n][adaptiveRepeats(estimate)];
            for (int i = 0; i < n; i++) {
                samples[i][0] = one[i][0];
            }
            first = 1;
        } else {
            samples = new double[n][adaptiveRepeats(lastRoundMs)];
        }
        for (int r = first; r < samples[0].length; r++) {
            round(runners, rounds++, samples, r);
        }
        List<Timing> timings = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double cpuMs = runners[i].cpuKnown ? runners[i].cpuNs / 1e6 / samples[i].length : Double.NaN;
            double allocKb = runners[i].allocKnown ? runners[i].allocBytes / 1024.0 / samples[i].length : Double.NaN;
            timings.add(new Timing(warm, samples[i], cpuMs, allocKb));
        }
        return timings;
    }

    /**
     * Runs every case once, forwards in even rounds and backwards in odd ones; returns the times and,
     * when {@code into} is given, stores them at {@code into[case][slot]} and counts their CPU time.
     */
    private static double[] round(Runner[] runners, int round, double[][] into, int slot) {
        int n = runners.length;
        double[] ms = new double[n];
        for (int k = 0; k < n; k++) {
            int i = round % 2 == 0 ? k : n - 1 - k;
            ms[i] = runners[i].timeOnce(into != null);
            if (into != null) {
                into[i][slot] = ms[i];
            }
        }
        return ms;
    }

    private static long verifyNanos(Runner[] runners) {
        long ns = 0;
        for (Runner r : runners) {
            ns += r.verifyNs;
        }
        return ns;
    }

    private static double sum(double[] xs) {
        double s = 0;
        for (double x : xs) {
            s += x;
        }
        return s;
    }

    /** Times single runs, verifies the first one, and adds up the CPU time and allocation of timed runs. */
    private static final class Runner {
        private final BenchCase.Prepared c;
        private final LongSupplier wallNanos;
        private final LongSupplier cpuNanos;
        private final LongSupplier allocatedBytes;
        private boolean verified;
        /** Wall time of the verification. */
        long verifyNs;
        /** Process CPU time of the counted runs, verification excluded. */
        long cpuNs;
        /** False once the CPU clock reported a negative (unknown) time. */
        boolean cpuKnown = true;
        /** Bytes the calling thread allocated in the counted runs. */
        long allocBytes;
        boolean allocKnown = true;

        Runner(BenchCase.Prepared c, LongSupplier wallNanos, LongSupplier cpuNanos, LongSupplier allocatedBytes) {
            this.c = c;
            this.wallNanos = wallNanos;
            this.cpuNanos = cpuNanos;
            this.allocatedBytes = allocatedBytes;
        }

        double timeOnce(boolean countCpu) {
            long cpu0 = countCpu ? cpuNanos.getAsLong() : 0;
            long alloc0 = countCpu ? allocatedBytes.getAsLong() : 0;
            long t0 = wallNanos.getAsLong();
            c.run();
            double ms = (wallNanos.getAsLong() - t0) / 1e6;
            if (countCpu) {
                long cpu1 = cpuNanos.getAsLong();
                long alloc1 = allocatedBytes.getAsLong();
                cpuKnown &= cpu0 >= 0 && cpu1 >= 0;
                cpuNs += cpu1 - cpu0;
                allocKnown &= alloc0 >= 0 && alloc1 >= 0;
                allocBytes += alloc1 - alloc0;
            }
            if (!verified) {
                long v0 = wallNanos.getAsLong();
                c.verify();
                verifyNs = wallNanos.getAsLong() - v0;
                verified = true;
            }
            return ms;
        }
    }
}
