package org.bitspike.nn.data;

import static org.bitspike.nn.data.DataFiles.concat;
import static org.bitspike.nn.data.DataFiles.gzip;
import static org.bitspike.nn.data.DataFiles.idx;
import static org.bitspike.nn.data.DataFiles.idxImages;
import static org.bitspike.nn.data.DataFiles.idxLabels;
import static org.bitspike.nn.data.DataFiles.randomBytes;
import static org.bitspike.nn.data.DataFiles.randomLabels;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import org.bitspike.tensor.DType;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The IDX reader on small synthetic files: content, gzip by magic, and every kind of bad file. */
class IdxTest {
    static final int N = 7;
    static final int ROWS = 4;
    static final int COLS = 3;
    static final byte[] PIXELS = randomBytes(N * ROWS * COLS, 1);
    static final int[] LABELS = randomLabels(N, 10, 2);
    static final byte[] IMAGES_FILE = idxImages(ROWS, COLS, PIXELS);
    static final byte[] LABELS_FILE = idxLabels(LABELS);

    @TempDir
    Path dir;

    Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    Dataset read(byte[] images, byte[] labels) throws IOException {
        return Idx.read(write("images", images), write("labels", labels), 10);
    }

    /** Asserts a DatasetFormatException naming {@code file} that contains every fragment. */
    static DatasetFormatException expectError(String file, ThrowingRunnable call, String... fragments) {
        DatasetFormatException e = assertThrows(DatasetFormatException.class, call::run);
        String m = e.getMessage();
        assertTrue(m.startsWith(file + ": "), "message should start with the file name " + file + ": " + m);
        for (String f : fragments) {
            assertTrue(m.contains(f), "message should contain '" + f + "': " + m);
        }
        return e;
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void readsImagesAndLabels() throws IOException {
        Dataset d = read(IMAGES_FILE, LABELS_FILE);
        assertEquals(N, d.size());
        assertArrayEquals(new int[] {1, ROWS, COLS}, d.imageShape());
        assertEquals(10, d.numClasses());
        for (int i = 0; i < N; i++) {
            assertEquals(LABELS[i], d.label(i));
            byte[] expected = java.util.Arrays.copyOfRange(PIXELS, i * ROWS * COLS, (i + 1) * ROWS * COLS);
            assertArrayEquals(expected, DataFiles.imageBytes(d, i), "image " + i);
        }
        Tensor images = d.images();
        assertEquals(DType.FLOAT32, images.dtype());
        assertArrayEquals(new int[] {N, 1, ROWS, COLS}, images.shape());
        assertEquals((PIXELS[5] & 0xff) / 255f, images.getFloat(0, 0, 1, 2));
        Tensor labels = d.labels();
        assertEquals(DType.INT64, labels.dtype());
        assertEquals(LABELS[6], labels.getLong(6));
    }

    @Test
    void gzipIsDetectedByContentNotName() throws IOException {
        // gzipped images under a plain name, plain labels under a .gz name
        Path images = write("images-idx3-ubyte", gzip(IMAGES_FILE));
        Path labels = write("labels-idx1-ubyte.gz", LABELS_FILE);
        Dataset d = Idx.read(images, labels, 10);
        Dataset plain = read(IMAGES_FILE, LABELS_FILE);
        assertEquals(plain.size(), d.size());
        for (int i = 0; i < N; i++) {
            assertArrayEquals(DataFiles.imageBytes(plain, i), DataFiles.imageBytes(d, i));
            assertEquals(plain.label(i), d.label(i));
        }
    }

    @Test
    void emptyFilesAreAValidEmptyDataset() throws IOException {
        Dataset d = read(idx(0x08, new int[] {0, 28, 28}, new byte[0]), idxLabels(new int[0]));
        assertEquals(0, d.size());
        assertArrayEquals(new int[] {1, 28, 28}, d.imageShape());
    }

    @Test
    void badMagic() throws IOException {
        byte[] bad = LABELS_FILE.clone();
        bad[1] = 0x08;
        Path labels = write("labels", bad);
        expectError(labels.toString(), () -> Idx.read(write("images", IMAGES_FILE), labels, 10),
                "magic at byte 0", "expected 0x00 0x00", "found 0x00 0x08");
    }

    @Test
    void wrongElementType() throws IOException {
        Path images = write("images", idx(0x0D, new int[] {N, ROWS, COLS}, PIXELS));
        expectError(images.toString(), () -> Idx.read(images, write("labels", LABELS_FILE), 10),
                "element type at byte 2", "expected 0x08 (unsigned byte)", "found 0x0d (32-bit float)");
    }

    @Test
    void wrongRank() throws IOException {
        Path images = write("images", idx(0x08, new int[] {N, ROWS * COLS}, PIXELS));
        expectError(images.toString(), () -> Idx.read(images, write("labels", LABELS_FILE), 10),
                "rank at byte 3", "expected 3", "found 2");
        Path labels = write("labels", idx(0x08, new int[] {N, 1}, new byte[N]));
        expectError(labels.toString(), () -> Idx.read(images, labels, 10), "rank at byte 3", "expected 1", "found 2");
    }

    @Test
    void negativeOrZeroSizes() throws IOException {
        Path labels = write("labels", LABELS_FILE);
        Path negative = write("negative", idx(0x08, new int[] {-N, ROWS, COLS}, PIXELS));
        expectError(negative.toString(), () -> Idx.read(negative, labels, 10),
                "count at byte 4", "expected at least 0", "found -7");
        Path zero = write("zero", idx(0x08, new int[] {N, ROWS, 0}, new byte[0]));
        expectError(zero.toString(), () -> Idx.read(zero, labels, 10),
                "size of dimension 2 at byte 12", "expected at least 1", "found 0");
    }

    @Test
    void countsThatDisagree() throws IOException {
        Path labels = write("labels", idxLabels(randomLabels(N - 1, 10, 3)));
        Path images = write("images", IMAGES_FILE);
        expectError(images.toString(), () -> Idx.read(images, labels, 10),
                "image count at byte 4", "expected 6 (the count of labels in " + labels + ")", "found 7");
    }

    @Test
    void labelsOutOfRange() throws IOException {
        int[] bad = LABELS.clone();
        bad[3] = 12;
        Path labels = write("labels", idxLabels(bad));
        expectError(labels.toString(), () -> Idx.read(write("images", IMAGES_FILE), labels, 10),
                "label 3 at byte 11", "expected 0..9", "found 12");
        Path gz = write("labels.gz", gzip(idxLabels(bad)));
        expectError(gz.toString(), () -> Idx.read(write("images", IMAGES_FILE), gz, 10),
                "label 3 at byte 11 (decompressed)");
    }

    @Test
    void truncatedPayload() throws IOException {
        byte[] cut = java.util.Arrays.copyOf(IMAGES_FILE, IMAGES_FILE.length - 5);
        Path images = write("images", cut);
        expectError(images.toString(), () -> Idx.read(images, write("labels", LABELS_FILE), 10),
                "at byte 16", "promises 84 bytes", "only 79 left", "truncated");
        // gzip: the decompressed stream is complete up to the cut
        Path gz = write("images.gz", gzip(cut));
        expectError(gz.toString(), () -> Idx.read(gz, write("labels", LABELS_FILE), 10),
                "at byte 16 (decompressed)", "expected 84 bytes, found only 79", "truncated");
    }

    @Test
    void truncatedHeader() throws IOException {
        Path labels = write("labels", java.util.Arrays.copyOf(LABELS_FILE, 6));
        expectError(labels.toString(), () -> Idx.read(write("images", IMAGES_FILE), labels, 10),
                "count at byte 4", "expected 4 bytes, found only 2");
        Path empty = write("empty", new byte[0]);
        expectError(empty.toString(), () -> Idx.read(write("images", IMAGES_FILE), empty, 10),
                "magic at byte 0", "expected 1 byte, found the end of the file");
    }

    @Test
    void truncatedGzipStream() throws IOException {
        byte[] gz = gzip(IMAGES_FILE);
        Path cut = write("images.gz", java.util.Arrays.copyOf(gz, gz.length - 3)); // inside the trailer
        expectError(cut.toString(), () -> Idx.read(cut, write("labels", LABELS_FILE), 10),
                "gzip stream near byte", "the end of the file (truncated)");
    }

    @Test
    void corruptGzipStream() throws IOException {
        byte[] gz = gzip(IMAGES_FILE);
        gz[gz.length - 6] ^= 0x40; // the CRC-32 in the trailer
        Path bad = write("images.gz", gz);
        expectError(bad.toString(), () -> Idx.read(bad, write("labels", LABELS_FILE), 10),
                "gzip stream near byte", "Corrupt GZIP trailer");
        byte[] method = gzip(IMAGES_FILE);
        method[2] = 7; // compression method: only 8 (deflate) exists
        Path header = write("method.gz", method);
        expectError(header.toString(), () -> Idx.read(header, write("labels", LABELS_FILE), 10),
                "gzip header at byte 0", "Unsupported compression method");
    }

    @Test
    void trailingGarbage() throws IOException {
        Path labels = write("labels", concat(LABELS_FILE, new byte[] {1, 2, 3}));
        expectError(labels.toString(), () -> Idx.read(write("images", IMAGES_FILE), labels, 10),
                "end of file at byte 15", "expected the end after 7 labels", "found 3 more bytes");
        Path gz = write("images.gz", gzip(concat(IMAGES_FILE, new byte[] {0})));
        expectError(gz.toString(), () -> Idx.read(gz, write("labels", LABELS_FILE), 10),
                "end of file at byte 100 (decompressed)", "expected the end after 7 images", "trailing garbage");
    }

    @Test
    void hugeClaimsFailWithoutAllocating() throws IOException {
        Path labels = write("labels", idxLabels(new int[60_000]));
        // 60,000 images of 28x28 claimed, 10 bytes present
        byte[] liar = idx(0x08, new int[] {60_000, 28, 28}, new byte[10]);
        Path raw = write("raw", liar);
        Path gz = write("gz", gzip(liar));
        long before = allocatedBytes();
        expectError(raw.toString(), () -> Idx.read(raw, labels, 10), "promises 47040000 bytes", "only 10 left");
        expectError(gz.toString(), () -> Idx.read(gz, labels, 10), "expected 47040000 bytes, found only 10");
        long allocated = allocatedBytes() - before;
        // two small reads: label arrays of 60,000 (~300 KB) twice, a first gzip chunk of 1 MB, buffers
        assertTrue(allocated < 8 << 20, "reading two lying files allocated " + allocated + " bytes");
        // more than one array can hold
        Path huge = write("huge", idx(0x08, new int[] {60_000, 1000, 1000}, new byte[10]));
        expectError(huge.toString(), () -> Idx.read(huge, labels, 10),
                "claims 60000000000 bytes, more than the 2147483639 one array can hold");
    }

    @Test
    void missingFileIsAPlainIoException() throws IOException {
        Path missing = dir.resolve("missing");
        assertThrows(NoSuchFileException.class, () -> Idx.read(missing, missing, 10));
        var e = assertThrows(NoSuchFileException.class, () -> Datasets.fashionMnist(dir, Split.TEST));
        assertEquals(dir.resolve("t10k-images-idx3-ubyte.gz") + " -> " + dir.resolve("t10k-images-idx3-ubyte")
                + ": neither file exists", e.getMessage());
        // the plain name is found when there is no .gz
        write("t10k-images-idx3-ubyte", IMAGES_FILE);
        write("t10k-labels-idx1-ubyte", LABELS_FILE);
        assertEquals(N, Datasets.mnist(dir, Split.TEST).size());
    }

    static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }
}
