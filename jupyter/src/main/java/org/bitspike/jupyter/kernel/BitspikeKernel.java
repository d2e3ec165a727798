package org.bitspike.jupyter.kernel;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.bitspike.jupyter.agent.NoDelayAgent;
import org.bitspike.jupyter.display.DisplayFrames;
import org.bitspike.jupyter.kernel.JShellSession.Outcome;
import org.bitspike.jupyter.wire.Channel;
import org.bitspike.jupyter.wire.KernelConnection;
import org.bitspike.jupyter.wire.Message;
import org.bitspike.jupyter.wire.MessageHandler;
import org.bitspike.jupyter.wire.WireException;

/**
 * The Jupyter protocol (5.3) on top of a {@link JShellSession}: every request gets a reply with a
 * {@code status}, wrapped in {@code busy}/{@code idle} on iopub. Shell requests run one at a time
 * on the connection's shell thread; interrupts and shutdowns arrive on its control thread.
 *
 * <p>The session starts in the background as soon as the kernel is connected, so
 * {@code kernel_info} is answered at once and the first cell waits only for what is left. When the
 * execution JVM dies (a cell called {@code System.exit}, or it crashed), the cell fails with
 * {@code EngineTerminated} and a fresh session starts.
 */
final class BitspikeKernel implements MessageHandler, OutputBatcher.Sink {
    private static final Logger LOG = Logger.getLogger(BitspikeKernel.class.getName());
    static final String PROTOCOL_VERSION = "5.3";
    /** The {@code ename} of the error reply to a request whose content is malformed. */
    static final String MALFORMED = "MalformedRequest";
    /** The {@code ename} of the error reply to a request of a type this kernel does not know. */
    static final String UNSUPPORTED = "UnsupportedRequest";

    private final KernelConfig config;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bitspike-output-timer");
        t.setDaemon(true);
        return t;
    });
    private final OutputBatcher stdout = new OutputBatcher("stdout", this, timer);
    private final OutputBatcher stderr = new OutputBatcher("stderr", this, timer);
    private final PrintStream userOut = new PrintStream(stdout, true, StandardCharsets.UTF_8);
    private final PrintStream userErr = new PrintStream(stderr, true, StandardCharsets.UTF_8);
    private final History history;
    private final StdinBridge stdin = new StdinBridge();
    private final Introspection introspection;
    private final Magics magics = new Magics(java.nio.file.Path.of("").toAbsolutePath(), userErr::println);

    private volatile KernelConnection connection;
    /** The request whose cell is running (or ran last): the parent of output published meanwhile. */
    private volatile Message current;
    /** An {@code execute_result} frame the running cell's value produced, merged into its result. */
    private volatile JsonObject pendingResult;
    /** Pager payloads of the running cell, returned in its {@code execute_reply}. */
    private final JsonArray pages = new JsonArray();
    private volatile CompletableFuture<JShellSession> session;
    /** While the execution JVM starts, its output (the kernels' log line) goes to the kernel's log. */
    private volatile boolean starting;
    private int executionCount;

    BitspikeKernel(KernelConfig config) {
        this(config, new History());
    }

    /**
     * As {@link #BitspikeKernel(KernelConfig)}, answering {@code history_request}s from {@code history}: the
     * seam through which tests make a handler fail (a History whose answer throws).
     */
    BitspikeKernel(KernelConfig config, History history) {
        this.config = Objects.requireNonNull(config, "config");
        this.history = Objects.requireNonNull(history, "history");
        this.introspection = new Introspection(this::session, config.sources());
    }


    /** Starts the execution JVM in the background; call once connected. */
    void start(KernelConnection c) {
        this.connection = c;
        restartSession();
    }

    private void restartSession() {
        session = CompletableFuture.supplyAsync(() -> {
            starting = true;
            try {
                return JShellSession.start(config.sessionConfig(), userOut, userErr, stdin);
            } finally {
                stdout.publishNow();
                stderr.publishNow();
                starting = false;
            }
        });
    }

    /**
     * Answers {@code request}, between a {@code busy} and an {@code idle} status on iopub. Every request
     * gets a reply: one whose content is malformed ({@link Requests}) gets an error reply whose
     * {@code evalue} names the field and the type it needs ({@code ename} {@value #MALFORMED}); an
     * unknown {@code *_request} gets an error reply ({@value #UNSUPPORTED}); a failure of the kernel
     * itself (an exception or an error) gets an error reply named after it, and is logged. Messages of unknown types that
     * are not requests, and malformed {@code comm_*} messages (which have no reply), are logged and
     * dropped.
     */
    @Override
    public void handle(Channel channel, Message request, KernelConnection c) throws Exception {
        connection = c;
        publish(request, "status", object("execution_state", "busy"));
        Exchange ex = new Exchange(channel, request);
        try {
            dispatch(ex);
        } catch (WireException e) {
            if (e.reason() != WireException.Reason.BAD_CONTENT) {
                throw e;
            }
            LOG.warning(() -> "malformed " + request + " on " + channel + ": " + e.getMessage());
            ex.fail(MALFORMED, e.getMessage());
        } catch (RuntimeException | Error e) {
            // NOTE: an Error too (a StackOverflowError in a handler): the client still gets its reply, and the
            // dispatcher, which catches whatever a failed reply throws, goes on to the next request.
            LOG.log(Level.SEVERE, "failed to answer " + request + " on " + channel, e);
            ex.fail(e.getClass().getSimpleName(), String.valueOf(e.getMessage()));
        } finally {
            publish(request, "status", object("execution_state", "idle"));
        }
    }

    private void dispatch(Exchange ex) throws Exception {
        Message request = ex.request;
        switch (request.type()) {
            case "kernel_info_request" -> ex.reply(kernelInfo());
            case "execute_request" -> execute(ex, Requests.Execute.read(request));
            case "complete_request" -> ex.reply(introspection.complete(Requests.Complete.read(request)));
            case "inspect_request" -> ex.reply(introspection.inspect(Requests.Inspect.read(request)));
            case "is_complete_request" -> ex.reply(introspection.isComplete(Requests.IsComplete.read(request)));
            case "history_request" -> {
                Requests.History query = Requests.History.read(request);
                JsonObject r = ok();
                r.add("history", history.answer(query));
                ex.reply(r);
            }
            case "comm_info_request" -> {
                Requests.readCommInfo(request);
                JsonObject r = ok();
                r.add("comms", new JsonObject());
                ex.reply(r);
            }
            case "comm_open" -> {
                // no comm targets: the spec asks for a comm_close in answer
                JsonObject close = new JsonObject();
                close.addProperty("comm_id", Requests.CommOpen.read(request).commId());
                close.add("data", new JsonObject());
                publish(request, "comm_close", close);
            }
            case "comm_msg", "comm_close" -> LOG.fine(() -> "ignored " + request.type() + ": no comms are open");
            case "interrupt_request" -> {
                interrupt();
                ex.reply(ok());
            }
            case "shutdown_request" -> shutdown(ex, Requests.Shutdown.read(request));
            default -> {
                if (ex.replyType() != null) {
                    ex.fail(UNSUPPORTED, request.type() + " is not a message type this kernel knows (protocol "
                            + PROTOCOL_VERSION + ")");
                } else {
                    LOG.warning(() -> "unsupported message type " + request.type() + " on " + ex.channel + ": ignored");
                }
            }
        }
    }

    /** One request being answered on the thread of its channel: where its reply goes, and whether it went. */
    private final class Exchange {
        final Channel channel;
        final Message request;
        private boolean replied;

        Exchange(Channel channel, Message request) {
            this.channel = channel;
            this.request = request;
        }

        /** {@code <name>_reply} for a {@code <name>_request}; null for messages that have no reply. */
        String replyType() {
            String type = request.type();
            return type.endsWith("_request") ? type.substring(0, type.length() - "_request".length()) + "_reply" : null;
        }

        void reply(JsonObject content) {
            replied = true;
            connection.send(channel, Message.reply(request, replyType(), content));
        }

        /**
         * The error reply, unless a reply already went (then only the log tells). For execute_request also
         * the current {@code execution_count} (not advanced: nothing ran) and an iopub {@code error}, as for
         * a cell that failed.
         */
        void fail(String ename, String evalue) {
            if (replied || replyType() == null) {
                return;
            }
            JsonObject error = new JsonObject();
            error.addProperty("ename", ename);
            error.addProperty("evalue", evalue);
            JsonArray traceback = new JsonArray();
            traceback.add(ename + ": " + evalue);
            error.add("traceback", traceback);
            JsonObject reply = error.deepCopy();
            reply.addProperty("status", "error");
            if (request.type().equals("execute_request")) {
                publish(request, "error", error);
                reply.addProperty("execution_count", executionCount);
            }
            reply(reply);
        }
    }

    // ---- execute ----

    private void execute(Exchange ex, Requests.Execute r) {
        Message request = ex.request;
        String code = r.code();
        boolean silent = r.silent();
        boolean store = r.storeHistory();
        if (store) {
            executionCount++;
        }
        int count = executionCount;
        if (!silent) {
            JsonObject input = object("code", code);
            input.addProperty("execution_count", count);
            publish(request, "execute_input", input);
        }
        current = request;
        pendingResult = null;
        synchronized (pages) {
            while (pages.size() > 0) {
                pages.remove(0);
            }
        }
        stdin.allow(r.allowStdin() ? request : null);
        Outcome outcome;
        JShellSession s = null;
        try {
            s = session();
            pendingResult = null; // anything the session's start-up printed is not this cell's
            outcome = s.execute(magics.apply(code, s::addToClasspath), () -> pendingResult = null);
        } catch (Magics.MagicException e) {
            outcome = new Outcome.Failed("MagicError", e.getMessage(), List.of("MagicError: " + e.getMessage()));
        } catch (IllegalStateException startFailed) {
            outcome = new Outcome.Failed("KernelStartupError", startFailed.getMessage(),
                    List.of("KernelStartupError: " + startFailed.getMessage()));
        } finally {
            stdin.allow(null);
        }
        stdout.publishNow();
        stderr.publishNow();
        JsonObject reply;
        if (outcome instanceof Outcome.Ok ok) {
            if (!silent && ok.value() != null && !(NoDelayAgent.SHOWN.equals(ok.value()) && pendingResult == null)) {
                publishResult(request, count, ok.value());
            }
            reply = ok();
            reply.addProperty("execution_count", count);
            synchronized (pages) {
                reply.add("payload", pages.deepCopy());
            }
            reply.add("user_expressions", userExpressions(s, r.userExpressions()));
        } else {
            Outcome.Failed f = (Outcome.Failed) outcome;
            JsonObject error = error(f);
            if (!silent) {
                publish(request, "error", error);
            }
            reply = error.deepCopy();
            reply.addProperty("status", "error");
            reply.addProperty("execution_count", count);
        }
        if (store) {
            history.add(count, code, outcome instanceof Outcome.Ok ok && ok.value() != null
                    && !NoDelayAgent.SHOWN.equals(ok.value()) ? ok.value() : null);
        }
        if (s != null && !s.alive()) {
            s.close();
            restartSession();
        }
        ex.reply(reply);
    }

    private void publishResult(Message request, int count, String text) {
        JsonObject data = new JsonObject();
        JsonObject metadata = new JsonObject();
        JsonObject rich = pendingResult;
        pendingResult = null;
        if (rich != null) {
            if (rich.has("data")) {
                for (Map.Entry<String, JsonElement> e : rich.getAsJsonObject("data").entrySet()) {
                    data.add(e.getKey(), e.getValue());
                }
            }
            if (rich.has("metadata")) {
                metadata = rich.getAsJsonObject("metadata");
            }
        }
        if (!data.has("text/plain") && !NoDelayAgent.SHOWN.equals(text)) {
            data.addProperty("text/plain", text);
        }
        JsonObject result = new JsonObject();
        result.addProperty("execution_count", count);
        result.add("data", data);
        result.add("metadata", metadata);
        publish(request, "execute_result", result);
    }

    private JsonObject userExpressions(JShellSession s, Map<String, String> expressions) {
        JsonObject out = new JsonObject();
        if (s == null) {
            return out;
        }
        for (Map.Entry<String, String> e : expressions.entrySet()) {
            Outcome o = s.execute(e.getValue());
            JsonObject r;
            if (o instanceof Outcome.Ok ok) {
                r = ok();
                r.add("data", object("text/plain", ok.value() == null ? "" : ok.value()));
                r.add("metadata", new JsonObject());
            } else {
                r = error((Outcome.Failed) o);
                r.addProperty("status", "error");
            }
            out.add(e.getKey(), r);
        }
        return out;
    }

    private static JsonObject error(Outcome.Failed f) {
        JsonObject e = new JsonObject();
        e.addProperty("ename", f.ename());
        e.addProperty("evalue", f.evalue());
        JsonArray tb = new JsonArray();
        f.traceback().forEach(tb::add);
        e.add("traceback", tb);
        return e;
    }

    private JShellSession session() {
        try {
            return session.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the execution JVM was starting");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            restartSession(); // the next cell tries again
            throw new IllegalStateException("the execution JVM could not be started: " + cause.getMessage(), cause);
        }
    }

    private void interrupt() {
        CompletableFuture<JShellSession> s = session;
        if (s != null && s.isDone() && !s.isCompletedExceptionally()) {
            s.join().interrupt();
        }
        stdin.allow(null); // a cell waiting for input reads end of input
    }

    private void shutdown(Exchange ex, Requests.Shutdown request) {
        boolean restart = request.restart();
        JsonObject r = ok();
        r.addProperty("restart", restart);
        if (restart) {
            closeSession();
            executionCount = 0;
            restartSession();
            ex.reply(r);
        } else {
            ex.reply(r);
            close();
            connection.close();
        }
    }

    private void closeSession() {
        CompletableFuture<JShellSession> s = session;
        if (s != null) {
            s.thenAccept(JShellSession::close);
        }
    }

    /** Stops the session and the output timer. */
    void close() {
        closeSession();
        timer.shutdownNow();
    }

    // ---- introspection ----

    private JsonObject kernelInfo() {
        JsonObject info = ok();
        info.addProperty("protocol_version", PROTOCOL_VERSION);
        info.addProperty("implementation", "bitspike");
        info.addProperty("implementation_version", implementationVersion());
        JsonObject language = new JsonObject();
        language.addProperty("name", "java");
        language.addProperty("version", System.getProperty("java.specification.version"));
        language.addProperty("mimetype", "text/x-java-source");
        language.addProperty("file_extension", ".jshell");
        language.addProperty("pygments_lexer", "java");
        language.addProperty("codemirror_mode", "java");
        info.add("language_info", language);
        info.addProperty("banner", "bitspike " + implementationVersion() + " on Java " + Runtime.version()
                + ": efficient neural networks (tensors, autograd, nn) in JShell");
        info.add("help_links", new JsonArray());
        info.addProperty("debugger", false);
        return info;
    }

    private static String implementationVersion() {
        String v = BitspikeKernel.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    // ---- output ----

    @Override
    public void text(String stream, String text) {
        if (starting) {
            LOG.info(() -> "execution JVM start-up " + stream + ": " + text.strip());
            return;
        }
        JsonObject c = object("name", stream);
        c.addProperty("text", text);
        publish(current, "stream", c);
    }

    @Override
    public void frame(JsonObject frame) {
        DisplayFrames.Kind kind = DisplayFrames.kind(frame).orElse(null);
        if (kind == null) {
            LOG.warning(() -> "display frame of unknown kind " + frame.get("kind") + " dropped");
            return;
        }
        JsonObject c = new JsonObject();
        switch (kind) {
            case EXECUTE_RESULT -> pendingResult = frame;
            case PAGE -> {
                c.addProperty("source", "page");
                c.add("data", member(frame, "data"));
                c.addProperty("start", 0);
                synchronized (pages) {
                    pages.add(c);
                }
            }
            case CLEAR_OUTPUT -> {
                c.addProperty("wait", frame.has("wait") && frame.get("wait").getAsBoolean());
                publish(current, kind.jsonName(), c);
            }
            case DISPLAY_DATA, UPDATE_DISPLAY_DATA -> {
                c.add("data", member(frame, "data"));
                c.add("metadata", member(frame, "metadata"));
                c.add("transient", member(frame, "transient"));
                publish(current, kind.jsonName(), c);
            }
        }
    }

    private static JsonElement member(JsonObject o, String key) {
        return o.has(key) ? o.get(key) : new JsonObject();
    }

    private void publish(Message parent, String type, JsonObject content) {
        KernelConnection c = connection;
        if (c != null) {
            c.publish(Message.broadcast(parent, type, content));
        }
    }

    // ---- helpers ----

    static JsonObject ok() {
        return object("status", "ok");
    }

    private static JsonObject object(String key, String value) {
        JsonObject o = new JsonObject();
        o.addProperty(key, value);
        return o;
    }

    /**
     * The execution JVM's {@code System.in}: each read that finds no buffered input asks the
     * client with an {@code input_request} on stdin, when the running cell allows it; otherwise
     * (or once interrupted) it reads end of input.
     */
    private final class StdinBridge extends InputStream {
        private volatile Message allowedFor;
        private byte[] buffer = new byte[0];
        private int position;

        void allow(Message request) {
            allowedFor = request;
        }

        @Override
        public synchronized int read() throws IOException {
            if (position >= buffer.length && !fill()) {
                return -1;
            }
            return buffer[position++] & 0xff;
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (position >= buffer.length && !fill()) {
                return -1;
            }
            int n = Math.min(len, buffer.length - position);
            System.arraycopy(buffer, position, b, off, n);
            position += n;
            return n;
        }

        private boolean fill() throws IOException {
            Message parent = allowedFor;
            if (parent == null) {
                return false;
            }
            stdout.publishNow(); // the prompt the cell printed comes first
            try {
                String line = connection.requestInput(parent, "", false);
                buffer = (line + "\n").getBytes(StandardCharsets.UTF_8);
                position = 0;
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for input", e);
            }
        }
    }
}
