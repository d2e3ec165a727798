package org.bitspike.jupyter.wire;

import java.util.Objects;

/**
 * The limits and the fatal-error action of a {@link KernelConnection}.
 *
 * @param maxMessageBytes the largest message frame any of the five sockets accepts (ZeroMQ's
 *                        {@code ZMQ_MAXMSGSIZE}); a peer that announces a larger frame is disconnected
 *                        before anything is allocated, and the kernel serves everyone else on
 * @param replayWindow    how many signatures of verified messages are remembered to drop replays
 *                        ({@link ReplayGuard})
 * @param onFatal         what to do when a thread of the connection dies of an error it cannot recover from
 * @param frameBudgetBytes the most bytes of incoming frames jeromq may hold at once for all peers together, each
 *                        frame charged its size plus {@value FrameBudget#FRAME_OVERHEAD} ({@code FrameBudget});
 *                        a frame it cannot cover is refused. {@value #AUTO} chooses
 *                        {@link #frameBudgetFor(long)} of {@code maxMessageBytes}
 * @param watchdogPeriodMillis  how often the watchdog pings the kernel's heartbeat from its own ZeroMQ context
 *                        ({@code Watchdog}); 0 turns the watchdog off
 * @param watchdogTimeoutMillis how long the heartbeat may stay silent before the watchdog declares the kernel
 *                        deaf and calls {@code onFatal}
 */
public record WireOptions(long maxMessageBytes, int replayWindow, FatalErrorHandler onFatal, long frameBudgetBytes,
        long watchdogPeriodMillis, long watchdogTimeoutMillis) {

    /**
     * 128 MiB. NOTE: large enough for real requests (a 50 MB signed execute_request is tested; widget
     * buffers of tens of MB), small enough that a stranger's announcement of a 2 GB frame is refused before
     * jeromq reserves direct memory for it.
     */
    public static final long DEFAULT_MAX_MESSAGE_BYTES = 128L << 20;
    /** 65,536 signatures, jupyter_client's {@code digest_history_size}; see {@link ReplayGuard}. */
    public static final int DEFAULT_REPLAY_WINDOW = 1 << 16;

    /** {@code frameBudgetBytes} that asks for {@link #frameBudgetFor(long)}. */
    public static final long AUTO = 0;
    /**
     * 2 s. NOTE: the kernel process only routes messages (cells run in another JVM), so its heartbeat answers
     * in well under a millisecond even while a cell computes; a ping every 2 s costs nothing.
     */
    public static final long DEFAULT_WATCHDOG_PERIOD_MS = 2_000;
    /** 15 s of silence: seven missed pings, far beyond any pause of a process this light. */
    public static final long DEFAULT_WATCHDOG_TIMEOUT_MS = 15_000;

    /** @throws IllegalArgumentException naming the option that is out of range */
    public WireOptions {
        if (maxMessageBytes < 1) {
            throw new IllegalArgumentException("WireOptions: maxMessageBytes must be at least 1, got " + maxMessageBytes);
        }
        if (replayWindow < 1) {
            throw new IllegalArgumentException("WireOptions: replayWindow must be at least 1, got " + replayWindow);
        }
        Objects.requireNonNull(onFatal, "onFatal");
        if (frameBudgetBytes < 0) {
            throw new IllegalArgumentException("WireOptions: frameBudgetBytes must be >= 0 (0: automatic), got " + frameBudgetBytes);
        }
        if (watchdogPeriodMillis < 0) {
            throw new IllegalArgumentException("WireOptions: watchdogPeriodMillis must be >= 0 (0: off), got " + watchdogPeriodMillis);
        }
        if (watchdogPeriodMillis > 0 && watchdogTimeoutMillis < watchdogPeriodMillis) {
            throw new IllegalArgumentException("WireOptions: watchdogTimeoutMillis must be at least watchdogPeriodMillis ("
                    + watchdogPeriodMillis + "), got " + watchdogTimeoutMillis);
        }
    }

    /**
     * The automatic in-flight budget for a limit of {@code maxMessageBytes}: half of the JVM's maximum heap
     * ({@code -Xmx}), but never less than one frame of the largest size plus its overhead, so the largest
     * legitimate message can always be taken. NOTE: frames of 1 KiB and more live in direct memory, whose
     * limit defaults to {@code -Xmx} too; half leaves the other half to the heap the kernel needs to copy and
     * parse what it received, and to peers' small frames. With the kernelspec's {@code -Xmx512m}: 256 MiB, so
     * two peers announcing 120 MB frames are covered and a third is refused.
     */
    public static long frameBudgetFor(long maxMessageBytes) {
        long half = Runtime.getRuntime().maxMemory() / 2;
        long one = maxMessageBytes > Long.MAX_VALUE - FrameBudget.FRAME_OVERHEAD ? Long.MAX_VALUE
                : maxMessageBytes + FrameBudget.FRAME_OVERHEAD;
        return Math.max(half, one);
    }

    /** The budget in effect: {@link #frameBudgetBytes()}, or {@link #frameBudgetFor(long)} when it is {@value #AUTO}. */
    public long effectiveFrameBudget() {
        return frameBudgetBytes == AUTO ? frameBudgetFor(maxMessageBytes) : frameBudgetBytes;
    }

    /** The defaults: {@value #DEFAULT_MAX_MESSAGE_BYTES} bytes, {@value #DEFAULT_REPLAY_WINDOW} signatures,
     * {@link FatalErrorHandler#exitProcess()}, the automatic budget, and a watchdog pinging every
     * {@value #DEFAULT_WATCHDOG_PERIOD_MS} ms with a timeout of {@value #DEFAULT_WATCHDOG_TIMEOUT_MS} ms. */
    public static WireOptions defaults() {
        return new WireOptions(DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_REPLAY_WINDOW, FatalErrorHandler.exitProcess(), AUTO,
                DEFAULT_WATCHDOG_PERIOD_MS, DEFAULT_WATCHDOG_TIMEOUT_MS);
    }

    /** These options with another message size limit. */
    public WireOptions withMaxMessageBytes(long bytes) {
        return new WireOptions(bytes, replayWindow, onFatal, frameBudgetBytes, watchdogPeriodMillis, watchdogTimeoutMillis);
    }

    /** These options with another replay window. */
    public WireOptions withReplayWindow(int signatures) {
        return new WireOptions(maxMessageBytes, signatures, onFatal, frameBudgetBytes, watchdogPeriodMillis, watchdogTimeoutMillis);
    }

    /** These options with another fatal-error action. */
    public WireOptions withOnFatal(FatalErrorHandler handler) {
        return new WireOptions(maxMessageBytes, replayWindow, handler, frameBudgetBytes, watchdogPeriodMillis, watchdogTimeoutMillis);
    }

    /** These options with another in-flight budget ({@value #AUTO}: automatic). */
    public WireOptions withFrameBudgetBytes(long bytes) {
        return new WireOptions(maxMessageBytes, replayWindow, onFatal, bytes, watchdogPeriodMillis, watchdogTimeoutMillis);
    }

    /** These options with another watchdog period and timeout (period 0: no watchdog). */
    public WireOptions withWatchdog(long periodMillis, long timeoutMillis) {
        return new WireOptions(maxMessageBytes, replayWindow, onFatal, frameBudgetBytes, periodMillis, timeoutMillis);
    }
}
