package org.bitspike.jupyter.wire;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import com.google.gson.stream.MalformedJsonException;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** The one place JSON is read and written, so every frame and file follows the same rules. */
final class Json {

    private static final TypeAdapter<JsonElement> ELEMENT = new Gson().getAdapter(JsonElement.class);

    private Json() {}

    /**
     * Serialises {@code object} to UTF-8 bytes; throws IllegalArgumentException for NaN or infinities,
     * which JSON cannot carry (a browser frontend's JSON.parse would reject the whole message).
     */
    static byte[] bytes(JsonObject object) {
        StringWriter text = new StringWriter();
        JsonWriter writer = new JsonWriter(text);
        writer.setStrictness(Strictness.STRICT);
        // NOTE: not HTML-safe: "<" stays "<" rather than "\u003c"; both are valid JSON, this is shorter.
        writer.setHtmlSafe(false);
        try {
            ELEMENT.write(writer, object);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** What kind of value {@code e} is, for error messages: "an object", "a string", ... */
    static String kind(JsonElement e) {
        if (e.isJsonObject()) {
            return "an object";
        }
        if (e.isJsonArray()) {
            return "an array";
        }
        if (e.isJsonNull()) {
            return "null";
        }
        JsonPrimitive p = e.getAsJsonPrimitive();
        return p.isString() ? "a string" : p.isNumber() ? "a number" : "a boolean";
    }

    /**
     * Parses UTF-8 bytes as one strict JSON value (RFC 8259: no comments, no NaN, no trailing text).
     *
     * @throws MalformedJsonException when the bytes are not well-formed UTF-8 (naming the byte offset and the
     *                                bytes there) or not strict JSON
     */
    static JsonElement parse(byte[] utf8) throws IOException {
        return parse(new StringReader(decode(utf8)));
    }

    /**
     * {@code utf8} decoded strictly. NOTE: {@code new String(bytes, UTF_8)} replaces each malformed sequence
     * with U+FFFD, so a frame with invalid bytes would be accepted with other text than was signed and sent;
     * RFC 8259 requires UTF-8, so such a frame is refused instead, naming where the bad bytes are.
     */
    private static String decode(byte[] utf8) throws MalformedJsonException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(utf8);
        CharBuffer out = CharBuffer.allocate(utf8.length); // UTF-8 never decodes to more chars than bytes
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int at = in.position();
            int length = Math.min(result.length(), utf8.length - at);
            StringBuilder bytes = new StringBuilder();
            for (int i = at; i < at + length; i++) {
                bytes.append(bytes.length() == 0 ? "" : " ").append(String.format("0x%02x", utf8[i] & 0xff));
            }
            throw new MalformedJsonException("invalid UTF-8 at byte offset " + at + " of " + utf8.length + ": "
                    + (length == 1 ? "the byte " + bytes + " is" : "the bytes " + bytes + " are") + " not a character"
                    + " (JSON text must be UTF-8)");
        }
        out.flip();
        return out.toString();
    }

    /** Parses one strict JSON value from {@code in}; the reader is not closed. */
    static JsonElement parse(Reader in) throws IOException {
        JsonReader reader = new JsonReader(in);
        reader.setStrictness(Strictness.STRICT);
        JsonElement element;
        try {
            element = ELEMENT.read(reader);
        } catch (RuntimeException e) {
            // Gson reports some syntax errors as JsonParseException or IllegalStateException.
            throw new MalformedJsonException(e.getMessage(), e);
        }
        if (reader.peek() != JsonToken.END_DOCUMENT) {
            throw new MalformedJsonException("text after the JSON value at " + reader.getPath());
        }
        return element;
    }
}
