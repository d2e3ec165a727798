package org.bitspike.nn.data;

import static org.bitspike.nn.data.DataFiles.cifar;
import static org.bitspike.nn.data.DataFiles.concat;
import static org.bitspike.nn.data.DataFiles.gzip;
import static org.bitspike.nn.data.DataFiles.randomBytes;
import static org.bitspike.nn.data.IdxTest.expectError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CIFAR reader on small synthetic files: both label layouts, several files, and bad files. */
class CifarTest {
    static final int N = 5;
    static final byte[] PIXELS = randomBytes(N * Cifar.IMAGE_BYTES, 11);
    static final int[][] LABELS10 = {{3}, {0}, {9}, {1}, {3}};
    static final int[][] LABELS100 = {{19, 99}, {0, 0}, {4, 37}, {12, 5}, {7, 64}};

    @TempDir
    Path dir;

    Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    static void assertImages(Dataset d, int from, byte[] pixels) {
        for (int i = 0; i < d.size(); i++) {
            byte[] expected = Arrays.copyOfRange(pixels, (from + i) * Cifar.IMAGE_BYTES, (from + i + 1) * Cifar.IMAGE_BYTES);
            assertArrayEquals(expected, DataFiles.imageBytes(d, i), "image " + i);
        }
    }

    @Test
    void readsCifar10() throws IOException {
        Dataset d = Cifar.read(Cifar.Variant.CIFAR10, write("data_batch_1.bin", cifar(Cifar.Variant.CIFAR10, LABELS10, PIXELS)));
        assertEquals(N, d.size());
        assertArrayEquals(new int[] {3, 32, 32}, d.imageShape());
        assertEquals(10, d.numClasses());
        for (int i = 0; i < N; i++) {
            assertEquals(LABELS10[i][0], d.label(i));
        }
        assertImages(d, 0, PIXELS);
        // channel planes: pixel (c=2, y=31, x=0) of image 1 is byte 2*1024 + 31*32 of its record's pixels
        Tensor image = d.image(1);
        assertEquals((PIXELS[Cifar.IMAGE_BYTES + 2048 + 992] & 0xff) / 255f, image.getFloat(2, 31, 0));
    }

    @Test
    void readsCifar100CoarseOrFine() throws IOException {
        byte[] file = cifar(Cifar.Variant.CIFAR100_FINE, LABELS100, PIXELS);
        Path gz = write("train.bin", gzip(file)); // gzipped, detected by content
        Dataset coarse = Cifar.read(Cifar.Variant.CIFAR100_COARSE, gz);
        Dataset fine = Cifar.read(Cifar.Variant.CIFAR100_FINE, write("plain.bin", file));
        assertEquals(20, coarse.numClasses());
        assertEquals(100, fine.numClasses());
        for (int i = 0; i < N; i++) {
            assertEquals(LABELS100[i][0], coarse.label(i));
            assertEquals(LABELS100[i][1], fine.label(i));
        }
        assertImages(coarse, 0, PIXELS);
        assertImages(fine, 0, PIXELS);
    }

    @Test
    void severalFilesAreConcatenated() throws IOException {
        byte[] more = randomBytes(2 * Cifar.IMAGE_BYTES, 12);
        Path a = write("a.bin", cifar(Cifar.Variant.CIFAR10, LABELS10, PIXELS));
        Path b = write("b.bin", gzip(cifar(Cifar.Variant.CIFAR10, new int[][] {{8}, {2}}, more)));
        Dataset d = Cifar.read(Cifar.Variant.CIFAR10, a, b);
        assertEquals(N + 2, d.size());
        assertEquals(8, d.label(N));
        assertEquals(2, d.label(N + 1));
        assertImages(d, 0, concat(PIXELS, more));
    }

    @Test
    void labelsOutOfRange() throws IOException {
        int[][] bad = {{3}, {10}};
        Path f = write("bad10.bin", cifar(Cifar.Variant.CIFAR10, bad, PIXELS));
        expectError(f.toString(), () -> Cifar.read(Cifar.Variant.CIFAR10, f), "record 1 label at byte 3073",
                "expected 0..9", "found 10");
        // CIFAR-100: both labels are checked, whichever is used
        Path coarse = write("bad100.bin", cifar(Cifar.Variant.CIFAR100_FINE, new int[][] {{0, 0}, {20, 5}}, PIXELS));
        expectError(coarse.toString(), () -> Cifar.read(Cifar.Variant.CIFAR100_FINE, coarse),
                "record 1 coarse label at byte 3074", "expected 0..19", "found 20");
        Path fine = write("bad100f.bin", gzip(cifar(Cifar.Variant.CIFAR100_FINE, new int[][] {{0, 100}}, PIXELS)));
        expectError(fine.toString(), () -> Cifar.read(Cifar.Variant.CIFAR100_COARSE, fine),
                "record 0 fine label at byte 1 (decompressed)", "expected 0..99", "found 100");
    }

    @Test
    void truncatedRecords() throws IOException {
        byte[] file = cifar(Cifar.Variant.CIFAR10, LABELS10, PIXELS);
        byte[] cut = Arrays.copyOf(file, file.length - 100);
        Path raw = write("cut.bin", cut);
        expectError(raw.toString(), () -> Cifar.read(Cifar.Variant.CIFAR10, raw), "record 4 at byte 12292",
                "expected 3073 bytes (1 label byte + 3072 pixels), found only 2973", "not a multiple of 3073");
        Path gz = write("cut.gz", gzip(cut));
        expectError(gz.toString(), () -> Cifar.read(Cifar.Variant.CIFAR10, gz),
                "record 4 pixels at byte 12293 (decompressed)", "expected 3072 bytes, found only 2972", "truncated");
    }

    @Test
    void emptyFiles() throws IOException {
        Path raw = write("empty.bin", new byte[0]);
        expectError(raw.toString(), () -> Cifar.read(Cifar.Variant.CIFAR10, raw), "record 0 at byte 0",
                "expected at least one record of 3073 bytes");
        Path gz = write("empty.gz", gzip(new byte[0]));
        expectError(gz.toString(), () -> Cifar.read(Cifar.Variant.CIFAR100_FINE, gz),
                "expected at least one record of 3074 bytes");
    }
}
