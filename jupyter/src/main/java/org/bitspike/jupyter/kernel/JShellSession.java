package org.bitspike.jupyter.kernel;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import jdk.jshell.DeclarationSnippet;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.ExpressionSnippet;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.Completeness;
import jdk.jshell.UnresolvedReferenceException;
import jdk.jshell.VarSnippet;

/**
 * One JShell with its execution JVM: runs cells (split into snippets), maps JShell's events to a
 * result or a Jupyter-style error, and answers completion, inspection and completeness queries.
 *
 * <p>Not thread-safe except {@link #interrupt()}, which the control thread calls while the shell
 * thread is inside {@link #execute}.
 */
final class JShellSession implements AutoCloseable {
    /** Temporary values ({@code $1}, {@code $2}, ...) kept referable; older ones are released. */
    static final int KEPT_TEMPORARIES = 8;
    /** Snippets whose value is the cell's result (a declaration's value is not shown). */
    private static final java.util.Set<Snippet.SubKind> RESULT_KINDS = java.util.EnumSet.of(
            Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND, Snippet.SubKind.VAR_VALUE_SUBKIND,
            Snippet.SubKind.OTHER_EXPRESSION_SUBKIND);

    /** How a session is built. */
    record Config(Path agentJar, List<Path> classPath, List<String> vmOptions, List<String> compilerOptions,
                  List<String> prelude) {
        Config {
            classPath = List.copyOf(classPath);
            vmOptions = List.copyOf(vmOptions);
            compilerOptions = List.copyOf(compilerOptions);
            prelude = List.copyOf(prelude);
        }
    }

    /** What a cell produced. */
    sealed interface Outcome {
        /**
         * Success. {@code value} is JShell's rendering of the last snippet's value when it was an
         * expression or a variable declaration, else null; {@code valueName} names the variable
         * holding it ({@code $3}, {@code x}), through which the kernel asks for a rich rendering.
         */
        record Ok(String value, String valueName) implements Outcome {
        }

        /** Failure, as Jupyter reports errors: an exception name, its message and the trace lines. */
        record Failed(String ename, String evalue, List<String> traceback) implements Outcome {
        }
    }

    private final JShell shell;
    private final NoDelayEngine engine;
    private final PrintStream err;
    private final AtomicBoolean interrupted = new AtomicBoolean();
    private final AtomicBoolean alive = new AtomicBoolean(true);
    private final Deque<VarSnippet> temporaries = new ArrayDeque<>();
    /** Snippet class of each variable's current declaration, to release its value once overwritten. */
    private final Map<VarSnippet, String> varClass = new HashMap<>();

    private JShellSession(JShell shell, NoDelayEngine engine, PrintStream err) {
        this.shell = shell;
        this.engine = engine;
        this.err = err;
    }

    /**
     * Launches the execution JVM and evaluates the prelude.
     *
     * @param out where the execution JVM's {@code System.out} goes
     * @param err where its {@code System.err} goes, and the session's own warnings
     * @param in  what its {@code System.in} reads
     * @throws IllegalStateException naming the prelude snippet that failed
     */
    static JShellSession start(Config config, PrintStream out, PrintStream err, InputStream in) {
        NoDelayEngine engine = new NoDelayEngine(config.agentJar(), config.vmOptions());
        JShell shell = JShell.builder()
                .out(out).err(err).in(in)
                .compilerOptions(config.compilerOptions().toArray(String[]::new))
                .executionEngine(engine, Map.of())
                .build();
        JShellSession session = new JShellSession(shell, engine, err);
        shell.onShutdown(s -> session.alive.set(false));
        for (Path jar : config.classPath()) {
            shell.addToClasspath(jar.toString());
        }
        for (String snippet : config.prelude()) {
            Outcome o = session.execute(snippet);
            if (o instanceof Outcome.Failed f) {
                session.close();
                throw new IllegalStateException("kernel prelude snippet `" + snippet + "` failed: " + f.ename()
                        + ": " + f.evalue());
            }
        }
        return session;
    }

    boolean alive() {
        return alive.get();
    }

    /** Exit code of the execution JVM once it has died (waiting a moment for one that is exiting), else null. */
    Integer exitCode() {
        Process p = engine.process();
        if (p == null) {
            return null;
        }
        try {
            return p.waitFor(1, java.util.concurrent.TimeUnit.SECONDS) ? p.exitValue() : null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Puts a jar or class folder on the notebook's class path (javac's and the execution JVM's). */
    void addToClasspath(Path path) {
        shell.addToClasspath(path.toString());
    }

    /** Stops the running cell (any snippet, even in a loop inside library code); state is kept. */
    void interrupt() {
        interrupted.set(true);
        shell.stop();
    }

    /** Evaluates a cell snippet by snippet; stops at the first failure. */
    Outcome execute(String code) {
        return execute(code, () -> { });
    }

    /**
     * Evaluates a cell snippet by snippet, calling {@code beforeSnippet} before each (output of one
     * snippet, such as its rich result, is then told from the next's); stops at the first failure.
     */
    Outcome execute(String code, Runnable beforeSnippet) {
        interrupted.set(false);
        SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
        String rest = code;
        Outcome last = new Outcome.Ok(null, null);
        while (true) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(rest);
            Completeness c = info.completeness();
            if (c == Completeness.EMPTY) {
                return last;
            }
            // an incomplete or unparsable tail is still given to javac, for its error message
            String source = c.isComplete() ? info.source() : rest;
            int at = code.length() - rest.length() + startIn(rest, source);
            rest = c.isComplete() ? info.remaining() : "";
            beforeSnippet.run();
            last = evaluate(source, code, at);
            if (last instanceof Outcome.Failed || rest.isBlank()) {
                return last;
            }
        }
    }

    /** Where {@code source} (JShell's text of the next snippet) starts in {@code rest}. */
    private static int startIn(String rest, String source) {
        int i = rest.indexOf(source);
        if (i >= 0) {
            return i;
        }
        String trimmed = source.stripLeading();
        i = trimmed.isEmpty() ? -1 : rest.indexOf(trimmed);
        return i >= 0 ? i - (source.length() - trimmed.length()) : 0;
    }

    /** One snippet; {@code at} is where it starts in {@code cell}, for error positions. */
    private Outcome evaluate(String source, String cell, int at) {
        List<SnippetEvent> events;
        engine.forgetLastInvoked();
        try {
            events = shell.eval(source);
        } catch (IllegalStateException closed) {
            return terminated();
        }
        if (!alive.get()) {
            return terminated();
        }
        Outcome result = new Outcome.Ok(null, null);
        List<VarSnippet> replaced = new ArrayList<>();
        try {
            for (SnippetEvent e : events) {
                if (e.causeSnippet() != null) {
                    noteSideEffect(e, replaced);
                    continue;
                }
                Outcome failed = mainEvent(e, cell, at);
                if (failed != null) {
                    return failed;
                }
                if (e.value() != null && RESULT_KINDS.contains(e.snippet().subKind())) {
                    Snippet s = e.snippet();
                    String name = s instanceof VarSnippet v ? v.name() : ((ExpressionSnippet) s).name();
                    result = new Outcome.Ok(e.value(), name);
                }
            }
            if (interrupted.get()) {
                // stopped by force (JShell reports nothing) or ended normally despite the interrupt
                return new Outcome.Failed("InterruptedException", "the cell was interrupted",
                        List.of("java.lang.InterruptedException: the cell was interrupted; variables defined so far are kept"));
            }
        } finally {
            // after the new declarations are tracked: JShell may keep a redeclared variable in
            // the same class, whose field then holds the new value and must stay
            for (VarSnippet old : replaced) {
                release(old);
            }
        }
        return result;
    }

    /** A snippet's own event: its failure, or null when it was accepted. */
    private Outcome mainEvent(SnippetEvent e, String cell, int at) {
        Snippet s = e.snippet();
        if (e.status() == Snippet.Status.REJECTED) {
            return compileError(s, cell, at);
        }
        if (e.exception() != null) {
            return runtimeError(e.exception());
        }
        if (e.status() == Snippet.Status.RECOVERABLE_DEFINED || e.status() == Snippet.Status.RECOVERABLE_NOT_DEFINED) {
            warnUnresolved((DeclarationSnippet) s, e.status() == Snippet.Status.RECOVERABLE_DEFINED);
        }
        if (s instanceof VarSnippet v && e.status().isActive()) {
            track(v);
        }
        return null;
    }

    /** Remembers a variable's class, releases the value it replaced and old temporaries. */
    private void track(VarSnippet v) {
        String cls = engine.lastInvokedClass();
        if (cls != null) {
            varClass.put(v, cls);
        }
        if (v.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND) {
            temporaries.addLast(v);
            while (temporaries.size() > KEPT_TEMPORARIES) {
                VarSnippet old = temporaries.removeFirst();
                release(old);
                shell.drop(old);
            }
        }
    }

    private void release(VarSnippet old) {
        String cls = varClass.remove(old);
        if (cls != null && !varClass.containsValue(cls)) {
            engine.clearStatic(cls, old.name());
        }
    }

    /** Events caused by another snippet: overwritten variables are released, resets are reported. */
    private void noteSideEffect(SnippetEvent e, List<VarSnippet> replaced) {
        if (!(e.snippet() instanceof VarSnippet v)) {
            return;
        }
        if (e.status() == Snippet.Status.OVERWRITTEN) {
            replaced.add(v);
            temporaries.remove(v);
        } else if (e.previousStatus() == Snippet.Status.VALID && e.status().isActive()) {
            // JShell re-declares a variable whose type was redefined, and its value is reset
            err.printf("note: variable %s was re-created because %s changed; its value is now %s%n", v.name(),
                    describe(e.causeSnippet()), e.value() == null ? "the default (null or 0)" : e.value());
        }
    }

    private static String describe(Snippet s) {
        if (s instanceof DeclarationSnippet d) {
            return "`" + d.name() + "`";
        }
        return "`" + s.source().strip() + "`";
    }

    private void warnUnresolved(DeclarationSnippet s, boolean defined) {
        String missing = shell.unresolvedDependencies(s).collect(Collectors.joining(", "));
        err.printf("note: %s is declared but %s until %s %s defined%n", s.name(),
                defined ? "cannot be called" : "cannot be used", missing,
                missing.contains(",") ? "are" : "is");
    }

    /** javac's errors with line and column in the cell ({@code at}: where the snippet starts in it). */
    private Outcome compileError(Snippet s, String cell, int snippetStart) {
        List<String> lines = new ArrayList<>();
        StringBuilder evalue = new StringBuilder();
        boolean inCell = snippetStart >= 0 && cell.startsWith(s.source(), snippetStart);
        String source = inCell ? cell : s.source();
        int base = inCell ? snippetStart : 0;
        for (Diag d : (Iterable<Diag>) shell.diagnostics(s)::iterator) {
            if ("compiler.warn.incubating.modules".equals(d.getCode()) || !d.isError()) {
                continue;
            }
            String message = d.getMessage(null);
            int at = (int) Math.max(0, Math.min(source.length(), base + d.getPosition()));
            int lineStart = source.lastIndexOf('\n', at - 1) + 1;
            int lineEnd = source.indexOf('\n', at);
            String line = source.substring(lineStart, lineEnd < 0 ? source.length() : lineEnd);
            int lineNo = (int) source.substring(0, lineStart).chars().filter(ch -> ch == '\n').count() + 1;
            if (evalue.length() > 0) {
                evalue.append("; ");
            }
            evalue.append(message);
            lines.add("line " + lineNo + ", column " + (at - lineStart + 1) + ": " + message);
            lines.add("    " + line);
            lines.add("    " + " ".repeat(at - lineStart) + "^");
        }
        if (lines.isEmpty()) {
            evalue.append("the snippet was rejected: ").append(source.strip());
            lines.add(evalue.toString());
        }
        return new Outcome.Failed("CompilationException", evalue.toString(), lines);
    }

    private static Outcome runtimeError(JShellException ex) {
        String ename;
        String head;
        if (ex instanceof EvalException ee) {
            String cls = ee.getExceptionClassName();
            ename = cls.substring(cls.lastIndexOf('.') + 1);
            head = cls + (ee.getMessage() == null ? "" : ": " + ee.getMessage());
        } else if (ex instanceof UnresolvedReferenceException ure) {
            ename = "UnresolvedReferenceException";
            head = "attempted to use " + ure.getSnippet().name() + " before "
                    + "what it needs is defined";
        } else {
            ename = ex.getClass().getSimpleName();
            head = String.valueOf(ex.getMessage());
        }
        List<String> trace = new ArrayList<>();
        for (Throwable t = ex; t != null; t = t.getCause()) {
            trace.add(t == ex ? head : "Caused by: " + causeHead(t));
            for (StackTraceElement el : t.getStackTrace()) {
                trace.add("\tat " + el);
                if (el.getClassName().startsWith("REPL.")) {
                    break; // below the snippet's own frame is JShell's machinery
                }
            }
        }
        return new Outcome.Failed(ename, head, trace);
    }

    private static String causeHead(Throwable t) {
        if (t instanceof EvalException ee) {
            return ee.getExceptionClassName() + (ee.getMessage() == null ? "" : ": " + ee.getMessage());
        }
        return t.toString();
    }

    private Outcome terminated() {
        alive.set(false);
        Integer code = exitCode();
        return new Outcome.Failed("EngineTerminated",
                "the execution JVM exited" + (code == null ? "" : " with code " + code)
                        + " (System.exit, a crash or memory exhausted); its variables are lost and a fresh one is starting",
                List.of("EngineTerminated: the execution JVM exited" + (code == null ? "" : " with code " + code),
                        "The kernel is still running; re-run the cells the rest of the notebook needs."));
    }

    /** JShell's completions at {@code cursor} in the whole cell, matching types first. */
    List<SourceCodeAnalysis.Suggestion> complete(String code, int cursor, int[] anchor) {
        List<SourceCodeAnalysis.Suggestion> all =
                new ArrayList<>(shell.sourceCodeAnalysis().completionSuggestions(code, cursor, anchor));
        all.sort((a, b) -> Boolean.compare(b.matchesType(), a.matchesType()));
        return all;
    }

    /** Signatures (and Javadoc when the JDK has its sources) of what is at {@code cursor}. */
    List<SourceCodeAnalysis.Documentation> documentation(String code, int cursor) {
        return shell.sourceCodeAnalysis().documentation(code, cursor, true);
    }

    /** Completeness of a whole cell. */
    Completeness completeness(String code) {
        SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
        String rest = code;
        while (true) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(rest);
            if (info.completeness() != Completeness.COMPLETE && info.completeness() != Completeness.COMPLETE_WITH_SEMI) {
                return info.completeness();
            }
            rest = info.remaining();
            if (rest.isBlank()) {
                return info.completeness();
            }
        }
    }

    @Override
    public void close() {
        alive.set(false);
        shell.close();
    }
}
