package org.bitspike.tensor.kernel.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-tiled inner loops of {@link VectorAdderKernels}, one flat method per tile shape and
 * rule (accumulators as locals, like {@link SgemmMicroKernel}: C2 keeps those in registers and spills
 * arrays of vectors). Each lane computes one output element in exactly the order of the scalar
 * oracle, so results are bit-identical to it:
 *
 * <ul>
 *   <li>{@link #forward4x4}/{@link #forward4x2}: 4 filters x 4 (2) vectors of output positions;
 *       per reduction step one panel load per vector, one broadcast per filter and three operations
 *       per term ({@code acc + |col - w|}: sub, abs, add);</li>
 *   <li>{@link #inputHardTanh2x2}/{@link #inputOther4x2}: 2 (4) output positions x 2 vectors of taps,
 *       the panel values in registers for the whole reduction over filters; per filter two weight
 *       loads and two (four) broadcasts of dy; six operations per term with HardTanh (sub, and, min,
 *       and, or, fma);</li>
 *   <li>{@link #weightProducts4x4}/{@link #weightProducts4x2}: 4 filters x 4 (2) vectors of taps,
 *       the products {@code dy col} of the regrouped full-precision weight gradient, one fma per term
 *       (the float GEMM's micro-kernel shape); {@link #weightSign4x2}: the sign rule, the weights in
 *       registers for the whole reduction over positions.</li>
 * </ul>
 */
final class AdderTiles {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Lanes of the preferred species. */
    static final int L = F.length();

    private AdderTiles() {
    }

    /**
     * {@code res[i * ldr + v] = -sum_{r < k} |panel[r * ldp + pOff + v] - w[wOff + i * ldw + r]|} for
     * {@code i < 4}, {@code v < 4 L}, summed in ascending r from 0.
     */
    static void forward4x4(int k, float[] panel, int pOff, int ldp, float[] w, int wOff, int ldw,
                           float[] res, int resOff, int ldr) {
        FloatVector a00 = FloatVector.zero(F), a01 = FloatVector.zero(F), a02 = FloatVector.zero(F), a03 = FloatVector.zero(F);
        FloatVector a10 = FloatVector.zero(F), a11 = FloatVector.zero(F), a12 = FloatVector.zero(F), a13 = FloatVector.zero(F);
        FloatVector a20 = FloatVector.zero(F), a21 = FloatVector.zero(F), a22 = FloatVector.zero(F), a23 = FloatVector.zero(F);
        FloatVector a30 = FloatVector.zero(F), a31 = FloatVector.zero(F), a32 = FloatVector.zero(F), a33 = FloatVector.zero(F);
        int w0 = wOff, w1 = wOff + ldw, w2 = wOff + 2 * ldw, w3 = wOff + 3 * ldw;
        for (int r = 0, at = pOff; r < k; r++, at += ldp) {
            FloatVector c0 = FloatVector.fromArray(F, panel, at);
            FloatVector c1 = FloatVector.fromArray(F, panel, at + L);
            FloatVector c2 = FloatVector.fromArray(F, panel, at + 2 * L);
            FloatVector c3 = FloatVector.fromArray(F, panel, at + 3 * L);
            FloatVector b = FloatVector.broadcast(F, w[w0 + r]);
            a00 = a00.add(c0.sub(b).abs());
            a01 = a01.add(c1.sub(b).abs());
            a02 = a02.add(c2.sub(b).abs());
            a03 = a03.add(c3.sub(b).abs());
            b = FloatVector.broadcast(F, w[w1 + r]);
            a10 = a10.add(c0.sub(b).abs());
            a11 = a11.add(c1.sub(b).abs());
            a12 = a12.add(c2.sub(b).abs());
            a13 = a13.add(c3.sub(b).abs());
            b = FloatVector.broadcast(F, w[w2 + r]);
            a20 = a20.add(c0.sub(b).abs());
            a21 = a21.add(c1.sub(b).abs());
            a22 = a22.add(c2.sub(b).abs());
            a23 = a23.add(c3.sub(b).abs());
            b = FloatVector.broadcast(F, w[w3 + r]);
            a30 = a30.add(c0.sub(b).abs());
            a31 = a31.add(c1.sub(b).abs());
            a32 = a32.add(c2.sub(b).abs());
            a33 = a33.add(c3.sub(b).abs());
        }
        a00.neg().intoArray(res, resOff);
        a01.neg().intoArray(res, resOff + L);
        a02.neg().intoArray(res, resOff + 2 * L);
        a03.neg().intoArray(res, resOff + 3 * L);
        a10.neg().intoArray(res, resOff + ldr);
        a11.neg().intoArray(res, resOff + ldr + L);
        a12.neg().intoArray(res, resOff + ldr + 2 * L);
        a13.neg().intoArray(res, resOff + ldr + 3 * L);
        a20.neg().intoArray(res, resOff + 2 * ldr);
        a21.neg().intoArray(res, resOff + 2 * ldr + L);
        a22.neg().intoArray(res, resOff + 2 * ldr + 2 * L);
        a23.neg().intoArray(res, resOff + 2 * ldr + 3 * L);
        a30.neg().intoArray(res, resOff + 3 * ldr);
        a31.neg().intoArray(res, resOff + 3 * ldr + L);
        a32.neg().intoArray(res, resOff + 3 * ldr + 2 * L);
        a33.neg().intoArray(res, resOff + 3 * ldr + 3 * L);
    }

    /** {@link #forward4x4} for {@code v < 2 L}. */
    static void forward4x2(int k, float[] panel, int pOff, int ldp, float[] w, int wOff, int ldw,
                           float[] res, int resOff, int ldr) {
        FloatVector a00 = FloatVector.zero(F), a01 = FloatVector.zero(F);
        FloatVector a10 = FloatVector.zero(F), a11 = FloatVector.zero(F);
        FloatVector a20 = FloatVector.zero(F), a21 = FloatVector.zero(F);
        FloatVector a30 = FloatVector.zero(F), a31 = FloatVector.zero(F);
        int w0 = wOff, w1 = wOff + ldw, w2 = wOff + 2 * ldw, w3 = wOff + 3 * ldw;
        for (int r = 0, at = pOff; r < k; r++, at += ldp) {
            FloatVector c0 = FloatVector.fromArray(F, panel, at);
            FloatVector c1 = FloatVector.fromArray(F, panel, at + L);
            FloatVector b = FloatVector.broadcast(F, w[w0 + r]);
            a00 = a00.add(c0.sub(b).abs());
            a01 = a01.add(c1.sub(b).abs());
            b = FloatVector.broadcast(F, w[w1 + r]);
            a10 = a10.add(c0.sub(b).abs());
            a11 = a11.add(c1.sub(b).abs());
            b = FloatVector.broadcast(F, w[w2 + r]);
            a20 = a20.add(c0.sub(b).abs());
            a21 = a21.add(c1.sub(b).abs());
            b = FloatVector.broadcast(F, w[w3 + r]);
            a30 = a30.add(c0.sub(b).abs());
            a31 = a31.add(c1.sub(b).abs());
        }
        a00.neg().intoArray(res, resOff);
        a01.neg().intoArray(res, resOff + L);
        a10.neg().intoArray(res, resOff + ldr);
        a11.neg().intoArray(res, resOff + ldr + L);
        a20.neg().intoArray(res, resOff + 2 * ldr);
        a21.neg().intoArray(res, resOff + 2 * ldr + L);
        a30.neg().intoArray(res, resOff + 3 * ldr);
        a31.neg().intoArray(res, resOff + 3 * ldr + L);
    }

    /**
     * {@code out[i * ldc + cOff + v] = sum_{o < m} fma(g[gOff + o * ldg + i], hardTanh(w[o * ldw + cOff + v]
     * - colT[i * ldc + cOff + v]), .)} for the 2 rows {@code i} from {@code rowOff / ldc} and
     * {@code v < 2 L}, in ascending o from 0 ({@code colT} and {@code out} share {@code ldc}).
     * NOTE: 2 x 2 vectors, not 4 x 2: with four more clamps per step the method passed C2's node
     * budget for inlining (NodeCountInliningCutoff), its vectors were boxed, and it ran 10x slower.
     */
    static void inputHardTanh2x2(int m, float[] colT, float[] out, int rowOff, int cOff, int ldc,
                                 float[] w, int ldw, float[] g, int gOff, int ldg) {
        int r0 = rowOff + cOff, r1 = r0 + ldc;
        FloatVector x00 = FloatVector.fromArray(F, colT, r0), x01 = FloatVector.fromArray(F, colT, r0 + L);
        FloatVector x10 = FloatVector.fromArray(F, colT, r1), x11 = FloatVector.fromArray(F, colT, r1 + L);
        FloatVector t00 = FloatVector.zero(F), t01 = FloatVector.zero(F), t10 = FloatVector.zero(F), t11 = FloatVector.zero(F);
        for (int o = 0, wa = cOff, ga = gOff; o < m; o++, wa += ldw, ga += ldg) {
            FloatVector w0 = FloatVector.fromArray(F, w, wa), w1 = FloatVector.fromArray(F, w, wa + L);
            FloatVector b = FloatVector.broadcast(F, g[ga]);
            t00 = b.fma(hardTanh(w0.sub(x00)), t00);
            t01 = b.fma(hardTanh(w1.sub(x01)), t01);
            b = FloatVector.broadcast(F, g[ga + 1]);
            t10 = b.fma(hardTanh(w0.sub(x10)), t10);
            t11 = b.fma(hardTanh(w1.sub(x11)), t11);
        }
        t00.intoArray(out, r0);
        t01.intoArray(out, r0 + L);
        t10.intoArray(out, r1);
        t11.intoArray(out, r1 + L);
    }

    /** {@link #inputHardTanh2x2} for 4 rows with {@code sign(d)} ({@code sign} true) or {@code d} in place of the clamp. */
    static void inputOther4x2(boolean sign, int m, float[] colT, float[] out, int rowOff, int cOff, int ldc,
                              float[] w, int ldw, float[] g, int gOff, int ldg) {
        int r0 = rowOff + cOff, r1 = r0 + ldc, r2 = r0 + 2 * ldc, r3 = r0 + 3 * ldc;
        FloatVector x00 = FloatVector.fromArray(F, colT, r0), x01 = FloatVector.fromArray(F, colT, r0 + L);
        FloatVector x10 = FloatVector.fromArray(F, colT, r1), x11 = FloatVector.fromArray(F, colT, r1 + L);
        FloatVector x20 = FloatVector.fromArray(F, colT, r2), x21 = FloatVector.fromArray(F, colT, r2 + L);
        FloatVector x30 = FloatVector.fromArray(F, colT, r3), x31 = FloatVector.fromArray(F, colT, r3 + L);
        FloatVector t00 = FloatVector.zero(F), t01 = FloatVector.zero(F), t10 = FloatVector.zero(F), t11 = FloatVector.zero(F);
        FloatVector t20 = FloatVector.zero(F), t21 = FloatVector.zero(F), t30 = FloatVector.zero(F), t31 = FloatVector.zero(F);
        for (int o = 0, wa = cOff, ga = gOff; o < m; o++, wa += ldw, ga += ldg) {
            FloatVector w0 = FloatVector.fromArray(F, w, wa), w1 = FloatVector.fromArray(F, w, wa + L);
            FloatVector b = FloatVector.broadcast(F, g[ga]);
            t00 = b.fma(rule(sign, w0.sub(x00)), t00);
            t01 = b.fma(rule(sign, w1.sub(x01)), t01);
            b = FloatVector.broadcast(F, g[ga + 1]);
            t10 = b.fma(rule(sign, w0.sub(x10)), t10);
            t11 = b.fma(rule(sign, w1.sub(x11)), t11);
            b = FloatVector.broadcast(F, g[ga + 2]);
            t20 = b.fma(rule(sign, w0.sub(x20)), t20);
            t21 = b.fma(rule(sign, w1.sub(x21)), t21);
            b = FloatVector.broadcast(F, g[ga + 3]);
            t30 = b.fma(rule(sign, w0.sub(x30)), t30);
            t31 = b.fma(rule(sign, w1.sub(x31)), t31);
        }
        t00.intoArray(out, r0);
        t01.intoArray(out, r0 + L);
        t10.intoArray(out, r1);
        t11.intoArray(out, r1 + L);
        t20.intoArray(out, r2);
        t21.intoArray(out, r2 + L);
        t30.intoArray(out, r3);
        t31.intoArray(out, r3 + L);
    }

    /**
     * {@code part[i * ldp + cOff + v] += sum_{q < rows} g[gOff + i * ldg + q] * colT[q * ldc + cOff + v]}
     * (one fma per term, ascending q, continuing from the values in {@code part}: each is a float, so
     * storing and reloading changes nothing) for {@code i < 4}, {@code v < 4 L}: the products of the
     * regrouped full-precision weight gradient.
     */
    static void weightProducts4x4(int rows, float[] colT, int cOff, int ldc, float[] g, int gOff, int ldg,
                                  float[] part, int partOff, int ldp) {
        int p0 = partOff + cOff, p1 = p0 + ldp, p2 = p0 + 2 * ldp, p3 = p0 + 3 * ldp;
        FloatVector a00 = FloatVector.fromArray(F, part, p0), a01 = FloatVector.fromArray(F, part, p0 + L), a02 = FloatVector.fromArray(F, part, p0 + 2 * L), a03 = FloatVector.fromArray(F, part, p0 + 3 * L);
        FloatVector a10 = FloatVector.fromArray(F, part, p1), a11 = FloatVector.fromArray(F, part, p1 + L), a12 = FloatVector.fromArray(F, part, p1 + 2 * L), a13 = FloatVector.fromArray(F, part, p1 + 3 * L);
        FloatVector a20 = FloatVector.fromArray(F, part, p2), a21 = FloatVector.fromArray(F, part, p2 + L), a22 = FloatVector.fromArray(F, part, p2 + 2 * L), a23 = FloatVector.fromArray(F, part, p2 + 3 * L);
        FloatVector a30 = FloatVector.fromArray(F, part, p3), a31 = FloatVector.fromArray(F, part, p3 + L), a32 = FloatVector.fromArray(F, part, p3 + 2 * L), a33 = FloatVector.fromArray(F, part, p3 + 3 * L);
        int g0 = gOff, g1 = gOff + ldg, g2 = gOff + 2 * ldg, g3 = gOff + 3 * ldg;
        for (int q = 0, at = cOff; q < rows; q++, at += ldc) {
            FloatVector c0 = FloatVector.fromArray(F, colT, at), c1 = FloatVector.fromArray(F, colT, at + L), c2 = FloatVector.fromArray(F, colT, at + 2 * L), c3 = FloatVector.fromArray(F, colT, at + 3 * L);
            FloatVector b = FloatVector.broadcast(F, g[g0 + q]);
            a00 = b.fma(c0, a00);
            a01 = b.fma(c1, a01);
            a02 = b.fma(c2, a02);
            a03 = b.fma(c3, a03);
            b = FloatVector.broadcast(F, g[g1 + q]);
            a10 = b.fma(c0, a10);
            a11 = b.fma(c1, a11);
            a12 = b.fma(c2, a12);
            a13 = b.fma(c3, a13);
            b = FloatVector.broadcast(F, g[g2 + q]);
            a20 = b.fma(c0, a20);
            a21 = b.fma(c1, a21);
            a22 = b.fma(c2, a22);
            a23 = b.fma(c3, a23);
            b = FloatVector.broadcast(F, g[g3 + q]);
            a30 = b.fma(c0, a30);
            a31 = b.fma(c1, a31);
            a32 = b.fma(c2, a32);
            a33 = b.fma(c3, a33);
        }
        a00.intoArray(part, p0);
        a01.intoArray(part, p0 + L);
        a02.intoArray(part, p0 + 2 * L);
        a03.intoArray(part, p0 + 3 * L);
        a10.intoArray(part, p1);
        a11.intoArray(part, p1 + L);
        a12.intoArray(part, p1 + 2 * L);
        a13.intoArray(part, p1 + 3 * L);
        a20.intoArray(part, p2);
        a21.intoArray(part, p2 + L);
        a22.intoArray(part, p2 + 2 * L);
        a23.intoArray(part, p2 + 3 * L);
        a30.intoArray(part, p3);
        a31.intoArray(part, p3 + L);
        a32.intoArray(part, p3 + 2 * L);
        a33.intoArray(part, p3 + 3 * L);
    }

    /** {@link #weightProducts4x4} for {@code v < 2 L}. */
    static void weightProducts4x2(int rows, float[] colT, int cOff, int ldc, float[] g, int gOff, int ldg,
                                  float[] part, int partOff, int ldp) {
        int p0 = partOff + cOff, p1 = p0 + ldp, p2 = p0 + 2 * ldp, p3 = p0 + 3 * ldp;
        FloatVector a00 = FloatVector.fromArray(F, part, p0), a01 = FloatVector.fromArray(F, part, p0 + L);
        FloatVector a10 = FloatVector.fromArray(F, part, p1), a11 = FloatVector.fromArray(F, part, p1 + L);
        FloatVector a20 = FloatVector.fromArray(F, part, p2), a21 = FloatVector.fromArray(F, part, p2 + L);
        FloatVector a30 = FloatVector.fromArray(F, part, p3), a31 = FloatVector.fromArray(F, part, p3 + L);
        int g0 = gOff, g1 = gOff + ldg, g2 = gOff + 2 * ldg, g3 = gOff + 3 * ldg;
        for (int q = 0, at = cOff; q < rows; q++, at += ldc) {
            FloatVector c0 = FloatVector.fromArray(F, colT, at), c1 = FloatVector.fromArray(F, colT, at + L);
            FloatVector b = FloatVector.broadcast(F, g[g0 + q]);
            a00 = b.fma(c0, a00);
            a01 = b.fma(c1, a01);
            b = FloatVector.broadcast(F, g[g1 + q]);
            a10 = b.fma(c0, a10);
            a11 = b.fma(c1, a11);
            b = FloatVector.broadcast(F, g[g2 + q]);
            a20 = b.fma(c0, a20);
            a21 = b.fma(c1, a21);
            b = FloatVector.broadcast(F, g[g3 + q]);
            a30 = b.fma(c0, a30);
            a31 = b.fma(c1, a31);
        }
        a00.intoArray(part, p0);
        a01.intoArray(part, p0 + L);
        a10.intoArray(part, p1);
        a11.intoArray(part, p1 + L);
        a20.intoArray(part, p2);
        a21.intoArray(part, p2 + L);
        a30.intoArray(part, p3);
        a31.intoArray(part, p3 + L);
    }

    /** {@code part[i * ldp + cOff + v] += sum_{q < rows} fma(g[gOff + i * ldg + q], sign(colT[q * ldc + cOff + v]
     * - w[wOff + i * ldw + cOff + v]), .)} for {@code i < 4}, {@code v < 2 L}, ascending q, continuing from
     * the values in {@code part}; the weights stay in registers. */
    static void weightSign4x2(int rows, float[] colT, int cOff, int ldc, float[] w, int wOff, int ldw,
                              float[] g, int gOff, int ldg, float[] part, int partOff, int ldp) {
        int p0 = partOff + cOff, p1 = p0 + ldp, p2 = p0 + 2 * ldp, p3 = p0 + 3 * ldp;
        int v0 = wOff + cOff, v1 = v0 + ldw, v2 = v0 + 2 * ldw, v3 = v0 + 3 * ldw;
        FloatVector w00 = FloatVector.fromArray(F, w, v0), w01 = FloatVector.fromArray(F, w, v0 + L);
        FloatVector w10 = FloatVector.fromArray(F, w, v1), w11 = FloatVector.fromArray(F, w, v1 + L);
        FloatVector w20 = FloatVector.fromArray(F, w, v2), w21 = FloatVector.fromArray(F, w, v2 + L);
        FloatVector w30 = FloatVector.fromArray(F, w, v3), w31 = FloatVector.fromArray(F, w, v3 + L);
        FloatVector a00 = FloatVector.fromArray(F, part, p0), a01 = FloatVector.fromArray(F, part, p0 + L);
        FloatVector a10 = FloatVector.fromArray(F, part, p1), a11 = FloatVector.fromArray(F, part, p1 + L);
        FloatVector a20 = FloatVector.fromArray(F, part, p2), a21 = FloatVector.fromArray(F, part, p2 + L);
        FloatVector a30 = FloatVector.fromArray(F, part, p3), a31 = FloatVector.fromArray(F, part, p3 + L);
        int g0 = gOff, g1 = gOff + ldg, g2 = gOff + 2 * ldg, g3 = gOff + 3 * ldg;
        for (int q = 0, at = cOff; q < rows; q++, at += ldc) {
            FloatVector c0 = FloatVector.fromArray(F, colT, at), c1 = FloatVector.fromArray(F, colT, at + L);
            FloatVector b = FloatVector.broadcast(F, g[g0 + q]);
            a00 = b.fma(sign(c0.sub(w00)), a00);
            a01 = b.fma(sign(c1.sub(w01)), a01);
            b = FloatVector.broadcast(F, g[g1 + q]);
            a10 = b.fma(sign(c0.sub(w10)), a10);
            a11 = b.fma(sign(c1.sub(w11)), a11);
            b = FloatVector.broadcast(F, g[g2 + q]);
            a20 = b.fma(sign(c0.sub(w20)), a20);
            a21 = b.fma(sign(c1.sub(w21)), a21);
            b = FloatVector.broadcast(F, g[g3 + q]);
            a30 = b.fma(sign(c0.sub(w30)), a30);
            a31 = b.fma(sign(c1.sub(w31)), a31);
        }
        a00.intoArray(part, p0);
        a01.intoArray(part, p0 + L);
        a10.intoArray(part, p1);
        a11.intoArray(part, p1 + L);
        a20.intoArray(part, p2);
        a21.intoArray(part, p2 + L);
        a30.intoArray(part, p3);
        a31.intoArray(part, p3 + L);
    }

    /**
     * The HardTanh of {@link org.bitspike.tensor.kernel.AdderKernels#hardTanh(float)} lane-wise:
     * {@code min(|d|, 1)} with the sign of d, on the bit patterns (for non-negative floats the integer
     * order is the float order). NOTE: the lane-wise float {@code max}/{@code min} give Java's
     * NaN and signed-zero rules through a sequence of several instructions each on x86, and a compare
     * and blend goes through a vector mask; either made the input gradient 5 to 10 times slower than
     * this and, or, and one integer min.
     */
    private static FloatVector hardTanh(FloatVector d) {
        IntVector bits = d.reinterpretAsInts();
        IntVector magnitude = bits.and(0x7fffffff).min(0x3f800000);
        return magnitude.or(bits.and(0x80000000)).reinterpretAsFloats();
    }

    /** {@code sign ? sign(d) : d}. */
    private static FloatVector rule(boolean sign, FloatVector d) {
        return sign ? sign(d) : d;
    }

    /** {@code d > 0 ? 1 : d < 0 ? -1 : d} lane-wise: the scalar sign rule (0, -0 and NaN kept). */
    static FloatVector sign(FloatVector d) {
        return d.blend(1f, d.compare(VectorOperators.GT, 0f)).blend(-1f, d.compare(VectorOperators.LT, 0f));
    }
}
