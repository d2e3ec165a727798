package org.bitspike.jupyter.wire;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/**
 * A frontend on jeromq, as jupyter_client builds one: DEALER sockets with one shared identity for shell,
 * control and stdin, SUB (all topics) for iopub, REQ for heartbeat. Receives block for at most
 * {@link #TIMEOUT_MS} and then fail the test. Used by one thread.
 */
final class Client implements AutoCloseable {

    static final int TIMEOUT_MS = 5000;

    final byte[] identity;
    private final Signer signer;
    private final ZMQ.Context context = ZMQ.context(1);
    private final Map<Channel, ZMQ.Socket> sockets = new EnumMap<>(Channel.class);

    Client(ConnectionInfo info, String key, String identity) {
        this.identity = identity.getBytes(StandardCharsets.UTF_8);
        this.signer = Signer.of(info.signatureScheme(), key);
        for (Channel channel : Channel.values()) {
            SocketType type = switch (channel) {
                case SHELL, CONTROL, STDIN -> SocketType.DEALER;
                case IOPUB -> SocketType.SUB;
                case HEARTBEAT -> SocketType.REQ;
            };
            ZMQ.Socket s = context.socket(type);
            s.setLinger(0);
            s.setReceiveTimeOut(TIMEOUT_MS);
            s.setRcvHWM(100_000);
            if (type == SocketType.DEALER) {
                s.setIdentity(this.identity);
            }
            if (type == SocketType.SUB) {
                s.subscribe(new byte[0]);
            }
            s.connect(info.address(info.port(channel)));
            sockets.put(channel, s);
        }
    }

    /** Encodes, signs (with this client's key) and sends {@code m}. */
    void send(Channel channel, Message m) {
        sendFrames(channel, WireCodec.encode(m, signer));
    }

    void sendFrames(Channel channel, List<byte[]> frames) {
        Sockets.send(sockets.get(channel), frames);
    }

    /** The next message on {@code channel}, decoded and verified with this client's key. */
    Message receive(Channel channel) {
        return WireCodec.decode(receiveFrames(channel), signer);
    }

    /** The frames of the next message on {@code channel}; fails the test after {@link #TIMEOUT_MS}. */
    List<byte[]> receiveFrames(Channel channel) {
        ZMQ.Socket s = sockets.get(channel);
        byte[] first = s.recv(0);
        assertNotNull(first, () -> "nothing arrived on " + channel.label() + " within " + TIMEOUT_MS + " ms");
        List<byte[]> frames = new java.util.ArrayList<>();
        frames.add(first);
        while (s.hasReceiveMore()) {
            frames.add(s.recv(0));
        }
        return frames;
    }

    /** Closes this client's socket for {@code channel} (a frontend without stdin, say). */
    void disconnect(Channel channel) {
        sockets.remove(channel).close();
    }

    /** Waits up to {@code timeoutMs} for the next message on {@code channel}. */
    Message receive(Channel channel, int timeoutMs) {
        ZMQ.Socket s = sockets.get(channel);
        s.setReceiveTimeOut(timeoutMs);
        try {
            return receive(channel);
        } finally {
            s.setReceiveTimeOut(TIMEOUT_MS);
        }
    }

    @Override
    public void close() {
        sockets.values().forEach(ZMQ.Socket::close);
        context.term();
    }
}
