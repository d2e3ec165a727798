package org.bitspike.jupyter.wire;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/**
 * The body of the {@code bitspike-wire-heartbeat} thread: a ROUTER socket that sends every message back
 * to its sender, frame for frame. A ROUTER (not REP) so that a REQ client (which adds an empty frame)
 * and a DEALER client (which does not) are both answered, and so no send/receive state can jam it.
 */
final class Heartbeat implements Runnable {

    private static final Logger LOG = Logger.getLogger(KernelConnection.LOGGER_NAME);

    private final ZMQ.Context context;
    private final ZMQ.Socket socket;
    private final FatalErrorHandler fatal;
    private final Wakeup wakeup = new Wakeup();
    private volatile boolean stopping;

    /** {@code fatal} is told of an Error that ends the loop (the loop then closes its socket and returns). */
    Heartbeat(ZMQ.Context context, ZMQ.Socket socket, FatalErrorHandler fatal) {
        this.context = context;
        this.socket = socket;
        this.fatal = fatal;
    }

    /** Asks the loop to close its socket and return (any thread). */
    void stop() {
        stopping = true;
        wakeup.signal();
    }

    @Override
    public void run() {
        ZMQ.Poller poller = context.poller(2);
        int in = poller.register(socket, ZMQ.Poller.POLLIN);
        int wake = poller.register(wakeup.channel(), ZMQ.Poller.POLLIN);
        try {
            while (!stopping) {
                try {
                    poller.poll(-1);
                    if (poller.pollin(wake)) {
                        wakeup.clear();
                    }
                    if (poller.pollin(in)) {
                        List<byte[]> frames;
                        while (!stopping && (frames = Sockets.receive(socket)) != null) {
                            Sockets.send(socket, frames);
                        }
                    }
                } catch (ZMQException e) {
                    if (e.getErrorCode() == ZMQ.Error.ETERM.getCode()) {
                        return;
                    }
                    LOG.log(Level.SEVERE, "heartbeat: ZeroMQ error; continuing", e);
                } catch (RuntimeException e) {
                    LOG.log(Level.SEVERE, "heartbeat: unexpected error; continuing", e);
                }
            }
        } catch (Error e) {
            // NOTE: an Error (OutOfMemoryError, StackOverflowError...) leaves no state to trust: report it so
            // the connection ends the kernel, rather than leave a process that no longer echoes.
            fatal.fatal(Thread.currentThread().getName(), e);
        } finally {
            socket.close();
            poller.close();
            wakeup.close();
        }
    }
}
