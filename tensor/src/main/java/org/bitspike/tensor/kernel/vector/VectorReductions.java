package org.bitspike.tensor.kernel.vector;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.bitspike.tensor.kernel.KernelProvider;
import org.bitspike.tensor.kernel.ReductionKernels;
import org.bitspike.tensor.kernel.Tuning;

/**
 * Reduction runs on the Vector API, in exactly the oracle's order (so the same bits):
 * <ul>
 *   <li>a dense row keeps the {@value Tuning#SUM_LANES} partials of its output in four 4-lane
 *       double vectors; the elements before the first position {@code j} that is a multiple of 16,
 *       and the tail, go through the oracle one by one, so vector lane {@code l} is partial
 *       {@code l};</li>
 *   <li>dense columns are a lane-wise {@code acc += x} over consecutive outputs.</li>
 * </ul>
 * FLOAT32 input is widened to double lane by lane; no fused multiply-add anywhere. Strided runs and
 * short ones go to the oracle.
 */
final class VectorReductions implements ReductionKernels {
    private static final int LANES = Tuning.SUM_LANES;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int FL = F.length();
    /** Rows: four of these hold the 16 partials on any machine with 256-bit vectors. */
    private static final VectorSpecies<Double> D4 = DoubleVector.SPECIES_256;
    private static final VectorSpecies<Float> F4 = FloatVector.SPECIES_128;
    /** Columns: the widest doubles, fed by floats of the same lane count. */
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final int DL = D.length();
    private static final VectorSpecies<Float> FD = VectorSpecies.of(float.class,
            VectorShape.forBitSize(D.vectorBitSize() / 2));
    private static final ReductionKernels SCALAR = KernelProvider.scalar().reductions();

    static {
        assert LANES == 4 * D4.length() : "the row kernels hold SUM_LANES partials in four vectors";
    }

    @Override
    public void row(Accumulate what, int n, float[] x, int xOff, int xStride, int j0, double mean,
                    double[] acc, int accOff, int laneStride) {
        if (xStride != 1 || n < 2 * LANES || (laneStride != 1 && what != Accumulate.MAX && what != Accumulate.MIN)) {
            SCALAR.row(what, n, x, xOff, xStride, j0, mean, acc, accOff, laneStride);
            return;
        }
        if (what == Accumulate.MAX || what == Accumulate.MIN) {
            extremeRow(what == Accumulate.MAX, n, x, xOff, acc, accOff);
            return;
        }
        int head = (LANES - j0 % LANES) % LANES;
        SCALAR.row(what, head, x, xOff, 1, j0, mean, acc, accOff, 1);
        int i = head;
        int end = head + (n - head) / LANES * LANES;
        DoubleVector a0 = DoubleVector.fromArray(D4, acc, accOff);
        DoubleVector a1 = DoubleVector.fromArray(D4, acc, accOff + 4);
        DoubleVector a2 = DoubleVector.fromArray(D4, acc, accOff + 8);
        DoubleVector a3 = DoubleVector.fromArray(D4, acc, accOff + 12);
        if (what == Accumulate.SUM) {
            for (; i < end; i += LANES) {
                int p = xOff + i;
                a0 = a0.add(widen(x, p));
                a1 = a1.add(widen(x, p + 4));
                a2 = a2.add(widen(x, p + 8));
                a3 = a3.add(widen(x, p + 12));
            }
        } else {
            DoubleVector m = DoubleVector.broadcast(D4, mean);
            for (; i < end; i += LANES) {
                int p = xOff + i;
                DoubleVector d0 = widen(x, p).sub(m);
                DoubleVector d1 = widen(x, p + 4).sub(m);
                DoubleVector d2 = widen(x, p + 8).sub(m);
                DoubleVector d3 = widen(x, p + 12).sub(m);
                a0 = a0.add(d0.mul(d0));
                a1 = a1.add(d1.mul(d1));
                a2 = a2.add(d2.mul(d2));
                a3 = a3.add(d3.mul(d3));
            }
        }
        a0.intoArray(acc, accOff);
        a1.intoArray(acc, accOff + 4);
        a2.intoArray(acc, accOff + 8);
        a3.intoArray(acc, accOff + 12);
        SCALAR.row(what, n - end, x, xOff + end, 1, j0 + end, mean, acc, accOff, 1);
    }

    private static DoubleVector widen(float[] x, int p) {
        return (DoubleVector) FloatVector.fromArray(F4, x, p).convertShape(VectorOperators.F2D, D4, 0);
    }

    private static void extremeRow(boolean max, int n, float[] x, int xOff, double[] acc, int accOff) {
        FloatVector m = FloatVector.fromArray(F, x, xOff);
        int bound = F.loopBound(n);
        int i = FL;
        if (max) {
            for (; i < bound; i += FL) {
                m = m.max(FloatVector.fromArray(F, x, xOff + i));
            }
        } else {
            for (; i < bound; i += FL) {
                m = m.min(FloatVector.fromArray(F, x, xOff + i));
            }
        }
        // NOTE: lanes folded with Math.max/min (NaN propagates), not reduceLanes.
        double r = acc[accOff];
        for (int l = 0; l < FL; l++) {
            float v = m.lane(l);
            r = max ? Math.max(r, v) : Math.min(r, v);
        }
        for (; i < n; i++) {
            float v = x[xOff + i];
            r = max ? Math.max(r, v) : Math.min(r, v);
        }
        acc[accOff] = r;
    }

    @Override
    public void row(Accumulate what, int n, double[] x, int xOff, int xStride, int j0, double mean,
                    double[] acc, int accOff, int laneStride) {
        if (xStride != 1 || n < 2 * LANES || (laneStride != 1 && what != Accumulate.MAX && what != Accumulate.MIN)) {
            SCALAR.row(what, n, x, xOff, xStride, j0, mean, acc, accOff, laneStride);
            return;
        }
        if (what == Accumulate.MAX || what == Accumulate.MIN) {
            boolean max = what == Accumulate.MAX;
            DoubleVector m = DoubleVector.fromArray(D, x, xOff);
            int bound = D.loopBound(n);
            int i = DL;
            if (max) {
                for (; i < bound; i += DL) {
                    m = m.max(DoubleVector.fromArray(D, x, xOff + i));
                }
            } else {
                for (; i < bound; i += DL) {
                    m = m.min(DoubleVector.fromArray(D, x, xOff + i));
                }
            }
            double r = acc[accOff];
            for (int l = 0; l < DL; l++) {
                r = max ? Math.max(r, m.lane(l)) : Math.min(r, m.lane(l));
            }
            for (; i < n; i++) {
                r = max ? Math.max(r, x[xOff + i]) : Math.min(r, x[xOff + i]);
            }
            acc[accOff] = r;
            return;
        }
        int head = (LANES - j0 % LANES) % LANES;
        SCALAR.row(what, head, x, xOff, 1, j0, mean, acc, accOff, 1);
        int i = head;
        int end = head + (n - head) / LANES * LANES;
        DoubleVector a0 = DoubleVector.fromArray(D4, acc, accOff);
        DoubleVector a1 = DoubleVector.fromArray(D4, acc, accOff + 4);
        DoubleVector a2 = DoubleVector.fromArray(D4, acc, accOff + 8);
        DoubleVector a3 = DoubleVector.fromArray(D4, acc, accOff + 12);
        if (what == Accumulate.SUM) {
            for (; i < end; i += LANES) {
                int p = xOff + i;
                a0 = a0.add(DoubleVector.fromArray(D4, x, p));
                a1 = a1.add(DoubleVector.fromArray(D4, x, p + 4));
                a2 = a2.add(DoubleVector.fromArray(D4, x, p + 8));
                a3 = a3.add(DoubleVector.fromArray(D4, x, p + 12));
            }
        } else {
            DoubleVector m = DoubleVector.broadcast(D4, mean);
            for (; i < end; i += LANES) {
                int p = xOff + i;
                DoubleVector d0 = DoubleVector.fromArray(D4, x, p).sub(m);
                DoubleVector d1 = DoubleVector.fromArray(D4, x, p + 4).sub(m);
                DoubleVector d2 = DoubleVector.fromArray(D4, x, p + 8).sub(m);
                DoubleVector d3 = DoubleVector.fromArray(D4, x, p + 12).sub(m);
                a0 = a0.add(d0.mul(d0));
                a1 = a1.add(d1.mul(d1));
                a2 = a2.add(d2.mul(d2));
                a3 = a3.add(d3.mul(d3));
            }
        }
        a0.intoArray(acc, accOff);
        a1.intoArray(acc, accOff + 4);
        a2.intoArray(acc, accOff + 8);
        a3.intoArray(acc, accOff + 12);
        SCALAR.row(what, n - end, x, xOff + end, 1, j0 + end, mean, acc, accOff, 1);
    }

    @Override
    public void columns(Accumulate what, int n, float[] x, int xOff, int xStride, double[] mean, int meanOff,
                        int meanStride, double[] acc, int accOff, int accStride) {
        if (n < DL || xStride != 1 || accStride != 1 || (what == Accumulate.SQUARED_DEVIATION && meanStride != 1)) {
            SCALAR.columns(what, n, x, xOff, xStride, mean, meanOff, meanStride, acc, accOff, accStride);
            return;
        }
        int bound = D.loopBound(n);
        switch (what) {
            case SUM -> {
                for (int i = 0; i < bound; i += DL) {
                    DoubleVector.fromArray(D, acc, accOff + i).add(widenColumns(x, xOff + i)).intoArray(acc, accOff + i);
                }
            }
            case SQUARED_DEVIATION -> {
                for (int i = 0; i < bound; i += DL) {
                    DoubleVector d = widenColumns(x, xOff + i).sub(DoubleVector.fromArray(D, mean, meanOff + i));
                    DoubleVector.fromArray(D, acc, accOff + i).add(d.mul(d)).intoArray(acc, accOff + i);
                }
            }
            case MAX -> {
                for (int i = 0; i < bound; i += DL) {
                    DoubleVector.fromArray(D, acc, accOff + i).max(widenColumns(x, xOff + i)).intoArray(acc, accOff + i);
                }
            }
            case MIN -> {
                for (int i = 0; i < bound; i += DL) {
                    DoubleVector.fromArray(D, acc, accOff + i).min(widenColumns(x, xOff + i)).intoArray(acc, accOff + i);
                }
            }
        }
        SCALAR.columns(what, n - bound, x, xOff + bound, 1, mean, meanOff + bound, 1, acc, accOff + bound, 1);
    }

    private static DoubleVector widenColumns(float[] x, int p) {
        return (DoubleVector) FloatVector.fromArray(FD, x, p).convertShape(VectorOperators.F2D, D, 0);
    }

    @Override
    public void columns(Accumulate what, int n, double[] x, int xOff, int xStride, double[] mean, int meanOff,
                        int meanStride, double[] acc, int accOff, int accStride) {
        if (n < DL || xStride != 1 || accStride != 1 || (what == Accumulate.SQUARED_DEVIATION && meanStride != 1)) {
            SCALAR.columns(what, n, x, xOff, xStride, mean, meanOff, meanStride, acc, accOff, accStride);
            return;
        }
        int bound = D.loopBound(n);
        switch (what) {
            case SUM -> {
                for (int i = 0; i < bound; i += DL) {
                    DoubleVector.fromArray(D, acc, accOff + i).add(DoubleVector.fromArray(D, x, xOff + i))
                            .intoArray(acc, accOff + i);
                }
            }
            case SQUARED_DEVIATION -> {
                for (int i = 0; i < bound; i += DL) {
                    DoubleVector d = DoubleVector.fromArray(D, x, xOff + i).sub(DoubleVector.fromArray(D, mean, meanOff + i));
                    DoubleVector.fromArray(D, acc, accOff + i).add(d.mul(d)).intoArray(acc, accOff + i);
                }
            }
            case MAX -> {
                for (int i = 0; i < bound; i += DL) {
                    DoubleVector.fromArray(D, acc, accOff + i).max(DoubleVector.fromArray(D, x, xOff + i))
                            .intoArray(acc, accOff + i);
                }
            }
            case MIN -> {
                for (int i = 0; i < bound; i += DL) {
                    DoubleVector.fromArray(D, acc, accOff + i).min(DoubleVector.fromArray(D, x, xOff + i))
                            .intoArray(acc, accOff + i);
                }
            }
        }
        SCALAR.columns(what, n - bound, x, xOff + bound, 1, mean, meanOff + bound, 1, acc, accOff + bound, 1);
    }
}
