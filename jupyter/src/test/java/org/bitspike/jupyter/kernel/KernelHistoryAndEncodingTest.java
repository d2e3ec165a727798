package org.bitspike.jupyter.kernel;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Raw peers that search the history with a pathological glob and that sign a frame of invalid UTF-8: the
 * kernel must answer both, and the shell must keep working.
 */
class KernelHistoryAndEncodingTest {
    private static final int TIMEOUT_MS = KernelFixture.TIMEOUT_MS;
    private static final String KEY = UUID.randomUUID().toString();

    @TempDir
    static Path tmp;
    private static KernelFixture fixture;

    @BeforeAll
    static void startKernel() throws IOException {
        fixture = KernelFixture.start(tmp, KEY);
    }

    @AfterAll
    static void stop() {
        List<String> fatal = fixture.fatal();
        fixture.close(); // first: a failed assertion must not leave the kernel's threads to the next test class
        assertEquals(List.of(), fatal);
    }

    @Test
    void aHistorySearchWithManyStarsIsAnsweredAndTheShellWorksOn() {
        fixture.client.execute("// " + "a".repeat(200), TIMEOUT_MS);
        try (RawPeer shell = new RawPeer(fixture.connection.info().shellPort(), KEY)) {
            for (String pattern : new String[] {"*****X", "*".repeat(20) + "X", "*a".repeat(100) + "*"}) {
                String id = UUID.randomUUID().toString();
                shell.send(shell.request(id, "history_request",
                        "{\"hist_access_type\": \"search\", \"pattern\": \"" + pattern + "\", \"n\": null}"));
                RawPeer.Frames reply = shell.receive(TIMEOUT_MS);
                assertEquals(id, reply.parentId());
                assertEquals("ok", reply.content().get("status").getAsString());
                int found = reply.content().getAsJsonArray("history").size();
                assertEquals(pattern.endsWith("X") ? 0 : 1, found, pattern);
            }
        }
        assertEquals("42", fixture.client.execute("6 * 7", TIMEOUT_MS).result());
    }

    @Test
    void aSignedFrameOfInvalidUtf8IsAnsweredWithAnErrorNamingTheFrameAndTheOffset() {
        fixture.client.execute("int utf8Ran = 0;", TIMEOUT_MS);
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        String before = "{\"code\": \"utf8Ran++; // ";
        content.writeBytes(before.getBytes(UTF_8));
        content.write(0xff);
        content.writeBytes("\", \"silent\": false, \"store_history\": false}".getBytes(UTF_8));
        String expected = "content frame: invalid UTF-8 at byte offset " + before.getBytes(UTF_8).length;
        try (RawPeer peer = new RawPeer(fixture.connection.info().shellPort(), KEY)) {
            String bad = UUID.randomUUID().toString();
            peer.send(peer.message(bad, "execute_request", "{}", content.toByteArray()));
            RawPeer.Frames rejected = peer.receive(TIMEOUT_MS);
            assertEquals(bad, rejected.parentId());
            assertEquals("execute_reply", rejected.type());
            assertEquals("error", rejected.content().get("status").getAsString(), rejected.content()::toString);
            assertEquals("MalformedMessage", rejected.content().get("ename").getAsString());
            String evalue = rejected.content().get("evalue").getAsString();
            assertTrue(evalue.contains(expected), evalue);
            String info = UUID.randomUUID().toString();
            peer.send(peer.request(info, "kernel_info_request", "{}"));
            assertEquals(info, peer.receive(TIMEOUT_MS).parentId());
        }
        assertEquals("0", fixture.client.execute("utf8Ran", TIMEOUT_MS).result(), "the cell of invalid UTF-8 ran");
    }
}
