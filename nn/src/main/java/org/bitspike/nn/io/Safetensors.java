package org.bitspike.nn.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.bitspike.nn.io.SafetensorsHeader.Entry;
import org.bitspike.tensor.Tensor;

/**
 * Checkpoints in the <a href="https://github.com/huggingface/safetensors">safetensors</a> format:
 * an 8-byte little-endian header length {@code N}, {@code N} bytes of JSON header
 * {@code {"__metadata__": {"k": "v"}, "name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}, ...}},
 * then the data section: each tensor's elements, row-major, little-endian, at its offsets.
 *
 * <p>Format decisions:
 * <ul>
 *   <li>Written dtypes: {@code F32 F64 I32 I64 BOOL} (the five bitspike dtypes). Read besides:
 *       {@code U8 I8 I16 U16} into INT32, {@code U32} into INT64, {@code F16 BF16} into FLOAT32
 *       (exact widenings); other dtypes ({@code U64}, the FP8 kinds, ...) are refused by name.</li>
 *   <li>Order: tensors are written sorted as the reference implementation sorts them - by dtype
 *       alignment, largest first ({@code I64, F64, F32, I32, BOOL}), then by name (UTF-8 byte
 *       order) - so every tensor is aligned to its element size and the bytes equal
 *       {@code safetensors.torch.save_file}'s for the same tensors. Metadata is written sorted by
 *       key, and omitted when empty.</li>
 *   <li>The header is compact JSON padded with spaces to a multiple of 8 bytes.</li>
 *   <li>Reading is strict where the reference is lenient: duplicate keys, unknown fields, BOOL bytes
 *       other than 0 and 1 are errors. Header padding and key order are not checked.</li>
 * </ul>
 *
 * <pre>{@code
 * Safetensors.write(path, Map.of("w", Tensor.ones(2, 3)), Map.of("epoch", "7"));
 * Checkpoint c = Safetensors.read(path);
 * Tensor w = c.tensor("w");          // FLOAT32 [2, 3]
 * String epoch = c.metadata().get("epoch");
 * }</pre>
 */
public final class Safetensors {
    /** The largest header accepted, as the reference implementation's limit. */
    public static final long MAX_HEADER_BYTES = 100_000_000;

    private Safetensors() {
    }

    /**
     * Saves {@code tensors} and {@code metadata} to {@code file}, atomically: the previous file (if
     * any) is replaced only once the new one is completely on disk. Tensors may be any views
     * (strided, offset, expanded); their logical row-major elements are written. Nothing is modified.
     *
     * @throws IllegalArgumentException for a tensor called {@code "__metadata__"} or a name or
     *                                  metadata string that is not valid Unicode (an unpaired surrogate)
     * @throws IOException              when the file cannot be written (the previous file is intact)
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata)
            throws IOException {
        Objects.requireNonNull(file, "file");
        Checkpoint checkpoint = new Checkpoint(tensors, metadata); // copies, refuses nulls
        List<Map.Entry<String, Tensor>> sorted = new ArrayList<>(checkpoint.tensors().entrySet());
        for (Map.Entry<String, Tensor> e : sorted) {
            checkName("tensor name", e.getKey());
            if (e.getKey().equals(SafetensorsHeader.METADATA)) {
                throw new IllegalArgumentException("safetensors: a tensor cannot be called "
                        + SafetensorsHeader.METADATA + " (the metadata key)");
            }
        }
        checkpoint.metadata().forEach((k, v) -> {
            checkName("metadata key", k);
            checkName("metadata value of " + SafetensorsHeader.quote(k), v);
        });
        sorted.sort(Comparator.<Map.Entry<String, Tensor>>comparingInt(e -> -alignmentRank(e.getValue()))
                .thenComparing(Map.Entry::getKey, SafetensorsHeader::compareUtf8));
        List<Entry> entries = new ArrayList<>();
        long offset = 0;
        for (Map.Entry<String, Tensor> e : sorted) {
            Tensor t = e.getValue();
            ElementFormat f = ElementFormat.of(t.dtype());
            long end = offset + (long) t.numel() * f.byteSize();
            entries.add(new Entry(e.getKey(), f, t.shape(), t.numel(), offset, end));
            offset = end;
        }
        byte[] header = SafetensorsHeader.format(entries, checkpoint.metadata());
        AtomicFiles.write(file, out -> {
            ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip();
            writeFully(out, length);
            writeFully(out, ByteBuffer.wrap(header));
            for (Map.Entry<String, Tensor> e : sorted) {
                ElementFormat.write(e.getValue(), out);
            }
        });
    }

    /** Saves {@code tensors} without metadata (see {@link #write(Path, Map, Map)}). */
    public static void write(Path file, Map<String, Tensor> tensors) throws IOException {
        write(file, tensors, Map.of());
    }

    /**
     * Loads every tensor and the metadata of {@code file}. The tensors iterate in file order (by
     * data offset) and are fresh contiguous tensors of the dtypes listed in the class comment.
     *
     * @throws CheckpointFormatException when the file is not a valid safetensors file: the message
     *                                   names the file, the tensor or field, and what was expected
     * @throws IOException               when the file cannot be read
     */
    public static Checkpoint read(Path file) throws IOException {
        try (SeekableByteChannel channel = Files.newByteChannel(file)) {
            return read(channel, file.toString());
        }
    }

    /** {@link #read(Path)} from an open channel; {@code source} names it in error messages. */
    static Checkpoint read(SeekableByteChannel channel, String source) throws IOException {
        FileInput in = new FileInput(channel, source);
        if (in.size() < 8) {
            throw in.error("", "file is %d bytes long, too short for the 8-byte header length", in.size());
        }
        long n = in.readFully(0, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN), "the header length").getLong();
        if (n < 0 || n > MAX_HEADER_BYTES) {
            throw in.error("", "header length %s is larger than the %d-byte limit", Long.toUnsignedString(n),
                    MAX_HEADER_BYTES);
        }
        if (n > in.size() - 8) {
            throw in.error("", "header length %d runs past the end of the file (%d bytes)", n, in.size());
        }
        ByteBuffer bytes = in.readFully(8, ByteBuffer.allocate((int) n), "the header");
        String json = decodeUtf8(in, bytes);
        long dataStart = 8 + n;
        SafetensorsHeader.Parsed header = SafetensorsHeader.parse(in, json, in.size() - dataStart);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Entry e : header.entries()) {
            tensors.put(e.name(), e.format().read(in, dataStart + e.begin(), e.shape(), e.numel(),
                    ByteOrder.LITTLE_ENDIAN, "tensor " + SafetensorsHeader.quote(e.name())));
        }
        return new Checkpoint(tensors, header.metadata());
    }

    private static String decodeUtf8(FileInput in, ByteBuffer bytes) throws CheckpointFormatException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            return decoder.decode(bytes).toString();
        } catch (CharacterCodingException e) {
            // NOTE: the decoder leaves the buffer at the start of the bad sequence
            throw in.error("header", "not valid UTF-8 at file offset %d", 8 + bytes.position());
        }
    }

    /**
     * The reference implementation's dtype order (its enum lists dtypes by increasing alignment),
     * restricted to the dtypes written here.
     */
    private static int alignmentRank(Tensor t) {
        return switch (t.dtype()) {
            case BOOL -> 0;
            case INT32 -> 1;
            case FLOAT32 -> 2;
            case FLOAT64 -> 3;
            case INT64 -> 4;
        };
    }

    private static void checkName(String what, String s) {
        if (!StandardCharsets.UTF_8.newEncoder().canEncode(s)) {
            throw new IllegalArgumentException("safetensors: " + what + " " + SafetensorsHeader.quote(s)
                    + " is not valid Unicode (unpaired surrogate)");
        }
    }

    private static void writeFully(java.nio.channels.WritableByteChannel out, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            out.write(b);
        }
    }
}
