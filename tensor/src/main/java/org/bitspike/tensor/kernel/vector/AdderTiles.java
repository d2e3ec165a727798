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
 *   <li>{@link #inputHardTanh2x2}/{@link #inputOther2x2}: 2 taps x 2 vectors of output positions,
 *       the panel values in registers for the whole reduction over filters; per filter two loads of dy
 *       and two weight broadcasts; six operations per term with HardTanh (sub, and, min, and, or,
 *       fma);</li>
 *   <li>{@link #weightProducts4x4}/{@link #weightProducts4x1}: 4 taps x 4 (1) vectors of filters,
 *       the products {@code dy col} of the regrouped full-precision weight gradient, one fma per term
 *       (the float GEMM's micro-kernel shape); {@link #weightSign4x1}: the sign rule, the weights in
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
     * {@code out[at + v] = sum_{o < m} fma(g[ga + o * ldg + v], hardTanh(w[wa + o * ldw] - col[at + v]), .)}
     * for the two panel rows at {@code at0} and {@code at1} (taps {@code wa} and {@code wa + 1}) and
     * {@code v < 2 L}, in ascending o from 0. NOTE: 2 x 2 vectors, not 4 x 2: with four more clamps per
     * step the method passed C2's node budget for inlining (NodeCountInliningCutoff), its vectors were
     * boxed, and it ran 10x slower.
     */
    static void inputHardTanh2x2(int m, float[] col, int at0, int at1, float[] w, int wa, int ldw,
                      float[] g, int ga, int ldg, float[] out) {
        FloatVector x00 = FloatVector.fromArray(F, col, at0), x01 = FloatVector.fromArray(F, col, at0 + L);
        FloatVector x10 = FloatVector.fromArray(F, col, at1), x11 = FloatVector.fromArray(F, col, at1 + L);
        FloatVector t00 = FloatVector.zero(F), t01 = FloatVector.zero(F), t10 = FloatVector.zero(F), t11 = FloatVector.zero(F);
        for (int o = 0, gi = ga, wi = wa; o < m; o++, gi += ldg, wi += ldw) {
            FloatVector g0 = FloatVector.fromArray(F, g, gi), g1 = FloatVector.fromArray(F, g, gi + L);
            FloatVector b = FloatVector.broadcast(F, w[wi]);
            t00 = g0.fma(hardTanh(b.sub(x00)), t00);
            t01 = g1.fma(hardTanh(b.sub(x01)), t01);
            b = FloatVector.broadcast(F, w[wi + 1]);
            t10 = g0.fma(hardTanh(b.sub(x10)), t10);
            t11 = g1.fma(hardTanh(b.sub(x11)), t11);
        }
        t00.intoArray(out, at0);
        t01.intoArray(out, at0 + L);
        t10.intoArray(out, at1);
        t11.intoArray(out, at1 + L);
    }

    /** {@link #inputHardTanh2x2} with {@code sign(d)} ({@code sign} true) or {@code d} in place of the clamp. */
    static void inputOther2x2(boolean sign, int m, float[] col, int at0, int at1, float[] w, int wa, int ldw,
                      float[] g, int ga, int ldg, float[] out) {
        FloatVector x00 = FloatVector.fromArray(F, col, at0), x01 = FloatVector.fromArray(F, col, at0 + L);
        FloatVector x10 = FloatVector.fromArray(F, col, at1), x11 = FloatVector.fromArray(F, col, at1 + L);
        FloatVector t00 = FloatVector.zero(F), t01 = FloatVector.zero(F), t10 = FloatVector.zero(F), t11 = FloatVector.zero(F);
        for (int o = 0, gi = ga, wi = wa; o < m; o++, gi += ldg, wi += ldw) {
            FloatVector g0 = FloatVector.fromArray(F, g, gi), g1 = FloatVector.fromArray(F, g, gi + L);
            FloatVector b = FloatVector.broadcast(F, w[wi]);
            t00 = g0.fma(rule(sign, b.sub(x00)), t00);
            t01 = g1.fma(rule(sign, b.sub(x01)), t01);
            b = FloatVector.broadcast(F, w[wi + 1]);
            t10 = g0.fma(rule(sign, b.sub(x10)), t10);
            t11 = g1.fma(rule(sign, b.sub(x11)), t11);
        }
        t00.intoArray(out, at0);
        t01.intoArray(out, at0 + L);
        t10.intoArray(out, at1);
        t11.intoArray(out, at1 + L);
    }

    /**
     * {@code part[i * ldp + partOff + v] += sum_{q < rows} col[colOff + i * ldc + q] * g[gOff + q * ldg + v]}
     * (one fma per term, ascending q, continuing from the values in {@code part}: each is a float, so
     * storing and reloading changes nothing) for the 4 taps {@code i < 4} and {@code v < 4 L} filters:
     * the products of the regrouped full-precision weight gradient.
     */
    static void weightProducts4x4(int rows, float[] col, int colOff, int ldc, float[] g, int gOff, int ldg,
                                  float[] part, int partOff, int ldp) {
        int p0 = partOff, p1 = p0 + ldp, p2 = p0 + 2 * ldp, p3 = p0 + 3 * ldp;
        FloatVector a00 = FloatVector.fromArray(F, part, p0), a01 = FloatVector.fromArray(F, part, p0 + L), a02 = FloatVector.fromArray(F, part, p0 + 2 * L), a03 = FloatVector.fromArray(F, part, p0 + 3 * L);
        FloatVector a10 = FloatVector.fromArray(F, part, p1), a11 = FloatVector.fromArray(F, part, p1 + L), a12 = FloatVector.fromArray(F, part, p1 + 2 * L), a13 = FloatVector.fromArray(F, part, p1 + 3 * L);
        FloatVector a20 = FloatVector.fromArray(F, part, p2), a21 = FloatVector.fromArray(F, part, p2 + L), a22 = FloatVector.fromArray(F, part, p2 + 2 * L), a23 = FloatVector.fromArray(F, part, p2 + 3 * L);
        FloatVector a30 = FloatVector.fromArray(F, part, p3), a31 = FloatVector.fromArray(F, part, p3 + L), a32 = FloatVector.fromArray(F, part, p3 + 2 * L), a33 = FloatVector.fromArray(F, part, p3 + 3 * L);
        int c0 = colOff, c1 = colOff + ldc, c2 = colOff + 2 * ldc, c3 = colOff + 3 * ldc;
        for (int q = 0, at = gOff; q < rows; q++, at += ldg) {
            FloatVector y0 = FloatVector.fromArray(F, g, at), y1 = FloatVector.fromArray(F, g, at + L), y2 = FloatVector.fromArray(F, g, at + 2 * L), y3 = FloatVector.fromArray(F, g, at + 3 * L);
            FloatVector b = FloatVector.broadcast(F, col[c0 + q]);
            a00 = b.fma(y0, a00);
            a01 = b.fma(y1, a01);
            a02 = b.fma(y2, a02);
            a03 = b.fma(y3, a03);
            b = FloatVector.broadcast(F, col[c1 + q]);
            a10 = b.fma(y0, a10);
            a11 = b.fma(y1, a11);
            a12 = b.fma(y2, a12);
            a13 = b.fma(y3, a13);
            b = FloatVector.broadcast(F, col[c2 + q]);
            a20 = b.fma(y0, a20);
            a21 = b.fma(y1, a21);
            a22 = b.fma(y2, a22);
            a23 = b.fma(y3, a23);
            b = FloatVector.broadcast(F, col[c3 + q]);
            a30 = b.fma(y0, a30);
            a31 = b.fma(y1, a31);
            a32 = b.fma(y2, a32);
            a33 = b.fma(y3, a33);
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

    /** {@link #weightProducts4x4} for {@code v < L}. */
    static void weightProducts4x1(int rows, float[] col, int colOff, int ldc, float[] g, int gOff, int ldg,
                                  float[] part, int partOff, int ldp) {
        int p0 = partOff, p1 = p0 + ldp, p2 = p0 + 2 * ldp, p3 = p0 + 3 * ldp;
        FloatVector a00 = FloatVector.fromArray(F, part, p0);
        FloatVector a10 = FloatVector.fromArray(F, part, p1);
        FloatVector a20 = FloatVector.fromArray(F, part, p2);
        FloatVector a30 = FloatVector.fromArray(F, part, p3);
        int c0 = colOff, c1 = colOff + ldc, c2 = colOff + 2 * ldc, c3 = colOff + 3 * ldc;
        for (int q = 0, at = gOff; q < rows; q++, at += ldg) {
            FloatVector y0 = FloatVector.fromArray(F, g, at);
            FloatVector b = FloatVector.broadcast(F, col[c0 + q]);
            a00 = b.fma(y0, a00);
            b = FloatVector.broadcast(F, col[c1 + q]);
            a10 = b.fma(y0, a10);
            b = FloatVector.broadcast(F, col[c2 + q]);
            a20 = b.fma(y0, a20);
            b = FloatVector.broadcast(F, col[c3 + q]);
            a30 = b.fma(y0, a30);
        }
        a00.intoArray(part, p0);
        a10.intoArray(part, p1);
        a20.intoArray(part, p2);
        a30.intoArray(part, p3);
    }

    /**
     * {@code part[i * ldp + partOff + v] += sum_{q < rows} fma(g[gOff + q * ldg + v], sign(col[colOff + i * ldc
     * + q] - w[wOff + i * ldp + v]), .)} for {@code i < 4}, {@code v < L}, ascending q, continuing from
     * the values in {@code part}; the weights ({@code [taps][filters]} like part) stay in registers.
     */
    static void weightSign4x1(int rows, float[] col, int colOff, int ldc, float[] g, int gOff, int ldg,
                              float[] w, int wOff, float[] part, int partOff, int ldp) {
        int p0 = partOff, p1 = p0 + ldp, p2 = p0 + 2 * ldp, p3 = p0 + 3 * ldp;
        FloatVector w0 = FloatVector.fromArray(F, w, wOff), w1 = FloatVector.fromArray(F, w, wOff + ldp);
        FloatVector w2 = FloatVector.fromArray(F, w, wOff + 2 * ldp), w3 = FloatVector.fromArray(F, w, wOff + 3 * ldp);
        FloatVector a0 = FloatVector.fromArray(F, part, p0), a1 = FloatVector.fromArray(F, part, p1);
        FloatVector a2 = FloatVector.fromArray(F, part, p2), a3 = FloatVector.fromArray(F, part, p3);
        int c0 = colOff, c1 = colOff + ldc, c2 = colOff + 2 * ldc, c3 = colOff + 3 * ldc;
        for (int q = 0, at = gOff; q < rows; q++, at += ldg) {
            FloatVector y = FloatVector.fromArray(F, g, at);
            a0 = y.fma(sign(FloatVector.broadcast(F, col[c0 + q]).sub(w0)), a0);
            a1 = y.fma(sign(FloatVector.broadcast(F, col[c1 + q]).sub(w1)), a1);
            a2 = y.fma(sign(FloatVector.broadcast(F, col[c2 + q]).sub(w2)), a2);
            a3 = y.fma(sign(FloatVector.broadcast(F, col[c3 + q]).sub(w3)), a3);
        }
        a0.intoArray(part, p0);
        a1.intoArray(part, p1);
        a2.intoArray(part, p2);
        a3.intoArray(part, p3);
    }

    /**
     * The HardTanh of {@link org.bitspike.tensor.kernel.AdderKernels#hardTanh(float)} lane-wise, on
     * the bit patterns as a signed-int min with {@code copysign(1, d)}: three integer operations.
     * NOTE: the lane-wise float {@code max}/{@code min} give Java's NaN and signed-zero rules through
     * a sequence of several instructions each on x86, and a compare and blend goes through a vector
     * mask; either made the input gradient two to ten times slower.
     */
    private static FloatVector hardTanh(FloatVector d) {
        IntVector bits = d.reinterpretAsInts();
        return bits.min(bits.and(0x80000000).or(0x3f800000)).reinterpretAsFloats();
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
