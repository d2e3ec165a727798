package org.bitspike.jupyter.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Reservations are charged size plus overhead, refused past the capacity, and given back when read. */
class FrameBudgetTest {

    private static final long O = FrameBudget.FRAME_OVERHEAD;

    @Test
    void reservationsAreChargedRefusedPastTheCapacityAndGivenBackOnRelease() {
        FrameBudget budget = new FrameBudget(3 * (1000 + O), () -> 0L);
        Object[] frames = {new Object(), new Object(), new Object(), new Object()};
        FrameBudget.Reservation first = budget.reserve(frames[0], 1000);
        assertNotNull(first);
        assertNotNull(budget.reserve(frames[1], 1000));
        assertNotNull(budget.reserve(frames[2], 1000));
        assertEquals(3 * (1000 + O), budget.reservedNow());
        // the frames are all still reachable here: no collection can help
        assertNull(budget.reserve(frames[3], 1));
        budget.release(first);
        budget.release(first); // a second release does nothing
        assertEquals(2 * (1000 + O), budget.reservedNow());
        assertNotNull(budget.reserve(frames[3], 1000));
        assertTrue(frames.length > 0); // keeps the frames reachable to the end
    }

    @Test
    void aCapacityBelowOneByteIsNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new FrameBudget(0, () -> 0L))
                .getMessage().contains("FrameBudget: capacity must be at least 1 byte, got 0"));
    }
}
