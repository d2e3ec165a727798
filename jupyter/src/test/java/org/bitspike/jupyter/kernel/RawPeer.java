package org.bitspike.jupyter.kernel;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * A peer that speaks the wire format frame by frame, with nothing of the kernel's code: a jeromq DEALER
 * whose messages are built here from JSON text (so content can be anything, and the same frames can be
 * sent twice), and, for what no ZeroMQ library will send, a plain TCP socket doing the ZMTP 3.0 greeting
 * and NULL handshake by hand.
 */
final class RawPeer implements AutoCloseable {

    /** What came back: the reply's type, its parent's msg_id and its content. */
    record Frames(String type, String parentId, JsonObject content) {}

    private final ZContext context = new ZContext();
    private final ZMQ.Socket socket;
    private final byte[] key;

    /** A DEALER connected to {@code port} on loopback, signing with {@code key}. */
    RawPeer(int port, String key) {
        this.key = key.getBytes(UTF_8);
        socket = context.createSocket(SocketType.DEALER);
        socket.setLinger(0);
        socket.setIdentity(UUID.randomUUID().toString().getBytes(UTF_8));
        socket.connect("tcp://127.0.0.1:" + port);
    }

    /**
     * The frames of a signed request: delimiter, signature, header, parent header, metadata and
     * {@code contentJson} exactly as given. The header's msg_id is {@code id}.
     */
    List<byte[]> request(String id, String type, String contentJson) {
        JsonObject header = new JsonObject();
        header.addProperty("msg_id", id);
        header.addProperty("session", "raw-peer");
        header.addProperty("username", "raw");
        header.addProperty("date", "2026-12-07T00:00:00.000000Z");
        header.addProperty("msg_type", type);
        header.addProperty("version", "5.3");
        List<byte[]> json = List.of(header.toString().getBytes(UTF_8), "{}".getBytes(UTF_8), "{}".getBytes(UTF_8),
                contentJson.getBytes(UTF_8));
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
                parent.has("msg_id") ? parent.get("msg_id").getAsString() : null, content);
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

    /**
     * Connects to {@code port} over plain TCP as a ZeroMQ peer of type {@code socketType} (ZMTP 3.0, NULL
     * mechanism, no key), announces one frame of {@code size} bytes without sending its body, and returns
     * whether the kernel then closed the connection (end of stream or reset) within {@code timeoutMs}.
     */
    static boolean announceFrame(int port, String socketType, long size, int timeoutMs) throws IOException {
        try (Socket tcp = new Socket("127.0.0.1", port)) {
            tcp.setSoTimeout(timeoutMs);
            OutputStream out = tcp.getOutputStream();
            DataInputStream in = new DataInputStream(tcp.getInputStream());
            // greeting (64 bytes): signature FF 00x8 7F, version 3.0, mechanism "NULL" padded to 20, as-server 0,
            // filler 31 zeros
            ByteBuffer greeting = ByteBuffer.allocate(64);
            greeting.put((byte) 0xFF).put(new byte[8]).put((byte) 0x7F).put((byte) 3).put((byte) 0);
            greeting.put("NULL".getBytes(US_ASCII)).put(new byte[16]).put((byte) 0).put(new byte[31]);
            out.write(greeting.array());
            out.flush();
            byte[] theirs = new byte[64];
            in.readFully(theirs);
            if ((theirs[0] & 0xFF) != 0xFF || theirs[9] != 0x7F || theirs[10] != 3) {
                throw new AssertionError("not a ZMTP 3 greeting from port " + port);
            }
            // READY command: short command frame (flag 0x04), name, property Socket-Type
            byte[] name = "READY".getBytes(US_ASCII);
            byte[] property = "Socket-Type".getBytes(US_ASCII);
            byte[] value = socketType.getBytes(US_ASCII);
            ByteBuffer ready = ByteBuffer.allocate(1 + name.length + 1 + property.length + 4 + value.length);
            ready.put((byte) name.length).put(name).put((byte) property.length).put(property).putInt(value.length).put(value);
            out.write(new byte[] {0x04, (byte) ready.capacity()});
            out.write(ready.array());
            out.flush();
            int flags = in.readUnsignedByte();
            long length = (flags & 0x02) != 0 ? in.readLong() : in.readUnsignedByte();
            in.readFully(new byte[(int) length]); // their READY
            if ((flags & 0x04) == 0) {
                throw new AssertionError("expected the kernel's READY command from port " + port + ", got flags " + flags);
            }
            // a long, final message frame (flag 0x02) of `size` bytes, of which none follow
            ByteBuffer announce = ByteBuffer.allocate(9).put((byte) 0x02).putLong(size);
            out.write(announce.array());
            out.flush();
            try {
                return in.read() < 0;
            } catch (java.net.SocketTimeoutException e) {
                return false;
            } catch (IOException reset) {
                return true; // closed with a reset: disconnected just the same
            }
        }
    }
}
