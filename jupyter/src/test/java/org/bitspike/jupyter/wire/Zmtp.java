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
        try (Socket tcp = new Socket("127.0.0.1", port)) {
            tcp.setSoTimeout(timeoutMs);
            OutputStream out = tcp.getOutputStream();
            DataInputStream in = new DataInputStream(tcp.getInputStream());
            // greeting (64 bytes): signature FF 00x8 7F, version 3.0, mechanism "NULL" padded to 20, as-server 0,
            // filler 31 zeros
            ByteBuffer greeting = ByteBuffer.allocate(64);
            greeting.put((byte) 0xFF).put(new byte[8]).put((byte) 0x7F).put((byte) 3).put((byte) 0);
            greeting.put("NULL".getBytes(US_ASCII)).put(new byte[16]).put((byte) 0).put(new byte[31]);
            out.write(greeting.array());
            out.flush();
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
            out.write(new byte[] {0x04, (byte) ready.capacity()});
            out.write(ready.array());
            out.flush();
            int flags = in.readUnsignedByte();
            long length = (flags & 0x02) != 0 ? in.readLong() : in.readUnsignedByte();
            in.readFully(new byte[(int) length]); // their READY
            if ((flags & 0x04) == 0) {
                throw new AssertionError("expected the kernel's READY command from port " + port + ", got flags " + flags);
            }
            // a long, final message frame (flag 0x02) of `size` bytes, of which none follow
            ByteBuffer announce = ByteBuffer.allocate(9).put((byte) 0x02).putLong(size);
            out.write(announce.array());
            out.flush();
            try {
                return in.read() < 0;
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException reset) {
                return true; // closed with a reset: disconnected just the same
            }
        }
    }
}
