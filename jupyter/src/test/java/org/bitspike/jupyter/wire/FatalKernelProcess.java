package org.bitspike.jupyter.wire;

import com.google.gson.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * A kernel connection with the default options (so {@link FatalErrorHandler#exitProcess()}) in a process of its
 * own, for {@link NoZombieTest}: it prints its shell port, and when a line arrives on stdin it throws an
 * {@link OutOfMemoryError} inside its I/O loop, as a heap with nothing left to give would.
 */
public final class FatalKernelProcess {
    private FatalKernelProcess() {
    }

    public static void main(String[] args) throws InterruptedException, IOException {
        ConnectionInfo info = new ConnectionInfo("tcp", "127.0.0.1", 0, 0, 0, 0, 0, "hmac-sha256", "child-key", "bitspike");
        KernelConnection c = KernelConnection.open(info, (channel, request, connection) -> {
            JsonObject ok = new JsonObject();
            ok.addProperty("status", "ok");
            connection.send(channel, Message.reply(request, request.type().replace("_request", "_reply"), ok));
        }, WireOptions.defaults());
        System.out.println(c.info().shellPort());
        System.out.flush();
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        c.runOnIoThread(() -> {
            throw new OutOfMemoryError("injected: Java heap space");
        });
        c.awaitClose();
    }
}
