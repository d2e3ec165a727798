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
