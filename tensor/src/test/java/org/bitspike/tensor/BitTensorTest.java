package org.bitspike.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.bitspike.tensor.BitTensor.Encoding;
import org.bitspike.tensor.kernel.BitKernels;
import org.junit.jupiter.api.Test;

/** Packing tensors and their views, unpacking, and the popcount products against Tensor matmul. */
class BitTensorTest {

    /** A named tensor whose layout is not plain row-major. */
    record Case(String name, Tensor t) {
    }

    /** Awkward layouts: transposed, offset 7 with padded strides, stepped, broadcast (stride 0). */
    static List<Case> views() {
        RandomKey[] keys = RandomKey.of(2024).split(8);
        List<Case> out = new ArrayList<>();
        out.add(new Case("contiguous [3, 70]", Tensor.randn(keys[0], 3, 70)));
        out.add(new Case("transpose of [5, 9, 130]", Tensor.randn(keys[1], 5, 9, 130).transpose(0, 2)));
        out.add(new Case("narrow offset 7 of [8, 13, 77]", Tensor.randn(keys[2], 8, 13, 77).narrow(2, 7, 65)
                .narrow(0, 1, 6)));
        out.add(new Case("step-2 slice of [6, 129]", Tensor.randn(keys[3], 6, 129).slice(1, 1, 129, 2)));
        out.add(new Case("expand of [1, 65]", Tensor.randn(keys[4], 1, 65).expand(4, 65)));
        out.add(new Case("NCHW [2, 67, 3, 5]", Tensor.randn(keys[5], 2, 67, 3, 5)));
        out.add(new Case("permuted NHWC as NCHW", Tensor.randn(keys[6], 2, 3, 5, 130).permute(0, 3, 1, 2)));
        out.add(new Case("1-d [4098]", Tensor.randn(keys[7], 4098)));
        out.add(new Case("FLOAT64 with tiny positives", Tensor.of(new double[] {1e-300, -1e-300, 0, 2, Double.NaN, -0.0},
                2, 3)));
        out.add(new Case("INT32", Tensor.of(new int[] {3, -1, 0, 7, 0, -5, 1, 1}, 4, 2)));
        out.add(new Case("empty [0, 5]", Tensor.zeros(0, 5)));
        return out;
    }

    @Test
    void unpackOfPackIsTheSignOrSpikeOfEveryElement() {
        for (Case c : views()) {
            double[] values = c.t().toDoubleArray();
            for (int dim = 0; dim < c.t().dim(); dim++) {
                for (Encoding e : Encoding.values()) {
                    BitTensor bits = BitTensor.pack(c.t(), dim, e);
                    Tensor back = bits.unpack();
                    String where = c.name() + " dim " + dim + " " + e;
                    assertEquals(DType.FLOAT32, back.dtype(), where);
                    assertArrayEquals(c.t().shape(), back.shape(), where);
                    assertTrue(back.isContiguous(), where);
                    float[] got = back.toFloatArray();
                    for (int i = 0; i < values.length; i++) {
                        boolean set = e == Encoding.SIGN ? values[i] >= 0 : values[i] > 0;
                        assertEquals(set ? e.one() : e.zero(), got[i], where + " element " + i);
                    }
                }
            }
        }
    }

    @Test
    void packingAViewEqualsPackingItsContiguousCopy() {
        for (Case c : views()) {
            for (int dim = 0; dim < c.t().dim(); dim++) {
                BitTensor view = BitTensor.pack(c.t(), dim);
                BitTensor copy = BitTensor.pack(c.t().contiguous(), dim);
                String where = c.name() + " dim " + dim;
                assertArrayEquals(copy.words(), view.words(), where);
                assertEquals(dim, view.packedDim(), where);
                assertEquals(BitKernels.words(c.t().size(dim)), view.rowWords(), where);
            }
        }
    }

    @Test
    void packedDimensionIsMovedLastAndPaddingIsZero() {
        // NCHW [1, 3, 1, 2] packed along channels: rows are pixels (h, w), bits are channels.
        Tensor x = Tensor.of(new float[] {1, -1, -1, 1, 1, 1}, 1, 3, 1, 2);
        BitTensor bits = BitTensor.pack(x, 1);
        assertArrayEquals(new long[] {0b101L, 0b110L}, bits.words());
        assertEquals(2, bits.rows());
        assertArrayEquals(new int[] {1, 3, 1, 2}, bits.shape());
        assertEquals(1, BitTensor.pack(x, -3).packedDim());
    }

    @Test
    void javadocExample() {
        Tensor x = Tensor.of(new float[] {0.3f, -2f, 0f, 5f}, 2, 2);
        BitTensor bits = BitTensor.pack(x, 1);
        assertArrayEquals(new long[] {0b01L, 0b11L}, bits.words());
        assertArrayEquals(new float[] {1, -1, 1, 1}, bits.unpack().toFloatArray());
        Tensor dots = BitTensor.xnorMatmul(bits, bits);
        assertEquals(DType.INT32, dots.dtype());
        assertArrayEquals(new int[] {2, 0, 0, 2}, dots.toIntArray());
        assertArrayEquals(new float[] {1, 0, 0, 1}, BitTensor.pack(x, 1, Encoding.SPIKE).unpack().toFloatArray());
    }

    /**
     * The one sign rule: SIGN packs x >= 0 (+0 and -0 alike) to +1 and x < 0 and NaN to -1; SPIKE
     * packs x > 0 to a spike and 0, -0 and NaN to silence. FLOAT32 (the kernels' threshold) and
     * FLOAT64 (compared in double, so a tiny double that rounds to a float 0 keeps its side), in a
     * row long enough that the Vector API packs whole vectors of these values.
     */
    @Test
    void signAndSpikePackingOfZeroNegativeZeroNaNAndTinyValues() {
        float[] specials = {0f, -0f, Float.NaN, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, -Float.MIN_NORMAL,
                1f, -1f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        float[] signWant = {1, 1, -1, 1, -1, 1, -1, 1, -1, 1, -1};
        float[] spikeWant = {0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0};
        int repeats = 13; // 143 values: two full words and a tail
        float[] x = new float[specials.length * repeats];
        float[] sign = new float[x.length];
        float[] spike = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = specials[i % specials.length];
            sign[i] = signWant[i % specials.length];
            spike[i] = spikeWant[i % specials.length];
        }
        Tensor row = Tensor.of(x, 1, x.length);
        assertArrayEquals(sign, BitTensor.pack(row, 1).unpack().toFloatArray(), "FLOAT32 SIGN");
        assertArrayEquals(spike, BitTensor.pack(row, 1, Encoding.SPIKE).unpack().toFloatArray(), "FLOAT32 SPIKE");
        assertArrayEquals(sign, BitTensor.pack(row.to(DType.FLOAT64), 1).unpack().toFloatArray(), "FLOAT64 SIGN");
        assertArrayEquals(spike, BitTensor.pack(row.to(DType.FLOAT64), 1, Encoding.SPIKE).unpack().toFloatArray(),
                "FLOAT64 SPIKE");
        Tensor tiny = Tensor.of(new double[] {1e-300, -1e-300, 0.0, -0.0, Double.NaN}, 1, 5);
        assertArrayEquals(new float[] {1, -1, 1, 1, -1}, BitTensor.pack(tiny, 1).unpack().toFloatArray(), "tiny doubles SIGN");
        assertArrayEquals(new float[] {1, 0, 0, 0, 0}, BitTensor.pack(tiny, 1, Encoding.SPIKE).unpack().toFloatArray(),
                "tiny doubles SPIKE");
        Tensor ints = Tensor.of(new int[] {0, -1, 2}, 1, 3);
        assertArrayEquals(new float[] {1, -1, 1}, BitTensor.pack(ints, 1).unpack().toFloatArray(), "INT32 SIGN");
        assertArrayEquals(new float[] {0, 0, 1}, BitTensor.pack(ints, 1, Encoding.SPIKE).unpack().toFloatArray(),
                "INT32 SPIKE");
        for (int i = 0; i < specials.length; i++) {
            assertEquals(sign[i] > 0, Encoding.SIGN.packsToOne(specials[i]), "SIGN.packsToOne(" + specials[i] + ")");
            assertEquals(spike[i] > 0, Encoding.SPIKE.packsToOne(specials[i]), "SPIKE.packsToOne(" + specials[i] + ")");
        }
    }

    @Test
    void xnorMatmulEqualsTensorMatmulOnSigns() {
        RandomKey[] keys = RandomKey.of(77).split(2);
        int[][] shapes = {{1, 1, 1}, {3, 7, 13}, {13, 31, 64}, {31, 3, 65}, {64, 13, 207}, {7, 33, 4098}, {40, 21, 1152}};
        for (int[] s : shapes) {
            int m = s[0], n = s[1], k = s[2];
            // A is a transposed view and B a narrowed one, so packing reads strided memory.
            Tensor a = Tensor.randn(keys[0].fold(k), k, m).t();
            Tensor b = Tensor.randn(keys[1].fold(k), n, k + 9).narrow(1, 9, k);
            Tensor got = BitTensor.xnorMatmul(BitTensor.pack(a, 1), BitTensor.pack(b, 1));
            Tensor signsA = BitTensor.pack(a, 1).unpack();
            Tensor signsB = BitTensor.pack(b, 1).unpack();
            Tensor want = signsA.matmul(signsB.t()).to(DType.INT32);
            assertEquals(DType.INT32, got.dtype());
            assertArrayEquals(new int[] {m, n}, got.shape());
            assertTrue(want.contentEquals(got), "m=" + m + " n=" + n + " k=" + k);
        }
    }

    @Test
    void andMatmulCountsCoincidentSpikes() {
        RandomKey key = RandomKey.of(5);
        Tensor a = Tensor.randn(key.fold(1), 9, 130);
        Tensor b = Tensor.randn(key.fold(2), 17, 130);
        BitTensor sa = BitTensor.pack(a, 1, Encoding.SPIKE);
        BitTensor sb = BitTensor.pack(b, 1, Encoding.SPIKE);
        Tensor want = sa.unpack().matmul(sb.unpack().t()).to(DType.INT32);
        assertTrue(want.contentEquals(BitTensor.andMatmul(sa, sb)));
    }

    @Test
    void errorsNameTheOpTheShapesAndTheRule() {
        BitTensor a = BitTensor.pack(Tensor.ones(2, 3), 1);
        BitTensor b = BitTensor.pack(Tensor.ones(4, 5), 1);
        assertMessage(() -> BitTensor.xnorMatmul(a, b), "xnorMatmul", "[2, 3]", "[4, 5]", "inner dimensions 3 != 5");
        BitTensor alongRows = BitTensor.pack(Tensor.ones(4, 3), 0);
        assertMessage(() -> BitTensor.xnorMatmul(a, alongRows), "xnorMatmul", "[4, 3]", "packed along dim 0",
                "dim 1");
        BitTensor threeD = BitTensor.pack(Tensor.ones(2, 2, 3), 2);
        assertMessage(() -> BitTensor.xnorMatmul(threeD, a), "xnorMatmul", "[2, 2, 3]", "2-d");
        BitTensor spikes = BitTensor.pack(Tensor.ones(4, 3), 1, Encoding.SPIKE);
        assertMessage(() -> BitTensor.xnorMatmul(a, spikes), "xnorMatmul", "SPIKE", "must be SIGN");
        assertMessage(() -> BitTensor.andMatmul(a, spikes), "andMatmul", "SIGN", "must be SPIKE");
        assertMessage(() -> BitTensor.pack(Tensor.ones(2, 3), 2), "BitTensor.pack", "dimension 2 out of range");
        assertMessage(() -> BitTensor.pack(Tensor.scalar(DType.FLOAT32, 1), 0), "BitTensor.pack", "0-d", "[]");
    }

    @Test
    void packDoesNotModifyItsInput() {
        Tensor x = Tensor.randn(RandomKey.of(9), 4, 70).t();
        float[] before = x.toFloatArray();
        int version = x.version();
        BitTensor.pack(x, 0);
        assertArrayEquals(before, x.toFloatArray());
        assertEquals(version, x.version());
        assertFalse(x.isContiguous());
    }

    private static void assertMessage(Runnable r, String... parts) {
        TensorException e = assertThrows(TensorException.class, r::run);
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + p + "' missing from: " + e.getMessage());
        }
    }
}
