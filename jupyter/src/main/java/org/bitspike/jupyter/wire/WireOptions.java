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
 */
public record WireOptions(long maxMessageBytes, int replayWindow, FatalErrorHandler onFatal) {

    /**
     * 128 MiB. NOTE: large enough for real requests (a 50 MB signed execute_request is tested; widget
     * buffers of tens of MB), small enough that a stranger's announcement of a 2 GB frame is refused before
     * jeromq reserves direct memory for it.
     */
    public static final long DEFAULT_MAX_MESSAGE_BYTES = 128L << 20;
    /** 65,536 signatures, jupyter_client's {@code digest_history_size}; see {@link ReplayGuard}. */
    public static final int DEFAULT_REPLAY_WINDOW = 1 << 16;

    /** @throws IllegalArgumentException naming the option that is out of range */
    public WireOptions {
        if (maxMessageBytes < 1) {
            throw new IllegalArgumentException("WireOptions: maxMessageBytes must be at least 1, got " + maxMessageBytes);
        }
        if (replayWindow < 1) {
            throw new IllegalArgumentException("WireOptions: replayWindow must be at least 1, got " + replayWindow);
        }
        Objects.requireNonNull(onFatal, "onFatal");
    }

    /** The defaults: {@value #DEFAULT_MAX_MESSAGE_BYTES} bytes, {@value #DEFAULT_REPLAY_WINDOW} signatures, and
     * {@link FatalErrorHandler#exitProcess()}. */
    public static WireOptions defaults() {
        return new WireOptions(DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_REPLAY_WINDOW, FatalErrorHandler.exitProcess());
    }

    /** These options with another message size limit. */
    public WireOptions withMaxMessageBytes(long bytes) {
        return new WireOptions(bytes, replayWindow, onFatal);
    }

    /** These options with another replay window. */
    public WireOptions withReplayWindow(int signatures) {
        return new WireOptions(maxMessageBytes, signatures, onFatal);
    }

    /** These options with another fatal-error action. */
    public WireOptions withOnFatal(FatalErrorHandler handler) {
        return new WireOptions(maxMessageBytes, replayWindow, handler);
    }
}
