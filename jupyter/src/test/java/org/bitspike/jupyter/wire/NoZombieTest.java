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
 * A kernel process whose I/O thread dies of an {@link OutOfMemoryError} must end with the fatal status and a
 * clear line on stderr, not live on as a zombie; the line is written before the process halts, from bytes built
 * in advance (the detailed log line would come after the halt and never does). The outsider's attacks that once
 * got there (a 2 GB frame, a size with the top bit set) are refused by {@code FrameGuard} now: FrameGuardTest.
 */
class NoZombieTest {
    private static final long WAIT_S = 60;

    @TempDir
    Path tmp;

    @Test
    void aKernelWhoseIoThreadDiesOfOutOfMemoryHaltsWithTheFatalStatusAndALineWrittenFirst() throws Exception {
        Path stderr = tmp.resolve("stderr.txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx128m",
                "-cp", System.getProperty("java.class.path"), FatalKernelProcess.class.getName())
                .redirectError(stderr.toFile())
                .start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String port = out.readLine();
            assertNotNull(port, () -> "the child kernel did not start: " + read(stderr));
            child.getOutputStream().write("die\n".getBytes(StandardCharsets.UTF_8));
            child.getOutputStream().flush();
            assertTrue(child.waitFor(WAIT_S, TimeUnit.SECONDS), "the kernel lives on after its I/O thread died: a zombie");
            assertEquals(FatalErrorHandler.EXIT_STATUS, child.exitValue(), () -> read(stderr));
            String log = read(stderr);
            assertTrue(log.contains("fatal error in a wire-layer thread; the kernel cannot serve on and ends (status 70)"), log);
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
