package org.bitspike.jupyter.wire;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/**
 * A kernel's five bound sockets and the threads that serve them.
 *
 * <pre>{@code
 * try (KernelConnection c = KernelConnection.open(ConnectionInfo.read(file), handler)) {
 *     c.awaitClose();          // until a handler (e.g. for shutdown_request) calls c.close()
 * }
 * }</pre>
 *
 * <p>Threads (all daemons): {@code bitspike-wire-io} owns the shell, control, stdin and iopub sockets;
 * {@code bitspike-wire-shell} calls the handler for shell requests one at a time in arrival order;
 * {@code bitspike-wire-control} does the same for control requests, so they are answered while a shell
 * handler runs; {@code bitspike-wire-heartbeat} echoes; {@code bitspike-wire-monitor} reads the sockets'
 * ZeroMQ monitors and logs disconnected peers; {@code bitspike-wire-watchdog} (unless turned off in
 * {@link WireOptions}) pings the heartbeat from its own ZeroMQ context and declares a silent kernel fatal.
 * {@link #send}, {@link #publish} and
 * {@link #requestInput} may be called from any thread.
 *
 * <p>Every incoming message is checked against the connection key. Unsigned, wrongly signed, replayed
 * (a signature seen before, see {@link ReplayGuard}) and malformed messages are dropped and logged at
 * WARNING (logger {@value #LOGGER_NAME}; at most 20 such lines a minute) with the channel and the reason, except
 * a verified request with malformed JSON frames whose header says where to reply: it gets an error reply. A
 * handler's exception is logged at SEVERE. Neither stops the connection. Every socket refuses frames over
 * {@link WireOptions#maxMessageBytes()} by disconnecting the peer that sent one; every disconnected peer is
 * logged at INFO with its channel, its address and the limit (at most one such line a minute, see
 * {@code DisconnectWarnings}: jeromq does not tell a refused peer from one that left). Every incoming frame
 * is allocated by a {@code FrameGuard}, which refuses sizes jeromq lets through and frames beyond the in-flight
 * budget ({@link WireOptions#frameBudgetBytes()}).
 *
 * <p>No thread dies silently: an Error that escapes the I/O, heartbeat or monitor loop, or kills any thread of the
 * connection or of jeromq, is logged at SEVERE ("fatal error in thread ...") and handed to
 * {@link WireOptions#onFatal()}, once; the kernel's main ends the process with it.
 */
public final class KernelConnection implements AutoCloseable {

    /** The java.util.logging logger of this package. */
    public static final String LOGGER_NAME = "org.bitspike.jupyter.wire";
    /** How long an input request waits for the frontend's stdin connection. */
    static final long STDIN_CONNECT_MS = 5_000;
    private static final long STDIN_RETRY_MS = 10;
    /** Every thread this class starts has a name beginning with this. */
    public static final String THREAD_PREFIX = "bitspike-wire-";

    private static final Logger LOG = Logger.getLogger(LOGGER_NAME);

    /**
     * How long {@link #close} waits for a handler to return after interrupting it. NOTE: a handler that
     * ignores interrupts must not hang close for ever; after this the sockets are closed anyway and the
     * handler's later sends are dropped.
     */
    private static final long HANDLER_STOP_MS = 2000;

    /**
     * The in-flight budget of the heartbeat socket alone: 4 MiB, some 16,000 pings of any frontend. A ping larger
     * than this is refused.
     */
    static final long HEARTBEAT_BUDGET = 4L << 20;

    /**
     * The in-flight budget of the control socket alone: 16 MiB (or the whole budget, when smaller). Control
     * carries small requests (interrupt, shutdown, kernel_info, debug); a larger one is refused.
     */
    static final long CONTROL_BUDGET = 16L << 20;

    /** Put in a dispatch queue to end its thread; compared by identity. */
    private static final Message STOP = Message.request("", "stop", new JsonObject());

    private final ConnectionInfo info;
    private final List<String> endpoints;
    private final Signer signer;
    private final MessageHandler handler;
    private final FatalErrorHandler onFatal;
    private final AtomicBoolean failed = new AtomicBoolean();
    private final ZMQ.Context context;
    private final SocketLoop io;
    private final Heartbeat heartbeat;
    private final PeerMonitor monitor;
    private final BlockingQueue<Message> shellRequests = new LinkedBlockingQueue<>();
    private final BlockingQueue<Message> controlRequests = new LinkedBlockingQueue<>();
    /** input_request msg_id -> who asked and the input_reply its caller waits for. */
    private final ConcurrentMap<String, PendingInput> pendingInputs = new ConcurrentHashMap<>();
    private final AtomicLong inputSequence = new AtomicLong();
    private final Thread ioThread;
    private final Thread heartbeatThread;
    private final Thread monitorThread;
    private final Thread shellThread;
    private final Thread controlThread;
    private final FrameBudget budget;
    /** Null when the options turn the watchdog off. */
    private final Watchdog watchdog;
    private final Thread watchdogThread;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile boolean shellBusy;

    /** An input_request waiting for its reply; {@code sequence} orders requests, oldest first. */
    private record PendingInput(long sequence, byte[] frontend, CompletableFuture<Message> answer) {}

    private KernelConnection(ConnectionInfo info, List<String> endpoints, Signer signer, MessageHandler handler,
            WireOptions options, LongSupplier clock, ZMQ.Context context, ZMQ.Socket shell,
            ZMQ.Socket control, ZMQ.Socket stdin, ZMQ.Socket iopub, ZMQ.Socket hb, FrameBudget budget,
            List<FrameBudget> otherBudgets) {
        this.budget = budget;
        // first: it is the one part that can fail, and it cleans up after itself when it does
        Map<Channel, ZMQ.Socket> monitored = new EnumMap<>(Channel.class);
        monitored.put(Channel.SHELL, shell);
        monitored.put(Channel.CONTROL, control);
        monitored.put(Channel.STDIN, stdin);
        monitored.put(Channel.IOPUB, iopub);
        monitored.put(Channel.HEARTBEAT, hb);
        this.monitor = new PeerMonitor(context, monitored,
                new DisconnectWarnings(options.maxMessageBytes(), DisconnectWarnings.INTERVAL_NANOS, clock), () -> {
                    budget.peerLeft();
                    otherBudgets.forEach(FrameBudget::peerLeft);
                }, this::fatal);
        this.info = info;
        this.endpoints = List.copyOf(endpoints);
        this.signer = signer;
        this.handler = handler;
        this.onFatal = options.onFatal();
        this.context = context;
        this.io = new SocketLoop(context, shell, control, stdin, iopub, signer,
                new ReplayGuard(options.replayWindow()), this::deliver, this::fatal,
                new LogLimiter(LOG, Level.WARNING, LogLimiter.DEFAULT_INTERVAL_NANOS, SocketLoop.DROP_WARNINGS, clock),
                this::reject);
        this.heartbeat = new Heartbeat(context, hb, this::fatal);
        this.ioThread = thread("io", io);
        this.heartbeatThread = thread("heartbeat", heartbeat);
        this.monitorThread = thread("monitor", monitor);
        this.shellThread = thread("shell", () -> dispatch(Channel.SHELL, shellRequests));
        this.controlThread = thread("control", () -> dispatch(Channel.CONTROL, controlRequests));
        this.watchdog = options.watchdogPeriodMillis() == 0 ? null
                : new Watchdog(endpoints.get(4), options.watchdogPeriodMillis(), options.watchdogTimeoutMillis(), System::nanoTime,
                        this::fatal);
        this.watchdogThread = watchdog == null ? null : thread("watchdog", watchdog);
    }

    /**
     * Binds the five sockets to {@code info}'s transport, ip and ports (a free port where the file says 0;
     * see {@link #info()}) and starts serving them with {@code handler}.
     *
     * @throws WireException ({@link WireException.Reason#BIND}) when a socket cannot be bound, e.g. its port
     *                       is taken; nothing is left open then
     */
    public static KernelConnection open(ConnectionInfo info, MessageHandler handler) {
        return open(info, handler, WireOptions.defaults());
    }

    /**
     * As {@link #open(ConnectionInfo, MessageHandler)}, with {@code options}' message size limit, replay
     * window and fatal-error action.
     */
    public static KernelConnection open(ConnectionInfo info, MessageHandler handler, WireOptions options) {
        return open(info, handler, options, System::nanoTime);
    }

    /**
     * As {@link #open(ConnectionInfo, MessageHandler, WireOptions)}, with the clock that rate-limits the
     * warnings about disconnected peers ({@code DisconnectWarnings}): tests pass a fixed one.
     */
    static KernelConnection open(ConnectionInfo info, MessageHandler handler, WireOptions options, LongSupplier clock) {
        Objects.requireNonNull(info, "info");
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(clock, "clock");
        Signer signer = Signer.of(info.signatureScheme(), info.key());
        ZMQ.Context context = ZMQ.context(1);
        // The connection object does not exist yet when jeromq starts its threads (with the first socket),
        // so its handlers reach it through this holder.
        AtomicReference<KernelConnection> self = new AtomicReference<>();
        FatalErrorHandler fatal = (thread, error) -> {
            KernelConnection c = self.get();
            if (c != null) {
                c.fatal(thread, error);
            } else {
                reportFatal(thread, error, options.onFatal());
            }
        };
        // NOTE: must precede the first socket, which starts jeromq's I/O and reaper threads. An Error there
        // (the OutOfMemoryError of a huge frame) kills the thread: fatal. A RuntimeException is caught by
        // jeromq, which drops that one peer's event and goes on: logged.
        context.setUncaughtExceptionHandler((t, e) -> fatal.fatal(t.getName(), e));
        context.setNotificationExceptionHandler((t, e) ->
                LOG.log(Level.SEVERE, "jeromq thread " + t.getName() + " recovered from an error in one connection", e));
        long max = options.maxMessageBytes();
        // one budget and one rate-limited refusal log for the five sockets: the whole kernel's memory is at stake
        FrameBudget budget = new FrameBudget(options.effectiveFrameBudget(), System::nanoTime);
        // NOTE: the heartbeat has a small budget of its own, so a peer that holds the shared one (an endless
        // multipart message on shell, say) leaves pings answered and the frontend and watchdog see a live kernel
        FrameBudget heartbeatBudget = new FrameBudget(HEARTBEAT_BUDGET, System::nanoTime);
        // and control too, so that interrupt and shutdown requests still get through
        FrameBudget controlBudget = new FrameBudget(Math.min(CONTROL_BUDGET, options.effectiveFrameBudget()), System::nanoTime);
        LogLimiter refusals = new LogLimiter(LOG, Level.WARNING, LogLimiter.DEFAULT_INTERVAL_NANOS, 1, clock);
        List<ZMQ.Socket> bound = new ArrayList<>(5);
        try {
            ZMQ.Socket shell = add(bound, Sockets.bind(context, SocketType.ROUTER, Channel.SHELL, info, max,
                    new FrameGuard(Channel.SHELL, max, budget, refusals)));
            ZMQ.Socket iopub = add(bound, Sockets.bind(context, SocketType.XPUB, Channel.IOPUB, info, max,
                    new FrameGuard(Channel.IOPUB, max, budget, refusals)));
            ZMQ.Socket stdin = add(bound, Sockets.bind(context, SocketType.ROUTER, Channel.STDIN, info, max,
                    new FrameGuard(Channel.STDIN, max, budget, refusals)));
            ZMQ.Socket control = add(bound, Sockets.bind(context, SocketType.ROUTER, Channel.CONTROL, info, max,
                    new FrameGuard(Channel.CONTROL, max, controlBudget, refusals)));
            ZMQ.Socket hb = add(bound, Sockets.bind(context, SocketType.ROUTER, Channel.HEARTBEAT, info, max,
                    new FrameGuard(Channel.HEARTBEAT, max, heartbeatBudget, refusals)));
            ConnectionInfo actual = info.withPorts(Sockets.port(shell), Sockets.port(iopub), Sockets.port(stdin),
                    Sockets.port(control), Sockets.port(hb));
            List<String> endpoints = bound.stream().map(ZMQ.Socket::getLastEndpoint).toList();
            KernelConnection connection = new KernelConnection(actual, endpoints, signer, handler, options,
                    clock, context, shell, control, stdin, iopub, hb, budget, List.of(heartbeatBudget, controlBudget));
            self.set(connection);
            connection.start();
            LOG.log(Level.FINE, "listening: {0}", actual);
            return connection;
        } catch (RuntimeException e) {
            // The sockets have not been handed to any thread yet, so this thread may close them.
            bound.forEach(ZMQ.Socket::close);
            context.term();
            throw e;
        }
    }

    /** The connection as bound: the file's transport, ip and key, with the ports actually in use. */
    public ConnectionInfo info() {
        return info;
    }

    /**
     * Sends {@code m} on {@code channel}: a reply on SHELL, CONTROL or STDIN (routed by its identities, so
     * make it with {@link Message#reply}), or a broadcast on IOPUB. Encodes and signs on the calling
     * thread, then queues the frames for the I/O thread; returns without waiting for the network. Messages
     * from one thread go out in the order they were sent. After {@link #close} it does nothing.
     *
     * @throws IllegalArgumentException for HEARTBEAT, or a SHELL/CONTROL/STDIN message without identities
     * @throws WireException            ({@link WireException.Reason#ENCODE}) when {@code m} cannot be encoded
     */
    public void send(Channel channel, Message m) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(m, "m");
        if (channel == Channel.HEARTBEAT) {
            throw new IllegalArgumentException("send: nothing can be sent on heartbeat; the connection echoes by itself");
        }
        if (channel != Channel.IOPUB && m.identities().isEmpty()) {
            throw new IllegalArgumentException("send: " + m + " has no identities to route it on " + channel.label()
                    + "; make it with Message.reply(request, ...)");
        }
        List<byte[]> frames = WireCodec.encode(m, signer);
        if (closing.get()) {
            LOG.log(Level.FINE, "dropped {0} on {1}: the connection is closed", new Object[] {m, channel.label()});
            return;
        }
        io.enqueue(channel, frames);
    }

    /** {@code send(Channel.IOPUB, m)}. */
    public void publish(Message m) {
        send(Channel.IOPUB, m);
    }

    /**
     * Asks the frontend that sent {@code parent} (an execute_request) for a line of input: sends an
     * {@code input_request} on STDIN, routed by the parent's identities, and blocks until the matching
     * {@code input_reply} arrives (the one whose parent is this input_request, or a reply without a parent
     * header from the same frontend, as jupyter_client sends). Call it from the handler of {@code parent}.
     *
     * @return the reply's {@code value}
     * @throws InterruptedException when the calling thread is interrupted (e.g. by {@link #interruptShell})
     * @throws WireException        ({@link WireException.Reason#STDIN}) when the parent says
     *                              {@code allow_stdin: false} or the reply has no string value;
     *                              ({@link WireException.Reason#CLOSED}) when the connection closes first
     */
    public String requestInput(Message parent, String prompt, boolean password) throws InterruptedException {
        Objects.requireNonNull(parent, "parent");
        Objects.requireNonNull(prompt, "prompt");
        JsonElement allow = parent.content().get("allow_stdin");
        if (allow != null && allow.isJsonPrimitive() && allow.getAsJsonPrimitive().isBoolean() && !allow.getAsBoolean()) {
            throw new WireException(WireException.Reason.STDIN,
                    "requestInput: the frontend does not accept input requests for " + parent + " (allow_stdin is false)");
        }
        JsonObject content = new JsonObject();
        content.addProperty("prompt", prompt);
        content.addProperty("password", password);
        Message request = Message.reply(parent, "input_request", content);
        CompletableFuture<Message> answer = new CompletableFuture<>();
        byte[] frontend = parent.identities().isEmpty() ? new byte[0] : parent.identities().get(0);
        pendingInputs.put(request.id(), new PendingInput(inputSequence.incrementAndGet(), frontend, answer));
        try {
            if (closing.get()) {
                throw closedWhileWaiting();
            }
            sendInputRequest(request);
            Message reply = answer.get();
            JsonElement value = reply.content().get("value");
            if (value == null || !value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
                throw new WireException(WireException.Reason.STDIN, "requestInput: " + reply + " has no string value");
            }
            return value.getAsString();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof WireException w ? w : new WireException(WireException.Reason.STDIN, e.getMessage(), e);
        } catch (CancellationException e) {
            throw closedWhileWaiting();
        } finally {
            pendingInputs.remove(request.id());
        }
    }

    /**
     * Sends an {@code input_request}, retrying while the frontend's stdin connection is still being
     * made (a client connects its sockets at once, and its shell request can arrive first); fails
     * after {@value #STDIN_CONNECT_MS} ms rather than leaving the cell waiting for an answer that can
     * never come.
     */
    private void sendInputRequest(Message request) throws InterruptedException {
        List<byte[]> frames = WireCodec.encode(request, signer);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STDIN_CONNECT_MS);
        while (true) {
            if (closing.get()) {
                throw closedWhileWaiting();
            }
            CompletableFuture<Boolean> sent = new CompletableFuture<>();
            io.enqueue(Channel.STDIN, frames, sent);
            try {
                if (sent.get(STDIN_CONNECT_MS, TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                // the I/O loop stopped before writing it
                throw closing.get() ? closedWhileWaiting()
                        : new WireException(WireException.Reason.STDIN, "requestInput: " + request + " was not written", e);
            }
            if (System.nanoTime() > deadline) {
                throw new WireException(WireException.Reason.STDIN, "requestInput: the frontend of " + request
                        + " has no stdin connection after " + STDIN_CONNECT_MS + " ms");
            }
            TimeUnit.MILLISECONDS.sleep(STDIN_RETRY_MS); // its connection is on the way: give it a moment
        }
    }

    /**
     * Interrupts the shell thread if a handler is running on it (for {@code interrupt_request} with
     * {@code interrupt_mode: "message"}). The dispatch loop clears the interrupt flag between requests,
     * so an interrupt that arrives as one request ends cannot leak into a later one, except in the
     * moment between one handler returning and the next starting.
     */
    public void interruptShell() {
        if (shellBusy) {
            shellThread.interrupt();
        }
    }

    /** Blocks until {@link #close} has finished. */
    public void awaitClose() throws InterruptedException {
        closed.await();
    }

    /**
     * Stops serving and releases everything; safe to call more than once and from any thread, including a
     * handler (e.g. after sending {@code shutdown_reply}, which is still delivered). In order: the shell
     * and control threads are told to stop and interrupted (a handler gets 2 s to return), pending
     * {@link #requestInput} calls fail with {@link WireException.Reason#CLOSED}, the I/O thread writes what
     * is queued and closes its sockets, the heartbeat closes its socket, and the ZeroMQ context is
     * terminated. A second call waits for the first to finish (unless made from one of the
     * connection's own threads).
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            if (!ownThread()) {
                awaitUninterruptibly(closed);
            }
            return;
        }
        try {
            if (watchdog != null) {
                // first: from here on the heartbeat goes quiet on purpose
                watchdog.stop();
                if (!ownThread()) {
                    joinUninterruptibly(watchdogThread, 0);
                }
            }
            shellRequests.add(STOP);
            controlRequests.add(STOP);
            WireException closedEx = closedWhileWaiting();
            pendingInputs.values().forEach(p -> p.answer.completeExceptionally(closedEx));
            stopDispatcher(shellThread);
            stopDispatcher(controlThread);
            io.guard().stop();
            heartbeat.guard().stop();
            joinUninterruptibly(ioThread, 0);
            joinUninterruptibly(heartbeatThread, 0);
            // after the sockets it watches are closed, before the context that holds its own is terminated
            monitor.guard().stop();
            joinUninterruptibly(monitorThread, 0);
            context.term();
            LOG.log(Level.FINE, "closed: {0}", info);
        } finally {
            closed.countDown();
        }
    }

    /** The endpoints actually bound, in the order shell, iopub, stdin, control, heartbeat. */
    List<String> endpoints() {
        return endpoints;
    }

    /** Runs {@code task} on the I/O thread inside its loop: how tests inject a failure there. */
    void runOnIoThread(Runnable task) {
        io.guard().runOnLoop(task);
    }

    /** Runs {@code task} on the heartbeat thread inside its loop: how tests inject a failure there. */
    void runOnHeartbeatThread(Runnable task) {
        heartbeat.guard().runOnLoop(task);
    }

    /** Runs {@code task} on the peer monitor's thread inside its loop: how tests inject a failure there. */
    void runOnMonitorThread(Runnable task) {
        monitor.guard().runOnLoop(task);
    }

    /** Waits until the peer monitor has handled {@code n} more disconnected peers (logged or counted). */
    boolean awaitPeerDisconnects(int n, long timeout, TimeUnit unit) throws InterruptedException {
        return monitor.awaitDisconnects(n, timeout, unit);
    }

    /** The bytes of incoming frames reserved in the in-flight budget now (for tests). */
    long framesInFlight() {
        return budget.reserved();
    }

    /** Whether a fatal error has been reported (and {@link WireOptions#onFatal()} called). */
    public boolean failed() {
        return failed.get();
    }

    /** Waits until a client's iopub subscription has reached the kernel; each subscription counts once. */
    boolean awaitIopubSubscription(long timeout, TimeUnit unit) throws InterruptedException {
        return io.awaitSubscription(timeout, unit);
    }

    private void start() {
        for (Thread t : new Thread[] {ioThread, heartbeatThread, monitorThread, shellThread, controlThread, watchdogThread}) {
            // a backstop: the loops catch what they can; whatever still escapes is fatal, never silent
            if (t != null) {
                t.setUncaughtExceptionHandler((thread, e) -> fatal(thread.getName(), e));
            }
        }
        ioThread.start();
        heartbeatThread.start();
        monitorThread.start();
        shellThread.start();
        controlThread.start();
        if (watchdogThread != null) {
            watchdogThread.start();
        }
    }

    /**
     * Answers a verified request whose frames could not be decoded (content, metadata or parent_header not an
     * object; header without a string msg_id) with an error reply naming the frame or field: the client would
     * otherwise wait for ever. Called on the I/O thread; the reply is queued like any other.
     */
    private void reject(Channel channel, Message request, String reason) {
        String type = request.type();
        String replyType = type.endsWith("_request") ? type.substring(0, type.length() - "_request".length()) + "_reply"
                : "error_reply";
        JsonObject content = new JsonObject();
        content.addProperty("status", "error");
        content.addProperty("ename", "MalformedMessage");
        content.addProperty("evalue", type + ": " + reason);
        content.add("traceback", new com.google.gson.JsonArray());
        LOG.log(Level.FINE, "answered a malformed {0} message with an error: {1}", new Object[] {channel.label(), reason});
        send(channel, Message.reply(request, replyType, content));
    }

    /** Called on the I/O thread for every verified message; never blocks. */
    private void deliver(Channel channel, Message message) {
        switch (channel) {
            case SHELL -> shellRequests.add(message);
            case CONTROL -> controlRequests.add(message);
            case STDIN -> answerInput(message);
            default -> LOG.log(Level.WARNING, "dropped {0} message {1}: not a request channel",
                    new Object[] {channel.label(), message});
        }
    }

    /**
     * Completes the input request that {@code reply} answers: the one named by its parent header or,
     * when it has none, the oldest one sent to the same frontend. NOTE: jupyter_client's
     * {@code KernelClient.input} (used by jupyter_console and scripts) sends input_reply with an empty
     * parent header, so a strict match on the parent would leave those callers hanging.
     */
    private void answerInput(Message reply) {
        if (!reply.type().equals("input_reply")) {
            LOG.log(Level.WARNING, "dropped stdin message: expected input_reply, got {0}", reply);
            return;
        }
        String parent = reply.parentId();
        PendingInput waiting = parent != null ? pendingInputs.remove(parent) : oldestFrom(reply.identities());
        if (waiting == null) {
            LOG.log(Level.WARNING, "dropped stdin message: {0} answers no pending input_request", reply);
            return;
        }
        waiting.answer.complete(reply);
    }

    private PendingInput oldestFrom(List<byte[]> identities) {
        byte[] frontend = identities.isEmpty() ? new byte[0] : identities.get(0);
        PendingInput oldest = null;
        String oldestId = null;
        for (var e : pendingInputs.entrySet()) {
            PendingInput p = e.getValue();
            if (Arrays.equals(p.frontend, frontend) && (oldest == null || p.sequence < oldest.sequence)) {
                oldest = p;
                oldestId = e.getKey();
            }
        }
        return oldestId != null && pendingInputs.remove(oldestId, oldest) ? oldest : null;
    }

    private void dispatch(Channel channel, BlockingQueue<Message> requests) {
        while (true) {
            Message request;
            try {
                request = requests.take();
            } catch (InterruptedException e) {
                continue; // an interrupt meant for a handler that has already returned; close() queues STOP
            }
            if (request == STOP || closing.get()) {
                return;
            }
            if (channel == Channel.SHELL) {
                shellBusy = true;
            }
            try {
                handler.handle(channel, request, this);
            } catch (Throwable t) {
                // NOTE: Throwable, not Exception: a StackOverflowError or OutOfMemoryError in one cell must not
                // leave the kernel deaf to the next.
                LOG.log(Level.SEVERE, "handler failed on " + channel.label() + " for " + request, t);
            } finally {
                if (channel == Channel.SHELL) {
                    shellBusy = false;
                }
                Thread.interrupted();
            }
        }
    }

    private void stopDispatcher(Thread thread) {
        if (thread == Thread.currentThread()) {
            return; // close() called by this dispatcher's own handler; the thread ends when it returns
        }
        thread.interrupt();
        joinUninterruptibly(thread, HANDLER_STOP_MS);
        if (thread.isAlive()) {
            LOG.log(Level.WARNING, "{0} did not return within {1} ms of being interrupted; closing without it",
                    new Object[] {thread.getName(), String.valueOf(HANDLER_STOP_MS)});
        }
    }

    /** The first fatal error of this connection: one SEVERE line, then {@link #onFatal}; later ones are logged. */
    private void fatal(String thread, Throwable error) {
        if (failed.compareAndSet(false, true)) {
            reportFatal(thread, error, onFatal);
        } else {
            LOG.log(Level.SEVERE, "another fatal error in thread " + thread + " (the first is being handled)", error);
        }
    }

    /**
     * NOTE: in this order, so that a heap with nothing left to give cannot keep the kernel alive:
     * {@code onFatal} runs first (the kernel's, {@link FatalErrorHandler#exitProcess()}, writes a line built in
     * advance to stderr and halts), and only then the detailed SEVERE line is logged, best effort: it is what a
     * test's recording handler, which returns, gets to see.
     */
    private static void reportFatal(String thread, Throwable error, FatalErrorHandler onFatal) {
        try {
            onFatal.fatal(thread, error);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "the fatal-error handler itself failed", e);
        } finally {
            try {
                LOG.log(Level.SEVERE, "fatal error in thread " + thread + ": " + error + "; the kernel cannot serve on and"
                        + " ends, so that its frontend restarts it", error);
            } catch (RuntimeException | OutOfMemoryError e) {
                // best effort: the handler has already acted
            }
        }
    }

    private boolean ownThread() {
        Thread t = Thread.currentThread();
        return t == shellThread || t == controlThread || t == ioThread || t == heartbeatThread || t == monitorThread
                || (watchdogThread != null && t == watchdogThread);
    }

    private static WireException closedWhileWaiting() {
        return new WireException(WireException.Reason.CLOSED, "requestInput: the connection closed before the input_reply came");
    }

    private static Thread thread(String name, Runnable body) {
        Thread t = new Thread(body, THREAD_PREFIX + name);
        // NOTE: daemons, so a kernel whose main thread forgot close() still exits; awaitClose() is how a
        // main thread stays alive while the kernel serves.
        t.setDaemon(true);
        return t;
    }

    private static ZMQ.Socket add(List<ZMQ.Socket> bound, ZMQ.Socket socket) {
        bound.add(socket);
        return socket;
    }

    private static void joinUninterruptibly(Thread thread, long millis) {
        boolean interrupted = false;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        try {
            while (thread.isAlive()) {
                long left = millis == 0 ? 0 : TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (millis != 0 && left <= 0) {
                    return;
                }
                try {
                    thread.join(left);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    latch.await();
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
