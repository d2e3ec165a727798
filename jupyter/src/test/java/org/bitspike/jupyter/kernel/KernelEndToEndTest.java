package org.bitspike.jupyter.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.bitspike.jupyter.kernel.TestClient.Execution;
import org.bitspike.jupyter.wire.KernelConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kernel over real sockets, driven by an independent client: the failure modes users hit. */
class KernelEndToEndTest {
    private static final int TIMEOUT_MS = KernelFixture.TIMEOUT_MS;
    private static final String KEY = UUID.randomUUID().toString();

    @TempDir
    static Path tmp;
    private static KernelFixture fixture;

    @BeforeAll
    static void startKernel() throws Exception {
        // tests never print: the kernel logs the forged message below, and the client's disconnect at the end
        fixture = KernelFixture.start(tmp, KEY);
    }

    @AfterAll
    static void stop() {
        fixture.close();
        assertEquals(List.of(), fixture.fatal(), "no fatal error");
    }

    @Test
    void valuesOutputAndErrors() {
        Execution e = fixture.client.execute("System.out.println(\"héllo\"); 6 * 7", TIMEOUT_MS);
        assertEquals("ok", e.status());
        assertEquals("héllo\n", e.stdout());
        assertEquals("42", e.result());
        Execution err = fixture.client.execute("Integer.parseInt(\"x\")", TIMEOUT_MS);
        assertEquals("error", err.status());
        assertEquals("NumberFormatException", err.reply().content().get("ename").getAsString());
        assertEquals(1, err.count("error"));
    }

    @Test
    void aForgedMessageIsDroppedAndLogged() {
        List<LogRecord> records = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                synchronized (records) {
                    records.add(r);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger wire = Logger.getLogger(KernelConnection.LOGGER_NAME);
        wire.addHandler(capture);
        try {
            JsonObject content = new JsonObject();
            content.addProperty("code", "System.out.println(\"forged ran\");");
            String forged = fixture.client.sendSigned(fixture.client.shell(), "execute_request", content, false);
            // the next signed request is answered, the forged one never: no reply, no output
            Execution after = fixture.client.execute("\"after\"", TIMEOUT_MS);
            assertEquals("\"after\"", after.result());
            assertNull(fixture.client.receive(fixture.client.shell(), 200), "a reply to the forged request " + forged);
            assertTrue(after.stdout().isEmpty());
            synchronized (records) {
                assertTrue(records.stream().anyMatch(r -> r.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()),
                        "no warning was logged for the forged message");
            }
        } finally {
            wire.removeHandler(capture);
        }
    }

    @Test
    void aPrintFloodArrivesWholeInFewMessages() {
        Execution e = fixture.client.execute("for (int i = 0; i < 50_000; i++) System.out.println(\"line \" + i);",
                TIMEOUT_MS);
        assertEquals("ok", e.status());
        String[] lines = e.stdout().split("\n");
        assertEquals(50_000, lines.length);
        for (int i = 0; i < lines.length; i += 997) {
            assertEquals("line " + i, lines[i]);
        }
        assertEquals("line 49999", lines[49_999]);
        assertTrue(e.count("stream") < 200, e.count("stream") + " stream messages for 50,000 lines");
    }

    @Test
    void interruptStopsTheCellAndKeepsTheSession() {
        fixture.client.execute("int kept = 5;", TIMEOUT_MS);
        JsonObject content = new JsonObject();
        content.addProperty("code", "while (true) { }");
        String id = fixture.client.send(fixture.client.shell(), "execute_request", content);
        TestClient.Received reply = interruptUntilReplied();
        assertEquals(id, reply.parentId());
        assertEquals("InterruptedException", reply.content().get("ename").getAsString());
        fixture.client.iopubUntilIdle(id, TIMEOUT_MS);
        assertEquals("5", fixture.client.execute("kept", TIMEOUT_MS).result());
    }

    @Test
    void interruptStopsALoopInsideBitspikeKernels() {
        fixture.client.execute("Tensor a = Tensor.randn(RandomKey.of(1), 256, 256);", TIMEOUT_MS);
        JsonObject content = new JsonObject();
        content.addProperty("code", "while (true) { a = a.matmul(a).tanh(); }");
        String id = fixture.client.send(fixture.client.shell(), "execute_request", content);
        TestClient.Received reply = interruptUntilReplied();
        assertEquals("InterruptedException", reply.content().get("ename").getAsString());
        fixture.client.iopubUntilIdle(id, TIMEOUT_MS);
        assertEquals("[256, 256]",
                fixture.client.execute("Arrays.toString(a.shape())", TIMEOUT_MS).result().replace("\"", ""));
    }

    @Test
    void magicsAddJarsFromMaven() {
        // gson is in the local repository of any machine that built bitspike; on a fresh one Maven
        // may still fetch the dependency plugin first, hence the long wait
        Execution e = fixture.client.execute("%maven com.google.code.gson:gson:2.11.0\n"
                + "new com.google.gson.JsonPrimitive(3).getAsInt() + 1", 10 * TIMEOUT_MS);
        assertOk(e);
        assertEquals("4", e.result());
        Execution bad = fixture.client.execute("%classpath /no/such.jar", TIMEOUT_MS);
        assertEquals("MagicError", bad.reply().content().get("ename").getAsString());
    }

    @Test
    void exhaustingTheHeapIsAnErrorOfTheCellNotOfTheKernel() {
        fixture.client.execute("int before = 9;", TIMEOUT_MS);
        Execution oom = fixture.client.execute(
                "{ List<long[]> hog = new ArrayList<>(); while (true) hog.add(new long[10_000_000]); }",
                TIMEOUT_MS);
        assertEquals("error", oom.status());
        assertEquals("OutOfMemoryError", oom.reply().content().get("ename").getAsString());
        // the cell's garbage is gone with it; the session and its variables are still there
        assertEquals("9", fixture.client.execute("before", TIMEOUT_MS).result());
    }

    @Test
    void systemExitCostsTheExecutionJvmAndAFreshOneTakesOver() {
        fixture.client.execute("int lost = 1;", TIMEOUT_MS);
        Execution exit = fixture.client.execute("System.exit(3);", TIMEOUT_MS);
        assertEquals("error", exit.status());
        assertEquals("EngineTerminated", exit.reply().content().get("ename").getAsString());
        assertTrue(exit.reply().content().get("evalue").getAsString().contains("code 3"),
                exit.reply().content().get("evalue").getAsString());
        assertEquals("4", fixture.client.execute("2 + 2", TIMEOUT_MS).result());
        assertEquals("error", fixture.client.execute("lost", TIMEOUT_MS).status());
    }

    @Test
    void reRunningCellsKeepsBothHeapsBounded() {
        // 200 runs of 4 MB values in a 256 MB execution heap: values that were never released
        // would exhaust it by run 64
        Runtime rt = Runtime.getRuntime();
        long before = usedAfterGc(rt);
        for (int i = 0; i < 200; i++) {
            assertOk(fixture.client.execute("Tensor t = Tensor.zeros(1000, 1000);", TIMEOUT_MS));
            assertOk(fixture.client.execute("t.add(1.0)", TIMEOUT_MS));
        }
        long grown = usedAfterGc(rt) - before;
        assertTrue(grown < 32L << 20, "the kernel heap grew by " + (grown >> 20) + " MB over 400 cells");
    }

    /** Sends interrupts until the running cell replies (the first may come before it started). */
    private static TestClient.Received interruptUntilReplied() {
        TestClient.Received reply = null;
        while (reply == null) {
            String interrupt = fixture.client.send(fixture.client.control(), "interrupt_request", new JsonObject());
            assertEquals("ok", fixture.client.reply(fixture.client.control(), interrupt, TIMEOUT_MS)
                    .content().get("status").getAsString());
            reply = fixture.client.receive(fixture.client.shell(), 200);
        }
        return reply;
    }

    private static void assertOk(Execution e) {
        assertEquals("ok", e.status(), () -> e.reply().content().toString());
    }

    private static long usedAfterGc(Runtime rt) {
        System.gc();
        return rt.totalMemory() - rt.freeMemory();
    }
}
