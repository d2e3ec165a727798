package org.bitspike.tensor.kernel.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register tiles of {@link VectorSpikeConv}, one flat method per shape (accumulators as locals,
 * as in {@link AdderTiles}). A lane is one output channel of one output pixel, and it adds the
 * weights of that pixel's spikes in the order {@link org.bitspike.tensor.kernel.PackedKernels#spikeConv2d}
 * defines (taps ascending, then input channels ascending, from {@code +0f}), one float addition
 * each: bit-identical to the scalar oracle.
 *
 * <ul>
 *   <li>{@link #event8}, {@link #event4}, {@link #event1}: one pixel, 8 (4, 1) vectors of output
 *       channels; per spike one weight load and one add per vector. The spikes come as a list of
 *       weight-row offsets built once per pixel, so the tile loop has no data-dependent branch.</li>
 *   <li>{@link #dense4x4}, {@link #dense4x1}: 4 pixels x 4 (1) vectors of output channels; per
 *       (tap, input channel) one load per weight vector, shared by the 4 pixels, and per pixel an AND
 *       of it with the pixel's bit spread to a lane mask ({@code 0} or {@code -1}), then an add:
 *       {@code acc + (bit ? w : +0f)}. NOTE: never {@code fma(bit, w, acc)}: {@code 0 * inf} is
 *       NaN where the event form adds nothing. {@code acc + +0f} is {@code acc} bit for bit because
 *       an accumulation that starts at {@code +0f} is never {@code -0f} (round to nearest gives
 *       {@code +0f} for {@code a + -a} and for {@code +0f + -0f}), and a NaN stays a NaN.</li>
 * </ul>
 */
final class SpikeTiles {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Lanes of the preferred species. */
    static final int L = F.length();

    private SpikeTiles() {
    }

    /** {@code acc[at + v] = sum_{e < count} w[base + rows[e] + v]} for {@code v < 8 L}, in ascending e. */
    static void event8(int count, int[] rows, float[] w, int base, float[] acc, int at) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F);
        FloatVector a4 = FloatVector.zero(F), a5 = FloatVector.zero(F), a6 = FloatVector.zero(F), a7 = FloatVector.zero(F);
        for (int e = 0; e < count; e++) {
            int r = base + rows[e];
            a0 = a0.add(FloatVector.fromArray(F, w, r));
            a1 = a1.add(FloatVector.fromArray(F, w, r + L));
            a2 = a2.add(FloatVector.fromArray(F, w, r + 2 * L));
            a3 = a3.add(FloatVector.fromArray(F, w, r + 3 * L));
            a4 = a4.add(FloatVector.fromArray(F, w, r + 4 * L));
            a5 = a5.add(FloatVector.fromArray(F, w, r + 5 * L));
            a6 = a6.add(FloatVector.fromArray(F, w, r + 6 * L));
            a7 = a7.add(FloatVector.fromArray(F, w, r + 7 * L));
        }
        a0.intoArray(acc, at);
        a1.intoArray(acc, at + L);
        a2.intoArray(acc, at + 2 * L);
        a3.intoArray(acc, at + 3 * L);
        a4.intoArray(acc, at + 4 * L);
        a5.intoArray(acc, at + 5 * L);
        a6.intoArray(acc, at + 6 * L);
        a7.intoArray(acc, at + 7 * L);
    }

    /** {@link #event8} for {@code v < 4 L}. */
    static void event4(int count, int[] rows, float[] w, int base, float[] acc, int at) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F);
        for (int e = 0; e < count; e++) {
            int r = base + rows[e];
            a0 = a0.add(FloatVector.fromArray(F, w, r));
            a1 = a1.add(FloatVector.fromArray(F, w, r + L));
            a2 = a2.add(FloatVector.fromArray(F, w, r + 2 * L));
            a3 = a3.add(FloatVector.fromArray(F, w, r + 3 * L));
        }
        a0.intoArray(acc, at);
        a1.intoArray(acc, at + L);
        a2.intoArray(acc, at + 2 * L);
        a3.intoArray(acc, at + 3 * L);
    }

    /** {@link #event8} for {@code v < L}. */
    static void event1(int count, int[] rows, float[] w, int base, float[] acc, int at) {
        FloatVector a0 = FloatVector.zero(F);
        for (int e = 0; e < count; e++) {
            a0 = a0.add(FloatVector.fromArray(F, w, base + rows[e]));
        }
        a0.intoArray(acc, at);
    }

    /**
     * {@code acc[at + p * ldAcc + v] += (b_p bit j ? w[r + j * ld + v] : +0f)} for {@code j < count} in
     * ascending order, pixels {@code p < 4} (bits {@code b0 .. b3}) and {@code v < 4 L}: one
     * (tap, word of input channels) of a dense block. NOTE: the accumulators are loaded and stored
     * around one flat loop; with the loops over taps and words inside the tile as well, C2 (JDK 17
     * and 25) boxed the vectors (1 GB allocated per call, 100x slower).
     */
    static void dense4x4(int count, long b0, long b1, long b2, long b3, float[] w, int r, int ld,
                         float[] acc, int at, int ldAcc) {
        int at1 = at + ldAcc, at2 = at + 2 * ldAcc, at3 = at + 3 * ldAcc;
        FloatVector a00 = FloatVector.fromArray(F, acc, at), a01 = FloatVector.fromArray(F, acc, at + L);
        FloatVector a02 = FloatVector.fromArray(F, acc, at + 2 * L), a03 = FloatVector.fromArray(F, acc, at + 3 * L);
        FloatVector a10 = FloatVector.fromArray(F, acc, at1), a11 = FloatVector.fromArray(F, acc, at1 + L);
        FloatVector a12 = FloatVector.fromArray(F, acc, at1 + 2 * L), a13 = FloatVector.fromArray(F, acc, at1 + 3 * L);
        FloatVector a20 = FloatVector.fromArray(F, acc, at2), a21 = FloatVector.fromArray(F, acc, at2 + L);
        FloatVector a22 = FloatVector.fromArray(F, acc, at2 + 2 * L), a23 = FloatVector.fromArray(F, acc, at2 + 3 * L);
        FloatVector a30 = FloatVector.fromArray(F, acc, at3), a31 = FloatVector.fromArray(F, acc, at3 + L);
        FloatVector a32 = FloatVector.fromArray(F, acc, at3 + 2 * L), a33 = FloatVector.fromArray(F, acc, at3 + 3 * L);
        for (int j = 0; j < count; j++, r += ld) {
            IntVector w0 = FloatVector.fromArray(F, w, r).reinterpretAsInts();
            IntVector w1 = FloatVector.fromArray(F, w, r + L).reinterpretAsInts();
            IntVector w2 = FloatVector.fromArray(F, w, r + 2 * L).reinterpretAsInts();
            IntVector w3 = FloatVector.fromArray(F, w, r + 3 * L).reinterpretAsInts();
            int m = -(int) (b0 >>> j & 1);
            a00 = a00.add(w0.and(m).reinterpretAsFloats());
            a01 = a01.add(w1.and(m).reinterpretAsFloats());
            a02 = a02.add(w2.and(m).reinterpretAsFloats());
            a03 = a03.add(w3.and(m).reinterpretAsFloats());
            m = -(int) (b1 >>> j & 1);
            a10 = a10.add(w0.and(m).reinterpretAsFloats());
            a11 = a11.add(w1.and(m).reinterpretAsFloats());
            a12 = a12.add(w2.and(m).reinterpretAsFloats());
            a13 = a13.add(w3.and(m).reinterpretAsFloats());
            m = -(int) (b2 >>> j & 1);
            a20 = a20.add(w0.and(m).reinterpretAsFloats());
            a21 = a21.add(w1.and(m).reinterpretAsFloats());
            a22 = a22.add(w2.and(m).reinterpretAsFloats());
            a23 = a23.add(w3.and(m).reinterpretAsFloats());
            m = -(int) (b3 >>> j & 1);
            a30 = a30.add(w0.and(m).reinterpretAsFloats());
            a31 = a31.add(w1.and(m).reinterpretAsFloats());
            a32 = a32.add(w2.and(m).reinterpretAsFloats());
            a33 = a33.add(w3.and(m).reinterpretAsFloats());
        }
        a00.intoArray(acc, at);
        a01.intoArray(acc, at + L);
        a02.intoArray(acc, at + 2 * L);
        a03.intoArray(acc, at + 3 * L);
        a10.intoArray(acc, at1);
        a11.intoArray(acc, at1 + L);
        a12.intoArray(acc, at1 + 2 * L);
        a13.intoArray(acc, at1 + 3 * L);
        a20.intoArray(acc, at2);
        a21.intoArray(acc, at2 + L);
        a22.intoArray(acc, at2 + 2 * L);
        a23.intoArray(acc, at2 + 3 * L);
        a30.intoArray(acc, at3);
        a31.intoArray(acc, at3 + L);
        a32.intoArray(acc, at3 + 2 * L);
        a33.intoArray(acc, at3 + 3 * L);
    }

    /** {@link #dense4x4} for {@code v < L}. */
    static void dense4x1(int count, long b0, long b1, long b2, long b3, float[] w, int r, int ld,
                         float[] acc, int at, int ldAcc) {
        FloatVector a0 = FloatVector.fromArray(F, acc, at), a1 = FloatVector.fromArray(F, acc, at + ldAcc);
        FloatVector a2 = FloatVector.fromArray(F, acc, at + 2 * ldAcc), a3 = FloatVector.fromArray(F, acc, at + 3 * ldAcc);
        for (int j = 0; j < count; j++, r += ld) {
            IntVector w0 = FloatVector.fromArray(F, w, r).reinterpretAsInts();
            a0 = a0.add(w0.and(-(int) (b0 >>> j & 1)).reinterpretAsFloats());
            a1 = a1.add(w0.and(-(int) (b1 >>> j & 1)).reinterpretAsFloats());
            a2 = a2.add(w0.and(-(int) (b2 >>> j & 1)).reinterpretAsFloats());
            a3 = a3.add(w0.and(-(int) (b3 >>> j & 1)).reinterpretAsFloats());
        }
        a0.intoArray(acc, at);
        a1.intoArray(acc, at + ldAcc);
        a2.intoArray(acc, at + 2 * ldAcc);
        a3.intoArray(acc, at + 3 * ldAcc);
    }
}
