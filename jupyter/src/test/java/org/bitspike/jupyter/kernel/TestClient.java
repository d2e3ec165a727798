package org.bitspike.jupyter.kernel;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
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
 * A minimal Jupyter client written independently of the kernel's wire layer (raw jeromq frames and
 * its own HMAC), so the tests check the kernel against the protocol rather than against itself.
 */
final class TestClient implements AutoCloseable {
    /** A received message: its type, parent message id, content and header. */
    record Received(String type, String parentId, JsonObject content, JsonObject header) {
    }

    private final ZContext context = new ZContext();
    private final ZMQ.Socket shell;
    private final ZMQ.Socket control;
    private final ZMQ.Socket stdin;
    private final ZMQ.Socket iopub;
    private final byte[] key;
    private final String session = UUID.randomUUID().toString();

    TestClient(String ip, int shellPort, int controlPort, int stdinPort, int iopubPort, String key) {
        this.key = key.getBytes(StandardCharsets.UTF_8);
        shell = connect(SocketType.DEALER, ip, shellPort);
        control = connect(SocketType.DEALER, ip, controlPort);
        stdin = connect(SocketType.DEALER, ip, stdinPort);
        iopub = connect(SocketType.SUB, ip, iopubPort);
        iopub.subscribe(new byte[0]);
    }

    private ZMQ.Socket connect(SocketType type, String ip, int port) {
        ZMQ.Socket s = context.createSocket(type);
        s.setLinger(0);
        s.setIdentity(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        s.connect("tcp://" + ip + ":" + port);
        return s;
    }

    ZMQ.Socket shell() {
        return shell;
    }

    ZMQ.Socket control() {
        return control;
    }

    ZMQ.Socket stdin() {
        return stdin;
    }

    /** Sends a signed request; returns its msg_id. */
    String send(ZMQ.Socket socket, String type, JsonObject content) {
        return sendSigned(socket, type, content, true);
    }

    /** Sends a request whose signature is wrong ({@code valid == false}) or right. */
    String sendSigned(ZMQ.Socket socket, String type, JsonObject content, boolean valid) {
        String id = UUID.randomUUID().toString();
        JsonObject header = new JsonObject();
        header.addProperty("msg_id", id);
        header.addProperty("session", session);
        header.addProperty("username", "test");
        header.addProperty("date", Instant.now().toString());
        header.addProperty("msg_type", type);
        header.addProperty("version", "5.3");
        List<byte[]> parts = List.of(bytes(header.toString()), bytes("{}"), bytes("{}"), bytes(content.toString()));
        String signature = sign(parts);
        if (!valid) {
            signature = (signature.charAt(0) == '0' ? "1" : "0") + signature.substring(1);
        }
        socket.sendMore("<IDS|MSG>");
        socket.sendMore(signature);
        for (int i = 0; i < parts.size(); i++) {
            if (i < parts.size() - 1) {
                socket.sendMore(parts.get(i));
            } else {
                socket.send(parts.get(i));
            }
        }
        return id;
    }

    /** The next message on {@code socket}, or null after {@code timeoutMs}; checks its signature. */
    Received receive(ZMQ.Socket socket, int timeoutMs) {
        socket.setReceiveTimeOut(timeoutMs);
        List<byte[]> frames = new ArrayList<>();
        byte[] first = socket.recv();
        if (first == null) {
            return null;
        }
        frames.add(first);
        while (socket.hasReceiveMore()) {
            frames.add(socket.recv());
        }
        int delimiter = -1;
        for (int i = 0; i < frames.size(); i++) {
            if ("<IDS|MSG>".equals(new String(frames.get(i), StandardCharsets.UTF_8))) {
                delimiter = i;
                break;
            }
        }
        if (delimiter < 0 || frames.size() < delimiter + 6) {
            throw new AssertionError("malformed message from the kernel: " + frames.size() + " frames");
        }
        String signature = new String(frames.get(delimiter + 1), StandardCharsets.UTF_8);
        List<byte[]> parts = frames.subList(delimiter + 2, delimiter + 6);
        if (!sign(parts).equals(signature)) {
            throw new AssertionError("the kernel's message has a wrong signature");
        }
        JsonObject header = JsonParser.parseString(text(parts.get(0))).getAsJsonObject();
        JsonObject parent = JsonParser.parseString(text(parts.get(1))).getAsJsonObject();
        JsonObject content = JsonParser.parseString(text(parts.get(3))).getAsJsonObject();
        String parentId = parent.has("msg_id") ? parent.get("msg_id").getAsString() : null;
        return new Received(header.get("msg_type").getAsString(), parentId, content, header);
    }

    /** The reply to {@code id} on {@code socket} (other messages there are skipped). */
    Received reply(ZMQ.Socket socket, String id, int timeoutMs) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (true) {
            int left = (int) Math.max(1, deadline - System.currentTimeMillis());
            Received r = receive(socket, left);
            if (r == null) {
                throw new AssertionError("no reply to " + id + " within " + timeoutMs + " ms");
            }
            if (id.equals(r.parentId())) {
                return r;
            }
        }
    }

    /** The iopub messages of request {@code id}, up to and including its {@code idle} status. */
    List<Received> iopubUntilIdle(String id, int timeoutMs) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        List<Received> out = new ArrayList<>();
        while (true) {
            int left = (int) Math.max(1, deadline - System.currentTimeMillis());
            Received r = receive(iopub, left);
            if (r == null) {
                throw new AssertionError("no idle status for " + id + " within " + timeoutMs + " ms; got " + out.size()
                        + " messages");
            }
            if (!id.equals(r.parentId())) {
                continue;
            }
            out.add(r);
            if (r.type().equals("status") && r.content().get("execution_state").getAsString().equals("idle")) {
                return out;
            }
        }
    }

    /** Runs a cell: the execute_reply and the iopub messages of that request. */
    Execution execute(String code, int timeoutMs) {
        JsonObject content = new JsonObject();
        content.addProperty("code", code);
        content.addProperty("silent", false);
        content.addProperty("store_history", true);
        content.add("user_expressions", new JsonObject());
        content.addProperty("allow_stdin", false);
        String id = send(shell, "execute_request", content);
        Received reply = reply(shell, id, timeoutMs);
        return new Execution(reply, iopubUntilIdle(id, timeoutMs));
    }

    /** A cell's reply and output. */
    record Execution(Received reply, List<Received> iopub) {
        String status() {
            return reply.content().get("status").getAsString();
        }

        String stdout() {
            StringBuilder sb = new StringBuilder();
            for (Received r : iopub) {
                if (r.type().equals("stream") && r.content().get("name").getAsString().equals("stdout")) {
                    sb.append(r.content().get("text").getAsString());
                }
            }
            return sb.toString();
        }

        String result() {
            for (Received r : iopub) {
                if (r.type().equals("execute_result")) {
                    return r.content().getAsJsonObject("data").get("text/plain").getAsString();
                }
            }
            return null;
        }

        long count(String type) {
            return iopub.stream().filter(r -> r.type().equals(type)).count();
        }
    }

    private String sign(List<byte[]> parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            for (byte[] p : parts) {
                mac.update(p);
            }
            return HexFormat.of().formatHex(mac.doFinal());
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        context.close();
    }
}
