package org.bitspike.nn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

import net.jqwik.api.Example;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import org.bitspike.tensor.DType;
import org.bitspike.tensor.Tensor;

/**
 * Compatibility with NumPy through golden files that NumPy 1.24 wrote
 * ({@code src/test/resources/org/bitspike/nn/io/npy/make_golden.py} regenerates them): every file
 * reads as the array the script saved, and for the C-order files of a bitspike dtype,
 * {@link Npy#write} produces the same bytes {@code numpy.save} did - so NumPy reads our files too.
 */
class NpyGoldenTest {
    private static Path dir;

    @BeforeContainer
    static void createDir() {
        dir = IoSamples.tempDir();
    }

    @AfterContainer
    static void deleteDir() {
        IoSamples.deleteRecursively(dir);
    }

    private static Path golden(String name) {
        try {
            return Path.of(NpyGoldenTest.class.getResource("npy/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads {@code name}, checks it equals {@code expected}, and checks our bytes equal NumPy's. */
    private static void readAndWriteMatch(String name, Tensor expected) throws IOException {
        Path file = golden(name);
        Tensor read = Npy.read(file);
        assertTrue(read.contentEquals(expected), name + ": read " + read + ", expected " + expected);
        Path ours = dir.resolve(name);
        Npy.write(ours, expected);
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(ours), name);
    }

    private static void readMatches(String name, Tensor expected) throws IOException {
        Tensor read = Npy.read(golden(name));
        assertTrue(read.contentEquals(expected), name + ": read " + read + ", expected " + expected);
        assertTrue(read.isContiguous());
    }

    @Example
    void bitspikeDtypesAreByteIdenticalToNumpy() throws IOException {
        readAndWriteMatch("f4_2x3.npy", Tensor.of(new float[] {-1.5f, -0.0f, 3.25f,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN}, 2, 3));
        readAndWriteMatch("f8_scalar.npy", Tensor.scalar(DType.FLOAT64, 3.141592653589793));
        readAndWriteMatch("i4_4.npy", Tensor.of(new int[] {Integer.MIN_VALUE, -1, 0, Integer.MAX_VALUE}));
        readAndWriteMatch("i8_2x2x1.npy", Tensor.of(new long[] {Long.MIN_VALUE, 1, (1L << 53) + 1, Long.MAX_VALUE},
                2, 2, 1));
        readAndWriteMatch("b1_5.npy", Tensor.of(new boolean[] {true, false, false, true, true}));
        readAndWriteMatch("f4_0x3.npy", Tensor.zeros(0, 3));
        readAndWriteMatch("f8_1x1x1x1x7.npy", Tensor.of(new double[] {0, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75},
                1, 1, 1, 1, 7));
    }

    @Example
    void numpyLayoutsWeDoNotWrite() throws IOException {
        // np.asfortranarray(np.arange(6).reshape(2, 3)): stored column-major, read back row-major
        readMatches("f4_fortran_2x3.npy", Tensor.of(new float[] {0, 1, 2, 3, 4, 5}, 2, 3));
        readMatches("f8_v2_3.npy", Tensor.of(new double[] {1, 2, 3}));
        readMatches("f8_bigendian_2x2.npy", Tensor.of(new double[] {1, -2, 0.25, 1e300}, 2, 2));
        readMatches("i4_bigendian_3.npy", Tensor.of(new int[] {1, -2, Integer.MAX_VALUE}));
    }

    @Example
    void numpyDtypesAreWidened() throws IOException {
        readMatches("u1_3.npy", Tensor.of(new int[] {0, 128, 255}));
        readMatches("i1_3.npy", Tensor.of(new int[] {-128, -1, 127}));
        readMatches("i2_3.npy", Tensor.of(new int[] {-32768, -1, 32767}));
        readMatches("u2_2.npy", Tensor.of(new int[] {0, 65535}));
        readMatches("u4_2.npy", Tensor.of(new long[] {0, 4294967295L}));
        readMatches("f2_5.npy", Tensor.of(new float[] {1, -2, 65504, 0x1p-24f, Float.POSITIVE_INFINITY}));
    }

    @Example
    void unsupportedNumpyDtypesAreRefusedByName() {
        CheckpointFormatException e = org.junit.jupiter.api.Assertions.assertThrows(CheckpointFormatException.class,
                () -> Npy.read(golden("u8_2.npy")));
        assertTrue(e.getMessage().contains("unsupported descr '<u8'"), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(CheckpointFormatException.class,
                () -> Npy.read(golden("c8_1.npy")));
        assertTrue(e.getMessage().contains("unsupported descr '<c8'"), e.getMessage());
        assertEquals(golden("c8_1.npy").toString(), e.source());
    }
}
