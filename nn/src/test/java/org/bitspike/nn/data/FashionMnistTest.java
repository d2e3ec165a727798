package org.bitspike.nn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.zip.CRC32;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real Fashion-MNIST files of Debian's {@code dataset-fashion-mnist}, which {@code scripts/setup}
 * installs: counts, shapes, labels, and checksums of the decoded pixels (CRC-32 of the pixel bytes
 * after the IDX header, computed independently with Python's zlib), the balanced classes and the
 * well-known mean and standard deviation.
 */
class FashionMnistTest {
    @BeforeAll
    static void filesAreInstalled() {
        assertTrue(Files.isRegularFile(Datasets.FASHION_MNIST_DIR.resolve("train-images-idx3-ubyte.gz")),
                "Fashion-MNIST is missing from " + Datasets.FASHION_MNIST_DIR
                        + ": run scripts/setup (it installs Debian's dataset-fashion-mnist)");
    }

    static Dataset check(Split split, int count, long pixelCrc, double mean, double std) throws IOException {
        Dataset d = Datasets.fashionMnist(split);
        assertEquals(count, d.size());
        assertArrayEquals(new int[] {1, 28, 28}, d.imageShape());
        assertEquals(10, d.numClasses());
        int[] perClass = new int[10];
        CRC32 crc = new CRC32();
        for (int i = 0; i < count; i++) {
            perClass[d.label(i)]++; // label() is in 0..9 or this throws
            crc.update(DataFiles.imageBytes(d, i));
        }
        int[] balanced = new int[10];
        java.util.Arrays.fill(balanced, count / 10);
        assertArrayEquals(balanced, perClass, "images per class");
        assertEquals(pixelCrc, crc.getValue(), "CRC-32 of the pixels");
        assertEquals(mean, d.channelMean()[0], 1e-9);
        assertEquals(std, d.channelStd()[0], 1e-9);
        return d;
    }

    @Test
    void trainingSet() throws IOException {
        Dataset train = check(Split.TRAIN, 60_000, 0xae65dccdL, 0.2860405969887955, 0.3530242445149226);
        assertEquals(9, train.label(0), "the first training image is an ankle boot");
    }

    @Test
    void testSet() throws IOException {
        check(Split.TEST, 10_000, 0x12728439L, 0.28684928071228494, 0.35244415324744005);
    }
}
