package org.bitspike.jupyter.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A peer cut off for announcing a frame over the limit is logged, once, with the channel, its address, the
 * limit and the setting that raises it; a flood of such peers gives one warning per interval. Raw ZMTP peers
 * ({@link Zmtp}) announce the frames; the rate limit runs on a clock the test holds.
 */
class PeerMonitorTest {

    private static final String KEY = "0f4a7c1e-3b92-4d58-8e06-5a1d2c9b7e43";
    private static final long LIMIT = 1024;
    private static final long WAIT_S = 10;
    private static final int WAIT_MS = 10_000;

    @RegisterExtension
    final LogCapture log = new LogCapture();
    private final AtomicLong clock = new AtomicLong();
    private final List<String> fatal = new java.util.concurrent.CopyOnWriteArrayList<>();

    @AfterEach
    void noFatalError() {
        assertEquals(List.of(), fatal, "no fatal error");
    }

    @ParameterizedTest
    @EnumSource(Channel.class)
    void aPeerAnnouncingAFrameOverTheLimitIsLoggedWithChannelAddressLimitAndSetting(Channel channel) throws Exception {
        try (KernelConnection kernel = open()) {
            assertTrue(Zmtp.announceFrame(kernel.info().port(channel), peerType(channel), LIMIT + 1, WAIT_MS),
                    "the kernel kept a " + channel.label() + " peer that announced " + (LIMIT + 1) + " bytes");
            assertTrue(kernel.awaitPeerDisconnects(1, WAIT_S, TimeUnit.SECONDS), "no disconnect was seen");
            List<String> warnings = warnings();
            assertEquals(1, warnings.size(), warnings::toString);
            String w = warnings.get(0);
            assertTrue(w.startsWith(channel.label() + ": peer 127.0.0.1:"), w);
            assertTrue(w.contains("over " + LIMIT + " bytes"), w);
            assertTrue(w.contains("max.message.bytes in kernel.properties"), w);
            assertFalse(kernel.failed());
        }
    }

    @Test
    void aFloodOfOversizedPeersGivesOneWarningPerIntervalAndTheOthersAreCounted() throws Exception {
        int flood = 12;
        try (KernelConnection kernel = open(); Client client = new Client(kernel.info(), KEY, "frontend-1")) {
            for (int i = 0; i < flood; i++) {
                assertTrue(Zmtp.announceFrame(kernel.info().shellPort(), "DEALER", 2_000_000_000L, WAIT_MS), "peer " + i);
            }
            assertTrue(kernel.awaitPeerDisconnects(flood, WAIT_S, TimeUnit.SECONDS), "not every disconnect was seen");
            assertEquals(1, warnings().size(), () -> warnings().toString());

            // everyone else is served meanwhile
            client.send(Channel.SHELL, Message.request("s", "kernel_info_request", new JsonObject()));
            assertEquals("kernel_info_reply", client.receive(Channel.SHELL).type());

            clock.addAndGet(DisconnectWarnings.INTERVAL_NANOS);
            assertTrue(Zmtp.announceFrame(kernel.info().controlPort(), "DEALER", LIMIT + 1, WAIT_MS));
            assertTrue(kernel.awaitPeerDisconnects(1, WAIT_S, TimeUnit.SECONDS));
            List<String> warnings = warnings();
            assertEquals(2, warnings.size(), warnings::toString);
            assertTrue(warnings.get(1).startsWith("control: peer 127.0.0.1:"), warnings::toString);
            assertTrue(warnings.get(1).contains("(" + (flood - 1) + " more peer(s) were disconnected"), warnings::toString);
        }
    }

    @Test
    void aMessageUnderTheLimitIsServedAndNothingIsLogged() throws Exception {
        try (KernelConnection kernel = open(); Client client = new Client(kernel.info(), KEY, "frontend-1")) {
            client.send(Channel.SHELL, Message.request("s", "kernel_info_request", new JsonObject()));
            assertEquals("kernel_info_reply", client.receive(Channel.SHELL).type());
            assertEquals(List.of(), warnings());
        }
    }

    private List<String> warnings() {
        return log.messages(Level.INFO);
    }

    private KernelConnection open() {
        WireOptions options = WireOptions.defaults().withMaxMessageBytes(LIMIT)
                .withOnFatal((thread, error) -> fatal.add(thread + ": " + error));
        return KernelConnection.open(TestKernels.loopback(KEY), TestKernels::replyOk, options, clock::get);
    }

    private static String peerType(Channel channel) {
        return switch (channel) {
            case SHELL, CONTROL, STDIN -> "DEALER";
            case IOPUB -> "SUB";
            case HEARTBEAT -> "REQ";
        };
    }
}
