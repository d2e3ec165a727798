package org.bitspike.nn.data;

import static org.bitspike.nn.data.DataFiles.cifar;
import static org.bitspike.nn.data.DataFiles.gzip;
import static org.bitspike.nn.data.DataFiles.idxImages;
import static org.bitspike.nn.data.DataFiles.idxLabels;
import static org.bitspike.nn.data.DataFiles.randomBytes;
import static org.bitspike.nn.data.DataFiles.randomLabels;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Fuzzing the readers: random bytes, every truncated prefix of a valid file, single-byte corruptions
 * (every header byte to every value, and random bytes anywhere), plain and gzipped. Every outcome
 * must be a valid dataset or a {@link DatasetFormatException} naming the file, never another
 * exception, and where the right answer is known (a truncated IDX file, a changed header) it must be
 * that answer.
 */
class ReaderFuzzTest {
    static final String SEED = "8675309";
    static final String NAME = "fuzzed-file";

    /** The five ways to read a file. */
    enum Reader {
        IDX_LABELS, IDX_IMAGES, CIFAR10, CIFAR100_COARSE, CIFAR100_FINE;

        /** Reads {@code bytes}: a dataset, or the DatasetFormatException it raised. */
        Object read(byte[] bytes) {
            try (ByteSource src = ByteSource.of(NAME, bytes)) {
                return switch (this) {
                    case IDX_LABELS -> labelsOnly(Idx.readLabels(src, 10));
                    case IDX_IMAGES -> Idx.readImages(src, new int[VALID_N], "labels", 10);
                    case CIFAR10 -> Cifar.read(src, Cifar.Variant.CIFAR10);
                    case CIFAR100_COARSE -> Cifar.read(src, Cifar.Variant.CIFAR100_COARSE);
                    case CIFAR100_FINE -> Cifar.read(src, Cifar.Variant.CIFAR100_FINE);
                };
            } catch (DatasetFormatException e) {
                assertEquals(NAME, e.file());
                assertTrue(e.getMessage().startsWith(NAME + ": "), e.getMessage());
                assertTrue(e.offset() >= -1, e.getMessage());
                return e;
            } catch (Throwable t) {
                throw new AssertionError(this + " on " + bytes.length + " bytes threw " + t
                        + " instead of a dataset or a DatasetFormatException", t);
            }
        }

        /** A valid file for this reader. */
        byte[] valid() {
            return switch (this) {
                case IDX_LABELS -> idxLabels(randomLabels(VALID_N, 10, 21));
                case IDX_IMAGES -> idxImages(3, 2, randomBytes(VALID_N * 6, 22));
                case CIFAR10 -> cifar(Cifar.Variant.CIFAR10, new int[][] {{4}, {9}}, randomBytes(2 * Cifar.IMAGE_BYTES, 23));
                default -> cifar(Cifar.Variant.CIFAR100_FINE, new int[][] {{19, 99}, {3, 50}},
                        randomBytes(2 * Cifar.IMAGE_BYTES, 24));
            };
        }

        boolean isIdx() {
            return this == IDX_LABELS || this == IDX_IMAGES;
        }

        /** Bytes of the first record's header: the IDX header, or CIFAR's label bytes. */
        int headerBytes() {
            return switch (this) {
                case IDX_LABELS -> 8;
                case IDX_IMAGES -> 16;
                case CIFAR10 -> 1;
                default -> 2;
            };
        }
    }

    static final int VALID_N = 9;

    /** A label file's labels as a dataset of 1x1 black images. */
    static Dataset labelsOnly(int[] labels) {
        return new Dataset(new byte[labels.length], labels, 1, 1, 1, 10);
    }

    @Provide
    Arbitrary<byte[]> anyBytes() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(400);
        // prefixes that get past the first checks: IDX magic + type + rank, gzip magic
        Arbitrary<byte[]> prefix = Arbitraries.of(new byte[0], new byte[] {0, 0, 8, 1}, new byte[] {0, 0, 8, 3},
                new byte[] {0x1f, (byte) 0x8b}, new byte[] {0x1f, (byte) 0x8b, 8, 0});
        return Combinators.combine(prefix, random).as(DataFiles::concat);
    }

    @Property(seed = SEED)
    void randomBytesGiveADatasetOrTheDocumentedError(@ForAll("anyBytes") byte[] bytes, @ForAll boolean gzipped,
                                                     @ForAll Reader reader) {
        reader.read(gzipped ? gzip(bytes) : bytes);
    }

    @Example
    void everyTruncatedPrefixFails() {
        for (Reader reader : Reader.values()) {
            byte[] valid = reader.valid();
            for (boolean gz : new boolean[] {false, true}) {
                byte[] file = gz ? gzip(valid) : valid;
                assertInstanceOf(Dataset.class, reader.read(file), reader + " on the valid file");
                int step = file.length > 2000 ? 7 : 1; // CIFAR: every 7th length keeps this quick
                for (int len = 0; len < file.length; len += step) {
                    Object outcome = reader.read(Arrays.copyOf(file, len));
                    boolean atRecordBoundary = !reader.isIdx() && !gz && len > 0 && len % recordBytes(reader) == 0;
                    if (!atRecordBoundary) {
                        assertInstanceOf(DatasetFormatException.class, outcome,
                                reader + (gz ? " gzipped" : "") + " cut to " + len + " of " + file.length + " bytes");
                    } else {
                        assertEquals(len / recordBytes(reader), ((Dataset) outcome).size());
                    }
                }
            }
        }
    }

    static int recordBytes(Reader reader) {
        return reader == Reader.CIFAR10 ? 3073 : 3074;
    }

    @Example
    void everyChangeOfAnIdxHeaderByteFails() {
        for (Reader reader : new Reader[] {Reader.IDX_LABELS, Reader.IDX_IMAGES}) {
            byte[] valid = reader.valid();
            for (int pos = 0; pos < reader.headerBytes(); pos++) {
                for (int v = 0; v < 256; v++) {
                    if ((byte) v == valid[pos]) {
                        continue;
                    }
                    byte[] bad = valid.clone();
                    bad[pos] = (byte) v;
                    Object outcome = reader.read(bad);
                    assertInstanceOf(DatasetFormatException.class, outcome, reader + " with byte " + pos + " = " + v);
                    if (pos % 4 == 0 && v % 16 == 0) { // and the same, gzipped (a sample: gzip costs more)
                        assertInstanceOf(DatasetFormatException.class, reader.read(gzip(bad)),
                                reader + " gzipped with byte " + pos + " = " + v);
                    }
                }
            }
        }
    }

    @Example
    void everyCifarLabelValueIsAcceptedExactlyWhenInRange() {
        for (Reader reader : new Reader[] {Reader.CIFAR10, Reader.CIFAR100_COARSE, Reader.CIFAR100_FINE}) {
            byte[] valid = reader.valid();
            int[] limits = reader == Reader.CIFAR10 ? new int[] {10} : new int[] {20, 100};
            for (int pos = 0; pos < reader.headerBytes(); pos++) {
                for (int v = 0; v < 256; v++) {
                    byte[] changed = valid.clone();
                    changed[pos] = (byte) v;
                    Object outcome = reader.read(changed);
                    if (v < limits[pos]) {
                        Dataset d = assertInstanceOf(Dataset.class, outcome, reader + " label byte " + pos + " = " + v);
                        int used = reader == Reader.CIFAR100_FINE ? 1 : 0;
                        assertEquals(pos == used ? v : valid[used] & 0xff, d.label(0));
                    } else {
                        DatasetFormatException e = assertInstanceOf(DatasetFormatException.class, outcome);
                        assertEquals(pos, e.offset());
                    }
                }
            }
        }
    }

    /** A byte anywhere in a plain file set to any value: the outcome is predicted exactly. */
    @Property(seed = SEED)
    void singleByteCorruptionsHaveThePredictedOutcome(@ForAll Reader reader, @ForAll @IntRange(max = 100_000) int where,
                                                      @ForAll byte value) {
        byte[] valid = reader.valid();
        int pos = where % valid.length;
        byte[] changed = valid.clone();
        changed[pos] = value;
        Object outcome = reader.read(changed);
        boolean changedNothing = value == valid[pos];
        int v = value & 0xff;
        boolean shouldFail;
        if (changedNothing) {
            shouldFail = false;
        } else if (pos < reader.headerBytes()) {
            shouldFail = reader.isIdx() || v >= (reader == Reader.CIFAR10 ? 10 : pos == 0 ? 20 : 100);
        } else if (reader == Reader.IDX_LABELS) {
            shouldFail = v >= 10;
        } else if (!reader.isIdx()) {
            int inRecord = pos % recordBytes(reader);
            int labelBytes = recordBytes(reader) - Cifar.IMAGE_BYTES;
            shouldFail = inRecord < labelBytes && v >= (reader == Reader.CIFAR10 ? 10 : inRecord == 0 ? 20 : 100);
        } else {
            shouldFail = false; // a pixel
        }
        if (shouldFail) {
            DatasetFormatException e = assertInstanceOf(DatasetFormatException.class, outcome);
            if (pos >= reader.headerBytes()) {
                assertEquals(pos, e.offset(), e.getMessage());
            }
        } else {
            Dataset d = assertInstanceOf(Dataset.class, outcome);
            assertEquals(reader.isIdx() ? VALID_N : 2, d.size());
        }
    }

    /** A byte anywhere in a gzipped file set to any value: a dataset or the documented error. */
    @Property(seed = SEED)
    void singleByteCorruptionsOfGzipAreHandled(@ForAll Reader reader, @ForAll @IntRange(max = 100_000) int where,
                                               @ForAll byte value) {
        byte[] gz = gzip(reader.valid());
        int pos = where % gz.length;
        gz[pos] = value;
        Object outcome = reader.read(gz);
        if (outcome instanceof Dataset d) {
            // only the header's unchecked fields (flags aside, mtime, xfl, os) can change unnoticed
            assertTrue(pos >= 4 && pos < 10 || d.size() == (reader.isIdx() ? VALID_N : 2),
                    "corrupting byte " + pos + " gave " + d);
        }
    }

    /** The same properties through real files, so {@code ByteSource.open} is fuzzed too. */
    @Property(seed = SEED, tries = 30)
    void filesOnDiskBehaveAsBytes(@ForAll("anyBytes") byte[] bytes, @ForAll boolean gzipped) throws IOException {
        byte[] content = gzipped ? gzip(bytes) : bytes;
        Path dir = Files.createTempDirectory("fuzz");
        try {
            Path labels = Files.write(dir.resolve("labels"), content);
            Path cifar = Files.write(dir.resolve("cifar"), content);
            Object fromBytes = Reader.IDX_LABELS.read(content);
            try {
                Dataset d = Idx.read(Files.write(dir.resolve("images"), idxImages(1, 1, new byte[sizeOf(fromBytes)])),
                        labels, 10);
                Dataset expected = assertInstanceOf(Dataset.class, fromBytes);
                assertEquals(expected.size(), d.size());
            } catch (DatasetFormatException e) {
                DatasetFormatException expected = assertInstanceOf(DatasetFormatException.class, fromBytes);
                assertEquals(expected.getMessage().replace(NAME, labels.toString()), e.getMessage());
            }
            try {
                Cifar.read(Cifar.Variant.CIFAR10, cifar);
                assertInstanceOf(Dataset.class, Reader.CIFAR10.read(content));
            } catch (DatasetFormatException e) {
                assertEquals(cifar.toString(), e.file());
                assertNotNull(Reader.CIFAR10.read(content));
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }

    static int sizeOf(Object outcome) {
        return outcome instanceof Dataset d ? d.size() : 0;
    }

    @Example
    void randomBytesAreNeverMistakenForGzipUnlessTheyStartWithItsMagic() {
        Object outcome = Reader.CIFAR10.read(new byte[] {0x1f, 0x00});
        DatasetFormatException e = assertInstanceOf(DatasetFormatException.class, outcome);
        assertNull(e.getCause(), e.getMessage()); // read as a plain (too short) CIFAR file, not as gzip
        if (!(Reader.CIFAR10.read(new byte[] {0x1f, (byte) 0x8b}) instanceof DatasetFormatException g)) {
            fail("a bare gzip magic must fail");
        } else {
            assertTrue(g.getMessage().contains("gzip header"), g.getMessage());
        }
        assertArrayEquals(new int[] {3, 32, 32}, ((Dataset) Reader.CIFAR10.read(Reader.CIFAR10.valid())).imageShape());
    }
}
