package org.bitspike.tensor.kernel;

/**
 * The elementwise oracle: one plain strided loop per op, no special cases. Every other
 * implementation is tested against it, and it is the benchmark baseline.
 */
final class ScalarElementwise implements ElementwiseKernels {
    static final ScalarElementwise INSTANCE = new ScalarElementwise();

    private ScalarElementwise() {
    }

    @Override
    public void binary(Binary op, int n, float[] a, int aOff, int aStride, float[] b, int bOff, int bStride,
                       float[] out, int outOff, int outStride) {
        assert n >= 0;
        int i = aOff;
        int j = bOff;
        int o = outOff;
        switch (op) {
            case ADD -> {
                for (int k = 0; k < n; k++, i += aStride, j += bStride, o += outStride) {
                    out[o] = a[i] + b[j];
                }
            }
            case SUB -> {
                for (int k = 0; k < n; k++, i += aStride, j += bStride, o += outStride) {
                    out[o] = a[i] - b[j];
                }
            }
            case MUL -> {
                for (int k = 0; k < n; k++, i += aStride, j += bStride, o += outStride) {
                    out[o] = a[i] * b[j];
                }
            }
            case DIV -> {
                for (int k = 0; k < n; k++, i += aStride, j += bStride, o += outStride) {
                    out[o] = a[i] / b[j];
                }
            }
            case MAX -> {
                for (int k = 0; k < n; k++, i += aStride, j += bStride, o += outStride) {
                    out[o] = Math.max(a[i], b[j]);
                }
            }
            case MIN -> {
                for (int k = 0; k < n; k++, i += aStride, j += bStride, o += outStride) {
                    out[o] = Math.min(a[i], b[j]);
                }
            }
        }
    }

    @Override
    public void binary(Binary op, int n, double[] a, int aOff, int aStride, double[] b, int bOff, int bStride,
                       double[] out, int outOff, int outStride) {
        assert n >= 0;
        int i = aOff;
        int j = bOff;
        int o = outOff;
        switch (op) {
            case ADD -> {
                for (int k = 0; k < n; k++, i += aStride, j += bStride, o += outStride) {
                    out[o] = a[i] + b[j];
                }
            }
            case SUB -> {
                for (int k = 0; k < n; k++, i += aStride, j += bStride, o += outStride) {
                    out[o] = a[i] - b[j];
                }
            }
            case MUL -> {
                for (int k = 0; k < n; k++, i += aStride, j += bStride, o += outStride) {
                    out[o] = a[i] * b[j];
                }
            }
            case DIV -> {
                for (int k = 0; k < n; k++, i += aStride, j += bStride, o += outStride) {
                    out[o] = a[i] / b[j];
                }
            }
            case MAX -> {
                for (int k = 0; k < n; k++, i += aStride, j += bStride, o += outStride) {
                    out[o] = Math.max(a[i], b[j]);
                }
            }
            case MIN -> {
                for (int k = 0; k < n; k++, i += aStride, j += bStride, o += outStride) {
                    out[o] = Math.min(a[i], b[j]);
                }
            }
        }
    }

    // ---------------------------------------------------------------- fused in-place ops

    @Override
    public void binaryScalar(Binary op, int n, float[] a, int aOff, int aStride, float s, float[] out, int outOff,
                             int outStride) {
        assert n >= 0;
        int i = aOff;
        int o = outOff;
        switch (op) {
            case ADD -> {
                for (int k = 0; k < n; k++, i += aStride, o += outStride) {
                    out[o] = a[i] + s;
                }
            }
            case SUB -> {
                for (int k = 0; k < n; k++, i += aStride, o += outStride) {
                    out[o] = a[i] - s;
                }
            }
            case MUL -> {
                for (int k = 0; k < n; k++, i += aStride, o += outStride) {
                    out[o] = a[i] * s;
                }
            }
            case DIV -> {
                for (int k = 0; k < n; k++, i += aStride, o += outStride) {
                    out[o] = a[i] / s;
                }
            }
            case MAX -> {
                for (int k = 0; k < n; k++, i += aStride, o += outStride) {
                    out[o] = Math.max(a[i], s);
                }
            }
            case MIN -> {
                for (int k = 0; k < n; k++, i += aStride, o += outStride) {
                    out[o] = Math.min(a[i], s);
                }
            }
        }
    }

    @Override
    public void binaryScalar(Binary op, int n, double[] a, int aOff, int aStride, double s, double[] out, int outOff,
                             int outStride) {
        assert n >= 0;
        int i = aOff;
        int o = outOff;
        switch (op) {
            case ADD -> {
                for (int k = 0; k < n; k++, i += aStride, o += outStride) {
                    out[o] = a[i] + s;
                }
            }
            case SUB -> {
                for (int k = 0; k < n; k++, i += aStride, o += outStride) {
                    out[o] = a[i] - s;
                }
            }
            case MUL -> {
                for (int k = 0; k < n; k++, i += aStride, o += outStride) {
                    out[o] = a[i] * s;
                }
            }
            case DIV -> {
                for (int k = 0; k < n; k++, i += aStride, o += outStride) {
                    out[o] = a[i] / s;
                }
            }
            case MAX -> {
                for (int k = 0; k < n; k++, i += aStride, o += outStride) {
                    out[o] = Math.max(a[i], s);
                }
            }
            case MIN -> {
                for (int k = 0; k < n; k++, i += aStride, o += outStride) {
                    out[o] = Math.min(a[i], s);
                }
            }
        }
    }

    @Override
    public void addScaled(int n, float alpha, float[] x, int xOff, int xStride, float[] y, int yOff, int yStride) {
        assert n >= 0;
        for (int k = 0, i = xOff, j = yOff; k < n; k++, i += xStride, j += yStride) {
            y[j] = y[j] + alpha * x[i];
        }
    }

    @Override
    public void addScaled(int n, double alpha, double[] x, int xOff, int xStride, double[] y, int yOff, int yStride) {
        assert n >= 0;
        for (int k = 0, i = xOff, j = yOff; k < n; k++, i += xStride, j += yStride) {
            y[j] = y[j] + alpha * x[i];
        }
    }

    @Override
    public void adam(AdamCoefficients c, int n, float[] p, int pOff, int pStride, float[] g, int gOff, int gStride,
                     float[] m, int mOff, int mStride, float[] v, int vOff, int vStride) {
        adamStep(c, n, p, pOff, pStride, g, gOff, gStride, m, mOff, mStride, v, vOff, vStride, null, 0, 0);
    }

    @Override
    public void adam(AdamCoefficients c, int n, double[] p, int pOff, int pStride, double[] g, int gOff, int gStride,
                     double[] m, int mOff, int mStride, double[] v, int vOff, int vStride) {
        adamStep(c, n, p, pOff, pStride, g, gOff, gStride, m, mOff, mStride, v, vOff, vStride, null, 0, 0);
    }

    @Override
    public void amsgrad(AdamCoefficients c, int n, float[] p, int pOff, int pStride, float[] g, int gOff, int gStride,
                        float[] m, int mOff, int mStride, float[] v, int vOff, int vStride, float[] vmax, int xOff,
                        int xStride) {
        assert vmax != null;
        adamStep(c, n, p, pOff, pStride, g, gOff, gStride, m, mOff, mStride, v, vOff, vStride, vmax, xOff, xStride);
    }

    @Override
    public void amsgrad(AdamCoefficients c, int n, double[] p, int pOff, int pStride, double[] g, int gOff, int gStride,
                        double[] m, int mOff, int mStride, double[] v, int vOff, int vStride, double[] vmax, int xOff,
                        int xStride) {
        assert vmax != null;
        adamStep(c, n, p, pOff, pStride, g, gOff, gStride, m, mOff, mStride, v, vOff, vStride, vmax, xOff, xStride);
    }

    /**
     * The one loop of {@link #adam} and {@link #amsgrad} on FLOAT32 runs: Adam's sequence, with the
     * denominator taken from the running maximum {@code vmax} when it is given (AMSGrad), from
     * {@code v} when it is null (Adam).
     *
     * <p>NOTE: a decay factor that rounds to 1 is skipped (x * 1 is x); an L2 term is applied
     * whenever it is nonzero in double, as the unfused g + p * wd did. The test of {@code vmax} does
     * not vary along the loop (the JIT hoists it); this oracle is not the vector kernels' hot loop.
     */
    private static void adamStep(AdamCoefficients c, int n, float[] p, int pOff, int pStride, float[] g, int gOff,
                                 int gStride, float[] m, int mOff, int mStride, float[] v, int vOff, int vStride,
                                 float[] vmax, int xOff, int xStride) {
        assert n >= 0;
        boolean decoupled = (float) c.decay() != 1;
        boolean l2 = c.l2() != 0;
        boolean amsgrad = vmax != null;
        float decay = (float) c.decay();
        float wd = (float) c.l2();
        float b1 = (float) c.beta1();
        float oneMinusB1 = (float) (1 - c.beta1());
        float b2 = (float) c.beta2();
        float oneMinusB2 = (float) (1 - c.beta2());
        float c2 = (float) c.biasCorrection2();
        float eps = (float) c.eps();
        float alpha = (float) -c.stepSize();
        for (int k = 0, ip = pOff, ig = gOff, im = mOff, iv = vOff, ix = xOff; k < n;
                k++, ip += pStride, ig += gStride, im += mStride, iv += vStride, ix += xStride) {
            float pi = p[ip];
            float gi = g[ig];
            float mi = m[im];
            float vi = v[iv];
            if (decoupled) {
                pi = pi * decay;
            }
            if (l2) {
                gi = gi + pi * wd;
            }
            mi = mi * b1;
            mi = mi + gi * oneMinusB1;
            vi = vi * b2;
            vi = vi + (gi * gi) * oneMinusB2;
            float xi = amsgrad ? Math.max(vmax[ix], vi) : vi;
            float d = (float) Math.sqrt(xi / c2) + eps;
            pi = pi + (mi / d) * alpha;
            m[im] = mi;
            v[iv] = vi;
            if (amsgrad) {
                vmax[ix] = xi;
            }
            p[ip] = pi;
        }
    }

    /** {@link #adamStep(AdamCoefficients, int, float[], int, int, float[], int, int, float[], int, int, float[], int, int, float[], int, int)} on FLOAT64 runs. */
    private static void adamStep(AdamCoefficients c, int n, double[] p, int pOff, int pStride, double[] g, int gOff,
                                 int gStride, double[] m, int mOff, int mStride, double[] v, int vOff, int vStride,
                                 double[] vmax, int xOff, int xStride) {
        assert n >= 0;
        boolean decoupled = c.decay() != 1;
        boolean l2 = c.l2() != 0;
        boolean amsgrad = vmax != null;
        double decay = c.decay();
        double wd = c.l2();
        double b1 = c.beta1();
        double oneMinusB1 = 1 - c.beta1();
        double b2 = c.beta2();
        double oneMinusB2 = 1 - c.beta2();
        double c2 = c.biasCorrection2();
        double eps = c.eps();
        double alpha = -c.stepSize();
        for (int k = 0, ip = pOff, ig = gOff, im = mOff, iv = vOff, ix = xOff; k < n;
                k++, ip += pStride, ig += gStride, im += mStride, iv += vStride, ix += xStride) {
            double pi = p[ip];
            double gi = g[ig];
            double mi = m[im];
            double vi = v[iv];
            if (decoupled) {
                pi = pi * decay;
            }
            if (l2) {
                gi = gi + pi * wd;
            }
            mi = mi * b1;
            mi = mi + gi * oneMinusB1;
            vi = vi * b2;
            vi = vi + (gi * gi) * oneMinusB2;
            double xi = amsgrad ? Math.max(vmax[ix], vi) : vi;
            double d = Math.sqrt(xi / c2) + eps;
            pi = pi + (mi / d) * alpha;
            m[im] = mi;
            v[iv] = vi;
            if (amsgrad) {
                vmax[ix] = xi;
            }
            p[ip] = pi;
        }
    }

    @Override
    public void compare(Compare op, int n, float[] a, int aOff, int aStride, float[] b, int bOff, int bStride,
                        boolean[] out, int outOff, int outStride) {
        assert n >= 0;
        int i = aOff;
        int j = bOff;
        int o = outOff;
        switch (op) {
            case EQ -> {
                for (int k = 0; k < n; k++, i += aStride, j += bStride, o += outStride) {
                    out[o] = a[i] == b[j];
                }
            }
            case NE -> {
                for (int k = 0; k < n; k++, i += aStride, j += bStride, o += outStride) {
                    out[o] = a[i] != b[j];
                }
            }
            case LT -> {
                for (int k = 0; k < n; k++, i += aStride, j += bStride, o += outStride) {
                    out[o] = a[i] < b[j];
                }
            }
            case LE -> {
                for (int k = 0; k < n; k++, i += aStride, j += bStride, o += outStride) {
                    out[o] = a[i] <= b[j];
                }
            }
            case GT -> {
                for (int k = 0; k < n; k++, i += aStride, j += bStride, o += outStride) {
                    out[o] = a[i] > b[j];
                }
            }
            case GE -> {
                for (int k = 0; k < n; k++, i += aStride, j += bStride, o += outStride) {
                    out[o] = a[i] >= b[j];
                }
            }
        }
    }

    @Override
    public void compare(Compare op, int n, double[] a, int aOff, int aStride, double[] b, int bOff, int bStride,
                        boolean[] out, int outOff, int outStride) {
        assert n >= 0;
        int i = aOff;
        int j = bOff;
        int o = outOff;
        switch (op) {
            case EQ -> {
                for (int k = 0; k < n; k++, i += aStride, j += bStride, o += outStride) {
                    out[o] = a[i] == b[j];
                }
            }
            case NE -> {
                for (int k = 0; k < n; k++, i += aStride, j += bStride, o += outStride) {
                    out[o] = a[i] != b[j];
                }
            }
            case LT -> {
                for (int k = 0; k < n; k++, i += aStride, j += bStride, o += outStride) {
                    out[o] = a[i] < b[j];
                }
            }
            case LE -> {
                for (int k = 0; k < n; k++, i += aStride, j += bStride, o += outStride) {
                    out[o] = a[i] <= b[j];
                }
            }
            case GT -> {
                for (int k = 0; k < n; k++, i += aStride, j += bStride, o += outStride) {
                    out[o] = a[i] > b[j];
                }
            }
            case GE -> {
                for (int k = 0; k < n; k++, i += aStride, j += bStride, o += outStride) {
                    out[o] = a[i] >= b[j];
                }
            }
        }
    }

    @Override
    public void unary(Unary op, int n, float[] a, int aOff, int aStride, float[] out, int outOff, int outStride) {
        assert n >= 0;
        for (int k = 0, i = aOff, o = outOff; k < n; k++, i += aStride, o += outStride) {
            out[o] = apply(op, a[i]);
        }
    }

    /** The oracle of one element: evaluated in double, rounded once (as {@code UnaryOp} does). */
    static float apply(Unary op, float v) {
        double x = v;
        return switch (op) {
            case NEG -> -v;
            case ABS -> Math.abs(v);
            case RELU -> Math.max(v, 0f);
            case SQRT -> (float) Math.sqrt(x);
            case RECIPROCAL -> (float) (1.0 / x);
            case EXP -> (float) Math.exp(x);
            case LOG -> (float) Math.log(x);
            case TANH -> (float) Math.tanh(x);
            // NOTE: both branches avoid exp overflow; exp(-|x|) is in (0, 1].
            case SIGMOID -> (float) (x >= 0 ? 1.0 / (1.0 + Math.exp(-x)) : Math.exp(x) / (1.0 + Math.exp(x)));
        };
    }

    @Override
    public void select(int n, boolean[] c, int cOff, int cStride, float[] a, int aOff, int aStride,
                       float[] b, int bOff, int bStride, float[] out, int outOff, int outStride) {
        assert n >= 0;
        for (int k = 0, l = cOff, i = aOff, j = bOff, o = outOff; k < n;
                k++, l += cStride, i += aStride, j += bStride, o += outStride) {
            out[o] = c[l] ? a[i] : b[j];
        }
    }

    @Override
    public void select(int n, boolean[] c, int cOff, int cStride, double[] a, int aOff, int aStride,
                       double[] b, int bOff, int bStride, double[] out, int outOff, int outStride) {
        assert n >= 0;
        for (int k = 0, l = cOff, i = aOff, j = bOff, o = outOff; k < n;
                k++, l += cStride, i += aStride, j += bStride, o += outStride) {
            out[o] = c[l] ? a[i] : b[j];
        }
    }

    @Override
    public void boolToFloat(int n, boolean[] src, int srcOff, int srcStride, float[] out, int outOff, int outStride) {
        assert n >= 0;
        for (int k = 0, i = srcOff, o = outOff; k < n; k++, i += srcStride, o += outStride) {
            out[o] = src[i] ? 1f : 0f;
        }
    }

    @Override
    public void floatToBool(int n, float[] src, int srcOff, int srcStride, boolean[] out, int outOff, int outStride) {
        assert n >= 0;
        for (int k = 0, i = srcOff, o = outOff; k < n; k++, i += srcStride, o += outStride) {
            out[o] = src[i] != 0;
        }
    }
}
