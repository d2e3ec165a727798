package org.bitspike.jupyter.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outsider's attack on a kernel process without the size limit: jeromq's I/O thread dies of
 * {@code OutOfMemoryError: Cannot reserve 2000000000 bytes of direct buffer memory}. The process must end
 * with the fatal status and a clear log line, not live on as a zombie. (With the limit, the default, the
 * peer is only disconnected: KernelRawPeerTest.)
 */
class NoZombieTest {
    private static final long WAIT_S = 60;

    @TempDir
    Path tmp;

    @Test
    void aKernelWhoseIoThreadDiesEndsWithTheFatalStatusAndALogLine() throws Exception {
        Path stderr = tmp.resolve("stderr.txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // NOTE: 64 MB of direct memory, so the 2 GB reservation fails however large this machine is
        Process child = new ProcessBuilder(java, "-Xmx128m", "-XX:MaxDirectMemorySize=64m",
                "-cp", System.getProperty("java.class.path"), UnlimitedKernelProcess.class.getName())
                .redirectError(stderr.toFile())
                .start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String port = out.readLine();
            assertNotNull(port, () -> "the child kernel did not start: " + read(stderr));
            Zmtp.announceFrame(Integer.parseInt(port.trim()), "DEALER", 2_000_000_000L, (int) TimeUnit.SECONDS.toMillis(WAIT_S));
            assertTrue(child.waitFor(WAIT_S, TimeUnit.SECONDS), "the kernel lives on after its I/O thread died: a zombie");
            assertEquals(FatalErrorHandler.EXIT_STATUS, child.exitValue(), () -> read(stderr));
            String log = read(stderr);
            assertTrue(log.contains("fatal error in thread") && log.contains("Cannot reserve 2000000000 bytes")
                    && log.contains("the kernel cannot serve on and ends"), log);
        } finally {
            child.destroyForcibly();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "(stderr unreadable: " + e + ")";
        }
    }
}
