package org.bitspike.tensor;

import org.bitspike.tensor.BitTensor.Encoding;
import org.bitspike.tensor.Convolution.ConvOptions;
import org.bitspike.tensor.Convolution.PoolOptions;
import org.bitspike.tensor.kernel.BitKernels;
import org.bitspike.tensor.kernel.Conv2dGeometry;
import org.bitspike.tensor.kernel.KernelProvider;
import org.bitspike.tensor.kernel.PackedEpilogue;
import org.bitspike.tensor.kernel.PackedKernels;
import org.bitspike.tensor.kernel.Parallel;
import org.bitspike.tensor.kernel.Pool2dGeometry;

/**
 * The fused inference operations on packed maps ({@link PackedKernels}), validated: a packed map is a
 * {@link BitTensor} of shape {@code [N, C, H, W]} packed along dimension 1 (channels), SIGN for
 * binary networks and SPIKE for spiking ones.
 *
 * <ul>
 *   <li>{@code xnorConv2d}: XNOR-popcount convolution of a SIGN map with a kernel packed by
 *       {@link #packXnorWeights}; the border reads a pad value of -1, 0 or +1. The result is the raw
 *       integer accumulation, an affine float map, or the next packed map by per-channel bounds.</li>
 *   <li>{@code spikeConv2d}: spike-event convolution of a SPIKE map with a float kernel laid out by
 *       {@link #spikeWeights}; zero padding; raw float accumulation or the next packed map.</li>
 *   <li>{@link #thresholdPack}: a float map into a packed one by per-channel bounds.</li>
 *   <li>{@link #maxPool2d}: max pooling on packed bits, per channel an OR or an AND.</li>
 * </ul>
 * A channel's bit in a bounded output is set iff {@code lower[c] <= acc <= upper[c]} (NaN never).
 * Convolutions take one group and no dilation.
 */
public final class PackedOps {
    private PackedOps() {
    }

    /**
     * The packed form of a float kernel {@code w [Cout, Cin, kH, kW]} for {@code xnorConv2d}: a SIGN
     * BitTensor of shape {@code [Cout, kH, kW, Cin]} packed along dimension 3, {@code w >= 0} is +1.
     */
    public static BitTensor packXnorWeights(Tensor w) {
        checkKernel("packXnorWeights", w);
        return BitTensor.pack(w.permute(0, 2, 3, 1), 3, Encoding.SIGN);
    }

    /** The layout of a float kernel {@code w [Cout, Cin, kH, kW]} for {@code spikeConv2d}: {@code [kH, kW, Cin, Cout]}, FLOAT32, contiguous. */
    public static Tensor spikeWeights(Tensor w) {
        checkKernel("spikeWeights", w);
        return w.to(DType.FLOAT32).permute(2, 3, 1, 0).contiguous();
    }

    /** The raw XNOR accumulations, INT32 {@code [N, Cout, OH, OW]}. */
    public static Tensor xnorConv2d(BitTensor x, BitTensor w, ConvOptions options, int padValue) {
        Conv2dGeometry g = xnorGeometry("xnorConv2d", x, w, options, padValue);
        Tensor out = Tensor.allocate("xnorConv2d", DType.INT32, g.outputShape());
        xnor(g, x, w, padValue, new PackedEpilogue.IntRaw(out.storage().ints(), 0));
        return out;
    }

    /** {@code acc * scale[co] + shift[co]} of the XNOR accumulations (two roundings), FLOAT32 {@code [N, Cout, OH, OW]}. */
    public static Tensor xnorConv2d(BitTensor x, BitTensor w, ConvOptions options, int padValue,
                                    float[] scale, float[] shift) {
        Conv2dGeometry g = xnorGeometry("xnorConv2d", x, w, options, padValue);
        checkChannels("xnorConv2d", "scale", scale.length, g.cout());
        checkChannels("xnorConv2d", "shift", shift.length, g.cout());
        Tensor out = Tensor.allocate("xnorConv2d", DType.FLOAT32, g.outputShape());
        xnor(g, x, w, padValue, new PackedEpilogue.Affine(scale.clone(), shift.clone(), out.storage().floats(), 0));
        return out;
    }

    /** The next packed map: bit {@code (n, co, oh, ow)} set iff {@code lower[co] <= acc <= upper[co]}. */
    public static BitTensor xnorConv2d(BitTensor x, BitTensor w, ConvOptions options, int padValue,
                                       int[] lower, int[] upper, Encoding out) {
        Conv2dGeometry g = xnorGeometry("xnorConv2d", x, w, options, padValue);
        checkChannels("xnorConv2d", "lower", lower.length, g.cout());
        checkChannels("xnorConv2d", "upper", upper.length, g.cout());
        long[] words = packedOutput("xnorConv2d", g.n(), g.cout(), g.outH(), g.outW());
        xnor(g, x, w, padValue, new PackedEpilogue.IntBits(lower.clone(), upper.clone(), words, 0));
        return BitTensor.wrap(g.outputShape(), 1, out, words);
    }

    /** The raw spike accumulations, FLOAT32 {@code [N, Cout, OH, OW]}. */
    public static Tensor spikeConv2d(BitTensor x, Tensor w, ConvOptions options) {
        Conv2dGeometry g = spikeGeometry("spikeConv2d", x, w, options);
        Tensor out = Tensor.allocate("spikeConv2d", DType.FLOAT32, g.outputShape());
        spike(g, x, w, new PackedEpilogue.FloatRaw(out.storage().floats(), 0));
        return out;
    }

    /** The next packed map: bit {@code (n, co, oh, ow)} set iff {@code lower[co] <= acc <= upper[co]}. */
    public static BitTensor spikeConv2d(BitTensor x, Tensor w, ConvOptions options, float[] lower, float[] upper,
                                        Encoding out) {
        Conv2dGeometry g = spikeGeometry("spikeConv2d", x, w, options);
        checkChannels("spikeConv2d", "lower", lower.length, g.cout());
        checkChannels("spikeConv2d", "upper", upper.length, g.cout());
        long[] words = packedOutput("spikeConv2d", g.n(), g.cout(), g.outH(), g.outW());
        spike(g, x, w, new PackedEpilogue.FloatBits(lower.clone(), upper.clone(), words, 0));
        return BitTensor.wrap(g.outputShape(), 1, out, words);
    }

    /**
     * Packs a FLOAT32 map {@code x [N, C, H, W]}: bit {@code (n, c, h, w)} set iff
     * {@code lower[c] <= x <= upper[c]} (NaN never).
     */
    public static BitTensor thresholdPack(Tensor x, float[] lower, float[] upper, Encoding out) {
        if (x.dim() != 4 || x.dtype() != DType.FLOAT32) {
            throw TensorException.of("thresholdPack", "input %s of %s must be a FLOAT32 map [N, C, H, W]",
                    x.shapeRef(), x.dtype());
        }
        int[] s = x.shape();
        checkChannels("thresholdPack", "lower", lower.length, s[1]);
        checkChannels("thresholdPack", "upper", upper.length, s[1]);
        Tensor dense = x.contiguous();
        long[] words = packedOutput("thresholdPack", s[0], s[1], s[2], s[3]);
        KernelProvider.get().packed().thresholdPack(s[0], s[1], s[2], s[3], dense.storage().floats(), dense.offset(),
                lower.clone(), upper.clone(), words, 0, Parallel.shared());
        return BitTensor.wrap(s, 1, out, words);
    }

    /**
     * Max pooling (no padding) of a packed map; channel {@code c} pools by OR where
     * {@code orChannels[c]}, by AND elsewhere. The max of a SIGN or SPIKE map is the OR of its
     * bits; the AND is the max of accumulations whose bit is {@code acc <= t}, pooled after the decision.
     */
    public static BitTensor maxPool2d(BitTensor x, PoolOptions options, boolean[] orChannels) {
        int[] s = checkMap("maxPool2d", x);
        if (options.padH() != 0 || options.padW() != 0) {
            throw TensorException.of("maxPool2d", "packed max pooling takes no padding, got [%d, %d] (input %s)",
                    options.padH(), options.padW(), s);
        }
        checkChannels("maxPool2d", "orChannels", orChannels.length, s[1]);
        Pool2dGeometry g = Pool2dGeometry.checked("maxPool2d", s[0], s[1], s[2], s[3], options.kH(), options.kW(),
                options.strideH(), options.strideW(), 0, 0, options.dilationH(), options.dilationW());
        long[] mask = new long[BitKernels.words(s[1])];
        for (int c = 0; c < s[1]; c++) {
            if (orChannels[c]) {
                mask[c >>> 6] |= 1L << (c & 63);
            }
        }
        long[] words = packedOutput("maxPool2d", s[0], s[1], g.outH(), g.outW());
        KernelProvider.get().packed().maxPool2d(g, x.wordsRef(), 0, mask, words, 0, Parallel.shared());
        return BitTensor.wrap(new int[] {s[0], s[1], g.outH(), g.outW()}, 1, x.encoding(), words);
    }

    private static void xnor(Conv2dGeometry g, BitTensor x, BitTensor w, int padValue, PackedEpilogue e) {
        KernelProvider.get().packed().xnorConv2d(g, padValue, x.wordsRef(), 0, w.wordsRef(), 0, e, Parallel.shared());
    }

    private static void spike(Conv2dGeometry g, BitTensor x, Tensor w, PackedEpilogue e) {
        Tensor dense = w.contiguous();
        KernelProvider.get().packed().spikeConv2d(g, x.wordsRef(), 0, dense.storage().floats(), dense.offset(), e,
                Parallel.shared());
    }

    private static Conv2dGeometry xnorGeometry(String op, BitTensor x, BitTensor w, ConvOptions o, int padValue) {
        int[] s = checkMap(op, x);
        if (x.encoding() != Encoding.SIGN) {
            throw TensorException.of(op, "input %s is %s; the XNOR convolution takes a SIGN (+-1) map", s, x.encoding());
        }
        int[] ws = w.shape();
        if (ws.length != 4 || w.packedDim() != 3 || w.encoding() != Encoding.SIGN) {
            throw TensorException.of(op, "weights %s (packed along %d, %s) must come from packXnorWeights: SIGN "
                    + "[Cout, kH, kW, Cin] packed along 3", ws, w.packedDim(), w.encoding());
        }
        if (padValue < -1 || padValue > 1) {
            throw TensorException.of(op, "pad value must be -1, 0 or +1, got %d", padValue);
        }
        return geometry(op, s, ws[0], ws[3], ws[1], ws[2], o);
    }

    private static Conv2dGeometry spikeGeometry(String op, BitTensor x, Tensor w, ConvOptions o) {
        int[] s = checkMap(op, x);
        if (x.encoding() != Encoding.SPIKE) {
            throw TensorException.of(op, "input %s is %s; the spike convolution takes a SPIKE (0/1) map", s,
                    x.encoding());
        }
        if (w.dim() != 4 || w.dtype() != DType.FLOAT32) {
            throw TensorException.of(op, "weights %s of %s must come from spikeWeights: FLOAT32 [kH, kW, Cin, Cout]",
                    w.shapeRef(), w.dtype());
        }
        int[] ws = w.shape();
        return geometry(op, s, ws[3], ws[2], ws[0], ws[1], o);
    }

    private static Conv2dGeometry geometry(String op, int[] x, int cout, int cin, int kH, int kW, ConvOptions o) {
        if (cin != x[1]) {
            throw TensorException.of(op, "input %s has %d channels but the kernel takes %d", x, x[1], cin);
        }
        if (o.groups() != 1 || o.dilationH() != 1 || o.dilationW() != 1) {
            throw TensorException.of(op, "packed convolutions take one group and no dilation, got groups %d, "
                    + "dilation [%d, %d]", o.groups(), o.dilationH(), o.dilationW());
        }
        return Conv2dGeometry.checked(op, x[0], x[1], x[2], x[3], cout, kH, kW, o.strideH(), o.strideW(), o.padH(),
                o.padW(), 1, 1, 1);
    }

    private static int[] checkMap(String op, BitTensor x) {
        int[] s = x.shape();
        if (s.length != 4 || x.packedDim() != 1) {
            throw TensorException.of(op, "input %s packed along %d must be a map [N, C, H, W] packed along 1",
                    s, x.packedDim());
        }
        return s;
    }

    private static void checkKernel(String op, Tensor w) {
        if (w.dim() != 4) {
            throw TensorException.of(op, "kernel %s must be [Cout, Cin, kH, kW]", w.shapeRef());
        }
    }

    private static void checkChannels(String op, String what, int length, int channels) {
        if (length != channels) {
            throw TensorException.of(op, "%s has %d entries but there are %d channels", what, length, channels);
        }
    }

    private static long[] packedOutput(String op, int n, int c, int h, int w) {
        long rows = (long) n * h * w;
        long size = rows * BitKernels.words(c);
        if (size > Integer.MAX_VALUE - 8) {
            throw TensorException.of(op, "packed output [%d, %d, %d, %d] needs %d words, more than an array holds",
                    n, c, h, w, size);
        }
        return new long[(int) size];
    }
}
