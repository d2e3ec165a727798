package org.bitspike.tensor.kernel;

/**
 * Fused inference kernels on packed activations: the XNOR-popcount convolution of binary networks,
 * the spike-event convolution of spiking ones, the packing of a float map by per-channel thresholds
 * and max pooling on packed bits. A binary or spiking network runs on these from its first packed
 * layer to its classifier with no float map in between.
 *
 * <h2>Layouts</h2>
 * <ul>
 *   <li>Packed activations: the {@link BitKernels} rows of the pixels, channels packed 64 to a
 *       {@code long}: pixel {@code (n, ih, iw)} of a {@code [n, c, h, w]} map is the row of
 *       {@code words(c)} words at {@code off + ((n * h + ih) * w + iw) * words(c)} (the layout of a
 *       {@code BitTensor} of an NCHW map packed along dimension 1). Padding bits of the last word of
 *       a row are 0 in every row a kernel writes, and are ignored in every row it reads.</li>
 *   <li>XNOR weights ({@code SIGN} bits, 1 is +1): the row of output channel {@code co} and tap
 *       {@code (kh, kw)} is {@code words(cin)} words at {@code off + ((co * kH + kh) * kW + kw) * words(cin)}
 *       ({@link #packXnorWeights}).</li>
 *   <li>Spike weights (float): {@code w[((kh * kW + kw) * cin + ci) * cout + co]}, the output
 *       channels contiguous ({@link #transposeSpikeWeights}).</li>
 *   <li>Float outputs and inputs: dense NCHW.</li>
 * </ul>
 * Geometries have one group and no dilation (the kernels {@code assert} it; the facades validate).
 *
 * <h2>Results</h2>
 * Every result is defined exactly, below, and is bit-identical for any {@link Parallel} and for the
 * scalar and the Vector API provider: the XNOR accumulations are exact integers, the spike
 * accumulations are float sums in one fixed order.
 */
public interface PackedKernels {

    /**
     * XNOR-popcount convolution on +-1 values:
     * {@code acc[n, co, oh, ow] = sum_{kh, kw} sum_ci x[n, ci, ih, iw] * w[co, ci, kh, kw]} with
     * {@code ih = oh * strideH - padH + kh}, {@code iw} likewise; a tap outside the input reads
     * {@code padValue} ({@code -1}, {@code 0} or {@code +1}) in every channel. Inside the input a
     * tap adds {@code cin - 2 popcount(x_row XOR w_row)}. Then {@code epilogue}: {@link PackedEpilogue.IntRaw},
     * {@link PackedEpilogue.Affine} or {@link PackedEpilogue.IntBits}.
     */
    void xnorConv2d(Conv2dGeometry g, int padValue, long[] x, int xOff, long[] w, int wOff,
                    PackedEpilogue epilogue, Parallel parallel);

    /**
     * Spike-event convolution of 0/1 spikes with float weights, zero padding:
     * {@code acc[n, co, oh, ow]} starts at {@code 0f} and, for the taps {@code (kh, kw)} in ascending
     * order and within a tap the input channels {@code ci} in ascending order, adds
     * {@code w[kh, kw, ci, co]} (one float addition) where input {@code (n, ci, ih, iw)} inside the
     * input spiked. Only spikes cost work: where the input is sparse the kernel walks the set bits;
     * where it is dense it may run the same sums branch-free ({@code acc + 0f} is {@code acc}), so
     * the result never depends on which way ran. Then {@code epilogue}: {@link PackedEpilogue.FloatRaw},
     * {@link PackedEpilogue.Affine} or {@link PackedEpilogue.FloatBits}.
     */
    void spikeConv2d(Conv2dGeometry g, long[] x, int xOff, float[] w, int wOff,
                     PackedEpilogue epilogue, Parallel parallel);

    /**
     * Packs a float NCHW map {@code x[n, c, h, w]} into the packed rows of its pixels, the bit of
     * channel {@code ci} set iff {@code lower[ci] <= x && x <= upper[ci]} (NaN never): the output of
     * a float first layer, or of a float epilogue, turned into the next packed layer's input.
     */
    void thresholdPack(int n, int c, int h, int w, float[] x, int xOff, float[] lower, float[] upper,
                       long[] y, int yOff, Parallel parallel);

    /**
     * Max pooling of a packed map {@code [n, c, h, w]} by {@code g} (no padding): for channels whose
     * bit in {@code orChannels} (one row of {@code words(c)} words) is set the output bit is the OR of
     * the window's bits, for the others the AND. The max of a 0/1 map is the OR; a threshold of the
     * form {@code acc <= t} commutes with a max pool of the accumulations as the AND of its bits.
     */
    void maxPool2d(Pool2dGeometry g, long[] x, int xOff, long[] orChannels, long[] y, int yOff, Parallel parallel);

    /**
     * The XNOR weight rows of a float kernel {@code w[cout, cin, kH, kW]} (dense, from {@code wOff}),
     * by the sign rule of {@link BitKernels#SIGN_THRESHOLD} ({@code w >= 0} is +1).
     */
    static long[] packXnorWeights(int cout, int cin, int kH, int kW, float[] w, int wOff) {
        int words = BitKernels.words(cin);
        int taps = kH * kW;
        long[] packed = new long[Math.multiplyExact(cout * taps, words)];
        BitKernels bits = KernelProvider.scalar().bits();
        try (Parallel serial = Parallel.of(1)) {
            for (int co = 0; co < cout; co++) {
                bits.pack(taps, cin, w, wOff + co * cin * taps, 1, taps, BitKernels.SIGN_THRESHOLD,
                        packed, co * taps * words, words, serial);
            }
        }
        return packed;
    }

    /** The spike-kernel layout {@code [kH][kW][cin][cout]} of a float kernel {@code w[cout, cin, kH, kW]}. */
    static float[] transposeSpikeWeights(int cout, int cin, int kH, int kW, float[] w, int wOff) {
        float[] t = new float[cout * cin * kH * kW];
        for (int co = 0; co < cout; co++) {
            for (int ci = 0; ci < cin; ci++) {
                for (int kh = 0; kh < kH; kh++) {
                    for (int kw = 0; kw < kW; kw++) {
                        t[((kh * kW + kw) * cin + ci) * cout + co] = w[wOff + ((co * cin + ci) * kH + kh) * kW + kw];
                    }
                }
            }
        }
        return t;
    }
}
