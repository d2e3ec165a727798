package org.bitspike.nn.io;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import org.bitspike.tensor.DType;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.function.Executable;

/**
 * Test support for the io package: tensors in awkward layouts, hand-built files, in-memory reads,
 * temporary directories and the error assertion every bad-file test uses.
 */
final class IoSamples {
    /** The fixed seed of every property in this package (jqwik prints it again on failure). */
    static final String SEED = "4420190733";

    /** The name bad-file tests read under; every message must start with it. */
    static final String SOURCE = "test-file";

    private IoSamples() {
    }

    // ---------------------------------------------------------------- tensors

    /** Row-major values of {@code dtype} with the awkward ones mixed in (NaN, -0.0, extremes). */
    static Tensor random(DType dtype, int[] shape, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        return switch (dtype) {
            case FLOAT32 -> {
                float[] v = new float[n];
                float[] specials = {Float.NaN, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, -0.0f,
                    Float.MIN_VALUE, Float.MAX_VALUE, -1.5f};
                for (int i = 0; i < n; i++) {
                    v[i] = rnd.nextInt(4) == 0 ? specials[rnd.nextInt(specials.length)] : (float) rnd.nextDouble(-3, 3);
                }
                yield Tensor.of(v).reshape(shape);
            }
            case FLOAT64 -> {
                double[] v = new double[n];
                double[] specials = {Double.NaN, Double.NEGATIVE_INFINITY, -0.0, Double.MIN_VALUE, 1e300, Math.PI};
                for (int i = 0; i < n; i++) {
                    v[i] = rnd.nextInt(4) == 0 ? specials[rnd.nextInt(specials.length)] : rnd.nextDouble(-3, 3);
                }
                yield Tensor.of(v).reshape(shape);
            }
            case INT32 -> {
                int[] v = new int[n];
                for (int i = 0; i < n; i++) {
                    v[i] = rnd.nextInt(4) == 0 ? (rnd.nextBoolean() ? Integer.MIN_VALUE : Integer.MAX_VALUE) : rnd.nextInt();
                }
                yield Tensor.of(v).reshape(shape);
            }
            case INT64 -> {
                long[] v = new long[n];
                for (int i = 0; i < n; i++) {
                    v[i] = rnd.nextInt(4) == 0 ? (rnd.nextBoolean() ? Long.MIN_VALUE : Long.MAX_VALUE) : rnd.nextLong();
                }
                yield Tensor.of(v).reshape(shape);
            }
            case BOOL -> {
                boolean[] v = new boolean[n];
                for (int i = 0; i < n; i++) {
                    v[i] = rnd.nextBoolean();
                }
                yield Tensor.of(v).reshape(shape);
            }
        };
    }

    /** A logical tensor value and the memory layout it is presented in. */
    record Sample(DType dtype, int[] shape, int collapseMask, long seed, Layout layout) {
        /** The value, contiguous. */
        Tensor logical() {
            return small().expand(shape).copy();
        }

        /** The same value in {@link #layout()}. */
        Tensor tensor() {
            return layout.of(small(), shape);
        }

        private Tensor small() {
            int[] s = shape.clone();
            for (int d = 0; d < s.length; d++) {
                if ((collapseMask & (1 << d)) != 0) {
                    s[d] = Math.min(s[d], 1);
                }
            }
            return random(dtype, s, seed);
        }

        @Override
        public String toString() {
            return dtype + " " + Arrays.toString(shape) + " " + layout + " mask " + collapseMask + " seed " + seed;
        }
    }

    /** Memory layouts of one logical value: only {@link #CONTIGUOUS} is plain row-major from 0. */
    enum Layout {
        CONTIGUOUS, OFFSET7, PERMUTED, STEPPED, EXPANDED;

        Tensor of(Tensor small, int[] shape) {
            Tensor x = small.expand(shape).copy();
            int rank = shape.length;
            switch (this) {
                case CONTIGUOUS:
                    return x;
                case OFFSET7: { // contiguous, but at storage offset 7
                    Tensor flat = Tensor.zeros(x.dtype(), x.numel() + 7);
                    return flat.narrow(0, 7, x.numel()).view(shape).copy_(x);
                }
                case PERMUTED: { // stored with its axes reversed
                    int[] reverse = new int[rank];
                    for (int d = 0; d < rank; d++) {
                        reverse[d] = rank - 1 - d;
                    }
                    return x.permute(reverse).copy().permute(reverse);
                }
                case STEPPED: { // every other element of a larger tensor, from index 1
                    int[] backing = new int[rank];
                    for (int d = 0; d < rank; d++) {
                        backing[d] = 2 * shape[d] + 1;
                    }
                    Tensor v = Tensor.ones(x.dtype(), backing);
                    for (int d = 0; d < rank; d++) {
                        v = v.slice(d, 1, backing[d], 2);
                    }
                    return v.copy_(x);
                }
                default: // stride 0 along the collapsed dimensions
                    return small.expand(shape);
            }
        }
    }

    static final DType[] DTYPES = DType.values();

    /** Shapes of rank 0..4 with sizes 0..4 (mostly 1..4). */
    static Arbitrary<int[]> shapes() {
        Arbitrary<Integer> size = Arbitraries.frequency(
                net.jqwik.api.Tuple.of(1, 0), net.jqwik.api.Tuple.of(3, 1), net.jqwik.api.Tuple.of(3, 2),
                net.jqwik.api.Tuple.of(3, 3), net.jqwik.api.Tuple.of(2, 4));
        return Arbitraries.integers().between(0, 4)
                .flatMap(rank -> size.list().ofSize(rank).map(l -> l.stream().mapToInt(Integer::intValue).toArray()));
    }

    static Arbitrary<Sample> samples() {
        return Combinators.combine(Arbitraries.of(DTYPES), shapes(), Arbitraries.integers().between(0, 15),
                Arbitraries.longs(), Arbitraries.of(Layout.class))
                .as(Sample::new);
    }

    /** Names and metadata strings: printable ASCII plus quotes, backslashes, controls and non-ASCII. */
    static Arbitrary<String> names() {
        return Arbitraries.strings().withCharRange(' ', '~')
                .withChars('"', '\\', '\n', '\t', '\u0001', '\u007f', '\u00e9', '\u4e2d', '\u2028')
                .ofMaxLength(6);
    }

    // ---------------------------------------------------------------- files

    /** A safetensors file: length of {@code header} (as UTF-8), the header, then {@code data}. */
    static byte[] safetensors(String header, byte... data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(h.length).put(h).put(data).array();
    }

    /** Reads safetensors {@code bytes} from memory under the name {@link #SOURCE}. */
    static Checkpoint readSafetensors(byte[] bytes) throws IOException {
        return Safetensors.read(new MemoryChannel(bytes), SOURCE);
    }

    /** Reads npy {@code bytes} from memory under the name {@link #SOURCE}. */
    static Tensor readNpy(byte[] bytes) throws IOException {
        return Npy.read(new MemoryChannel(bytes), SOURCE);
    }

    /** {@code n} bytes from a hex string such as {@code "00 00 80 3f"} (spaces ignored). */
    static byte[] hex(String hex) {
        String h = hex.replace(" ", "");
        byte[] b = new byte[h.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }

    static byte[] concat(byte[]... parts) {
        ByteBuffer b = ByteBuffer.allocate(Arrays.stream(parts).mapToInt(p -> p.length).sum());
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }

    /**
     * Asserts that {@code read} fails with a {@link CheckpointFormatException} whose message starts
     * with {@link #SOURCE} and contains every fragment.
     */
    static CheckpointFormatException expectBadFile(Executable read, String... fragments) {
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, read);
        String m = e.getMessage();
        assertTrue(m.startsWith(SOURCE + ": "), "message should start with the file name: " + m);
        for (String f : fragments) {
            assertTrue(m.contains(f), "message should contain '" + f + "': " + m);
        }
        return e;
    }

    /** A fresh temporary directory. */
    static Path tempDir() {
        try {
            return Files.createTempDirectory("bitspike-io-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes {@code dir} and everything in it. */
    static void deleteRecursively(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            List<Path> paths = new ArrayList<>(all.toList());
            paths.sort(Comparator.reverseOrder());
            for (Path p : paths) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The names in {@code dir}, sorted. */
    static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
