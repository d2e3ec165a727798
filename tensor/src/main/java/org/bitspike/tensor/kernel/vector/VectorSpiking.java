package org.bitspike.tensor.kernel.vector;

import static jdk.incubator.vector.VectorOperators.F2D;
import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.LE;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.bitspike.tensor.kernel.KernelProvider;
import org.bitspike.tensor.kernel.SpikeKernels;
import org.bitspike.tensor.kernel.Tuning;

/**
 * The spike-layer passes on the Vector API, the oracle's bits: {@code z} is a lane-wise float
 * division, the clamp, the windows and the spike are compare-and-blend (so NaN z falls outside
 * every window and clips to 0, as in the oracle's {@code >}/{@code <=} tests), the gradients are the
 * oracle's float operations in its order (no fused multiply-add), and the sums keep the
 * {@value Tuning#SUM_LANES} double partials in vectors whose lane {@code l} is partial {@code l}, as
 * {@link VectorReductions} does, except that a run need not start at a multiple of 16: the vector
 * body works on the partials rotated by the run's phase ({@link #rotated}). The tail (under 16
 * elements) goes through the oracle.
 *
 * <p>NOTE: written to {@link VectorReductions}' rules against boxing: every loop is a small method
 * of its own taking and returning arrays, no helper takes or returns a vector, one float species
 * ({@code F}) and one double shape; the forms with and without the {@code du} output are separate
 * methods rather than one loop with a branch. A block of 16 floats is one load on a 512-bit machine
 * ({@code WIDE}) and two on a 256-bit one ({@code lo}, {@code hi}); each widens to four 4-lane double
 * vectors.
 */
final class VectorSpiking implements SpikeKernels {
    private static final int LANES = Tuning.SUM_LANES;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int FL = F.length();
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_256;
    private static final boolean WIDE = FL == 16;
    private static final SpikeKernels SCALAR = KernelProvider.scalar().spikes();

    static {
        assert LANES == 4 * D.length() : "the sums hold SUM_LANES partials in four vectors";
    }

    /**
     * The partials the vector body accumulates into for a run starting at position {@code j0}: lane
     * {@code l} of set {@code s} is partial {@code (j0 + l) mod SUM_LANES} of that set, so element
     * {@code i} of the run, which the body adds to lane {@code i mod 16}, reaches its partial
     * {@code (j0 + i) mod 16} with no scalar head to align the start. Every partial still adds its
     * values in increasing position, so the bits are the oracle's. NOTE: aligning a run's start
     * instead would cost up to 15 scalar elements per run, a third of a 7x7 plane. The sums
     * themselves when the phase is 0.
     */
    private static double[] rotated(double[] sums, int sets, int j0) {
        int phase = j0 % LANES;
        if (phase == 0) {
            return sums;
        }
        double[] r = new double[sets * LANES];
        for (int s = 0; s < sets; s++) {
            int at = s * LANES;
            System.arraycopy(sums, at + phase, r, at, LANES - phase);
            System.arraycopy(sums, at, r, at + LANES - phase, phase);
        }
        return r;
    }

    /** Writes the body's partials {@code r} back where they belong (nothing when they are the sums). */
    private static void unrotate(double[] r, double[] sums, int sets, int j0) {
        if (r == sums) {
            return;
        }
        int phase = j0 % LANES;
        for (int s = 0; s < sets; s++) {
            int at = s * LANES;
            System.arraycopy(r, at, sums, at + phase, LANES - phase);
            System.arraycopy(r, at + LANES - phase, sums, at, phase);
        }
    }

    // ---- clipped sums ----

    @Override
    public void clippedSums(int n, float[] u, int uOff, float a, int j0, double[] sums) {
        int end = n / LANES * LANES;
        if (end > 0) {
            double[] acc = rotated(sums, 2, j0);
            clippedSumsBody(end, u, uOff, a, acc);
            unrotate(acc, sums, 2, j0);
        }
        SCALAR.clippedSums(n - end, u, uOff + end, a, j0 + end, sums);
    }

    /** Lane l of s0..s3 (zc) and q0..q3 (zc^2) is partial l; count is a multiple of 16. */
    private static void clippedSumsBody(int count, float[] u, int uOff, float a, double[] sums) {
        FloatVector va = FloatVector.broadcast(F, a);
        FloatVector zero = FloatVector.zero(F);
        FloatVector one = FloatVector.broadcast(F, 1f);
        DoubleVector s0 = DoubleVector.fromArray(D, sums, 0);
        DoubleVector s1 = DoubleVector.fromArray(D, sums, 4);
        DoubleVector s2 = DoubleVector.fromArray(D, sums, 8);
        DoubleVector s3 = DoubleVector.fromArray(D, sums, 12);
        DoubleVector q0 = DoubleVector.fromArray(D, sums, 16);
        DoubleVector q1 = DoubleVector.fromArray(D, sums, 20);
        DoubleVector q2 = DoubleVector.fromArray(D, sums, 24);
        DoubleVector q3 = DoubleVector.fromArray(D, sums, 28);
        for (int i = 0; i < count; i += LANES) {
            FloatVector zl = FloatVector.fromArray(F, u, uOff + i).div(va);
            FloatVector cl = zero.blend(zl, zl.compare(GT, zero)).blend(one, zl.compare(GT, one));
            FloatVector ch = cl;
            if (!WIDE) {
                FloatVector zh = FloatVector.fromArray(F, u, uOff + i + 8).div(va);
                ch = zero.blend(zh, zh.compare(GT, zero)).blend(one, zh.compare(GT, one));
            }
            DoubleVector d0 = (DoubleVector) cl.convertShape(F2D, D, 0);
            DoubleVector d1 = (DoubleVector) cl.convertShape(F2D, D, 1);
            DoubleVector d2 = (DoubleVector) ch.convertShape(F2D, D, WIDE ? 2 : 0);
            DoubleVector d3 = (DoubleVector) ch.convertShape(F2D, D, WIDE ? 3 : 1);
            s0 = s0.add(d0);
            s1 = s1.add(d1);
            s2 = s2.add(d2);
            s3 = s3.add(d3);
            q0 = q0.add(d0.mul(d0));
            q1 = q1.add(d1.mul(d1));
            q2 = q2.add(d2.mul(d2));
            q3 = q3.add(d3.mul(d3));
        }
        s0.intoArray(sums, 0);
        s1.intoArray(sums, 4);
        s2.intoArray(sums, 8);
        s3.intoArray(sums, 12);
        q0.intoArray(sums, 16);
        q1.intoArray(sums, 20);
        q2.intoArray(sums, 24);
        q3.intoArray(sums, 28);
    }

    // ---- fire ----

    @Override
    public void fire(int n, float[] u, int uOff, float a, float threshold, float[] out, int outOff) {
        int bound = F.loopBound(n);
        fireBody(bound, u, uOff, a, threshold, out, outOff);
        SCALAR.fire(n - bound, u, uOff + bound, a, threshold, out, outOff + bound);
    }

    private static void fireBody(int bound, float[] u, int uOff, float a, float threshold, float[] out, int outOff) {
        FloatVector va = FloatVector.broadcast(F, a);
        FloatVector vt = FloatVector.broadcast(F, threshold);
        FloatVector zero = FloatVector.zero(F);
        FloatVector one = FloatVector.broadcast(F, 1f);
        for (int i = 0; i < bound; i += FL) {
            FloatVector z = FloatVector.fromArray(F, u, uOff + i).div(va);
            zero.blend(one, z.compare(GE, vt)).intoArray(out, outOff + i);
        }
    }

    // ---- the surrogate's backward ----

    @Override
    public void fireBackward(int n, float[] g, int gOff, float[] u, int uOff, float a, float lo, float hi,
                             float height, int j0, double[] sums, float[] du, int duOff) {
        int end = n / LANES * LANES;
        if (end > 0) {
            double[] acc = rotated(sums, 1, j0);
            if (du == null) {
                fireSums(end, g, gOff, u, uOff, a, lo, hi, height, acc);
            } else {
                fireGradients(end, g, gOff, u, uOff, a, lo, hi, height, acc, du, duOff);
            }
            unrotate(acc, sums, 1, j0);
        }
        SCALAR.fireBackward(n - end, g, gOff + end, u, uOff + end, a, lo, hi, height, j0 + end, sums, du,
                du == null ? 0 : duOff + end);
    }

    /** gz = lo < z <= hi ? g * height : +0; du = gz / a; lane l of s0..s3 is partial l of gz * u. */
    private static void fireGradients(int count, float[] g, int gOff, float[] u, int uOff, float a, float lo, float hi,
                                      float height, double[] sums, float[] du, int duOff) {
        FloatVector va = FloatVector.broadcast(F, a);
        FloatVector vlo = FloatVector.broadcast(F, lo);
        FloatVector vhi = FloatVector.broadcast(F, hi);
        FloatVector vh = FloatVector.broadcast(F, height);
        FloatVector zero = FloatVector.zero(F);
        DoubleVector s0 = DoubleVector.fromArray(D, sums, 0);
        DoubleVector s1 = DoubleVector.fromArray(D, sums, 4);
        DoubleVector s2 = DoubleVector.fromArray(D, sums, 8);
        DoubleVector s3 = DoubleVector.fromArray(D, sums, 12);
        for (int i = 0; i < count; i += LANES) {
            FloatVector ul = FloatVector.fromArray(F, u, uOff + i);
            FloatVector zl = ul.div(va);
            FloatVector gl = zero.blend(FloatVector.fromArray(F, g, gOff + i).mul(vh),
                    zl.compare(GT, vlo).and(zl.compare(LE, vhi)));
            gl.div(va).intoArray(du, duOff + i);
            FloatVector uh = ul;
            FloatVector gh = gl;
            if (!WIDE) {
                uh = FloatVector.fromArray(F, u, uOff + i + 8);
                FloatVector zh = uh.div(va);
                gh = zero.blend(FloatVector.fromArray(F, g, gOff + i + 8).mul(vh),
                        zh.compare(GT, vlo).and(zh.compare(LE, vhi)));
                gh.div(va).intoArray(du, duOff + i + 8);
            }
            s0 = s0.add(((DoubleVector) gl.convertShape(F2D, D, 0)).mul((DoubleVector) ul.convertShape(F2D, D, 0)));
            s1 = s1.add(((DoubleVector) gl.convertShape(F2D, D, 1)).mul((DoubleVector) ul.convertShape(F2D, D, 1)));
            s2 = s2.add(((DoubleVector) gh.convertShape(F2D, D, WIDE ? 2 : 0))
                    .mul((DoubleVector) uh.convertShape(F2D, D, WIDE ? 2 : 0)));
            s3 = s3.add(((DoubleVector) gh.convertShape(F2D, D, WIDE ? 3 : 1))
                    .mul((DoubleVector) uh.convertShape(F2D, D, WIDE ? 3 : 1)));
        }
        s0.intoArray(sums, 0);
        s1.intoArray(sums, 4);
        s2.intoArray(sums, 8);
        s3.intoArray(sums, 12);
    }

    /** {@link #fireGradients} without du. */
    private static void fireSums(int count, float[] g, int gOff, float[] u, int uOff, float a, float lo, float hi,
                                 float height, double[] sums) {
        FloatVector va = FloatVector.broadcast(F, a);
        FloatVector vlo = FloatVector.broadcast(F, lo);
        FloatVector vhi = FloatVector.broadcast(F, hi);
        FloatVector vh = FloatVector.broadcast(F, height);
        FloatVector zero = FloatVector.zero(F);
        DoubleVector s0 = DoubleVector.fromArray(D, sums, 0);
        DoubleVector s1 = DoubleVector.fromArray(D, sums, 4);
        DoubleVector s2 = DoubleVector.fromArray(D, sums, 8);
        DoubleVector s3 = DoubleVector.fromArray(D, sums, 12);
        for (int i = 0; i < count; i += LANES) {
            FloatVector ul = FloatVector.fromArray(F, u, uOff + i);
            FloatVector zl = ul.div(va);
            FloatVector gl = zero.blend(FloatVector.fromArray(F, g, gOff + i).mul(vh),
                    zl.compare(GT, vlo).and(zl.compare(LE, vhi)));
            FloatVector uh = ul;
            FloatVector gh = gl;
            if (!WIDE) {
                uh = FloatVector.fromArray(F, u, uOff + i + 8);
                FloatVector zh = uh.div(va);
                gh = zero.blend(FloatVector.fromArray(F, g, gOff + i + 8).mul(vh),
                        zh.compare(GT, vlo).and(zh.compare(LE, vhi)));
            }
            s0 = s0.add(((DoubleVector) gl.convertShape(F2D, D, 0)).mul((DoubleVector) ul.convertShape(F2D, D, 0)));
            s1 = s1.add(((DoubleVector) gl.convertShape(F2D, D, 1)).mul((DoubleVector) ul.convertShape(F2D, D, 1)));
            s2 = s2.add(((DoubleVector) gh.convertShape(F2D, D, WIDE ? 2 : 0))
                    .mul((DoubleVector) uh.convertShape(F2D, D, WIDE ? 2 : 0)));
            s3 = s3.add(((DoubleVector) gh.convertShape(F2D, D, WIDE ? 3 : 1))
                    .mul((DoubleVector) uh.convertShape(F2D, D, WIDE ? 3 : 1)));
        }
        s0.intoArray(sums, 0);
        s1.intoArray(sums, 4);
        s2.intoArray(sums, 8);
        s3.intoArray(sums, 12);
    }

    // ---- the squared Hoyer ratio's backward ----

    @Override
    public void ratioBackward(int n, float[] u, int uOff, float a, float scale, float invExt, int j0, double[] sums,
                              float[] du, int duOff) {
        int end = n / LANES * LANES;
        if (end > 0) {
            double[] acc = rotated(sums, 1, j0);
            if (du == null) {
                ratioSums(end, u, uOff, a, scale, invExt, acc);
            } else {
                ratioGradients(end, u, uOff, a, scale, invExt, acc, du, duOff);
            }
            unrotate(acc, sums, 1, j0);
        }
        SCALAR.ratioBackward(n - end, u, uOff + end, a, scale, invExt, j0 + end, sums, du,
                du == null ? 0 : duOff + end);
    }

    /** gz = 0 <= z <= 1 ? scale * ((z > 0 ? 1 : 0) - z * invExt) : +0; du = gz / a; s0..s3 the partials of gz * u. */
    private static void ratioGradients(int count, float[] u, int uOff, float a, float scale, float invExt, double[] sums,
                                       float[] du, int duOff) {
        FloatVector va = FloatVector.broadcast(F, a);
        FloatVector vs = FloatVector.broadcast(F, scale);
        FloatVector ve = FloatVector.broadcast(F, invExt);
        FloatVector zero = FloatVector.zero(F);
        FloatVector one = FloatVector.broadcast(F, 1f);
        DoubleVector s0 = DoubleVector.fromArray(D, sums, 0);
        DoubleVector s1 = DoubleVector.fromArray(D, sums, 4);
        DoubleVector s2 = DoubleVector.fromArray(D, sums, 8);
        DoubleVector s3 = DoubleVector.fromArray(D, sums, 12);
        for (int i = 0; i < count; i += LANES) {
            FloatVector ul = FloatVector.fromArray(F, u, uOff + i);
            FloatVector zl = ul.div(va);
            FloatVector rl = vs.mul(zero.blend(one, zl.compare(GT, zero)).sub(zl.mul(ve)));
            FloatVector gl = zero.blend(rl, zl.compare(GE, zero).and(zl.compare(LE, one)));
            gl.div(va).intoArray(du, duOff + i);
            FloatVector uh = ul;
            FloatVector gh = gl;
            if (!WIDE) {
                uh = FloatVector.fromArray(F, u, uOff + i + 8);
                FloatVector zh = uh.div(va);
                FloatVector rh = vs.mul(zero.blend(one, zh.compare(GT, zero)).sub(zh.mul(ve)));
                gh = zero.blend(rh, zh.compare(GE, zero).and(zh.compare(LE, one)));
                gh.div(va).intoArray(du, duOff + i + 8);
            }
            s0 = s0.add(((DoubleVector) gl.convertShape(F2D, D, 0)).mul((DoubleVector) ul.convertShape(F2D, D, 0)));
            s1 = s1.add(((DoubleVector) gl.convertShape(F2D, D, 1)).mul((DoubleVector) ul.convertShape(F2D, D, 1)));
            s2 = s2.add(((DoubleVector) gh.convertShape(F2D, D, WIDE ? 2 : 0))
                    .mul((DoubleVector) uh.convertShape(F2D, D, WIDE ? 2 : 0)));
            s3 = s3.add(((DoubleVector) gh.convertShape(F2D, D, WIDE ? 3 : 1))
                    .mul((DoubleVector) uh.convertShape(F2D, D, WIDE ? 3 : 1)));
        }
        s0.intoArray(sums, 0);
        s1.intoArray(sums, 4);
        s2.intoArray(sums, 8);
        s3.intoArray(sums, 12);
    }

    /** {@link #ratioGradients} without du. */
    private static void ratioSums(int count, float[] u, int uOff, float a, float scale, float invExt, double[] sums) {
        FloatVector va = FloatVector.broadcast(F, a);
        FloatVector vs = FloatVector.broadcast(F, scale);
        FloatVector ve = FloatVector.broadcast(F, invExt);
        FloatVector zero = FloatVector.zero(F);
        FloatVector one = FloatVector.broadcast(F, 1f);
        DoubleVector s0 = DoubleVector.fromArray(D, sums, 0);
        DoubleVector s1 = DoubleVector.fromArray(D, sums, 4);
        DoubleVector s2 = DoubleVector.fromArray(D, sums, 8);
        DoubleVector s3 = DoubleVector.fromArray(D, sums, 12);
        for (int i = 0; i < count; i += LANES) {
            FloatVector ul = FloatVector.fromArray(F, u, uOff + i);
            FloatVector zl = ul.div(va);
            FloatVector rl = vs.mul(zero.blend(one, zl.compare(GT, zero)).sub(zl.mul(ve)));
            FloatVector gl = zero.blend(rl, zl.compare(GE, zero).and(zl.compare(LE, one)));
            FloatVector uh = ul;
            FloatVector gh = gl;
            if (!WIDE) {
                uh = FloatVector.fromArray(F, u, uOff + i + 8);
                FloatVector zh = uh.div(va);
                FloatVector rh = vs.mul(zero.blend(one, zh.compare(GT, zero)).sub(zh.mul(ve)));
                gh = zero.blend(rh, zh.compare(GE, zero).and(zh.compare(LE, one)));
            }
            s0 = s0.add(((DoubleVector) gl.convertShape(F2D, D, 0)).mul((DoubleVector) ul.convertShape(F2D, D, 0)));
            s1 = s1.add(((DoubleVector) gl.convertShape(F2D, D, 1)).mul((DoubleVector) ul.convertShape(F2D, D, 1)));
            s2 = s2.add(((DoubleVector) gh.convertShape(F2D, D, WIDE ? 2 : 0))
                    .mul((DoubleVector) uh.convertShape(F2D, D, WIDE ? 2 : 0)));
            s3 = s3.add(((DoubleVector) gh.convertShape(F2D, D, WIDE ? 3 : 1))
                    .mul((DoubleVector) uh.convertShape(F2D, D, WIDE ? 3 : 1)));
        }
        s0.intoArray(sums, 0);
        s1.intoArray(sums, 4);
        s2.intoArray(sums, 8);
        s3.intoArray(sums, 12);
    }
}
