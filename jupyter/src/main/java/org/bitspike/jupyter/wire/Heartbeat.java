package org.bitspike.jupyter.wire;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
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
    /** Work to run on this thread at the top of the next pass; only tests queue any ({@link #runOnLoop}). */
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
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

    /**
     * Runs {@code task} on the heartbeat thread at the top of its next pass (any thread). For tests: it is
     * how a failure is injected into the loop; an exception it throws is handled as one thrown by the loop.
     */
    void runOnLoop(Runnable task) {
        tasks.add(task);
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
                    for (Runnable task; (task = tasks.poll()) != null; ) {
                        task.run();
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
