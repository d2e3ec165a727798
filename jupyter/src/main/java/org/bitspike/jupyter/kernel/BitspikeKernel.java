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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.logging.Logger;
import org.bitspike.jupyter.agent.NoDelayAgent;
import org.bitspike.jupyter.display.DisplayFrames;
import org.bitspike.jupyter.kernel.JShellSession.Outcome;
import org.bitspike.jupyter.wire.Channel;
import org.bitspike.jupyter.wire.KernelConnection;
import org.bitspike.jupyter.wire.Message;
import org.bitspike.jupyter.wire.MessageHandler;

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
    private final History history = new History();
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
        this.config = config;
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

    @Override
    public void handle(Channel channel, Message request, KernelConnection c) throws Exception {
        connection = c;
        publish(request, "status", object("execution_state", "busy"));
        try {
            dispatch(channel, request);
        } finally {
            publish(request, "status", object("execution_state", "idle"));
        }
    }

    private void dispatch(Channel channel, Message request) throws Exception {
        JsonObject content = request.content();
        switch (request.type()) {
            case "kernel_info_request" -> reply(channel, request, "kernel_info_reply", kernelInfo());
            case "execute_request" -> execute(channel, request, content);
            case "complete_request" -> reply(channel, request, "complete_reply", introspection.complete(content));
            case "inspect_request" -> reply(channel, request, "inspect_reply", introspection.inspect(content));
            case "is_complete_request" -> reply(channel, request, "is_complete_reply", introspection.isComplete(content));
            case "history_request" -> {
                JsonObject r = ok();
                r.add("history", history.answer(content));
                reply(channel, request, "history_reply", r);
            }
            case "comm_info_request" -> {
                JsonObject r = ok();
                r.add("comms", new JsonObject());
                reply(channel, request, "comm_info_reply", r);
            }
            case "comm_open" -> {
                // no comm targets: the spec asks for a comm_close in answer
                JsonObject close = new JsonObject();
                close.add("comm_id", content.get("comm_id"));
                close.add("data", new JsonObject());
                publish(request, "comm_close", close);
            }
            case "comm_msg", "comm_close" -> LOG.fine(() -> "ignored " + request.type() + ": no comms are open");
            case "interrupt_request" -> {
                interrupt();
                reply(channel, request, "interrupt_reply", ok());
            }
            case "shutdown_request" -> shutdown(channel, request, content);
            default -> LOG.warning(() -> "unsupported message type " + request.type() + " on " + channel + ": ignored");
        }
    }

    // ---- execute ----

    private void execute(Channel channel, Message request, JsonObject content) {
        String code = string(content, "code", "");
        boolean silent = bool(content, "silent", false);
        boolean store = bool(content, "store_history", true) && !silent;
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
        stdin.allow(bool(content, "allow_stdin", false) ? request : null);
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
            reply.add("user_expressions", userExpressions(s, content));
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
        reply(channel, request, "execute_reply", reply);
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

    private JsonObject userExpressions(JShellSession s, JsonObject content) {
        JsonObject out = new JsonObject();
        if (s == null || !content.has("user_expressions") || !content.get("user_expressions").isJsonObject()) {
            return out;
        }
        for (Map.Entry<String, JsonElement> e : content.getAsJsonObject("user_expressions").entrySet()) {
            Outcome o = s.execute(e.getValue().getAsString());
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

    private void shutdown(Channel channel, Message request, JsonObject content) {
        boolean restart = bool(content, "restart", false);
        JsonObject r = ok();
        r.addProperty("restart", restart);
        if (restart) {
            closeSession();
            executionCount = 0;
            restartSession();
            reply(channel, request, "shutdown_reply", r);
        } else {
            reply(channel, request, "shutdown_reply", r);
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

    private void reply(Channel channel, Message request, String type, JsonObject content) {
        connection.send(channel, Message.reply(request, type, content));
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

    static String string(JsonObject o, String key, String otherwise) {
        return o.has(key) && !o.get(key).isJsonNull() ? o.get(key).getAsString() : otherwise;
    }

    private static boolean bool(JsonObject o, String key, boolean otherwise) {
        return o.has(key) && !o.get(key).isJsonNull() ? o.get(key).getAsBoolean() : otherwise;
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
