package org.bitspike.jupyter.wire;

import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/**
 * The body of the {@code bitspike-wire-watchdog} thread: a frontend's heartbeat check made from inside the
 * process. It pings the kernel's own heartbeat port every period from a ZeroMQ context of its own (its own I/O
 * thread, so a hung jeromq I/O thread of the kernel's context cannot hang it too), and when no echo has come
 * back for the timeout it declares the kernel deaf and calls the {@link FatalErrorHandler}: a future hang of
 * jeromq (or of the heartbeat loop) becomes a restart, never a zombie.
 *
 * <p>NOTE: the one thread of the connection that waits on a timer, by design. No false positive under load:
 * the kernel process only routes messages (cells run in another JVM), and its heartbeat loop echoes in well
 * under a millisecond; the default timeout is seven periods. Silence is counted only while the watchdog
 * itself was awake to see it: when its own loop was off the CPU for longer than {@link #MAX_CREDIT_PERIODS}
 * periods (a process frozen by a CPU quota, a suspended VM, a long safepoint), the heartbeat was frozen with
 * it, so that gap counts as that many periods and no more. Deafness is silence the watchdog witnessed.
 */
final class Watchdog implements Runnable {

    private static final Logger LOG = Logger.getLogger(KernelConnection.LOGGER_NAME);
    /** The most one turn of the loop can add to the silence, in periods: a longer gap is the watchdog's own stall. */
    static final int MAX_CREDIT_PERIODS = 2;
    private static final byte[] PING = "bitspike-watchdog".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final String endpoint;
    private final long periodNanos;
    private final long timeoutNanos;
    private final LongSupplier clock;
    private final FatalErrorHandler fatal;
    private final ZMQ.Context context;
    private final ZMQ.Socket socket;
    private volatile boolean stopping;

    /**
     * @param endpoint      the heartbeat socket's endpoint as bound ("tcp://127.0.0.1:53794"); a wildcard address
     *                      is pinged on the loopback address
     * @param periodMillis  time between pings
     * @param timeoutMillis silence after which the kernel is deaf
     * @param clock         nanoseconds, as {@link System#nanoTime}
     * @param fatal         called once, on this thread, when the kernel is deaf
     */
    Watchdog(String endpoint, long periodMillis, long timeoutMillis, LongSupplier clock, FatalErrorHandler fatal) {
        if (periodMillis < 1 || timeoutMillis < periodMillis) {
            throw new IllegalArgumentException("Watchdog: need 1 <= periodMillis <= timeoutMillis, got period "
                    + periodMillis + " ms, timeout " + timeoutMillis + " ms");
        }
        this.endpoint = loopback(Objects.requireNonNull(endpoint, "endpoint"));
        this.periodNanos = TimeUnit.MILLISECONDS.toNanos(periodMillis);
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.fatal = Objects.requireNonNull(fatal, "fatal");
        this.context = ZMQ.context(1);
        this.socket = context.socket(SocketType.DEALER);
        socket.setLinger(0);
        socket.setIPv6(this.endpoint.contains("["));
        // NOTE: a small queue: while the kernel is deaf, pings must not pile up in this context
        socket.setSndHWM(4);
        socket.setImmediate(false);
        socket.connect(this.endpoint);
    }

    /** Asks the loop to end; it closes its socket and context within a period (any thread). */
    void stop() {
        stopping = true;
    }

    @Override
    public void run() {
        ZMQ.Poller poller = context.poller(1);
        int in = poller.register(socket, ZMQ.Poller.POLLIN);
        long last = clock.getAsLong();
        long lastPing = last - periodNanos;
        long silent = 0;
        long maxCredit = MAX_CREDIT_PERIODS * periodNanos;
        try {
            while (!stopping) {
                long now = clock.getAsLong();
                if (now - lastPing >= periodNanos) {
                    socket.send(PING, ZMQ.DONTWAIT); // false when the queue is full: the kernel is not reading
                    lastPing = now;
                }
                poller.poll(Math.max(1, TimeUnit.NANOSECONDS.toMillis(periodNanos - (now - lastPing))));
                boolean echoed = false;
                if (poller.pollin(in)) {
                    while (socket.recv(ZMQ.DONTWAIT) != null) {
                        echoed = true;
                    }
                }
                now = clock.getAsLong();
                silent = echoed ? 0 : silent + Math.min(Math.max(0, now - last), maxCredit);
                last = now;
                if (!stopping && silent > timeoutNanos) {
                    fatal.fatal(Thread.currentThread().getName(), new IllegalStateException("watchdog: the kernel's"
                            + " heartbeat at " + endpoint + " has not echoed for " + TimeUnit.NANOSECONDS.toMillis(silent)
                            + " ms (timeout " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms): the kernel is deaf"));
                    return;
                }
            }
        } catch (ZMQException e) {
            if (e.getErrorCode() != ZMQ.Error.ETERM.getCode()) {
                LOG.log(Level.SEVERE, "watchdog: ZeroMQ error; the watchdog stops, the kernel serves on", e);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "watchdog: unexpected error; the watchdog stops, the kernel serves on", e);
        } finally {
            poller.close();
            socket.close();
            context.term();
        }
    }

    /** {@code endpoint} with a wildcard host replaced by the loopback address of its family. */
    static String loopback(String endpoint) {
        return endpoint.replace("://0.0.0.0:", "://127.0.0.1:").replace("://*:", "://127.0.0.1:")
                .replace("://[::]:", "://[::1]:");
    }
}
