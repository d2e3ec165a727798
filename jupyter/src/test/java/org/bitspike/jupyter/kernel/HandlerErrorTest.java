package org.bitspike.jupyter.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.bitspike.jupyter.kernel.TestClient.Received;
import org.bitspike.jupyter.wire.ConnectionInfo;
import org.bitspike.jupyter.wire.KernelConnection;
import org.bitspike.jupyter.wire.WireOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request handler that throws an Error (not only a RuntimeException) still answers its client with an
 * error reply, and the kernel answers the next request. The Error comes from a {@link History} stub, so no
 * execution JVM is started.
 */
class HandlerErrorTest {
    private static final int TIMEOUT_MS = 30_000;
    private static final String KEY = UUID.randomUUID().toString();
    /** Held strongly (java.util.logging keeps loggers weakly) while its output is captured. */
    private static final Logger JUPYTER_LOGS = Logger.getLogger("org.bitspike.jupyter");

    /** Fails its first answer with a StackOverflowError, then answers as an empty history does. */
    private static final class OverflowingOnce extends History {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        synchronized com.google.gson.JsonArray answer(Requests.History request) {
            if (calls.incrementAndGet() == 1) {
                throw new StackOverflowError("injected: history too deep");
            }
            return super.answer(request);
        }
    }

    @TempDir
    Path tmp;
    private final List<LogRecord> log = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            log.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final List<String> fatal = new CopyOnWriteArrayList<>();

    @BeforeEach
    void captureLog() {
        JUPYTER_LOGS.setUseParentHandlers(false); // tests never print
        JUPYTER_LOGS.addHandler(capture);
    }

    @AfterEach
    void releaseLog() {
        JUPYTER_LOGS.removeHandler(capture);
        JUPYTER_LOGS.setUseParentHandlers(true);
    }

    @Test
    void aStackOverflowErrorInAHandlerGetsAnErrorReplyAndTheNextRequestIsAnswered() {
        KernelConfig config = new KernelConfig(tmp, tmp.resolve("unused-agent.jar"), List.of(), List.of(),
                KernelConfig.VECTOR, null, WireOptions.DEFAULT_MAX_MESSAGE_BYTES);
        OverflowingOnce history = new OverflowingOnce();
        BitspikeKernel kernel = new BitspikeKernel(config, history);
        ConnectionInfo info = new ConnectionInfo("tcp", "127.0.0.1", 0, 0, 0, 0, 0, "hmac-sha256", KEY, "bitspike");
        // no execution JVM: history, kernel_info and the error path need none
        KernelConnection connection = KernelConnection.open(info, kernel,
                config.wireOptions().withOnFatal((thread, error) -> fatal.add(thread + ": " + error)));
        ConnectionInfo b = connection.info();
        try (TestClient client = new TestClient("127.0.0.1", b.shellPort(), b.controlPort(), b.stdinPort(),
                b.iopubPort(), KEY)) {
            String first = client.send(client.shell(), "history_request", tail(3));
            Received failed = client.reply(client.shell(), first, TIMEOUT_MS);
            assertEquals("history_reply", failed.type());
            assertEquals("error", failed.content().get("status").getAsString(), failed.content()::toString);
            assertEquals("StackOverflowError", failed.content().get("ename").getAsString());
            assertTrue(failed.content().get("evalue").getAsString().contains("injected: history too deep"),
                    failed.content()::toString);

            String second = client.send(client.shell(), "history_request", tail(3));
            Received answered = client.reply(client.shell(), second, TIMEOUT_MS);
            assertEquals("ok", answered.content().get("status").getAsString(), answered.content()::toString);
            assertEquals(0, answered.content().getAsJsonArray("history").size());

            String info2 = client.send(client.shell(), "kernel_info_request", new JsonObject());
            assertEquals("ok", client.reply(client.shell(), info2, TIMEOUT_MS).content().get("status").getAsString());
        } finally {
            kernel.close();
            connection.close();
        }
        assertEquals(2, history.calls.get());
        assertEquals(List.of(), fatal, "a handler's Error is answered, not fatal to the kernel");
        assertTrue(log.stream().anyMatch(r -> r.getLevel() == Level.SEVERE && r.getThrown() instanceof StackOverflowError
                && r.getMessage().contains("failed to answer")), "the Error is logged at SEVERE with its stack");
    }

    private static JsonObject tail(int n) {
        JsonObject c = new JsonObject();
        c.addProperty("output", false);
        c.addProperty("raw", true);
        c.addProperty("hist_access_type", "tail");
        c.addProperty("n", n);
        return c;
    }
}
