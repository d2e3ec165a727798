package org.bitspike.jupyter.wire;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The text of the INFO line logged when jeromq disconnects a peer, at most one per {@link #INTERVAL_NANOS}, so
 * that a flood of peers (each announcing a frame over the limit, say) cannot flood the log. Disconnects inside
 * the interval are counted, and the next warning says how many there were. Used by one thread only
 * ({@code PeerMonitor}'s).
 *
 * <p>NOTE: jeromq 0.6.0 says nothing more precise. A peer that announces a frame over {@code ZMQ_MAXMSGSIZE}
 * is cut off by its stream engine with exactly the events of a peer that closed its connection itself
 * (ACCEPTED, HANDSHAKE_PROTOCOL, then DISCONNECTED with the TCP channel; no handshake-failed event, no reason,
 * and the EMSGSIZE errno stays in a thread local of jeromq's I/O thread). So every disconnect is reported, and
 * the warning says what it may mean: a client that sent more than the limit, and waits for a reply that will
 * never come, learns from the kernel's log which setting to raise.
 */
final class DisconnectWarnings {

    /** One warning a minute at most: enough to be seen, too few to flood a log. */
    static final long INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    /** The kernel.properties setting that raises the limit (read by the kernel's {@code KernelConfig}). */
    static final String SETTING = "max.message.bytes";

    private final long maxMessageBytes;
    private final long intervalNanos;
    private final LongSupplier clock;
    private boolean warned;
    private long lastWarning;
    private long suppressed;

    /**
     * @param maxMessageBytes the limit the sockets enforce, named in the warning
     * @param intervalNanos   the shortest time between two warnings
     * @param clock           nanoseconds, as {@link System#nanoTime} (tests pass their own)
     */
    DisconnectWarnings(long maxMessageBytes, long intervalNanos, LongSupplier clock) {
        if (maxMessageBytes < 1) {
            throw new IllegalArgumentException("DisconnectWarnings: maxMessageBytes must be at least 1, got " + maxMessageBytes);
        }
        if (intervalNanos < 0) {
            throw new IllegalArgumentException("DisconnectWarnings: intervalNanos must be >= 0, got " + intervalNanos);
        }
        this.maxMessageBytes = maxMessageBytes;
        this.intervalNanos = intervalNanos;
        this.clock = java.util.Objects.requireNonNull(clock, "clock");
    }

    /**
     * Records that jeromq disconnected a peer of {@code channel}; returns the warning to log, or null when one
     * was logged less than the interval ago (the disconnect is then counted for the next warning).
     *
     * @param peer the peer's address ("127.0.0.1:56648"), or null when unknown
     */
    String disconnected(Channel channel, String peer) {
        long now = clock.getAsLong();
        if (warned && now - lastWarning < intervalNanos) {
            suppressed++;
            return null;
        }
        String earlier = suppressed == 0 ? ""
                : " (" + suppressed + " more peer(s) were disconnected since the last such warning)";
        warned = true;
        lastWarning = now;
        suppressed = 0;
        return channel.label() + ": peer " + (peer == null ? "at an unknown address" : peer) + " was disconnected."
                + " If it was sending a message, the message was dropped unanswered: every channel refuses messages"
                + " over " + maxMessageBytes + " bytes; raise " + SETTING + " in kernel.properties to accept larger"
                + " ones. (jeromq does not tell why a peer is disconnected, so a frontend that closed its"
                + " connection is reported alike.)" + earlier;
    }
}
