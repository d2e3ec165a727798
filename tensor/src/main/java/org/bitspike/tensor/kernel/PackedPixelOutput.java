package org.bitspike.tensor.kernel;

import java.util.function.IntPredicate;

/**
 * Writes the accumulations of one output pixel (all output channels) through a
 * {@link PackedEpilogue}: the plain-Java epilogue of the scalar packed kernels, and the reference
 * the vector ones are tested against.
 */
final class PackedPixelOutput {
    private PackedPixelOutput() {
    }

    /** Writes {@code acc[0 .. cout)} of pixel {@code (n, oh, ow)} of an output {@code [*, cout, outH, outW]}. */
    static void ints(PackedEpilogue e, int cout, int outH, int outW, int n, int oh, int ow, int[] acc) {
        int plane = outH * outW;
        int p = oh * outW + ow;
        if (e instanceof PackedEpilogue.IntRaw raw) {
            int base = raw.off() + n * cout * plane + p;
            for (int co = 0; co < cout; co++) {
                raw.y()[base + co * plane] = acc[co];
            }
        } else if (e instanceof PackedEpilogue.Affine affine) {
            int base = affine.off() + n * cout * plane + p;
            for (int co = 0; co < cout; co++) {
                affine.y()[base + co * plane] = affine(acc[co], affine, co);
            }
        } else if (e instanceof PackedEpilogue.IntBits bits) {
            storeBits(bits.y(), bits.off() + (n * plane + p) * BitKernels.words(cout), cout,
                    co -> bits.lower()[co] <= acc[co] && acc[co] <= bits.upper()[co]);
        } else {
            throw new IllegalArgumentException("xnorConv2d: epilogue " + e.getClass().getSimpleName()
                    + " is for float accumulations (use IntRaw, Affine or IntBits)");
        }
    }

    /** Writes {@code acc[0 .. cout)} of pixel {@code (n, oh, ow)} of an output {@code [*, cout, outH, outW]}. */
    static void floats(PackedEpilogue e, int cout, int outH, int outW, int n, int oh, int ow, float[] acc) {
        int plane = outH * outW;
        int p = oh * outW + ow;
        if (e instanceof PackedEpilogue.FloatRaw raw) {
            int base = raw.off() + n * cout * plane + p;
            for (int co = 0; co < cout; co++) {
                raw.y()[base + co * plane] = acc[co];
            }
        } else if (e instanceof PackedEpilogue.Affine affine) {
            int base = affine.off() + n * cout * plane + p;
            for (int co = 0; co < cout; co++) {
                affine.y()[base + co * plane] = affine(acc[co], affine, co);
            }
        } else if (e instanceof PackedEpilogue.FloatBits bits) {
            storeBits(bits.y(), bits.off() + (n * plane + p) * BitKernels.words(cout), cout,
                    co -> bits.lower()[co] <= acc[co] && acc[co] <= bits.upper()[co]);
        } else {
            throw new IllegalArgumentException("spikeConv2d: epilogue " + e.getClass().getSimpleName()
                    + " is for integer accumulations (use FloatRaw, Affine or FloatBits)");
        }
    }

    /** The {@code words(cout)} words of one pixel from {@code base}: bit {@code co} set iff {@code fires(co)}. */
    private static void storeBits(long[] y, int base, int cout, IntPredicate fires) {
        for (int wd = 0, words = BitKernels.words(cout); wd < words; wd++) {
            long word = 0;
            for (int co = wd << 6, end = Math.min(cout, co + 64); co < end; co++) {
                word |= (fires.test(co) ? 1L : 0L) << (co & 63);
            }
            y[base + wd] = word;
        }
    }

    /** {@code acc * scale + shift}, two roundings, no fma: the definition of {@link PackedEpilogue.Affine}. */
    static float affine(float acc, PackedEpilogue.Affine affine, int co) {
        float scaled = acc * affine.scale()[co];
        return scaled + affine.shift()[co];
    }
}
