package org.bitspike.jupyter.kernel;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bitspike.jupyter.wire.Zmtp;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * A peer that speaks the wire format frame by frame, with nothing of the kernel's code: a jeromq DEALER
 * whose messages are built here from JSON text (so content can be anything, and the same frames can be
 * sent twice), and, for what no ZeroMQ library will send, a plain TCP socket doing the ZMTP 3.0 greeting
 * and NULL handshake by hand ({@link Zmtp}).
 */
final class RawPeer implements AutoCloseable {

    /** What came back: the reply's type, its parent's msg_id, its content and its header. */
    record Frames(String type, String parentId, JsonObject content, JsonObject header) {}

    private final ZContext context = new ZContext();
    private final ZMQ.Socket socket;
    private final byte[] key;

    /** A DEALER connected to {@code port} on loopback, signing with {@code key}. */
    RawPeer(int port, String key) {
        this(port, key, UUID.randomUUID().toString());
    }

    /**
     * As {@link #RawPeer(int, String)}, with the ZeroMQ {@code identity}: a shell peer and a stdin peer of the
     * same identity are one frontend, to which the kernel sends its input requests.
     */
    RawPeer(int port, String key, String identity) {
        this.key = key.getBytes(UTF_8);
        socket = context.createSocket(SocketType.DEALER);
        socket.setLinger(0);
        socket.setIdentity(identity.getBytes(UTF_8));
        socket.connect("tcp://127.0.0.1:" + port);
    }

    /**
     * The frames of a signed request: delimiter, signature, header, parent header, metadata and
     * {@code contentJson} exactly as given. The header's msg_id is {@code id}.
     */
    List<byte[]> request(String id, String type, String contentJson) {
        return message(id, type, "{}", contentJson.getBytes(UTF_8));
    }

    /**
     * The frames of a signed message whose parent header is {@code parentJson} and whose content frame is
     * {@code content} byte for byte (it need not be valid UTF-8).
     */
    List<byte[]> message(String id, String type, String parentJson, byte[] content) {
        JsonObject header = new JsonObject();
        header.addProperty("msg_id", id);
        header.addProperty("session", "raw-peer");
        header.addProperty("username", "raw");
        header.addProperty("date", "2026-12-07T00:00:00.000000Z");
        header.addProperty("msg_type", type);
        header.addProperty("version", "5.3");
        List<byte[]> json = List.of(header.toString().getBytes(UTF_8), parentJson.getBytes(UTF_8), "{}".getBytes(UTF_8),
                content);
        List<byte[]> frames = new ArrayList<>();
        frames.add("<IDS|MSG>".getBytes(US_ASCII));
        frames.add(hmac(json).getBytes(US_ASCII));
        frames.addAll(json);
        return frames;
    }

    /** Sends {@code frames} as one multipart message. */
    void send(List<byte[]> frames) {
        for (int i = 0; i < frames.size(); i++) {
            socket.send(frames.get(i), i < frames.size() - 1 ? ZMQ.SNDMORE : 0);
        }
    }

    /** The next message, checked against the key; fails after {@code timeoutMs}. */
    Frames receive(int timeoutMs) {
        socket.setReceiveTimeOut(timeoutMs);
        byte[] first = socket.recv();
        if (first == null) {
            throw new AssertionError("no message from the kernel within " + timeoutMs + " ms");
        }
        List<byte[]> frames = new ArrayList<>();
        frames.add(first);
        while (socket.hasReceiveMore()) {
            frames.add(socket.recv());
        }
        // a DEALER sees no identity: delimiter, signature, four JSON frames
        if (frames.size() < 6 || !new String(frames.get(0), US_ASCII).equals("<IDS|MSG>")) {
            throw new AssertionError("not a Jupyter message: " + frames.size() + " frames");
        }
        if (!hmac(frames.subList(2, 6)).equals(new String(frames.get(1), US_ASCII))) {
            throw new AssertionError("the kernel's message has a wrong signature");
        }
        JsonObject header = JsonParser.parseString(new String(frames.get(2), UTF_8)).getAsJsonObject();
        JsonObject parent = JsonParser.parseString(new String(frames.get(3), UTF_8)).getAsJsonObject();
        JsonObject content = JsonParser.parseString(new String(frames.get(5), UTF_8)).getAsJsonObject();
        return new Frames(header.get("msg_type").getAsString(),
                parent.has("msg_id") ? parent.get("msg_id").getAsString() : null, content, header);
    }

    private String hmac(List<byte[]> parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            parts.forEach(mac::update);
            return HexFormat.of().formatHex(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        context.close();
    }

    /** {@link Zmtp#announceFrame}: a stranger's frame header of {@code size} bytes; true when the kernel hung up. */
    static boolean announceFrame(int port, String socketType, long size, int timeoutMs) throws IOException {
        return Zmtp.announceFrame(port, socketType, size, timeoutMs);
    }
}
