package org.bitspike.nn.deploy;

/**
 * A chain's folded decision per channel: fires iff {@code lower[c] <= acc <= upper[c]} (exact values of
 * FLOAT32, infinities for open ends, {@code lower > upper} for never), and how a pool inside the chain
 * combines bits ({@code orChannels[c]}: OR, else AND).
 */
record Bounds(double[] lower, double[] upper, boolean[] orChannels) {

    float[] floatLower() {
        return floats(lower);
    }

    float[] floatUpper() {
        return floats(upper);
    }

    /**
     * The bounds on integer accumulations: the integers in {@code [lower, upper]} are those in
     * {@code [ceil(lower), floor(upper)]}; an open end is the int range's end (an accumulation never
     * reaches it: it is at most the number of terms).
     */
    int[] intLower() {
        int[] out = new int[lower.length];
        for (int c = 0; c < out.length; c++) {
            out[c] = clamp(Math.ceil(lower[c]));
        }
        return out;
    }

    int[] intUpper() {
        int[] out = new int[upper.length];
        for (int c = 0; c < out.length; c++) {
            out[c] = clamp(Math.floor(upper[c]));
        }
        return out;
    }

    private static int clamp(double v) {
        return v <= Integer.MIN_VALUE ? Integer.MIN_VALUE : v >= Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) v;
    }

    private static float[] floats(double[] v) {
        float[] out = new float[v.length];
        for (int c = 0; c < v.length; c++) {
            out[c] = (float) v[c];
        }
        return out;
    }
}
