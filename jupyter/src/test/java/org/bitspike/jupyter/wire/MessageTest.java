package org.bitspike.jupyter.wire;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageTest {

    private static final String DATE = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}Z";

    @Test
    void replyAnswersTheRequest() {
        Message request = decodedRequest();
        JsonObject content = new JsonObject();
        content.addProperty("status", "ok");
        Message reply = Message.reply(request, "kernel_info_reply", content);

        JsonObject h = reply.header();
        assertEquals("kernel_info_reply", reply.type());
        assertEquals("kernel_info_reply", h.get("msg_type").getAsString());
        assertEquals(reply.id(), h.get("msg_id").getAsString());
        assertNotEquals(request.id(), reply.id());
        assertEquals("session-1", h.get("session").getAsString());
        assertEquals("alice", h.get("username").getAsString());
        assertEquals("5.3", h.get("version").getAsString());
        assertTrue(h.get("date").getAsString().matches(DATE), h.get("date").getAsString());
        assertSame(request.header(), reply.parentHeader());
        assertEquals(request.id(), reply.parentId());
        assertEquals(new JsonObject(), reply.metadata());
        assertSame(content, reply.content());
        assertEquals(1, reply.identities().size());
        assertArrayEquals("client-7".getBytes(UTF_8), reply.identities().get(0));
        assertTrue(reply.buffers().isEmpty());
    }

    @Test
    void broadcastHasTheTypeAsTopicAndAnOptionalParent() {
        Message request = decodedRequest();
        JsonObject busy = new JsonObject();
        busy.addProperty("execution_state", "busy");

        Message child = Message.broadcast(request, "status", busy);
        assertEquals(List.of("status"), child.identities().stream().map(b -> new String(b, UTF_8)).toList());
        assertSame(request.header(), child.parentHeader());
        assertEquals("session-1", child.header().get("session").getAsString());

        Message orphan = Message.broadcast(null, "status", busy);
        assertEquals(new JsonObject(), orphan.parentHeader());
        assertEquals(null, orphan.parentId());
        assertTrue(!orphan.header().get("session").getAsString().isEmpty());
        assertTrue(orphan.header().get("date").getAsString().matches(DATE));
    }

    @Test
    void withersReplaceOnlyTheirPart() {
        Message m = Message.request("s", "comm_msg", new JsonObject());
        JsonObject meta = new JsonObject();
        meta.addProperty("k", 1);
        Message withBuffers = m.withBuffers(List.of(new byte[] {1, 2}, new byte[0])).withMetadata(meta);
        assertEquals(2, withBuffers.buffers().size());
        assertSame(meta, withBuffers.metadata());
        assertSame(m.header(), withBuffers.header());
        assertTrue(m.buffers().isEmpty());
    }

    /** A request as the kernel sees it after decoding: identities from the ROUTER socket. */
    private static Message decodedRequest() {
        JsonObject header = new JsonObject();
        header.addProperty("msg_id", "req-1");
        header.addProperty("session", "session-1");
        header.addProperty("username", "alice");
        header.addProperty("date", "2024-05-01T10:00:00.000001Z");
        header.addProperty("msg_type", "kernel_info_request");
        header.addProperty("version", "5.3");
        return new Message(header, new JsonObject(), new JsonObject(), new JsonObject(),
                List.of("client-7".getBytes(UTF_8)), List.of());
    }
}
