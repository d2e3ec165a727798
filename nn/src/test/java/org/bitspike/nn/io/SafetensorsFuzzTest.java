package org.bitspike.nn.io;

import static org.bitspike.nn.io.IoSamples.expectBadFile;
import static org.bitspike.nn.io.IoSamples.readSafetensors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import org.bitspike.tensor.DType;
import org.bitspike.tensor.Tensor;

/**
 * Fuzzing the safetensors reader: random bytes, grammar-shaped random headers, every truncation and
 * single-byte corruptions of a valid file. Every outcome is a checkpoint or a
 * {@link CheckpointFormatException} naming the file - never another exception, never an
 * allocation beyond the input's size.
 */
class SafetensorsFuzzTest {
    /** A valid file with every written dtype, a scalar, an empty tensor and metadata. */
    static final byte[] VALID = validFile();

    private static byte[] validFile() {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("w", Tensor.arange(0.0, 6.0, 1.0).reshape(2, 3));
        tensors.put("mask", Tensor.of(new boolean[] {true, false, true}));
        tensors.put("step", Tensor.scalar(DType.INT64, 12));
        tensors.put("empty", Tensor.zeros(DType.FLOAT64, 0, 4));
        tensors.put("idx", Tensor.of(new int[] {-1, 7}));
        try {
            Path file = Files.createTempFile("fuzz", ".safetensors");
            try {
                Safetensors.write(file, tensors, Map.of("epoch", "3", "note", "fuzz"));
                return Files.readAllBytes(file);
            } finally {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int headerEnd() {
        return 8 + (int) ByteBuffer.wrap(VALID, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /** Reads {@code bytes}: a checkpoint, or the documented exception; anything else fails the test. */
    static boolean readOrReject(byte[] bytes) throws IOException {
        try {
            Checkpoint c = readSafetensors(bytes);
            long total = 0;
            for (Tensor t : c.tensors().values()) {
                total += (long) t.numel() * t.dtype().byteSize();
            }
            assertTrue(total <= 4L * bytes.length, "decoded more than the file holds"); // widening is at most 4x
            return true;
        } catch (CheckpointFormatException e) {
            assertTrue(e.getMessage().startsWith(IoSamples.SOURCE + ": "), e.getMessage());
            return false;
        }
    }

    @Example
    void theBaseFileIsValid() throws IOException {
        Checkpoint c = readSafetensors(VALID);
        assertEquals(List.of("step", "empty", "w", "idx", "mask"), List.copyOf(c.tensors().keySet()));
    }

    @Property(seed = IoSamples.SEED, tries = 1000)
    void randomBytes(@ForAll @Size(max = 300) byte[] bytes) throws IOException {
        readOrReject(bytes);
    }

    /** Random bytes behind a header length that fits, so the JSON parser sees them. */
    @Property(seed = IoSamples.SEED, tries = 1000)
    void randomHeaders(@ForAll @Size(max = 300) byte[] body, @ForAll @IntRange(max = 300) int length)
            throws IOException {
        int n = Math.min(length, body.length);
        readOrReject(IoSamples.concat(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(n).array(), body));
    }

    @Provide
    Arbitrary<String> jsonish() {
        return Arbitraries.of("{", "}", "[", "]", ":", ",", "\"a\"", "\"b\"", "\"dtype\"", "\"shape\"",
                "\"data_offsets\"", "\"__metadata__\"", "\"F32\"", "\"BOOL\"", "\"I64\"", "\"F16\"", "\"U64\"", "0", "1",
                "2", "4", "8", "-1", "2.0", "1e3", "18446744073709551616", "null", "true", "\"x\"", " ", "\\u0000")
                .list().ofMaxSize(40).map(tokens -> String.join("", tokens));
    }

    /** Headers assembled from JSON tokens and field names: deep into the parser and the checks. */
    @Property(seed = IoSamples.SEED, tries = 2000)
    void grammarShapedHeaders(@ForAll("jsonish") String header, @ForAll @Size(max = 16) byte[] data)
            throws IOException {
        readOrReject(IoSamples.safetensors(header, data));
        readOrReject(IoSamples.safetensors("{\"a\":{" + header + "}}", data));
    }

    @Example
    void everyTruncationIsRejected() {
        for (int length = 0; length < VALID.length; length++) {
            byte[] prefix = java.util.Arrays.copyOf(VALID, length);
            expectBadFile(() -> readSafetensors(prefix));
        }
    }

    @Property(seed = IoSamples.SEED, tries = 2000)
    void singleByteCorruptions(@ForAll @IntRange(max = 1 << 20) int where, @ForAll byte value) throws IOException {
        byte[] bytes = VALID.clone();
        int at = where % headerEnd();
        bytes[at] = value;
        readOrReject(bytes);
    }

    /** Each header byte replaced by each byte that means something to JSON or to the checks. */
    @Example
    void everyHeaderByteCorruptedSystematically() throws IOException {
        byte[] values = " {}[]\":,0189-.eEtn\\x".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int valid = 0;
        for (int at = 0; at < headerEnd(); at++) {
            for (byte v : new byte[] {0, (byte) 0x80, (byte) 0xff, 0x7f}) {
                valid += corruptAndRead(at, v);
            }
            for (byte v : values) {
                valid += corruptAndRead(at, v);
            }
        }
        assertTrue(valid > 0, "some corruptions (inside names or metadata) stay valid");
    }

    private static int corruptAndRead(int at, byte value) throws IOException {
        byte[] bytes = VALID.clone();
        bytes[at] = value;
        return readOrReject(bytes) ? 1 : 0;
    }
}
