package org.bitspike.jupyter.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReplayGuardTest {

    @Test
    void aRepeatIsRefusedUntilItLeavesTheWindow() {
        ReplayGuard guard = new ReplayGuard(3);
        assertTrue(guard.firstSight("a"));
        assertFalse(guard.firstSight("a"));
        assertTrue(guard.firstSight("b"));
        assertTrue(guard.firstSight("c"));
        assertFalse(guard.firstSight("a")); // a repeat does not refresh: "a" is still the oldest
        assertTrue(guard.firstSight("d")); // evicts "a"
        assertTrue(guard.firstSight("a"));
        assertFalse(guard.firstSight("c"));
        assertEquals(3, guard.capacity());
    }

    @Test
    void aWindowBelowOneIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ReplayGuard(0));
        assertTrue(e.getMessage().contains("ReplayGuard") && e.getMessage().contains("0"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> WireOptions.defaults().withMaxMessageBytes(0));
    }
}
