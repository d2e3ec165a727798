package org.bitspike.nn.io;

import static org.bitspike.nn.io.IoSamples.expectBadFile;
import static org.bitspike.nn.io.IoSamples.readNpy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import org.bitspike.nn.io.IoSamples.Sample;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.Tensor;

/** .npy round trips in every layout, the header layout rules, and every way a file can be wrong. */
class NpyTest {
    private static Path dir;

    @BeforeContainer
    static void createDir() {
        dir = IoSamples.tempDir();
    }

    @AfterContainer
    static void deleteDir() {
        IoSamples.deleteRecursively(dir);
    }

    /** Any tensor in any layout comes back equal and contiguous; the data starts 64-byte aligned. */
    @Property(seed = IoSamples.SEED, tries = 200)
    void roundTrip(@ForAll("samples") Sample sample) throws IOException {
        Path file = dir.resolve("x.npy");
        Npy.write(file, sample.tensor());
        Tensor back = Npy.read(file);
        assertTrue(back.contentEquals(sample.logical()), "read " + back);
        byte[] bytes = Files.readAllBytes(file);
        int headerLength = ByteBuffer.wrap(bytes, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xFFFF;
        assertEquals(0, (10 + headerLength) % 64);
        assertEquals('\n', bytes[10 + headerLength - 1]);
        assertEquals((long) sample.logical().numel() * sample.dtype().byteSize(), bytes.length - 10 - headerLength);
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<Sample> samples() {
        return IoSamples.samples();
    }

    /**
     * NumPy's header rules, hand-computed: "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"
     * is 59 characters, plus 20 spare spaces for growing the first axis (21 digits minus one for
     * "2"), plus the newline: 80; with the 10-byte preamble that is 90, padded with 38 more spaces
     * to 128, so the header length field is 118 (0x76), as in NumPy's own f4_2x3.npy.
     */
    @Example
    void headerLayoutByHand() {
        byte[] prefix = Npy.prefix(Tensor.zeros(2, 3));
        assertEquals(128, prefix.length);
        assertEquals(0x76, prefix[8]);
        String header = new String(prefix, 10, 118, StandardCharsets.ISO_8859_1);
        assertEquals("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }" + " ".repeat(20 + 38) + "\n", header);
        assertTrue(new String(Npy.prefix(Tensor.zeros(DType.INT64, 5)), StandardCharsets.ISO_8859_1)
                .contains("'shape': (5,), }"));
        assertTrue(new String(Npy.prefix(Tensor.scalar(DType.BOOL, 1)), StandardCharsets.ISO_8859_1)
                .contains("{'descr': '|b1', 'fortran_order': False, 'shape': (), }      "));
    }

    /** When the 60 + growth characters land exactly on the boundary NumPy still pads with a full 64. */
    @Example
    void alreadyAlignedHeadersGetAFullPad() {
        for (int rank = 0; rank <= 30; rank++) {
            int[] shape = new int[rank];
            java.util.Arrays.fill(shape, 1);
            byte[] prefix = Npy.prefix(Tensor.zeros(shape));
            assertEquals(0, prefix.length % 64);
            int end = prefix.length - 1;
            int spaces = 0;
            while (prefix[end - 1 - spaces] == ' ') {
                spaces++;
            }
            assertTrue(spaces >= 1, "rank " + rank);
        }
    }

    /** Huge ranks need more than 65535 header bytes only far beyond 64 dims: version 1.0 always. */
    @Example
    void version1ForEveryAllowedRank() {
        int[] shape = new int[ShapeLimits.MAX_RANK];
        java.util.Arrays.fill(shape, 1);
        assertEquals(1, Npy.prefix(Tensor.zeros(shape))[6]);
    }

    // ---------------------------------------------------------------- bad files

    /** A version-1.0 file with {@code dict} as header (padded with a newline) and {@code data}. */
    static byte[] npy(String dict, byte... data) {
        return npy(1, dict + "\n", data);
    }

    static byte[] npy(int major, String header, byte... data) {
        byte[] h = header.getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(10 + (major == 1 ? 0 : 2) + h.length + data.length)
                .order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        if (major == 1) {
            b.putShort((short) h.length);
        } else {
            b.putInt(h.length);
        }
        return b.put(h).put(data).array();
    }

    private static final String F4_2 = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";

    @Example
    void handMadeFilesRead() throws IOException {
        assertTrue(readNpy(npy(F4_2, new byte[8])).contentEquals(Tensor.zeros(2)));
        // another writer's spelling: double quotes, no spaces, no trailing comma, key order, 16-byte padding
        assertTrue(readNpy(npy("{\"shape\":(1,2),\"fortran_order\":True,\"descr\":\"<i8\"}  ",
                IoSamples.hex("0100000000000000 0200000000000000")))
                .contentEquals(Tensor.of(new long[] {1, 2}, 1, 2)));
        assertTrue(readNpy(npy(3, "{'descr': '<f8', 'fortran_order': False, 'shape': (), }\n",
                IoSamples.hex("000000000000f03f"))).contentEquals(Tensor.scalar(DType.FLOAT64, 1)));
        assertTrue(readNpy(npy("{'descr': '|u1', 'fortran_order': True, 'shape': (2, 0, 3), }"))
                .contentEquals(Tensor.zeros(DType.INT32, 2, 0, 3)));
    }

    /** Fortran order of rank 3, by hand: element [i, j, k] of shape (2, 3, 2) is at i + 2j + 6k. */
    @Example
    void fortranOrderRank3() throws IOException {
        byte[] data = new byte[12];
        for (int i = 0; i < 12; i++) {
            data[i] = (byte) i;
        }
        Tensor t = readNpy(npy("{'descr': '|u1', 'fortran_order': True, 'shape': (2, 3, 2), }", data));
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 2; k++) {
                    assertEquals(i + 2 * j + 6 * k, t.getLong(i, j, k));
                }
            }
        }
        assertTrue(t.isContiguous());
    }

    @Example
    void preamble() {
        expectBadFile(() -> readNpy(IoSamples.hex("93 4e 55")), "3 bytes long", "10 bytes");
        expectBadFile(() -> readNpy(IoSamples.hex("89 50 4e 47 0d 0a 1a 0a 00 00")),
                "not an .npy file: expected the magic string \\x93NUMPY, found 89 50 4e 47 0d 0a");
        expectBadFile(() -> readNpy(npy(4, "{}")), "unsupported .npy version 4.0 (expected 1.0, 2.0 or 3.0)");
        byte[] minor = npy(F4_2, new byte[8]);
        minor[7] = 1;
        expectBadFile(() -> readNpy(minor), "version 1.1");
        expectBadFile(() -> readNpy(java.util.Arrays.copyOf(npy(2, "{}"), 11)), "too short for a version 2.0 preamble");
        byte[] longHeader = npy(2, "{}");
        ByteBuffer.wrap(longHeader, 8, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(-1);
        expectBadFile(() -> readNpy(longHeader), "header length 4294967295 is larger than the 1048576-byte limit");
        byte[] pastEnd = npy(F4_2, new byte[8]);
        pastEnd[8] = (byte) 0xff;
        expectBadFile(() -> readNpy(pastEnd), "header length 255 runs past the end of the file");
        expectBadFile(() -> readNpy(npy(3, "{'descr': '<f4'\u00ff}").clone()), "header");
        byte[] badUtf8 = npy(3, "{}");
        badUtf8[12] = (byte) 0xc0;
        expectBadFile(() -> readNpy(badUtf8), "header: not valid UTF-8 at file offset 12");
    }

    @Example
    void headerDict() {
        expectBadFile(() -> readNpy(npy("")), "expected '{', found the end of the header");
        expectBadFile(() -> readNpy(npy("[]")), "header at character 0: expected '{', found '[]\\n'");
        expectBadFile(() -> readNpy(npy("{'descr': '<f4', 'fortran_order': False}")), "header: missing key 'shape'");
        expectBadFile(() -> readNpy(npy("{'shape': (), 'fortran_order': False}")), "missing key 'descr'");
        expectBadFile(() -> readNpy(npy("{'descr': '<f4', 'shape': ()}")), "missing key 'fortran_order'");
        expectBadFile(() -> readNpy(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (), 'x': 1}")),
                "unexpected key 'x' (expected 'descr', 'fortran_order', 'shape')");
        expectBadFile(() -> readNpy(npy("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': ()}")),
                "key 'descr' appears twice");
        expectBadFile(() -> readNpy(npy("{'descr': '<f4' 'fortran_order': False, 'shape': ()}")),
                "expected ',' or '}'");
        expectBadFile(() -> readNpy(npy(F4_2 + " x", new byte[8])), "unexpected 'x\\n' after the dict");
        expectBadFile(() -> readNpy(npy("{'descr: '<f4'}")), "expected ':'");
        expectBadFile(() -> readNpy(npy("{'descr': 'a\\'b'}")), "escapes and newlines are not allowed");
        expectBadFile(() -> readNpy(npy(1, "{'descr", new byte[0])), "unterminated string");
        expectBadFile(() -> readNpy(npy("{descr: 1}")), "expected a key in quotes, found 'descr: 1}");
    }

    @Example
    void headerValues() {
        expectBadFile(() -> readNpy(npy("{'descr': '<f4', 'fortran_order': 0, 'shape': ()}")),
                "fortran_order must be True or False, found '0, 'shape': ()}");
        expectBadFile(() -> readNpy(npy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': ()}")),
                "descr must be a string such as '<f4'", "structured dtypes are not supported");
        expectBadFile(() -> readNpy(npy("{'descr': '<u8', 'fortran_order': False, 'shape': ()}")),
                "unsupported descr '<u8'");
        expectBadFile(() -> readNpy(npy("{'descr': '=f4', 'fortran_order': False, 'shape': ()}")),
                "unsupported descr '=f4'");
        expectBadFile(() -> readNpy(npy("{'descr': '|f4', 'fortran_order': False, 'shape': ()}")),
                "unsupported descr '|f4'");
        expectBadFile(() -> readNpy(npy("{'descr': '', 'fortran_order': False, 'shape': ()}")),
                "unsupported descr ''");
        expectBadFile(() -> readNpy(npy("{'descr': 'O', 'fortran_order': False, 'shape': ()}")),
                "unsupported descr 'O'");
        expectBadFile(() -> readNpy(npy("{'descr': '<f4', 'fortran_order': False, 'shape': [2]}")),
                "shape must be a tuple such as (2, 3), found '[2]}");
        expectBadFile(() -> readNpy(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2)}")),
                "shape (2) is not a tuple; a one-dimensional shape is written (2,)");
        expectBadFile(() -> readNpy(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,)}")),
                "expected a non-negative integer in shape, found '-2,)}");
        expectBadFile(() -> readNpy(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (02,)}")),
                "found '02,)}");
        expectBadFile(() -> readNpy(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2 3)}")),
                "expected ',' or ')' in shape");
        expectBadFile(() -> readNpy(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,,)}")),
                "expected a non-negative integer in shape, found ',)}");
        expectBadFile(() -> readNpy(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2147483648,)}")),
                "shape size 2147483648 is larger than 2147483647");
        expectBadFile(() -> readNpy(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,)}")),
                "shape size 99999999999999999999");
        expectBadFile(() -> readNpy(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (65536, 65536)}")),
                "header: shape [65536, 65536] has more than 2147483647 elements");
        expectBadFile(() -> readNpy(npy("{'descr': '<f4', 'fortran_order': False, 'shape': ("
                + "1, ".repeat(65) + ")}")), "shape has more than 64 dimensions");
    }

    @Example
    void dataSize() {
        expectBadFile(() -> readNpy(npy(F4_2, new byte[7])),
                "data: truncated: shape [2] of '<f4' needs 8 bytes after the header, the file has 7");
        expectBadFile(() -> readNpy(npy(F4_2, new byte[9])), "data: 1 trailing bytes");
        expectBadFile(() -> readNpy(npy("{'descr': '|b1', 'fortran_order': False, 'shape': (2,), }",
                IoSamples.hex("01 ff"))), "data: BOOL element 1 is byte 255, expected 0 or 1");
    }

    @Example
    void overwritesAtomically() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("atomic"));
        Path file = sub.resolve("a.npy");
        Npy.write(file, Tensor.ones(3));
        Npy.write(file, Tensor.zeros(DType.INT64, 2, 2));
        assertTrue(Npy.read(file).contentEquals(Tensor.zeros(DType.INT64, 2, 2)));
        assertEquals(java.util.List.of("a.npy"), IoSamples.list(sub));
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(file));
    }
}
