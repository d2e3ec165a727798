package org.bitspike.jupyter.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** A burst of lines per window passes; the rest are counted, and the next line that passes says how many. */
class LogLimiterTest {

    @Test
    void aBurstPassesPerWindowAndTheHeldLinesAreCountedInTheNextOne() {
        AtomicLong clock = new AtomicLong();
        try (LogCapture log = new LogCapture()) {
            LogLimiter limiter = new LogLimiter(Logger.getLogger(KernelConnection.LOGGER_NAME), Level.WARNING, 100, 2, clock::get);
            assertTrue(limiter.log(() -> "a"));
            assertTrue(limiter.log(() -> "b"));
            for (int i = 0; i < 5; i++) {
                assertFalse(limiter.log(() -> {
                    throw new AssertionError("the text of a held line is never built");
                }));
            }
            clock.addAndGet(100);
            assertTrue(limiter.log(() -> "c"));
            assertEquals(List.of("a", "b", "c [5 more such line(s) held back since the last one]"), log.messages(Level.WARNING));
        }
    }

    @Test
    void outOfRangeArgumentsAreNamed() {
        Logger l = Logger.getLogger(KernelConnection.LOGGER_NAME);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new LogLimiter(l, Level.INFO, -1, 1, System::nanoTime))
                .getMessage().contains("intervalNanos must be >= 0, got -1"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new LogLimiter(l, Level.INFO, 1, 0, System::nanoTime))
                .getMessage().contains("burst must be at least 1, got 0"));
    }
}
