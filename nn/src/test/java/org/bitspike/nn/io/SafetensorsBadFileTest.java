package org.bitspike.nn.io;

import static org.bitspike.nn.io.IoSamples.expectBadFile;
import static org.bitspike.nn.io.IoSamples.hex;
import static org.bitspike.nn.io.IoSamples.readSafetensors;
import static org.bitspike.nn.io.IoSamples.safetensors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import net.jqwik.api.Example;

/**
 * Every way a safetensors file can be wrong is a {@link CheckpointFormatException} that names the
 * file, the tensor or field, and what was expected versus found.
 */
class SafetensorsBadFileTest {
    private static final byte[] EIGHT = new byte[8];

    /** {@code {"a": <tensor>}} followed by {@code data}. */
    private static byte[] one(String tensor, byte... data) {
        return safetensors("{\"a\":" + tensor + "}", data);
    }

    private static final String A = "{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";

    @Example
    void validBaseline() throws IOException {
        assertEquals(2, readSafetensors(one(A, EIGHT)).tensor("a").numel());
    }

    @Example
    void headerLength() {
        expectBadFile(() -> readSafetensors(hex("01 02 03")), "3 bytes long", "8-byte header length");
        expectBadFile(() -> readSafetensors(hex("ff ff ff ff ff ff ff 7f 7b 7d")),
                "header length 9223372036854775807", "100000000-byte limit");
        expectBadFile(() -> readSafetensors(hex("ff ff ff ff ff ff ff ff 7b 7d")), "18446744073709551615");
        expectBadFile(() -> readSafetensors(hex("00 e1 f5 05 00 00 00 00 7b 7d")), // 100,000,000: allowed, but...
                "header length 100000000 runs past the end of the file (10 bytes)");
        expectBadFile(() -> readSafetensors(hex("03 00 00 00 00 00 00 00 7b 7d")), "header length 3 runs past");
    }

    @Example
    void headerIsNotJsonOrNotAnObject() {
        expectBadFile(() -> readSafetensors(safetensors("")), "header: not valid JSON");
        expectBadFile(() -> readSafetensors(safetensors("{\"a\":")), "header: not valid JSON");
        expectBadFile(() -> readSafetensors(safetensors("{'a':1}")), "header: not valid JSON");
        expectBadFile(() -> readSafetensors(safetensors("[1, 2]")), "header: expected a JSON object, found an array");
        expectBadFile(() -> readSafetensors(safetensors("\"x\"")), "expected a JSON object, found a string");
        expectBadFile(() -> readSafetensors(safetensors("{} {}")), "header");
        expectBadFile(() -> readSafetensors(IoSamples.concat(hex("04 00 00 00 00 00 00 00"), hex("7b 22 ff 7d"))),
                "header: not valid UTF-8 at file offset 10");
    }

    @Example
    void tensorEntryFields() {
        expectBadFile(() -> readSafetensors(one("5")), "tensor 'a': expected an object with dtype, shape and"
                + " data_offsets, found a number");
        expectBadFile(() -> readSafetensors(one("{\"dtype\":\"F32\",\"data_offsets\":[0,0]}")),
                "tensor 'a': missing field 'shape'");
        expectBadFile(() -> readSafetensors(one("{\"dtype\":\"F32\",\"shape\":[]}")), "missing field 'data_offsets'");
        expectBadFile(() -> readSafetensors(one("{\"shape\":[],\"data_offsets\":[0,4]}")), "missing field 'dtype'");
        expectBadFile(() -> readSafetensors(one("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"x\":1}", EIGHT)),
                "tensor 'a': unexpected field 'x' (expected dtype, shape, data_offsets)");
        expectBadFile(() -> readSafetensors(one("{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[2],"
                + "\"data_offsets\":[0,8]}", EIGHT)), "field 'dtype' appears twice");
    }

    @Example
    void dtypes() {
        expectBadFile(() -> readSafetensors(one("{\"dtype\":\"F33\",\"shape\":[],\"data_offsets\":[0,4]}")),
                "tensor 'a': unsupported dtype 'F33' (bitspike reads [BOOL, U8, I8, I16, U16, I32, U32, I64, F16,"
                + " BF16, F32, F64])");
        expectBadFile(() -> readSafetensors(one("{\"dtype\":\"F8_E4M3\",\"shape\":[],\"data_offsets\":[0,1]}")),
                "unsupported dtype 'F8_E4M3'");
        expectBadFile(() -> readSafetensors(one("{\"dtype\":\"U64\",\"shape\":[],\"data_offsets\":[0,8]}")),
                "unsupported dtype 'U64'");
        expectBadFile(() -> readSafetensors(one("{\"dtype\":4,\"shape\":[],\"data_offsets\":[0,4]}")),
                "tensor 'a': dtype: expected a string, found a number");
    }

    @Example
    void shapes() {
        expectBadFile(() -> readSafetensors(one("{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,0]}")),
                "tensor 'a': shape[0]: expected a non-negative integer, found -1");
        expectBadFile(() -> readSafetensors(one("{\"dtype\":\"F32\",\"shape\":[2.0],\"data_offsets\":[0,8]}", EIGHT)),
                "found 2.0");
        expectBadFile(() -> readSafetensors(one("{\"dtype\":\"F32\",\"shape\":[1,2e0],\"data_offsets\":[0,8]}", EIGHT)),
                "shape[1]: expected a non-negative integer, found 2e0");
        expectBadFile(() -> readSafetensors(one("{\"dtype\":\"F32\",\"shape\":[\"2\"],\"data_offsets\":[0,8]}")),
                "shape[0]: expected a non-negative integer, found a string");
        expectBadFile(() -> readSafetensors(one("{\"dtype\":\"F32\",\"shape\":2,\"data_offsets\":[0,8]}")),
                "tensor 'a': shape: expected an array of non-negative integers, found a number");
        expectBadFile(() -> readSafetensors(one("{\"dtype\":\"F32\",\"shape\":[3000000000],\"data_offsets\":[0,0]}")),
                "shape[0] is 3000000000, more than 2147483647");
        expectBadFile(() -> readSafetensors(one("{\"dtype\":\"F32\",\"shape\":[99999999999999999999],"
                + "\"data_offsets\":[0,0]}")), "99999999999999999999 is too large");
        expectBadFile(() -> readSafetensors(one("{\"dtype\":\"F32\",\"shape\":[65536,65536],\"data_offsets\":[0,0]}")),
                "shape [65536, 65536] has more than 2147483647 elements");
        String rank65 = "[" + "1,".repeat(64) + "1]";
        expectBadFile(() -> readSafetensors(one("{\"dtype\":\"F32\",\"shape\":" + rank65 + ",\"data_offsets\":[0,4]}")),
                "shape has more than 64 dimensions");
    }

    @Example
    void offsets() {
        expectBadFile(() -> readSafetensors(one("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}", EIGHT)),
                "tensor 'a': data_offsets [8, 0] are out of order");
        expectBadFile(() -> readSafetensors(one("{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}", EIGHT)),
                "data_offsets [0, 16] run past the end of the 8-byte data section");
        expectBadFile(() -> readSafetensors(one("{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}", EIGHT)),
                "tensor 'a': data_offsets [0, 8] span 8 bytes, but shape [3] of F32 needs 12");
        expectBadFile(() -> readSafetensors(one("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}", EIGHT)),
                "tensor 'a': data_offsets: expected 2 offsets [begin, end], found 1");
        expectBadFile(() -> readSafetensors(one("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8,8]}", EIGHT)),
                "found more");
        expectBadFile(() -> readSafetensors(one("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":{}}", EIGHT)),
                "data_offsets: expected an array [begin, end], found an object");
        expectBadFile(() -> readSafetensors(one("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,null]}", EIGHT)),
                "data_offsets[1]: expected a non-negative integer, found null");
    }

    @Example
    void tensorsMustTileTheDataSection() {
        String b = "{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[%d,%d]}";
        expectBadFile(() -> readSafetensors(safetensors("{\"a\":" + A + ",\"b\":" + String.format(b, 4, 12) + "}",
                new byte[12])), "tensor 'b': data_offsets [4, 12] overlap tensor 'a' at [0, 8]");
        expectBadFile(() -> readSafetensors(safetensors("{\"a\":" + A + ",\"b\":" + String.format(b, 0, 8) + "}",
                EIGHT)), "overlap");
        expectBadFile(() -> readSafetensors(safetensors("{\"a\":" + A + ",\"b\":" + String.format(b, 12, 20) + "}",
                new byte[20])), "tensor 'b': data_offsets [12, 20] leave a hole of 4 bytes after tensor 'a'"
                + " (expected the tensor to start at 8)");
        expectBadFile(() -> readSafetensors(one(String.format(b, 4, 12), new byte[12])),
                "hole of 4 bytes after the start of the data section");
        expectBadFile(() -> readSafetensors(one(A, new byte[12])),
                "4 trailing bytes: the tensors end at byte 8 of a 12-byte data section");
        expectBadFile(() -> readSafetensors(safetensors("{}", (byte) 0)), "1 trailing bytes");
    }

    @Example
    void duplicateNames() {
        expectBadFile(() -> readSafetensors(safetensors("{\"a\":" + A + ",\"a\":" + A + "}", EIGHT)),
                "header: key 'a' appears twice");
    }

    @Example
    void metadata() {
        expectBadFile(() -> readSafetensors(safetensors("{\"__metadata__\":[]}")),
                "__metadata__: expected an object of string values, found an array");
        expectBadFile(() -> readSafetensors(safetensors("{\"__metadata__\":{\"k\":1}}")),
                "__metadata__: value of 'k': expected a string, found a number");
        expectBadFile(() -> readSafetensors(safetensors("{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"}}")),
                "__metadata__: key 'k' appears twice");
        expectBadFile(() -> readSafetensors(safetensors("{\"__metadata__\":{},\"__metadata__\":{}}")),
                "key '__metadata__' appears twice");
        expectBadFile(() -> readSafetensors(safetensors("{\"__metadata__\":null}")), "found null");
    }

    @Example
    void boolBytesMustBeZeroOrOne() {
        expectBadFile(() -> readSafetensors(one("{\"dtype\":\"BOOL\",\"shape\":[3],\"data_offsets\":[0,3]}",
                hex("01 00 02"))), "tensor 'a': BOOL element 2 is byte 2, expected 0 or 1");
    }

    @Example
    void namesAreQuotedAndShortened() {
        String name = "x\n".repeat(80);
        CheckpointFormatException e = expectBadFile(() -> readSafetensors(safetensors(
                "{\"" + name.replace("\n", "\\n") + "\":5}")), "tensor 'x\\nx\\n", "...'");
        assertTrue(e.getMessage().length() < 400, e.getMessage());
    }

    @Example
    void messagesNameThePath() throws IOException {
        Path file = Files.createTempFile("bad", ".safetensors");
        try {
            Files.write(file, hex("01 02"));
            CheckpointFormatException e = org.junit.jupiter.api.Assertions.assertThrows(
                    CheckpointFormatException.class, () -> Safetensors.read(file));
            assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
            assertEquals(file.toString(), e.source());
        } finally {
            Files.delete(file);
        }
    }
}
