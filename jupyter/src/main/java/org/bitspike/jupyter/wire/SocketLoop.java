package org.bitspike.jupyter.wire;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/**
 * The body of the {@code bitspike-wire-io} thread, the only user of the shell, control, stdin and iopub
 * sockets. It blocks in one poll over those sockets and its {@link Wakeup}; incoming messages are
 * verified, decoded and handed to an {@link Inbox}; outgoing ones, queued by any thread with
 * {@link #enqueue}, are written in the order they were queued.
 */
final class SocketLoop implements Runnable {

    /** Where decoded incoming messages go; called on the I/O thread, so it must not block. */
    interface Inbox {
        void accept(Channel channel, Message message);
    }

    /** Answers a verified request that could not be decoded: {@code request} is what {@link WireCodec#salvage} kept. */
    interface Rejecter {
        void reject(Channel channel, Message request, String reason);
    }

    /** A message to write; {@code sent}, when given, learns whether the socket took it. */
    private record Outgoing(Channel channel, List<byte[]> frames, CompletableFuture<Boolean> sent) {}

    private static final Logger LOG = Logger.getLogger(KernelConnection.LOGGER_NAME);

    /**
     * Messages read from one socket, and queued messages written, per pass of the loop. NOTE: bounds
     * keep one flooded socket (or a thread printing in a loop) from starving the others; what is left
     * is taken on the next pass, which starts at once because the poll is level-triggered (and the
     * outbox re-signals itself).
     */
    private static final int READ_BATCH = 64;
    private static final int WRITE_BATCH = 1024;

    private final ZMQ.Context context;
    private final ZMQ.Socket shell;
    private final ZMQ.Socket control;
    private final ZMQ.Socket stdin;
    private final ZMQ.Socket iopub;
    private final Signer signer;
    private final ReplayGuard replays;
    private final Inbox inbox;
    private final LoopGuard guard;
    private final Queue<Outgoing> outbox = new ConcurrentLinkedQueue<>();
    private final Semaphore subscriptions = new Semaphore(0);

    /**
     * Warnings about dropped incoming messages logged per minute at most (the rest are counted): a stranger's
     * flood of unsigned messages once wrote one line each, 109 MiB of log in 10 s.
     */
    static final int DROP_WARNINGS = 20;

    private final LogLimiter drops;
    private final Rejecter rejecter;

    SocketLoop(ZMQ.Context context, ZMQ.Socket shell, ZMQ.Socket control, ZMQ.Socket stdin, ZMQ.Socket iopub,
            Signer signer, ReplayGuard replays, Inbox inbox, FatalErrorHandler fatal, LogLimiter drops, Rejecter rejecter) {
        this.drops = java.util.Objects.requireNonNull(drops, "drops");
        this.rejecter = java.util.Objects.requireNonNull(rejecter, "rejecter");
        this.context = context;
        this.shell = shell;
        this.control = control;
        this.stdin = stdin;
        this.iopub = iopub;
        this.signer = signer;
        this.replays = replays;
        this.inbox = inbox;
        this.guard = new LoopGuard("I/O loop", fatal);
    }

    /** Queues {@code frames} for {@code channel} and wakes the loop (any thread). */
    void enqueue(Channel channel, List<byte[]> frames) {
        enqueue(channel, frames, null);
    }

    /** As {@link #enqueue(Channel, List)}, completing {@code sent} with whether the socket took the message. */
    void enqueue(Channel channel, List<byte[]> frames, CompletableFuture<Boolean> sent) {
        outbox.add(new Outgoing(channel, frames, sent));
        guard.wakeup().signal();
    }

    /** Its stop and test-task hooks: {@link LoopGuard#stop} writes what is queued, closes the sockets and returns. */
    LoopGuard guard() {
        return guard;
    }

    /** Waits until a client's iopub subscription has reached the socket (each is counted once). */
    boolean awaitSubscription(long timeout, TimeUnit unit) throws InterruptedException {
        return subscriptions.tryAcquire(timeout, unit);
    }

    @Override
    public void run() {
        ZMQ.Poller poller = context.poller(5);
        int shellIn = poller.register(shell, ZMQ.Poller.POLLIN);
        int controlIn = poller.register(control, ZMQ.Poller.POLLIN);
        int stdinIn = poller.register(stdin, ZMQ.Poller.POLLIN);
        int iopubIn = poller.register(iopub, ZMQ.Poller.POLLIN);
        int wakeIn = poller.register(guard.wakeup().channel(), ZMQ.Poller.POLLIN);
        try {
            while (!guard.stopping()) {
                boolean live = guard.pass(() -> {
                    poller.poll(-1);
                    guard.woken(poller, wakeIn);
                    write(WRITE_BATCH);
                    if (poller.pollin(controlIn)) {
                        read(Channel.CONTROL, control);
                    }
                    if (poller.pollin(shellIn)) {
                        read(Channel.SHELL, shell);
                    }
                    if (poller.pollin(stdinIn)) {
                        read(Channel.STDIN, stdin);
                    }
                    if (poller.pollin(iopubIn)) {
                        readSubscriptions();
                    }
                });
                if (!live) {
                    return; // ETERM: the context is gone, nothing queued can be written
                }
            }
            write(Integer.MAX_VALUE);
        } catch (Error e) {
            guard.fatal(e); // the connection ends the kernel rather than leave a process that answers nothing
        } finally {
            for (ZMQ.Socket s : new ZMQ.Socket[] {shell, control, stdin, iopub}) {
                try {
                    s.setLinger(Sockets.CLOSE_LINGER_MS);
                } catch (ZMQException e) {
                    LOG.log(Level.FINE, "linger not set on close", e);
                }
                s.close();
            }
            poller.close();
            guard.close();
        }
    }

    private void read(Channel channel, ZMQ.Socket socket) {
        for (int n = 0; n < READ_BATCH; n++) {
            List<byte[]> frames = Sockets.receive(socket);
            if (frames == null) {
                return;
            }
            Message message;
            try {
                message = WireCodec.decode(frames, signer);
            } catch (WireException e) {
                if ((e.reason() == WireException.Reason.BAD_JSON || e.reason() == WireException.Reason.BAD_HEADER)
                        && (channel == Channel.SHELL || channel == Channel.CONTROL)) {
                    // NOTE: the signature was verified before the JSON was read, so the sender holds the key: it
                    // gets an error reply naming the frame or field whenever the header says where to send it
                    Message salvaged = WireCodec.salvage(frames);
                    if (salvaged != null && (!signer.enabled() || replays.firstSight(signature(frames, salvaged)))) {
                        rejecter.reject(channel, salvaged, e.getMessage());
                        continue;
                    }
                }
                int count = frames.size();
                drops.log(() -> "dropped " + channel.label() + " message: " + e.getMessage() + " (" + count + " frames)");
                continue;
            }
            if (signer.enabled() && !replays.firstSight(signature(frames, message))) {
                // NOTE: dropped without a reply, as jupyter_client's Session does ("Duplicate Signature"):
                // a reply would tell a replaying peer its copy arrived, and the original was answered.
                Message replayed = message;
                drops.log(() -> "dropped " + channel.label() + " message " + replayed + ": replayed (its signature was"
                        + " already seen among the last " + replays.capacity() + ")");
                continue;
            }
            inbox.accept(channel, message);
        }
    }

    /** The signature frame of a decoded message: the one after the identities and the delimiter. */
    private static String signature(List<byte[]> frames, Message decoded) {
        return new String(frames.get(decoded.identities().size() + 1), java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** An XPUB socket reads one frame per subscription change: 1 or 0, then the topic. */
    private void readSubscriptions() {
        for (int n = 0; n < READ_BATCH; n++) {
            List<byte[]> frames = Sockets.receive(iopub);
            if (frames == null) {
                return;
            }
            byte[] event = frames.get(0);
            if (event.length > 0 && event[0] == 1) {
                LOG.log(Level.FINE, "iopub: a client subscribed");
                subscriptions.release();
            }
        }
    }

    private void write(int limit) {
        for (int n = 0; n < limit; n++) {
            Outgoing out = outbox.poll();
            if (out == null) {
                return;
            }
            boolean sent;
            try {
                sent = Sockets.send(socket(out.channel), out.frames);
            } catch (ZMQException e) { // stdin refuses a frontend that is not connected on it (yet)
                sent = false;
            }
            if (out.sent != null) {
                out.sent.complete(sent); // the sender decides what a refusal means
            } else if (!sent) {
                LOG.log(Level.WARNING, "dropped outgoing {0} message: the socket did not take it within {1} ms",
                        new Object[] {out.channel.label(), String.valueOf(Sockets.SEND_TIMEOUT_MS)});
            }
        }
        if (!outbox.isEmpty()) {
            guard.wakeup().signal();
        }
    }

    private ZMQ.Socket socket(Channel channel) {
        return switch (channel) {
            case SHELL -> shell;
            case CONTROL -> control;
            case STDIN -> stdin;
            case IOPUB -> iopub;
            case HEARTBEAT -> throw new IllegalArgumentException("the heartbeat socket belongs to its own thread");
        };
    }
}
