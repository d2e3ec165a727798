package org.bitspike.jupyter.wire;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.stream.MalformedJsonException;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** {@link Json#parse(byte[])} decodes UTF-8 strictly: bad bytes are refused with their offset, not replaced. */
class JsonTest {

    private static byte[] concat(String before, int[] bad, String after) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(before.getBytes(UTF_8));
        for (int b : bad) {
            out.write(b);
        }
        out.writeBytes(after.getBytes(UTF_8));
        return out.toByteArray();
    }

    private static int[] hex(String bytes) {
        String[] parts = bytes.split(" ");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Integer.parseInt(parts[i], 16);
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "a stray continuation byte | 80 | 0x80",
        "a byte that never occurs   | ff | 0xff",
        "an overlong slash          | c0 af | 0xc0",
        "an encoded surrogate       | ed a0 80 | 0xed",
        "a truncated sequence       | e2 82 | 0xe2 0x82",
        "a code point past U+10FFFF | f4 90 80 80 | 0xf4"})
    void invalidUtf8IsRefusedNamingTheByteOffset(String what, String bytes, String named) {
        String before = "{\"code\": \"x = \u00e9";
        byte[] frame = concat(before, hex(bytes), "\"}");
        MalformedJsonException e = assertThrows(MalformedJsonException.class, () -> Json.parse(frame), what);
        int offset = before.getBytes(UTF_8).length;
        assertTrue(e.getMessage().startsWith("invalid UTF-8 at byte offset " + offset + " of " + frame.length + ": "),
                e.getMessage());
        assertTrue(e.getMessage().contains(named), e.getMessage());
        assertTrue(e.getMessage().contains("must be UTF-8"), e.getMessage());
    }

    @Test
    void validUtf8IsDecodedExactly() throws Exception {
        String text = "{\"code\": \"\u00e9\u20ac\ud83d\ude00 \\ud83d\\ude00\"}";
        assertEquals("\u00e9\u20ac\ud83d\ude00 \ud83d\ude00",
                Json.parse(text.getBytes(UTF_8)).getAsJsonObject().get("code").getAsString());
        assertEquals(0, Json.parse("{}".getBytes(UTF_8)).getAsJsonObject().size());
    }

    @Test
    void aSignedFrameWithInvalidUtf8IsBadJsonNamingTheFrameAndTheOffset() {
        Signer signer = Signer.of("hmac-sha256", "a0436f6c-1916-498b-8eb9-e81ab9368e84");
        byte[] content = concat("{\"code\": \"print(1)", new int[] {0xff}, "\"}");
        List<byte[]> json = List.of(
                "{\"msg_id\": \"1\", \"msg_type\": \"execute_request\", \"session\": \"s\", \"username\": \"u\",\"version\": \"5.3\"}"
                        .getBytes(UTF_8),
                "{}".getBytes(UTF_8), "{}".getBytes(UTF_8), content);
        List<byte[]> frames = new ArrayList<>();
        frames.add(WireCodec.DELIMITER);
        frames.add(signer.sign(json).getBytes(UTF_8));
        frames.addAll(json);
        WireException e = assertThrows(WireException.class, () -> WireCodec.decode(frames, signer));
        assertEquals(WireException.Reason.BAD_JSON, e.reason());
        assertTrue(e.getMessage().contains("content frame"), e.getMessage());
        assertTrue(e.getMessage().contains("byte offset 18 of 21"), e.getMessage());
    }
}
