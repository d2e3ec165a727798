package org.bitspike.jupyter.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The warning about a disconnected peer: what it names, and that a flood yields one line per interval. */
class DisconnectWarningsTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final DisconnectWarnings warnings = new DisconnectWarnings(4096, 100, now::get);

    @Test
    void theWarningNamesTheChannelThePeerTheLimitAndTheSetting() {
        String w = warnings.disconnected(Channel.CONTROL, "127.0.0.1:56648");
        assertNotNull(w);
        assertTrue(w.startsWith("control: peer 127.0.0.1:56648 was disconnected"), w);
        assertTrue(w.contains("over 4096 bytes"), w);
        assertTrue(w.contains("raise max.message.bytes in kernel.properties"), w);
        assertTrue(w.contains("jeromq does not tell why"), w);
    }

    @Test
    void anUnknownPeerIsSaidToBeUnknown() {
        assertTrue(warnings.disconnected(Channel.IOPUB, null).startsWith("iopub: peer at an unknown address"));
    }

    @Test
    void aFloodInsideOneIntervalGivesOneWarningAndTheNextCountsTheRest() {
        assertNotNull(warnings.disconnected(Channel.SHELL, "127.0.0.1:1"));
        for (int i = 0; i < 1000; i++) {
            now.addAndGet(i % 100 == 0 ? 9 : 0); // time passes (90 of the 100), but less than the interval
            assertNull(warnings.disconnected(Channel.SHELL, "127.0.0.1:" + (i + 2)), "disconnect " + i);
        }
        now.set(1_000 + 100); // exactly one interval after the first warning
        String next = warnings.disconnected(Channel.HEARTBEAT, "127.0.0.1:9");
        assertNotNull(next);
        assertTrue(next.startsWith("heartbeat: peer 127.0.0.1:9"), next);
        assertTrue(next.endsWith("(1000 more peer(s) were disconnected since the last such warning)"), next);
        assertNull(warnings.disconnected(Channel.SHELL, "127.0.0.1:10"));
    }

    @Test
    void theFirstDisconnectIsWarnedWhateverTheClockSays() {
        DisconnectWarnings atZero = new DisconnectWarnings(1, 100, () -> 0L);
        assertNotNull(atZero.disconnected(Channel.SHELL, "p"));
        assertNull(atZero.disconnected(Channel.SHELL, "p"));
    }

    @Test
    void badSettingsAreRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DisconnectWarnings(0, 100, now::get));
        assertEquals("DisconnectWarnings: maxMessageBytes must be at least 1, got 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new DisconnectWarnings(1, -1, now::get));
        assertEquals("DisconnectWarnings: intervalNanos must be >= 0, got -1", e.getMessage());
    }
}
