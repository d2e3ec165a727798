package org.bitspike.jupyter.wire;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Jupyter wire format: a message as a list of ZeroMQ frames and back.
 *
 * <pre>{@code
 * identities..., "<IDS|MSG>", signature, header, parent_header, metadata, content, buffers...
 * }</pre>
 *
 * The signature is {@link Signer#sign} of the four JSON frames. Stateless and thread-safe.
 */
public final class WireCodec {

    /** The frame that separates the routing identities from the message. */
    static final byte[] DELIMITER = "<IDS|MSG>".getBytes(StandardCharsets.US_ASCII);
    /** Frames after the delimiter before the buffers: signature and the four JSON objects. */
    private static final int FIXED_FRAMES = 5;
    private static final String[] JSON_FRAMES = {"header", "parent_header", "metadata", "content"};

    private WireCodec() {}

    /**
     * The frames of {@code m} (not modified), signed with {@code s}. The byte arrays of identities and
     * buffers are shared, not copied.
     *
     * @throws WireException ({@link WireException.Reason#ENCODE}) when a JSON object cannot be written,
     *                       e.g. it holds NaN or an infinity
     */
    public static List<byte[]> encode(Message m, Signer s) {
        byte[][] json = new byte[4][];
        JsonObject[] objects = {m.header(), m.parentHeader(), m.metadata(), m.content()};
        for (int i = 0; i < 4; i++) {
            try {
                json[i] = Json.bytes(objects[i]);
            } catch (RuntimeException e) {
                throw new WireException(WireException.Reason.ENCODE,
                        "cannot encode the " + JSON_FRAMES[i] + " of " + m + ": " + e.getMessage(), e);
            }
        }
        List<byte[]> jsonFrames = Arrays.asList(json);
        List<byte[]> frames = new ArrayList<>(m.identities().size() + 2 + 4 + m.buffers().size());
        frames.addAll(m.identities());
        frames.add(DELIMITER);
        frames.add(s.sign(jsonFrames).getBytes(StandardCharsets.US_ASCII));
        frames.addAll(jsonFrames);
        frames.addAll(m.buffers());
        return frames;
    }

    /**
     * The message in {@code frames} (not modified), after checking its signature with {@code s}.
     *
     * @throws WireException naming what is wrong: {@link WireException.Reason#NO_DELIMITER},
     *                       {@link WireException.Reason#TOO_FEW_FRAMES}, {@link WireException.Reason#UNSIGNED},
     *                       {@link WireException.Reason#BAD_SIGNATURE}, {@link WireException.Reason#BAD_JSON} or
     *                       {@link WireException.Reason#BAD_HEADER}; never any other exception
     */
    public static Message decode(List<byte[]> frames, Signer s) {
        int delimiter = -1;
        for (int i = 0; i < frames.size(); i++) {
            if (Arrays.equals(frames.get(i), DELIMITER)) {
                delimiter = i;
                break;
            }
        }
        if (delimiter < 0) {
            throw new WireException(WireException.Reason.NO_DELIMITER,
                    "no <IDS|MSG> delimiter among " + frames.size() + " frames");
        }
        int after = frames.size() - delimiter - 1;
        if (after < FIXED_FRAMES) {
            throw new WireException(WireException.Reason.TOO_FEW_FRAMES, "too few frames: " + after
                    + " after the delimiter, expected at least " + FIXED_FRAMES
                    + " (signature, header, parent_header, metadata, content)");
        }
        String signature = new String(frames.get(delimiter + 1), StandardCharsets.US_ASCII);
        List<byte[]> json = frames.subList(delimiter + 2, delimiter + 2 + 4);
        if (s.enabled() && signature.isEmpty()) {
            throw new WireException(WireException.Reason.UNSIGNED, "unsigned message: the signature frame is empty");
        }
        if (!s.verify(signature, json)) {
            throw new WireException(WireException.Reason.BAD_SIGNATURE,
                    "bad signature: it does not match the " + s.scheme() + " of the message under the connection key");
        }
        JsonObject[] objects = new JsonObject[4];
        for (int i = 0; i < 4; i++) {
            objects[i] = object(json.get(i), JSON_FRAMES[i]);
        }
        JsonObject header = objects[0];
        requireString(header, "msg_type");
        requireString(header, "msg_id");
        return new Message(header, objects[1], objects[2], objects[3],
                frames.subList(0, delimiter), frames.subList(delimiter + 2 + 4, frames.size()));
    }

    /**
     * For a message that {@link #decode} refused for its JSON ({@link WireException.Reason#BAD_JSON} or
     * {@link WireException.Reason#BAD_HEADER}, found after the signature was verified): the message as far as a
     * reply can be addressed to it, or null when it cannot be. It can when the header frame is a JSON object
     * with string {@code msg_type} and {@code session}; the parent header, metadata and content then become
     * empty objects where they are not objects, and a missing or non-string {@code msg_id} becomes a string (empty,
     * or the JSON text of what was there). Frames as given to {@code decode}; not modified.
     */
    static Message salvage(List<byte[]> frames) {
        int delimiter = -1;
        for (int i = 0; i < frames.size(); i++) {
            if (Arrays.equals(frames.get(i), DELIMITER)) {
                delimiter = i;
                break;
            }
        }
        if (delimiter < 0 || frames.size() - delimiter - 1 < FIXED_FRAMES) {
            return null;
        }
        JsonObject[] objects = new JsonObject[4];
        for (int i = 0; i < 4; i++) {
            try {
                objects[i] = object(frames.get(delimiter + 2 + i), JSON_FRAMES[i]);
            } catch (WireException e) {
                if (i == 0) {
                    return null;
                }
                objects[i] = new JsonObject();
            }
        }
        JsonObject header = objects[0];
        for (String field : new String[] {"msg_type", "session"}) {
            JsonElement e = header.get(field);
            if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
                return null;
            }
        }
        JsonElement id = header.get("msg_id");
        if (id == null || !id.isJsonPrimitive() || !id.getAsJsonPrimitive().isString()) {
            // NOTE: the reply's parent header must carry a string msg_id; a client matching on it finds none of its own
            // either way, and the text of what it sent is the most it can recognise
            header = header.deepCopy();
            header.addProperty("msg_id", id == null ? "" : id.toString());
        }
        return new Message(header, objects[1], objects[2], objects[3], frames.subList(0, delimiter), List.of());
    }

    private static JsonObject object(byte[] frame, String name) {
        JsonElement e;
        try {
            e = Json.parse(frame);
        } catch (IOException | RuntimeException ex) {
            throw new WireException(WireException.Reason.BAD_JSON, "bad JSON in the " + name + " frame: " + ex.getMessage(), ex);
        }
        if (!e.isJsonObject()) {
            throw new WireException(WireException.Reason.BAD_JSON, "bad JSON in the " + name + " frame: expected an object, got " + Json.kind(e));
        }
        return e.getAsJsonObject();
    }

    private static void requireString(JsonObject header, String field) {
        JsonElement e = header.get(field);
        if (e == null) {
            throw new WireException(WireException.Reason.BAD_HEADER, "the header has no " + field);
        }
        if (!(e.isJsonPrimitive() && e.getAsJsonPrimitive().isString())) {
            throw new WireException(WireException.Reason.BAD_HEADER, "the header's " + field + " is not a string but " + Json.kind(e));
        }
    }
}
