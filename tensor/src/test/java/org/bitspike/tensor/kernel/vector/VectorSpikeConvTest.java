package org.bitspike.tensor.kernel.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.bitspike.tensor.kernel.Conv2dGeometry;
import org.bitspike.tensor.kernel.SpikeConvPaths.Path;
import org.bitspike.tensor.kernel.Tuning;
import org.junit.jupiter.api.Test;

/**
 * The dispatch of {@link VectorSpikeConv}: each image takes the dense form exactly when its spike
 * density reaches {@link Tuning#SPIKE_CONV_DENSE_DENSITY} (padding bits of a row's last word not
 * counted), and a forced path applies to every image. That both forms give the oracle's bits is
 * {@code PackedKernelsSpikeTest}'s business.
 */
class VectorSpikeConvTest {
    @Test
    void eachImageTakesTheFormOfItsOwnDensity() {
        int cin = 70, h = 2, w = 5, words = 2, bits = cin * h * w;
        Conv2dGeometry g = Conv2dGeometry.of(4, cin, h, w, 3, 3, 3, 1, 1, 1, 1);
        long[] x = new long[4 * h * w * words];
        int atThreshold = (int) Math.ceil(Tuning.SPIKE_CONV_DENSE_DENSITY * bits);
        fill(x, 0, h * w, words, 0);                     // silent image
        fill(x, 1, h * w, words, atThreshold - 1);       // just below
        fill(x, 2, h * w, words, atThreshold);           // at the crossover
        fill(x, 3, h * w, words, bits);                  // every input fired
        for (int r = 1; r < 4 * h * w; r += 2) {
            x[r * words + 1] |= -1L << (cin - 64);      // padding bits: never counted
        }
        assertArrayEquals(new boolean[] {false, false, true, true}, VectorSpikeConv.denseImages(g, x, 0, Path.ADAPTIVE));
        assertArrayEquals(new boolean[] {true, true, true, true}, VectorSpikeConv.denseImages(g, x, 0, Path.DENSE));
        assertArrayEquals(new boolean[] {false, false, false, false}, VectorSpikeConv.denseImages(g, x, 0, Path.EVENT));
    }

    /** Sets the first {@code count} channel bits of image {@code n}, pixel after pixel. */
    private static void fill(long[] x, int n, int pixels, int words, int count) {
        int cin = 70;
        for (int i = 0; i < count; i++) {
            int p = i / cin, ci = i % cin;
            x[(n * pixels + p) * words + (ci >>> 6)] |= 1L << ci;
        }
    }
}
