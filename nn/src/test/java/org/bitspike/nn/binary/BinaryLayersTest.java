package org.bitspike.nn.binary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bitspike.autograd.GradCheck;
import org.bitspike.autograd.Var;
import org.bitspike.nn.Sequential;
import org.bitspike.nn.binary.BinaryOptions.PadValue;
import org.bitspike.nn.binary.BinaryOptions.Scaling;
import org.bitspike.nn.binary.Quantizer.MagnitudeAwareSign.ScaleGradient;
import org.bitspike.tensor.Convolution.ConvOptions;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.bitspike.testing.Nd;
import org.junit.jupiter.api.Test;

/**
 * BinaryConv2d and BinaryLinear against a naive reference (quantize, pad explicitly with the pad
 * value, correlate in double, scale, add the bias), the pad values on a hand-computed case, the
 * gradient path through the quantizers' pseudo-gradients, clipping, binary-ness and errors.
 */
class BinaryLayersTest {
    private static final double TOL = 1e-10;

    /** The smooth function behind ApproxSign as a quantizer: a differentiable stand-in for gradient checks. */
    record SmoothApproxSign() implements Quantizer {
        @Override
        public Var apply(Var x) {
            return Quantizer.approxSign().smoothFunction().apply(x);
        }

        @Override
        public Outputs outputs() {
            return Outputs.REAL;
        }
    }

    // ------------------------------------------------------------------ naive reference

    /** The quantizer applied from its definition ({@link BinaryOpTable}), on the logical values of {@code t}. */
    private static Nd quantize(Quantizer q, Tensor t) {
        Nd x = Nd.of(t);
        if (q instanceof Quantizer.Identity) {
            return x;
        }
        if (q instanceof Quantizer.MagnitudeAwareSign) {
            return BinaryOpTable.magnitudeAware(x);
        }
        return x.map(v -> BinaryOpTable.quantize(q, v));
    }

    /** The layer's forward computed naively in double from its parameters. */
    private static Nd naiveConv(BinaryConv2d layer, Tensor x) {
        BinaryOptions b = layer.binaryOptions();
        ConvOptions o = layer.options();
        Nd xq = quantize(b.input(), x);
        Nd wq = quantize(b.kernel(), layer.weight().value());
        Map<String, Var> p = layer.namedParameters();
        int n = xq.shape()[0], c = xq.shape()[1], h = xq.shape()[2], w = xq.shape()[3];
        int out = wq.shape()[0], k = wq.shape()[2];
        int ph = o.padH(), pw = o.padW(), s = o.strideH();
        int hp = h + 2 * ph, wp = w + 2 * pw;
        double[] padded = new double[n * c * hp * wp];
        java.util.Arrays.fill(padded, b.padValue().value());
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < h; y++) {
                    for (int z = 0; z < w; z++) {
                        padded[((i * c + ch) * hp + y + ph) * wp + z + pw] = xq.get(i, ch, y, z);
                    }
                }
            }
        }
        int ho = (hp - k) / s + 1, wo = (wp - k) / s + 1;
        double[] alpha = scale(layer.binaryOptions().scaling(), Nd.of(layer.weight().value()), p.get("scale"));
        double[] y = new double[n * out * ho * wo];
        for (int i = 0; i < n; i++) {
            for (int oc = 0; oc < out; oc++) {
                for (int r = 0; r < ho; r++) {
                    for (int q = 0; q < wo; q++) {
                        double acc = 0;
                        for (int ch = 0; ch < c; ch++) {
                            for (int u = 0; u < k; u++) {
                                for (int v = 0; v < k; v++) {
                                    acc += padded[((i * c + ch) * hp + r * s + u) * wp + q * s + v] * wq.get(oc, ch, u, v);
                                }
                            }
                        }
                        double bias = p.containsKey("bias") ? p.get("bias").value().toDoubleArray()[oc] : 0;
                        y[((i * out + oc) * ho + r) * wo + q] = acc * alpha[oc] + bias;
                    }
                }
            }
        }
        return new Nd(new int[] {n, out, ho, wo}, y);
    }

    private static double[] scale(Scaling scaling, Nd w, Var learned) {
        int out = w.shape()[0];
        int per = w.numel() / out;
        double[] alpha = new double[out];
        for (int o = 0; o < out; o++) {
            for (int j = 0; j < per; j++) {
                alpha[o] += Math.abs(w.data()[o * per + j]) / per;
            }
            alpha[o] = switch (scaling) {
                case NONE -> 1;
                case PER_CHANNEL -> alpha[o];
                case LEARNED -> learned.value().toDoubleArray()[o];
            };
        }
        return alpha;
    }

    private static void assertClose(Nd want, Tensor got, String where) {
        assertArrayEquals(want.shape(), got.shape(), where);
        double[] g = got.toDoubleArray();
        for (int i = 0; i < g.length; i++) {
            assertEquals(want.data()[i], g[i], TOL * (1 + Math.abs(want.data()[i])), where + " element " + i);
        }
    }

    /** Gives the learned scale and the bias values no default would have, so the forward must read them. */
    private static void randomizeExtras(BinaryConv2d layer, Random rnd) {
        for (String name : List.of("scale", "bias")) {
            Var v = layer.namedParameters().get(name);
            if (v != null) {
                double[] d = new double[v.numel()];
                for (int i = 0; i < d.length; i++) {
                    d[i] = 0.2 + rnd.nextDouble();
                }
                v.value().copy_(Tensor.of(d, d.length));
            }
        }
    }

    /** A FLOAT64 input with exact +0 and -0 at its start (sign +1 by the sign rule). */
    private static Tensor input(RandomKey key, int... shape) {
        Tensor x = Tensor.randn(key, DType.FLOAT64, shape).contiguous();
        double[] d = x.toDoubleArray();
        d[0] = 0;
        d[1] = -0.0;
        return Tensor.of(d, shape);
    }

    // ------------------------------------------------------------------ forward

    @Test
    void convForwardEqualsTheFloatConvolutionOfTheQuantizedTensorsScaled() {
        Random rnd = new Random(1307);
        List<Quantizer> inputs = List.of(Quantizer.steSign(1), Quantizer.approxSign(), Quantizer.steHeaviside(1),
                Quantizer.doReFa(2), Quantizer.identity());
        List<Quantizer> kernels = List.of(Quantizer.steSign(1), Quantizer.magnitudeAwareSign(1, ScaleGradient.DETACHED),
                Quantizer.identity(), Quantizer.swishSign(5));
        int checked = 0;
        for (int trial = 0; trial < 60; trial++) {
            Quantizer in = inputs.get(rnd.nextInt(inputs.size()));
            PadValue pad = PadValue.values()[rnd.nextInt(3)];
            if (!in.outputs().admits(pad.value())) {
                continue;
            }
            BinaryOptions opts = BinaryOptions.DEFAULT.withInput(in).withKernel(kernels.get(rnd.nextInt(kernels.size())))
                    .withScaling(Scaling.values()[rnd.nextInt(3)]).withPadValue(pad).withBias(rnd.nextBoolean());
            int k = 1 + 2 * rnd.nextInt(2);
            ConvOptions conv = ConvOptions.of(1 + rnd.nextInt(2), rnd.nextInt(3));
            BinaryConv2d layer = new BinaryConv2d(3, 4, k, conv, opts, DType.FLOAT64, RandomKey.of(trial));
            randomizeExtras(layer, rnd);
            Tensor x = input(RandomKey.of(100 + trial), 2, 3, 5, 6);
            String where = layer.toString();
            assertClose(naiveConv(layer, x), layer.forward(Var.of(x)).value(), where);
            checked++;
        }
        assertTrue(checked >= 40, "only " + checked + " configurations");
    }

    @Test
    void float32ConvMatchesTheFloat64Reference() {
        BinaryOptions opts = BinaryOptions.xnor().withPadValue(PadValue.MINUS_ONE);
        BinaryConv2d layer = new BinaryConv2d(3, 5, 3, ConvOptions.of(1, 1), opts, RandomKey.of(4));
        Tensor x = input(RandomKey.of(5), 2, 3, 4, 4);
        Tensor got = layer.forward(Var.of(x.to(DType.FLOAT32))).value();
        assertEquals(DType.FLOAT32, got.dtype());
        layer.to(DType.FLOAT64);
        Nd want = naiveConv(layer, x);
        double[] g = got.toDoubleArray();
        for (int i = 0; i < g.length; i++) {
            assertEquals(want.data()[i], g[i], 1e-5 * (1 + Math.abs(want.data()[i])), "element " + i);
        }
    }

    /** A strided view (an NHWC tensor permuted to NCHW, offset by a narrow) gives what its contiguous copy gives. */
    @Test
    void aStridedInputViewGivesWhatItsContiguousCopyGives() {
        BinaryConv2d conv = new BinaryConv2d(3, 4, 3, ConvOptions.of(2, 1),
                BinaryOptions.xnor().withPadValue(PadValue.MINUS_ONE).withBias(true), DType.FLOAT64, RandomKey.of(3));
        Tensor view = input(RandomKey.of(4), 2, 7, 6, 3).permute(0, 3, 1, 2).narrow(2, 1, 5);
        assertFalse(view.isContiguous());
        assertArrayEquals(conv.forward(Var.of(view.contiguous())).value().toDoubleArray(),
                conv.forward(Var.of(view)).value().toDoubleArray());
        BinaryLinear linear = new BinaryLinear(5, 3, BinaryOptions.xnor(), DType.FLOAT64, RandomKey.of(5));
        Tensor t = input(RandomKey.of(6), 5, 4).t();
        assertArrayEquals(linear.forward(Var.of(t.contiguous())).value().toDoubleArray(),
                linear.forward(Var.of(t)).value().toDoubleArray());
    }

    /**
     * An all-ones input under a 3x3 all-(+1) kernel with padding 1: the corner sees 4 ones and 5 pad
     * values, the edge 6 and 3, the centre 9 and none.
     */
    @Test
    void padValuesAreHonoured() {
        double[][] want = {{9, 9, 9}, {-1, 3, 9}, {4, 6, 9}}; // PLUS_ONE, MINUS_ONE, ZERO: corner, edge, centre
        for (PadValue pad : PadValue.values()) {
            BinaryConv2d layer = new BinaryConv2d(1, 1, 3, ConvOptions.of(1, 1), BinaryOptions.DEFAULT.withPadValue(pad),
                    DType.FLOAT64, RandomKey.of(1));
            layer.weight().value().copy_(Tensor.full(DType.FLOAT64, 0.5, 1, 1, 3, 3));
            double[] y = layer.forward(Var.of(Tensor.full(DType.FLOAT64, 0.3, 1, 1, 3, 3))).value().toDoubleArray();
            double[] expected = want[pad.ordinal()];
            assertEquals(expected[0], y[0], pad + " corner");
            assertEquals(expected[1], y[1], pad + " edge");
            assertEquals(expected[2], y[4], pad + " centre");
        }
    }

    @Test
    void linearForwardEqualsTheProductOfTheQuantizedTensorsScaled() {
        Random rnd = new Random(11);
        for (Scaling scaling : Scaling.values()) {
            for (boolean bias : new boolean[] {false, true}) {
                BinaryOptions opts = BinaryOptions.DEFAULT.withScaling(scaling).withBias(bias)
                        .withKernel(Quantizer.magnitudeAwareSign(1, ScaleGradient.INCLUDED));
                BinaryLinear layer = new BinaryLinear(7, 3, opts, DType.FLOAT64, RandomKey.of(3));
                for (String name : List.of("scale", "bias")) {
                    Var v = layer.namedParameters().get(name);
                    if (v != null) {
                        v.value().copy_(Tensor.of(new double[] {0.5 + rnd.nextDouble(), -0.25, 2}, 3));
                    }
                }
                Tensor x = input(RandomKey.of(9), 4, 7);
                Nd xq = quantize(opts.input(), x);
                Nd wq = BinaryOpTable.magnitudeAware(Nd.of(layer.weight().value()));
                double[] alpha = scale(scaling, Nd.of(layer.weight().value()), layer.namedParameters().get("scale"));
                double[] y = new double[4 * 3];
                for (int i = 0; i < 4; i++) {
                    for (int o = 0; o < 3; o++) {
                        double acc = 0;
                        for (int j = 0; j < 7; j++) {
                            acc += xq.get(i, j) * wq.get(o, j);
                        }
                        y[i * 3 + o] = acc * alpha[o] + (bias ? layer.namedParameters().get("bias").value().toDoubleArray()[o] : 0);
                    }
                }
                assertClose(new Nd(new int[] {4, 3}, y), layer.forward(Var.of(x)).value(), layer.toString());
            }
        }
    }

    // ------------------------------------------------------------------ gradients

    /** With a smooth stand-in for both quantizers the whole layer is differentiable: gradcheck in FLOAT64. */
    @Test
    void gradientsReachLatentWeightsScaleAndBiasThroughASmoothQuantizer() {
        BinaryOptions smooth = BinaryOptions.DEFAULT.withInput(new SmoothApproxSign()).withKernel(new SmoothApproxSign())
                .withBias(true);
        GradCheck.Options options = GradCheck.Options.defaults().withTolerance(1e-7, 1e-5);
        for (Scaling scaling : Scaling.values()) {
            for (PadValue pad : PadValue.values()) {
                BinaryConv2d layer = new BinaryConv2d(2, 2, 3, ConvOptions.of(1, 1),
                        smooth.withScaling(scaling).withPadValue(pad), DType.FLOAT64, RandomKey.of(8));
                Tensor x = Tensor.randn(RandomKey.of(2), DType.FLOAT64, 1, 2, 4, 4).mul(0.8);
                List<String> names = new ArrayList<>(layer.namedParameters().keySet());
                Tensor[] inputs = new Tensor[1 + names.size()];
                inputs[0] = x;
                for (int i = 0; i < names.size(); i++) {
                    inputs[1 + i] = layer.namedParameters().get(names.get(i)).value().add(0.0);
                }
                GradCheck.check("BinaryConv2d " + scaling + " " + pad, v -> {
                    Map<String, Var> replaced = new java.util.LinkedHashMap<>();
                    for (int i = 0; i < names.size(); i++) {
                        replaced.put(names.get(i), v[1 + i]);
                    }
                    return layer.forwardWith(replaced, v[0]);
                }, options, inputs);
            }
            BinaryLinear linear = new BinaryLinear(5, 3, smooth.withScaling(scaling), DType.FLOAT64, RandomKey.of(6));
            List<String> names = new ArrayList<>(linear.namedParameters().keySet());
            Tensor[] inputs = new Tensor[1 + names.size()];
            inputs[0] = Tensor.randn(RandomKey.of(7), DType.FLOAT64, 2, 5).mul(0.8);
            for (int i = 0; i < names.size(); i++) {
                inputs[1 + i] = linear.namedParameters().get(names.get(i)).value().add(0.0);
            }
            GradCheck.check("BinaryLinear " + scaling, v -> {
                Map<String, Var> replaced = new java.util.LinkedHashMap<>();
                for (int i = 0; i < names.size(); i++) {
                    replaced.put(names.get(i), v[1 + i]);
                }
                return linear.forwardWith(replaced, v[0]);
            }, options, inputs);
        }
    }

    /**
     * With the real SteSign quantizers and the differentiated XNOR scale, the latent weights'
     * gradient is the gradient at the binary kernel times the STE window 1[|W| <= 1], plus the
     * scale's own term; the input's is the gradient at the binary input times 1[|x| <= 1].
     */
    @Test
    void steGradientsAreTheChainRuleThroughTheQuantizersPseudoGradient() {
        BinaryConv2d layer = new BinaryConv2d(2, 3, 3, ConvOptions.of(1, 1),
                BinaryOptions.xnor().withPadValue(PadValue.PLUS_ONE), DType.FLOAT64, RandomKey.of(21));
        Tensor w = Tensor.randn(RandomKey.of(22), DType.FLOAT64, 3, 2, 3, 3);
        layer.weight().value().copy_(w); // about a third of |w| > 1: outside the window
        Tensor xValue = Tensor.randn(RandomKey.of(23), DType.FLOAT64, 2, 2, 4, 5);
        Tensor r = Tensor.randn(RandomKey.of(24), DType.FLOAT64, 2, 3, 4, 5);
        Var x = Var.withGrad(xValue);
        layer.forward(x).mul(Var.of(r)).sum().backward();

        Var xb = Var.withGrad(Quantizer.sign(xValue));
        Var wb = Var.withGrad(Quantizer.sign(w));
        Var latent = Var.withGrad(w);
        Var alpha = latent.abs().mean(new int[] {1, 2, 3}, false).reshape(1, 3, 1, 1);
        Var side = Var.of(Tensor.full(DType.FLOAT64, 1, 2, 2, 4, 1));
        Var band = Var.of(Tensor.full(DType.FLOAT64, 1, 2, 2, 1, 7));
        Var padded = Var.cat(2, band, Var.cat(3, side, xb, side), band); // explicit +1 padding
        padded.conv2d(wb, null, ConvOptions.DEFAULT).mul(alpha).mul(Var.of(r)).sum().backward();
        Tensor wantW = wb.grad().value().mul(w.abs().le(1.0).to(DType.FLOAT64)).add(latent.grad().value());
        Tensor wantX = xb.grad().value().mul(xValue.abs().le(1.0).to(DType.FLOAT64));
        assertClose(Nd.of(wantW), layer.weight().grad().value(), "weight gradient");
        assertClose(Nd.of(wantX), x.grad().value(), "input gradient");
        assertTrue(w.abs().gt(1.0).to(DType.FLOAT64).sum().itemDouble() > 0, "some latent weights lie outside the window");
        assertTrue(xValue.abs().gt(1.0).to(DType.FLOAT64).sum().itemDouble() > 0, "some inputs lie outside the window");
    }

    // ------------------------------------------------------------------ clipping, binary-ness, names

    @Test
    void clipLatentWeightsClampsToPlusMinusOneWhenAskedAndTheKernelIsQuantized() {
        Tensor wild = Tensor.of(new double[] {-3, -1, -0.5, 0, 0.5, 1, 2, 7}, 2, 4);
        BinaryLinear clipped = new BinaryLinear(4, 2, BinaryOptions.DEFAULT, DType.FLOAT64, RandomKey.of(1));
        BinaryLinear notAsked = new BinaryLinear(4, 2, BinaryOptions.DEFAULT.withClipLatent(false), DType.FLOAT64,
                RandomKey.of(1));
        BinaryLinear unquantized = new BinaryLinear(4, 2, BinaryOptions.DEFAULT.withKernel(Quantizer.identity()),
                DType.FLOAT64, RandomKey.of(1));
        BinaryConv2d conv = new BinaryConv2d(1, 1, 1, ConvOptions.DEFAULT, BinaryOptions.DEFAULT, DType.FLOAT64,
                RandomKey.of(1));
        Tensor wildConv = Tensor.of(new double[] {-4}, 1, 1, 1, 1);
        for (BinaryLinear l : List.of(clipped, notAsked, unquantized)) {
            l.weight().value().copy_(wild);
        }
        conv.weight().value().copy_(wildConv);
        BinaryLayer.clipLatentWeights(new Sequential(clipped, notAsked, unquantized, conv));
        assertArrayEquals(new double[] {-1, -1, -0.5, 0, 0.5, 1, 1, 1}, clipped.weight().value().toDoubleArray());
        assertArrayEquals(wild.toDoubleArray(), notAsked.weight().value().toDoubleArray());
        assertArrayEquals(wild.toDoubleArray(), unquantized.weight().value().toDoubleArray());
        assertArrayEquals(new double[] {-1}, conv.weight().value().toDoubleArray());
    }

    /** The zoo's split: quantized latent weights to Bop (once they are +-1), the rest to a float optimiser. */
    @Test
    void latentWeightsAreTheQuantizedKernelsInTreeOrderAndBopAcceptsTheirSigns() {
        RandomKey key = RandomKey.of(12);
        BinaryConv2d first = new BinaryConv2d(1, 2, 3, ConvOptions.of(1, 1), BinaryOptions.DEFAULT, key.fold(1));
        BinaryConv2d unquantized = new BinaryConv2d(2, 2, 1, ConvOptions.DEFAULT,
                BinaryOptions.DEFAULT.withKernel(Quantizer.identity()), key.fold(2));
        BinaryLinear last = new BinaryLinear(8, 3, BinaryOptions.xnor().withScaling(Scaling.LEARNED), key.fold(3));
        Sequential model = new Sequential(first, unquantized, new org.bitspike.nn.Conv2d(2, 2, 1, 1, 0, false, key.fold(4)),
                org.bitspike.nn.Layers.flatten(), last);
        List<Var> latent = BinaryLayer.latentWeights(model);
        assertEquals(2, latent.size());
        assertSame(first.weight(), latent.get(0));
        assertSame(last.weight(), latent.get(1));
        assertThrows(IllegalArgumentException.class, () -> org.bitspike.nn.optim.Bop.of(latent), "real latent weights");
        for (Var w : latent) {
            w.value().copy_(Quantizer.sign(w.value()));
        }
        assertEquals(2, org.bitspike.nn.optim.Bop.of(latent).groups().get(0).params().size());
    }

    @Test
    void purelyBinaryOnlyWhenEveryMultiplyIsBinary() {
        ConvOptions padded = ConvOptions.of(1, 1);
        ConvOptions unpadded = ConvOptions.of(1, 0);
        RandomKey key = RandomKey.of(3);
        assertFalse(new BinaryConv2d(2, 2, 3, padded, BinaryOptions.DEFAULT, key).isPurelyBinary(), "+-1 input, zero pad");
        assertTrue(new BinaryConv2d(2, 2, 3, unpadded, BinaryOptions.DEFAULT, key).isPurelyBinary(), "no padding");
        assertTrue(new BinaryConv2d(2, 2, 3, padded, BinaryOptions.DEFAULT.withPadValue(PadValue.PLUS_ONE), key)
                .isPurelyBinary());
        assertTrue(new BinaryConv2d(2, 2, 3, padded, BinaryOptions.xnor().withPadValue(PadValue.MINUS_ONE)
                .withKernel(Quantizer.magnitudeAwareSign(1, ScaleGradient.DETACHED)), key).isPurelyBinary());
        BinaryOptions heaviside = BinaryOptions.DEFAULT.withInput(Quantizer.steHeaviside(1));
        assertTrue(new BinaryConv2d(2, 2, 3, padded, heaviside, key).isPurelyBinary(), "{0, 1} input, zero pad");
        assertFalse(new BinaryConv2d(2, 2, 3, unpadded, BinaryOptions.DEFAULT.withInput(Quantizer.identity()), key)
                .isPurelyBinary(), "real input");
        assertFalse(new BinaryConv2d(2, 2, 3, unpadded, BinaryOptions.DEFAULT.withInput(Quantizer.doReFa(2)), key)
                .isPurelyBinary(), "2-bit input");
        assertTrue(new BinaryLinear(3, 2, BinaryOptions.DEFAULT, key).isPurelyBinary());
        assertFalse(new BinaryLinear(3, 2, BinaryOptions.DEFAULT.withKernel(Quantizer.identity()), key).isPurelyBinary());
    }

    @Test
    void quantizerKindsParseByLabelAndCreateTheirDefaults() {
        for (QuantizerKind k : QuantizerKind.values()) {
            assertSame(k, QuantizerKind.parse(k.label()));
            assertSame(k, QuantizerKind.parse(k.name().toLowerCase(java.util.Locale.ROOT)));
        }
        assertEquals(Quantizer.steSign(1), QuantizerKind.STE_SIGN.create());
        assertEquals(Quantizer.swishSign(5), QuantizerKind.SWISH_SIGN.create());
        assertEquals(Quantizer.doReFa(2), QuantizerKind.DOREFA.create());
        assertEquals(Quantizer.magnitudeAwareSign(1, ScaleGradient.DETACHED), QuantizerKind.MAGNITUDE_AWARE_SIGN.create());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> QuantizerKind.parse("sgn"));
        assertMessage(e, "QuantizerKind.parse", "\"sgn\"", "ste_sign", "approx_sign", "dorefa");
    }

    // ------------------------------------------------------------------ errors

    @Test
    void errorsNameTheLayerTheValuesAndTheRule() {
        RandomKey key = RandomKey.of(1);
        ConvOptions padded = ConvOptions.of(1, 1);
        assertMessage(assertThrows(IllegalArgumentException.class, () -> new BinaryConv2d(2, 2, 3, padded,
                        BinaryOptions.DEFAULT.withInput(Quantizer.steHeaviside(1)).withPadValue(PadValue.MINUS_ONE), key)),
                "BinaryConv2d", "MINUS_ONE", "-1.0", "SteHeaviside", "HEAVISIDE", "pad value");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> new BinaryConv2d(2, 2, 3, padded,
                        BinaryOptions.DEFAULT.withInput(Quantizer.doReFa(2)).withPadValue(PadValue.MINUS_ONE), key)),
                "BinaryConv2d", "MINUS_ONE", "DoReFa(2 bits)", "LEVELS");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> new BinaryConv2d(3, 2, 3,
                        ConvOptions.of(1, 1).withGroups(2), BinaryOptions.DEFAULT, key)),
                "BinaryConv2d", "3 -> 2", "groups 2");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> new BinaryLinear(0, 2, BinaryOptions.DEFAULT, key)),
                "BinaryLinear", "0 -> 2", "positive");
        assertMessage(assertThrows(NullPointerException.class, () -> BinaryOptions.DEFAULT.withInput(null)),
                "BinaryOptions", "input quantizer is null", "identity");

        BinaryConv2d conv = new BinaryConv2d(3, 2, 3, padded, BinaryOptions.DEFAULT, key);
        assertMessage(assertThrows(RuntimeException.class, () -> conv.forward(Var.of(Tensor.zeros(1, 4, 5, 5)))),
                "BinaryConv2d", "[1, 4, 5, 5]", "[N, 3, H, W]");
        assertMessage(assertThrows(RuntimeException.class, () -> conv.forward(Var.of(Tensor.zeros(3, 5, 5)))),
                "BinaryConv2d", "[3, 5, 5]", "[N, 3, H, W]");
        BinaryLinear linear = new BinaryLinear(4, 2, BinaryOptions.DEFAULT, key);
        assertMessage(assertThrows(RuntimeException.class, () -> linear.forward(Var.of(Tensor.zeros(2, 5)))),
                "BinaryLinear", "[2, 5]", "[N, 4]");
    }

    private static void assertMessage(Throwable e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage() != null && e.getMessage().contains(p), "'" + p + "' missing from: " + e.getMessage());
        }
    }
}
