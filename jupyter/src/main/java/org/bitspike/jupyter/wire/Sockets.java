package org.bitspike.jupyter.wire;

import java.util.ArrayList;
import java.util.List;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/**
 * Socket options, binding, and whole-message receive and send. The tuning constants live here, with
 * their reasons.
 */
final class Sockets {

    /**
     * Linger while running: 0, so a socket whose peer went away never holds up {@code close}.
     * See {@link #CLOSE_LINGER_MS} for the one exception.
     */
    static final int LINGER_MS = 0;

    /**
     * Linger given to the shell, control, stdin and iopub sockets just before the I/O thread closes them.
     * NOTE: with linger 0 a reply queued just before close (the {@code shutdown_reply} a handler sends
     * before calling {@code close()}) would be discarded before it left the process; half a second lets
     * it reach the wire and still bounds {@code close} when a client has stopped reading.
     */
    static final int CLOSE_LINGER_MS = 500;

    /**
     * Outgoing iopub messages buffered per subscriber (ZeroMQ's default is 1000). A cell that prints in a
     * loop can queue many messages at once; past the mark a PUB socket silently drops, which once lost
     * the final {@code idle} status and hung the client. Stream output should still be batched above this
     * layer.
     */
    static final int IOPUB_SEND_HWM = 100_000;

    /**
     * Longest a send may block. NOTE: ROUTER (shell, control, stdin, heartbeat) and XPUB (iopub) sockets
     * drop rather than block when a peer's queue is full, so this is a guard, not the expected path: even
     * if a socket type did block, one slow client could not stall the I/O thread for long.
     */
    static final int SEND_TIMEOUT_MS = 1000;

    private Sockets() {}

    /**
     * A socket of {@code type} for {@code channel}, bound to {@code info}'s ip and the channel's port
     * (a free port when it is 0), refusing frames larger than {@code maxMessageBytes}. Returns the socket;
     * {@link #port} tells the port actually bound.
     *
     * <p>NOTE: {@code ZMQ_MAXMSGSIZE} is checked by jeromq's decoder when a frame's size arrives, before any
     * buffer is allocated: the peer that announced a larger frame is disconnected (its engine fails with
     * EMSGSIZE) and the socket goes on serving its other peers. Without it, a stranger that knows nothing of
     * the key could make jeromq reserve 2 GB of direct memory with a 9-byte frame header.
     */
    static ZMQ.Socket bind(ZMQ.Context context, SocketType type, Channel channel, ConnectionInfo info,
            long maxMessageBytes, FrameGuard guard) {
        int port = info.port(channel);
        String endpoint = port == 0 ? info.address(0).replaceFirst(":0$", ":*") : info.address(port);
        ZMQ.Socket socket = context.socket(type);
        try {
            socket.setLinger(LINGER_MS);
            socket.setSendTimeOut(SEND_TIMEOUT_MS);
            socket.setMaxMsgSize(maxMessageBytes);
            // every incoming frame's buffer comes from the guard, which refuses what jeromq's check lets through
            socket.setMsgAllocator(guard);
            if (info.ip().contains(":")) {
                socket.setIPv6(true); // ZeroMQ binds IPv6 addresses only when asked to
            }
            if (channel == Channel.STDIN) {
                // an input_request to a frontend not (yet) connected on stdin fails instead of
                // vanishing, which left the cell waiting for an answer forever
                socket.setRouterMandatory(true);
            }
            if (channel == Channel.IOPUB) {
                socket.setSndHWM(IOPUB_SEND_HWM);
                // Every subscription reaches the I/O thread, even a second client's identical one.
                socket.setXpubVerbose(true);
            }
            if (!socket.bind(endpoint)) {
                throw new WireException(WireException.Reason.BIND, "cannot bind " + channel.label() + " to " + endpoint);
            }
            return socket;
        } catch (ZMQException | IllegalArgumentException e) {
            socket.close();
            throw new WireException(WireException.Reason.BIND,
                    "cannot bind " + channel.label() + " to " + endpoint + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** The port {@code socket} is bound to, read from its last endpoint ("tcp://127.0.0.1:53794"). */
    static int port(ZMQ.Socket socket) {
        String endpoint = socket.getLastEndpoint();
        return Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
    }

    /**
     * All frames of the next message, or null when none is waiting. Never blocks. Each frame's reservation in the
     * in-flight budget ends here ({@link FrameGuard#read}).
     */
    static List<byte[]> receive(ZMQ.Socket socket) {
        zmq.Msg first = socket.recvMsg(ZMQ.DONTWAIT);
        if (first == null) {
            return null;
        }
        List<byte[]> frames = new ArrayList<>(8);
        frames.add(FrameGuard.read(first));
        while (socket.hasReceiveMore()) {
            // The rest of a multipart message arrives with its first frame.
            frames.add(FrameGuard.read(socket.recvMsg(0)));
        }
        return frames;
    }

    /** Sends {@code frames} as one multipart message; false when the socket refused it (timeout). */
    static boolean send(ZMQ.Socket socket, List<byte[]> frames) {
        int last = frames.size() - 1;
        for (int i = 0; i < last; i++) {
            if (!socket.send(frames.get(i), ZMQ.SNDMORE)) {
                return false;
            }
        }
        return socket.send(frames.get(last), 0);
    }
}
