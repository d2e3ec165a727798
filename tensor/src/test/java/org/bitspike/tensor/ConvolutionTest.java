package org.bitspike.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bitspike.tensor.Convolution.ConvOptions;
import org.bitspike.tensor.Convolution.PoolOptions;
import org.bitspike.tensor.kernel.Conv2dGeometry;
import org.bitspike.tensor.kernel.KernelProvider;
import org.bitspike.tensor.kernel.Parallel;
import org.bitspike.tensor.kernel.Pool2dGeometry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The tensor facade: same results as the kernels, any input layout, adjoint backward ops, validation. */
class ConvolutionTest {
    private static final ConvOptions OPTS = new ConvOptions(2, 1, 1, 2, 1, 2, 2);

    private static Tensor randn(long seed, DType dtype, int... shape) {
        return Tensor.randn(RandomKey.of(seed), dtype, shape);
    }

    /** A tensor equal to a randn of {@code shape} but stored NHWC (a permuted view), at a non-zero offset. */
    private static Tensor awkward(long seed, DType dtype, int... shape) {
        Tensor nhwc = randn(seed, dtype, 1, shape[0], shape[2], shape[3] + 3, shape[1])
                .select(0, 0).narrow(2, 2, shape[3]);          // offset != 0, padded row stride
        Tensor v = nhwc.permute(0, 3, 1, 2);
        assertTrue(!v.isContiguous() && v.offset() != 0);
        return v;
    }

    private static double dot(Tensor a, Tensor b) {
        return a.to(DType.FLOAT64).mul(b.to(DType.FLOAT64)).sum().itemDouble();
    }

    @Test
    void conv2dIsTheKernelOnContiguousInputs() {
        Tensor x = randn(1, DType.FLOAT32, 2, 4, 9, 8);
        Tensor w = randn(2, DType.FLOAT32, 6, 2, 3, 2);
        Tensor b = randn(3, DType.FLOAT32, 6);
        Tensor y = Convolution.conv2d(x, w, b, OPTS);
        Conv2dGeometry g = new Conv2dGeometry(2, 4, 9, 8, 6, 3, 2, 2, 1, 1, 2, 1, 2, 2);
        assertArrayEquals(g.outputShape(), y.shape());
        float[] expected = new float[g.outputSize()];
        KernelProvider.get().conv().conv2d(g, x.toFloatArray(), 0, w.toFloatArray(), 0, b.toFloatArray(), 0,
                expected, 0, Parallel.shared());
        assertArrayEquals(expected, y.toFloatArray());
        assertTrue(y.isContiguous());
    }

    @Test
    void nonContiguousInputsGiveTheSameResults() {
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor x = awkward(4, dtype, 2, 4, 9, 8);
            Tensor w = awkward(5, dtype, 6, 2, 3, 2);
            Tensor b = randn(6, dtype, 12).slice(0, 1, 12, 2);
            Tensor y = Convolution.conv2d(x, w, b, OPTS);
            assertArrayEquals(Convolution.conv2d(x.copy(), w.copy(), b.copy(), OPTS).toDoubleArray(), y.toDoubleArray());
            Tensor dy = awkward(7, dtype, y.shape());
            assertArrayEquals(Convolution.conv2dBackwardInput(dy.copy(), w.copy(), x.shape(), OPTS).toDoubleArray(),
                    Convolution.conv2dBackwardInput(dy, w, x.shape(), OPTS).toDoubleArray());
            assertArrayEquals(Convolution.conv2dBackwardWeight(x.copy(), dy.copy(), w.shape(), OPTS).toDoubleArray(),
                    Convolution.conv2dBackwardWeight(x, dy, w.shape(), OPTS).toDoubleArray());
            assertArrayEquals(Convolution.conv2dBackwardBias(dy.copy()).toDoubleArray(),
                    Convolution.conv2dBackwardBias(dy).toDoubleArray());

            PoolOptions p = PoolOptions.of(3, 2, 1);
            Convolution.MaxPool2d m = Convolution.maxPool2d(x, p);
            Convolution.MaxPool2d mc = Convolution.maxPool2d(x.copy(), p);
            assertArrayEquals(mc.values().toDoubleArray(), m.values().toDoubleArray());
            assertArrayEquals(mc.indices().toIntArray(), m.indices().toIntArray());
            Tensor pdy = awkward(8, dtype, m.values().shape());
            assertArrayEquals(Convolution.maxPool2dBackward(pdy.copy(), mc.indices(), x.shape(), p).toDoubleArray(),
                    Convolution.maxPool2dBackward(pdy, m.indices().transpose(2, 3).contiguous().transpose(2, 3), x.shape(), p).toDoubleArray());
            assertArrayEquals(Convolution.avgPool2d(x.copy(), p, false).toDoubleArray(),
                    Convolution.avgPool2d(x, p, false).toDoubleArray());
            assertArrayEquals(Convolution.avgPool2dBackward(pdy.copy(), x.shape(), p, true).toDoubleArray(),
                    Convolution.avgPool2dBackward(pdy, x.shape(), p, true).toDoubleArray());
        }
    }

    @Test
    void inputsAreNotModified() {
        Tensor x = randn(9, DType.FLOAT32, 1, 2, 5, 5);
        Tensor w = randn(10, DType.FLOAT32, 3, 2, 3, 3);
        float[] xs = x.toFloatArray(), ws = w.toFloatArray();
        int xv = x.version(), wv = w.version();
        Tensor y = Convolution.conv2d(x, w, null, ConvOptions.of(1, 1));
        Convolution.conv2dBackwardInput(y, w, x.shape(), ConvOptions.of(1, 1));
        Convolution.conv2dBackwardWeight(x, y, w.shape(), ConvOptions.of(1, 1));
        assertArrayEquals(xs, x.toFloatArray());
        assertArrayEquals(ws, w.toFloatArray());
        assertEquals(xv, x.version());
        assertEquals(wv, w.version());
    }

    /** {@code <conv2d(x, w), dy> == <x, dx> == <w, dw>} and {@code <b, db>} is the bias part: each backward is an adjoint. */
    @Test
    void backwardOpsAreAdjoints() {
        ConvOptions o = new ConvOptions(2, 2, 1, 0, 2, 1, 3);
        Tensor x = randn(11, DType.FLOAT64, 2, 6, 11, 10);
        Tensor w = randn(12, DType.FLOAT64, 9, 2, 3, 3);
        Tensor b = randn(13, DType.FLOAT64, 9);
        Tensor y = Convolution.conv2d(x, w, null, o);
        Tensor dy = randn(14, DType.FLOAT64, y.shape());
        double lhs = dot(y, dy);
        assertEquals(lhs, dot(x, Convolution.conv2dBackwardInput(dy, w, x.shape(), o)), 1e-10 * (1 + Math.abs(lhs)));
        assertEquals(lhs, dot(w, Convolution.conv2dBackwardWeight(x, dy, w.shape(), o)), 1e-10 * (1 + Math.abs(lhs)));
        Tensor yb = Convolution.conv2d(x, w, b, o);
        assertEquals(dot(yb, dy) - lhs, dot(b, Convolution.conv2dBackwardBias(dy)), 1e-10 * (1 + Math.abs(lhs)));
        assertArrayEquals(dy.sum(new int[] {0, 2, 3}, false).toDoubleArray(),
                Convolution.conv2dBackwardBias(dy).toDoubleArray(), 1e-12);

        PoolOptions p = new PoolOptions(3, 2, 2, 1, 1, 1, 1, 2);
        Tensor py = Convolution.avgPool2d(x, p, false);
        Tensor pdy = randn(15, DType.FLOAT64, py.shape());
        assertEquals(dot(py, pdy), dot(x, Convolution.avgPool2dBackward(pdy, x.shape(), p, false)), 1e-10);
        Convolution.MaxPool2d m = Convolution.maxPool2d(x, p);
        assertEquals(dot(m.values(), pdy), dot(x, Convolution.maxPool2dBackward(pdy, m.indices(), x.shape(), p)),
                1e-10);
        assertEquals(DType.INT32, m.indices().dtype());
    }

    /** The example of {@link Convolution}'s Javadoc. */
    @Test
    void javadocExample() {
        Tensor x = Tensor.randn(RandomKey.of(1), 8, 3, 32, 32);
        Tensor w = Tensor.randn(RandomKey.of(2), 16, 3, 3, 3);
        Tensor y = Convolution.conv2d(x, w, null, Convolution.ConvOptions.of(1, 1));
        Convolution.MaxPool2d p = Convolution.maxPool2d(y, Convolution.PoolOptions.of(2));
        assertArrayEquals(new int[] {8, 16, 32, 32}, y.shape());
        assertArrayEquals(new int[] {8, 16, 16, 16}, p.values().shape());
    }

    @Test
    void goldenMaxPool() {
        Tensor x = Tensor.of(new float[] {1, 5, 2, 0, 3, 4, 8, 8, 0, 0, -1, -2, 0, 7, -3, -1}, 1, 1, 4, 4);
        Convolution.MaxPool2d m = Convolution.maxPool2d(x, PoolOptions.of(2));
        assertArrayEquals(new float[] {5, 8, 7, -1}, m.values().toFloatArray());
        assertArrayEquals(new int[] {1, 6, 13, 10}, m.indices().toIntArray());
        assertArrayEquals(new int[] {1, 1, 2, 2}, m.indices().shape());
        Pool2dGeometry g = Pool2dGeometry.of(1, 1, 4, 4, 2, 2, 0);
        assertArrayEquals(g.outputShape(), m.values().shape());
    }

    // ---------------------------------------------------------------- bad inputs

    private static void assertMessage(Executable e, String... parts) {
        String m = assertThrows(TensorException.class, e).getMessage();
        for (String p : parts) {
            assertTrue(m.contains(p), () -> "'" + m + "' should mention '" + p + "'");
        }
    }

    @Test
    void badConvolutionInputsAreNamed() {
        Tensor x = Tensor.zeros(2, 3, 8, 8);
        Tensor w = Tensor.zeros(4, 3, 3, 3);
        assertMessage(() -> Convolution.conv2d(Tensor.zeros(3, 8, 8), w, null),
                "conv2d: ", "input must be 4-D", "[3, 8, 8]");
        assertMessage(() -> Convolution.conv2d(x, Tensor.zeros(4, 3, 3), null),
                "conv2d: ", "weight must be 4-D", "[4, 3, 3]");
        assertMessage(() -> Convolution.conv2d(x, Tensor.zeros(4, 2, 3, 3), null),
                "conv2d: ", "weight [4, 2, 3, 3] expects 2 input channels", "input [2, 3, 8, 8] has 3");
        assertMessage(() -> Convolution.conv2d(x, Tensor.zeros(4, 1, 3, 3), null, ConvOptions.DEFAULT.withGroups(3)),
                "conv2d: ", "output channels 4 not divisible by groups 3");
        assertMessage(() -> Convolution.conv2d(x, Tensor.zeros(4, 3, 9, 9), null),
                "conv2d: ", "output size [0, 0] <= 0");
        assertMessage(() -> Convolution.conv2d(x, w, Tensor.zeros(3)),
                "conv2d: ", "bias shape [3] must be [4]");
        assertMessage(() -> Convolution.conv2d(x, Tensor.zeros(DType.FLOAT64, 4, 3, 3, 3), null),
                "conv2d: ", "weight has dtype FLOAT64", "input is FLOAT32");
        assertMessage(() -> Convolution.conv2d(Tensor.zeros(DType.INT32, 2, 3, 8, 8), w, null),
                "conv2d: ", "input must be FLOAT32 or FLOAT64, got INT32");
        assertMessage(() -> Convolution.conv2d(x, w, null, ConvOptions.of(0, 1)), "conv2d: ", "stride must be >= 1");
    }

    @Test
    void badGradientInputsAreNamed() {
        Tensor x = Tensor.zeros(2, 3, 8, 8);
        Tensor w = Tensor.zeros(4, 3, 3, 3);
        Tensor dy = Tensor.zeros(2, 4, 6, 6);
        assertMessage(() -> Convolution.conv2dBackwardInput(Tensor.zeros(2, 4, 8, 8), w, x.shape(), ConvOptions.DEFAULT),
                "conv2dBackwardInput: ", "grad output shape [2, 4, 8, 8] must equal the output shape [2, 4, 6, 6]");
        assertMessage(() -> Convolution.conv2dBackwardInput(dy, w, new int[] {2, 5, 8, 8}, ConvOptions.DEFAULT),
                "conv2dBackwardInput: ", "expects 3 input channels");
        assertMessage(() -> Convolution.conv2dBackwardWeight(x, dy, new int[] {4, 3, 3}, ConvOptions.DEFAULT),
                "conv2dBackwardWeight: ", "weight must be 4-D");
        assertMessage(() -> Convolution.conv2dBackwardWeight(x, dy.to(DType.FLOAT64), w.shape(), ConvOptions.DEFAULT),
                "conv2dBackwardWeight: ", "grad output has dtype FLOAT64");
        assertMessage(() -> Convolution.conv2dBackwardBias(Tensor.zeros(4, 6)), "conv2dBackwardBias: ", "4-D");
    }

    @Test
    void badPoolingInputsAreNamed() {
        Tensor x = Tensor.zeros(1, 2, 6, 6);
        assertMessage(() -> Convolution.maxPool2d(Tensor.zeros(2, 6, 6), PoolOptions.of(2)),
                "maxPool2d: ", "input must be 4-D", "[2, 6, 6]");
        assertMessage(() -> Convolution.maxPool2d(x, PoolOptions.of(2, 2, 2)),
                "maxPool2d: ", "padding [2, 2]", "at most half");
        assertMessage(() -> Convolution.avgPool2d(x, PoolOptions.of(7), true), "avgPool2d: ", "output size");
        assertMessage(() -> Convolution.avgPool2d(Tensor.zeros(DType.INT64, 1, 2, 6, 6), PoolOptions.of(2), true),
                "avgPool2d: ", "FLOAT32 or FLOAT64");
        Convolution.MaxPool2d m = Convolution.maxPool2d(x, PoolOptions.of(2));
        Tensor dy = Tensor.zeros(1, 2, 3, 3);
        assertMessage(() -> Convolution.maxPool2dBackward(dy, m.indices().to(DType.INT64), x.shape(), PoolOptions.of(2)),
                "maxPool2dBackward: ", "indices must be INT32");
        assertMessage(() -> Convolution.maxPool2dBackward(dy, Tensor.zeros(DType.INT32, 1, 2, 3, 2), x.shape(),
                PoolOptions.of(2)), "maxPool2dBackward: ", "indices shape [1, 2, 3, 2] must equal the output shape [1, 2, 3, 3]");
        assertMessage(() -> Convolution.maxPool2dBackward(dy, Tensor.full(DType.INT32, 36, 1, 2, 3, 3), x.shape(),
                PoolOptions.of(2)), "maxPool2dBackward: ", "index 36", "outside an input plane of 6 x 6");
        assertMessage(() -> Convolution.avgPool2dBackward(Tensor.zeros(1, 2, 2, 3), x.shape(), PoolOptions.of(2), true),
                "avgPool2dBackward: ", "grad output shape [1, 2, 2, 3] must equal the output shape [1, 2, 3, 3]");
    }
}
