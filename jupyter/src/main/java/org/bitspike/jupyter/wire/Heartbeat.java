package org.bitspike.jupyter.wire;

import java.util.List;
import org.zeromq.ZMQ;

/**
 * The body of the {@code bitspike-wire-heartbeat} thread: a ROUTER socket that sends every message back
 * to its sender, frame for frame. A ROUTER (not REP) so that a REQ client (which adds an empty frame)
 * and a DEALER client (which does not) are both answered, and so no send/receive state can jam it.
 */
final class Heartbeat implements Runnable {

    private final ZMQ.Context context;
    private final ZMQ.Socket socket;
    private final LoopGuard guard;

    /** {@code fatal} is told of an Error that ends the loop (the loop then closes its socket and returns). */
    Heartbeat(ZMQ.Context context, ZMQ.Socket socket, FatalErrorHandler fatal) {
        this.context = context;
        this.socket = socket;
        this.guard = new LoopGuard("heartbeat", fatal);
    }

    /** Its stop and test-task hooks: {@link LoopGuard#stop} closes the socket and returns. */
    LoopGuard guard() {
        return guard;
    }

    @Override
    public void run() {
        ZMQ.Poller poller = context.poller(2);
        int in = poller.register(socket, ZMQ.Poller.POLLIN);
        int wake = poller.register(guard.wakeup().channel(), ZMQ.Poller.POLLIN);
        try {
            while (!guard.stopping()) {
                boolean live = guard.pass(() -> {
                    poller.poll(-1);
                    guard.woken(poller, wake);
                    if (poller.pollin(in)) {
                        List<byte[]> frames;
                        while (!guard.stopping() && (frames = Sockets.receive(socket)) != null) {
                            Sockets.send(socket, frames);
                        }
                    }
                });
                if (!live) {
                    return; // ETERM: the context is gone
                }
            }
        } catch (Error e) {
            guard.fatal(e); // the connection ends the kernel rather than leave a process that no longer echoes
        } finally {
            socket.close();
            poller.close();
            guard.close();
        }
    }
}
