package org.bitspike.nn.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.bitspike.autograd.GradMode;
import org.bitspike.autograd.Var;
import org.bitspike.nn.Conv2d;
import org.bitspike.nn.Layers;
import org.bitspike.nn.Linear;
import org.bitspike.nn.Pooling;
import org.bitspike.nn.Sequential;
import org.bitspike.nn.binary.BinaryConv2d;
import org.bitspike.nn.binary.BinaryLinear;
import org.bitspike.nn.binary.BinaryOptions;
import org.bitspike.nn.binary.Quantizer;
import org.bitspike.tensor.Convolution.ConvOptions;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * A binary-weight source (XNOR-Net scale, first and last layer float) converted with +-1 synapses and the scale in the
 * threshold, {@code V_th,o = lambda_l / (lambda_{l-1} alpha_o)}, gives the spikes of the version with scaled synapses
 * {@code alpha_o sign(W) lambda_{l-1} / lambda_l} and threshold 1, spike for spike at every step.
 *
 * <p>Why exact: the binary stage's scales are chosen so that every factor is a power of two (alpha_o in {1/2, 1/4} from
 * latent weights of magnitude 1/2 or 1/4, lambda_0 = 2, lambda_1 = 4: synapse factors r_o = alpha_o / 2 in {1/4, 1/8},
 * thresholds 1 / r_o in {4, 8}). The scaled network's potentials are then exactly r_o times the unit network's (sums of
 * a few dyadic numbers, exact in FLOAT64), so every comparison {@code H >= theta} has the same outcome. The first stage
 * is float in both and identical. With arbitrary scales the two forms are equal in exact arithmetic only: a potential
 * within a rounding of the threshold could fire in one and not the other.
 */
class ConvertBinaryTest {
    private static final RandomKey KEY = RandomKey.of(1406);
    private static final int STEPS = 64;

    @Test
    void unitSynapsesWithScaledThresholdsFireLikeScaledSynapses() {
        Linear first = ConvertFixtures.randomLinear(4, 8, 0.8, KEY.fold(1));
        BinaryLinear binary = new BinaryLinear(8, 6, BinaryOptions.xnor().withInput(Quantizer.identity()), DType.FLOAT64,
                KEY.fold(2));
        double[] latent = new double[6 * 8];
        double[] u = Tensor.rand(KEY.fold(3), DType.FLOAT64, 6 * 8).toDoubleArray();
        for (int o = 0; o < 6; o++) {
            for (int i = 0; i < 8; i++) {
                double magnitude = o < 3 ? 0.5 : 0.25;
                latent[o * 8 + i] = u[o * 8 + i] < 0.7 ? magnitude : -magnitude; // mostly excitatory, so it fires
            }
        }
        binary.weight().value().copy_(Tensor.of(latent, 6, 8));
        Linear last = ConvertFixtures.randomLinear(6, 3, 0.5, KEY.fold(4));
        Sequential model = new Sequential(first, Layers.relu(), binary, Layers.relu(), last);
        Scales scales = new Scales(List.of("1", "3"), new double[] {2, 4});

        SpikingNetwork unit = Converter.convert(model, scales, ConversionOptions.defaults().withPropagation(Propagation.ONE_STEP));
        SpikingNetwork scaled = Converter.convert(model, scales, ConversionOptions.defaults()
                .withPropagation(Propagation.ONE_STEP).withBinarySynapses(BinarySynapses.SCALED));
        assertArrayEquals(new double[] {4, 4, 4, 8, 8, 8}, unit.thresholds(1));
        assertArrayEquals(new double[] {1, 1, 1, 1, 1, 1}, scaled.thresholds(1));
        for (double w : ((Linear) unit.synapses(1)).weight().value().toDoubleArray()) {
            assertEquals(1, Math.abs(w), 0, "unit synapses are +-1");
        }
        double[] s = ((Linear) scaled.synapses(1)).weight().value().toDoubleArray();
        for (int k = 0; k < s.length; k++) {
            assertEquals(k < 24 ? 0.25 : 0.125, Math.abs(s[k]), 0, "scaled synapse " + k);
        }

        Tensor x = Tensor.rand(KEY.fold(5), DType.FLOAT64, 16, 4).mul(2);
        double binarySpikes = sameSpikes(unit, scaled, x);
        assertTrue(binarySpikes > 100, "the binary stage fired " + binarySpikes + " spikes: the comparison means something");
    }

    /**
     * The same identity through convolutions with per-channel thresholds on {@code [N, C, H, W]}, zero padding and
     * average pooling before the ReLU (a division by 4: exact too). Latent weights of magnitude 1/2 (channels 0, 1) and
     * 1/4 (channels 2, 3); lambda_0 = 1, lambda_1 = 2: r_o = alpha_o / 2, thresholds {4, 4, 8, 8}.
     */
    @Test
    void binaryConvolutionWithPoolingFiresLikeScaledSynapses() {
        Conv2d first = new Conv2d(1, 3, 3, ConvOptions.of(1, 1), false, DType.FLOAT64, KEY.fold(20));
        BinaryConv2d binary = new BinaryConv2d(3, 4, 3, ConvOptions.of(1, 1), BinaryOptions.xnor()
                .withInput(Quantizer.identity()), DType.FLOAT64, KEY.fold(21));
        double[] u = Tensor.rand(KEY.fold(22), DType.FLOAT64, 4 * 27).toDoubleArray();
        double[] latent = new double[4 * 27];
        for (int k = 0; k < latent.length; k++) {
            double magnitude = k < 2 * 27 ? 0.5 : 0.25;
            latent[k] = u[k] < 0.75 ? magnitude : -magnitude;
        }
        binary.weight().value().copy_(Tensor.of(latent, 4, 3, 3, 3));
        Sequential model = new Sequential(first, Layers.relu(), binary, Pooling.avg(2), Layers.relu(), Layers.flatten(),
                ConvertFixtures.randomLinear(4 * 2 * 2, 3, 0.5, KEY.fold(23)));
        Scales scales = new Scales(List.of("1", "4"), new double[] {1, 2});
        ConversionOptions options = ConversionOptions.defaults(); // layer-delayed this time
        SpikingNetwork unit = Converter.convert(model, scales, options);
        SpikingNetwork scaled = Converter.convert(model, scales, options.withBinarySynapses(BinarySynapses.SCALED));
        assertArrayEquals(new double[] {4, 4, 8, 8}, unit.thresholds(1));
        Tensor x = Tensor.rand(KEY.fold(24), DType.FLOAT64, 5, 1, 4, 4).mul(2);
        double fired = sameSpikes(unit, scaled, x);
        assertTrue(fired > 50, "the binary stage fired " + fired + " spikes");
    }

    /** Steps both networks, asserting equal spikes and output currents at every step; the binary stage's spikes. */
    private static double sameSpikes(SpikingNetwork a, SpikingNetwork b, Tensor x) {
        a.resetState();
        b.resetState();
        double fired = 0;
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            for (int t = 0; t < STEPS; t++) {
                Tensor ya = a.forward(Var.of(x)).value();
                Tensor yb = b.forward(Var.of(x)).value();
                for (int l = 0; l < a.spikingStages(); l++) {
                    assertTrue(a.spikes(l).contentEquals(b.spikes(l)), "stage " + l + ", step " + t);
                }
                assertTrue(ya.contentEquals(yb), "output current at step " + t);
                fired += a.spikes(1).sum().itemDouble();
            }
        }
        return fired;
    }

    @Test
    void binaryNetworkFromCalibrationApproachesItsAnn() {
        Linear first = ConvertFixtures.randomLinear(5, 12, 0.6, KEY.fold(10));
        BinaryLinear binary = new BinaryLinear(12, 12, BinaryOptions.xnor().withInput(Quantizer.identity()),
                DType.FLOAT64, KEY.fold(11));
        Linear last = ConvertFixtures.randomLinear(12, 3, 0.5, KEY.fold(12));
        Sequential model = new Sequential(first, Layers.relu(), binary, Layers.relu(), last);
        Tensor x = Tensor.randn(KEY.fold(13), DType.FLOAT64, 24, 5);
        SpikingNetwork snn = Converter.convert(model, List.of(x), ConversionOptions.defaults().withPercentile(100)
                .withPropagation(Propagation.ONE_STEP));
        double[] ann = ConvertFixtures.ann(model, x).toDoubleArray();
        double[] logits = snn.simulate(x, 2000).logits(1999).toDoubleArray();
        double scale = 0;
        double error = 0;
        for (int i = 0; i < ann.length; i++) {
            scale = Math.max(scale, Math.abs(ann[i]));
            error = Math.max(error, Math.abs(ann[i] - logits[i]));
        }
        assertTrue(error <= 0.05 * scale, "binary SNN logits at T = 2000 within 5% of the ANN's range: " + error
                + " of " + scale);
    }
}
