package org.bitspike.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The bit kernels of every provider against their definitions, the float GEMM oracle and each
 * other. Sizes hit every word, tile and panel tail.
 */
class BitKernelsTest {
    private static final int[] PACK_KS = {1, 3, 7, 13, 31, 63, 64, 65, 207, 4098};
    private static final float[] SPECIALS = {Float.NaN, 0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0.5f, Math.nextDown(0.5f), 1f, -1f};
    private static final long SENTINEL = 0x5EEDFACE5EEDFACEL;

    static List<KernelProvider> providers() {
        return List.of(KernelProvider.scalar(), KernelProvider.lookup("vector").provider());
    }

    // ---- golden cases ---------------------------------------------------------------------

    @Test
    void packGoldenSignAndThreshold() {
        float[] x = {0.5f, -0f, 0f, Float.NaN, Float.MIN_VALUE, -1f, Float.POSITIVE_INFINITY};
        for (KernelProvider p : providers()) {
            long[] sign = new long[1];
            p.bits().pack(1, x.length, x, 0, x.length, 1, BitKernels.SPIKE_THRESHOLD, sign, 0, 1, Parallel.shared());
            assertEquals(0b1010001L, sign[0], p.name() + ": value > 0 packs to 1, NaN and -0 to 0");
            long[] spike = new long[1];
            p.bits().pack(1, 4, new float[] {1f, 0.999f, 2f, Float.NaN}, 0, 4, 1, 1f, spike, 0, 1,
                    Parallel.shared());
            assertEquals(0b0101L, spike[0], p.name() + ": value >= threshold packs to 1");
        }
    }

    /**
     * Threshold +0 is the SIGN encoding's rule x >= 0: +0 and -0 pack to 1, NaN and negatives
     * (also -MIN_VALUE) to 0, in the scalar loop and in whole Vector API compares (the row repeats
     * the specials past several vector widths, and its column-strided copy packs the same bits).
     */
    @Test
    void packAtThresholdZeroIsTheSignRule() {
        float[] specials = {0.5f, -0f, 0f, Float.NaN, Float.MIN_VALUE, -Float.MIN_VALUE, -1f, Float.NEGATIVE_INFINITY};
        int k = 64 * 3 + 5;
        float[] x = new float[k];
        long[] want = new long[BitKernels.words(k)];
        for (int j = 0; j < k; j++) {
            x[j] = specials[j % specials.length];
            if (x[j] >= 0f) { // NOTE: Java's >= is the definition: true for -0f, false for NaN
                want[j >>> 6] |= 1L << (j & 63);
            }
        }
        assertEquals(0b00010111L, want[0] & 0xFFL, "the definition itself: 0.5, -0, 0 and MIN_VALUE are set");
        for (KernelProvider p : providers()) {
            long[] got = new long[want.length];
            p.bits().pack(1, k, x, 0, k, 1, 0f, got, 0, want.length, Parallel.shared());
            assertArrayEquals(want, got, p.name() + ": row, threshold +0");
            long[] columns = new long[2 * want.length];
            float[] twoRows = new float[2 * k];
            for (int j = 0; j < k; j++) {
                twoRows[2 * j] = x[j];
                twoRows[2 * j + 1] = x[j];
            }
            p.bits().pack(2, k, twoRows, 0, 1, 2, 0f, columns, 0, want.length, Parallel.shared());
            assertArrayEquals(want, Arrays.copyOfRange(columns, 0, want.length), p.name() + ": column-strided row 0");
            assertArrayEquals(want, Arrays.copyOfRange(columns, want.length, 2 * want.length),
                    p.name() + ": column-strided row 1");
        }
    }

    @Test
    void gemmGolden() {
        // a = (+1, -1, +1); b0 = (+1, +1, +1), b1 = (-1, +1, -1); as spikes a = (1, 0, 1) etc.
        long[] a = {0b101L};
        long[] b = {0b111L, 0b010L};
        for (KernelProvider p : providers()) {
            int[] c = new int[2];
            p.bits().xnorGemm(1, 2, 3, a, 0, 1, b, 0, 1, c, 0, 2, Parallel.shared());
            assertArrayEquals(new int[] {1, -3}, c, p.name() + " xnor");
            p.bits().andGemm(1, 2, 3, a, 0, 1, b, 0, 1, c, 0, 2, Parallel.shared());
            assertArrayEquals(new int[] {2, 0}, c, p.name() + " and");
        }
    }

    // ---- packing --------------------------------------------------------------------------

    @Property(seed = "1407")
    void packUnpackRoundTrip(@ForAll @IntRange(min = 0, max = 9) int kIndex,
                             @ForAll @IntRange(min = 0, max = 37) int rows,
                             @ForAll Layout layout,
                             @ForAll @IntRange(min = 0, max = 7) int off,
                             @ForAll @IntRange(min = 0, max = 3) int pad,
                             @ForAll boolean signMode,
                             @ForAll long seed) {
        int k = PACK_KS[kIndex];
        Random rnd = new Random(seed);
        boolean columnMajor = layout == Layout.COLUMN_MAJOR;
        int rs = layout.rowStride(rows, k, pad);
        int cs = layout.colStride(rows, k, pad);
        float[] src = new float[off + (rows == 0 ? 0 : (rows - 1) * rs + (k - 1) * cs + 1)];
        for (int i = 0; i < src.length; i++) {
            src[i] = rnd.nextInt(4) == 0 ? SPECIALS[rnd.nextInt(SPECIALS.length)] : (float) rnd.nextGaussian();
        }
        float threshold = signMode ? BitKernels.SIGN_THRESHOLD : 0.5f;
        float one = 1f;
        float zero = signMode ? -1f : 0f;
        int words = BitKernels.words(k);
        int ldw = words + pad;
        int dstOff = off / 2;
        for (KernelProvider p : providers()) {
            String where = p.name() + " rows=" + rows + " k=" + k + " " + layout + " off=" + off
                    + " pad=" + pad;
            long[] packed = new long[dstOff + rows * ldw + 2];
            Arrays.fill(packed, SENTINEL);
            p.bits().pack(rows, k, src, off, rs, cs, threshold, packed, dstOff, ldw, Parallel.shared());
            for (int r = 0; r < rows; r++) {
                for (int w = 0; w < ldw; w++) {
                    long expected = SENTINEL;
                    if (w < words) {
                        expected = 0;
                        for (int j = w * 64; j < Math.min(k, w * 64 + 64); j++) {
                            if (src[off + r * rs + j * cs] >= threshold) {
                                expected |= 1L << (j & 63);
                            }
                        }
                    }
                    assertEquals(expected, packed[dstOff + r * ldw + w], where + " word " + w + " of row " + r);
                }
            }
            for (int i = 0; i < dstOff; i++) {
                assertEquals(SENTINEL, packed[i], where + " word before the rows");
            }
            assertEquals(SENTINEL, packed[packed.length - 1], where + " word after the rows");

            // Unpack into the transposed layout (a strided one into itself) and check each value.
            Layout other = layout == Layout.STRIDED ? layout : columnMajor ? Layout.ROW_MAJOR : Layout.COLUMN_MAJOR;
            int urs = other.rowStride(rows, k, pad);
            int ucs = other.colStride(rows, k, pad);
            float[] out = new float[3 + (rows == 0 ? 0 : (rows - 1) * urs + (k - 1) * ucs + 1) + 2];
            Arrays.fill(out, 42f);
            p.bits().unpack(rows, k, packed, dstOff, ldw, one, zero, out, 3, urs, ucs, Parallel.shared());
            float[] again = out.clone();
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < k; j++) {
                    float want = src[off + r * rs + j * cs] >= threshold ? one : zero;
                    assertEquals(want, out[3 + r * urs + j * ucs], where + " unpacked (" + r + ", " + j + ")");
                    again[3 + r * urs + j * ucs] = 42f;
                }
            }
            for (float v : again) {
                assertEquals(42f, v, where + ": unpack wrote outside its elements");
            }

            // And packing the unpacked values gives the same words back.
            long[] repacked = new long[dstOff + rows * ldw + 2];
            Arrays.fill(repacked, SENTINEL);
            p.bits().pack(rows, k, out, 3, urs, ucs, threshold, repacked, dstOff, ldw, Parallel.shared());
            assertArrayEquals(packed, repacked, where + " repack");
        }
    }

    /** Source and destination layouts of a [rows, k] float matrix, with {@code pad} extra elements. */
    enum Layout {
        /** Rows of contiguous elements, {@code k + pad} apart. */
        ROW_MAJOR,
        /** Columns of contiguous elements (rows adjacent, like the channels of NCHW). */
        COLUMN_MAJOR,
        /** Neither stride 1: every other element of rows spaced {@code 2k + pad + 1} apart. */
        STRIDED;

        int rowStride(int rows, int k, int pad) {
            return switch (this) {
                case ROW_MAJOR -> k + pad;
                case COLUMN_MAJOR -> 1;
                case STRIDED -> 2 * k + pad + 1;
            };
        }

        int colStride(int rows, int k, int pad) {
            return switch (this) {
                case ROW_MAJOR -> 1;
                case COLUMN_MAJOR -> rows + pad;
                case STRIDED -> 2;
            };
        }
    }

    @Test
    void packIsIdenticalForOneAndTwoThreads() {
        Random rnd = new Random(11);
        int rows = 1000;
        int k = 207;
        float[] src = new float[rows * k];
        for (int i = 0; i < src.length; i++) {
            src[i] = (float) rnd.nextGaussian();
        }
        int words = BitKernels.words(k);
        try (Parallel one = Parallel.of(1); Parallel two = Parallel.of(2)) {
            for (KernelProvider p : providers()) {
                long[] x1 = new long[rows * words];
                long[] x2 = new long[rows * words];
                // channels-last source read as columns: rows stride 1, k stride `rows`
                p.bits().pack(rows, k, src, 0, 1, rows, 0.1f, x1, 0, words, one);
                p.bits().pack(rows, k, src, 0, 1, rows, 0.1f, x2, 0, words, two);
                assertArrayEquals(x1, x2, p.name());
                float[] f1 = new float[rows * k];
                float[] f2 = new float[rows * k];
                p.bits().unpack(rows, k, x1, 0, words, 1f, -1f, f1, 0, k, 1, one);
                p.bits().unpack(rows, k, x1, 0, words, 1f, -1f, f2, 0, k, 1, two);
                assertArrayEquals(f1, f2, p.name());
                // and unpacking into the channels layout
                p.bits().unpack(rows, k, x1, 0, words, 1f, -1f, f1, 0, 1, rows, one);
                p.bits().unpack(rows, k, x1, 0, words, 1f, -1f, f2, 0, 1, rows, two);
                assertArrayEquals(f1, f2, p.name());
            }
            // Every provider equals the oracle on these many-task shapes, in both layouts.
            BitKernels oracle = KernelProvider.scalar().bits();
            long[] want = new long[rows * words];
            long[] got = new long[rows * words];
            for (boolean channels : new boolean[] {true, false}) {
                int rs = channels ? 1 : k;
                int cs = channels ? rows : 1;
                oracle.pack(rows, k, src, 0, rs, cs, 0.1f, want, 0, words, one);
                for (KernelProvider p : providers()) {
                    p.bits().pack(rows, k, src, 0, rs, cs, 0.1f, got, 0, words, two);
                    assertArrayEquals(want, got, p.name() + (channels ? " channels" : " rows"));
                }
            }
        }
    }

    // ---- GEMM -----------------------------------------------------------------------------

    /** Every (m, n, k) from {@link BitTestData#TAILS} whose work {@code m n k} is at most {@code max}. */
    static List<int[]> tailShapes(long max) {
        List<int[]> out = new ArrayList<>();
        for (int m : BitTestData.TAILS) {
            for (int n : BitTestData.TAILS) {
                for (int k : BitTestData.TAILS) {
                    if ((long) m * n * k <= max) {
                        out.add(new int[] {m, n, k});
                    }
                }
            }
        }
        return out;
    }

    @Test
    void xnorGemmEqualsFloatGemmOnSigns() {
        Random rnd = new Random(3);
        for (int[] s : tailShapes(3_000_000)) {
            int m = s[0], n = s[1], k = s[2], w = BitKernels.words(k);
            long[] a = BitTestData.randomBits(rnd, m, k, 0, w, false);
            long[] b = BitTestData.randomBits(rnd, n, k, 0, w, false);
            int[] want = BitTestData.floatProduct(m, n, k, BitTestData.toFloats(a, 0, w, m, k, 1f, -1f),
                    BitTestData.toFloats(b, 0, w, n, k, 1f, -1f));
            for (KernelProvider p : providers()) {
                int[] c = new int[m * n];
                p.bits().xnorGemm(m, n, k, a, 0, w, b, 0, w, c, 0, n, Parallel.shared());
                assertArrayEquals(want, c, p.name() + " xnor " + Arrays.toString(s));
            }
        }
    }

    @Test
    void andGemmEqualsFloatGemmOnSpikes() {
        Random rnd = new Random(4);
        for (int[] s : tailShapes(3_000_000)) {
            int m = s[0], n = s[1], k = s[2], w = BitKernels.words(k);
            long[] a = BitTestData.randomBits(rnd, m, k, 0, w, false);
            long[] b = BitTestData.randomBits(rnd, n, k, 0, w, false);
            int[] want = BitTestData.floatProduct(m, n, k, BitTestData.toFloats(a, 0, w, m, k, 1f, 0f),
                    BitTestData.toFloats(b, 0, w, n, k, 1f, 0f));
            for (KernelProvider p : providers()) {
                int[] c = new int[m * n];
                p.bits().andGemm(m, n, k, a, 0, w, b, 0, w, c, 0, n, Parallel.shared());
                assertArrayEquals(want, c, p.name() + " and " + Arrays.toString(s));
            }
        }
    }

    /**
     * Vector provider equals the scalar oracle exactly on every tail shape, with offsets, padded
     * leading dimensions and garbage in the padding bits (which both must mask).
     */
    @Test
    void vectorEqualsScalarWithOffsetsAndDirtyPadding() {
        Random rnd = new Random(5);
        BitKernels scalar = KernelProvider.scalar().bits();
        BitKernels vector = KernelProvider.lookup("vector").provider().bits();
        for (int[] s : tailShapes(40_000_000)) {
            int m = s[0], n = s[1], k = s[2], w = BitKernels.words(k);
            int lda = w + rnd.nextInt(3);
            int ldb = w + rnd.nextInt(3);
            int ldc = n + rnd.nextInt(3);
            long[] a = BitTestData.randomBits(rnd, m, k, 5, lda, true);
            long[] b = BitTestData.randomBits(rnd, n, k, 2, ldb, true);
            for (boolean xnor : new boolean[] {true, false}) {
                int[] want = new int[3 + m * ldc];
                int[] got = new int[3 + m * ldc];
                Arrays.fill(want, -7);
                Arrays.fill(got, -7);
                if (xnor) {
                    scalar.xnorGemm(m, n, k, a, 5, lda, b, 2, ldb, want, 3, ldc, Parallel.shared());
                    vector.xnorGemm(m, n, k, a, 5, lda, b, 2, ldb, got, 3, ldc, Parallel.shared());
                } else {
                    scalar.andGemm(m, n, k, a, 5, lda, b, 2, ldb, want, 3, ldc, Parallel.shared());
                    vector.andGemm(m, n, k, a, 5, lda, b, 2, ldb, got, 3, ldc, Parallel.shared());
                }
                assertArrayEquals(want, got, (xnor ? "xnor " : "and ") + Arrays.toString(s));
            }
        }
    }

    @Test
    void paddingBitsDoNotChangeTheResult() {
        Random rnd = new Random(6);
        int m = 13, n = 31, k = 207, w = BitKernels.words(k);
        long[] a = BitTestData.randomBits(rnd, m, k, 0, w, false);
        long[] b = BitTestData.randomBits(rnd, n, k, 0, w, false);
        long[] aDirty = a.clone();
        long[] bDirty = b.clone();
        for (int r = 0; r < m; r++) {
            aDirty[r * w + w - 1] |= ~BitKernels.lastWordMask(k);
        }
        for (int r = 0; r < n; r += 2) {
            bDirty[r * w + w - 1] |= rnd.nextLong() & ~BitKernels.lastWordMask(k);
        }
        for (KernelProvider p : providers()) {
            int[] clean = new int[m * n];
            int[] dirty = new int[m * n];
            p.bits().xnorGemm(m, n, k, a, 0, w, b, 0, w, clean, 0, n, Parallel.shared());
            p.bits().xnorGemm(m, n, k, aDirty, 0, w, bDirty, 0, w, dirty, 0, n, Parallel.shared());
            assertArrayEquals(clean, dirty, p.name() + " xnor");
            p.bits().andGemm(m, n, k, a, 0, w, b, 0, w, clean, 0, n, Parallel.shared());
            p.bits().andGemm(m, n, k, aDirty, 0, w, bDirty, 0, w, dirty, 0, n, Parallel.shared());
            assertArrayEquals(clean, dirty, p.name() + " and");
        }
    }

    @Test
    void gemmIsIdenticalForOneAndTwoThreads() {
        Random rnd = new Random(8);
        int m = 207, n = 131, k = 1152, w = BitKernels.words(k);
        long[] a = BitTestData.randomBits(rnd, m, k, 0, w, false);
        long[] b = BitTestData.randomBits(rnd, n, k, 0, w, false);
        try (Parallel one = Parallel.of(1); Parallel two = Parallel.of(2)) {
            for (KernelProvider p : providers()) {
                int[] c1 = new int[m * n];
                int[] c2 = new int[m * n];
                p.bits().xnorGemm(m, n, k, a, 0, w, b, 0, w, c1, 0, n, one);
                p.bits().xnorGemm(m, n, k, a, 0, w, b, 0, w, c2, 0, n, two);
                assertArrayEquals(c1, c2, p.name() + " xnor");
                p.bits().andGemm(m, n, k, a, 0, w, b, 0, w, c1, 0, n, one);
                p.bits().andGemm(m, n, k, a, 0, w, b, 0, w, c2, 0, n, two);
                assertArrayEquals(c1, c2, p.name() + " and");
            }
        }
    }

    @Test
    void emptyShapesWriteNothing() {
        for (KernelProvider p : providers()) {
            int[] c = {9, 9};
            p.bits().xnorGemm(0, 2, 5, new long[0], 0, 1, new long[2], 0, 1, c, 0, 2, Parallel.shared());
            assertArrayEquals(new int[] {9, 9}, c, p.name());
            p.bits().xnorGemm(1, 2, 0, new long[0], 0, 0, new long[0], 0, 0, c, 0, 2, Parallel.shared());
            assertArrayEquals(new int[] {0, 0}, c, p.name() + ": k = 0 is an empty sum");
        }
    }
}
