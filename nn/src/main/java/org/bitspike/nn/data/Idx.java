package org.bitspike.nn.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads the IDX format of MNIST and Fashion-MNIST: an image file {@code [count, rows, columns]} and a
 * label file {@code [count]}, both of unsigned bytes, gzipped or not (detected by content).
 *
 * <p>An IDX file is a 4-byte magic {@code 00 00 <type> <rank>}, then {@code rank} big-endian 32-bit
 * sizes, then the elements in row-major order, and nothing after them. Only type {@code 0x08}
 * (unsigned byte) is read here, as in every MNIST-family file.
 *
 * <pre>{@code
 * Dataset train = Idx.read(dir.resolve("train-images-idx3-ubyte.gz"),
 *                          dir.resolve("train-labels-idx1-ubyte.gz"), 10);
 * }</pre>
 */
public final class Idx {
    private static final int UNSIGNED_BYTE = 0x08;

    private Idx() {
    }

    /**
     * The dataset of an image file and its label file: images {@code [N, 1, rows, columns]}, labels in
     * {@code 0..numClasses-1}.
     *
     * @throws DatasetFormatException if either file is malformed or the two counts differ
     * @throws IOException            if a file cannot be read
     */
    public static Dataset read(Path images, Path labels, int numClasses) throws IOException {
        if (numClasses < 1 || numClasses > 256) {
            throw new IllegalArgumentException("Idx.read: numClasses must be in 1..256, got " + numClasses);
        }
        int[] y;
        try (ByteSource src = ByteSource.open(labels)) {
            y = readLabels(src, numClasses);
        }
        try (ByteSource src = ByteSource.open(images)) {
            return readImages(src, y, labels.toString(), numClasses);
        }
    }

    /** Reads a label file: {@code [count]} unsigned bytes, each below {@code numClasses}. */
    static int[] readLabels(ByteSource src, int numClasses) throws IOException {
        int count = header(src, 1, "label file ([count])")[0];
        byte[] raw = src.readBytes(count, "labels");
        int[] labels = new int[count];
        long start = src.offset() - count;
        for (int i = 0; i < count; i++) {
            int label = raw[i] & 0xff;
            if (label >= numClasses) {
                throw src.error(start + i, "label " + i, "expected 0..%d, found %d", numClasses - 1, label);
            }
            labels[i] = label;
        }
        src.expectEnd(count + " labels");
        return labels;
    }

    /**
     * Reads an image file whose count must equal {@code labels.length} (read from {@code labelFile})
     * and returns the dataset. The count is checked before the pixels are read.
     */
    static Dataset readImages(ByteSource src, int[] labels, String labelFile, int numClasses) throws IOException {
        int[] dims = header(src, 3, "image file ([count, rows, columns])");
        int count = dims[0];
        int rows = dims[1];
        int cols = dims[2];
        if (count != labels.length) {
            throw src.error(4, "image count", "expected %d (the count of labels in %s), found %d",
                    labels.length, labelFile, count);
        }
        byte[] pixels = src.readBytes((long) count * rows * cols, "pixels of " + count + " images of " + rows + "x" + cols);
        src.expectEnd(count + " images");
        return new Dataset(pixels, labels, 1, rows, cols, numClasses);
    }

    /** Checks magic, type and rank; returns the sizes (the first may be 0, the others are positive). */
    private static int[] header(ByteSource src, int rank, String what) throws IOException {
        int m0 = src.u8("magic");
        int m1 = src.u8("magic");
        if (m0 != 0 || m1 != 0) {
            throw src.error(0, "magic", "expected 0x00 0x00 (an IDX file), found 0x%02x 0x%02x", m0, m1);
        }
        int type = src.u8("element type");
        if (type != UNSIGNED_BYTE) {
            throw src.error(2, "element type", "expected 0x08 (unsigned byte), found 0x%02x (%s)", type, typeName(type));
        }
        int r = src.u8("rank");
        if (r != rank) {
            throw src.error(3, "rank", "expected %d for an %s, found %d", rank, what, r);
        }
        int[] dims = new int[rank];
        for (int d = 0; d < rank; d++) {
            long pos = src.offset();
            String field = d == 0 ? "count" : "size of dimension " + d;
            dims[d] = src.i32(field);
            int min = d == 0 ? 0 : 1;
            if (dims[d] < min) {
                throw src.error(pos, field, "expected at least %d, found %d", min, dims[d]);
            }
        }
        return dims;
    }

    private static String typeName(int type) {
        return switch (type) {
            case 0x09 -> "signed byte";
            case 0x0B -> "16-bit integer";
            case 0x0C -> "32-bit integer";
            case 0x0D -> "32-bit float";
            case 0x0E -> "64-bit float";
            default -> "not an IDX type";
        };
    }
}
