package org.bitspike.jupyter.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bitspike.jupyter.wire.WireOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kernelspec the installer writes, and the settings the kernel reads back from it. */
class InstallTest {
    @TempDir
    Path dir;

    private Path buildFolder() throws IOException {
        Path from = Files.createDirectories(dir.resolve("build"));
        Files.writeString(from.resolve("bitspike-kernel.jar"), "kernel");
        Files.writeString(from.resolve("bitspike-jupyter-0.1.0-agent.jar"), "agent");
        Files.createDirectories(from.resolve("lib"));
        Files.writeString(from.resolve("lib/bitspike-nn.jar"), "nn");
        return from;
    }

    @Test
    void writesAKernelspecThatNeedsNothingFromTheBuildTree() throws IOException {
        Path to = dir.resolve("spec");
        Install.write(buildFolder(), to, Path.of("/opt/jdk/bin/java"), "Java (bitspike)", "-Xmx3g");
        JsonObject spec = JsonParser.parseString(Files.readString(to.resolve("kernel.json"))).getAsJsonObject();
        assertEquals("message", spec.get("interrupt_mode").getAsString());
        assertEquals("java", spec.get("language").getAsString());
        List<String> argv = spec.getAsJsonArray("argv").asList().stream().map(e -> e.getAsString()).toList();
        assertEquals("/opt/jdk/bin/java", argv.get(0));
        assertTrue(argv.contains("-XX:TieredStopAtLevel=1"), argv.toString());
        // a heap with nothing left to give ends the kernel process (never the execution JVM): no zombie
        assertTrue(argv.contains("-XX:+ExitOnOutOfMemoryError"), argv.toString());
        assertEquals(List.of("-jar", "{resource_dir}/bitspike-kernel.jar", "kernel", "{connection_file}"),
                argv.subList(argv.size() - 4, argv.size()));
        assertTrue(Files.readString(to.resolve("kernel.json")).contains("TieredStopAtLevel=1"), "no \\u003d escapes");
        assertTrue(Files.exists(to.resolve("agent.jar")));
        assertTrue(Files.exists(to.resolve("lib/bitspike-nn.jar")));

        KernelConfig config = KernelConfig.load(to, "-Dextra=1");
        assertEquals(to.resolve("agent.jar"), config.agentJar());
        assertEquals(List.of(to.resolve("lib/bitspike-nn.jar")), config.classPath());
        assertTrue(config.vmOptions().containsAll(List.of("--add-modules", "jdk.incubator.vector", "-Xmx3g",
                "-Dbitspike.notebook=true", "-Dextra=1")), config.vmOptions().toString());
        assertTrue(config.compilerOptions().containsAll(KernelConfig.VECTOR));
        assertEquals(WireOptions.DEFAULT_MAX_MESSAGE_BYTES, config.wireOptions().maxMessageBytes());
    }

    @Test
    void theMessageSizeLimitIsASettingAndABadOneIsNamed() throws IOException {
        Path to = dir.resolve("spec");
        Install.write(buildFolder(), to, Path.of("/usr/bin/java"), "x", "");
        Files.writeString(to.resolve(KernelConfig.FILE), "max.message.bytes = 1048576\n");
        assertEquals(1L << 20, KernelConfig.load(to, null).wireOptions().maxMessageBytes());
        for (String bad : List.of("-5", "0", "lots", "1.5")) {
            Files.writeString(to.resolve(KernelConfig.FILE), "max.message.bytes = " + bad + "\n");
            String message = assertThrows(IllegalArgumentException.class, () -> KernelConfig.load(to, null)).getMessage();
            assertEquals("kernel settings " + to.resolve(KernelConfig.FILE) + ": max.message.bytes must be a positive"
                    + " whole number of bytes, got '" + bad + "'", message);
        }
    }

    @Test
    void aReinstallReplacesTheNotebookClassPath() throws IOException {
        Path to = dir.resolve("spec");
        Path from = buildFolder();
        Install.write(from, to, Path.of("/usr/bin/java"), "x", "");
        Files.delete(from.resolve("lib/bitspike-nn.jar"));
        Files.writeString(from.resolve("lib/bitspike-nn-2.jar"), "nn2");
        Install.write(from, to, Path.of("/usr/bin/java"), "x", "");
        try (var s = Files.list(to.resolve("lib"))) {
            assertEquals(List.of(to.resolve("lib/bitspike-nn-2.jar")), s.toList());
        }
    }

    @Test
    void missingPiecesAreNamed() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Install.write(empty, dir.resolve("spec"), Path.of("/usr/bin/java"), "x", ""))
                .getMessage().contains("no agent jar in " + empty));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> KernelConfig.load(empty, null))
                .getMessage().contains("agent.jar " + empty.resolve("agent.jar") + " does not exist"));
    }
}
