package org.bitspike.jupyter.wire;

import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.zeromq.SocketType;
import org.zeromq.ZEvent;
import org.zeromq.ZMQ;
import org.zeromq.ZMonitor;

/**
 * The body of the {@code bitspike-wire-monitor} thread: it reads the ZeroMQ socket monitors of the five
 * channels and logs, at INFO (a frontend closing is no fault) and rate-limited ({@link DisconnectWarnings}), every peer that jeromq
 * disconnects, naming the channel, the peer's address and the message size limit with the setting that
 * raises it. Without it a client whose message is over the limit is cut off silently and waits for ever. It also
 * tells the in-flight budgets ({@link FrameBudget#peerLeft}) that a peer left, so the frames of its unfinished messages, garbage
 * now, are given back at the next short reservation rather than a second later.
 *
 * <p>The monitors are attached, and this thread's PAIR sockets connected to them, by the constructor, on the
 * thread that opens the connection, before any socket is handed to another thread. Errors follow the rule of
 * the other loops: a RuntimeException is logged and the loop goes on; an Error is reported to the
 * {@link FatalErrorHandler}.
 */
final class PeerMonitor implements Runnable {

    private static final Logger LOG = Logger.getLogger(KernelConnection.LOGGER_NAME);

    private final ZMQ.Context context;
    private final Map<Channel, ZMQ.Socket> monitors = new EnumMap<>(Channel.class);
    private final DisconnectWarnings warnings;
    private final Runnable peerLeft;
    private final LoopGuard guard;
    /** One permit per disconnect handled, for tests ({@link #awaitDisconnects}). */
    private final Semaphore disconnects = new Semaphore(0);

    /**
     * Attaches a monitor of DISCONNECTED events to each socket of {@code sockets} (call before any of them is
     * used by another thread) and connects this loop's end of each.
     *
     * @throws WireException ({@link WireException.Reason#BIND}) when a monitor cannot be attached; the monitor
     *                       sockets made so far are closed then
     */
    PeerMonitor(ZMQ.Context context, Map<Channel, ZMQ.Socket> sockets, DisconnectWarnings warnings,
            Runnable peerLeft, FatalErrorHandler fatal) {
        this.context = context;
        this.warnings = warnings;
        this.peerLeft = peerLeft;
        this.guard = new LoopGuard("peer monitor", fatal);
        try {
            for (Map.Entry<Channel, ZMQ.Socket> e : sockets.entrySet()) {
                // NOTE: inproc names are per context, and each connection has its own context.
                String address = "inproc://bitspike-monitor-" + e.getKey().label();
                if (!e.getValue().monitor(address, ZMQ.EVENT_DISCONNECTED)) {
                    throw new WireException(WireException.Reason.BIND, "cannot monitor " + e.getKey().label() + " at " + address);
                }
                ZMQ.Socket pair = context.socket(SocketType.PAIR);
                monitors.put(e.getKey(), pair);
                pair.setLinger(Sockets.LINGER_MS);
                pair.connect(address);
            }
        } catch (RuntimeException e) {
            monitors.values().forEach(ZMQ.Socket::close);
            guard.close();
            throw e;
        }
    }

    /** Its stop and test-task hooks: {@link LoopGuard#stop} closes the monitor sockets and returns. */
    LoopGuard guard() {
        return guard;
    }

    /** Waits until {@code n} more disconnects have been handled (logged or counted); for tests. */
    boolean awaitDisconnects(int n, long timeout, TimeUnit unit) throws InterruptedException {
        return disconnects.tryAcquire(n, timeout, unit);
    }

    @Override
    public void run() {
        ZMQ.Poller poller = context.poller(monitors.size() + 1);
        List<Channel> channels = new ArrayList<>(monitors.keySet());
        int[] index = new int[channels.size()];
        for (int i = 0; i < index.length; i++) {
            index[i] = poller.register(monitors.get(channels.get(i)), ZMQ.Poller.POLLIN);
        }
        int wake = poller.register(guard.wakeup().channel(), ZMQ.Poller.POLLIN);
        try {
            while (!guard.stopping()) {
                boolean live = guard.pass(() -> {
                    poller.poll(-1);
                    guard.woken(poller, wake);
                    for (int i = 0; i < index.length; i++) {
                        if (poller.pollin(index[i])) {
                            read(channels.get(i), monitors.get(channels.get(i)));
                        }
                    }
                });
                if (!live) {
                    return; // ETERM: the context is gone
                }
            }
        } catch (Error e) {
            guard.fatal(e);
        } finally {
            monitors.values().forEach(ZMQ.Socket::close);
            poller.close();
            guard.close();
        }
    }

    private void read(Channel channel, ZMQ.Socket monitor) {
        for (ZEvent event; (event = ZEvent.recv(monitor, ZMQ.DONTWAIT)) != null; ) {
            if (event.getEvent() != ZMonitor.Event.DISCONNECTED) {
                continue; // MONITOR_STOPPED, when the channel's socket closes
            }
            peerLeft.run();
            String peer = peer(event.getValue());
            String warning = warnings.disconnected(channel, peer);
            if (warning != null) {
                LOG.info(warning);
            } else {
                LOG.log(Level.FINE, "{0}: peer {1} was disconnected (warning rate-limited)",
                        new Object[] {channel.label(), peer});
            }
            disconnects.release();
        }
    }

    /**
     * The remote address of a disconnected peer's TCP channel, or null. NOTE: the engine has closed the channel
     * by the time the event is read; the socket adaptor still knows the address it was connected to.
     */
    private static String peer(Object value) {
        if (value instanceof SocketChannel tcp) {
            SocketAddress remote = tcp.socket().getRemoteSocketAddress();
            if (remote != null) {
                String text = remote.toString();
                return text.startsWith("/") ? text.substring(1) : text;
            }
        }
        return null;
    }
}
