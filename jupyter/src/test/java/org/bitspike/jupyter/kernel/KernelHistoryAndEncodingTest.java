package org.bitspike.jupyter.kernel;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.bitspike.jupyter.wire.ConnectionInfo;
import org.bitspike.jupyter.wire.KernelConnection;
import org.bitspike.jupyter.wire.WireOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Raw peers that search the history with a pathological glob and that sign a frame of invalid UTF-8: the
 * kernel must answer both, and the shell must keep working.
 */
class KernelHistoryAndEncodingTest {
    private static final int TIMEOUT_MS = 60_000;
    private static final String KEY = UUID.randomUUID().toString();
    /** Held strongly (java.util.logging keeps loggers weakly) while its output is captured. */
    private static final Logger JUPYTER_LOGS = Logger.getLogger("org.bitspike.jupyter");

    @TempDir
    static Path tmp;
    private static BitspikeKernel kernel;
    private static KernelConnection connection;
    private static TestClient client;
    private static final List<String> FATAL = new CopyOnWriteArrayList<>();
    private static final List<LogRecord> LOG = new CopyOnWriteArrayList<>();
    private static final Handler CAPTURE = new Handler() {
        @Override
        public void publish(LogRecord r) {
            LOG.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeAll
    static void startKernel() throws IOException {
        JUPYTER_LOGS.setUseParentHandlers(false); // tests never print
        JUPYTER_LOGS.addHandler(CAPTURE);
        List<Path> classPath = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            classPath.add(Path.of(entry));
        }
        List<String> vm = new ArrayList<>(KernelConfig.VECTOR);
        vm.addAll(Arrays.asList("-Xmx256m", "-Dbitspike.notebook=true"));
        KernelConfig config = new KernelConfig(tmp, TestAgents.agentJar(tmp), classPath, vm, KernelConfig.VECTOR, null,
                WireOptions.DEFAULT_MAX_MESSAGE_BYTES);
        kernel = new BitspikeKernel(config);
        ConnectionInfo info = new ConnectionInfo("tcp", "127.0.0.1", 0, 0, 0, 0, 0, "hmac-sha256", KEY, "bitspike");
        connection = KernelConnection.open(info, kernel,
                config.wireOptions().withOnFatal((thread, error) -> FATAL.add(thread + ": " + error)));
        kernel.start(connection);
        ConnectionInfo bound = connection.info();
        client = new TestClient("127.0.0.1", bound.shellPort(), bound.controlPort(), bound.stdinPort(),
                bound.iopubPort(), KEY);
        assertEquals("2", client.execute("1 + 1", TIMEOUT_MS).result()); // iopub subscription is live
    }

    @AfterAll
    static void stop() {
        try {
            client.close();
            kernel.close();
            connection.close();
        } finally {
            JUPYTER_LOGS.removeHandler(CAPTURE);
            JUPYTER_LOGS.setUseParentHandlers(true);
        }
    }

    private static long logged(Level level, String text) {
        SimpleFormatter f = new SimpleFormatter();
        return LOG.stream().filter(r -> r.getLevel().equals(level)).filter(r -> f.formatMessage(r).contains(text)).count();
    }

    @Test
    void aHistorySearchWithManyStarsIsAnsweredAndTheShellWorksOn() {
        client.execute("// " + "a".repeat(200), TIMEOUT_MS);
        try (RawPeer shell = new RawPeer(connection.info().shellPort(), KEY)) {
            for (String pattern : new String[] {"*****X", "*".repeat(20) + "X", "*a".repeat(100) + "*"}) {
                String id = UUID.randomUUID().toString();
                shell.send(shell.request(id, "history_request",
                        "{\"hist_access_type\": \"search\", \"pattern\": \"" + pattern + "\", \"n\": null}"));
                RawPeer.Frames reply = shell.receive(TIMEOUT_MS);
                assertEquals(id, reply.parentId());
                assertEquals("ok", reply.content().get("status").getAsString());
                int found = reply.content().getAsJsonArray("history").size();
                assertEquals(pattern.endsWith("X") ? 0 : 1, found, pattern);
            }
        }
        assertEquals("42", client.execute("6 * 7", TIMEOUT_MS).result());
    }

    @Test
    void aSignedFrameOfInvalidUtf8IsAnsweredWithAnErrorNamingTheFrameAndTheOffset() {
        client.execute("int utf8Ran = 0;", TIMEOUT_MS);
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        String before = "{\"code\": \"utf8Ran++; // ";
        content.writeBytes(before.getBytes(UTF_8));
        content.write(0xff);
        content.writeBytes("\", \"silent\": false, \"store_history\": false}".getBytes(UTF_8));
        String expected = "content frame: invalid UTF-8 at byte offset " + before.getBytes(UTF_8).length;
        try (RawPeer peer = new RawPeer(connection.info().shellPort(), KEY)) {
            String bad = UUID.randomUUID().toString();
            peer.send(peer.message(bad, "execute_request", "{}", content.toByteArray()));
            RawPeer.Frames rejected = peer.receive(TIMEOUT_MS);
            assertEquals(bad, rejected.parentId());
            assertEquals("execute_reply", rejected.type());
            assertEquals("error", rejected.content().get("status").getAsString(), rejected.content()::toString);
            assertEquals("MalformedMessage", rejected.content().get("ename").getAsString());
            String evalue = rejected.content().get("evalue").getAsString();
            assertTrue(evalue.contains(expected), evalue);
            String info = UUID.randomUUID().toString();
            peer.send(peer.request(info, "kernel_info_request", "{}"));
            assertEquals(info, peer.receive(TIMEOUT_MS).parentId());
        }
        assertEquals("0", client.execute("utf8Ran", TIMEOUT_MS).result(), "the cell of invalid UTF-8 ran");
    }
}
