package org.bitspike.tensor.kernel;

/**
 * 2-D convolution and pooling on dense row-major NCHW arrays, forward and backward, FLOAT32 and
 * FLOAT64. Shapes come from a {@link Conv2dGeometry} or {@link Pool2dGeometry}; every array argument
 * is read from its offset on, contiguously. Inputs are never modified; each method overwrites the
 * whole of its output (gradients are not accumulated into). Outputs must not alias inputs.
 * Results are bit-identical for any {@link Parallel}.
 *
 * <p>Convolution ({@code cinG = cin / groups}, {@code coutG = cout / groups}, {@code g(co) = co / coutG}):
 * <pre>
 *   y[n, co, oh, ow]  = bias[co] + sum_{ci < cinG, kh, kw} w[co, ci, kh, kw] * x[n, g(co) * cinG + ci, ih, iw]
 *                       with ih = oh * strideH - padH + kh * dilationH, iw likewise, x = 0 outside
 *   dx[n, c, ih, iw]  = sum over (co in group of c, kh, kw, oh, ow) reaching (ih, iw) of dy[n, co, oh, ow] * w[co, c - g * cinG, kh, kw]
 *   dw[co, ci, kh, kw] = sum_{n, oh, ow} dy[n, co, oh, ow] * x[n, g(co) * cinG + ci, ih, iw]
 *   db[co]            = sum_{n, oh, ow} dy[n, co, oh, ow]
 * </pre>
 *
 * <p>Pooling works on each {@code (n, c)} plane. Max pooling returns, for every output, the flat
 * index {@code ih * w + iw} of the chosen input inside its plane. NOTE: ties go to the first maximum
 * in scan order (kh, then kw, ascending); a NaN in the window wins over numbers (the first NaN), so
 * NaN propagates. Max backward adds {@code dy} into {@code dx} at that index (several outputs may
 * share one input when windows overlap). Average pooling divides by {@code kH * kW} when
 * {@code countIncludePad} (padding counts as zeros), else by the number of window taps that fall
 * inside the input.
 */
public interface ConvKernels {

    // ---- convolution, FLOAT32 ----

    /** Forward: writes {@code y[n, cout, outH, outW]}; {@code bias} may be null (no bias). */
    void conv2d(Conv2dGeometry g, float[] x, int xOff, float[] w, int wOff, float[] bias, int biasOff,
                float[] y, int yOff, Parallel parallel);

    /** Gradient with respect to the input: writes {@code dx[n, cin, h, w]} from {@code dy} and {@code w}. */
    void conv2dBackwardInput(Conv2dGeometry g, float[] dy, int dyOff, float[] w, int wOff,
                             float[] dx, int dxOff, Parallel parallel);

    /** Gradient with respect to the weight: writes {@code dw[cout, cin / groups, kH, kW]} from {@code x} and {@code dy}. */
    void conv2dBackwardWeight(Conv2dGeometry g, float[] x, int xOff, float[] dy, int dyOff,
                              float[] dw, int dwOff, Parallel parallel);

    /** Gradient with respect to the bias: writes {@code db[cout]}, the sum of {@code dy} over n, oh, ow. */
    void conv2dBackwardBias(Conv2dGeometry g, float[] dy, int dyOff, float[] db, int dbOff, Parallel parallel);

    // ---- convolution, FLOAT64 ----

    /** FLOAT64 {@link #conv2d(Conv2dGeometry, float[], int, float[], int, float[], int, float[], int, Parallel)}. */
    void conv2d(Conv2dGeometry g, double[] x, int xOff, double[] w, int wOff, double[] bias, int biasOff,
                double[] y, int yOff, Parallel parallel);

    /** FLOAT64 gradient with respect to the input. */
    void conv2dBackwardInput(Conv2dGeometry g, double[] dy, int dyOff, double[] w, int wOff,
                             double[] dx, int dxOff, Parallel parallel);

    /** FLOAT64 gradient with respect to the weight. */
    void conv2dBackwardWeight(Conv2dGeometry g, double[] x, int xOff, double[] dy, int dyOff,
                              double[] dw, int dwOff, Parallel parallel);

    /** FLOAT64 gradient with respect to the bias. */
    void conv2dBackwardBias(Conv2dGeometry g, double[] dy, int dyOff, double[] db, int dbOff, Parallel parallel);

    // ---- pooling ----

    /** Max pooling: writes {@code y[n, c, outH, outW]} and the in-plane argmax of every output. */
    void maxPool2d(Pool2dGeometry g, float[] x, int xOff, float[] y, int yOff, int[] argmax, int argmaxOff,
                   Parallel parallel);

    /** Max pooling backward: writes {@code dx[n, c, h, w]}, zero except where an argmax points. */
    void maxPool2dBackward(Pool2dGeometry g, float[] dy, int dyOff, int[] argmax, int argmaxOff,
                           float[] dx, int dxOff, Parallel parallel);

    /** Average pooling: writes {@code y[n, c, outH, outW]}. */
    void avgPool2d(Pool2dGeometry g, boolean countIncludePad, float[] x, int xOff, float[] y, int yOff,
                   Parallel parallel);

    /** Average pooling backward: writes {@code dx[n, c, h, w]}. */
    void avgPool2dBackward(Pool2dGeometry g, boolean countIncludePad, float[] dy, int dyOff,
                           float[] dx, int dxOff, Parallel parallel);

    /** FLOAT64 max pooling. */
    void maxPool2d(Pool2dGeometry g, double[] x, int xOff, double[] y, int yOff, int[] argmax, int argmaxOff,
                   Parallel parallel);

    /** FLOAT64 max pooling backward. */
    void maxPool2dBackward(Pool2dGeometry g, double[] dy, int dyOff, int[] argmax, int argmaxOff,
                           double[] dx, int dxOff, Parallel parallel);

    /** FLOAT64 average pooling. */
    void avgPool2d(Pool2dGeometry g, boolean countIncludePad, double[] x, int xOff, double[] y, int yOff,
                   Parallel parallel);

    /** FLOAT64 average pooling backward. */
    void avgPool2dBackward(Pool2dGeometry g, boolean countIncludePad, double[] dy, int dyOff,
                           double[] dx, int dxOff, Parallel parallel);
}
