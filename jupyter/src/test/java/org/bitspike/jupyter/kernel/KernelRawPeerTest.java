package org.bitspike.jupyter.kernel;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.bitspike.jupyter.kernel.TestClient.Execution;
import org.bitspike.jupyter.kernel.TestClient.Received;
import org.bitspike.jupyter.wire.ConnectionInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * What an outsider tried, with {@link RawPeer}s that build every frame themselves: a stranger's announced
 * 2 GB frame, a 50 MB legitimate request, signed requests with malformed content, and replays. The shared
 * {@link TestClient} only watches iopub and checks that the kernel still works.
 */
class KernelRawPeerTest {
    private static final int TIMEOUT_MS = KernelFixture.TIMEOUT_MS;
    private static final String KEY = UUID.randomUUID().toString();

    @TempDir
    static Path tmp;
    private static KernelFixture fixture;

    @BeforeAll
    static void startKernel() throws IOException {
        fixture = KernelFixture.start(tmp, KEY);
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void aStrangerAnnouncingATwoGigabyteFrameIsDisconnectedAndEveryoneElseIsServed() throws IOException {
        ConnectionInfo b = fixture.connection.info();
        int[] ports = {b.shellPort(), b.controlPort(), b.stdinPort(), b.iopubPort(), b.hbPort()};
        String[] peerTypes = {"DEALER", "DEALER", "DEALER", "SUB", "REQ"};
        for (int i = 0; i < ports.length; i++) {
            assertTrue(RawPeer.announceFrame(ports[i], peerTypes[i], 2_000_000_000L, TIMEOUT_MS),
                    "port " + ports[i] + " (" + peerTypes[i] + " peer) kept a connection that announced a 2 GB frame");
        }
        try (ZContext zmq = new ZContext()) {
            ZMQ.Socket hb = zmq.createSocket(SocketType.REQ);
            hb.setReceiveTimeOut(TIMEOUT_MS);
            hb.connect("tcp://127.0.0.1:" + b.hbPort());
            hb.send("ping".getBytes(US_ASCII));
            byte[] echo = hb.recv();
            assertNotNull(echo, "no heartbeat echo after the oversized announcements");
            assertEquals("ping", new String(echo, US_ASCII));
        }
        try (RawPeer peer = new RawPeer(b.shellPort(), KEY)) {
            String id = UUID.randomUUID().toString();
            peer.send(peer.request(id, "kernel_info_request", "{}"));
            RawPeer.Frames reply = peer.receive(TIMEOUT_MS);
            assertEquals("kernel_info_reply", reply.type());
            assertEquals(id, reply.parentId());
            assertEquals("ok", reply.content().get("status").getAsString());
        }
        assertEquals(List.of(), fixture.fatal());
    }

    @Test
    void aFiftyMegabyteSignedRequestIsAnswered() {
        JsonObject content = new JsonObject();
        content.addProperty("code", "6 * 7");
        content.addProperty("silent", false);
        content.addProperty("store_history", false);
        content.addProperty("padding", "x".repeat(50_000_000)); // unknown fields are ignored, as the spec asks
        try (RawPeer peer = new RawPeer(fixture.connection.info().shellPort(), KEY)) {
            String id = UUID.randomUUID().toString();
            peer.send(peer.request(id, "execute_request", content.toString()));
            RawPeer.Frames reply = peer.receive(TIMEOUT_MS);
            assertEquals("execute_reply", reply.type());
            assertEquals(id, reply.parentId());
            assertEquals("ok", reply.content().get("status").getAsString(), reply.content()::toString);
            List<Received> iopub = fixture.client.iopubUntilIdle(id, TIMEOUT_MS);
            assertEquals("42", new Execution(null, iopub).result());
        }
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("shell", "execute_request", "{\"code\": {\"a\": 1}}", "code"),
                Arguments.of("shell", "execute_request", "{\"silent\": false}", "code"),
                Arguments.of("shell", "execute_request",
                        "{\"code\": \"malformedRan++;\", \"user_expressions\": {\"x\": 5}}", "user_expressions.x"),
                Arguments.of("shell", "execute_request", "{\"code\": \"malformedRan++;\", \"silent\": \"yes\"}", "silent"),
                Arguments.of("shell", "execute_request", "{\"code\": \"malformedRan++;\", \"store_history\": 1}",
                        "store_history"),
                Arguments.of("shell", "history_request", "{\"hist_access_type\": \"tail\", \"n\": \"many\"}", "n"),
                Arguments.of("shell", "history_request", "{\"hist_access_type\": \"everything\"}", "hist_access_type"),
                Arguments.of("shell", "complete_request", "{\"code\": \"Ma\"}", "cursor_pos"),
                Arguments.of("shell", "inspect_request", "{\"code\": \"Math\", \"cursor_pos\": \"4\"}", "cursor_pos"),
                Arguments.of("shell", "is_complete_request", "{\"code\": 3}", "code"),
                Arguments.of("shell", "comm_info_request", "{\"target_name\": []}", "target_name"),
                Arguments.of("control", "shutdown_request", "{\"restart\": \"no\"}", "restart"));
    }

    @ParameterizedTest(name = "{1} {2}")
    @MethodSource("malformed")
    void aMalformedRequestGetsAnErrorReplyNamingTheFieldAndTheKernelWorksOn(String channel, String type,
            String content, String field) {
        fixture.client.execute("int malformedRan = 0;", TIMEOUT_MS);
        ConnectionInfo b = fixture.connection.info();
        try (RawPeer peer = new RawPeer(channel.equals("control") ? b.controlPort() : b.shellPort(), KEY)) {
            String id = UUID.randomUUID().toString();
            peer.send(peer.request(id, type, content));
            RawPeer.Frames reply = peer.receive(TIMEOUT_MS);
            assertEquals(type.replace("_request", "_reply"), reply.type());
            assertEquals(id, reply.parentId());
            JsonObject c = reply.content();
            assertEquals("error", c.get("status").getAsString(), c::toString);
            assertEquals(BitspikeKernel.MALFORMED, c.get("ename").getAsString());
            String evalue = c.get("evalue").getAsString();
            assertTrue(evalue.startsWith(type + ": content field '" + field + "' "), evalue);
            assertTrue(evalue.contains("must be") || evalue.contains("required"), evalue);
            assertTrue(c.get("traceback").isJsonArray());
            List<Received> iopub = fixture.client.iopubUntilIdle(id, TIMEOUT_MS);
            if (type.equals("execute_request")) {
                assertTrue(c.get("execution_count").getAsJsonPrimitive().isNumber(), c::toString);
                Received error = iopub.stream().filter(r -> r.type().equals("error")).findFirst()
                        .orElseThrow(() -> new AssertionError("no iopub error for " + content));
                assertEquals(evalue, error.content().get("evalue").getAsString());
                assertTrue(iopub.stream().noneMatch(r -> r.type().equals("execute_input")));
            }
        }
        assertEquals("0", fixture.client.execute("malformedRan", TIMEOUT_MS).result(), "a malformed cell ran");
        assertEquals("42", fixture.client.execute("6 * 7", TIMEOUT_MS).result());
    }

    @Test
    void wellFormedHistoryRequestsAreStillAnswered() {
        fixture.client.execute("int h1 = 1;", TIMEOUT_MS);
        fixture.client.execute("int h2 = 2;", TIMEOUT_MS);
        try (RawPeer peer = new RawPeer(fixture.connection.info().shellPort(), KEY)) {
            String tail = UUID.randomUUID().toString();
            peer.send(peer.request(tail, "history_request",
                    "{\"hist_access_type\": \"tail\", \"n\": 2, \"output\": false, \"raw\": true}"));
            RawPeer.Frames reply = peer.receive(TIMEOUT_MS);
            assertEquals("ok", reply.content().get("status").getAsString(), reply.content()::toString);
            var history = reply.content().getAsJsonArray("history");
            assertEquals(2, history.size());
            assertEquals("int h2 = 2;", history.get(1).getAsJsonArray().get(2).getAsString());
            String search = UUID.randomUUID().toString();
            peer.send(peer.request(search, "history_request",
                    "{\"hist_access_type\": \"search\", \"pattern\": \"int h? = *\", \"n\": null, \"unique\": true}"));
            assertEquals(2, peer.receive(TIMEOUT_MS).content().getAsJsonArray("history").size());
        }
    }

    @Test
    void anUnknownRequestGetsAnErrorReplyAndAnUnknownNonRequestIsDropped() {
        try (RawPeer peer = new RawPeer(fixture.connection.info().shellPort(), KEY)) {
            String unknown = UUID.randomUUID().toString();
            peer.send(peer.request(unknown, "frobnicate_request", "{}"));
            RawPeer.Frames reply = peer.receive(TIMEOUT_MS);
            assertEquals("frobnicate_reply", reply.type());
            assertEquals(unknown, reply.parentId());
            assertEquals("error", reply.content().get("status").getAsString());
            assertEquals(BitspikeKernel.UNSUPPORTED, reply.content().get("ename").getAsString());
            assertTrue(reply.content().get("evalue").getAsString().contains("frobnicate_request"));
            // a message that is not a request has no reply: the next reply is that of the next request
            peer.send(peer.request(UUID.randomUUID().toString(), "frobnicate", "{}"));
            String info = UUID.randomUUID().toString();
            peer.send(peer.request(info, "kernel_info_request", "{}"));
            assertEquals(info, peer.receive(TIMEOUT_MS).parentId());
        }
    }

    @Test
    void aReplayedRequestIsDroppedWithALogLineAndRunsOnce() {
        fixture.client.execute("int replays = 0;", TIMEOUT_MS);
        int logged = replayLines();
        ConnectionInfo b = fixture.connection.info();
        try (RawPeer peer = new RawPeer(b.shellPort(), KEY); RawPeer stranger = new RawPeer(b.shellPort(), KEY)) {
            String id = UUID.randomUUID().toString();
            List<byte[]> frames = peer.request(id, "execute_request",
                    "{\"code\": \"replays++;\", \"silent\": false, \"store_history\": true, \"user_expressions\": {},"
                            + " \"allow_stdin\": false}");
            peer.send(frames);
            RawPeer.Frames first = peer.receive(TIMEOUT_MS);
            assertEquals("execute_reply", first.type());
            assertEquals("ok", first.content().get("status").getAsString());
            fixture.client.iopubUntilIdle(id, TIMEOUT_MS);

            peer.send(frames); // byte for byte, from the same peer
            stranger.send(frames); // and from another connection
            // shell requests are answered in order: had a replay run, its execute_reply would come first
            String after = UUID.randomUUID().toString();
            peer.send(peer.request(after, "kernel_info_request", "{}"));
            assertEquals(after, peer.receive(TIMEOUT_MS).parentId());
            String strangerAfter = UUID.randomUUID().toString();
            stranger.send(stranger.request(strangerAfter, "kernel_info_request", "{}"));
            assertEquals(strangerAfter, stranger.receive(TIMEOUT_MS).parentId());
        }
        assertEquals("1", fixture.client.execute("replays", TIMEOUT_MS).result());
        assertEquals(logged + 2, replayLines(), "one WARNING per replay");
    }

    private static int replayLines() {
        return (int) fixture.log().stream()
                .filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
                .filter(r -> new java.util.logging.SimpleFormatter().formatMessage(r).contains("replayed"))
                .count();
    }
}
