package org.bitspike.tensor.kernel.vector;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
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
    /** Four of these hold the 16 partials of a row, or 16 consecutive columns. */
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_256;
    /**
     * 16 floats are one load of {@link #F} on a 512-bit machine ({@code WIDE}), two on a 256-bit one;
     * each widens to doubles part by part. NOTE: every float load in the vector package uses the one
     * species {@code F}. A second float species (an earlier Float128 load here) made the Vector API's
     * shared code see two vector classes: C2 then compiled the GEMM micro-kernel with boxed vectors,
     * 85 -> 8 GFLOP/s for every matmul after the first reduction.
     */
    private static final boolean WIDE = FL == 16;
    private static final int DL = D.length();
    private static final ReductionKernels SCALAR = KernelProvider.scalar().reductions();

    static {
        assert LANES == 4 * D.length() : "the row kernels hold SUM_LANES partials in four vectors";
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
        int end = head + (n - head) / LANES * LANES;
        if (what == Accumulate.SUM) {
            sumRow(x, xOff + head, end - head, acc, accOff);
        } else {
            squaredDeviationRow(x, xOff + head, end - head, mean, acc, accOff);
        }
        SCALAR.row(what, n - end, x, xOff + end, 1, j0 + end, mean, acc, accOff, 1);
    }

    // NOTE: how these loops are written decides whether C2 keeps the vectors in registers or boxes
    // them (an allocation per vector op, 2-10x slower), and on JDK 17 it also depended on which ops
    // the JVM had run before. Measured by running 18 ops in 8 shuffled orders and counting the bytes
    // each call allocates (a boxed run allocates megabytes): every loop is a small method of its own
    // taking and returning arrays; no helper takes or returns a vector (once compiled on its own and
    // big, it is no longer inlined, and each vector crossing the call is boxed); one double shape
    // (256-bit) in the whole vector package; and no broadcast of the mean: it is loaded from a
    // 4-element array, the form no order made C2 box (the broadcast form was boxed in 2 orders of 4:
    // a BatchNorm var at 2.4-4.8 ms instead of 0.5). (-mean) + x is bit for bit x - mean.

    /** {@code acc[accOff + l] += x[p + 16 k + l]} for {@code 16 k < count}: lane l is partial l. */
    private static void sumRow(float[] x, int p, int count, double[] acc, int accOff) {
        DoubleVector a0 = DoubleVector.fromArray(D, acc, accOff);
        DoubleVector a1 = DoubleVector.fromArray(D, acc, accOff + 4);
        DoubleVector a2 = DoubleVector.fromArray(D, acc, accOff + 8);
        DoubleVector a3 = DoubleVector.fromArray(D, acc, accOff + 12);
        for (int i = 0; i < count; i += LANES) {
            int q = p + i;
            FloatVector lo = FloatVector.fromArray(F, x, q);
            FloatVector hi = WIDE ? lo : FloatVector.fromArray(F, x, q + 8);
            a0 = a0.add((DoubleVector) lo.convertShape(VectorOperators.F2D, D, 0));
            a1 = a1.add((DoubleVector) lo.convertShape(VectorOperators.F2D, D, 1));
            a2 = a2.add((DoubleVector) hi.convertShape(VectorOperators.F2D, D, WIDE ? 2 : 0));
            a3 = a3.add((DoubleVector) hi.convertShape(VectorOperators.F2D, D, WIDE ? 3 : 1));
        }
        a0.intoArray(acc, accOff);
        a1.intoArray(acc, accOff + 4);
        a2.intoArray(acc, accOff + 8);
        a3.intoArray(acc, accOff + 12);
    }

    private static void squaredDeviationRow(float[] x, int p, int count, double mean, double[] acc, int accOff) {
        double[] negMean = {-mean, -mean, -mean, -mean};
        DoubleVector a0 = DoubleVector.fromArray(D, acc, accOff);
        DoubleVector a1 = DoubleVector.fromArray(D, acc, accOff + 4);
        DoubleVector a2 = DoubleVector.fromArray(D, acc, accOff + 8);
        DoubleVector a3 = DoubleVector.fromArray(D, acc, accOff + 12);
        for (int i = 0; i < count; i += LANES) {
            int q = p + i;
            DoubleVector m = DoubleVector.fromArray(D, negMean, 0);
            FloatVector lo = FloatVector.fromArray(F, x, q);
            FloatVector hi = WIDE ? lo : FloatVector.fromArray(F, x, q + 8);
            DoubleVector d0 = m.add((DoubleVector) lo.convertShape(VectorOperators.F2D, D, 0));
            DoubleVector d1 = m.add((DoubleVector) lo.convertShape(VectorOperators.F2D, D, 1));
            DoubleVector d2 = m.add((DoubleVector) hi.convertShape(VectorOperators.F2D, D, WIDE ? 2 : 0));
            DoubleVector d3 = m.add((DoubleVector) hi.convertShape(VectorOperators.F2D, D, WIDE ? 3 : 1));
            a0 = a0.add(d0.mul(d0));
            a1 = a1.add(d1.mul(d1));
            a2 = a2.add(d2.mul(d2));
            a3 = a3.add(d3.mul(d3));
        }
        a0.intoArray(acc, accOff);
        a1.intoArray(acc, accOff + 4);
        a2.intoArray(acc, accOff + 8);
        a3.intoArray(acc, accOff + 12);
    }

    private static void extremeRow(boolean max, int n, float[] x, int xOff, double[] acc, int accOff) {
        // NOTE: reduceLanes(MAX/MIN) follows Math.max/min (NaN wins, +0 above -0), as the FloatVector
        // documentation says and a 2-million-vector comparison with specials confirmed on JDK 17 and 25.
        FloatVector m = FloatVector.fromArray(F, x, xOff);
        int bound = F.loopBound(n);
        int i = FL;
        double r;
        if (max) {
            for (; i < bound; i += FL) {
                m = m.max(FloatVector.fromArray(F, x, xOff + i));
            }
            r = Math.max(acc[accOff], m.reduceLanes(VectorOperators.MAX));
            for (; i < n; i++) {
                r = Math.max(r, x[xOff + i]);
            }
        } else {
            for (; i < bound; i += FL) {
                m = m.min(FloatVector.fromArray(F, x, xOff + i));
            }
            r = Math.min(acc[accOff], m.reduceLanes(VectorOperators.MIN));
            for (; i < n; i++) {
                r = Math.min(r, x[xOff + i]);
            }
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
            extremeRow(what == Accumulate.MAX, n, x, xOff, acc, accOff);
            return;
        }
        int head = (LANES - j0 % LANES) % LANES;
        SCALAR.row(what, head, x, xOff, 1, j0, mean, acc, accOff, 1);
        int end = head + (n - head) / LANES * LANES;
        if (what == Accumulate.SUM) {
            sumRow(x, xOff + head, end - head, acc, accOff);
        } else {
            squaredDeviationRow(x, xOff + head, end - head, mean, acc, accOff);
        }
        SCALAR.row(what, n - end, x, xOff + end, 1, j0 + end, mean, acc, accOff, 1);
    }

    private static void extremeRow(boolean max, int n, double[] x, int xOff, double[] acc, int accOff) {
        DoubleVector m = DoubleVector.fromArray(D, x, xOff);
        int bound = D.loopBound(n);
        int i = DL;
        double r;
        if (max) {
            for (; i < bound; i += DL) {
                m = m.max(DoubleVector.fromArray(D, x, xOff + i));
            }
            r = Math.max(acc[accOff], m.reduceLanes(VectorOperators.MAX));
            for (; i < n; i++) {
                r = Math.max(r, x[xOff + i]);
            }
        } else {
            for (; i < bound; i += DL) {
                m = m.min(DoubleVector.fromArray(D, x, xOff + i));
            }
            r = Math.min(acc[accOff], m.reduceLanes(VectorOperators.MIN));
            for (; i < n; i++) {
                r = Math.min(r, x[xOff + i]);
            }
        }
        acc[accOff] = r;
    }

    private static void sumRow(double[] x, int p, int count, double[] acc, int accOff) {
        DoubleVector a0 = DoubleVector.fromArray(D, acc, accOff);
        DoubleVector a1 = DoubleVector.fromArray(D, acc, accOff + 4);
        DoubleVector a2 = DoubleVector.fromArray(D, acc, accOff + 8);
        DoubleVector a3 = DoubleVector.fromArray(D, acc, accOff + 12);
        for (int i = 0; i < count; i += LANES) {
            int q = p + i;
            a0 = a0.add(DoubleVector.fromArray(D, x, q));
            a1 = a1.add(DoubleVector.fromArray(D, x, q + 4));
            a2 = a2.add(DoubleVector.fromArray(D, x, q + 8));
            a3 = a3.add(DoubleVector.fromArray(D, x, q + 12));
        }
        a0.intoArray(acc, accOff);
        a1.intoArray(acc, accOff + 4);
        a2.intoArray(acc, accOff + 8);
        a3.intoArray(acc, accOff + 12);
    }

    private static void squaredDeviationRow(double[] x, int p, int count, double mean, double[] acc, int accOff) {
        double[] negMean = {-mean, -mean, -mean, -mean};
        DoubleVector a0 = DoubleVector.fromArray(D, acc, accOff);
        DoubleVector a1 = DoubleVector.fromArray(D, acc, accOff + 4);
        DoubleVector a2 = DoubleVector.fromArray(D, acc, accOff + 8);
        DoubleVector a3 = DoubleVector.fromArray(D, acc, accOff + 12);
        for (int i = 0; i < count; i += LANES) {
            int q = p + i;
            DoubleVector m = DoubleVector.fromArray(D, negMean, 0);
            DoubleVector d0 = m.add(DoubleVector.fromArray(D, x, q));
            DoubleVector d1 = m.add(DoubleVector.fromArray(D, x, q + 4));
            DoubleVector d2 = m.add(DoubleVector.fromArray(D, x, q + 8));
            DoubleVector d3 = m.add(DoubleVector.fromArray(D, x, q + 12));
            a0 = a0.add(d0.mul(d0));
            a1 = a1.add(d1.mul(d1));
            a2 = a2.add(d2.mul(d2));
            a3 = a3.add(d3.mul(d3));
        }
        a0.intoArray(acc, accOff);
        a1.intoArray(acc, accOff + 4);
        a2.intoArray(acc, accOff + 8);
        a3.intoArray(acc, accOff + 12);
    }

    @Override
    public void columns(Accumulate what, int n, float[] x, int xOff, int xStride, double[] mean, int meanOff,
                        int meanStride, double[] acc, int accOff, int accStride) {
        if (n < LANES || xStride != 1 || accStride != 1 || (what == Accumulate.SQUARED_DEVIATION && meanStride != 1)) {
            SCALAR.columns(what, n, x, xOff, xStride, mean, meanOff, meanStride, acc, accOff, accStride);
            return;
        }
        int bound = n / LANES * LANES;
        switch (what) {
            case SUM -> sumColumns(bound, x, xOff, acc, accOff);
            case SQUARED_DEVIATION -> squaredDeviationColumns(bound, x, xOff, mean, meanOff, acc, accOff);
            case MAX -> maxColumns(bound, x, xOff, acc, accOff);
            case MIN -> minColumns(bound, x, xOff, acc, accOff);
        }
        SCALAR.columns(what, n - bound, x, xOff + bound, 1, mean, meanOff + bound, 1, acc, accOff + bound, 1);
    }

    private static void sumColumns(int count, float[] x, int p, double[] acc, int a) {
        for (int i = 0; i < count; i += LANES) {
            int q = p + i;
            FloatVector lo = FloatVector.fromArray(F, x, q);
            FloatVector hi = WIDE ? lo : FloatVector.fromArray(F, x, q + 8);
            DoubleVector.fromArray(D, acc, a + i).add((DoubleVector) lo.convertShape(VectorOperators.F2D, D, 0)).intoArray(acc, a + i);
            DoubleVector.fromArray(D, acc, a + i + 4).add((DoubleVector) lo.convertShape(VectorOperators.F2D, D, 1)).intoArray(acc, a + i + 4);
            DoubleVector.fromArray(D, acc, a + i + 8).add((DoubleVector) hi.convertShape(VectorOperators.F2D, D, WIDE ? 2 : 0)).intoArray(acc, a + i + 8);
            DoubleVector.fromArray(D, acc, a + i + 12).add((DoubleVector) hi.convertShape(VectorOperators.F2D, D, WIDE ? 3 : 1)).intoArray(acc, a + i + 12);
        }
    }

    private static void squaredDeviationColumns(int count, float[] x, int p, double[] mean, int m, double[] acc, int a) {
        for (int i = 0; i < count; i += LANES) {
            int q = p + i;
            FloatVector lo = FloatVector.fromArray(F, x, q);
            FloatVector hi = WIDE ? lo : FloatVector.fromArray(F, x, q + 8);
            DoubleVector d0 = DoubleVector.fromArray(D, mean, m + i).neg().add((DoubleVector) lo.convertShape(VectorOperators.F2D, D, 0));
            DoubleVector.fromArray(D, acc, a + i).add(d0.mul(d0)).intoArray(acc, a + i);
            DoubleVector d4 = DoubleVector.fromArray(D, mean, m + i + 4).neg().add((DoubleVector) lo.convertShape(VectorOperators.F2D, D, 1));
            DoubleVector.fromArray(D, acc, a + i + 4).add(d4.mul(d4)).intoArray(acc, a + i + 4);
            DoubleVector d8 = DoubleVector.fromArray(D, mean, m + i + 8).neg().add((DoubleVector) hi.convertShape(VectorOperators.F2D, D, WIDE ? 2 : 0));
            DoubleVector.fromArray(D, acc, a + i + 8).add(d8.mul(d8)).intoArray(acc, a + i + 8);
            DoubleVector d12 = DoubleVector.fromArray(D, mean, m + i + 12).neg().add((DoubleVector) hi.convertShape(VectorOperators.F2D, D, WIDE ? 3 : 1));
            DoubleVector.fromArray(D, acc, a + i + 12).add(d12.mul(d12)).intoArray(acc, a + i + 12);
        }
    }

    private static void maxColumns(int count, float[] x, int p, double[] acc, int a) {
        for (int i = 0; i < count; i += LANES) {
            int q = p + i;
            FloatVector lo = FloatVector.fromArray(F, x, q);
            FloatVector hi = WIDE ? lo : FloatVector.fromArray(F, x, q + 8);
            DoubleVector.fromArray(D, acc, a + i).max((DoubleVector) lo.convertShape(VectorOperators.F2D, D, 0)).intoArray(acc, a + i);
            DoubleVector.fromArray(D, acc, a + i + 4).max((DoubleVector) lo.convertShape(VectorOperators.F2D, D, 1)).intoArray(acc, a + i + 4);
            DoubleVector.fromArray(D, acc, a + i + 8).max((DoubleVector) hi.convertShape(VectorOperators.F2D, D, WIDE ? 2 : 0)).intoArray(acc, a + i + 8);
            DoubleVector.fromArray(D, acc, a + i + 12).max((DoubleVector) hi.convertShape(VectorOperators.F2D, D, WIDE ? 3 : 1)).intoArray(acc, a + i + 12);
        }
    }

    private static void minColumns(int count, float[] x, int p, double[] acc, int a) {
        for (int i = 0; i < count; i += LANES) {
            int q = p + i;
            FloatVector lo = FloatVector.fromArray(F, x, q);
            FloatVector hi = WIDE ? lo : FloatVector.fromArray(F, x, q + 8);
            DoubleVector.fromArray(D, acc, a + i).min((DoubleVector) lo.convertShape(VectorOperators.F2D, D, 0)).intoArray(acc, a + i);
            DoubleVector.fromArray(D, acc, a + i + 4).min((DoubleVector) lo.convertShape(VectorOperators.F2D, D, 1)).intoArray(acc, a + i + 4);
            DoubleVector.fromArray(D, acc, a + i + 8).min((DoubleVector) hi.convertShape(VectorOperators.F2D, D, WIDE ? 2 : 0)).intoArray(acc, a + i + 8);
            DoubleVector.fromArray(D, acc, a + i + 12).min((DoubleVector) hi.convertShape(VectorOperators.F2D, D, WIDE ? 3 : 1)).intoArray(acc, a + i + 12);
        }
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
            case SUM -> sumColumns(bound, x, xOff, acc, accOff);
            case SQUARED_DEVIATION -> squaredDeviationColumns(bound, x, xOff, mean, meanOff, acc, accOff);
            case MAX -> maxColumns(bound, x, xOff, acc, accOff);
            case MIN -> minColumns(bound, x, xOff, acc, accOff);
        }
        SCALAR.columns(what, n - bound, x, xOff + bound, 1, mean, meanOff + bound, 1, acc, accOff + bound, 1);
    }

    private static void sumColumns(int count, double[] x, int p, double[] acc, int a) {
        for (int i = 0; i < count; i += DL) {
            DoubleVector.fromArray(D, acc, a + i).add(DoubleVector.fromArray(D, x, p + i)).intoArray(acc, a + i);
        }
    }

    private static void squaredDeviationColumns(int count, double[] x, int p, double[] mean, int m, double[] acc, int a) {
        for (int i = 0; i < count; i += DL) {
            DoubleVector d = DoubleVector.fromArray(D, x, p + i).sub(DoubleVector.fromArray(D, mean, m + i));
            DoubleVector.fromArray(D, acc, a + i).add(d.mul(d)).intoArray(acc, a + i);
        }
    }

    private static void maxColumns(int count, double[] x, int p, double[] acc, int a) {
        for (int i = 0; i < count; i += DL) {
            DoubleVector.fromArray(D, acc, a + i).max(DoubleVector.fromArray(D, x, p + i)).intoArray(acc, a + i);
        }
    }

    private static void minColumns(int count, double[] x, int p, double[] acc, int a) {
        for (int i = 0; i < count; i += DL) {
            DoubleVector.fromArray(D, acc, a + i).min(DoubleVector.fromArray(D, x, p + i)).intoArray(acc, a + i);
        }
    }
}
