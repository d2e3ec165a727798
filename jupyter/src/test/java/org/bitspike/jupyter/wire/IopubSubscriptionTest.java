package org.bitspike.jupyter.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/**
 * Attack t13: a subscriber floods iopub with distinct subscriptions (each once cost the XPUB's trie memory).
 * iopub is in manual mode and applies the empty topic only, so the flood costs reads, not memory: the kernel
 * serves on, and a frontend that subscribes to everything gets its status messages.
 */
class IopubSubscriptionTest {

    private static final String KEY = "9a41c7e2-5b0d-4e8f-a136-2d7c9f05b8e4";
    private static final int TOPICS = 50_000;

    private LogCapture log;
    private final List<String> fatal = new CopyOnWriteArrayList<>();

    @BeforeEach
    void captureLog() {
        log = new LogCapture();
    }

    @AfterEach
    void releaseLog() {
        log.close();
        assertEquals(List.of(), fatal, "no fatal error");
    }

    @Test
    void aFloodOfDistinctSubscriptionsCostsNothingAndFrontendsAreServed() throws Exception {
        WireOptions options = WireOptions.defaults().withOnFatal((thread, error) -> fatal.add(thread + ": " + error));
        ConnectionInfo info = new ConnectionInfo("tcp", "127.0.0.1", 0, 0, 0, 0, 0, "hmac-sha256", KEY, "bitspike");
        try (KernelConnection kernel = KernelConnection.open(info, (channel, request, c) -> {
                    c.publish(Message.broadcast(request, "status", state("busy")));
                    JsonObject ok = new JsonObject();
                    ok.addProperty("status", "ok");
                    c.send(channel, Message.reply(request, "kernel_info_reply", ok));
                    c.publish(Message.broadcast(request, "status", state("idle")));
                }, options);
                ZMQ.Context context = ZMQ.context(1);
                ZMQ.Socket flood = context.socket(SocketType.SUB)) {
            flood.setLinger(0);
            flood.connect(kernel.info().address(kernel.info().iopubPort()));
            for (int i = 0; i < TOPICS; i++) {
                flood.subscribe(("topic-" + i).getBytes(StandardCharsets.US_ASCII));
            }
            try (Client client = new Client(kernel.info(), KEY, "frontend-1")) {
                // counts the empty-topic subscriptions only: the flood's do not release it
                assertTrue(kernel.awaitIopubSubscription(30, TimeUnit.SECONDS), "the frontend's subscription never arrived");
                client.send(Channel.SHELL, Message.request("s", "kernel_info_request", new JsonObject()));
                assertEquals("kernel_info_reply", client.receive(Channel.SHELL).type());
                for (String expected : List.of("busy", "idle")) {
                    Message status = client.receive(Channel.IOPUB);
                    assertEquals(expected, status.content().get("execution_state").getAsString());
                }
                client.sendFrames(Channel.HEARTBEAT, List.of(new byte[] {7}));
                assertEquals(7, client.receiveFrames(Channel.HEARTBEAT).get(0)[0]);
            }
            assertFalse(kernel.failed());
        }
    }

    private static JsonObject state(String s) {
        JsonObject o = new JsonObject();
        o.addProperty("execution_state", s);
        return o;
    }
}
