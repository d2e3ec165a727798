package org.bitspike.jupyter.wire;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The contents of a Jupyter connection file: where to bind the five sockets and how to sign messages.
 * A port of 0 asks {@link KernelConnection#open} to pick a free port; {@link KernelConnection#info()}
 * then reports the ports actually bound.
 *
 * <pre>{@code
 * ConnectionInfo info = ConnectionInfo.read(Path.of(args[0]));
 * info.address(info.shellPort());   // "tcp://127.0.0.1:53794"
 * }</pre>
 *
 * @param transport       "tcp" (jeromq's "ipc" is TCP in disguise and cannot talk to libzmq's, so it is refused)
 * @param ip              the address to bind, exactly as the file gives it (e.g. 127.0.0.1)
 * @param signatureScheme "hmac-sha256", "hmac-sha1" or "hmac-sha512"
 * @param key             the HMAC key; "" turns signing off
 * @param kernelName      the kernel spec name, "" when the file has none
 */
public record ConnectionInfo(String transport, String ip, int shellPort, int iopubPort, int stdinPort,
        int controlPort, int hbPort, String signatureScheme, String key, String kernelName) {

    public ConnectionInfo {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(ip, "ip");
        Objects.requireNonNull(signatureScheme, "signatureScheme");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(kernelName, "kernelName");
    }

    /**
     * Reads and validates a connection file.
     *
     * @throws WireException ({@link WireException.Reason#CONNECTION_FILE}) naming the file and the missing
     *                       or bad field, or saying why the file cannot be read or parsed
     */
    public static ConnectionInfo read(Path file) {
        JsonElement root;
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            root = Json.parse(in);
        } catch (IOException e) {
            throw fileError(file, "cannot read it as JSON: " + e.getMessage(), e);
        }
        if (!root.isJsonObject()) {
            throw fileError(file, "expected a JSON object, got " + describe(root), null);
        }
        JsonObject o = root.getAsJsonObject();
        String transport = string(file, o, "transport");
        if (!transport.equals("tcp")) {
            throw fieldError(file, "transport", "expected \"tcp\", got \"" + transport + "\""
                    + (transport.equals("ipc") ? " (jeromq's ipc is not libzmq's ipc)" : ""));
        }
        String ip = string(file, o, "ip");
        if (ip.isBlank()) {
            throw fieldError(file, "ip", "expected an address such as 127.0.0.1, got \"\"");
        }
        String scheme = string(file, o, "signature_scheme");
        if (!Signer.supports(scheme)) {
            throw fieldError(file, "signature_scheme", "expected hmac-sha256, hmac-sha1 or hmac-sha512, got \"" + scheme + "\"");
        }
        return new ConnectionInfo(transport, ip,
                port(file, o, "shell_port"), port(file, o, "iopub_port"), port(file, o, "stdin_port"),
                port(file, o, "control_port"), port(file, o, "hb_port"),
                scheme, string(file, o, "key"), o.has("kernel_name") ? string(file, o, "kernel_name") : "");
    }

    /** The ZeroMQ endpoint for {@code port} on this transport and ip, e.g. "tcp://127.0.0.1:5555". */
    public String address(int port) {
        // NOTE: a literal IPv6 address needs brackets in a ZeroMQ endpoint, as in a URL.
        String host = ip.contains(":") && !ip.startsWith("[") ? "[" + ip + "]" : ip;
        return transport + "://" + host + ":" + port;
    }

    /** The port of {@code channel}. */
    public int port(Channel channel) {
        return switch (channel) {
            case SHELL -> shellPort;
            case IOPUB -> iopubPort;
            case STDIN -> stdinPort;
            case CONTROL -> controlPort;
            case HEARTBEAT -> hbPort;
        };
    }

    /** This info in connection-file form (field names as the spec spells them), for writing or logging. */
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("transport", transport);
        o.addProperty("ip", ip);
        o.addProperty("shell_port", shellPort);
        o.addProperty("iopub_port", iopubPort);
        o.addProperty("stdin_port", stdinPort);
        o.addProperty("control_port", controlPort);
        o.addProperty("hb_port", hbPort);
        o.addProperty("signature_scheme", signatureScheme);
        o.addProperty("key", key);
        o.addProperty("kernel_name", kernelName);
        return o;
    }

    /** Same file, other ports (the ones actually bound). */
    ConnectionInfo withPorts(int shell, int iopub, int stdin, int control, int hb) {
        return new ConnectionInfo(transport, ip, shell, iopub, stdin, control, hb, signatureScheme, key, kernelName);
    }

    @Override
    public String toString() {
        // NOTE: the key is a secret; keep it out of logs.
        return "ConnectionInfo[" + address(shellPort) + ", iopub " + iopubPort + ", stdin " + stdinPort
                + ", control " + controlPort + ", hb " + hbPort + ", " + signatureScheme
                + (key.isEmpty() ? ", signing off" : ", key set") + ", kernel \"" + kernelName + "\"]";
    }

    private static String string(Path file, JsonObject o, String field) {
        JsonElement e = o.get(field);
        if (e == null) {
            throw fieldError(file, field, "is missing");
        }
        if (!(e.isJsonPrimitive() && e.getAsJsonPrimitive().isString())) {
            throw fieldError(file, field, "expected a string, got " + describe(e));
        }
        return e.getAsString();
    }

    private static int port(Path file, JsonObject o, String field) {
        JsonElement e = o.get(field);
        if (e == null) {
            throw fieldError(file, field, "is missing");
        }
        String expected = "expected an integer port in 0..65535 (0 = pick a free one), got ";
        if (!(e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber())) {
            throw fieldError(file, field, expected + describe(e));
        }
        BigDecimal value = e.getAsBigDecimal();
        if (value.signum() < 0 || value.compareTo(BigDecimal.valueOf(65535)) > 0 || value.stripTrailingZeros().scale() > 0) {
            throw fieldError(file, field, expected + value);
        }
        return value.intValueExact();
    }

    private static String describe(JsonElement e) {
        if (e.isJsonNull()) {
            return "null";
        }
        if (e.isJsonObject()) {
            return "an object";
        }
        if (e.isJsonArray()) {
            return "an array";
        }
        JsonPrimitive p = e.getAsJsonPrimitive();
        return p.isString() ? "\"" + p.getAsString() + "\"" : p.toString();
    }

    private static WireException fieldError(Path file, String field, String problem) {
        return new WireException(WireException.Reason.CONNECTION_FILE,
                "connection file " + file + ": field \"" + field + "\" " + problem);
    }

    private static WireException fileError(Path file, String problem, Throwable cause) {
        return new WireException(WireException.Reason.CONNECTION_FILE, "connection file " + file + ": " + problem, cause);
    }
}
