package org.bitspike.nn.data;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * The bytes of one data file, read front to back with bounds: gzip is detected by its magic
 * ({@code 1f 8b}), never by the file name; every read that comes up short, every claimed size that
 * exceeds what the file holds, and every corrupt gzip stream raises a {@link
 * DatasetFormatException} naming the file, the offset and the field.
 *
 * <p>Allocation is bounded twice: by {@link #MAX_BYTES} (one Java array, which is where a
 * {@link Dataset} keeps its pixels), and by what the file actually holds. For an uncompressed file
 * the claimed size is checked against the file size before anything is allocated; for gzip, whose
 * decompressed size is unknown until the end, the buffer grows geometrically as bytes arrive, so a
 * header that lies costs at most about twice what the stream really contained.
 */
final class ByteSource implements Closeable {
    /** The most bytes one read may claim: the largest Java array. */
    static final int MAX_BYTES = Integer.MAX_VALUE - 8;
    /** The I/O buffer size, compressed and decompressed. */
    private static final int CHUNK = 1 << 16;
    /** The first buffer of a gzip read, which doubles as bytes arrive (the true length is unknown). */
    private static final int FIRST_GROWABLE = 1 << 20;

    private final String name;
    private final InputStream in;
    private final boolean gzip;
    private final long length;
    private long offset;

    private ByteSource(String name, InputStream in, boolean gzip, long length) {
        this.name = name;
        this.in = in;
        this.gzip = gzip;
        this.length = length;
    }

    /** Opens {@code file}; the JDK's own exceptions report a missing or unreadable file. */
    static ByteSource open(Path file) throws IOException {
        long size = Files.size(file);
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), CHUNK);
        try {
            return wrap(file.toString(), raw, size);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    /** The bytes of an in-memory file called {@code name}. */
    static ByteSource of(String name, byte[] bytes) throws DatasetFormatException {
        try {
            return wrap(name, new ByteArrayInputStream(bytes), bytes.length);
        } catch (DatasetFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new AssertionError("in-memory stream failed", e);
        }
    }

    private static ByteSource wrap(String name, InputStream raw, long size) throws IOException {
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        if (b0 != 0x1f || b1 != 0x8b) {
            return new ByteSource(name, raw, false, size);
        }
        try {
            InputStream gz = new GZIPInputStream(raw, CHUNK);
            return new ByteSource(name, new BufferedInputStream(gz, CHUNK), true, -1);
        } catch (ZipException | EOFException e) {
            throw new DatasetFormatException(name, 0, "gzip header at byte 0 (compressed): "
                    + "expected a valid gzip member header, found " + describe(e), e);
        }
    }

    /** The file's name, for messages. */
    String name() {
        return name;
    }

    /** Bytes consumed so far (of the decompressed stream for gzip). */
    long offset() {
        return offset;
    }

    /** Total bytes of an uncompressed file; -1 for gzip, whose decompressed size is not known ahead. */
    long length() {
        return length;
    }

    /** {@code "byte 16"}, or {@code "byte 16 (decompressed)"} for gzip. */
    String at(long pos) {
        return gzip ? "byte " + pos + " (decompressed)" : "byte " + pos;
    }

    /** A format error at {@code pos}: {@code "<file>: <field> at byte <pos>: <detail>"}. */
    DatasetFormatException error(long pos, String field, String detail, Object... args) {
        return new DatasetFormatException(name, pos, field + " at " + at(pos) + ": " + String.format(detail, args));
    }

    /** One unsigned byte. */
    int u8(String field) throws IOException {
        long pos = offset;
        int b = read();
        if (b < 0) {
            throw error(pos, field, "expected 1 byte, found the end of the file");
        }
        return b;
    }

    /** One big-endian signed 32-bit integer. */
    int i32(String field) throws IOException {
        byte[] b = new byte[4];
        readFully(b, 0, 4, field);
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }

    /** Exactly {@code len} bytes into {@code dst[off..]}, or an error naming the field and how many were found. */
    void readFully(byte[] dst, int off, int len, String field) throws IOException {
        long pos = offset;
        int got = readAvailable(dst, off, len);
        if (got < len) {
            throw truncated(pos, field, len, got);
        }
    }

    /**
     * Exactly {@code count} bytes as a new array. The claim is checked against {@link #MAX_BYTES} and,
     * for an uncompressed file, against the bytes left; a gzip stream is read incrementally.
     */
    byte[] readBytes(long count, String field) throws IOException {
        long pos = offset;
        if (count > MAX_BYTES) {
            throw error(pos, field, "the header claims %d bytes, more than the %d one array can hold",
                    count, MAX_BYTES);
        }
        if (length >= 0 && count > length - pos) {
            throw error(pos, field, "the header promises %d bytes, the file has only %d left (truncated)",
                    count, length - pos);
        }
        int n = (int) count;
        byte[] buf = new byte[gzip ? Math.min(n, FIRST_GROWABLE) : n];
        int filled = 0;
        while (filled < n) {
            if (filled == buf.length) {
                buf = Arrays.copyOf(buf, (int) Math.min(n, 2L * buf.length));
            }
            int got = readAvailable(buf, filled, buf.length - filled);
            filled += got;
            if (filled < buf.length) {
                throw truncated(pos, field, n, filled);
            }
        }
        return buf;
    }

    /** True when no byte is left (peeks without consuming). */
    boolean atEnd() throws IOException {
        try {
            in.mark(1);
            int b = in.read();
            in.reset();
            return b < 0;
        } catch (ZipException | EOFException e) {
            throw corrupt(e);
        }
    }

    /** Fails unless the file ends here: {@code after} names what should have been last. */
    void expectEnd(String after) throws IOException {
        long pos = offset;
        if (length >= 0 && length > pos) {
            throw error(pos, "end of file", "expected the end after %s, found %d more bytes (trailing garbage)",
                    after, length - pos);
        }
        if (!atEnd()) {
            throw error(pos, "end of file", "expected the end after %s, found more bytes (trailing garbage)", after);
        }
    }

    private DatasetFormatException truncated(long pos, String field, long wanted, long got) {
        return error(pos, field, "expected %d bytes, found only %d before the end of the file (truncated)", wanted, got);
    }

    private int read() throws IOException {
        try {
            int b = in.read();
            if (b >= 0) {
                offset++;
            }
            return b;
        } catch (ZipException | EOFException e) {
            throw corrupt(e);
        }
    }

    /** Reads up to {@code len} bytes, fewer only at the end of the stream. */
    private int readAvailable(byte[] dst, int off, int len) throws IOException {
        try {
            int got = in.readNBytes(dst, off, len);
            offset += got;
            return got;
        } catch (ZipException | EOFException e) {
            throw corrupt(e);
        }
    }

    private DatasetFormatException corrupt(IOException e) {
        // NOTE: GZIPInputStream reports corrupt deflate data and bad trailers as ZipException, and a
        // stream cut short as EOFException; a failing disk is neither and keeps its own type.
        return new DatasetFormatException(name, offset, "gzip stream near " + at(offset)
                + ": expected valid compressed data, found " + describe(e), e);
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        if (e instanceof EOFException) {
            return "the end of the file (truncated)" + (m == null ? "" : ": " + m);
        }
        return m == null ? e.getClass().getSimpleName() : m;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
