package org.bitspike.jupyter.wire;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Attacks t03b and t09: correctly signed requests whose frames are not what the protocol says get an error reply
 * naming the frame or field when the header says where to send it (and are dropped with a log line only when it
 * does not); a flood of unsigned messages gives a bounded number of log lines.
 */
class MalformedRequestTest {

    private static final String KEY = "3d7e1a95-c2b4-48f0-96ad-e05b7c2f1a83";
    private static final Signer SIGNER = Signer.of("hmac-sha256", KEY);

    @RegisterExtension
    final LogCapture log = new LogCapture();
    private final List<String> fatal = new CopyOnWriteArrayList<>();

    @AfterEach
    void noFatalError() {
        assertEquals(List.of(), fatal, "no fatal error");
    }

    @Test
    void aSignedRequestWithAFrameThatIsNoObjectGetsAnErrorReplyNamingTheFrame() throws Exception {
        try (KernelConnection kernel = open(); Client client = new Client(kernel.info(), KEY, "frontend-1")) {
            for (int frame = 1; frame < 4; frame++) {
                Message request = Message.request("s", "kernel_info_request", new JsonObject());
                List<byte[]> json = new ArrayList<>(List.of(request.header().toString().getBytes(UTF_8), "{}".getBytes(UTF_8),
                        "{}".getBytes(UTF_8), "{}".getBytes(UTF_8)));
                json.set(frame, "[1, 2]".getBytes(UTF_8));
                client.sendFrames(Channel.SHELL, signed(json));
                Message reply = client.receive(Channel.SHELL);
                assertEquals("kernel_info_reply", reply.type());
                assertEquals("error", reply.content().get("status").getAsString());
                String name = List.of("header", "parent_header", "metadata", "content").get(frame);
                assertTrue(reply.content().get("evalue").getAsString().contains("the " + name + " frame: expected an object"),
                        reply.content().toString());
            }
        }
    }

    @Test
    void aSignedRequestWhoseHeaderLacksAStringMsgIdGetsAnErrorReplyNamingTheField() throws Exception {
        try (KernelConnection kernel = open(); Client client = new Client(kernel.info(), KEY, "frontend-1")) {
            for (String id : new String[] {null, "42"}) {
                JsonObject header = Message.request("s", "execute_request", new JsonObject()).header().deepCopy();
                header.remove("msg_id");
                if (id != null) {
                    header.addProperty("msg_id", Integer.parseInt(id));
                }
                client.sendFrames(Channel.CONTROL, signed(List.of(header.toString().getBytes(UTF_8), "{}".getBytes(UTF_8),
                        "{}".getBytes(UTF_8), "{}".getBytes(UTF_8))));
                Message reply = client.receive(Channel.CONTROL);
                assertEquals("execute_reply", reply.type());
                assertTrue(reply.content().get("evalue").getAsString().contains("msg_id"), reply.content().toString());
            }
            // a header that says nothing of where to reply: dropped with a log line, and the next request is served
            client.sendFrames(Channel.SHELL, signed(List.of("{\"msg_id\": \"x\"}".getBytes(UTF_8), "{}".getBytes(UTF_8),
                    "{}".getBytes(UTF_8), "{}".getBytes(UTF_8))));
            client.send(Channel.SHELL, Message.request("s", "kernel_info_request", new JsonObject()));
            assertEquals("kernel_info_reply", client.receive(Channel.SHELL).type());
            assertTrue(log.messages(Level.WARNING).stream().anyMatch(w -> w.contains("the header has no msg_type")),
                    () -> log.messages(Level.WARNING).toString());
        }
    }

    @Test
    void aFloodOfUnsignedMessagesGivesABoundedNumberOfLogLines() throws Exception {
        int flood = 2_000;
        try (KernelConnection kernel = open(); Client client = new Client(kernel.info(), KEY, "frontend-1")) {
            List<byte[]> unsigned = new ArrayList<>(List.of("<IDS|MSG>".getBytes(UTF_8), new byte[0]));
            for (int i = 0; i < 4; i++) {
                unsigned.add("{}".getBytes(UTF_8));
            }
            for (int i = 0; i < flood; i++) {
                client.sendFrames(Channel.SHELL, unsigned);
            }
            // in order on one connection: when this is answered, the flood has been read
            client.send(Channel.SHELL, Message.request("s", "kernel_info_request", new JsonObject()));
            assertEquals("kernel_info_reply", client.receive(Channel.SHELL).type());
            assertEquals(SocketLoop.DROP_WARNINGS, log.messages(Level.WARNING).size());
        }
    }

    private static List<byte[]> signed(List<byte[]> json) {
        List<byte[]> frames = new ArrayList<>();
        frames.add("<IDS|MSG>".getBytes(UTF_8));
        frames.add(SIGNER.sign(json).getBytes(UTF_8));
        frames.addAll(json);
        return frames;
    }

    private KernelConnection open() {
        WireOptions options = WireOptions.defaults().withOnFatal((thread, error) -> fatal.add(thread + ": " + error));
        return KernelConnection.open(TestKernels.loopback(KEY), TestKernels::replyOk, options);
    }
}
