package org.bitspike.jupyter.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.bitspike.jupyter.wire.ConnectionInfo;
import org.bitspike.jupyter.wire.KernelConnection;
import org.bitspike.jupyter.wire.WireOptions;

/**
 * A whole kernel for the end-to-end tests, started once per test class: a {@link BitspikeKernel} with this test
 * JVM's class path and a 256 MiB JShell VM, on a loopback connection with ephemeral ports, and a
 * {@link TestClient} whose iopub subscription is live. What the package logs is captured (tests never print),
 * and a fatal error is recorded instead of halting the test JVM. {@link #close} stops all of it.
 */
final class KernelFixture implements AutoCloseable {

    static final int TIMEOUT_MS = 60_000;

    /** Held strongly (java.util.logging keeps loggers weakly) while its output is captured. */
    private final Logger jupyterLogs = Logger.getLogger("org.bitspike.jupyter");
    private final List<String> fatal = new CopyOnWriteArrayList<>();
    private final List<LogRecord> log = new CopyOnWriteArrayList<>();
    private final Handler capture;
    private final BitspikeKernel kernel;
    final KernelConnection connection;
    final TestClient client;

    /**
     * Starts the kernel in {@code tmp} with HMAC key {@code key}; {@code onLog} sees each captured record as it
     * comes (on the logging thread).
     */
    private KernelFixture(Path tmp, String key, Consumer<LogRecord> onLog) throws IOException {
        capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                log.add(r);
                onLog.accept(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        jupyterLogs.setUseParentHandlers(false); // tests never print
        jupyterLogs.addHandler(capture);
        List<Path> classPath = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            classPath.add(Path.of(entry));
        }
        List<String> vm = new ArrayList<>(KernelConfig.VECTOR);
        vm.addAll(Arrays.asList("-Xmx256m", "-Dbitspike.notebook=true"));
        KernelConfig config = new KernelConfig(tmp, TestAgents.agentJar(tmp), classPath, vm, KernelConfig.VECTOR, null,
                WireOptions.DEFAULT_MAX_MESSAGE_BYTES);
        kernel = new BitspikeKernel(config);
        ConnectionInfo info = new ConnectionInfo("tcp", "127.0.0.1", 0, 0, 0, 0, 0, "hmac-sha256", key, "bitspike");
        // a fatal error must not end the test JVM: record it instead of halting
        connection = KernelConnection.open(info, kernel,
                config.wireOptions().withOnFatal((thread, error) -> fatal.add(thread + ": " + error)));
        kernel.start(connection);
        ConnectionInfo bound = connection.info();
        client = new TestClient("127.0.0.1", bound.shellPort(), bound.controlPort(), bound.stdinPort(),
                bound.iopubPort(), key);
        // iopub is a PUB socket: wait until the subscription is live before relying on it
        assertEquals("2", client.execute("1 + 1", TIMEOUT_MS).result());
    }

    /** As {@link #start(Path, String, Consumer)}, with no listener. */
    static KernelFixture start(Path tmp, String key) throws IOException {
        return start(tmp, key, r -> { });
    }

    /**
     * Starts a kernel whose working directory (and agent jar) is in {@code tmp}, signing with {@code key}.
     *
     * @param onLog told of each record the kernel logs, as it is captured
     */
    static KernelFixture start(Path tmp, String key, Consumer<LogRecord> onLog) throws IOException {
        return new KernelFixture(tmp, key, onLog);
    }

    /** The fatal errors reported so far, as "thread: error"; empty while the kernel is healthy. */
    List<String> fatal() {
        return fatal;
    }

    /** Every record the kernel has logged so far. */
    List<LogRecord> log() {
        return log;
    }

    @Override
    public void close() {
        try {
            client.close();
            kernel.close();
            connection.close();
        } finally {
            jupyterLogs.removeHandler(capture);
            jupyterLogs.setUseParentHandlers(true);
        }
    }
}
