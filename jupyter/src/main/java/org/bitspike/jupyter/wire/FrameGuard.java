package org.bitspike.jupyter.wire;

import java.nio.ByteBuffer;
import java.util.Objects;
import zmq.Msg;
import zmq.msg.MsgAllocator;

/**
 * The allocator of every incoming frame of one channel's socket ({@code ZMQ.Socket.setMsgAllocator}): the one
 * point where the kernel sees a frame's size after jeromq's decoder has read its header and before anything is
 * allocated for it. It refuses
 * <ul>
 *   <li>a size that is negative or over the message size limit. jeromq 0.6.0 refuses a 64-bit size over the
 *       limit itself (and disconnects the peer), but it compares signed longs, so a size with its top bit set
 *       (0xFFFFFFFF_FFFFFFFF, 0x80000000_7FFFFFFF) passes and reaches this method truncated to an int: negative
 *       (which made the default allocator throw in jeromq's I/O thread, over and over: a deaf kernel) or up to
 *       2 GiB (which exhausted direct memory);</li>
 *   <li>a frame the per-kernel {@link FrameBudget} cannot cover (announced and never sent, or one of
 *       millions of frames of a multipart message that never ends).</li>
 * </ul>
 * A refused frame is replaced by an empty ZMTP command frame, which jeromq's session discards (it passes no
 * command but PING on to a socket), so the refusal allocates nothing and throws nothing inside jeromq's I/O
 * thread, and each refusal is logged at WARNING, rate-limited, with the channel, the size, the limit or budget,
 * and the setting that raises it.
 *
 * <p>NOTE: jeromq 0.6.0 has no way to disconnect the peer from here. {@code ZMQ.Socket.setDecoder} would be the
 * place, but its StreamEngine uses a custom decoder only for raw (STREAM) sockets and always builds its own
 * V1/V2 decoder for ZMTP peers; the allocator is the one hook every ZMTP frame passes through, and it is given
 * only the size (not the connection, not the peer's address, not the flags). So a refused peer stays connected,
 * and the bytes it sends after the refused header are read as further frame headers, each of which comes back
 * here; its connection is useless to it (its messages are mangled), costs nothing, and ends when it closes.
 * Per-connection bounds (one multipart message's total) are not possible here for the same reason: the
 * per-kernel budget bounds all frames in flight instead. jeromq's own limit check still disconnects a peer
 * that announces a (positive) size over the limit.
 */
final class FrameGuard implements MsgAllocator {

    /** Frames at least this large get a direct buffer, smaller ones a heap array: jeromq's default threshold. */
    static final int DIRECT_THRESHOLD = 1024;

    private final Channel channel;
    private final long maxMessageBytes;
    private final FrameBudget budget;
    private final LogLimiter refusals;

    /**
     * @param channel         the channel of the socket this allocator serves, named in refusals
     * @param maxMessageBytes the largest frame accepted
     * @param budget          the kernel's in-flight budget, shared by its five sockets
     * @param refusals        the rate-limited WARNING log of refusals, shared by the five sockets
     */
    FrameGuard(Channel channel, long maxMessageBytes, FrameBudget budget, LogLimiter refusals) {
        this.channel = Objects.requireNonNull(channel, "channel");
        if (maxMessageBytes < 1) {
            throw new IllegalArgumentException("FrameGuard: maxMessageBytes must be at least 1, got " + maxMessageBytes);
        }
        this.maxMessageBytes = maxMessageBytes;
        this.budget = Objects.requireNonNull(budget, "budget");
        this.refusals = Objects.requireNonNull(refusals, "refusals");
    }

    /** Called by jeromq's I/O thread with a frame's size (truncated to an int); never throws. */
    @Override
    public Msg allocate(int size) {
        if (size < 0 || size > maxMessageBytes) {
            // NOTE: a size over the limit can only reach here truncated from a long with its top bit set;
            // the low 32 bits are all jeromq passes on.
            return refuse(() -> "a frame whose announced size is negative or over the limit (" + Integer.toUnsignedString(size)
                    + " bytes in its low 32 bits; the top bit of its 64-bit size is set), limit " + maxMessageBytes
                    + " bytes (" + DisconnectWarnings.SETTING + ")");
        }
        ByteBuffer buffer;
        try {
            buffer = size >= DIRECT_THRESHOLD ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size);
        } catch (OutOfMemoryError e) {
            // NOTE: safe to catch: allocateDirect throws it when the JVM's direct-memory limit refuses the
            // reservation (nothing was allocated), and a heap array under 1 KiB that fails means the budget
            // was sized too generously; either way this frame is refused and the I/O thread goes on.
            return refuse(() -> "a frame of " + size + " bytes: the JVM refused its buffer (" + e.getMessage() + ")");
        }
        GuardedMsg frame = new GuardedMsg(buffer, budget);
        frame.reservation = budget.reserve(frame, size);
        if (frame.reservation == null) {
            return refuse(() -> "a frame of " + size + " bytes: the kernel's in-flight budget of " + budget.capacity()
                    + " bytes for incoming frames (of all peers, each charged its size plus " + FrameBudget.FRAME_OVERHEAD
                    + ") is exhausted (" + budget.reservedNow() + " bytes reserved); the frames it holds are announced but not complete, or wait to be read");
        }
        return frame;
    }

    /**
     * The bytes of {@code frame}, just received from a socket, ending its reservation: the kernel has it now.
     * Every loop that receives from a guarded socket reads through here ({@code Sockets.receive}).
     */
    static byte[] read(Msg frame) {
        if (frame instanceof GuardedMsg g && g.reservation != null) {
            g.budget.release(g.reservation);
        }
        return frame.data();
    }

    /** A frame allocated here, which knows its reservation. */
    private static final class GuardedMsg extends Msg {
        final FrameBudget budget;
        FrameBudget.Reservation reservation;

        GuardedMsg(ByteBuffer buffer, FrameBudget budget) {
            super(buffer);
            this.budget = budget;
        }
    }

    private Msg refuse(java.util.function.Supplier<String> reason) {
        refusals.log(() -> channel.label() + ": refused " + reason.get() + ". The frame is dropped; the peer"
                + " (its address is not known at this point) gets no reply to the message it belonged to.");
        Msg empty = new Msg(0);
        empty.setFlags(Msg.COMMAND);
        return empty;
    }
}
