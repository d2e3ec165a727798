package org.bitspike.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.bitspike.tensor.kernel.Parallel;

/**
 * Measures the impls of one case in fresh JVMs, {@code forks} per impl, alternating: with two
 * impls A and B and two forks, A B B A, so a change of the machine's load during the run falls on
 * both. Each fork is {@code BenchCli} for that one case and impl with {@code --forks 0
 * --emit-samples}; the timed samples of an impl's forks are pooled.
 *
 * <p>NOTE: why fresh JVMs rather than one JVM running the impls interleaved: impls that call the
 * same Tensor code share the JIT's profiles of it, and code compiled for both call patterns is
 * slower for each than code compiled for one. For the autograd suite (mlp-784-512-512-10-b64, 2
 * threads) the best step in a shared JVM was 0.4 ms slower for {@code kernels} and 0.3 ms for
 * {@code autograd} than in a JVM of its own, which turned an overhead of 1.14 into 1.08. A
 * program trains with one of the two, so each gets a JVM of its own here (as JMH forks do).
 *
 * <p>A fork gets this JVM's flags (so {@code --add-modules}, {@code -Dbitspike.kernels}, heap
 * settings and {@code BENCH_JAVA_OPTS} carry over) except agents, debuggers and flight recordings,
 * plus {@code -Dbitspike.threads=N}; its standard error is copied to ours. A fork runs the suites
 * of {@link SuiteRegistry#standard()}.
 */
final class Forks {
    /** Field of a fork's JSON line holding its timed samples in milliseconds. */
    static final String SAMPLES_FIELD = "samples_ms";

    private final List<String> jvm;
    private final List<String> options;
    private final PrintWriter err;

    /**
     * @param threads the pool size for {@code -Dbitspike.threads}
     * @param options the command-line options every fork gets (threads, scale, protocol)
     * @param err     where the forks' standard error goes
     */
    Forks(int threads, List<String> options, PrintWriter err) {
        this.jvm = command(threads);
        this.options = List.copyOf(options);
        this.err = err;
    }

    /** Thrown when a fork exits with the usage-error code 2. */
    static final class UsageInFork extends RuntimeException {
        UsageInFork(String message) {
            super(message);
        }
    }

    /**
     * Measures {@code impls} of case {@code caseName} of {@code suite}, {@code forks} JVMs each.
     *
     * @return one pooled timing per impl, in the given order
     * @throws IllegalStateException when a fork fails (its messages are on {@code err})
     * @throws UsageInFork when a fork reports bad usage
     */
    List<Sampler.Timing> measure(String suite, String caseName, List<Impl> impls, int forks) {
        int n = impls.size();
        List<List<Double>> samples = new ArrayList<>();
        int[] warmup = new int[n];
        double[] cpuMs = new double[n];
        boolean[] cpuKnown = new boolean[n];
        java.util.Arrays.fill(cpuKnown, true);
        double[] allocKb = new double[n];
        boolean[] allocKnown = new boolean[n];
        java.util.Arrays.fill(allocKnown, true);
        for (int i = 0; i < n; i++) {
            samples.add(new ArrayList<>());
        }
        for (int f = 0; f < forks; f++) {
            for (int k = 0; k < n; k++) {
                int i = f % 2 == 0 ? k : n - 1 - k;
                JsonObject line = run(suite, caseName, impls.get(i));
                JsonArray runs = line.getAsJsonArray(SAMPLES_FIELD);
                for (JsonElement e : runs) {
                    samples.get(i).add(e.getAsDouble());
                }
                warmup[i] += line.get("warmup").getAsInt();
                if (line.has("cpu_ms")) {
                    cpuMs[i] += line.get("cpu_ms").getAsDouble() * runs.size();
                } else {
                    cpuKnown[i] = false;
                }
                if (line.has("alloc_kb")) {
                    allocKb[i] += line.get("alloc_kb").getAsDouble() * runs.size();
                } else {
                    allocKnown[i] = false;
                }
            }
        }
        List<Sampler.Timing> timings = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double[] s = samples.get(i).stream().mapToDouble(Double::doubleValue).toArray();
            timings.add(new Sampler.Timing(warmup[i], s, cpuKnown[i] ? cpuMs[i] / s.length : Double.NaN,
                    allocKnown[i] ? allocKb[i] / s.length : Double.NaN));
        }
        return timings;
    }

    /** Runs one fork and returns its JSON line. */
    private JsonObject run(String suite, String caseName, Impl impl) {
        List<String> cmd = new ArrayList<>(jvm);
        cmd.addAll(List.of(BenchCli.class.getName(), suite, "--impl", impl.label(),
                "--case", "^" + Pattern.quote(caseName) + "$", "--forks", "0", "--emit-samples"));
        cmd.addAll(options);
        String what = "the fork measuring " + suite + " " + caseName + " impl " + impl.label();
        try {
            Process p = new ProcessBuilder(cmd).start();
            p.getOutputStream().close();
            Thread pump = new Thread(() -> copyLines(p, err), "bench-fork-stderr");
            pump.setDaemon(true);
            pump.start();
            List<String> lines = new ArrayList<>();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            }
            int code = p.waitFor();
            pump.join();
            if (code == 2) {
                throw new UsageInFork(what + " reported bad usage (exit 2, see above)");
            }
            if (code != 0) {
                throw new IllegalStateException(what + " failed with exit code " + code + " (see above)");
            }
            List<String> json = lines.stream().filter(l -> l.startsWith("{")).toList();
            if (json.size() != 1) {
                throw new IllegalStateException(what + " printed " + json.size() + " result lines, expected 1: " + lines);
            }
            return JsonParser.parseString(json.get(0)).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException("bench: cannot start " + what + ": " + String.join(" ", cmd), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(what + " was interrupted", e);
        }
    }

    private static void copyLines(Process p, PrintWriter err) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                synchronized (err) {
                    err.println(line);
                    err.flush();
                }
            }
        } catch (IOException e) {
            synchronized (err) {
                err.println("bench: lost the standard error of a fork: " + e);
            }
        }
    }

    /** {@code java}, this JVM's inheritable flags, the pool size and the class path. */
    private static List<String> command(int threads) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (inheritable(arg)) {
                cmd.add(arg);
            }
        }
        cmd.add("-D" + Parallel.PROPERTY + "=" + threads);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        return cmd;
    }

    /** False for flags a second JVM must not repeat (agents, debuggers, recordings) and the pool size. */
    static boolean inheritable(String arg) {
        return !(arg.startsWith("-agentlib") || arg.startsWith("-agentpath") || arg.startsWith("-javaagent")
                || arg.startsWith("-Xrunjdwp") || arg.startsWith("-Xdebug")
                || arg.startsWith("-XX:StartFlightRecording") || arg.startsWith("-XX:FlightRecorderOptions")
                || arg.startsWith("-D" + Parallel.PROPERTY + "="));
    }
}
