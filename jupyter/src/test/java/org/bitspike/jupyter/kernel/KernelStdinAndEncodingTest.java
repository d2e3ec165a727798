package org.bitspike.jupyter.kernel;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.SimpleFormatter;
import org.bitspike.jupyter.wire.ConnectionInfo;
import org.bitspike.jupyter.wire.KernelConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Raw peers that answer a cell's read of {@code System.in} badly (an {@code input_reply} whose {@code value}
 * is not a string, or no stdin connection at all), that search the history with a pathological glob, and that
 * sign a frame of invalid UTF-8. The kernel must answer, keep the session's variables and log once.
 */
class KernelStdinAndEncodingTest {
    private static final int TIMEOUT_MS = KernelFixture.TIMEOUT_MS;
    private static final String KEY = UUID.randomUUID().toString();
    private static final String READ_LINE = "new java.io.BufferedReader(new java.io.InputStreamReader(System.in)).readLine()";

    @TempDir
    static Path tmp;
    private static KernelConnection connection;
    private static TestClient client;
    private static KernelFixture fixture;
    /** Counted down when the kernel drops the stdin peer's warm-up input_reply: its stdin connection is up. */
    private static final CountDownLatch STDIN_UP = new CountDownLatch(1);
    /**
     * One frontend for the stdin tests: a shell and a stdin peer of one identity, connected once. NOTE: a fresh
     * pair per test sometimes had its stdin connection taken up by the kernel only after its 5 s wait for it.
     */
    private static RawPeer frontendShell;
    private static RawPeer frontendStdin;

    @BeforeAll
    static void startKernel() throws IOException {
        fixture = KernelFixture.start(tmp, KEY, r -> {
            if (new SimpleFormatter().formatMessage(r).contains("answers no pending input_request")) {
                STDIN_UP.countDown();
            }
        });
        connection = fixture.connection;
        client = fixture.client;
        ConnectionInfo bound = connection.info();
        String identity = UUID.randomUUID().toString();
        frontendShell = new RawPeer(bound.shellPort(), KEY, identity);
        frontendStdin = new RawPeer(bound.stdinPort(), KEY, identity);
        String hello = UUID.randomUUID().toString();
        frontendShell.send(frontendShell.request(hello, "kernel_info_request", "{}"));
        assertEquals(hello, frontendShell.receive(TIMEOUT_MS).parentId());
        // an input_reply that answers nothing is dropped with a WARNING: then the kernel has the connection
        frontendStdin.send(frontendStdin.message(UUID.randomUUID().toString(), "input_reply", "{}",
                "{\"value\": \"warm-up\"}".getBytes(UTF_8)));
        try {
            assertTrue(STDIN_UP.await(TIMEOUT_MS, TimeUnit.MILLISECONDS), "the stdin peer's warm-up was not dropped");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while connecting the stdin peer", e);
        }
    }

    @AfterAll
    static void stop() {
        try {
            frontendShell.close();
            frontendStdin.close();
        } finally {
            fixture.close();
        }
    }

    private static long logged(Level level, String text) {
        SimpleFormatter f = new SimpleFormatter();
        return fixture.log().stream().filter(r -> r.getLevel().equals(level)).filter(r -> f.formatMessage(r).contains(text)).count();
    }

    private static String executeContent(String code, boolean allowStdin) {
        JsonObject c = new JsonObject();
        c.addProperty("code", code);
        c.addProperty("silent", false);
        c.addProperty("store_history", true);
        c.add("user_expressions", new JsonObject());
        c.addProperty("allow_stdin", allowStdin);
        return c.toString();
    }

    /** The execute_reply's content, after checking it answers {@code id}. */
    private static JsonObject executeReply(RawPeer shell, String id) {
        RawPeer.Frames reply = shell.receive(TIMEOUT_MS);
        assertEquals("execute_reply", reply.type());
        assertEquals(id, reply.parentId());
        client.iopubUntilIdle(id, TIMEOUT_MS);
        return reply.content();
    }

    @ParameterizedTest(name = "value {0}")
    @ValueSource(strings = {"42", "{}", "null", "[\"x\"]", "absent"})
    void anInputReplyWithoutAStringValueFailsTheReadAndKeepsTheSession(String value) {
        client.execute("int keptAcrossStdin = 42;", TIMEOUT_MS);
        long warnings = logged(Level.WARNING, "System.in: no usable input");
        RawPeer shell = frontendShell;
        RawPeer stdin = frontendStdin;
        String id = UUID.randomUUID().toString();
        shell.send(shell.request(id, "execute_request", executeContent(READ_LINE, true)));
        RawPeer.Frames request = stdin.receive(TIMEOUT_MS);
        assertEquals("input_request", request.type());
        String content = value.equals("absent") ? "{}" : "{\"value\": " + value + "}";
        stdin.send(stdin.message(UUID.randomUUID().toString(), "input_reply", request.header().toString(),
                content.getBytes(UTF_8)));
        JsonObject reply = executeReply(shell, id);
        assertEquals("error", reply.get("status").getAsString(), reply::toString);
        String evalue = reply.get("evalue").getAsString();
        assertTrue(evalue.contains("System.in: no usable input from the frontend (its input_reply's content must have"
                + " a 'value' that is a string)"), evalue);
        assertTrue(evalue.contains("has no string value"), evalue);
        assertEquals(warnings + 1, logged(Level.WARNING, "System.in: no usable input"), "one WARNING per failed read");
        assertEquals("42", client.execute("keptAcrossStdin", TIMEOUT_MS).result(), "the session was lost");
        assertEquals(List.of(), fixture.fatal());
    }

    @Test
    void aStringValueIsRead() {
        RawPeer shell = frontendShell;
        RawPeer stdin = frontendStdin;
        String id = UUID.randomUUID().toString();
        shell.send(shell.request(id, "execute_request", executeContent(READ_LINE + " + \"!\"", true)));
        RawPeer.Frames request = stdin.receive(TIMEOUT_MS);
        stdin.send(stdin.message(UUID.randomUUID().toString(), "input_reply", request.header().toString(),
                "{\"value\": \"typed\"}".getBytes(UTF_8)));
        JsonObject reply = executeReply(shell, id);
        assertEquals("ok", reply.get("status").getAsString(), reply::toString);
    }

    @Test
    void allowStdinWithoutAStdinConnectionFailsTheReadAndKeepsTheSession() {
        client.execute("int keptWithoutStdin = 7;", TIMEOUT_MS);
        long warnings = logged(Level.WARNING, "System.in: no usable input");
        try (RawPeer shell = new RawPeer(connection.info().shellPort(), KEY)) {
            String id = UUID.randomUUID().toString();
            shell.send(shell.request(id, "execute_request", executeContent(READ_LINE, true)));
            JsonObject reply = executeReply(shell, id);
            assertEquals("error", reply.get("status").getAsString(), reply::toString);
            String evalue = reply.get("evalue").getAsString();
            assertTrue(evalue.contains("System.in: no usable input from the frontend"), evalue);
            assertTrue(evalue.contains("no stdin connection"), evalue);
        }
        assertEquals(warnings + 1, logged(Level.WARNING, "System.in: no usable input"), "one WARNING per failed read");
        assertEquals("7", client.execute("keptWithoutStdin", TIMEOUT_MS).result(), "the session was lost");
        assertEquals(List.of(), fixture.fatal());
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
    void aSignedFrameOfInvalidUtf8IsDroppedWithAWarningNamingTheFrameAndTheOffset() {
        client.execute("int utf8Ran = 0;", TIMEOUT_MS);
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        String before = "{\"code\": \"utf8Ran++; // ";
        content.writeBytes(before.getBytes(UTF_8));
        content.write(0xff);
        content.writeBytes("\", \"silent\": false, \"store_history\": false}".getBytes(UTF_8));
        try (RawPeer peer = new RawPeer(connection.info().shellPort(), KEY)) {
            peer.send(peer.message(UUID.randomUUID().toString(), "execute_request", "{}", content.toByteArray()));
            // shell requests are answered in order: had the bad frame been taken, its reply would come first
            String info = UUID.randomUUID().toString();
            peer.send(peer.request(info, "kernel_info_request", "{}"));
            assertEquals(info, peer.receive(TIMEOUT_MS).parentId());
        }
        assertEquals("0", client.execute("utf8Ran", TIMEOUT_MS).result(), "the cell of invalid UTF-8 ran");
        String expected = "content frame: invalid UTF-8 at byte offset " + before.getBytes(UTF_8).length;
        assertEquals(1, logged(Level.WARNING, expected), () -> "no single WARNING containing '" + expected + "' in "
                + fixture.log().stream().map(r -> new SimpleFormatter().formatMessage(r)).toList());
    }
}
