package org.bitspike.bench;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.bitspike.tensor.kernel.KernelProvider;
import org.bitspike.tensor.kernel.Parallel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bench/run SUITE... [--threads N] [--impl scalar|vector] [--repeats R] [--warmup W] [--quick]}:
 * measures every case of the given suites with one kernel provider and prints one JSON object per
 * line per case on standard output (errors go to standard error).
 *
 * <p>Exit codes: 0 success, 1 a case failed (wrong result or a kernel threw), 2 bad usage (unknown
 * suite, bad option value, an impl this JVM cannot run).
 */
@Command(name = "bench/run", mixinStandardHelpOptions = true, version = "bitspike bench 0.1.0",
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Measures bitspike kernels; prints one JSON object per line per case.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:a case failed (wrong result or kernel error)",
                        "2:bad usage (unknown suite, bad value, impl not runnable in this JVM)"})
public final class BenchCli implements Callable<Integer> {
    private static final Gson GSON = new Gson();
    private static final int MAX_THREADS = 256;

    @Spec
    private CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "SUITE", description = "Suites to run, in order (see --list).")
    private List<String> suiteNames = new ArrayList<>();

    @Option(names = "--threads", paramLabel = "N", defaultValue = "2",
            description = "Threads of the kernel pool, >= 1 (default: ${DEFAULT-VALUE}).")
    private int threads;

    @Option(names = "--impl", paramLabel = "IMPL", defaultValue = "vector",
            description = "Kernel provider: scalar or vector (default: ${DEFAULT-VALUE}). "
                    + "vector needs --add-modules jdk.incubator.vector (bench/run adds it).")
    private Impl impl;

    @Option(names = "--repeats", paramLabel = "R",
            description = "Timed runs per case, >= 1 (default: adaptive, ~1.5 s per case, at least 3"
                    + " unless a run takes seconds).")
    private Integer repeats;

    @Option(names = "--warmup", paramLabel = "W",
            description = "Untimed runs per case, >= 0 (default: adaptive, ~0.5 s per case, at least 1).")
    private Integer warmup;

    @Option(names = "--budget-ms", paramLabel = "MS",
            description = "Time to spend measuring each case when --repeats is adaptive (default: 1500, 50 with --quick).")
    private Double budgetMs;

    @Option(names = "--quick", description = "Tiny shapes and budgets, for smoke tests.")
    private boolean quick;

    @Option(names = "--case", paramLabel = "REGEX",
            description = "Only cases whose name contains a match, e.g. 'square/(256|512)'.")
    private Pattern casePattern;

    @Option(names = "--list", description = "List suites and their cases, then exit.")
    private boolean list;

    private final SuiteRegistry registry;

    /** A command over the given suites. */
    public BenchCli(SuiteRegistry registry) {
        this.registry = registry;
    }

    public static void main(String[] args) {
        int code = execute(SuiteRegistry.standard(), args,
                new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        System.exit(code);
    }

    /**
     * Parses {@code args} and runs; JSON lines go to {@code out}, messages to {@code err}.
     *
     * @return the exit code (see the class comment)
     */
    public static int execute(SuiteRegistry registry, String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cmd = new CommandLine(new BenchCli(registry))
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setOut(out)
                .setErr(err);
        cmd.setExecutionExceptionHandler((ex, cl, parsed) -> {
            if (ex instanceof IllegalStateException && ex.getMessage() != null) {
                cl.getErr().println("bench: FAILED: " + ex.getMessage());
            } else {
                cl.getErr().println("bench: FAILED with an unexpected exception:");
                ex.printStackTrace(cl.getErr());
            }
            cl.getErr().flush();
            return 1;
        });
        return cmd.execute(args);
    }

    @Override
    public Integer call() {
        Scale scale = quick ? Scale.QUICK : Scale.FULL;
        PrintWriter out = spec.commandLine().getOut();
        if (list) {
            printList(out, scale);
            return 0;
        }
        List<Suite> suites = resolveSuites();
        validateNumbers();
        List<Selected> selected = select(suites, scale);
        KernelProvider kernels = resolveProvider();
        Sampler sampler = new Sampler(Sampler.Protocol.adaptive(scale).with(warmup, repeats, budgetMs));
        try (Parallel parallel = Parallel.of(threads)) {
            for (Selected s : selected) {
                BenchCase.Prepared prepared = prepareCleanly(s.bench(), kernels, parallel);
                Sampler.Timing timing = sampler.measure(prepared);
                out.println(GSON.toJson(toJson(s.suite(), s.bench(), kernels, scale, timing)));
                out.flush();
            }
        }
        return 0;
    }

    private record Selected(Suite suite, BenchCase bench) {
    }

    private List<Suite> resolveSuites() {
        if (suiteNames.isEmpty()) {
            throw usage("no suite given; known suites: " + String.join(", ", registry.names())
                    + " (see --list)");
        }
        List<Suite> suites = new ArrayList<>();
        for (String name : suiteNames) {
            suites.add(registry.find(name).orElseThrow(() -> usage("unknown suite '" + name
                    + "'; known suites: " + String.join(", ", registry.names()))));
        }
        return suites;
    }

    private void validateNumbers() {
        if (threads < 1 || threads > MAX_THREADS) {
            throw usage("--threads must be between 1 and " + MAX_THREADS + ", got " + threads);
        }
        if (repeats != null && repeats < 1) {
            throw usage("--repeats must be >= 1, got " + repeats);
        }
        if (warmup != null && warmup < 0) {
            throw usage("--warmup must be >= 0, got " + warmup);
        }
        if (budgetMs != null && !(budgetMs > 0)) {
            throw usage("--budget-ms must be > 0, got " + budgetMs);
        }
    }

    private List<Selected> select(List<Suite> suites, Scale scale) {
        List<Selected> selected = new ArrayList<>();
        for (Suite suite : suites) {
            for (BenchCase c : suite.cases(scale)) {
                if (casePattern == null || casePattern.matcher(c.name()).find()) {
                    selected.add(new Selected(suite, c));
                }
            }
        }
        if (selected.isEmpty()) {
            throw usage("--case '" + casePattern + "' matches no case of " + String.join(", ", suiteNames)
                    + " (see --list)");
        }
        return selected;
    }

    private KernelProvider resolveProvider() {
        try {
            return impl.provider();
        } catch (IllegalStateException e) {
            throw usage("--impl " + impl.label() + " cannot run in this JVM: " + e.getMessage());
        }
    }

    /** Collects the previous case's arrays first, so one case's garbage does not time the next. */
    private static BenchCase.Prepared prepareCleanly(BenchCase c, KernelProvider kernels, Parallel parallel) {
        System.gc();
        return c.prepare(kernels, parallel);
    }

    private JsonObject toJson(Suite suite, BenchCase c, KernelProvider kernels, Scale scale,
                              Sampler.Timing t) {
        JsonObject o = new JsonObject();
        o.addProperty("suite", suite.name());
        o.addProperty("case", c.name());
        o.addProperty("impl", impl.label());
        o.addProperty("threads", threads);
        for (Map.Entry<String, Object> f : c.fields().entrySet()) {
            Object v = f.getValue();
            if (v instanceof Number num) {
                o.addProperty(f.getKey(), num);
            } else {
                o.addProperty(f.getKey(), String.valueOf(v));
            }
        }
        double median = t.medianMs();
        o.addProperty("median_ms", round(median));
        o.addProperty("min_ms", round(t.minMs()));
        o.addProperty("max_ms", round(t.maxMs()));
        o.addProperty("mean_ms", round(t.meanMs()));
        if (!Double.isNaN(t.cpuMsPerRun())) {
            o.addProperty("cpu_ms", round(t.cpuMsPerRun()));
        }
        if (c.flops() > 0) {
            o.addProperty("flops", (long) c.flops());
            o.addProperty("gflops", round(c.flops() / (median * 1e6)));
            o.addProperty("gflops_best", round(c.flops() / (t.minMs() * 1e6)));
        }
        o.addProperty("repeats", t.repeats());
        o.addProperty("warmup", t.warmupRuns());
        o.addProperty("verified", true);
        o.addProperty("scale", scale.name().toLowerCase(Locale.ROOT));
        o.addProperty("provider", kernels.describe());
        o.addProperty("java", Runtime.version().toString());
        o.addProperty("vm", System.getProperty("java.vm.name"));
        o.addProperty("os_arch", System.getProperty("os.arch"));
        o.addProperty("cpus", Runtime.getRuntime().availableProcessors());
        // The machine is shared: a high load average marks a noisy measurement.
        o.addProperty("load_avg", round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        o.addProperty("time", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        return o;
    }

    /** Five significant digits: more than the run-to-run noise, less than nanoTime's false precision. */
    private static double round(double x) {
        if (!Double.isFinite(x) || x == 0) {
            return x;
        }
        return new BigDecimal(x).round(new MathContext(5)).doubleValue();
    }

    private void printList(PrintWriter out, Scale scale) {
        for (Suite suite : registry.all()) {
            out.println(suite.name() + " - " + suite.description());
            for (BenchCase c : suite.cases(scale)) {
                StringBuilder line = new StringBuilder("  ").append(c.name());
                c.fields().forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
                out.println(line);
            }
        }
        out.flush();
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
