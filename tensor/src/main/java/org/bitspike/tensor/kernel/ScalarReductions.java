package org.bitspike.tensor.kernel;

/** The reduction oracle: one element at a time, in the order {@link ReductionKernels} defines. */
final class ScalarReductions implements ReductionKernels {
    static final ScalarReductions INSTANCE = new ScalarReductions();
    private static final int LANES = Tuning.SUM_LANES;

    private ScalarReductions() {
    }

    @Override
    public void row(Accumulate what, int n, float[] x, int xOff, int xStride, int j0, double mean,
                    double[] acc, int accOff, int laneStride) {
        assert n >= 0 && j0 >= 0;
        int lane = j0 % LANES;
        for (int i = 0, p = xOff; i < n; i++, p += xStride) {
            double v = x[p];
            accumulate(what, v, mean, acc, accOff, lane, laneStride);
            lane = lane == LANES - 1 ? 0 : lane + 1;
        }
    }

    @Override
    public void row(Accumulate what, int n, double[] x, int xOff, int xStride, int j0, double mean,
                    double[] acc, int accOff, int laneStride) {
        assert n >= 0 && j0 >= 0;
        int lane = j0 % LANES;
        for (int i = 0, p = xOff; i < n; i++, p += xStride) {
            accumulate(what, x[p], mean, acc, accOff, lane, laneStride);
            lane = lane == LANES - 1 ? 0 : lane + 1;
        }
    }

    private static void accumulate(Accumulate what, double v, double mean, double[] acc, int accOff, int lane,
                                   int laneStride) {
        switch (what) {
            case SUM -> acc[accOff + lane * laneStride] += v;
            case SQUARED_DEVIATION -> {
                double d = v - mean;
                acc[accOff + lane * laneStride] += d * d;
            }
            case MAX -> acc[accOff] = Math.max(acc[accOff], v);
            case MIN -> acc[accOff] = Math.min(acc[accOff], v);
        }
    }

    @Override
    public void columns(Accumulate what, int n, float[] x, int xOff, int xStride, double[] mean, int meanOff,
                        int meanStride, double[] acc, int accOff, int accStride) {
        assert n >= 0;
        for (int i = 0, p = xOff, a = accOff, m = meanOff; i < n; i++, p += xStride, a += accStride, m += meanStride) {
            double v = x[p];
            acc[a] = combine(what, acc[a], v, mean, m);
        }
    }

    @Override
    public void columns(Accumulate what, int n, double[] x, int xOff, int xStride, double[] mean, int meanOff,
                        int meanStride, double[] acc, int accOff, int accStride) {
        assert n >= 0;
        for (int i = 0, p = xOff, a = accOff, m = meanOff; i < n; i++, p += xStride, a += accStride, m += meanStride) {
            acc[a] = combine(what, acc[a], x[p], mean, m);
        }
    }

    private static double combine(Accumulate what, double acc, double v, double[] mean, int m) {
        return switch (what) {
            case SUM -> acc + v;
            case SQUARED_DEVIATION -> {
                double d = v - mean[m];
                yield acc + d * d;
            }
            case MAX -> Math.max(acc, v);
            case MIN -> Math.min(acc, v);
        };
    }
}
