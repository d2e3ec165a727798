package org.bitspike.tensor.kernel;

/**
 * Elementwise kernels on one run of the iteration engine: element {@code i < n} of an operand
 * {@code x} is {@code x[xOff + i * xStride]}. A stride may be 0 (a broadcast scalar), negative or
 * anything else; the fast paths are the run shapes the engine produces for dense tensors (every
 * stride 1, or one input's stride 0), any other run takes a plain loop.
 *
 * <p>Inputs are not modified. The output may be exactly an input run (same array, offset and
 * stride: the in-place ops) but must not overlap one in any other way. The fused in-place kernels
 * ({@link #addScaled}, {@link #adam}, {@link #amsgrad}) read and write their targets. Kernels assume valid arguments
 * (they {@code assert}); the tensor facades validate.
 *
 * <p>Results equal the scalar oracle's bit for bit (NaN payloads aside), for every op.
 */
public interface ElementwiseKernels {

    /** Binary functions; FLOAT32 ones computed in float, which for these is exactly rounded. */
    enum Binary {
        ADD, SUB, MUL, DIV,
        /** {@link Math#max}: NaN if either is NaN, and +0 above -0. */
        MAX,
        /** {@link Math#min}: NaN if either is NaN, and -0 below +0. */
        MIN
    }

    /** Comparisons producing BOOL; every comparison with NaN is false except {@code NE}. */
    enum Compare {
        EQ, NE, LT, LE, GT, GE
    }

    /**
     * Unary FLOAT32 functions, each evaluated in double and rounded once to float, as {@code
     * UnaryOp} does: correctly rounded for {@code SQRT} and {@code RECIPROCAL} (double rounding is
     * innocuous for them), exact for the rest of the arithmetic ones.
     *
     * <p>NOTE: {@code EXP}, {@code LOG}, {@code TANH} and {@code SIGMOID} are {@code Math}'s in every
     * provider. The Vector API's versions were measured 20-45x faster on JDK 17 (exp 0.3 against
     * 14 ns an element, tanh 0.6 against 44 ns; SVML, within 1 ulp of exact, 2 of the oracle for
     * sigmoid) but are not reproducible: until C2 compiles a loop, the interpreter and C1 run the
     * API's fallback, {@code Math} lane by lane, so the same element came out 1 ulp apart before and
     * after warm-up, and between a dense run and a strided one. A deterministic vector exp needs
     * its own polynomial on plain IEEE arithmetic; none of the hot paths of a CNN step needs it.
     */
    enum Unary {
        NEG, ABS,
        /** {@code x > 0 ? x : 0}, NaN stays NaN, {@code -0} gives {@code +0}: {@code Math.max(x, 0)}. */
        RELU,
        SQRT, RECIPROCAL, EXP, LOG, TANH,
        /** {@code 1 / (1 + exp(-x))}. */
        SIGMOID
    }

    /** {@code out = a op b} on FLOAT32 runs. */
    void binary(Binary op, int n, float[] a, int aOff, int aStride, float[] b, int bOff, int bStride,
                float[] out, int outOff, int outStride);

    /** {@code out = a op b} on FLOAT64 runs. */
    void binary(Binary op, int n, double[] a, int aOff, int aStride, double[] b, int bOff, int bStride,
                double[] out, int outOff, int outStride);

    /** {@code out = a op s} on FLOAT32 runs, for a scalar {@code s}: {@link #binary} with b's stride 0. */
    void binaryScalar(Binary op, int n, float[] a, int aOff, int aStride, float s, float[] out, int outOff, int outStride);

    /** {@code out = a op s} on FLOAT64 runs, for a scalar {@code s}. */
    void binaryScalar(Binary op, int n, double[] a, int aOff, int aStride, double s, double[] out, int outOff,
                      int outStride);

    /**
     * {@code y = y + alpha * x} on FLOAT32 runs, in place on y: the product rounded to float, then
     * the sum (no fused multiply-add), so it equals {@code MUL} by a scalar then {@code ADD}. x may
     * be exactly y's run.
     */
    void addScaled(int n, float alpha, float[] x, int xOff, int xStride, float[] y, int yOff, int yStride);

    /** {@code y = y + alpha * x} on FLOAT64 runs, in place on y. */
    void addScaled(int n, double alpha, double[] x, int xOff, int xStride, double[] y, int yOff, int yStride);

    /**
     * The constants of one Adam step, as {@link #adam} uses them: each is rounded once to the
     * element type; {@code 1 - beta1} and {@code 1 - beta2} are computed in double first.
     *
     * @param beta1 decay of the first moment
     * @param beta2 decay of the second moment
     * @param biasCorrection2 {@code 1 - beta2^t}
     * @param eps added to the denominator after the square root
     * @param stepSize {@code lr / (1 - beta1^t)}; the parameter moves by {@code -stepSize} times the ratio
     * @param decay the parameter's decoupled weight-decay factor {@code 1 - lr * wd} (AdamW), or 1 for none
     * @param l2 the weight decay added to the gradient as {@code l2 * p} (Adam), or 0 for none
     */
    record AdamCoefficients(double beta1, double beta2, double biasCorrection2, double eps, double stepSize,
                            double decay, double l2) {
    }

    /**
     * One Adam step on FLOAT32 runs, in place on p, m and v; per element, every operation rounded to
     * float (with {@code c} the coefficients rounded to float):
     * <pre>{@code
     * if (c.decay != 1) p = p * decay;          // AdamW
     * if (c.l2 != 0)    g = g + p * l2;         // Adam's L2 term (g itself is not written)
     * m = m * beta1;  m = m + g * (1 - beta1);
     * v = v * beta2;  v = v + (g * g) * (1 - beta2);
     * d = sqrt(v / biasCorrection2) + eps;      // sqrt correctly rounded
     * p = p + (m / d) * -stepSize;
     * }</pre>
     * which is what the unfused sequence of tensor ops rounds to. Every input of an element is read
     * before any of its outputs is written; p, m and v must not overlap each other.
     */
    void adam(AdamCoefficients c, int n, float[] p, int pOff, int pStride, float[] g, int gOff, int gStride,
              float[] m, int mOff, int mStride, float[] v, int vOff, int vStride);

    /** {@link #adam(AdamCoefficients, int, float[], int, int, float[], int, int, float[], int, int, float[], int, int)} on FLOAT64 runs. */
    void adam(AdamCoefficients c, int n, double[] p, int pOff, int pStride, double[] g, int gOff, int gStride,
              double[] m, int mOff, int mStride, double[] v, int vOff, int vStride);

    /**
     * One AMSGrad step on FLOAT32 runs, in place on p, m, v and vmax: {@link #adam}'s per-element
     * sequence with the denominator taken from the running maximum of v,
     * <pre>{@code
     * ... m and v as in adam ...
     * vmax = max(vmax, v);                      // Math.max: NaN if either is NaN
     * d = sqrt(vmax / biasCorrection2) + eps;
     * p = p + (m / d) * -stepSize;
     * }</pre>
     * p, m, v and vmax must not overlap each other.
     */
    void amsgrad(AdamCoefficients c, int n, float[] p, int pOff, int pStride, float[] g, int gOff, int gStride,
                 float[] m, int mOff, int mStride, float[] v, int vOff, int vStride, float[] vmax, int xOff,
                 int xStride);

    /** {@link #amsgrad(AdamCoefficients, int, float[], int, int, float[], int, int, float[], int, int, float[], int, int, float[], int, int)} on FLOAT64 runs. */
    void amsgrad(AdamCoefficients c, int n, double[] p, int pOff, int pStride, double[] g, int gOff, int gStride,
                 double[] m, int mOff, int mStride, double[] v, int vOff, int vStride, double[] vmax, int xOff,
                 int xStride);

    /** {@code out = a op b} on FLOAT32 runs, into BOOL. */
    void compare(Compare op, int n, float[] a, int aOff, int aStride, float[] b, int bOff, int bStride,
                 boolean[] out, int outOff, int outStride);

    /** {@code out = a op b} on FLOAT64 runs, into BOOL. */
    void compare(Compare op, int n, double[] a, int aOff, int aStride, double[] b, int bOff, int bStride,
                 boolean[] out, int outOff, int outStride);

    /** {@code out = op(a)} on FLOAT32 runs. */
    void unary(Unary op, int n, float[] a, int aOff, int aStride, float[] out, int outOff, int outStride);

    /** {@code out = c ? a : b} on FLOAT32 runs (the element itself is copied: NaN payloads and -0 kept). */
    void select(int n, boolean[] c, int cOff, int cStride, float[] a, int aOff, int aStride,
                float[] b, int bOff, int bStride, float[] out, int outOff, int outStride);

    /** {@code out = c ? a : b} on FLOAT64 runs. */
    void select(int n, boolean[] c, int cOff, int cStride, double[] a, int aOff, int aStride,
                double[] b, int bOff, int bStride, double[] out, int outOff, int outStride);

    /** {@code out = src ? 1 : 0}, BOOL to FLOAT32. */
    void boolToFloat(int n, boolean[] src, int srcOff, int srcStride, float[] out, int outOff, int outStride);

    /** {@code out = src != 0}, FLOAT32 to BOOL (NaN is true, both zeros false). */
    void floatToBool(int n, float[] src, int srcOff, int srcStride, boolean[] out, int outOff, int outStride);
}
