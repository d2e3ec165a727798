package org.bitspike.nn.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the binary CIFAR-10 and CIFAR-100 formats ({@code data_batch_1.bin} ... {@code test_batch.bin},
 * {@code train.bin}, {@code test.bin}), gzipped or not (detected by content).
 *
 * <p>A file is a sequence of records and nothing else. A CIFAR-10 record is 1 label byte (0..9) then
 * 3,072 pixel bytes: the 32x32 red plane, then green, then blue, each row-major, which is already the
 * {@code [3, 32, 32]} layout of a {@link Dataset} image. A CIFAR-100 record has two label bytes, the
 * coarse (0..19) then the fine (0..99) label; both are checked and the {@link Variant} picks one.
 *
 * <pre>{@code
 * Dataset train = Cifar.read(Cifar.Variant.CIFAR10,
 *         dir.resolve("data_batch_1.bin"), dir.resolve("data_batch_2.bin"));
 * }</pre>
 */
public final class Cifar {
    /** Pixels per image: 3 channels of 32x32. */
    public static final int IMAGE_BYTES = 3 * 32 * 32;

    /** Which record layout, and which label becomes the dataset's label. */
    public enum Variant {
        /** One label byte, 10 classes. */
        CIFAR10(new int[] {10}, 0),
        /** Two label bytes; the coarse label (20 superclasses). */
        CIFAR100_COARSE(new int[] {20, 100}, 0),
        /** Two label bytes; the fine label (100 classes). */
        CIFAR100_FINE(new int[] {20, 100}, 1);

        private final int[] labelLimits;
        private final int used;

        Variant(int[] labelLimits, int used) {
            this.labelLimits = labelLimits;
            this.used = used;
        }

        /** Label bytes at the start of each record. */
        public int labelBytes() {
            return labelLimits.length;
        }

        /** Bytes per record: the label bytes and {@link #IMAGE_BYTES}. */
        public int recordBytes() {
            return labelLimits.length + IMAGE_BYTES;
        }

        /** Number of classes of the chosen label. */
        public int numClasses() {
            return labelLimits[used];
        }
    }

    private static final String[] LABEL_NAMES = {"coarse label", "fine label"};

    private Cifar() {
    }

    /**
     * The images of {@code files}, one file after the other, as {@code [N, 3, 32, 32]} with the label
     * {@code variant} chooses.
     *
     * @throws DatasetFormatException if a file is empty, ends inside a record, or holds a label out of range
     * @throws IOException            if a file cannot be read
     */
    public static Dataset read(Variant variant, Path... files) throws IOException {
        return read(variant, Arrays.asList(files));
    }

    /** As {@link #read(Variant, Path...)}. */
    public static Dataset read(Variant variant, List<Path> files) throws IOException {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("Cifar.read: no files given");
        }
        List<Dataset> parts = new ArrayList<>();
        for (Path file : files) {
            try (ByteSource src = ByteSource.open(file)) {
                parts.add(read(src, variant));
            }
        }
        return Dataset.concat(parts);
    }

    /** Reads one file of records. */
    static Dataset read(ByteSource src, Variant variant) throws IOException {
        int recordBytes = variant.recordBytes();
        long length = src.length();
        int capacity;
        if (length >= 0) {
            if (length == 0) {
                throw src.error(0, "record 0", "expected at least one record of %d bytes, found an empty file",
                        recordBytes);
            }
            if (length % recordBytes != 0) {
                long last = length / recordBytes;
                throw src.error(last * recordBytes, "record " + last,
                        "expected %d bytes (%s), found only %d before the end of the file (truncated: "
                                + "the file size %d is not a multiple of %d)",
                        recordBytes, layout(variant), length % recordBytes, length, recordBytes);
            }
            if (length / recordBytes * IMAGE_BYTES > ByteSource.MAX_BYTES) {
                throw src.error(0, "records", "expected at most %d bytes of pixels in one dataset, found %d",
                        ByteSource.MAX_BYTES, length / recordBytes * IMAGE_BYTES);
            }
            capacity = (int) (length / recordBytes);
        } else {
            capacity = 16; // gzip: grows as records arrive, so memory follows what was really read
        }
        byte[] pixels = new byte[capacity * IMAGE_BYTES];
        int[] labels = new int[capacity];
        byte[] labelBytes = new byte[variant.labelBytes()];
        int n = 0;
        while (length >= 0 ? n < capacity : !src.atEnd()) {
            if (n == capacity) {
                if ((long) (n + 1) * IMAGE_BYTES > ByteSource.MAX_BYTES) {
                    throw src.error(src.offset(), "record " + n, "expected at most %d bytes of pixels in one "
                            + "dataset, found more", ByteSource.MAX_BYTES);
                }
                capacity = (int) Math.min(2L * capacity, ByteSource.MAX_BYTES / IMAGE_BYTES);
                pixels = Arrays.copyOf(pixels, capacity * IMAGE_BYTES);
                labels = Arrays.copyOf(labels, capacity);
            }
            long start = src.offset();
            String record = "record " + n;
            src.readFully(labelBytes, 0, labelBytes.length, record + " labels");
            for (int j = 0; j < labelBytes.length; j++) {
                int label = labelBytes[j] & 0xff;
                int limit = variant.labelLimits[j];
                if (label >= limit) {
                    String what = labelBytes.length == 1 ? "label" : LABEL_NAMES[j];
                    throw src.error(start + j, record + " " + what, "expected 0..%d, found %d", limit - 1, label);
                }
            }
            labels[n] = labelBytes[variant.used] & 0xff;
            src.readFully(pixels, n * IMAGE_BYTES, IMAGE_BYTES, record + " pixels");
            n++;
        }
        if (n == 0) {
            throw src.error(0, "record 0", "expected at least one record of %d bytes, found an empty stream",
                    recordBytes);
        }
        if (n < capacity) {
            pixels = Arrays.copyOf(pixels, n * IMAGE_BYTES);
            labels = Arrays.copyOf(labels, n);
        }
        return new Dataset(pixels, labels, 3, 32, 32, variant.numClasses());
    }

    private static String layout(Variant variant) {
        return variant.labelBytes() == 1 ? "1 label byte + 3072 pixels" : "2 label bytes + 3072 pixels";
    }
}
