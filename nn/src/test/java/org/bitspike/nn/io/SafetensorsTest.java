package org.bitspike.nn.io;

import static org.bitspike.nn.io.IoSamples.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import org.bitspike.nn.io.IoSamples.Sample;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.Tensor;

/** Writing and reading safetensors files: golden bytes, round trips in every layout, widening reads. */
class SafetensorsTest {
    private static Path dir;

    @BeforeContainer
    static void createDir() {
        dir = IoSamples.tempDir();
    }

    @AfterContainer
    static void deleteDir() {
        IoSamples.deleteRecursively(dir);
    }

    // ---------------------------------------------------------------- golden bytes

    /**
     * A hand-computed file. Tensors n (INT64 scalar 258), a (FLOAT32 [1, -2]) and b (BOOL
     * [true, false]), metadata format=pt. Order: I64 before F32 before BOOL (largest alignment
     * first). The header is 194 bytes of JSON (31 for the metadata, 52 + 54 + 56 for the tensors
     * with their leading commas, 1 for the closing brace), padded with 6 spaces to 200 = 0xc8. The
     * data: 258 = 0x0102 as 8 little-endian bytes, 1.0f = 0x3f800000, -2.0f = 0xc0000000, then
     * the bytes 1 and 0.
     */
    @Example
    void handComputedFile() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("b", Tensor.of(new boolean[] {true, false}));
        tensors.put("a", Tensor.of(new float[] {1, -2}));
        tensors.put("n", Tensor.scalar(DType.INT64, 258));
        Path file = dir.resolve("golden.safetensors");
        Safetensors.write(file, tensors, Map.of("format", "pt"));

        String json = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"n\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]},"
                + "\"b\":{\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[16,18]}}";
        assertEquals(194, json.length());
        byte[] expected = IoSamples.concat(
                hex("c8 00 00 00 00 00 00 00"),
                json.getBytes(StandardCharsets.US_ASCII),
                "      ".getBytes(StandardCharsets.US_ASCII),
                hex("02 01 00 00 00 00 00 00"),
                hex("00 00 80 3f  00 00 00 c0"),
                hex("01 00"));
        assertArrayEquals(expected, Files.readAllBytes(file));

        Checkpoint back = Safetensors.read(file);
        assertEquals(List.of("n", "a", "b"), new ArrayList<>(back.tensors().keySet()));
        assertEquals(Map.of("format", "pt"), back.metadata());
        assertEquals(258, back.tensor("n").getLong());
        assertEquals(0, back.tensor("n").dim());
        assertTrue(back.tensor("a").contentEquals(Tensor.of(new float[] {1, -2})));
        assertTrue(back.tensor("b").contentEquals(Tensor.of(new boolean[] {true, false})));
    }

    /**
     * The reference implementation's own serialization tests (safetensors/src/tensor.rs,
     * {@code test_serialization}, {@code test_serialization_forced_alignement}, {@code test_empty}):
     * F32 [1, 2, 3] holding 0..5 under "attn.0" has a header of exactly 64 bytes (no padding);
     * under "attn0" with shape [1, 1, 2, 3] it is 65 bytes, padded with 7 spaces to 72; an empty
     * file is {@code {}} plus 6 spaces; with metadata framework=pt, 35 bytes plus 5 spaces.
     */
    @Example
    void referenceImplementationTestVectors() throws IOException {
        Tensor values = Tensor.arange(0.0, 6.0, 1.0);
        byte[] data = hex("00000000 0000803f 00000040 00004040 00008040 0000a040"); // 0.0f .. 5.0f
        assertBytes(IoSamples.concat(hex("40 00 00 00 00 00 00 00"),
                ascii("{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}"), data),
                Map.of("attn.0", values.reshape(1, 2, 3)), Map.of());
        assertBytes(IoSamples.concat(hex("48 00 00 00 00 00 00 00"),
                ascii("{\"attn0\":{\"dtype\":\"F32\",\"shape\":[1,1,2,3],\"data_offsets\":[0,24]}}       "), data),
                Map.of("attn0", values.reshape(1, 1, 2, 3)), Map.of());
        assertBytes(IoSamples.concat(hex("08 00 00 00 00 00 00 00"), ascii("{}      ")), Map.of(), Map.of());
        assertBytes(IoSamples.concat(hex("28 00 00 00 00 00 00 00"),
                ascii("{\"__metadata__\":{\"framework\":\"pt\"}}     ")), Map.of(), Map.of("framework", "pt"));
    }

    private static void assertBytes(byte[] expected, Map<String, Tensor> tensors, Map<String, String> metadata)
            throws IOException {
        Path file = dir.resolve("vector.safetensors");
        Safetensors.write(file, tensors, metadata);
        assertArrayEquals(expected, Files.readAllBytes(file));
        Checkpoint back = Safetensors.read(file);
        assertEquals(metadata, back.metadata());
        assertEquals(tensors.keySet(), back.tensors().keySet());
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Names and metadata are JSON-escaped as serde_json escapes them: only quote, backslash and controls. */
    @Example
    void escapesLikeTheReference() throws IOException {
        Path file = dir.resolve("escape.safetensors");
        Map<String, Tensor> tensors = Map.of("q\"\\\n\u0001/é", Tensor.zeros(0));
        Safetensors.write(file, tensors, Map.of());
        String header = new String(Files.readAllBytes(file), 8, 72, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{\"q\\\"\\\\\\n\\u0001/é\":{\"dtype\":\"F32\",\"shape\":[0],"), header);
        assertEquals(tensors.keySet(), Safetensors.read(file).tensors().keySet());
    }

    // ---------------------------------------------------------------- round trips

    @Provide
    Arbitrary<List<Sample>> sampleLists() {
        return IoSamples.samples().list().ofMaxSize(5);
    }

    /**
     * Any tensors in any layout, under any names, with any metadata, come back equal (bit-exact,
     * NaN and -0.0 included), in the reference order, from a header padded to 8 bytes; writing
     * twice gives the same bytes.
     */
    @Property(seed = IoSamples.SEED, tries = 300)
    void roundTrip(@ForAll("sampleLists") List<Sample> samples,
            @ForAll("nameLists") List<String> names,
            @ForAll("metadata") Map<String, String> metadata) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, Tensor> logical = new LinkedHashMap<>();
        for (int i = 0; i < Math.min(samples.size(), names.size()); i++) {
            tensors.put(names.get(i), samples.get(i).tensor());
            logical.put(names.get(i), samples.get(i).logical());
        }
        Path file = dir.resolve("roundtrip.safetensors");
        Safetensors.write(file, tensors, metadata);
        byte[] bytes = Files.readAllBytes(file);
        Checkpoint back = Safetensors.read(file);

        assertEquals(metadata, back.metadata());
        assertEquals(logical.keySet(), back.tensors().keySet());
        logical.forEach((name, t) -> assertTrue(back.tensor(name).contentEquals(t),
                name + ": wrote " + t + ", read " + back.tensor(name)));
        long headerLength = java.nio.ByteBuffer.wrap(bytes, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLength % 8);
        List<String> order = new ArrayList<>(back.tensors().keySet());
        for (int i = 1; i < order.size(); i++) {
            Tensor a = back.tensor(order.get(i - 1));
            Tensor b = back.tensor(order.get(i));
            int byDtype = Integer.compare(rank(b.dtype()), rank(a.dtype()));
            assertTrue(byDtype < 0 || byDtype == 0
                    && SafetensorsHeader.compareUtf8(order.get(i - 1), order.get(i)) < 0, order.toString());
        }
        Safetensors.write(file, tensors, metadata);
        assertArrayEquals(bytes, Files.readAllBytes(file));
    }

    private static int rank(DType d) {
        return List.of(DType.BOOL, DType.INT32, DType.FLOAT32, DType.FLOAT64, DType.INT64).indexOf(d);
    }

    @Provide
    Arbitrary<List<String>> nameLists() {
        return IoSamples.names().filter(n -> !n.equals(SafetensorsHeader.METADATA)).list().uniqueElements().ofMaxSize(5);
    }

    @Provide
    Arbitrary<Map<String, String>> metadata() {
        return Arbitraries.maps(IoSamples.names(), IoSamples.names()).ofMaxSize(3);
    }

    /** Tensors too large for one 1 MiB I/O chunk are written and read in several. */
    @Example
    void tensorsLargerThanOneChunk() throws IOException {
        Tensor big = IoSamples.random(DType.FLOAT64, new int[] {300, 1000}, 7).transpose(0, 1);
        Tensor bits = IoSamples.random(DType.BOOL, new int[] {1 << 21}, 8);
        Path file = dir.resolve("big.safetensors");
        Safetensors.write(file, Map.of("big", big, "bits", bits));
        Checkpoint back = Safetensors.read(file);
        assertTrue(back.tensor("big").contentEquals(big));
        assertTrue(back.tensor("bits").contentEquals(bits));
    }

    // ---------------------------------------------------------------- widening reads

    /** Dtypes bitspike has no type for are widened exactly; hand-encoded values. */
    @Example
    void widensOtherDtypes() throws IOException {
        byte[] file = IoSamples.safetensors("{"
                + "\"u8\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]},"
                + "\"i8\":{\"dtype\":\"I8\",\"shape\":[2],\"data_offsets\":[2,4]},"
                + "\"i16\":{\"dtype\":\"I16\",\"shape\":[2],\"data_offsets\":[4,8]},"
                + "\"u16\":{\"dtype\":\"U16\",\"shape\":[1],\"data_offsets\":[8,10]},"
                + "\"u32\":{\"dtype\":\"U32\",\"shape\":[1],\"data_offsets\":[10,14]},"
                + "\"f16\":{\"dtype\":\"F16\",\"shape\":[6],\"data_offsets\":[14,26]},"
                + "\"bf16\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[26,30]}}",
                hex("00 ff" + "80 7f" + "00 80 ff 7f" + "ff ff" + "ff ff ff ff"
                        // F16: 1.0 = 3c00, -2.0 = c000, 65504 = 7bff, 2^-24 = 0001, -0.0 = 8000, inf = 7c00
                        + "00 3c 00 c0 ff 7b 01 00 00 80 00 7c"
                        // BF16: 1.0 = 3f80, -3.140625 = c049
                        + "80 3f 49 c0"));
        Checkpoint c = IoSamples.readSafetensors(file);
        assertTrue(c.tensor("u8").contentEquals(Tensor.of(new int[] {0, 255})));
        assertTrue(c.tensor("i8").contentEquals(Tensor.of(new int[] {-128, 127})));
        assertTrue(c.tensor("i16").contentEquals(Tensor.of(new int[] {-32768, 32767})));
        assertTrue(c.tensor("u16").contentEquals(Tensor.of(new int[] {65535})));
        assertTrue(c.tensor("u32").contentEquals(Tensor.of(new long[] {4294967295L})));
        assertTrue(c.tensor("f16").contentEquals(Tensor.of(new float[] {1, -2, 65504, 0x1p-24f, -0.0f,
            Float.POSITIVE_INFINITY})));
        assertTrue(c.tensor("bf16").contentEquals(Tensor.of(new float[] {1, -3.140625f})));
    }

    /** Every one of the 65536 half-precision values converts as Java 20's Float.float16ToFloat would. */
    @Example
    void halfToFloatIsExactForEveryValue() {
        for (int h = 0; h < 1 << 16; h++) {
            float f = ElementFormat.halfToFloat(h);
            int sign = h >>> 15;
            int exponent = (h >>> 10) & 0x1f;
            int mantissa = h & 0x3ff;
            double expected = exponent == 0 ? mantissa * Math.pow(2, -24)
                    : exponent == 31 ? (mantissa == 0 ? Double.POSITIVE_INFINITY : Double.NaN)
                    : (1 + mantissa / 1024.0) * Math.pow(2, exponent - 15);
            expected = sign == 1 ? -expected : expected;
            assertEquals(expected, (double) f, "half 0x" + Integer.toHexString(h));
        }
    }

    // ---------------------------------------------------------------- saving safely

    @Example
    void refusesReservedAndInvalidNames() throws IOException {
        Path file = dir.resolve("refused.safetensors");
        Safetensors.write(file, Map.of("w", Tensor.ones(2)));
        byte[] before = Files.readAllBytes(file);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Safetensors.write(file, Map.of("__metadata__", Tensor.ones(1))));
        assertTrue(e.getMessage().contains("__metadata__"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Safetensors.write(file, Map.of("bad\ud800", Tensor.ones(1))));
        assertTrue(e.getMessage().contains("surrogate"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Safetensors.write(file, Map.of(), Map.of("k", "\udc00")));
        assertTrue(e.getMessage().contains("metadata value of 'k'"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file));
        assertEquals(List.of("refused.safetensors"), IoSamples.list(dir).stream()
                .filter(n -> n.contains("refused")).toList());
    }

    @Example
    void overwritesAndLeavesNoTemporaryFiles() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("overwrite"));
        Path file = sub.resolve("model.safetensors");
        Safetensors.write(file, Map.of("w", Tensor.ones(3)));
        Safetensors.write(file, Map.of("w", Tensor.zeros(2)), Map.of("epoch", "2"));
        Checkpoint back = Safetensors.read(file);
        assertTrue(back.tensor("w").contentEquals(Tensor.zeros(2)));
        assertEquals(List.of("model.safetensors"), IoSamples.list(sub));
        assertFalse(back.tensors().isEmpty());
    }

    @Example
    void checkpointNamesMissingTensors() {
        Checkpoint c = new Checkpoint(Map.of("a", Tensor.ones(1)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.tensor("b"));
        assertTrue(e.getMessage().contains("'b'") && e.getMessage().contains("[a]"), e.getMessage());
    }
}
