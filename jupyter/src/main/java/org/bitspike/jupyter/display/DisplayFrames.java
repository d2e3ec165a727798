package org.bitspike.jupyter.display;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * The frames that carry rich output in-band on the agent's standard output:
 * {@code ESC ] b s ;}, then the standard base64 of a UTF-8 JSON object, then {@code BEL}. The agent
 * writes them with {@link #encode}; the kernel feeds the agent's output bytes through a
 * {@link Filter}, which hands it text and frames in the order they were written.
 *
 * <pre>{@code
 * String bytesOnStdout = DisplayFrames.encode(DisplayFrames.displayData(new MimeBundle().text("hi"), "id-1"));
 *
 * DisplayFrames.Filter filter = new DisplayFrames.Filter(new DisplayFrames.Listener() {
 *     public void text(String s) { ... publish a stream message ... }
 *     public void frame(JsonObject f) { ... publish a display message of kind f.get("kind") ... }
 * });
 * agentStdout.transferTo(filter);
 * }</pre>
 *
 * <p>NOTE: the base64 payload never contains ESC, BEL or a line break, so a frame survives
 * line-oriented buffering, and a byte outside the base64 alphabet inside a frame reliably means the
 * frame was cut short.
 */
public final class DisplayFrames {
    /** The bytes (ASCII) that open a frame. */
    public static final String START = "\u001b]bs;";
    /** The byte that closes a frame. */
    public static final char END = '\u0007';
    /** The default bound on a frame's base64 payload: a longer one is dropped, not buffered. */
    public static final int MAX_FRAME_BYTES = 64 << 20;

    private static final byte ESC = 0x1b;
    private static final byte BEL = 0x07;
    private static final byte[] START_BYTES = START.getBytes(UTF_8);

    private DisplayFrames() {
    }

    /** What a frame asks the kernel to publish: the Jupyter IOPub message type of that name. */
    public enum Kind {
        DISPLAY_DATA("display_data"),
        UPDATE_DISPLAY_DATA("update_display_data"),
        CLEAR_OUTPUT("clear_output"),
        EXECUTE_RESULT("execute_result"),
        /** Text for the front end's pager: the kernel returns it as an {@code execute_reply} payload. */
        PAGE("page");

        private final String jsonName;

        Kind(String jsonName) {
            this.jsonName = jsonName;
        }

        /** The name in a frame's {@code "kind"} field, which is also the Jupyter message type. */
        public String jsonName() {
            return jsonName;
        }

        /** The kind called {@code name} in a frame, if any. */
        public static Optional<Kind> of(String name) {
            return Arrays.stream(values()).filter(k -> k.jsonName.equals(name)).findFirst();
        }
    }

    // ------------------------------------------------------------------ making frames

    /** A {@code display_data} frame showing {@code bundle} in a new display {@code displayId}. */
    public static JsonObject displayData(MimeBundle bundle, String displayId) {
        return withBundle(Kind.DISPLAY_DATA, bundle, Objects.requireNonNull(displayId, "displayId"));
    }

    /** An {@code update_display_data} frame replacing the content of display {@code displayId}. */
    public static JsonObject updateDisplayData(MimeBundle bundle, String displayId) {
        return withBundle(Kind.UPDATE_DISPLAY_DATA, bundle, Objects.requireNonNull(displayId, "displayId"));
    }

    /** An {@code execute_result} frame; the kernel adds the execution count. */
    public static JsonObject executeResult(MimeBundle bundle) {
        return withBundle(Kind.EXECUTE_RESULT, bundle, null);
    }

    /** A {@code page} frame: {@code bundle} shown in the front end's pager (a help text, a long listing). */
    public static JsonObject page(MimeBundle bundle) {
        return withBundle(Kind.PAGE, bundle, null);
    }

    /** A {@code clear_output} frame; with {@code wait} the front end clears when the next output arrives. */
    public static JsonObject clearOutput(boolean wait) {
        JsonObject f = new JsonObject();
        f.addProperty("kind", Kind.CLEAR_OUTPUT.jsonName());
        f.addProperty("wait", wait);
        return f;
    }

    private static JsonObject withBundle(Kind kind, MimeBundle bundle, String displayId) {
        JsonObject f = new JsonObject();
        f.addProperty("kind", kind.jsonName());
        f.add("data", bundle.dataJson());
        f.add("metadata", bundle.metadata());
        JsonObject transientFields = new JsonObject();
        if (displayId != null) {
            transientFields.addProperty("display_id", displayId);
        }
        f.add("transient", transientFields);
        return f;
    }

    /** The kind of a frame, or empty when its {@code "kind"} is missing or unknown. */
    public static Optional<Kind> kind(JsonObject frame) {
        JsonElement k = frame.get("kind");
        return k != null && k.isJsonPrimitive() && k.getAsJsonPrimitive().isString() ? Kind.of(k.getAsString()) : Optional.empty();
    }

    /**
     * The characters of {@code frame} on the wire (all ASCII): {@link #START}, base64 of its UTF-8
     * JSON, {@link #END}.
     *
     * @throws IllegalArgumentException when the frame has no known {@code "kind"}
     */
    public static String encode(JsonObject frame) {
        if (kind(frame).isEmpty()) {
            throw new IllegalArgumentException("DisplayFrames.encode: \"kind\" must be one of "
                    + Arrays.stream(Kind.values()).map(Kind::jsonName).toList() + ", got " + frame.get("kind"));
        }
        return START + Base64.getEncoder().encodeToString(frame.toString().getBytes(UTF_8)) + END;
    }

    // ------------------------------------------------------------------ reading frames

    /** Receives what a {@link Filter} cuts out of a byte stream, in stream order. */
    public interface Listener {
        /** Text outside frames (never empty; a multi-byte character is never split between calls). */
        void text(String s);

        /** A well-formed frame: a JSON object with a known {@code "kind"}. */
        void frame(JsonObject frame);

        /**
         * A frame that could not be read was dropped, for the reason given (one line, no trailing
         * newline). By default it becomes a note in the text.
         */
        default void malformed(String reason) {
            text("[bitspike display: " + reason + "]\n");
        }
    }

    /**
     * The kernel's side: an output stream that the agent's standard output bytes are written to,
     * passing text and frames to a {@link Listener}.
     *
     * <ul>
     *   <li>Text is decoded as UTF-8 (malformed bytes become U+FFFD); a character split across writes
     *       is kept until its last byte arrives. Decoded text is delivered at the end of each write.</li>
     *   <li>Text before a frame is delivered before the frame; a frame split across any number of
     *       writes is reassembled.</li>
     *   <li>An {@code ESC} that does not start {@link #START} is text. Only the few bytes of a possible
     *       start are held back between writes.</li>
     *   <li>A frame that cannot be read is reported through {@link Listener#malformed} and dropped:
     *       bad base64, bad JSON, an unknown kind, a byte outside the base64 alphabet before its
     *       {@code BEL} (the frame was cut short; that byte and what follows are read again as text),
     *       or a payload longer than the bound (skipped to its {@code BEL} without being buffered).
     *       Memory stays bounded by the frame bound.</li>
     * </ul>
     * Exceptions thrown by the listener propagate to the writer, with the filter left consistent.
     * Not thread-safe: one thread writes.
     */
    public static final class Filter extends OutputStream {
        private enum State { TEXT, FRAME, SKIP }

        private final Listener listener;
        private final int maxFrameBytes;
        private final CharsetDecoder decoder = UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        private final ByteBuffer undecoded = ByteBuffer.allocate(8192);
        private final CharBuffer decoded = CharBuffer.allocate(8192);
        private final StringBuilder text = new StringBuilder();
        private State state = State.TEXT;
        /** In TEXT: how many bytes of {@link #START} have been seen (held back, not yet text). */
        private int startMatched;
        private byte[] payload = new byte[256];
        private int payloadLength;
        private boolean closed;
        private final byte[] oneByte = new byte[1];

        /** A filter with the default frame bound {@link #MAX_FRAME_BYTES}. */
        public Filter(Listener listener) {
            this(listener, MAX_FRAME_BYTES);
        }

        /** A filter that drops frames whose payload exceeds {@code maxFrameBytes}. */
        public Filter(Listener listener, int maxFrameBytes) {
            if (maxFrameBytes < 1) {
                throw new IllegalArgumentException("DisplayFrames.Filter: the frame bound must be positive, got " + maxFrameBytes);
            }
            this.listener = Objects.requireNonNull(listener, "listener");
            this.maxFrameBytes = maxFrameBytes;
        }

        @Override
        public void write(int b) throws IOException {
            oneByte[0] = (byte) b;
            write(oneByte, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (closed) {
                throw new IOException("DisplayFrames.Filter: write after close");
            }
            int end = off + len;
            int i = off;
            while (i < end) {
                i = switch (state) {
                    case TEXT -> text(b, i, end);
                    case FRAME, SKIP -> payload(b, i, end);
                };
            }
            deliverText(false);
        }

        /** Consumes text from {@code b[i]}; returns the next index to read. */
        private int text(byte[] b, int i, int end) {
            if (startMatched == 0) {
                int j = i;
                while (j < end && b[j] != ESC) {
                    j++;
                }
                decode(b, i, j - i);
                if (j < end) {
                    startMatched = 1;
                    j++;
                }
                return j;
            }
            if (b[i] != START_BYTES[startMatched]) {
                decode(START_BYTES, 0, startMatched); // not a frame: the held bytes were text
                startMatched = 0;
                return i; // read b[i] again: it may be another ESC
            }
            if (++startMatched == START_BYTES.length) {
                startMatched = 0;
                deliverText(true); // everything before the frame goes first
                state = State.FRAME;
                payloadLength = 0;
            }
            return i + 1;
        }

        /** Consumes a frame's payload from {@code b[i]} (stored in FRAME, discarded in SKIP). */
        private int payload(byte[] b, int i, int end) {
            int j = i;
            while (j < end && isBase64(b[j])) {
                j++;
            }
            if (state == State.FRAME) {
                if ((long) payloadLength + (j - i) > maxFrameBytes) {
                    state = State.SKIP;
                    payload = new byte[256];
                    payloadLength = 0;
                    listener.malformed("dropped a display frame longer than " + maxFrameBytes + " bytes");
                } else {
                    store(b, i, j - i);
                }
            }
            if (j == end) {
                return j;
            }
            boolean complete = b[j] == BEL;
            State was = state;
            state = State.TEXT;
            if (was == State.FRAME) {
                int length = payloadLength;
                byte[] bytes = payload;
                payloadLength = 0;
                if (payload.length > 1 << 20) {
                    payload = new byte[256]; // do not keep a large frame's buffer
                }
                if (complete) {
                    deliverFrame(bytes, length);
                } else {
                    listener.malformed("dropped an unterminated display frame (" + length + " bytes of payload, then byte 0x"
                            + Integer.toHexString(b[j] & 0xff) + ")");
                }
            }
            return complete ? j + 1 : j; // a byte that ended a cut frame is read again as text
        }

        private void store(byte[] b, int off, int len) {
            if (payloadLength + len > payload.length) {
                payload = Arrays.copyOf(payload, (int) Math.min(maxFrameBytes, Math.max(2L * payload.length, payloadLength + len)));
            }
            System.arraycopy(b, off, payload, payloadLength, len);
            payloadLength += len;
        }

        private void deliverFrame(byte[] bytes, int length) {
            JsonObject frame;
            try {
                byte[] json = Base64.getDecoder().decode(Arrays.copyOf(bytes, length));
                JsonElement e = JsonParser.parseString(new String(json, UTF_8));
                if (!e.isJsonObject()) {
                    listener.malformed("dropped a display frame whose JSON is not an object");
                    return;
                }
                frame = e.getAsJsonObject();
            } catch (IllegalArgumentException e) {
                listener.malformed("dropped a display frame with bad base64 (" + e.getMessage() + ")");
                return;
            } catch (JsonParseException e) {
                listener.malformed("dropped a display frame with bad JSON (" + firstLine(e.getMessage()) + ")");
                return;
            }
            if (kind(frame).isEmpty()) {
                listener.malformed("dropped a display frame of unknown kind " + frame.get("kind"));
                return;
            }
            listener.frame(frame);
        }

        private static boolean isBase64(byte c) {
            return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '=';
        }

        private static String firstLine(String s) {
            if (s == null) {
                return "no detail";
            }
            int nl = s.indexOf('\n');
            return nl < 0 ? s : s.substring(0, nl);
        }

        private void decode(byte[] b, int off, int len) {
            while (len > 0) {
                int n = Math.min(len, undecoded.remaining());
                undecoded.put(b, off, n);
                off += n;
                len -= n;
                undecoded.flip();
                decodeBuffered(false);
                undecoded.compact(); // at most 3 bytes of an incomplete character stay
            }
        }

        private void decodeBuffered(boolean endOfInput) {
            CoderResult r;
            do {
                r = decoder.decode(undecoded, decoded, endOfInput);
                decoded.flip();
                text.append(decoded);
                decoded.clear();
            } while (r.isOverflow()); // errors are replaced, so the result is overflow or underflow
        }

        /** Delivers the decoded text; at {@code endOfInput} an incomplete trailing character becomes U+FFFD. */
        private void deliverText(boolean endOfInput) {
            if (endOfInput) {
                undecoded.flip();
                decodeBuffered(true);
                decoder.flush(decoded);
                decoded.flip();
                text.append(decoded);
                decoded.clear();
                decoder.reset();
                undecoded.clear();
            }
            if (text.length() > 0) {
                String s = text.toString();
                text.setLength(0);
                listener.text(s);
            }
        }

        /** Delivers the decoded text (an incomplete character and a possible frame start are kept). */
        @Override
        public void flush() {
            deliverText(false);
        }

        /**
         * Ends the stream: held bytes are delivered as text, an incomplete character as U+FFFD, and
         * an unterminated frame is reported as malformed. Later writes fail; closing again does nothing.
         */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (startMatched > 0) {
                decode(START_BYTES, 0, startMatched);
                startMatched = 0;
            }
            if (state == State.FRAME) {
                listener.malformed("dropped an unterminated display frame at the end of the stream (" + payloadLength
                        + " bytes of payload)");
            }
            state = State.TEXT;
            payload = new byte[0];
            payloadLength = 0;
            deliverText(true);
        }
    }
}
