package org.bitspike.jupyter.wire;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WireCodecTest {

    private static final Signer SIGNER = Signer.of("hmac-sha256", "a0436f6c-1916-498b-8eb9-e81ab9368e84");
    private static final String HEADER = "{\"msg_id\":\"m1\",\"msg_type\":\"execute_request\",\"session\":\"s\","
            + "\"username\":\"u\",\"date\":\"2024-05-01T10:00:00.000001Z\",\"version\":\"5.3\"}";

    @Test
    void roundTripKeepsIdentitiesBuffersAndUnicode() {
        JsonObject content = new JsonObject();
        content.addProperty("code", "print(\"h\u00e9llo \u2713 \uD83D\uDE80 <b>&</b>\")\n\t\u0000");
        JsonArray list = new JsonArray();
        list.add(1.5);
        list.add(-0L);
        list.add(Long.MAX_VALUE);
        content.add("values", list);
        Message request = Message.request("s", "execute_request", content)
                .withIdentities(List.of(new byte[] {0, 1, -128, 127}, "second".getBytes(UTF_8)))
                .withBuffers(List.of(new byte[] {-1, 0, 1}, new byte[0]))
                .withMetadata(metadata());
        Message reply = Message.reply(request, "execute_reply", content);

        for (Message m : List.of(request, reply)) {
            List<byte[]> frames = WireCodec.encode(m, SIGNER);
            assertArrayEquals("<IDS|MSG>".getBytes(UTF_8), frames.get(2));
            assertEquals(2 + 1 + 5 + m.buffers().size(), frames.size());
            Message back = WireCodec.decode(frames, SIGNER);
            assertEquals(m.header(), back.header());
            assertEquals(m.parentHeader(), back.parentHeader());
            assertEquals(m.metadata(), back.metadata());
            assertEquals(m.content(), back.content());
            assertEquals(m.type(), back.type());
            assertEquals(m.id(), back.id());
            assertBytesEqual(m.identities(), back.identities());
            assertBytesEqual(m.buffers(), back.buffers());
        }
    }

    @Test
    void signatureFrameIsTheHmacOfTheFourJsonFrames() {
        List<byte[]> frames = WireCodec.encode(Message.request("s", "kernel_info_request", new JsonObject()), SIGNER);
        assertEquals(SIGNER.sign(frames.subList(2, 6)), new String(frames.get(1), UTF_8));
        assertEquals(0, Signer.of("hmac-sha256", "").sign(frames.subList(2, 6)).length());
    }

    @Test
    void noDelimiter() {
        assertReason(WireException.Reason.NO_DELIMITER, List.of());
        assertReason(WireException.Reason.NO_DELIMITER, List.of(b("id"), b("<IDS|MSG"), b(HEADER)));
    }

    @Test
    void tooFewFrames() {
        List<byte[]> frames = signed(HEADER, "{}", "{}", "{}");
        assertReason(WireException.Reason.TOO_FEW_FRAMES, frames.subList(0, frames.size() - 1));
        assertReason(WireException.Reason.TOO_FEW_FRAMES, List.of(b("<IDS|MSG>")));
    }

    @Test
    void unsignedWhenAKeyIsSet() {
        List<byte[]> frames = signed(HEADER, "{}", "{}", "{}");
        frames.set(2, new byte[0]);
        assertReason(WireException.Reason.UNSIGNED, frames);
        // With signing off the same frames are fine.
        assertEquals("execute_request", WireCodec.decode(frames, Signer.of("hmac-sha256", "")).type());
    }

    @Test
    void badSignature() {
        List<byte[]> frames = signed(HEADER, "{}", "{}", "{\"code\":\"1\"}");
        frames.set(6, b("{\"code\":\"2\"}"));
        assertReason(WireException.Reason.BAD_SIGNATURE, frames);
        List<byte[]> forged = signed(HEADER, "{}", "{}", "{}");
        forged.set(2, b(Signer.of("hmac-sha256", "guess").sign(forged.subList(3, 7))));
        assertReason(WireException.Reason.BAD_SIGNATURE, forged);
    }

    @Test
    void badJson() {
        assertReason(WireException.Reason.BAD_JSON, signed("{\"msg_id\":", "{}", "{}", "{}"), "header");
        assertReason(WireException.Reason.BAD_JSON, signed(HEADER, "[]", "{}", "{}"), "parent_header");
        assertReason(WireException.Reason.BAD_JSON, signed(HEADER, "{}", "{} {}", "{}"), "metadata");
        assertReason(WireException.Reason.BAD_JSON, signed(HEADER, "{}", "{}", "{'single': 1}"), "content");
        assertReason(WireException.Reason.BAD_JSON, signed(HEADER, "{}", "{}", "{\"x\": NaN}"), "content");
        assertReason(WireException.Reason.BAD_JSON, signed(HEADER, "{}", "{}", "\"text\""), "content");
        assertReason(WireException.Reason.BAD_JSON, signed(HEADER, "{}", "{}", "[".repeat(10_000)), "content");
    }

    @Test
    void missingOrNonStringMsgTypeOrId() {
        assertReason(WireException.Reason.BAD_HEADER, signed("{\"msg_id\":\"m\"}", "{}", "{}", "{}"), "msg_type");
        assertReason(WireException.Reason.BAD_HEADER, signed("{\"msg_id\":\"m\",\"msg_type\":7}", "{}", "{}", "{}"), "msg_type");
        assertReason(WireException.Reason.BAD_HEADER, signed("{\"msg_type\":\"x\"}", "{}", "{}", "{}"), "msg_id");
    }

    @Test
    void encodeRefusesNaNNamingThePart() {
        JsonObject content = new JsonObject();
        content.addProperty("x", Double.NaN);
        WireException e = assertThrows(WireException.class,
                () -> WireCodec.encode(Message.request("s", "comm_msg", content), SIGNER));
        assertEquals(WireException.Reason.ENCODE, e.reason());
        assertTrue(e.getMessage().contains("content"), e.getMessage());
    }

    /** Frames [identity, delimiter, signature, four JSON texts], signed with {@link #SIGNER}. */
    static List<byte[]> signed(String header, String parent, String metadata, String content) {
        List<byte[]> json = List.of(b(header), b(parent), b(metadata), b(content));
        List<byte[]> frames = new ArrayList<>();
        frames.add(b("client"));
        frames.add(b("<IDS|MSG>"));
        frames.add(b(SIGNER.sign(json)));
        frames.addAll(json);
        return frames;
    }

    private static void assertReason(WireException.Reason reason, List<byte[]> frames, String... mentions) {
        WireException e = assertThrows(WireException.class, () -> WireCodec.decode(frames, SIGNER));
        assertEquals(reason, e.reason(), e.getMessage());
        for (String word : mentions) {
            assertTrue(e.getMessage().contains(word), () -> e.getMessage() + " should mention " + word);
        }
    }

    private static void assertBytesEqual(List<byte[]> expected, List<byte[]> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), "frame " + i);
        }
    }

    private static JsonObject metadata() {
        JsonObject m = new JsonObject();
        m.addProperty("deletedCells", "[]");
        return m;
    }

    private static byte[] b(String s) {
        return s.getBytes(UTF_8);
    }
}
