package org.bitspike.jupyter.wire;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;

/**
 * ZeroMQ's wire protocol (ZMTP 3.0, NULL mechanism) by hand on a plain TCP socket, for what no ZeroMQ
 * library will send: the header of a frame far larger than anything that follows it.
 */
public final class Zmtp {
    private Zmtp() {
    }

    /**
     * Connects to {@code port} over plain TCP as a ZeroMQ peer of type {@code socketType} (ZMTP 3.0, NULL
     * mechanism, no key), announces one frame of {@code size} bytes without sending its body, and returns
     * whether the kernel then closed the connection (end of stream or reset) within {@code timeoutMs}.
     */
    public static boolean announceFrame(int port, String socketType, long size, int timeoutMs) throws IOException {
        try (Peer peer = Peer.connect(port, socketType, timeoutMs)) {
            // a long, final message frame (flag 0x02) of `size` bytes, of which none follow
            peer.write(ByteBuffer.allocate(9).put((byte) 0x02).putLong(size).array());
            return peer.closedByKernel();
        }
    }

    /** A raw ZMTP 3.0 peer (NULL mechanism) whose handshake is done: it writes whatever bytes a test gives it. */
    public static final class Peer implements AutoCloseable {
        private final Socket tcp;
        private final OutputStream out;
        private final DataInputStream in;

        private Peer(Socket tcp) throws IOException {
            this.tcp = tcp;
            this.out = tcp.getOutputStream();
            this.in = new DataInputStream(tcp.getInputStream());
        }

        /** Connects to {@code port} as a peer of {@code socketType} and completes the handshake. */
        public static Peer connect(int port, String socketType, int timeoutMs) throws IOException {
            Socket tcp = new Socket("127.0.0.1", port);
            try {
                tcp.setSoTimeout(timeoutMs);
                Peer peer = new Peer(tcp);
                peer.handshake(port, socketType);
                return peer;
            } catch (IOException | RuntimeException | AssertionError e) {
                tcp.close();
                throw e;
            }
        }

        private void handshake(int port, String socketType) throws IOException {
            // greeting (64 bytes): signature FF 00x8 7F, version 3.0, mechanism "NULL" padded to 20, as-server 0,
            // filler 31 zeros
            ByteBuffer greeting = ByteBuffer.allocate(64);
            greeting.put((byte) 0xFF).put(new byte[8]).put((byte) 0x7F).put((byte) 3).put((byte) 0);
            greeting.put("NULL".getBytes(US_ASCII)).put(new byte[16]).put((byte) 0).put(new byte[31]);
            write(greeting.array());
            byte[] theirs = new byte[64];
            in.readFully(theirs);
            if ((theirs[0] & 0xFF) != 0xFF || theirs[9] != 0x7F || theirs[10] != 3) {
                throw new AssertionError("not a ZMTP 3 greeting from port " + port);
            }
            // READY command: short command frame (flag 0x04), name, property Socket-Type
            byte[] name = "READY".getBytes(US_ASCII);
            byte[] property = "Socket-Type".getBytes(US_ASCII);
            byte[] value = socketType.getBytes(US_ASCII);
            ByteBuffer ready = ByteBuffer.allocate(1 + name.length + 1 + property.length + 4 + value.length);
            ready.put((byte) name.length).put(name).put((byte) property.length).put(property).putInt(value.length).put(value);
            write(new byte[] {0x04, (byte) ready.capacity()});
            write(ready.array());
            int flags = in.readUnsignedByte();
            long length = (flags & 0x02) != 0 ? in.readLong() : in.readUnsignedByte();
            in.readFully(new byte[(int) length]); // their READY
            if ((flags & 0x04) == 0) {
                throw new AssertionError("expected the kernel's READY command from port " + port + ", got flags " + flags);
            }
        }

        /** Writes {@code bytes} as they are. */
        public void write(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /**
         * Writes {@code count} empty frames flagged MORE (a multipart message that never ends), in batches.
         * Returns false when the kernel closed the connection before all were written.
         */
        public boolean writeEmptyMoreFrames(int count) throws IOException {
            byte[] batch = new byte[2 * 1024];
            for (int i = 0; i < batch.length; i += 2) {
                batch[i] = 0x01; // MORE, short size
                batch[i + 1] = 0;
            }
            try {
                for (int left = count; left > 0; left -= batch.length / 2) {
                    out.write(batch, 0, 2 * Math.min(left, batch.length / 2));
                }
                out.flush();
                return true;
            } catch (IOException closed) {
                return false;
            }
        }

        /** Whether the kernel closes the connection (end of stream or reset) within the read timeout. */
        public boolean closedByKernel() throws IOException {
            try {
                return in.read() < 0;
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException reset) {
                return true; // closed with a reset: disconnected just the same
            }
        }

        @Override
        public void close() throws IOException {
            tcp.close();
        }
    }
}
