package org.bitspike.jupyter.wire;

import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Rate-limits one kind of log line: at most {@code burst} lines per interval reach the log; the lines held
 * back in between are counted, and the next line that passes says how many there were. A flood of bad input
 * (a stranger sending a million unsigned messages, or announcing frame after frame the kernel refuses)
 * then costs a few lines a minute instead of gigabytes of log. Thread-safe.
 */
final class LogLimiter {

    /** The default interval: one line a minute at most of each kind. */
    static final long DEFAULT_INTERVAL_NANOS = 60_000_000_000L;

    private final Logger log;
    private final Level level;
    private final long intervalNanos;
    private final int burst;
    private final LongSupplier clock;
    private boolean started;
    private long windowStart;
    private int inWindow;
    private long held;

    /**
     * @param log           where the lines go
     * @param level         their level
     * @param intervalNanos the length of one window (0: every line passes)
     * @param burst         the most lines logged in one window, at least 1
     * @param clock         nanoseconds, as {@link System#nanoTime} (tests pass their own)
     */
    LogLimiter(Logger log, Level level, long intervalNanos, int burst, LongSupplier clock) {
        if (intervalNanos < 0) {
            throw new IllegalArgumentException("LogLimiter: intervalNanos must be >= 0, got " + intervalNanos);
        }
        if (burst < 1) {
            throw new IllegalArgumentException("LogLimiter: burst must be at least 1, got " + burst);
        }
        this.burst = burst;
        this.log = Objects.requireNonNull(log, "log");
        this.level = Objects.requireNonNull(level, "level");
        this.intervalNanos = intervalNanos;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Logs the line {@code text.get()} builds, unless the window's burst is spent; then it is only counted
     * (and its text never built). Returns whether it was logged.
     */
    boolean log(java.util.function.Supplier<String> text) {
        long suppressed;
        synchronized (this) {
            long now = clock.getAsLong();
            if (!started || now - windowStart >= intervalNanos) {
                started = true;
                windowStart = now;
                inWindow = 0;
            }
            if (inWindow >= burst) {
                held++;
                return false;
            }
            inWindow++;
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
