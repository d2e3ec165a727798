package org.bitspike.tensor.kernel.vector;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.bitspike.tensor.kernel.BatchNormKernels;
import org.bitspike.tensor.kernel.KernelProvider;
import org.bitspike.tensor.kernel.Tuning;

/**
 * Batch-normalisation passes on the Vector API, the oracle's bits: the elementwise passes do the
 * oracle's float operations lane by lane (no fused multiply-add; {@code max(v, +0)} is
 * {@code Math.max(v, 0f)}, NaN kept, -0 to +0), and the sums keep the {@value Tuning#SUM_LANES}
 * double partials in vectors whose lane {@code l} is partial {@code l}, as
 * {@link VectorReductions} does; the elements before the first position that is a multiple of 16,
 * and the tail, go through the oracle.
 *
 * <p>NOTE: written to {@link VectorReductions}' rules against boxing: every loop is a small method
 * of its own taking and returning arrays, no helper takes or returns a vector, one float species
 * ({@code F}) and one double shape; the masked and unmasked forms are separate methods rather than
 * a vector merged from two branches.
 */
final class VectorBatchNorm implements BatchNormKernels {
    private static final int LANES = Tuning.SUM_LANES;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int FL = F.length();
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_256;
    private static final boolean WIDE = FL == 16;
    private static final BatchNormKernels SCALAR = KernelProvider.scalar().batchNorm();

    static {
        assert LANES == 4 * D.length() : "the sums hold SUM_LANES partials in four vectors";
    }

    @Override
    public void affine(int n, float[] x, int xOff, float center, float scale, float shift, boolean relu,
                       float[] y, int yOff) {
        int bound = F.loopBound(n);
        if (relu) {
            affineRelu(bound, x, xOff, center, scale, shift, y, yOff);
        } else {
            affineIdentity(bound, x, xOff, center, scale, shift, y, yOff);
        }
        SCALAR.affine(n - bound, x, xOff + bound, center, scale, shift, relu, y, yOff + bound);
    }

    private static void affineRelu(int bound, float[] x, int xOff, float center, float scale, float shift,
                                   float[] y, int yOff) {
        FloatVector c = FloatVector.broadcast(F, center);
        FloatVector s = FloatVector.broadcast(F, scale);
        FloatVector b = FloatVector.broadcast(F, shift);
        FloatVector zero = FloatVector.zero(F);
        for (int i = 0; i < bound; i += FL) {
            FloatVector.fromArray(F, x, xOff + i).sub(c).mul(s).add(b).max(zero).intoArray(y, yOff + i);
        }
    }

    private static void affineIdentity(int bound, float[] x, int xOff, float center, float scale, float shift,
                                       float[] y, int yOff) {
        FloatVector c = FloatVector.broadcast(F, center);
        FloatVector s = FloatVector.broadcast(F, scale);
        FloatVector b = FloatVector.broadcast(F, shift);
        for (int i = 0; i < bound; i += FL) {
            FloatVector.fromArray(F, x, xOff + i).sub(c).mul(s).add(b).intoArray(y, yOff + i);
        }
    }

    @Override
    public void gradientSums(int n, float[] gy, int gyOff, float[] x, int xOff, float[] y, int yOff, int j0,
                             double mean, double[] sums) {
        if (n < 2 * LANES) {
            SCALAR.gradientSums(n, gy, gyOff, x, xOff, y, yOff, j0, mean, sums);
            return;
        }
        int head = (LANES - j0 % LANES) % LANES;
        SCALAR.gradientSums(head, gy, gyOff, x, xOff, y, yOff, j0, mean, sums);
        int end = head + (n - head) / LANES * LANES;
        if (y == null) {
            sums(end - head, gy, gyOff + head, x, xOff + head, mean, sums);
        } else {
            maskedSums(end - head, gy, gyOff + head, x, xOff + head, y, yOff + head, mean, sums);
        }
        SCALAR.gradientSums(n - end, gy, gyOff + end, x, xOff + end, y, y == null ? 0 : yOff + end, j0 + end, mean,
                sums);
    }

    /** Lane l of the four g accumulators and the four g (x - mean) ones is partial l; count is a multiple of 16. */
    private static void sums(int count, float[] gy, int gyOff, float[] x, int xOff, double mean, double[] sums) {
        double[] negMean = {-mean, -mean, -mean, -mean};
        DoubleVector g0 = DoubleVector.fromArray(D, sums, 0);
        DoubleVector g1 = DoubleVector.fromArray(D, sums, 4);
        DoubleVector g2 = DoubleVector.fromArray(D, sums, 8);
        DoubleVector g3 = DoubleVector.fromArray(D, sums, 12);
        DoubleVector p0 = DoubleVector.fromArray(D, sums, 16);
        DoubleVector p1 = DoubleVector.fromArray(D, sums, 20);
        DoubleVector p2 = DoubleVector.fromArray(D, sums, 24);
        DoubleVector p3 = DoubleVector.fromArray(D, sums, 28);
        for (int i = 0; i < count; i += LANES) {
            DoubleVector m = DoubleVector.fromArray(D, negMean, 0);
            FloatVector glo = FloatVector.fromArray(F, gy, gyOff + i);
            FloatVector ghi = WIDE ? glo : FloatVector.fromArray(F, gy, gyOff + i + 8);
            FloatVector xlo = FloatVector.fromArray(F, x, xOff + i);
            FloatVector xhi = WIDE ? xlo : FloatVector.fromArray(F, x, xOff + i + 8);
            DoubleVector d0 = (DoubleVector) glo.convertShape(VectorOperators.F2D, D, 0);
            DoubleVector d1 = (DoubleVector) glo.convertShape(VectorOperators.F2D, D, 1);
            DoubleVector d2 = (DoubleVector) ghi.convertShape(VectorOperators.F2D, D, WIDE ? 2 : 0);
            DoubleVector d3 = (DoubleVector) ghi.convertShape(VectorOperators.F2D, D, WIDE ? 3 : 1);
            g0 = g0.add(d0);
            g1 = g1.add(d1);
            g2 = g2.add(d2);
            g3 = g3.add(d3);
            p0 = p0.add(d0.mul(m.add((DoubleVector) xlo.convertShape(VectorOperators.F2D, D, 0))));
            p1 = p1.add(d1.mul(m.add((DoubleVector) xlo.convertShape(VectorOperators.F2D, D, 1))));
            p2 = p2.add(d2.mul(m.add((DoubleVector) xhi.convertShape(VectorOperators.F2D, D, WIDE ? 2 : 0))));
            p3 = p3.add(d3.mul(m.add((DoubleVector) xhi.convertShape(VectorOperators.F2D, D, WIDE ? 3 : 1))));
        }
        g0.intoArray(sums, 0);
        g1.intoArray(sums, 4);
        g2.intoArray(sums, 8);
        g3.intoArray(sums, 12);
        p0.intoArray(sums, 16);
        p1.intoArray(sums, 20);
        p2.intoArray(sums, 24);
        p3.intoArray(sums, 28);
    }

    /** {@link #sums} of g = (y > 0 ? gy : +0). */
    private static void maskedSums(int count, float[] gy, int gyOff, float[] x, int xOff, float[] y, int yOff,
                                   double mean, double[] sums) {
        double[] negMean = {-mean, -mean, -mean, -mean};
        FloatVector zero = FloatVector.zero(F);
        DoubleVector g0 = DoubleVector.fromArray(D, sums, 0);
        DoubleVector g1 = DoubleVector.fromArray(D, sums, 4);
        DoubleVector g2 = DoubleVector.fromArray(D, sums, 8);
        DoubleVector g3 = DoubleVector.fromArray(D, sums, 12);
        DoubleVector p0 = DoubleVector.fromArray(D, sums, 16);
        DoubleVector p1 = DoubleVector.fromArray(D, sums, 20);
        DoubleVector p2 = DoubleVector.fromArray(D, sums, 24);
        DoubleVector p3 = DoubleVector.fromArray(D, sums, 28);
        for (int i = 0; i < count; i += LANES) {
            DoubleVector m = DoubleVector.fromArray(D, negMean, 0);
            FloatVector ylo = FloatVector.fromArray(F, y, yOff + i);
            FloatVector glo = zero.blend(FloatVector.fromArray(F, gy, gyOff + i), ylo.compare(VectorOperators.GT, zero));
            FloatVector ghi = glo;
            FloatVector xlo = FloatVector.fromArray(F, x, xOff + i);
            FloatVector xhi = xlo;
            if (!WIDE) {
                FloatVector yhi = FloatVector.fromArray(F, y, yOff + i + 8);
                ghi = zero.blend(FloatVector.fromArray(F, gy, gyOff + i + 8), yhi.compare(VectorOperators.GT, zero));
                xhi = FloatVector.fromArray(F, x, xOff + i + 8);
            }
            DoubleVector d0 = (DoubleVector) glo.convertShape(VectorOperators.F2D, D, 0);
            DoubleVector d1 = (DoubleVector) glo.convertShape(VectorOperators.F2D, D, 1);
            DoubleVector d2 = (DoubleVector) ghi.convertShape(VectorOperators.F2D, D, WIDE ? 2 : 0);
            DoubleVector d3 = (DoubleVector) ghi.convertShape(VectorOperators.F2D, D, WIDE ? 3 : 1);
            g0 = g0.add(d0);
            g1 = g1.add(d1);
            g2 = g2.add(d2);
            g3 = g3.add(d3);
            p0 = p0.add(d0.mul(m.add((DoubleVector) xlo.convertShape(VectorOperators.F2D, D, 0))));
            p1 = p1.add(d1.mul(m.add((DoubleVector) xlo.convertShape(VectorOperators.F2D, D, 1))));
            p2 = p2.add(d2.mul(m.add((DoubleVector) xhi.convertShape(VectorOperators.F2D, D, WIDE ? 2 : 0))));
            p3 = p3.add(d3.mul(m.add((DoubleVector) xhi.convertShape(VectorOperators.F2D, D, WIDE ? 3 : 1))));
        }
        g0.intoArray(sums, 0);
        g1.intoArray(sums, 4);
        g2.intoArray(sums, 8);
        g3.intoArray(sums, 12);
        p0.intoArray(sums, 16);
        p1.intoArray(sums, 20);
        p2.intoArray(sums, 24);
        p3.intoArray(sums, 28);
    }

    @Override
    public void inputGradient(int n, float[] gy, int gyOff, float[] x, int xOff, float[] y, int yOff, float mean,
                              float invStd, float k, float meanG, float meanGX, float[] dx, int dxOff) {
        int bound = F.loopBound(n);
        if (y == null) {
            inputGradient(bound, gy, gyOff, x, xOff, mean, invStd, k, meanG, meanGX, dx, dxOff);
        } else {
            maskedInputGradient(bound, gy, gyOff, x, xOff, y, yOff, mean, invStd, k, meanG, meanGX, dx, dxOff);
        }
        SCALAR.inputGradient(n - bound, gy, gyOff + bound, x, xOff + bound, y, y == null ? 0 : yOff + bound, mean,
                invStd, k, meanG, meanGX, dx, dxOff + bound);
    }

    private static void inputGradient(int bound, float[] gy, int gyOff, float[] x, int xOff, float mean,
                                      float invStd, float k, float meanG, float meanGX, float[] dx, int dxOff) {
        FloatVector vm = FloatVector.broadcast(F, mean);
        FloatVector vi = FloatVector.broadcast(F, invStd);
        FloatVector vk = FloatVector.broadcast(F, k);
        FloatVector vg = FloatVector.broadcast(F, meanG);
        FloatVector vgx = FloatVector.broadcast(F, meanGX);
        for (int i = 0; i < bound; i += FL) {
            FloatVector xhat = FloatVector.fromArray(F, x, xOff + i).sub(vm).mul(vi);
            FloatVector g = FloatVector.fromArray(F, gy, gyOff + i);
            vk.mul(g.sub(vg).sub(xhat.mul(vgx))).intoArray(dx, dxOff + i);
        }
    }

    private static void maskedInputGradient(int bound, float[] gy, int gyOff, float[] x, int xOff, float[] y, int yOff,
                                            float mean, float invStd, float k, float meanG, float meanGX,
                                            float[] dx, int dxOff) {
        FloatVector zero = FloatVector.zero(F);
        FloatVector vm = FloatVector.broadcast(F, mean);
        FloatVector vi = FloatVector.broadcast(F, invStd);
        FloatVector vk = FloatVector.broadcast(F, k);
        FloatVector vg = FloatVector.broadcast(F, meanG);
        FloatVector vgx = FloatVector.broadcast(F, meanGX);
        for (int i = 0; i < bound; i += FL) {
            VectorMask<Float> on = FloatVector.fromArray(F, y, yOff + i).compare(VectorOperators.GT, zero);
            FloatVector g = zero.blend(FloatVector.fromArray(F, gy, gyOff + i), on);
            FloatVector xhat = FloatVector.fromArray(F, x, xOff + i).sub(vm).mul(vi);
            vk.mul(g.sub(vg).sub(xhat.mul(vgx))).intoArray(dx, dxOff + i);
        }
    }
}
