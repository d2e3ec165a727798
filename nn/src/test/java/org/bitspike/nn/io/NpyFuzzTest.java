package org.bitspike.nn.io;

import static org.bitspike.nn.io.IoSamples.expectBadFile;
import static org.bitspike.nn.io.IoSamples.readNpy;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import org.bitspike.tensor.Tensor;

/**
 * Fuzzing the .npy reader as the safetensors one: every outcome is a tensor or a
 * {@link CheckpointFormatException} naming the file.
 */
class NpyFuzzTest {
    /** A valid file (FLOAT64 [2, 3]) as written by {@link Npy#prefix} plus its data. */
    static final byte[] VALID = IoSamples.concat(Npy.prefix(Tensor.zeros(org.bitspike.tensor.DType.FLOAT64, 2, 3)),
            new byte[48]);

    static boolean readOrReject(byte[] bytes) throws IOException {
        try {
            Tensor t = readNpy(bytes);
            assertTrue((long) t.numel() * t.dtype().byteSize() <= 4L * bytes.length, "decoded more than the file holds");
            return true;
        } catch (CheckpointFormatException e) {
            assertTrue(e.getMessage().startsWith(IoSamples.SOURCE + ": "), e.getMessage());
            return false;
        }
    }

    @Property(seed = IoSamples.SEED, tries = 1000)
    void randomBytes(@ForAll @Size(max = 200) byte[] bytes) throws IOException {
        readOrReject(bytes);
    }

    /** Random bytes behind a valid magic, version and header length. */
    @Property(seed = IoSamples.SEED, tries = 1000)
    void randomHeaders(@ForAll @Size(max = 200) byte[] body, @ForAll @IntRange(min = 1, max = 3) int major) throws IOException {
        readOrReject(NpyTest.npy(major, new String(body, StandardCharsets.ISO_8859_1)));
    }

    @Provide
    Arbitrary<String> dictish() {
        return Arbitraries.of("{", "}", "(", ")", ":", ",", " ", "'descr'", "'shape'", "'fortran_order'", "'<f4'",
                "'|b1'", "'>i2'", "'<u8'", "True", "False", "0", "1", "2", "3", "10", "-1", "2147483648", "'", "\"",
                "\n", "[", "]").list().ofMaxSize(30).map(tokens -> String.join("", tokens));
    }

    @Property(seed = IoSamples.SEED, tries = 2000)
    void grammarShapedHeaders(@ForAll("dictish") String dict, @ForAll @Size(max = 24) byte[] data) throws IOException {
        readOrReject(NpyTest.npy(dict, data));
        readOrReject(NpyTest.npy("{'descr': '<i2', " + dict, data));
    }

    @Example
    void everyTruncationIsRejected() {
        for (int length = 0; length < VALID.length; length++) {
            byte[] prefix = Arrays.copyOf(VALID, length);
            expectBadFile(() -> readNpy(prefix));
        }
    }

    @Property(seed = IoSamples.SEED, tries = 2000)
    void singleByteCorruptions(@ForAll @IntRange(max = 127) int at, @ForAll byte value) throws IOException {
        byte[] bytes = VALID.clone();
        bytes[at] = value;
        readOrReject(bytes);
    }

    @Example
    void everyHeaderByteCorruptedSystematically() throws IOException {
        byte[] values = " {}()':,0129-<>|\"TFx\n".getBytes(StandardCharsets.US_ASCII);
        int valid = 0;
        for (int at = 0; at < 128; at++) {
            for (byte v : values) {
                byte[] bytes = VALID.clone();
                bytes[at] = v;
                valid += readOrReject(bytes) ? 1 : 0;
            }
            for (byte v : new byte[] {0, (byte) 0x80, (byte) 0xff}) {
                byte[] bytes = VALID.clone();
                bytes[at] = v;
                valid += readOrReject(bytes) ? 1 : 0;
            }
        }
        assertTrue(valid > 0, "padding changes stay valid");
    }
}
