package org.bitspike.jupyter.kernel;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.bitspike.jupyter.wire.WireOptions;

/**
 * The kernel's settings, read from {@code kernel.properties} in its home (the installed kernelspec
 * directory), which the installer writes and users may edit:
 * <ul>
 *   <li>{@code agent.jar}: the execution JVM's class path (relative to the home), default {@code agent.jar};</li>
 *   <li>{@code classpath.dir}: a folder whose jars go on the notebook's class path, default {@code lib};</li>
 *   <li>{@code vm.options}: options of the execution JVM (space-separated), e.g. {@code -Xmx4g};</li>
 *   <li>{@code compiler.options}: javac options for cells;</li>
 *   <li>{@code max.message.bytes}: the largest message frame the kernel's sockets accept, default
 *       {@value org.bitspike.jupyter.wire.WireOptions#DEFAULT_MAX_MESSAGE_BYTES} (128 MiB); a peer that
 *       announces a larger one is disconnected.</li>
 * </ul>
 * The environment variable {@code BITSPIKE_VM_OPTIONS} is appended to {@code vm.options}.
 * {@code --add-modules jdk.incubator.vector} is always given to both javac and the execution JVM
 * (with only one of them the Vector API fails to compile or to load), and the execution JVM gets
 * {@code -Dbitspike.notebook=true} so training code shows notebook progress.
 */
record KernelConfig(Path home, Path agentJar, List<Path> classPath, List<String> vmOptions,
                    List<String> compilerOptions, Path sources, long maxMessageBytes) {
    static final String FILE = "kernel.properties";
    /** bitspike's sources in the kernel's home, for Javadoc in inspections (optional). */
    static final String SOURCES = "bitspike-sources.jar";
    static final List<String> VECTOR = List.of("--add-modules", "jdk.incubator.vector");

    /** The imports every notebook starts with. */
    static final List<String> PRELUDE = List.of(
            "import java.util.*;",
            "import java.util.stream.*;",
            "import java.io.*;",
            "import java.math.*;",
            "import java.nio.file.*;",
            "import org.bitspike.tensor.*;",
            "import org.bitspike.autograd.*;",
            "import org.bitspike.nn.*;",
            "import org.bitspike.nn.models.*;",
            "import org.bitspike.nn.optim.*;",
            "import org.bitspike.nn.data.*;",
            "import org.bitspike.nn.train.*;",
            "import org.bitspike.nn.metrics.*;",
            "import org.bitspike.nn.spiking.*;",
            "import org.bitspike.nn.binary.*;",
            "import org.bitspike.nn.adder.*;",
            "import org.bitspike.nn.accounting.*;",
            "import org.bitspike.jupyter.display.*;",
            "import static org.bitspike.jupyter.display.Display.*;",
            // initialise the kernels now: an interrupt that stops a cell by force inside a class
            // initialiser would leave that class unusable for the rest of the session
            "{ Tensor.zeros(2, 2).matmul(Tensor.zeros(2, 2)).relu().sum(); }");

    /**
     * Reads {@code home/kernel.properties} (absent: defaults).
     *
     * @throws IllegalArgumentException naming the file and the setting that is wrong
     */
    static KernelConfig load(Path home, String extraVmOptions) {
        Properties p = new Properties();
        Path file = home.resolve(FILE);
        if (Files.exists(file)) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalArgumentException("kernel settings " + file + " could not be read: " + e.getMessage(), e);
            }
        }
        Path agent = home.resolve(p.getProperty("agent.jar", "agent.jar"));
        if (!Files.isRegularFile(agent)) {
            throw new IllegalArgumentException("kernel settings " + file + ": agent.jar " + agent + " does not exist");
        }
        Path libDir = home.resolve(p.getProperty("classpath.dir", "lib"));
        List<Path> jars = new ArrayList<>();
        if (Files.isDirectory(libDir)) {
            try (Stream<Path> s = Files.list(libDir)) {
                s.filter(f -> f.toString().endsWith(".jar")).sorted().forEach(jars::add);
            } catch (IOException e) {
                throw new IllegalArgumentException("kernel settings " + file + ": cannot list " + libDir + ": " + e, e);
            }
        }
        List<String> vm = new ArrayList<>(VECTOR);
        // notebook progress for training code, off-screen images and charts, UTF-8 output on JDK 17
        vm.addAll(List.of("-Dbitspike.notebook=true", "-Djava.awt.headless=true", "-Dfile.encoding=UTF-8"));
        vm.addAll(split(p.getProperty("vm.options", "")));
        vm.addAll(split(extraVmOptions));
        List<String> javac = new ArrayList<>(VECTOR);
        javac.addAll(split(p.getProperty("compiler.options", "")));
        Path sources = home.resolve(SOURCES);
        long maxMessageBytes = positiveLong(file, p, "max.message.bytes", WireOptions.DEFAULT_MAX_MESSAGE_BYTES);
        return new KernelConfig(home, agent, jars, vm, javac, Files.isRegularFile(sources) ? sources : null,
                maxMessageBytes);
    }

    private static long positiveLong(Path file, Properties p, String key, long otherwise) {
        String text = p.getProperty(key);
        if (text == null || text.isBlank()) {
            return otherwise;
        }
        String rule = "kernel settings " + file + ": " + key + " must be a positive whole number of bytes, got '"
                + text.trim() + "'";
        long value;
        try {
            value = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(rule, e);
        }
        if (value <= 0) {
            throw new IllegalArgumentException(rule);
        }
        return value;
    }

    /** The wire layer's options: this config's message size limit; a fatal error ends the process. */
    WireOptions wireOptions() {
        return WireOptions.defaults().withMaxMessageBytes(maxMessageBytes);
    }

    private static List<String> split(String options) {
        return options == null || options.isBlank() ? List.of() : Arrays.asList(options.trim().split("\\s+"));
    }

    JShellSession.Config sessionConfig() {
        return new JShellSession.Config(agentJar, classPath, vmOptions, compilerOptions, PRELUDE);
    }
}
