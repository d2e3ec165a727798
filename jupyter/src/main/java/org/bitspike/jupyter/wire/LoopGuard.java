package org.bitspike.jupyter.wire;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/**
 * The error rule shared by the connection's three loops ({@link SocketLoop}, {@link Heartbeat},
 * {@link PeerMonitor}), their {@link Wakeup}, stop flag and queue of test tasks. A pass of a loop runs inside {@link #pass}: a
 * RuntimeException (a ZeroMQ error other than ETERM included) is logged SEVERE and the loop goes on; ETERM,
 * the context closing, ends the loop. An Error is not caught here: it leaves the loop, whose {@code catch}
 * hands it to {@link #fatal}, so the connection ends the kernel rather than leave a process that answers
 * nothing.
 */
final class LoopGuard {

    private static final Logger LOG = Logger.getLogger(KernelConnection.LOGGER_NAME);

    private final String loop;
    private final FatalErrorHandler fatal;
    /** Work to run on the loop's thread at the top of the next pass; only tests queue any ({@link #runOnLoop}). */
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** Wakes the loop's poll: {@link #stop}, {@link #runOnLoop} and whatever work the loop's owner queues. */
    private final Wakeup wakeup = new Wakeup();
    private volatile boolean stopping;

    /**
     * @param loop  the loop's name as its log lines give it ("I/O loop", "heartbeat", "peer monitor")
     * @param fatal told of an Error that ends the loop
     */
    LoopGuard(String loop, FatalErrorHandler fatal) {
        this.loop = loop;
        this.fatal = fatal;
    }

    /** The loop's wakeup: its poll watches {@link Wakeup#channel}; work queued for the loop signals it. */
    Wakeup wakeup() {
        return wakeup;
    }

    /** Whether {@link #stop} has been called: the loop closes its sockets and returns. */
    boolean stopping() {
        return stopping;
    }

    /** Asks the loop to stop and wakes it (any thread). */
    void stop() {
        stopping = true;
        wakeup.signal();
    }

    /**
     * Runs {@code task} on the loop's thread at the top of its next pass (any thread). For tests: it is how a
     * failure is injected into a loop; an exception it throws is handled as one thrown by the pass.
     */
    void runOnLoop(Runnable task) {
        tasks.add(task);
        wakeup.signal();
    }

    /**
     * The top of a pass, after the poll (loop's thread): clears the wakeup if {@code poller}'s item
     * {@code wakeIndex} (its channel) fired, then runs the tasks queued so far; one that throws is handled as the
     * pass's own error.
     */
    void woken(ZMQ.Poller poller, int wakeIndex) {
        if (poller.pollin(wakeIndex)) {
            wakeup.clear();
        }
        for (Runnable task; (task = tasks.poll()) != null; ) {
            task.run();
        }
    }

    /** Closes the wakeup (loop's thread, as the loop ends; or the constructor of a loop that failed). */
    void close() {
        wakeup.close();
    }

    /**
     * Runs one pass of the loop.
     *
     * @return false when ZeroMQ's context has been terminated (ETERM) and the loop must return; true otherwise,
     *         also after a RuntimeException that was logged
     * @throws Error whatever Error the pass throws, untouched (see {@link #fatal})
     */
    boolean pass(Runnable body) {
        try {
            body.run();
        } catch (ZMQException e) {
            if (e.getErrorCode() == ZMQ.Error.ETERM.getCode()) {
                return false;
            }
            LOG.log(Level.SEVERE, loop + ": ZeroMQ error; continuing", e);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, loop + ": unexpected error; continuing", e);
        }
        return true;
    }

    /**
     * Reports {@code error}, which ended the loop, to the {@link FatalErrorHandler}, naming the current thread.
     * NOTE: an Error (OutOfMemoryError, StackOverflowError...) leaves no state to trust, so it is never logged
     * and continued like a RuntimeException.
     */
    void fatal(Error error) {
        fatal.fatal(Thread.currentThread().getName(), error);
    }
}
