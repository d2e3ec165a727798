package org.bitspike.jupyter.kernel;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.bitspike.jupyter.wire.WireOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Writes the kernelspec: {@code kernel.json} (an absolute {@code java}, {@code interrupt_mode:
 * message}, the kernel JVM's options), {@code kernel.properties} (the execution JVM's options) and a
 * copy of the kernel's folder (its jar, the agent jar, the notebook class path in {@code lib/}), so
 * the installed kernel does not depend on the build tree.
 */
@Command(name = "install", mixinStandardHelpOptions = true,
        description = "Install the kernelspec for Jupyter (default: for the current user).")
final class Install implements Callable<Integer> {
    /**
     * The kernel JVM compiles cells and moves messages: C1 and a small serial heap start fastest.
     * {@code -XX:+ExitOnOutOfMemoryError} is the last backstop against a zombie: whichever thread runs out of
     * heap (one of jeromq's, whose death the wire layer may never hear of), the process ends and the frontend
     * restarts it. NOTE: only the kernel JVM: the execution JVM, where cells run, keeps going after a cell's
     * OutOfMemoryError (it costs that cell's variables, not the session).
     */
    static final List<String> KERNEL_JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx512m",
            "-XX:+ExitOnOutOfMemoryError");

    @Option(names = "--user", description = "install into the user's Jupyter data dir (~/.local/share/jupyter; the default)")
    boolean user;

    @Option(names = "--prefix", paramLabel = "DIR", description = "install into DIR/share/jupyter/kernels (e.g. for CI)")
    Path prefix;

    @Option(names = "--sys-prefix", description = "install into the Python prefix (/usr/local/share/jupyter)")
    boolean sysPrefix;

    @Option(names = "--name", defaultValue = "bitspike", description = "kernelspec name (default: ${DEFAULT-VALUE})")
    String name;

    @Option(names = "--display-name", defaultValue = "Java (bitspike)", description = "name shown in Jupyter")
    String displayName;

    @Option(names = "--java", paramLabel = "JAVA", description = "the java executable (default: this JVM's)")
    Path java;

    @Option(names = "--vm-options", paramLabel = "OPTS", defaultValue = "-Xmx4g",
            description = "options of the JVM that runs the cells (default: ${DEFAULT-VALUE})")
    String vmOptions;

    @Override
    public Integer call() throws IOException {
        int chosen = (user ? 1 : 0) + (prefix != null ? 1 : 0) + (sysPrefix ? 1 : 0);
        if (chosen > 1) {
            throw new IllegalArgumentException("install: choose one of --user, --prefix and --sys-prefix");
        }
        Path target = kernelsDir().resolve(name);
        Path javaExe = java != null ? java : Path.of(System.getProperty("java.home"), "bin", "java");
        if (!Files.isExecutable(javaExe)) {
            throw new IllegalArgumentException("install: " + javaExe + " is not an executable java");
        }
        write(KernelMain.home(), target, javaExe.toAbsolutePath(), displayName, vmOptions);
        System.out.println("Installed kernelspec " + name + " in " + target);
        return 0;
    }

    private Path kernelsDir() {
        if (prefix != null) {
            return prefix.toAbsolutePath().resolve("share/jupyter/kernels");
        }
        if (sysPrefix) {
            return Path.of("/usr/local/share/jupyter/kernels");
        }
        String data = System.getenv("JUPYTER_DATA_DIR");
        if (data != null && !data.isBlank()) {
            return Path.of(data, "kernels");
        }
        return Path.of(System.getProperty("user.home"), ".local/share/jupyter/kernels");
    }

    /** Copies the kernel folder {@code from} to {@code to} and writes the spec files there. */
    static void write(Path from, Path to, Path javaExe, String displayName, String vmOptions) throws IOException {
        Path agent;
        try (Stream<Path> files = Files.list(from)) {
            agent = files.filter(f -> f.getFileName().toString().endsWith("-agent.jar")
                    || f.getFileName().toString().equals("agent.jar")).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("install: no agent jar in " + from
                            + " (run the build: mvn package)"));
        }
        Files.createDirectories(to);
        Path lib = to.resolve("lib");
        if (Files.isDirectory(lib)) { // a reinstall replaces the notebook class path entirely
            try (Stream<Path> old = Files.list(lib)) {
                old.forEach(f -> {
                    try {
                        Files.delete(f);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
        }
        Files.createDirectories(lib);
        Path fromLib = from.resolve("lib");
        if (Files.isDirectory(fromLib)) {
            try (Stream<Path> jars = Files.list(fromLib)) {
                for (Path jar : (Iterable<Path>) jars::iterator) {
                    Files.copy(jar, lib.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        Files.copy(agent, to.resolve("agent.jar"), StandardCopyOption.REPLACE_EXISTING);
        try (Stream<Path> files = Files.list(from)) {
            Path sources = files.filter(f -> f.getFileName().toString().endsWith("-bitspike-sources.jar")).findFirst()
                    .orElse(null);
            if (sources != null) {
                Files.copy(sources, to.resolve(KernelConfig.SOURCES), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.copy(from.resolve("bitspike-kernel.jar"), to.resolve("bitspike-kernel.jar"),
                StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(to.resolve(KernelConfig.FILE), "# Settings of the bitspike kernel (see KernelConfig).\n"
                + "agent.jar=agent.jar\nclasspath.dir=lib\nvm.options=" + vmOptions + "\ncompiler.options=\n"
                + "# the largest message frame the kernel accepts, in bytes (default 128 MiB)\n"
                + "#max.message.bytes=" + WireOptions.DEFAULT_MAX_MESSAGE_BYTES + "\n",
                StandardCharsets.UTF_8);
        Files.writeString(to.resolve("kernel.json"), kernelJson(javaExe, displayName), StandardCharsets.UTF_8);
    }

    static String kernelJson(Path javaExe, String displayName) {
        JsonObject spec = new JsonObject();
        JsonArray argv = new JsonArray();
        argv.add(javaExe.toString());
        KERNEL_JVM_OPTIONS.forEach(argv::add);
        argv.add("-jar");
        argv.add("{resource_dir}/bitspike-kernel.jar");
        argv.add("kernel");
        argv.add("{connection_file}");
        spec.add("argv", argv);
        spec.addProperty("display_name", displayName);
        spec.addProperty("language", "java");
        spec.addProperty("interrupt_mode", "message"); // a SIGINT would kill the JVM
        JsonObject metadata = new JsonObject();
        metadata.addProperty("debugger", false);
        spec.add("metadata", metadata);
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(spec) + "\n";
    }
}
