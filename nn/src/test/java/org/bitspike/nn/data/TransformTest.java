package org.bitspike.nn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import org.bitspike.tensor.RandomKey;

/** The transforms: hand-computed cases, and crop and flip against a naive pad-then-crop reference. */
class TransformTest {
    static final String SEED = "271828";
    static final RandomKey KEY = RandomKey.of(3);

    /** 1..n as floats. */
    static float[] counting(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = i + 1;
        }
        return a;
    }

    /** The reference: pad with {@code p} zeros, take the window at top-left {@code (i, j)}. */
    static float[] padThenCrop(float[] in, int c, int h, int w, int p, int i, int j) {
        int ph = h + 2 * p;
        int pw = w + 2 * p;
        float[] padded = new float[c * ph * pw];
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    padded[(ch * ph + y + p) * pw + x + p] = in[(ch * h + y) * w + x];
                }
            }
        }
        float[] out = new float[c * h * w];
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    out[(ch * h + y) * w + x] = padded[(ch * ph + y + i) * pw + x + j];
                }
            }
        }
        return out;
    }

    @Example
    void cropGolden() {
        // 3x3 image 1..9 shifted by dy = 1, dx = -1: out[y][x] = in[y + 1][x - 1]
        float[] a = counting(9);
        RandomCrop.shift(a, 0, 1, 3, 3, 1, -1);
        assertArrayEquals(new float[] {0, 4, 5, 0, 7, 8, 0, 0, 0}, a);
        float[] b = counting(9);
        RandomCrop.shift(b, 0, 1, 3, 3, -2, 2);
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0, 3, 0, 0}, b);
    }

    @Property(seed = SEED)
    void cropEqualsPadThenCrop(@ForAll @IntRange(min = 1, max = 3) int c, @ForAll @IntRange(min = 1, max = 7) int h,
                               @ForAll @IntRange(min = 1, max = 7) int w, @ForAll @IntRange(max = 4) int p,
                               @ForAll long seed) {
        RandomKey key = RandomKey.of(seed);
        int n = c * h * w;
        // the image sits at offset 5 of a larger array whose other entries must stay untouched
        float[] buffer = new float[n + 9];
        Arrays.fill(buffer, -1f);
        System.arraycopy(counting(n), 0, buffer, 5, n);
        Transform.randomCrop(p).apply(buffer, 5, c, h, w, key);
        int i = (int) key.uniformLong(0, 2 * p + 1);
        int j = (int) key.uniformLong(1, 2 * p + 1);
        assertArrayEquals(padThenCrop(counting(n), c, h, w, p, i, j), Arrays.copyOfRange(buffer, 5, 5 + n));
        for (int k : new int[] {0, 1, 2, 3, 4, n + 5, n + 6, n + 7, n + 8}) {
            assertEquals(-1f, buffer[k], "outside the image, index " + k);
        }
    }

    @Example
    void everyShiftEqualsPadThenCrop() {
        int c = 2;
        int h = 4;
        int w = 5;
        int p = 6; // more than the image: whole rows and columns of zeros
        for (int i = 0; i <= 2 * p; i++) {
            for (int j = 0; j <= 2 * p; j++) {
                float[] a = counting(c * h * w);
                RandomCrop.shift(a, 0, c, h, w, i - p, j - p);
                assertArrayEquals(padThenCrop(counting(c * h * w), c, h, w, p, i, j), a, "corner " + i + ", " + j);
            }
        }
    }

    @Example
    void cropPositionsAreAllReachedAndPaddingZeroIsIdentity() {
        int[] seen = new int[25];
        for (int s = 0; s < 2000; s++) {
            RandomKey key = RandomKey.of(s);
            seen[(int) key.uniformLong(0, 5) * 5 + (int) key.uniformLong(1, 5)]++;
        }
        assertTrue(Arrays.stream(seen).allMatch(k -> k > 40), Arrays.toString(seen));
        float[] a = counting(12);
        Transform.randomCrop(0).apply(a, 0, 1, 3, 4, KEY);
        assertArrayEquals(counting(12), a);
    }

    @Example
    void flipGolden() {
        float[] a = counting(12); // [2, 2, 3]
        Transform.randomHorizontalFlip(1.0).apply(a, 0, 2, 2, 3, KEY);
        assertArrayEquals(new float[] {3, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10}, a);
        float[] b = counting(12);
        Transform.randomHorizontalFlip(0.0).apply(b, 0, 2, 2, 3, KEY);
        assertArrayEquals(counting(12), b);
    }

    @Property(seed = SEED)
    void flipMirrorsOrLeavesAloneAsItsKeySays(@ForAll @IntRange(min = 1, max = 6) int w, @ForAll long seed) {
        RandomKey key = RandomKey.of(seed);
        float[] a = counting(3 * w);
        Transform.randomHorizontalFlip().apply(a, 0, 1, 3, w, key);
        boolean flip = key.uniformDouble(0) < 0.5;
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < w; x++) {
                assertEquals(y * w + (flip ? w - 1 - x : x) + 1, a[y * w + x]);
            }
        }
    }

    @Example
    void flipHappensAboutHalfTheTime() {
        int flipped = 0;
        for (int s = 0; s < 1000; s++) {
            float[] a = {1, 2};
            Transform.randomHorizontalFlip().apply(a, 0, 1, 1, 2, RandomKey.of(s));
            flipped += a[0] == 2 ? 1 : 0;
        }
        assertTrue(flipped > 430 && flipped < 570, flipped + " of 1000");
    }

    @Example
    void normalizeGolden() {
        float[] a = {0.5f, 1f, 0.25f, 0.75f}; // [2, 1, 2]
        Transform.normalize(new double[] {0.5, 0.25}, new double[] {0.5, 0.25}).apply(a, 0, 2, 1, 2, KEY);
        assertArrayEquals(new float[] {0f, 1f, 0f, 2f}, a);
        float[] b = {0.5f, 1f};
        Transform.normalize(0.5, 0.25).apply(b, 0, 1, 1, 2, KEY);
        assertArrayEquals(new float[] {0f, 2f}, b);
    }

    @Example
    void badArguments() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Transform.normalize(new double[] {0.1, 0.2}, new double[] {1, 1}).check(3, 32, 32));
        assertEquals("normalize: 2 means and standard deviations for images of 3 channels (expected 1 or 3)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Transform.normalize(0.5, 0));
        assertThrows(IllegalArgumentException.class, () -> Transform.normalize(new double[] {0}, new double[] {1, 1}));
        assertThrows(IllegalArgumentException.class, () -> Transform.randomCrop(-1));
        assertThrows(IllegalArgumentException.class, () -> Transform.randomHorizontalFlip(1.5));
    }
}
