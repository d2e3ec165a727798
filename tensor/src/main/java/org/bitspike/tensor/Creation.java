package org.bitspike.tensor;

import org.bitspike.tensor.kernel.Parallel;
import org.bitspike.tensor.kernel.Tuning;

/** Factories behind {@link Tensor}'s static creation methods. */
final class Creation {
    private Creation() {
    }

    static Tensor full(DType dtype, double value, int... shape) {
        Tensor t = Tensor.allocate("full", dtype, shape);
        if (value != 0) {
            Object a = t.storage().array();
            switch (dtype) {
                case FLOAT32 -> java.util.Arrays.fill((float[]) a, (float) value);
                case FLOAT64 -> java.util.Arrays.fill((double[]) a, value);
                case INT32 -> java.util.Arrays.fill((int[]) a, (int) value);
                case INT64 -> java.util.Arrays.fill((long[]) a, (long) value);
                case BOOL -> java.util.Arrays.fill((boolean[]) a, true);
            }
        }
        return t;
    }

    static Tensor arange(long start, long end, long step) {
        if (step == 0) {
            throw TensorException.of("arange", "step must be nonzero");
        }
        // NOTE: unsigned arithmetic: end - start and -step may exceed Long.MAX_VALUE, the count may not.
        long n = (step > 0 ? end <= start : end >= start) ? 0
                : Long.divideUnsigned((step > 0 ? end - start : start - end) - 1, step > 0 ? step : -step) + 1;
        if (Long.compareUnsigned(n, Integer.MAX_VALUE) > 0) {
            throw TensorException.of("arange", "[%d, %d) with step %d has %s elements (more than Integer.MAX_VALUE)",
                    start, end, step, Long.toUnsignedString(n));
        }
        Tensor t = Tensor.allocate("arange", DType.INT64, new int[] {(int) n});
        long[] a = t.storage().longs();
        for (int i = 0; i < n; i++) {
            a[i] = start + i * step;
        }
        return t;
    }

    static Tensor arange(double start, double end, double step) {
        if (step == 0 || Double.isNaN(step) || Double.isNaN(start) || Double.isNaN(end)
                || Double.isInfinite(start) || Double.isInfinite(end)) {
            throw TensorException.of("arange", "needs finite start/end and a nonzero step, got %s, %s, %s", start, end, step);
        }
        double count = Math.ceil((end - start) / step);
        if (count > Integer.MAX_VALUE) {
            throw TensorException.of("arange", "[%s, %s) with step %s has more than Integer.MAX_VALUE elements", start, end, step);
        }
        int n = (int) Math.max(0, count);
        Tensor t = Tensor.allocate("arange", DType.FLOAT32, new int[] {n});
        float[] a = t.storage().floats();
        for (int i = 0; i < n; i++) {
            a[i] = (float) (start + i * step);
        }
        return t;
    }

    static Tensor linspace(double start, double end, int steps) {
        if (steps < 0) {
            throw TensorException.of("linspace", "steps must be >= 0, got %d", steps);
        }
        Tensor t = Tensor.allocate("linspace", DType.FLOAT32, new int[] {steps});
        float[] a = t.storage().floats();
        for (int i = 0; i < steps; i++) {
            // NOTE: the last point is exactly end, not start + (steps-1)*delta; a single point is start.
            a[i] = (float) (i == 0 ? start : i == steps - 1 ? end : start + (end - start) * i / (steps - 1));
        }
        return t;
    }

    static Tensor eye(DType dtype, int rows, int cols) {
        Shapes.numel("eye", new int[] {rows, cols});
        Tensor t = full(dtype, 0, rows, cols);
        for (int i = 0; i < Math.min(rows, cols); i++) {
            Elementwise.write(t.storage(), i * cols + i, 1);
        }
        return t;
    }

    /** Wraps {@code array} (already a private copy) with {@code shape}; an empty shape means 1-D. */
    static Tensor fromArray(DType dtype, Object array, int length, int[] shape) {
        int[] s = shape.length == 0 ? new int[] {length} : shape.clone();
        int n = Shapes.numel("of", s);
        if (n != length) {
            throw TensorException.of("of", "shape %s needs %d elements, the array has %d", s, n, length);
        }
        return new Tensor(new Storage(dtype, array), 0, s, Shapes.contiguousStrides(s));
    }

    static Tensor fromRows(float[][] rows) {
        int cols = rows.length == 0 ? 0 : rows[0].length;
        float[] data = new float[Shapes.numel("of", new int[] {rows.length, cols})];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != cols) {
                throw TensorException.of("of", "ragged rows: row 0 has %d elements, row %d has %d", cols, i, rows[i].length);
            }
            System.arraycopy(rows[i], 0, data, i * cols, cols);
        }
        return fromArray(DType.FLOAT32, data, data.length, new int[] {rows.length, cols});
    }

    static Tensor fromRows(double[][] rows) {
        int cols = rows.length == 0 ? 0 : rows[0].length;
        double[] data = new double[Shapes.numel("of", new int[] {rows.length, cols})];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != cols) {
                throw TensorException.of("of", "ragged rows: row 0 has %d elements, row %d has %d", cols, i, rows[i].length);
            }
            System.arraycopy(rows[i], 0, data, i * cols, cols);
        }
        return fromArray(DType.FLOAT64, data, data.length, new int[] {rows.length, cols});
    }

    private static void requireFloating(String op, DType dtype) {
        if (!dtype.isFloating()) {
            throw TensorException.of(op, "needs a floating dtype, got %s", dtype);
        }
    }

    static Tensor rand(RandomKey key, DType dtype, int[] shape) {
        requireFloating("rand", dtype);
        Tensor t = Tensor.allocate("rand", dtype, shape);
        int n = t.numel();
        if (dtype == DType.FLOAT32) {
            float[] a = t.storage().floats();
            for (int i = 0; i < n; i++) {
                a[i] = key.uniformFloat(i);
            }
        } else {
            double[] a = t.storage().doubles();
            for (int i = 0; i < n; i++) {
                a[i] = key.uniformDouble(i);
            }
        }
        return t;
    }

    static Tensor randn(RandomKey key, DType dtype, int[] shape) {
        requireFloating("randn", dtype);
        Tensor t = Tensor.allocate("randn", dtype, shape);
        int n = t.numel();
        for (int i = 0; i < n; i++) {
            Elementwise.write(t.storage(), i, key.normal(i));
        }
        return t;
    }

    static Tensor bernoulli(RandomKey key, double p, int[] shape) {
        checkProbability("bernoulli", p);
        Tensor t = Tensor.allocate("bernoulli", DType.FLOAT32, shape);
        float[] a = t.storage().floats();
        forRanges(a.length, (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                a[i] = key.uniformDouble(i) < p ? 1f : 0f;
            }
        });
        return t;
    }

    /**
     * {@code x * mask * scale} in one pass, mask element {@code i} being 1 with probability {@code keep}
     * rounded to a multiple of 2^-16: it is 1 iff the 16 bits {@code (key.bits(i / 4) >>> 16 (i % 4)) & 0xFFFF}
     * are below {@code round(keep * 65536)}. Four elements share one 64-bit draw, which makes the mask
     * four times cheaper than {@link #bernoulli}'s one draw per element (the cost of dropout is the
     * draws). The mask value {@code scale} is rounded to x's dtype and multiplied by x.
     */
    static Tensor maskedScale(Tensor x, RandomKey key, double keep, double scale) {
        String op = "maskedScale";
        checkProbability(op, keep);
        if (!x.dtype().isFloating()) {
            throw TensorException.of(op, "needs a floating input, got %s of shape %s", x.dtype(), x.shapeRef());
        }
        Tensor src = x.contiguous();
        Tensor out = Tensor.allocate(op, x.dtype(), x.shapeRef());
        int base = src.offset();
        long below = Math.round(keep * 65536);
        int n = out.numel();
        int groups = (n + 3) / 4;
        // NOTE: the selects are bit masks (-1 where kept: the sign of bits16 - below), not
        // conditionals: a 10% dropout makes a branch mispredict often enough to cost twice the pass
        if (x.dtype() == DType.FLOAT32) {
            float[] in = src.storage().floats();
            float[] o = out.storage().floats();
            int s = Float.floatToRawIntBits((float) scale);
            forRanges(groups, (g0, g1) -> {
                for (int g = g0; g < g1; g++) {
                    long bits = key.bits(g);
                    int i = 4 * g;
                    if (i + 4 <= n) {
                        o[i] = in[base + i] * Float.intBitsToFloat(s & (int) (((bits & 0xFFFF) - below) >> 63));
                        o[i + 1] = in[base + i + 1] * Float.intBitsToFloat(s & (int) ((((bits >>> 16) & 0xFFFF) - below) >> 63));
                        o[i + 2] = in[base + i + 2] * Float.intBitsToFloat(s & (int) ((((bits >>> 32) & 0xFFFF) - below) >> 63));
                        o[i + 3] = in[base + i + 3] * Float.intBitsToFloat(s & (int) (((bits >>> 48) - below) >> 63));
                    } else {
                        for (int k = 0; i + k < n; k++) {
                            long kept = (((bits >>> (16 * k)) & 0xFFFF) - below) >> 63;
                            o[i + k] = in[base + i + k] * Float.intBitsToFloat(s & (int) kept);
                        }
                    }
                }
            });
        } else {
            double[] in = src.storage().doubles();
            double[] o = out.storage().doubles();
            long s = Double.doubleToRawLongBits(scale);
            forRanges(groups, (g0, g1) -> {
                for (int g = g0; g < g1; g++) {
                    long bits = key.bits(g);
                    for (int k = 0, i = 4 * g; k < 4 && i < n; k++, i++) {
                        long kept = (((bits >>> (16 * k)) & 0xFFFF) - below) >> 63;
                        o[i] = in[base + i] * Double.longBitsToDouble(s & kept);
                    }
                }
            });
        }
        return out;
    }

    private static void checkProbability(String op, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw TensorException.of(op, "probability must be in [0, 1], got %s", p);
        }
    }

    /** Positions {@code [i0, i1)} of {@code [0, n)}. */
    @FunctionalInterface
    private interface Range {
        void run(int i0, int i1);
    }

    /** Runs {@code body} over {@code [0, n)}, split into tasks when n is large; each element depends on its index only. */
    private static void forRanges(int n, Range body) {
        int tasks = n < Tuning.ELEMENTWISE_PARALLEL_ELEMENTS ? 1 : Math.max(2, n / Tuning.ELEMENTWISE_TASK_ELEMENTS);
        Parallel.shared().forEach(tasks, k -> body.run((int) ((long) n * k / tasks), (int) ((long) n * (k + 1) / tasks)));
    }
}
