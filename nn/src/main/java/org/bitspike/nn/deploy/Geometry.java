package org.bitspike.nn.deploy;

/** Counting helpers along one axis of a convolution or pooling (no dilation). */
final class Geometry {
    private Geometry() {
    }

    /** The output size: {@code (in + 2 pad - k) / stride + 1}. */
    static int out(int in, int k, int stride, int pad) {
        return (in + 2 * pad - k) / stride + 1;
    }

    /** The (output position, tap) pairs whose input lies inside the axis. */
    static int insideTaps(int in, int k, int stride, int pad, int out) {
        int count = 0;
        for (int o = 0; o < out; o++) {
            for (int t = 0; t < k; t++) {
                int i = o * stride - pad + t;
                count += i >= 0 && i < in ? 1 : 0;
            }
        }
        return count;
    }

    /** For each input position, how many (output position, tap) pairs read it. */
    static int[] reach(int in, int k, int stride, int pad, int out) {
        int[] reach = new int[in];
        for (int o = 0; o < out; o++) {
            for (int t = 0; t < k; t++) {
                int i = o * stride - pad + t;
                if (i >= 0 && i < in) {
                    reach[i]++;
                }
            }
        }
        return reach;
    }
}
