package org.bitspike.jupyter.wire;

import com.google.gson.JsonObject;

/** Kernel connections for the wire tests: on loopback, with ephemeral ports, answering every request "ok". */
final class TestKernels {

    private TestKernels() {}

    /** Loopback, every port 0 (the kernel picks), HMAC-SHA256 with {@code key}. */
    static ConnectionInfo loopback(String key) {
        return new ConnectionInfo("tcp", "127.0.0.1", 0, 0, 0, 0, 0, "hmac-sha256", key, "bitspike");
    }

    /** A handler that answers each {@code x_request} with an {@code x_reply} of status ok, on the same channel. */
    static void replyOk(Channel channel, Message request, KernelConnection c) {
        JsonObject ok = new JsonObject();
        ok.addProperty("status", "ok");
        c.send(channel, Message.reply(request, request.type().replace("_request", "_reply"), ok));
    }

    /** Opens a connection on {@link #loopback} with {@link #replyOk} as the handler. */
    static KernelConnection open(String key, WireOptions options) {
        return KernelConnection.open(loopback(key), TestKernels::replyOk, options);
    }
}
