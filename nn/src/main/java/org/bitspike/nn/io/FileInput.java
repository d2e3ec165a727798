package org.bitspike.nn.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;

/**
 * A file being read: its channel, its size (taken once, before anything is trusted) and its name
 * for error messages. Reads are positional and complete, or fail as a format error naming what
 * was being read.
 */
final class FileInput {
    private final SeekableByteChannel channel;
    private final String source;
    private final long size;

    FileInput(SeekableByteChannel channel, String source) throws IOException {
        this.channel = channel;
        this.source = source;
        this.size = channel.size();
    }

    String source() {
        return source;
    }

    long size() {
        return size;
    }

    /** A format error about this file (see {@link CheckpointFormatException#of}). */
    CheckpointFormatException error(String where, String detail, Object... args) {
        return CheckpointFormatException.of(source, where, detail, args);
    }

    /**
     * Fills {@code buffer} (from its position to its limit) with the bytes at {@code position} and
     * flips it. The caller has checked the range against {@link #size()}; running out of bytes
     * anyway (the file shrank while being read) is reported as a truncated file.
     */
    ByteBuffer readFully(long position, ByteBuffer buffer, String what) throws IOException {
        long start = position;
        channel.position(position);
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer);
            if (n < 0) {
                throw error("", "file ends at byte %d while reading %s (bytes %d..%d)",
                        position, what, start, start + buffer.limit());
            }
            position += n;
        }
        return buffer.flip();
    }
}
