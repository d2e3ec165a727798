package org.bitspike.nn.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

import org.bitspike.tensor.Tensor;

/**
 * Single tensors as NumPy {@code .npy} files: the magic {@code \x93NUMPY}, a version byte pair,
 * the header length (uint16 little-endian in version 1.0, uint32 in 2.0 and 3.0), the header - a
 * Python dict literal such as {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }}
 * padded with spaces and a final newline so the data starts at a multiple of 64 bytes - then the
 * elements.
 *
 * <p>Format decisions:
 * <ul>
 *   <li>Writing produces exactly the bytes {@code numpy.save} (NumPy 1.24) writes for the same
 *       array: version 1.0 (2.0 only if the header would not fit, as NumPy), C order,
 *       little-endian, descr {@code <f4 <f8 <i4 <i8 |b1}, NumPy's spare spaces for growing the
 *       first axis in place.</li>
 *   <li>Reading accepts versions 1.0, 2.0 and 3.0, either byte order, C and Fortran order (a
 *       Fortran-order file is returned as a contiguous row-major tensor), and besides the five
 *       bitspike dtypes {@code u1 i1 i2 u2} (into INT32), {@code u4} (into INT64) and {@code f2}
 *       (into FLOAT32). Other dtypes ({@code u8}, complex, structured, object) are refused by name.</li>
 *   <li>Reading does not require the 64-byte alignment (older NumPy aligned to 16), but the data
 *       must be exactly the declared size: missing or trailing bytes are errors.</li>
 * </ul>
 *
 * <pre>{@code
 * Npy.write(path, Tensor.arange(0, 6, 1).reshape(2, 3));   // numpy.load(path) -> int64 (2, 3)
 * Tensor back = Npy.read(path);
 * }</pre>
 */
public final class Npy {
    /** The largest header accepted (NumPy itself refuses more than 10,000 characters by default). */
    public static final int MAX_HEADER_BYTES = 1 << 20;

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ALIGN = 64;

    private Npy() {
    }

    /**
     * Saves {@code tensor} to {@code file} atomically (the previous file is replaced only once the
     * new one is completely on disk). Any view may be given; its logical row-major elements are
     * written. The tensor is not modified.
     *
     * @throws IOException when the file cannot be written (the previous file is intact)
     */
    public static void write(Path file, Tensor tensor) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(tensor, "tensor");
        byte[] prefix = prefix(tensor);
        AtomicFiles.write(file, out -> {
            writeFully(out, ByteBuffer.wrap(prefix));
            ElementFormat.write(tensor, out);
        });
    }

    /** Magic, version, header length and padded header for {@code tensor}, as NumPy writes them. */
    static byte[] prefix(Tensor tensor) {
        byte[] dict = NpyHeader.format(ElementFormat.of(tensor.dtype()), tensor.shape())
                .getBytes(StandardCharsets.ISO_8859_1);
        // NOTE: NumPy's rule: header + padding + '\n' ends on a 64-byte boundary, with 1..64 spaces
        // (a header that is already aligned still gets 64); version 2.0 only when 1.0's uint16 overflows.
        int v1Total = paddedLength(MAGIC.length + 2 + 2, dict.length);
        boolean v1 = v1Total - (MAGIC.length + 2 + 2) <= 0xFFFF;
        int lengthBytes = v1 ? 2 : 4;
        int total = paddedLength(MAGIC.length + 2 + lengthBytes, dict.length);
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) (v1 ? 1 : 2)).put((byte) 0);
        int headerLength = total - (MAGIC.length + 2 + lengthBytes);
        if (v1) {
            b.putShort((short) headerLength);
        } else {
            b.putInt(headerLength);
        }
        b.put(dict);
        while (b.position() < total - 1) {
            b.put((byte) ' ');
        }
        return b.put((byte) '\n').array();
    }

    private static int paddedLength(int fixed, int dictLength) {
        int unpadded = fixed + dictLength + 1;
        return unpadded + (ALIGN - unpadded % ALIGN);
    }

    /**
     * Loads the array in {@code file} as a fresh contiguous tensor (dtypes as listed in the class
     * comment).
     *
     * @throws CheckpointFormatException when the file is not a valid {@code .npy} file: the message
     *                                   names the file, the header field or offset, and what was
     *                                   expected
     * @throws IOException               when the file cannot be read
     */
    public static Tensor read(Path file) throws IOException {
        try (SeekableByteChannel channel = Files.newByteChannel(file)) {
            return read(channel, file.toString());
        }
    }

    /** {@link #read(Path)} from an open channel; {@code source} names it in error messages. */
    static Tensor read(SeekableByteChannel channel, String source) throws IOException {
        FileInput in = new FileInput(channel, source);
        if (in.size() < MAGIC.length + 2 + 2) {
            throw in.error("", "file is %d bytes long, too short for an .npy preamble (10 bytes)", in.size());
        }
        ByteBuffer start = in.readFully(0, ByteBuffer.allocate(MAGIC.length + 2), "the magic string and version");
        byte[] magic = new byte[MAGIC.length];
        start.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw in.error("", "not an .npy file: expected the magic string \\x93NUMPY, found %s", hex(magic));
        }
        int major = start.get() & 0xFF;
        int minor = start.get() & 0xFF;
        if (minor != 0 || major < 1 || major > 3) {
            throw in.error("", "unsupported .npy version %d.%d (expected 1.0, 2.0 or 3.0)", major, minor);
        }
        int lengthBytes = major == 1 ? 2 : 4;
        if (in.size() < MAGIC.length + 2 + lengthBytes) {
            throw in.error("", "file is %d bytes long, too short for a version %d.0 preamble", in.size(), major);
        }
        ByteBuffer lengthField = in.readFully(MAGIC.length + 2, ByteBuffer.allocate(lengthBytes)
                .order(ByteOrder.LITTLE_ENDIAN), "the header length");
        long headerLength = major == 1 ? lengthField.getShort() & 0xFFFF : lengthField.getInt() & 0xFFFF_FFFFL;
        long headerStart = MAGIC.length + 2 + lengthBytes;
        if (headerLength > MAX_HEADER_BYTES) {
            throw in.error("", "header length %d is larger than the %d-byte limit", headerLength, MAX_HEADER_BYTES);
        }
        if (headerStart + headerLength > in.size()) {
            throw in.error("", "header length %d runs past the end of the file (%d bytes)", headerLength, in.size());
        }
        ByteBuffer headerBytes = in.readFully(headerStart, ByteBuffer.allocate((int) headerLength), "the header");
        String text;
        try {
            text = NpyHeader.charset(major).newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(headerBytes).toString();
        } catch (CharacterCodingException e) {
            throw in.error("header", "not valid UTF-8 at file offset %d", headerStart + headerBytes.position());
        }
        NpyHeader.Parsed h = NpyHeader.parse(in, text);
        long numel = ShapeLimits.numel(h.shape());
        if (numel < 0) {
            throw in.error("header", "shape %s has more than %d elements (a tensor's limit)", h.shape(), Integer.MAX_VALUE);
        }
        long dataStart = headerStart + headerLength;
        long needed = numel * h.descr().format().byteSize();
        long available = in.size() - dataStart;
        if (available != needed) {
            throw in.error("data", "%s: shape %s of '%s' needs %d bytes after the header, the file has %d",
                    available < needed ? "truncated" : (available - needed) + " trailing bytes", h.shape(),
                    h.descr().text(), needed, available);
        }
        if (!h.fortranOrder()) {
            return h.descr().format().read(in, dataStart, h.shape(), (int) numel, h.descr().order(), "data");
        }
        // Fortran order is row-major order of the reversed shape: read that, then reverse the axes.
        int rank = h.shape().length;
        int[] reversed = new int[rank];
        int[] order = new int[rank];
        for (int d = 0; d < rank; d++) {
            reversed[d] = h.shape()[rank - 1 - d];
            order[d] = rank - 1 - d;
        }
        Tensor t = h.descr().format().read(in, dataStart, reversed, (int) numel, h.descr().order(), "data");
        return t.permute(order).contiguous();
    }

    private static String hex(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (byte b : bytes) {
            s.append(s.length() == 0 ? "" : " ").append(String.format("%02x", b & 0xFF));
        }
        return s.toString();
    }

    private static void writeFully(WritableByteChannel out, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            out.write(b);
        }
    }
}
