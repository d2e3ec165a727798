package org.bitspike.jupyter.wire;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The signatures of the last {@code capacity} verified messages, so that a message sent again byte for
 * byte (a replay) is recognised and dropped, as the messaging spec asks and jupyter_client's
 * {@code Session} does with its {@code digest_history}.
 *
 * <p>NOTE: bounded, oldest forgotten first (insertion order). A replay of a message older than the last
 * {@code capacity} is not caught; the default, {@link WireOptions#DEFAULT_REPLAY_WINDOW} = 65,536, is
 * jupyter_client's {@code digest_history_size} and costs about 10 MB when full (a 64-character hex
 * signature and its map entry, ~150 bytes each). With signing off (empty key) the signature frame is
 * empty and nothing can be told apart, so the guard is not consulted.
 *
 * <p>Thread-safe; in practice used by the I/O thread only.
 */
final class ReplayGuard {

    private final int capacity;
    private final Map<String, Boolean> seen;

    /** @throws IllegalArgumentException when {@code capacity < 1} */
    ReplayGuard(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("ReplayGuard: capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
        this.seen = new LinkedHashMap<>(16, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > ReplayGuard.this.capacity;
            }
        };
    }

    /**
     * Records {@code signature}; true the first time it is seen (within the window), false for a repeat.
     * Call it only for signatures that verified, so a forger cannot fill the window.
     */
    synchronized boolean firstSight(String signature) {
        return seen.putIfAbsent(signature, Boolean.TRUE) == null;
    }

    /** How many signatures are remembered at most. */
    int capacity() {
        return capacity;
    }
}
