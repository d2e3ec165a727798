package org.bitspike.tensor.kernel.vector;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.bitspike.tensor.kernel.ElementwiseKernels.AdamCoefficients;

/**
 * The dense vector loops of {@link VectorElementwise#amsgrad}: the scalar oracle's sequence lane by
 * lane, on runs whose every stride is 1 and whose length is a multiple of the lane count. Kept out
 * of {@link VectorElementwise}, which is long enough.
 *
 * <p>NOTE: the decoupled decay is always multiplied in: when its factor rounds to 1 (where the oracle
 * skips it) {@code p * 1} is {@code p} exactly, so one loop serves both. The L2 term is not:
 * {@code p * 0} is NaN for an infinite p, so with and without it are two loops, chosen outside.
 *
 * <p>NOTE: these loops repeat {@link VectorElementwise}'s adam loops but for the maximum with vmax
 * and its store, on purpose (the scalar oracle, where a test costs nothing, is one loop for both).
 * One vector loop for both would need a test of vmax inside the loop, or an Adam that takes the
 * maximum against a scratch copy of v (a store and a load more per lane, and an array to hold);
 * nor do the broadcast constants go into a shared holder, whose vectors C2 would have to keep out
 * of the heap across a call (a warm step allocates nothing, {@code StepAllocationTest}).
 */
final class VectorAmsgrad {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int FL = F.length();
    /** NOTE: 256-bit doubles, as {@link VectorElementwise} (see there). */
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_256;
    private static final int DL = D.length();

    private VectorAmsgrad() {
    }

    /** Elements [0, n) on FLOAT32 dense runs; n a multiple of the float lane count. */
    static void dense(AdamCoefficients c, int n, float[] p, int po, float[] g, int go, float[] m, int mo, float[] v,
                      int vo, float[] x, int xo) {
        // NOTE: one small method per variant, as VectorElementwise's adam: C2 keeps the vectors of a
        // short loop in registers; a method holding both loops boxed them in the variant it met second.
        if (c.l2() != 0) {
            withL2(c, n, p, po, g, go, m, mo, v, vo, x, xo);
        } else {
            withoutL2(c, n, p, po, g, go, m, mo, v, vo, x, xo);
        }
    }

    private static void withL2(AdamCoefficients c, int n, float[] p, int po, float[] g, int go, float[] m, int mo,
                               float[] v, int vo, float[] x, int xo) {
        FloatVector decay = FloatVector.broadcast(F, (float) c.decay());
        FloatVector wd = FloatVector.broadcast(F, (float) c.l2());
        FloatVector b1 = FloatVector.broadcast(F, (float) c.beta1());
        FloatVector oneMinusB1 = FloatVector.broadcast(F, (float) (1 - c.beta1()));
        FloatVector b2 = FloatVector.broadcast(F, (float) c.beta2());
        FloatVector oneMinusB2 = FloatVector.broadcast(F, (float) (1 - c.beta2()));
        FloatVector c2 = FloatVector.broadcast(F, (float) c.biasCorrection2());
        FloatVector eps = FloatVector.broadcast(F, (float) c.eps());
        FloatVector alpha = FloatVector.broadcast(F, (float) -c.stepSize());
        for (int i = 0; i < n; i += FL) {
            FloatVector pv = FloatVector.fromArray(F, p, po + i).mul(decay);
            FloatVector gv = FloatVector.fromArray(F, g, go + i).add(pv.mul(wd));
            FloatVector mv = FloatVector.fromArray(F, m, mo + i).mul(b1).add(gv.mul(oneMinusB1));
            FloatVector vv = FloatVector.fromArray(F, v, vo + i).mul(b2).add(gv.mul(gv).mul(oneMinusB2));
            FloatVector xv = FloatVector.fromArray(F, x, xo + i).max(vv);
            pv.add(mv.div(xv.div(c2).sqrt().add(eps)).mul(alpha)).intoArray(p, po + i);
            mv.intoArray(m, mo + i);
            vv.intoArray(v, vo + i);
            xv.intoArray(x, xo + i);
        }
    }

    private static void withoutL2(AdamCoefficients c, int n, float[] p, int po, float[] g, int go, float[] m, int mo,
                                  float[] v, int vo, float[] x, int xo) {
        FloatVector decay = FloatVector.broadcast(F, (float) c.decay());
        FloatVector b1 = FloatVector.broadcast(F, (float) c.beta1());
        FloatVector oneMinusB1 = FloatVector.broadcast(F, (float) (1 - c.beta1()));
        FloatVector b2 = FloatVector.broadcast(F, (float) c.beta2());
        FloatVector oneMinusB2 = FloatVector.broadcast(F, (float) (1 - c.beta2()));
        FloatVector c2 = FloatVector.broadcast(F, (float) c.biasCorrection2());
        FloatVector eps = FloatVector.broadcast(F, (float) c.eps());
        FloatVector alpha = FloatVector.broadcast(F, (float) -c.stepSize());
        for (int i = 0; i < n; i += FL) {
            FloatVector pv = FloatVector.fromArray(F, p, po + i).mul(decay);
            FloatVector gv = FloatVector.fromArray(F, g, go + i);
            FloatVector mv = FloatVector.fromArray(F, m, mo + i).mul(b1).add(gv.mul(oneMinusB1));
            FloatVector vv = FloatVector.fromArray(F, v, vo + i).mul(b2).add(gv.mul(gv).mul(oneMinusB2));
            FloatVector xv = FloatVector.fromArray(F, x, xo + i).max(vv);
            pv.add(mv.div(xv.div(c2).sqrt().add(eps)).mul(alpha)).intoArray(p, po + i);
            mv.intoArray(m, mo + i);
            vv.intoArray(v, vo + i);
            xv.intoArray(x, xo + i);
        }
    }

    /** Elements [0, n) on FLOAT64 dense runs; n a multiple of the double lane count. */
    static void dense(AdamCoefficients c, int n, double[] p, int po, double[] g, int go, double[] m, int mo, double[] v,
                      int vo, double[] x, int xo) {
        // NOTE: one small method per variant, as VectorElementwise's adam: C2 keeps the vectors of a
        // short loop in registers; a method holding both loops boxed them in the variant it met second.
        if (c.l2() != 0) {
            withL2(c, n, p, po, g, go, m, mo, v, vo, x, xo);
        } else {
            withoutL2(c, n, p, po, g, go, m, mo, v, vo, x, xo);
        }
    }

    private static void withL2(AdamCoefficients c, int n, double[] p, int po, double[] g, int go, double[] m, int mo,
                               double[] v, int vo, double[] x, int xo) {
        DoubleVector decay = DoubleVector.broadcast(D, c.decay());
        DoubleVector wd = DoubleVector.broadcast(D, c.l2());
        DoubleVector b1 = DoubleVector.broadcast(D, c.beta1());
        DoubleVector oneMinusB1 = DoubleVector.broadcast(D, (1 - c.beta1()));
        DoubleVector b2 = DoubleVector.broadcast(D, c.beta2());
        DoubleVector oneMinusB2 = DoubleVector.broadcast(D, (1 - c.beta2()));
        DoubleVector c2 = DoubleVector.broadcast(D, c.biasCorrection2());
        DoubleVector eps = DoubleVector.broadcast(D, c.eps());
        DoubleVector alpha = DoubleVector.broadcast(D, -c.stepSize());
        for (int i = 0; i < n; i += DL) {
            DoubleVector pv = DoubleVector.fromArray(D, p, po + i).mul(decay);
            DoubleVector gv = DoubleVector.fromArray(D, g, go + i).add(pv.mul(wd));
            DoubleVector mv = DoubleVector.fromArray(D, m, mo + i).mul(b1).add(gv.mul(oneMinusB1));
            DoubleVector vv = DoubleVector.fromArray(D, v, vo + i).mul(b2).add(gv.mul(gv).mul(oneMinusB2));
            DoubleVector xv = DoubleVector.fromArray(D, x, xo + i).max(vv);
            pv.add(mv.div(xv.div(c2).sqrt().add(eps)).mul(alpha)).intoArray(p, po + i);
            mv.intoArray(m, mo + i);
            vv.intoArray(v, vo + i);
            xv.intoArray(x, xo + i);
        }
    }

    private static void withoutL2(AdamCoefficients c, int n, double[] p, int po, double[] g, int go, double[] m,
                                  int mo, double[] v, int vo, double[] x, int xo) {
        DoubleVector decay = DoubleVector.broadcast(D, c.decay());
        DoubleVector b1 = DoubleVector.broadcast(D, c.beta1());
        DoubleVector oneMinusB1 = DoubleVector.broadcast(D, (1 - c.beta1()));
        DoubleVector b2 = DoubleVector.broadcast(D, c.beta2());
        DoubleVector oneMinusB2 = DoubleVector.broadcast(D, (1 - c.beta2()));
        DoubleVector c2 = DoubleVector.broadcast(D, c.biasCorrection2());
        DoubleVector eps = DoubleVector.broadcast(D, c.eps());
        DoubleVector alpha = DoubleVector.broadcast(D, -c.stepSize());
        for (int i = 0; i < n; i += DL) {
            DoubleVector pv = DoubleVector.fromArray(D, p, po + i).mul(decay);
            DoubleVector gv = DoubleVector.fromArray(D, g, go + i);
            DoubleVector mv = DoubleVector.fromArray(D, m, mo + i).mul(b1).add(gv.mul(oneMinusB1));
            DoubleVector vv = DoubleVector.fromArray(D, v, vo + i).mul(b2).add(gv.mul(gv).mul(oneMinusB2));
            DoubleVector xv = DoubleVector.fromArray(D, x, xo + i).max(vv);
            pv.add(mv.div(xv.div(c2).sqrt().add(eps)).mul(alpha)).intoArray(p, po + i);
            mv.intoArray(m, mo + i);
            vv.intoArray(v, vo + i);
            xv.intoArray(x, xo + i);
        }
    }
}
