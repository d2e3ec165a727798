package org.bitspike.jupyter.wire;

import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Rate-limits one kind of log line: at most one line per interval reaches the log; the lines held back
 * in between are counted, and the next line that passes says how many there were. A flood of bad input
 * (a stranger sending a million unsigned messages, or announcing frame after frame the kernel refuses)
 * then costs a few lines a minute instead of gigabytes of log. Thread-safe.
 */
final class LogLimiter {

    /** The default interval: one line a minute at most of each kind. */
    static final long DEFAULT_INTERVAL_NANOS = 60_000_000_000L;

    private final Logger log;
    private final Level level;
    private final long intervalNanos;
    private final LongSupplier clock;
    private boolean logged;
    private long last;
    private long held;

    /**
     * @param log           where the lines go
     * @param level         their level
     * @param intervalNanos the shortest time between two lines (0: every line passes)
     * @param clock         nanoseconds, as {@link System#nanoTime} (tests pass their own)
     */
    LogLimiter(Logger log, Level level, long intervalNanos, LongSupplier clock) {
        if (intervalNanos < 0) {
            throw new IllegalArgumentException("LogLimiter: intervalNanos must be >= 0, got " + intervalNanos);
        }
        this.log = Objects.requireNonNull(log, "log");
        this.level = Objects.requireNonNull(level, "level");
        this.intervalNanos = intervalNanos;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Logs the line {@code text.get()} builds, unless a line passed less than the interval ago; then it is
     * only counted (and its text never built). Returns whether it was logged.
     */
    boolean log(java.util.function.Supplier<String> text) {
        long suppressed;
        synchronized (this) {
            long now = clock.getAsLong();
            if (logged && now - last < intervalNanos) {
                held++;
                return false;
            }
            logged = true;
            last = now;
            suppressed = held;
            held = 0;
        }
        if (log.isLoggable(level)) {
            String more = suppressed == 0 ? "" : " [" + suppressed + " more such line(s) held back since the last one]";
            log.log(level, text.get() + more);
        }
        return true;
    }
}
