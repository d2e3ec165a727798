package org.bitspike.nn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.stream.IntStream;

import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The in-memory dataset: construction checks, tensors, subsets, seeded splits, channel statistics. */
class DatasetTest {
    /** {@code n} images of [2, 2, 3] whose first pixel is the image's index; label = index mod 5. */
    static Dataset indexed(int n) {
        byte[] pixels = new byte[n * 12];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            pixels[i * 12] = (byte) i;
            pixels[i * 12 + 11] = (byte) 255;
            labels[i] = i % 5;
        }
        return Dataset.of(pixels, labels, 2, 2, 3, 5);
    }

    /** The index each image of {@code d} was made from (its first pixel). */
    static int[] ids(Dataset d) {
        return IntStream.range(0, d.size()).map(i -> DataFiles.imageBytes(d, i)[0] & 0xff).toArray();
    }

    @Test
    void ofChecksItsArguments() {
        var e = assertThrows(IllegalArgumentException.class, () -> Dataset.of(new byte[11], new int[1], 2, 2, 3, 5));
        assertEquals("Dataset.of: 1 labels of [2, 2, 3] images need 12 pixel bytes, got 11", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Dataset.of(new byte[24], new int[] {0, 5}, 2, 2, 3, 5));
        assertEquals("Dataset.of: label 1 is 5, expected 0..4", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Dataset.of(new byte[0], new int[0], 0, 2, 3, 5));
    }

    @Test
    void ofCopiesItsArrays() {
        byte[] pixels = new byte[12];
        int[] labels = {1};
        Dataset d = Dataset.of(pixels, labels, 2, 2, 3, 5);
        pixels[0] = 7;
        labels[0] = 2;
        assertEquals(0, DataFiles.imageBytes(d, 0)[0]);
        assertEquals(1, d.label(0));
    }

    @Test
    void tensorsAreFloat32InUnitRangeAndInt64() {
        Dataset d = indexed(3);
        Tensor x = d.images();
        assertArrayEquals(new int[] {3, 2, 2, 3}, x.shape());
        assertEquals(2 / 255f, x.getFloat(2, 0, 0, 0));
        assertEquals(1f, x.getFloat(1, 1, 1, 2));
        assertArrayEquals(new long[] {0, 1, 2}, d.labels().toLongArray());
        assertArrayEquals(new int[] {2, 2, 3}, d.image(0).shape());
        assertThrows(IndexOutOfBoundsException.class, () -> d.label(3));
    }

    @Test
    void subsetsShareAndCompose() {
        Dataset d = indexed(10);
        Dataset s = d.subset(7, 2, 2, 9);
        assertArrayEquals(new int[] {7, 2, 2, 9}, ids(s));
        assertArrayEquals(new int[] {2, 2, 2, 4}, IntStream.range(0, 4).map(s::label).toArray());
        assertArrayEquals(new int[] {9, 7}, ids(s.subset(3, 0)));
        var e = assertThrows(IndexOutOfBoundsException.class, () -> s.subset(4));
        assertEquals("Dataset.subset: index 4 at position 0 is outside 0..3", e.getMessage());
    }

    @Test
    void splitIsSeededDisjointAndComplete() {
        Dataset d = indexed(100);
        Dataset.TrainValidation a = d.split(0.2, RandomKey.of(5));
        Dataset.TrainValidation b = d.split(20, RandomKey.of(5));
        Dataset.TrainValidation c = d.split(20, RandomKey.of(6));
        assertEquals(80, a.train().size());
        assertEquals(20, a.validation().size());
        assertArrayEquals(ids(a.validation()), ids(b.validation()), "same key, same split");
        assertArrayEquals(ids(a.train()), ids(b.train()));
        assertNotEquals(Arrays.toString(ids(a.validation())), Arrays.toString(ids(c.validation())));
        int[] all = IntStream.concat(Arrays.stream(ids(a.train())), Arrays.stream(ids(a.validation()))).sorted().toArray();
        assertArrayEquals(IntStream.range(0, 100).toArray(), all, "the parts are disjoint and cover everything");
        int[] validation = ids(a.validation());
        assertTrue(IntStream.range(1, validation.length).allMatch(i -> validation[i - 1] < validation[i]), "kept in order");
        assertEquals(0, d.split(0.0, RandomKey.of(1)).validation().size());
        assertEquals(100, d.split(1.0, RandomKey.of(1)).validation().size());
        assertThrows(IllegalArgumentException.class, () -> d.split(1.5, RandomKey.of(1)));
        assertThrows(IllegalArgumentException.class, () -> d.split(101, RandomKey.of(1)));
    }

    @Test
    void channelStatistics() {
        // channel 0: pixels 0, 255 (mean 0.5, std 0.5); channel 1: 51 and 51 (mean 0.2, std 0)
        Dataset d = Dataset.of(new byte[] {0, (byte) 255, 51, 51}, new int[] {0}, 2, 1, 2, 1);
        assertArrayEquals(new double[] {0.5, 0.2}, d.channelMean(), 1e-12);
        assertArrayEquals(new double[] {0.5, 0.0}, d.channelStd(), 1e-12);
        assertEquals("Dataset[1 images of [2, 1, 2], 1 classes]", d.toString());
    }
}
