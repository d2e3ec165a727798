package org.bitspike.jupyter.wire;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The outsider's frame-level attacks, by raw ZMTP peers ({@link Zmtp.Peer}), scaled down by a small limit and
 * budget: after each, the heartbeat echoes, kernel_info is answered, no fatal error was reported, and the
 * refusal was logged with its reason.
 */
class FrameGuardTest {

    private static final String KEY = "5e2b9c41-7d0a-4f63-a8e1-0c9f3b6d2a57";
    private static final long LIMIT = 64 * 1024;
    /** Three announced 60 KiB frames fit, a fourth does not. */
    private static final long BUDGET = 200 * 1024;
    private static final int WAIT_MS = 10_000;

    @RegisterExtension
    final LogCapture log = new LogCapture();
    private final List<String> fatal = new CopyOnWriteArrayList<>();

    @AfterEach
    void noFatalError() {
        assertEquals(List.of(), fatal, "no fatal error");
    }

    /** Attack t07: 64 bytes of 0xff after the handshake (flags 0xff, then a size of -1), then close. */
    @Test
    void aNegativeFrameSizeIsRefusedAndTheKernelServesOn() throws Exception {
        try (KernelConnection kernel = open()) {
            try (Zmtp.Peer peer = Zmtp.Peer.connect(kernel.info().shellPort(), "DEALER", WAIT_MS)) {
                byte[] ff = new byte[64];
                Arrays.fill(ff, (byte) 0xFF);
                peer.write(ff);
            }
            assertServed(kernel);
            assertRefusal("shell: refused a frame whose announced size is negative or over the limit (4294967295 bytes");
        }
    }

    /** Attack t05: one 9-byte header whose 64-bit size has the top bit set, low 32 bits 0x7FFFFFFF. */
    @Test
    void aSizeWithItsTopBitSetIsRefusedBeforeAnythingIsAllocated() throws Exception {
        try (KernelConnection kernel = open()) {
            try (Zmtp.Peer peer = Zmtp.Peer.connect(kernel.info().controlPort(), "DEALER", WAIT_MS)) {
                peer.write(ByteBuffer.allocate(9).put((byte) 0x02).putLong(0x80000000_7FFFFFFFL).array());
                assertServed(kernel);
            }
            assertRefusal("control: refused a frame whose announced size is negative or over the limit (2147483647 bytes");
            assertTrue(log.messages(Level.WARNING).get(0).contains("limit " + LIMIT + " bytes (max.message.bytes)"));
        }
    }

    /** Attack t01: five peers announce a frame just under the limit and never send it. */
    @Test
    void announcementsBeyondTheInFlightBudgetAreRefused() throws Exception {
        List<Zmtp.Peer> peers = new ArrayList<>();
        try (KernelConnection kernel = open()) {
            try {
                for (int i = 0; i < 5; i++) {
                    Zmtp.Peer peer = Zmtp.Peer.connect(kernel.info().shellPort(), "DEALER", WAIT_MS);
                    peers.add(peer);
                    peer.write(ByteBuffer.allocate(9).put((byte) 0x02).putLong(60 * 1024).array());
                }
                assertRefusal("shell: refused a frame of 61440 bytes: the kernel's in-flight budget of " + BUDGET + " bytes");
                assertServed(kernel); // the budget left serves small messages meanwhile
            } finally {
                for (Zmtp.Peer p : peers) {
                    p.close();
                }
            }
        }
    }

    /** Attack t02: a multipart message of empty frames flagged MORE that never ends. */
    @Test
    void anEndlessMultipartMessageIsBoundedByTheBudget() throws Exception {
        try (KernelConnection kernel = open()) {
            try (Zmtp.Peer peer = Zmtp.Peer.connect(kernel.info().shellPort(), "DEALER", WAIT_MS)) {
                // far more frames than the budget covers (BUDGET / FRAME_OVERHEAD = 800)
                assertTrue(peer.writeEmptyMoreFrames(20_000), "the kernel closed the connection");
                assertRefusal("shell: refused a frame of 0 bytes: the kernel's in-flight budget of " + BUDGET + " bytes");
                // the heartbeat has a budget of its own: pings are answered while the peer holds the shared one
                assertEchoes(kernel, "during the attack");
            }
            // control has a budget of its own: served however long shell's is held
            assertServed(kernel, Channel.CONTROL);
        }
    }

    @Test
    void aLegitimateMessageNearTheLimitIsServedAgainAndAgain() throws Exception {
        try (KernelConnection kernel = open(); Client client = new Client(kernel.info(), KEY, "frontend-1")) {
            JsonObject content = new JsonObject();
            content.addProperty("code", "x".repeat((int) LIMIT - 1024));
            // ten times the budget in total: reservations of frames already read are given back
            for (int i = 0; i < 40; i++) {
                client.send(Channel.SHELL, Message.request("s", "execute_request", content));
                Message r; try { r = client.receive(Channel.SHELL, WAIT_MS); } catch (AssertionError e) { throw new AssertionError(dump(), e); }
                assertEquals("execute_reply", r.type(), "request " + i);
            }
            assertEquals(List.of(), log.messages(Level.WARNING));
        }
    }

    private String dump() {
        return log.records().stream().map(r -> r.getLevel() + " " + r.getMessage() + " " + r.getThrown()).toList().toString();
    }

    private void assertServed(KernelConnection kernel) {
        assertServed(kernel, Channel.SHELL);
    }

    private void assertServed(KernelConnection kernel, Channel channel) {
        assertEchoes(kernel, "after the attack");
        try (Client client = new Client(kernel.info(), KEY, "frontend-1")) {
            client.send(channel, Message.request("s", "kernel_info_request", new JsonObject()));
            assertEquals("kernel_info_reply", client.receive(channel).type());
        }
        assertFalse(kernel.failed());
    }

    private static void assertEchoes(KernelConnection kernel, String when) {
        try (Client client = new Client(kernel.info(), KEY, "hb")) {
            client.sendFrames(Channel.HEARTBEAT, List.of("ping".getBytes(UTF_8)));
            assertArrayEquals("ping".getBytes(UTF_8), client.receiveFrames(Channel.HEARTBEAT).get(0), when);
        }
    }

    private void assertRefusal(String start) throws InterruptedException {
        log.awaitMessage(Level.WARNING, start, WAIT_MS);
        List<String> warnings = log.messages(Level.WARNING);
        assertTrue(warnings.stream().anyMatch(w -> w.startsWith(start)), () -> "expected a line starting with \"" + start
                + "\" among " + warnings);
        assertTrue(warnings.size() <= 2, () -> "rate-limited: " + warnings);
    }

    private KernelConnection open() {
        // NOTE: no watchdog, so that the disconnects awaited are the attackers' alone
        WireOptions options = WireOptions.defaults().withMaxMessageBytes(LIMIT).withFrameBudgetBytes(BUDGET).withWatchdog(0, 0)
                .withOnFatal((thread, error) -> fatal.add(thread + ": " + error));
        return KernelConnection.open(TestKernels.loopback(KEY), TestKernels::replyOk, options);
    }
}
