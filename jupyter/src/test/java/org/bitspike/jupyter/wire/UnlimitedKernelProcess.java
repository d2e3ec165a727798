package org.bitspike.jupyter.wire;

import com.google.gson.JsonObject;

/**
 * The main of a child JVM for {@link NoZombieTest}: a connection as the kernel opens it (the fatal action
 * is {@link FatalErrorHandler#exitProcess()}), but with no message size limit, so a stranger's frame
 * announcement reaches jeromq's allocator as it did before the limit existed. Writes its shell port as the
 * first line of standard output (how the parent finds it), then serves until it is ended.
 */
public final class UnlimitedKernelProcess {
    private UnlimitedKernelProcess() {
    }

    public static void main(String[] args) throws InterruptedException {
        ConnectionInfo info = new ConnectionInfo("tcp", "127.0.0.1", 0, 0, 0, 0, 0, "hmac-sha256", "child-key", "bitspike");
        KernelConnection c = KernelConnection.open(info, (channel, request, connection) -> {
            JsonObject ok = new JsonObject();
            ok.addProperty("status", "ok");
            connection.send(channel, Message.reply(request, request.type().replace("_request", "_reply"), ok));
        }, WireOptions.defaults().withMaxMessageBytes(Long.MAX_VALUE));
        System.out.println(c.info().shellPort());
        System.out.flush();
        c.awaitClose();
    }
}
