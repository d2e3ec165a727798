package org.bitspike.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bitspike.tensor.BitTensor.Encoding;
import org.bitspike.tensor.Convolution.ConvOptions;
import org.bitspike.tensor.Convolution.PoolOptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The packed operations against the dense tensor operations they replace: the XNOR convolution is
 * the float convolution of the +-1 map padded with the pad value (exact integers), the spike
 * convolution that of the 0/1 map (up to summation order), pooling the max of the unpacked map.
 */
class PackedOpsTest {

    /** {@code x} padded by {@code pad} on both spatial sides with {@code value}. */
    private static Tensor padded(Tensor x, int pad, double value) {
        int[] s = x.shape();
        Tensor out = Tensor.full(DType.FLOAT32, value, s[0], s[1], s[2] + 2 * pad, s[3] + 2 * pad);
        out.narrow(2, pad, s[2]).narrow(3, pad, s[3]).copy_(x);
        return out;
    }

    @ParameterizedTest(name = "cin {0}, cout {1}, {2}x{2} kernel, stride {3}, pad {4}, pad value {5}")
    @CsvSource({"1, 3, 3, 1, 1, 1", "32, 16, 3, 1, 1, 0", "65, 7, 3, 2, 1, -1", "64, 64, 1, 1, 0, 1",
                "130, 5, 3, 1, 2, 1", "3, 2, 5, 2, 2, 0"})
    void xnorConvolutionIsTheFloatConvolutionOfTheSigns(int cin, int cout, int k, int stride, int pad, int padValue) {
        RandomKey[] keys = RandomKey.of(7 + cin).split(2);
        Tensor x = Tensor.randn(keys[0], 2, cin, 6, 5);
        Tensor w = Tensor.randn(keys[1], cout, cin, k, k);
        BitTensor xb = BitTensor.pack(x, 1);
        ConvOptions options = ConvOptions.of(stride, pad);
        Tensor acc = PackedOps.xnorConv2d(xb, PackedOps.packXnorWeights(w), options, padValue);
        Tensor expected = Convolution.conv2d(padded(xb.unpack(), pad, padValue), BitTensor.pack(w, 1).unpack(), null,
                ConvOptions.of(stride, 0));
        assertEquals(DType.INT32, acc.dtype());
        assertArrayEquals(expected.shape(), acc.shape());
        assertArrayEquals(expected.toDoubleArray(), acc.toDoubleArray(), 0.0);
    }

    @Test
    void xnorEpiloguesFollowTheAccumulation() {
        RandomKey[] keys = RandomKey.of(11).split(2);
        Tensor x = Tensor.randn(keys[0], 3, 40, 5, 5);
        Tensor w = Tensor.randn(keys[1], 70, 40, 3, 3);
        BitTensor xb = BitTensor.pack(x, 1);
        BitTensor wb = PackedOps.packXnorWeights(w);
        ConvOptions options = ConvOptions.of(1, 1);
        int[] acc = PackedOps.xnorConv2d(xb, wb, options, 1).toIntArray();
        float[] scale = new float[70];
        float[] shift = new float[70];
        int[] lower = new int[70];
        int[] upper = new int[70];
        for (int c = 0; c < 70; c++) {
            scale[c] = 0.1f * (c - 35);
            shift[c] = 0.37f * c;
            lower[c] = c % 3 == 0 ? -5 + c % 11 : Integer.MIN_VALUE;
            upper[c] = c % 3 == 1 ? 7 - c % 13 : c % 3 == 2 ? -100 + c : Integer.MAX_VALUE;
        }
        upper[69] = -1;
        lower[69] = 0; // lower > upper: never fires
        float[] affine = PackedOps.xnorConv2d(xb, wb, options, 1, scale, shift).toFloatArray();
        double[] bits = PackedOps.xnorConv2d(xb, wb, options, 1, lower, upper, Encoding.SPIKE).unpack().toDoubleArray();
        for (int i = 0; i < acc.length; i++) {
            int c = i / 25 % 70;
            float scaled = acc[i] * scale[c];
            assertEquals(scaled + shift[c], affine[i], 0f, "affine at " + i);
            assertEquals(lower[c] <= acc[i] && acc[i] <= upper[c] ? 1.0 : 0.0, bits[i], "bit at " + i);
        }
    }

    @ParameterizedTest(name = "cin {0}, cout {1}, {2}x{2} kernel, stride {3}, pad {4}")
    @CsvSource({"1, 3, 3, 1, 1", "31, 16, 3, 1, 1", "65, 9, 3, 2, 1", "64, 70, 1, 1, 0", "7, 3, 7, 1, 0"})
    void spikeConvolutionIsTheFloatConvolutionOfTheSpikes(int cin, int cout, int k, int stride, int pad) {
        RandomKey[] keys = RandomKey.of(3 + cin).split(2);
        Tensor x = Tensor.randn(keys[0], 2, cin, 7, 7).sub(1.0); // about 16% fire
        Tensor w = Tensor.randn(keys[1], cout, cin, k, k);
        BitTensor spikes = BitTensor.pack(x, 1, Encoding.SPIKE);
        ConvOptions options = ConvOptions.of(stride, pad);
        float[] acc = PackedOps.spikeConv2d(spikes, PackedOps.spikeWeights(w), options).toFloatArray();
        double[] expected = Convolution.conv2d(spikes.unpack(), w, null, options).toDoubleArray();
        double[] magnitude = Convolution.conv2d(spikes.unpack(), w.abs(), null, options).toDoubleArray();
        assertEquals(expected.length, acc.length);
        for (int i = 0; i < acc.length; i++) {
            assertEquals(expected[i], acc[i], 1e-6 * (1 + magnitude[i]) * cin * k * k, "acc at " + i);
        }
        float[] lower = new float[cout];
        float[] upper = new float[cout];
        for (int c = 0; c < cout; c++) {
            lower[c] = c % 2 == 0 ? 0.25f : Float.NEGATIVE_INFINITY;
            upper[c] = c % 2 == 0 ? Float.POSITIVE_INFINITY : -0.5f;
        }
        double[] bits = PackedOps.spikeConv2d(spikes, PackedOps.spikeWeights(w), options, lower, upper, Encoding.SPIKE)
                .unpack().toDoubleArray();
        int plane = acc.length / 2 / cout;
        for (int i = 0; i < acc.length; i++) {
            int c = i / plane % cout;
            assertEquals(lower[c] <= acc[i] && acc[i] <= upper[c] ? 1.0 : 0.0, bits[i], "bit at " + i);
        }
    }

    @Test
    void thresholdPackAndPoolingFollowTheirRules() {
        Tensor x = Tensor.randn(RandomKey.of(5), 2, 70, 4, 6);
        float[] lower = new float[70];
        float[] upper = new float[70];
        boolean[] or = new boolean[70];
        for (int c = 0; c < 70; c++) {
            lower[c] = c % 2 == 0 ? -0.3f : Float.NEGATIVE_INFINITY;
            upper[c] = c % 2 == 0 ? Float.POSITIVE_INFINITY : 0.4f;
            or[c] = c % 3 != 0;
        }
        BitTensor packed = PackedOps.thresholdPack(x.permute(0, 1, 3, 2).contiguous().permute(0, 1, 3, 2), lower, upper,
                Encoding.SIGN);
        double[] xs = x.toDoubleArray();
        double[] bits = packed.unpack().toDoubleArray();
        for (int i = 0; i < xs.length; i++) {
            int c = i / 24 % 70;
            assertEquals(lower[c] <= xs[i] && xs[i] <= upper[c] ? 1.0 : -1.0, bits[i], "bit at " + i);
        }
        BitTensor pooled = PackedOps.maxPool2d(packed, PoolOptions.of(2), or);
        assertArrayEquals(new int[] {2, 70, 2, 3}, pooled.shape());
        double[] maxed = Convolution.maxPool2d(packed.unpack(), PoolOptions.of(2)).values().toDoubleArray();
        double[] mined = Convolution.maxPool2d(packed.unpack().neg(), PoolOptions.of(2)).values().neg().toDoubleArray();
        double[] got = pooled.unpack().toDoubleArray();
        for (int i = 0; i < got.length; i++) {
            int c = i / 6 % 70;
            assertEquals(or[c] ? maxed[i] : mined[i], got[i], "pooled bit at " + i);
        }
    }

    @Test
    void badInputNamesTheOperationAndTheShapes() {
        BitTensor signs = BitTensor.pack(Tensor.randn(RandomKey.of(1), 1, 8, 4, 4), 1);
        BitTensor spikes = BitTensor.pack(Tensor.randn(RandomKey.of(1), 1, 8, 4, 4), 1, Encoding.SPIKE);
        BitTensor w = PackedOps.packXnorWeights(Tensor.randn(RandomKey.of(2), 4, 9, 3, 3));
        TensorException e = assertThrows(TensorException.class,
                () -> PackedOps.xnorConv2d(signs, w, ConvOptions.of(1, 1), 1));
        assertTrue(e.getMessage().contains("xnorConv2d") && e.getMessage().contains("8 channels"), e.getMessage());
        e = assertThrows(TensorException.class, () -> PackedOps.xnorConv2d(spikes,
                PackedOps.packXnorWeights(Tensor.randn(RandomKey.of(2), 4, 8, 3, 3)), ConvOptions.of(1, 1), 1));
        assertTrue(e.getMessage().contains("SIGN"), e.getMessage());
        e = assertThrows(TensorException.class, () -> PackedOps.xnorConv2d(signs,
                PackedOps.packXnorWeights(Tensor.randn(RandomKey.of(2), 4, 8, 3, 3)), ConvOptions.of(1, 1), 2));
        assertTrue(e.getMessage().contains("pad value"), e.getMessage());
        e = assertThrows(TensorException.class, () -> PackedOps.spikeConv2d(signs,
                PackedOps.spikeWeights(Tensor.randn(RandomKey.of(2), 4, 8, 3, 3)), ConvOptions.of(1, 1)));
        assertTrue(e.getMessage().contains("spikeConv2d") && e.getMessage().contains("SPIKE"), e.getMessage());
        e = assertThrows(TensorException.class, () -> PackedOps.maxPool2d(spikes, PoolOptions.of(2), new boolean[3]));
        assertTrue(e.getMessage().contains("3 entries") && e.getMessage().contains("8 channels"), e.getMessage());
        e = assertThrows(TensorException.class, () -> PackedOps.thresholdPack(Tensor.zeros(2, 3), new float[3],
                new float[3], Encoding.SPIKE));
        assertTrue(e.getMessage().contains("thresholdPack") && e.getMessage().contains("[2, 3]"), e.getMessage());
    }
}
