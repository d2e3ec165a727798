package org.bitspike.jupyter.wire;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.Pipe;
import java.nio.channels.SelectableChannel;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Wakes one thread that blocks in a ZeroMQ poll: {@link #signal} (any thread) writes a byte to a pipe
 * whose read end is registered with the poller next to the sockets. Signals coalesce: at most one byte
 * is outstanding until the owner calls {@link #clear}.
 *
 * <p>The owner's loop must call {@link #clear} <em>before</em> it looks at the work that signallers
 * queue, and signallers must queue their work <em>before</em> they signal; then a signal that comes
 * after the clear writes a new byte, and one that was coalesced into an earlier signal finds its work
 * already queued, so no work is missed.
 */
final class Wakeup implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(KernelConnection.LOGGER_NAME);

    private final Pipe pipe;
    private final AtomicBoolean pending = new AtomicBoolean();

    Wakeup() {
        try {
            pipe = Pipe.open();
            pipe.source().configureBlocking(false);
        } catch (IOException e) {
            throw new WireException(WireException.Reason.BIND, "cannot open a wake-up pipe: " + e.getMessage(), e);
        }
    }

    /** The end to register with the poller for POLLIN. */
    SelectableChannel channel() {
        return pipe.source();
    }

    /** Wakes the owner (any thread; cheap when a wake-up is already pending). */
    void signal() {
        if (!pending.compareAndSet(false, true)) {
            return;
        }
        try {
            pipe.sink().write(ByteBuffer.wrap(new byte[] {1}));
        } catch (ClosedChannelException e) {
            // The owner has finished; nothing left to wake.
        } catch (IOException e) {
            LOG.log(Level.WARNING, "wake-up pipe failed", e);
        }
    }

    /** Owner only: empties the pipe, then forgets pending signals; never blocks. */
    void clear() {
        ByteBuffer sink = ByteBuffer.allocate(64);
        try {
            while (pipe.source().read(sink) > 0) {
                sink.clear();
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "wake-up pipe failed", e);
        }
        // NOTE: the flag is reset after the pipe is emptied, never before. Reset first, and a signal
        // between the reset and the read would have its byte swallowed while its flag stayed set: every
        // later signal would then be coalesced away and the owner would sleep on queued work. This
        // order keeps "flag set => a byte is in the pipe or on its way"; at worst a byte written late
        // causes one spare wake-up.
        pending.set(false);
    }

    @Override
    public void close() {
        try {
            pipe.sink().close();
            pipe.source().close();
        } catch (IOException e) {
            LOG.log(Level.FINE, "closing the wake-up pipe", e);
        }
    }
}
