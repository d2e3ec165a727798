package org.bitspike.jupyter.wire;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * One Jupyter message: four JSON objects (header, parent header, metadata, content), the routing
 * identities that came before it on the wire and the binary buffers that came after it.
 *
 * <p>Immutable apart from the JSON objects and byte arrays, which are shared, not copied: treat what the
 * accessors return as read-only. Make replies with {@link #reply} and iopub messages with {@link #broadcast}.
 *
 * <pre>{@code
 * JsonObject content = new JsonObject();
 * content.addProperty("status", "ok");
 * connection.send(Channel.SHELL, Message.reply(request, "kernel_info_reply", content));
 * }</pre>
 */
public final class Message {

    /** The messaging protocol version written into every header this class makes. */
    public static final String PROTOCOL_VERSION = "5.3";

    /** The session of messages that answer no request: one per kernel process, as the spec asks. */
    private static final String PROCESS_SESSION = UUID.randomUUID().toString();
    private static final String DEFAULT_USERNAME = "kernel";
    // NOTE: the spec asks for ISO 8601 in UTC; microseconds match what Python frontends write.
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private final JsonObject header;
    private final JsonObject parentHeader;
    private final JsonObject metadata;
    private final JsonObject content;
    private final List<byte[]> identities;
    private final List<byte[]> buffers;
    private final String type;
    private final String id;

    /** Assumes {@code header} has string fields msg_type and msg_id (callers check). */
    Message(JsonObject header, JsonObject parentHeader, JsonObject metadata, JsonObject content,
            List<byte[]> identities, List<byte[]> buffers) {
        this.header = Objects.requireNonNull(header, "header");
        this.parentHeader = Objects.requireNonNull(parentHeader, "parentHeader");
        this.metadata = Objects.requireNonNull(metadata, "metadata");
        this.content = Objects.requireNonNull(content, "content");
        this.identities = List.copyOf(identities);
        this.buffers = List.copyOf(buffers);
        this.type = header.get("msg_type").getAsString();
        this.id = header.get("msg_id").getAsString();
    }

    /**
     * A reply to {@code request}: a fresh header (new msg_id, the request's session and username, the
     * current date, {@code type}, version 5.3), parent header = the request's header, empty metadata, the
     * request's identities (so it routes back to the sender) and no buffers. Also right for messages the
     * kernel sends on stdin in the course of a request ({@code input_request}).
     */
    public static Message reply(Message request, String type, JsonObject content) {
        JsonObject header = header(type, session(request.header), username(request.header));
        return new Message(header, request.header, new JsonObject(), content, request.identities, List.of());
    }

    /**
     * An iopub message: a fresh header (the parent's session and username, or the process's own session
     * when {@code parentOrNull} is null), parent header = the parent's header or {}, empty metadata, one
     * identity frame = the topic = {@code type}, no buffers.
     */
    public static Message broadcast(Message parentOrNull, String type, JsonObject content) {
        JsonObject parentHeader = parentOrNull == null ? new JsonObject() : parentOrNull.header;
        JsonObject header = header(type, session(parentHeader), username(parentHeader));
        return new Message(header, parentHeader, new JsonObject(), content,
                List.of(type.getBytes(StandardCharsets.UTF_8)), List.of());
    }

    /**
     * A request as a frontend would send it: a fresh header in {@code session}, empty parent header and
     * metadata, no identities (a DEALER socket adds its own) and no buffers. For clients and tests.
     */
    public static Message request(String session, String type, JsonObject content) {
        return new Message(header(type, session, DEFAULT_USERNAME), new JsonObject(), new JsonObject(), content,
                List.of(), List.of());
    }

    /** This message with other metadata (not copied). */
    public Message withMetadata(JsonObject metadata) {
        return new Message(header, parentHeader, metadata, content, identities, buffers);
    }

    /** This message with other binary buffers (the list is copied, the arrays are not). */
    public Message withBuffers(List<byte[]> buffers) {
        return new Message(header, parentHeader, metadata, content, identities, buffers);
    }

    /** This message with other routing identities (the list is copied, the arrays are not). */
    public Message withIdentities(List<byte[]> identities) {
        return new Message(header, parentHeader, metadata, content, identities, buffers);
    }

    /** The header's msg_type, e.g. "execute_request". */
    public String type() {
        return type;
    }

    /** The header's msg_id. */
    public String id() {
        return id;
    }

    public JsonObject header() {
        return header;
    }

    /** The header of the message this one answers; {} when it answers none. */
    public JsonObject parentHeader() {
        return parentHeader;
    }

    public JsonObject metadata() {
        return metadata;
    }

    public JsonObject content() {
        return content;
    }

    /** The routing frames before the delimiter: who sent a request, or the topic of an iopub message. */
    public List<byte[]> identities() {
        return identities;
    }

    /** The binary frames after the content (used by comms and widgets); usually empty. */
    public List<byte[]> buffers() {
        return buffers;
    }

    /** The parent header's msg_id, or null when there is none. */
    String parentId() {
        JsonElement e = parentHeader.get("msg_id");
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString() ? e.getAsString() : null;
    }

    @Override
    public String toString() {
        String parent = parentId();
        return "Message[" + type + " " + id + (parent == null ? "" : ", parent " + parent)
                + (buffers.isEmpty() ? "" : ", " + buffers.size() + " buffers") + "]";
    }

    private static JsonObject header(String type, String session, String username) {
        Objects.requireNonNull(type, "type");
        JsonObject h = new JsonObject();
        h.addProperty("msg_id", UUID.randomUUID().toString());
        h.addProperty("session", session);
        h.addProperty("username", username);
        h.addProperty("date", DATE.format(Instant.now()));
        h.addProperty("msg_type", type);
        h.addProperty("version", PROTOCOL_VERSION);
        return h;
    }

    private static String session(JsonObject header) {
        String s = stringField(header, "session");
        return s == null ? PROCESS_SESSION : s;
    }

    private static String username(JsonObject header) {
        String s = stringField(header, "username");
        return s == null ? DEFAULT_USERNAME : s;
    }

    private static String stringField(JsonObject o, String name) {
        JsonElement e = o.get(name);
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString() ? e.getAsString() : null;
    }
}
