package org.bitspike.bench;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
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
 * {@code bench/run SUITE... [--threads N] [--impl IMPL[,IMPL...]] [--repeats R] [--warmup W] [--quick]}:
 * measures every case of the given suites with the selected impls and prints one JSON object per
 * line per case and impl on standard output (errors go to standard error).
 *
 * <p>Each suite runs the selected impls it offers ({@link Suite#impls()}), or its
 * {@link Suite#defaultImpls()} when {@code --impl} is not given. The impls of a suite with a
 * {@link Suite#baseline()} are measured interleaved, and the other impls' lines carry their time
 * relative to the baseline's ({@code overhead}). A case that names another with
 * {@link BenchCase#comparedWith()} is measured interleaved with a fresh instance of that case, and
 * its line carries its throughput relative to that one's ({@code throughput_ratio}).
 *
 * <p>Exit codes: 0 success, 1 a case failed (wrong result or a kernel threw), 2 bad usage (unknown
 * suite, bad option value, an impl no selected suite offers or this JVM cannot run).
 */
@Command(name = "bench/run", mixinStandardHelpOptions = true, version = "bitspike bench 0.1.0",
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Measures bitspike kernels, the autograd engine and model training; prints one JSON object per line per case and impl.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:a case failed (wrong result or kernel error)",
                        "2:bad usage (unknown suite, bad value, impl not offered or not runnable in this JVM)"})
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

    @Option(names = "--impl", paramLabel = "IMPL", split = ",",
            description = "Impls to measure, comma-separated: scalar, vector (gemm, conv, train); autograd, kernels "
                    + "(autograd). Each suite runs those it offers (default: vector for gemm, conv and train, "
                    + "autograd,kernels for autograd). vector needs --add-modules jdk.incubator.vector "
                    + "(bench/run adds it); for train, which runs on the JVM's provider, scalar needs "
                    + "-Dbitspike.kernels=scalar (bench/run adds it).")
    private List<Impl> implOption;

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

    @Option(names = "--forks", paramLabel = "F", defaultValue = "2",
            description = "Suites comparing impls with a baseline (autograd): fresh JVMs per impl, alternating "
                    + "(A B B A for 2), samples pooled; 0 measures the impls interleaved in this JVM, where they "
                    + "share the JIT's profiles (default: ${DEFAULT-VALUE}).")
    private int forks;

    @Option(names = "--emit-samples", hidden = true,
            description = "Add the timed samples to each line (what a fork reports to its parent).")
    private boolean emitSamples;

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
        try (Parallel own = Parallel.of(threads)) {
            Map<Route, Target> targets = resolveTargets(selected, own);
            Sampler.Protocol protocol = Sampler.Protocol.adaptive(scale).with(warmup, repeats, budgetMs);
            Forks forked = new Forks(threads, forkOptions(), spec.commandLine().getErr());
            for (Selected s : selected) {
                // The case this one is compared with, measured again here, interleaved with it.
                BenchCase partner = s.bench().comparedWith().isPresent() ? comparedCase(s.suite(), s.bench(), scale) : null;
                for (List<Impl> group : measuredTogether(s)) {
                    List<Sampler.Timing> timings;
                    List<Sampler.Timing> partnerTimings = new ArrayList<>();
                    if (inForks(s, group)) {
                        try {
                            timings = forked.measure(s.suite().name(), s.bench().name(), group, forks);
                        } catch (Forks.UsageInFork e) {
                            throw usage(e.getMessage());
                        }
                    } else {
                        System.gc(); // the previous case's arrays, so one case's garbage does not time the next
                        List<BenchCase.Prepared> prepared = new ArrayList<>();
                        for (Impl impl : group) {
                            Target t = targets.get(Route.of(s, impl));
                            if (partner != null) {
                                prepared.add(partner.prepare(impl, t.kernels(), t.parallel()));
                            }
                            prepared.add(s.bench().prepare(impl, t.kernels(), t.parallel()));
                        }
                        List<Sampler.Timing> all = new Sampler(protocolOf(protocol, s.suite(), scale, budgetMs != null))
                                .measure(prepared);
                        if (partner == null) {
                            timings = all;
                        } else {
                            timings = new ArrayList<>();
                            for (int i = 0; i < all.size(); i += 2) {
                                partnerTimings.add(all.get(i));
                                timings.add(all.get(i + 1));
                            }
                        }
                    }
                    Sampler.Timing base = s.suite().baseline().filter(group::contains)
                            .map(b -> timings.get(group.indexOf(b))).orElse(null);
                    for (int i = 0; i < group.size(); i++) {
                        Impl impl = group.get(i);
                        Sampler.Timing relativeTo = impl == s.suite().baseline().orElse(null) ? null : base;
                        KernelProvider kernels = targets.get(Route.of(s, impl)).kernels();
                        Comparison comparison = partner == null ? null : new Comparison(partner, partnerTimings.get(i));
                        JsonObject line = toJson(s, impl, kernels, scale, timings.get(i), relativeTo, comparison);
                        if (s.suite().baseline().isPresent()) {
                            line.addProperty("forks", inForks(s, group) ? forks : 0);
                        }
                        if (emitSamples) {
                            JsonArray samples = new JsonArray();
                            for (double ms : timings.get(i).samplesMs()) {
                                samples.add(ms);
                            }
                            line.add(Forks.SAMPLES_FIELD, samples);
                        }
                        out.println(GSON.toJson(line));
                    }
                    out.flush();
                }
            }
        }
        return 0;
    }

    /**
     * The protocol of {@code suite}'s cases: {@code base} with the suite's minimum warm-up and, unless
     * the budget was given explicitly, at least its minimum measuring time.
     */
    static Sampler.Protocol protocolOf(Sampler.Protocol base, Suite suite, Scale scale, boolean explicitBudget) {
        Sampler.Protocol p = base.withMinWarmup(suite.minWarmupMs(scale));
        return explicitBudget ? p : p.with(null, null, Math.max(p.budgetMs(), suite.minBudgetMs(scale)));
    }

    /** Whether a group of impls is measured in fresh JVMs: several impls compared with a baseline. */
    private boolean inForks(Selected s, List<Impl> group) {
        return forks > 0 && group.size() > 1 && s.suite().baseline().isPresent();
    }

    /** The options a fork repeats: everything but suites, impls, cases and forking. */
    private List<String> forkOptions() {
        List<String> o = new ArrayList<>(List.of("--threads", String.valueOf(threads)));
        if (quick) {
            o.add("--quick");
        }
        if (warmup != null) {
            o.addAll(List.of("--warmup", String.valueOf(warmup)));
        }
        if (repeats != null) {
            o.addAll(List.of("--repeats", String.valueOf(repeats)));
        }
        if (budgetMs != null) {
            o.addAll(List.of("--budget-ms", String.valueOf(budgetMs)));
        }
        return o;
    }

    /** The case a line is compared with ({@link BenchCase#comparedWith()}) and its timing in the same rounds. */
    private record Comparison(BenchCase other, Sampler.Timing timing) {
    }

    /**
     * The case {@code c} names with {@link BenchCase#comparedWith()} (which must be present).
     *
     * @throws IllegalStateException when the suite has no such case, either case processes no images,
     *     or the suite has a baseline (its impls are measured together, possibly in forks)
     */
    private static BenchCase comparedCase(Suite suite, BenchCase c, Scale scale) {
        String otherName = c.comparedWith().orElseThrow();
        if (suite.baseline().isPresent()) {
            throw new IllegalStateException(suite.name() + " " + c.name() + " is compared with " + otherName
                    + ", but a suite with a baseline cannot compare cases (its impls are measured together)");
        }
        BenchCase other = suite.cases(scale).stream().filter(x -> x.name().equals(otherName)).findFirst()
                .orElseThrow(() -> new IllegalStateException(suite.name() + " " + c.name() + " is compared with "
                        + otherName + ", which is not a case of the suite"));
        if (c.images() <= 0 || other.images() <= 0) {
            throw new IllegalStateException(suite.name() + " " + c.name() + " (" + c.images()
                    + " images per run) is compared with " + otherName + " (" + other.images()
                    + "): a throughput ratio needs both to process images");
        }
        return other;
    }

    /** A case of a suite with the impls it runs. */
    private record Selected(Suite suite, BenchCase bench, List<Impl> impls) {
    }

    /** What an impl runs on; the pool is null for an impl measured only in forks. */
    private record Target(KernelProvider kernels, Parallel parallel) {
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
        if (forks < 0) {
            throw usage("--forks must be >= 0, got " + forks);
        }
        if (budgetMs != null && !(budgetMs > 0)) {
            throw usage("--budget-ms must be > 0, got " + budgetMs);
        }
    }

    /** The impls of {@code suite} to run: the selected ones it offers, in its order, or its defaults. */
    private List<Impl> implsOf(Suite suite) {
        if (implOption == null) {
            return suite.defaultImpls();
        }
        return suite.impls().stream().filter(implOption::contains).toList();
    }

    private List<Selected> select(List<Suite> suites, Scale scale) {
        if (implOption != null) {
            for (Impl impl : implOption) {
                if (suites.stream().noneMatch(s -> s.impls().contains(impl))) {
                    throw usage("--impl " + impl.label() + " is not offered by " + String.join(", ", suiteNames)
                            + " (" + offers(suites) + ")");
                }
            }
        }
        List<Selected> selected = new ArrayList<>();
        for (Suite suite : suites) {
            List<Impl> impls = implsOf(suite);
            if (impls.isEmpty()) {
                // Another JVM of bench/run measures the impls this suite offers.
                spec.commandLine().getErr().println("bench: " + suite.name() + ": none of its impls ("
                        + labels(suite.impls()) + ") selected here; skipped");
                continue;
            }
            for (BenchCase c : suite.cases(scale)) {
                if (casePattern == null || casePattern.matcher(c.name()).find()) {
                    if (c.comparedWith().isPresent()) {
                        comparedCase(suite, c, scale); // a suite's mistake fails before anything is measured
                    }
                    selected.add(new Selected(suite, c, impls));
                }
            }
        }
        if (selected.isEmpty()) {
            throw usage("--case '" + casePattern + "' matches no case of " + String.join(", ", suiteNames)
                    + " (see --list)");
        }
        return selected;
    }

    /**
     * The provider and pool of every impl to run. Kernel impls get their own provider and the
     * command's pool; impls through the Tensor API ({@link Suite#throughTensorApi(Impl)}) run on
     * {@link KernelProvider#get()} and {@link Parallel#shared()}, whose size must then be
     * {@code --threads} (unless they run only in forks, which are started with that size), and a
     * {@code scalar} or {@code vector} impl of such a suite needs the JVM's provider to be the one it names.
     */
    private Map<Route, Target> resolveTargets(List<Selected> selected, Parallel own) {
        Map<Route, Target> targets = new HashMap<>();
        for (Selected s : selected) {
            boolean forked = measuredTogether(s).stream().allMatch(g -> inForks(s, g));
            for (Impl impl : s.impls()) {
                Route route = Route.of(s, impl);
                if (targets.containsKey(route) && targets.get(route).parallel() != null) {
                    continue;
                }
                KernelProvider kernels;
                try {
                    kernels = route.tensorApi() ? KernelProvider.get() : impl.provider();
                } catch (IllegalStateException e) {
                    throw usage("--impl " + impl.label() + " cannot run in this JVM: " + e.getMessage());
                }
                if (route.tensorApi() && (impl == Impl.SCALAR || impl == Impl.VECTOR)
                        && !kernels.name().equals(impl.label())) {
                    throw usage("--impl " + impl.label() + ": suite " + s.suite().name() + " runs the Tensor API, "
                            + "whose provider in this JVM is " + kernels.name() + ": start the JVM with -D"
                            + KernelProvider.PROPERTY + "=" + impl.label()
                            + (impl == Impl.VECTOR ? " and --add-modules jdk.incubator.vector" : "")
                            + " (bench/run does)");
                }
                Parallel parallel = own;
                if (forked) {
                    parallel = null; // measured in forks only
                } else if (route.tensorApi()) {
                    parallel = Parallel.shared();
                    if (parallel.threads() != threads) {
                        throw usage("--threads " + threads + ", but impl " + impl.label() + " of suite "
                                + s.suite().name() + " runs Tensor ops, whose pool has " + parallel.threads()
                                + " threads: start the JVM with -D" + Parallel.PROPERTY + "=" + threads
                                + " (bench/run does)");
                    }
                }
                targets.put(route, new Target(kernels, parallel));
            }
        }
        return targets;
    }

    /**
     * An impl and how a suite runs it: {@code vector} is the vector provider with the command's pool
     * for gemm, but the JVM's provider and shared pool for a suite through the Tensor API.
     */
    private record Route(Impl impl, boolean tensorApi) {
        static Route of(Selected s, Impl impl) {
            return new Route(impl, s.suite().throughTensorApi(impl));
        }
    }

    /** The impls of a selected case grouped by measurement: all together for a suite with a baseline. */
    private static List<List<Impl>> measuredTogether(Selected s) {
        if (s.suite().baseline().isPresent()) {
            return List.of(s.impls());
        }
        return s.impls().stream().map(List::of).toList();
    }

    private static String offers(List<Suite> suites) {
        List<String> parts = new ArrayList<>();
        for (Suite s : suites) {
            parts.add(s.name() + " offers " + labels(s.impls()));
        }
        return String.join("; ", parts);
    }

    private static String labels(List<Impl> impls) {
        return String.join(", ", impls.stream().map(Impl::label).toList());
    }

    private JsonObject toJson(Selected s, Impl impl, KernelProvider kernels, Scale scale, Sampler.Timing t,
                              Sampler.Timing baseline, Comparison comparison) {
        BenchCase c = s.bench();
        JsonObject o = new JsonObject();
        o.addProperty("suite", s.suite().name());
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
        if (!Double.isNaN(t.allocKbPerRun())) {
            o.addProperty("alloc_kb", round(t.allocKbPerRun()));
        }
        if (baseline != null) {
            o.addProperty("overhead", round(median / baseline.medianMs()));
            o.addProperty("overhead_best", round(t.minMs() / baseline.minMs()));
        }
        if (c.images() > 0) {
            o.addProperty("images_per_s", round(c.images() / (median / 1e3)));
            o.addProperty("images_per_s_best", round(c.images() / (t.minMs() / 1e3)));
        }
        if (comparison != null) {
            // Images per second over the other case's: (images / median) / (other images / other median).
            double perRun = (double) c.images() / comparison.other().images();
            o.addProperty("compared_with", comparison.other().name());
            o.addProperty("compared_images_per_s", round(comparison.other().images() / (comparison.timing().medianMs() / 1e3)));
            o.addProperty("throughput_ratio", round(perRun * comparison.timing().medianMs() / median));
            o.addProperty("throughput_ratio_best", round(perRun * comparison.timing().minMs() / t.minMs()));
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
            out.println("  impls: " + labels(suite.impls()) + " (default: " + labels(suite.defaultImpls()) + ")"
                    + suite.baseline().map(b -> "; baseline " + b.label() + ", measured interleaved").orElse(""));
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
