package org.bitspike.tensor;

/** Elementwise unary functions. Floating ops compute in double and round once to the result dtype. */
enum UnaryOp {
    NEG, ABS, SIGN, EXP, LOG, SQRT, RSQRT, SIN, COS, TANH, SIGMOID, RELU, FLOOR, CEIL, ROUND, RECIPROCAL,
    LOG1P, EXPM1, SOFTPLUS, ERF,
    LOGICAL_NOT;

    /** Name used in error messages. */
    String opName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** True when integer inputs keep their dtype; otherwise they are promoted to FLOAT32. */
    boolean closedOverIntegers() {
        return switch (this) {
            case NEG, ABS, SIGN, RELU, FLOOR, CEIL, ROUND -> true;
            default -> false;
        };
    }

    double apply(double x) {
        return switch (this) {
            case NEG -> -x;
            case ABS -> Math.abs(x);
            case SIGN -> Math.signum(x);
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case SQRT -> Math.sqrt(x);
            case RSQRT -> 1.0 / Math.sqrt(x);
            case SIN -> Math.sin(x);
            case COS -> Math.cos(x);
            case TANH -> Math.tanh(x);
            // NOTE: both branches avoid exp overflow; exp(-|x|) is in (0, 1].
            case SIGMOID -> x >= 0 ? 1.0 / (1.0 + Math.exp(-x)) : Math.exp(x) / (1.0 + Math.exp(x));
            case RELU -> x > 0 || Double.isNaN(x) ? x : 0.0;
            case FLOOR -> Math.floor(x);
            case CEIL -> Math.ceil(x);
            case ROUND -> Math.rint(x);
            case RECIPROCAL -> 1.0 / x;
            case LOG1P -> Math.log1p(x);
            case EXPM1 -> Math.expm1(x);
            // NOTE: max(x, 0) + log1p(exp(-|x|)): exp never overflows (its argument is <= 0), and for
            // large |x| the log1p term underflows gracefully, so the result is finite for every finite x.
            case SOFTPLUS -> (x > 0 ? x : 0.0) + Math.log1p(Math.exp(-Math.abs(x)));
            case ERF -> Erf.erf(x);
            case LOGICAL_NOT -> x == 0 ? 1 : 0;
        };
    }

    long applyLong(long x) {
        return switch (this) {
            case NEG -> -x;
            case ABS -> Math.abs(x);
            case SIGN -> Long.signum(x);
            case RELU -> Math.max(x, 0);
            case FLOOR, CEIL, ROUND -> x;
            case LOGICAL_NOT -> x == 0 ? 1 : 0;
            default -> throw new AssertionError(this);
        };
    }
}
