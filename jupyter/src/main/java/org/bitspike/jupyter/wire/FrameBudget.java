package org.bitspike.jupyter.wire;

import java.lang.ref.PhantomReference;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The per-kernel in-flight budget: the bytes of every incoming frame that jeromq holds for the kernel, from
 * the moment its header announces it until it is garbage, plus {@link #FRAME_OVERHEAD} bytes per frame for the
 * objects that carry it. {@link FrameGuard} reserves a frame's bytes here before allocating its buffer and
 * refuses the frame when the budget cannot cover it, so announcements alone (five peers each announcing a
 * 120 MB frame and never sending it; an endless multipart message of empty frames) cannot exhaust the heap or
 * direct memory.
 *
 * <p>A reservation ends when the kernel's loops read its frame ({@link #release}, through
 * {@link FrameGuard#read}), or else when the frame becomes unreachable: its message object is tracked by a phantom
 * reference, and the queue of dead references is drained at every reservation (no thread of its own). NOTE:
 * jeromq 0.6.0 tells no one when it drops a frame (a peer that disconnects in the middle of a multipart message
 * takes its frames with it), so unreachability is the only end every frame is sure to have. When the budget is
 * short, {@link #reserve} drains the queue and, at most once per {@link #GC_INTERVAL_NANOS} or after a peer has
 * left ({@link #peerLeft}, told by {@code PeerMonitor}), asks
 * for a garbage collection and waits up to {@link #GC_WAIT_MS} ms for the references it clears: this is what
 * the JDK's own direct-buffer reservation does, and what keeps big frames that were already read from
 * holding the budget until the next collection happens by itself.
 *
 * <p>Used by the one I/O thread of a connection's ZeroMQ context; synchronized all the same, as it costs
 * nothing uncontended.
 */
final class FrameBudget {

    /**
     * Bytes charged per frame on top of its payload: jeromq's message object, its ByteBuffer and array
     * headers, the pipe's slot and this class's reference (measured order of magnitude, rounded up), so that
     * millions of empty frames are bounded as surely as one big one.
     */
    static final long FRAME_OVERHEAD = 256;
    /** The shortest time between two garbage collections asked for by a short budget. */
    static final long GC_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** The longest a short budget waits after asking for a collection. */
    static final long GC_WAIT_MS = 100;

    private final long capacity;
    private final LongSupplier clock;
    private final ReferenceQueue<Object> dead = new ReferenceQueue<>();
    /** Keeps the phantom references themselves reachable until they are drained. */
    private final Set<Reservation> live = new HashSet<>();
    private long reserved;
    private boolean collected;
    private long lastCollection;
    /** A peer has disconnected since the last collection: the frames it left in jeromq may be garbage now. */
    private boolean peerLeft;

    /** A reservation of {@code bytes}, ended by {@link #release} or when its referent (a frame) becomes unreachable. */
    static final class Reservation extends PhantomReference<Object> {
        final long bytes;

        Reservation(Object frame, long bytes, ReferenceQueue<Object> queue) {
            super(frame, queue);
            this.bytes = bytes;
        }
    }

    /**
     * @param capacity the most bytes (payload plus overhead) in flight at once, at least 1
     * @param clock    nanoseconds, as {@link System#nanoTime}, for the rate of garbage collections and the wait
     *                 after one (a fixed clock leaves each wait bounded by {@link #GC_WAIT_MS} per cleared frame)
     */
    FrameBudget(long capacity, LongSupplier clock) {
        if (capacity < 1) {
            throw new IllegalArgumentException("FrameBudget: capacity must be at least 1 byte, got " + capacity);
        }
        this.capacity = capacity;
        this.clock = java.util.Objects.requireNonNull(clock, "clock");
    }

    /** The capacity in bytes. */
    long capacity() {
        return capacity;
    }

    /** The bytes reserved now (payload plus overhead), after draining the frames already dead. */
    synchronized long reserved() {
        drain();
        return reserved;
    }

    /** The bytes reserved now, without draining (for messages). */
    synchronized long reservedNow() {
        return reserved;
    }

    /**
     * Reserves {@code payload + FRAME_OVERHEAD} bytes for {@code frame} until {@link #release} or until it
     * becomes unreachable; null, reserving nothing, when the budget cannot cover them even after a collection.
     */
    synchronized Reservation reserve(Object frame, long payload) {
        long bytes = payload + FRAME_OVERHEAD;
        drain();
        if (capacity - reserved < bytes && collectionAllowed()) {
            // NOTE: the JDK's Bits.reserveMemory does the same for direct buffers: the frames read and done with
            // may only be waiting for a collection to be found dead.
            System.gc();
            long deadline = clock.getAsLong() + TimeUnit.MILLISECONDS.toNanos(GC_WAIT_MS);
            while (capacity - reserved < bytes) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - clock.getAsLong());
                if (left <= 0 || !awaitOne(left)) {
                    break;
                }
                drain();
            }
        }
        if (capacity - reserved < bytes) {
            return null;
        }
        reserved += bytes;
        Reservation r = new Reservation(frame, bytes, dead);
        live.add(r);
        return r;
    }

    /** Ends {@code r} now: its frame has been read (any thread; a second call does nothing). */
    synchronized void release(Reservation r) {
        r.clear();
        end(r);
    }

    /**
     * Tells the budget that jeromq disconnected a peer (any thread): the next short reservation may ask for a
     * collection at once, since the frames of that peer's unfinished messages are garbage now.
     */
    synchronized void peerLeft() {
        peerLeft = true;
    }

    private boolean collectionAllowed() {
        long now = clock.getAsLong();
        if (collected && now - lastCollection < GC_INTERVAL_NANOS && !peerLeft) {
            return false;
        }
        peerLeft = false;
        collected = true;
        lastCollection = now;
        return true;
    }

    private boolean awaitOne(long millis) {
        try {
            Reference<?> r = dead.remove(millis);
            if (r == null) {
                return false;
            }
            end((Reservation) r);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void drain() {
        for (Reference<?> r; (r = dead.poll()) != null; ) {
            end((Reservation) r);
        }
    }

    private void end(Reservation r) {
        if (live.remove(r)) {
            reserved -= r.bytes;
        }
    }
}
