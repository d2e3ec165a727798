package org.bitspike.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bitspike.tensor.Convolution.ConvOptions;
import org.bitspike.tensor.kernel.Conv2dGeometry;
import org.bitspike.tensor.kernel.KernelProvider;
import org.bitspike.tensor.kernel.Parallel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The adder facade: the kernels' results on any layout, the linear layer as its 1x1 case, and validation. */
class AdderTest {
    private static final ConvOptions OPTS = new ConvOptions(2, 1, 1, 2, 1, 2, 1);

    private static Tensor randn(long seed, DType dtype, int... shape) {
        return Tensor.randn(RandomKey.of(seed), dtype, shape);
    }

    /** A tensor equal to a randn of {@code shape} but stored NHWC (a permuted view) at a non-zero offset. */
    private static Tensor awkward(long seed, DType dtype, int... shape) {
        Tensor v = randn(seed, dtype, 1, shape[0], shape[2], shape[3] + 3, shape[1])
                .select(0, 0).narrow(2, 2, shape[3]).permute(0, 3, 1, 2);
        assertTrue(!v.isContiguous() && v.offset() != 0);
        return v;
    }

    @Test
    void convolutionIsTheKernelOnAnyLayout() {
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor x = awkward(1, dtype, 2, 3, 9, 8);
            Tensor w = randn(2, dtype, 5, 3, 3, 2);
            Tensor y = Adder.conv2d(x, w, OPTS);
            Conv2dGeometry g = new Conv2dGeometry(2, 3, 9, 8, 5, 3, 2, 2, 1, 1, 2, 1, 2, 1);
            assertArrayEquals(g.outputShape(), y.shape());
            Tensor dy = randn(3, dtype, g.outputShape());
            Tensor dx = Adder.conv2dBackwardInput(dy, x, w, AdderInputGradient.HARDTANH, OPTS);
            Tensor dw = Adder.conv2dBackwardWeight(dy, x, w, AdderWeightGradient.FULL_PRECISION, OPTS);
            assertArrayEquals(x.shape(), dx.shape());
            assertArrayEquals(w.shape(), dw.shape());
            var k = KernelProvider.get().adder();
            if (dtype == DType.FLOAT32) {
                float[] want = new float[g.outputSize()];
                k.adderConv2d(g, x.contiguous().toFloatArray(), 0, w.toFloatArray(), 0, want, 0, Parallel.of(1));
                assertArrayEquals(want, y.toFloatArray());
                float[] wantDx = new float[g.inputSize()];
                k.adderConv2dBackwardInput(g, AdderInputGradient.HARDTANH, dy.toFloatArray(), 0,
                        x.contiguous().toFloatArray(), 0, w.toFloatArray(), 0, wantDx, 0, Parallel.of(1));
                assertArrayEquals(wantDx, dx.toFloatArray());
                float[] wantDw = new float[g.weightSize()];
                k.adderConv2dBackwardWeight(g, AdderWeightGradient.FULL_PRECISION, dy.toFloatArray(), 0,
                        x.contiguous().toFloatArray(), 0, w.toFloatArray(), 0, wantDw, 0, Parallel.of(1));
                assertArrayEquals(wantDw, dw.toFloatArray());
            } else {
                double[] want = new double[g.outputSize()];
                k.adderConv2d(g, x.contiguous().toDoubleArray(), 0, w.toDoubleArray(), 0, want, 0, Parallel.of(1));
                assertArrayEquals(want, y.toDoubleArray());
            }
        }
    }

    @Test
    void linearIsTheDefinition() {
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            int n = 37, k = 19, o = 6;
            Tensor x = randn(4, dtype, k, n).t();                       // a transposed view
            Tensor w = randn(5, dtype, o, k);
            Tensor dy = randn(6, dtype, n, o);
            Tensor y = Adder.linear(x, w);
            Tensor dx = Adder.linearBackwardInput(dy, x, w, AdderInputGradient.HARDTANH);
            Tensor dw = Adder.linearBackwardWeight(dy, x, w, AdderWeightGradient.FULL_PRECISION);
            Tensor dxSign = Adder.linearBackwardInput(dy, x, w, AdderInputGradient.SIGN);
            Tensor dwSign = Adder.linearBackwardWeight(dy, x, w, AdderWeightGradient.SIGN);
            assertArrayEquals(new int[] {n, o}, y.shape());
            double tol = dtype == DType.FLOAT32 ? 1e-4 : 1e-11;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < o; j++) {
                    double s = 0;
                    for (int q = 0; q < k; q++) {
                        s -= Math.abs(x.getDouble(i, q) - w.getDouble(j, q));
                    }
                    assertEquals(s, y.getDouble(i, j), tol * k, "y[" + i + ", " + j + "]");
                }
            }
            for (int i = 0; i < n; i++) {
                for (int q = 0; q < k; q++) {
                    double s = 0, sSign = 0;
                    for (int j = 0; j < o; j++) {
                        double d = w.getDouble(j, q) - x.getDouble(i, q);
                        s += dy.getDouble(i, j) * Math.max(-1, Math.min(1, d));
                        sSign += dy.getDouble(i, j) * Math.signum(d);
                    }
                    assertEquals(s, dx.getDouble(i, q), tol * o, "dx[" + i + ", " + q + "]");
                    assertEquals(sSign, dxSign.getDouble(i, q), tol * o, "dx sign[" + i + ", " + q + "]");
                }
            }
            for (int j = 0; j < o; j++) {
                for (int q = 0; q < k; q++) {
                    double s = 0, sSign = 0;
                    for (int i = 0; i < n; i++) {
                        double d = x.getDouble(i, q) - w.getDouble(j, q);
                        s += dy.getDouble(i, j) * d;
                        sSign += dy.getDouble(i, j) * Math.signum(d);
                    }
                    assertEquals(s, dw.getDouble(j, q), tol * n, "dw[" + j + ", " + q + "]");
                    assertEquals(sSign, dwSign.getDouble(j, q), tol * n, "dw sign[" + j + ", " + q + "]");
                }
            }
        }
    }

    @Test
    void linearIsTheOneByOneConvolution() {
        Tensor x = randn(7, DType.FLOAT32, 5, 11);
        Tensor w = randn(8, DType.FLOAT32, 3, 11);
        Tensor viaConv = Adder.conv2d(x.reshape(5, 11, 1, 1), w.reshape(3, 11, 1, 1), ConvOptions.DEFAULT);
        assertArrayEquals(viaConv.reshape(5, 3).toFloatArray(), Adder.linear(x, w).toFloatArray(), 1e-5f);
    }

    @Test
    void badInputIsRefusedWithTheOpAndShapes() {
        Tensor x = randn(1, DType.FLOAT32, 2, 3, 8, 8);
        Tensor w = randn(2, DType.FLOAT32, 4, 3, 3, 3);
        Tensor dy = randn(3, DType.FLOAT32, 2, 4, 8, 8);
        ConvOptions same = ConvOptions.of(1, 1);
        expect(() -> Adder.conv2d(x, randn(2, DType.FLOAT32, 4, 2, 3, 3), same),
                "adderConv2d: weight [4, 2, 3, 3] expects 2 input channels but input [2, 3, 8, 8] has 3");
        expect(() -> Adder.conv2d(x, w, same.withGroups(3)), "adderConv2d: groups must be 1");
        expect(() -> Adder.conv2d(x.to(DType.INT32), w, same), "adderConv2d: input must be FLOAT32 or FLOAT64");
        expect(() -> Adder.conv2d(x, w.to(DType.FLOAT64), same), "adderConv2d: weight has dtype FLOAT64");
        expect(() -> Adder.conv2d(x.reshape(6, 8, 8), w, same), "adderConv2d: input must be 4-D");
        expect(() -> Adder.conv2d(x, w, ConvOptions.of(1, 0).withDilation(5)), "adderConv2d: output size");
        expect(() -> Adder.conv2dBackwardInput(randn(3, DType.FLOAT32, 2, 4, 7, 8), x, w, AdderInputGradient.SIGN,
                same), "adderConv2dBackwardInput: grad output shape [2, 4, 7, 8] must equal the output shape"
                + " [2, 4, 8, 8] of input [2, 3, 8, 8] and weight [4, 3, 3, 3]");
        expect(() -> Adder.conv2dBackwardInput(dy, x, w, null, same),
                "adderConv2dBackwardInput: the input gradient rule must not be null");
        expect(() -> Adder.conv2dBackwardWeight(dy.to(DType.FLOAT64), x, w, AdderWeightGradient.SIGN, same),
                "adderConv2dBackwardWeight: grad output has dtype FLOAT64");
        expect(() -> Adder.linear(randn(1, DType.FLOAT32, 4, 5), randn(1, DType.FLOAT32, 3, 6)),
                "adderLinear: input [4, 5] has 5 features but weight [3, 6] expects 6");
        expect(() -> Adder.linearBackwardWeight(randn(1, DType.FLOAT32, 4, 2), randn(1, DType.FLOAT32, 4, 5),
                randn(1, DType.FLOAT32, 3, 5), AdderWeightGradient.FULL_PRECISION),
                "adderLinearBackwardWeight: grad output shape [4, 2] must equal the output shape [4, 3]");
    }

    private static void expect(Executable call, String messageStart) {
        TensorException e = assertThrows(TensorException.class, call);
        assertTrue(e.getMessage().startsWith(messageStart), () -> "message was: " + e.getMessage());
    }
}
