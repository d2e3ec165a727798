package org.bitspike.jupyter.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import jdk.jshell.SourceCodeAnalysis.Completeness;
import org.bitspike.jupyter.kernel.JShellSession.Outcome;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JShell session against a real execution JVM. */
class JShellSessionTest {
    private static final ByteArrayOutputStream OUT = new ByteArrayOutputStream();
    private static final ByteArrayOutputStream ERR = new ByteArrayOutputStream();
    private static JShellSession session;

    @TempDir
    static Path tmp;

    static JShellSession.Config config(String heap) {
        try {
            return new JShellSession.Config(TestAgents.agentJar(tmp), List.of(), List.of("-Xmx" + heap), List.of(),
                    List.of("import java.util.*;"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static JShellSession start(String heap) {
        return JShellSession.start(config(heap), new PrintStream(OUT, true, StandardCharsets.UTF_8),
                new PrintStream(ERR, true, StandardCharsets.UTF_8), InputStream.nullInputStream());
    }

    @BeforeAll
    static void startSession() {
        session = start("256m");
    }

    @AfterAll
    static void closeSession() {
        session.close();
    }

    @Test
    void lastExpressionIsTheResultAndDeclarationsAreNot() {
        assertEquals(new Outcome.Ok(null, null), session.execute("int x = 21;"));
        Outcome o = session.execute("int y = x;\n y * 2");
        assertEquals("42", ((Outcome.Ok) o).value());
        assertTrue(((Outcome.Ok) o).valueName().startsWith("$"));
        assertEquals("\"ABC\"", ((Outcome.Ok) session.execute("\"abc\".toUpperCase()")).value());
        assertEquals(new Outcome.Ok("21", "x"), session.execute("x"));
    }

    @Test
    void compileErrorsGiveJavacsMessageAndPosition() {
        Outcome.Failed f = assertInstanceOf(Outcome.Failed.class, session.execute("int ok = 1;\nint z = \"s\";"));
        assertEquals("CompilationException", f.ename());
        assertTrue(f.evalue().contains("incompatible types"), f.evalue());
        assertTrue(f.traceback().get(0).startsWith("line 2, column 9"), f.traceback().toString());
        assertEquals("    int z = \"s\";", f.traceback().get(1));
        assertEquals("            ^", f.traceback().get(2));
    }

    @Test
    void compileErrorPositionsCountFromTheCellNotTheSnippet() {
        Outcome.Failed f = assertInstanceOf(Outcome.Failed.class,
                session.execute("int a = 1;\nint b = 2;\nif (a < b) {\n  a = \"x\";\n}"));
        assertTrue(f.traceback().get(0).startsWith("line 4, column 7"), f.traceback().toString());
        assertEquals("      a = \"x\";", f.traceback().get(1));
    }

    @Test
    void redefiningAClassSaysWhichVariablesItResetAndKeepsTheOthers() {
        session.execute("class Point { int x = 1; }");
        session.execute("Point p = new Point(); int untouched = 5;");
        ERR.reset();
        assertInstanceOf(Outcome.Ok.class, session.execute("class Point { int x = 2; int y = 3; }"));
        String note = ERR.toString(StandardCharsets.UTF_8);
        assertTrue(note.contains("variable p was re-created because `Point` changed"), note);
        assertEquals(new Outcome.Ok("5", "untouched"), session.execute("untouched"));
    }

    @Test
    void exceptionsKeepTheirClassNameAndTrace() {
        Outcome.Failed f = assertInstanceOf(Outcome.Failed.class, session.execute("Integer.parseInt(\"x\")"));
        assertEquals("NumberFormatException", f.ename());
        assertEquals("java.lang.NumberFormatException: For input string: \"x\"", f.evalue());
        assertTrue(f.traceback().stream().anyMatch(l -> l.contains("Integer.parseInt")), f.traceback().toString());
    }

    @Test
    void completenessOfWholeCells() {
        assertTrue(session.completeness("1 + 1").isComplete());
        assertTrue(session.completeness("int a = 1; void f() {}").isComplete());
        assertFalse(session.completeness("for (int i = 0; i < 3; i++) {").isComplete());
        assertEquals(Completeness.EMPTY, session.completeness("  "));
    }

    @Test
    void interruptStopsALoopAndKeepsState() throws Exception {
        session.execute("int kept = 7;");
        CompletableFuture<Outcome> running = CompletableFuture.supplyAsync(() -> session.execute("while (true) { }"));
        // keep interrupting until the loop has started and stopped: the first may come before it runs
        Outcome o = null;
        while (o == null) {
            session.interrupt();
            try {
                o = running.get(100, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException notYet) {
                // the loop is still running
            }
        }
        assertEquals("InterruptedException", ((Outcome.Failed) o).ename());
        assertEquals(new Outcome.Ok("7", "kept"), session.execute("kept"));
    }

    @Test
    void overwrittenVariablesAndOldTemporariesAreReleased() {
        // 30 x 40 MB in a 256 MB heap: only a session that releases replaced values survives
        for (int i = 0; i < 30; i++) {
            assertInstanceOf(Outcome.Ok.class, session.execute("byte[] big = new byte[40_000_000];"), "declaration " + i);
        }
        for (int i = 0; i < 30; i++) {
            assertInstanceOf(Outcome.Ok.class, session.execute("new byte[20_000_000]"), "expression " + i);
        }
        // results stay short: JShell itself would render all 20 M elements
        String shown = ((Outcome.Ok) session.execute("new int[1000]")).value();
        assertTrue(shown.startsWith("int[1000] { 0, 0, "), shown);
        assertTrue(shown.endsWith(", ... 900 more }"), shown);
    }

    @Test
    void systemExitCostsTheExecutionJvmOnly() {
        JShellSession doomed = start("64m");
        try {
            Outcome.Failed f = assertInstanceOf(Outcome.Failed.class, doomed.execute("System.exit(3)"));
            assertEquals("EngineTerminated", f.ename());
            assertFalse(doomed.alive());
        } finally {
            doomed.close();
        }
    }
}
