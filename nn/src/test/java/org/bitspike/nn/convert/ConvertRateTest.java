package org.bitspike.nn.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.bitspike.nn.Conv2d;
import org.bitspike.nn.Layers;
import org.bitspike.nn.Linear;
import org.bitspike.nn.Pooling;
import org.bitspike.nn.Sequential;
import org.bitspike.tensor.Convolution.ConvOptions;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Firing rates approach the ANN's activations as T grows. With one hidden stage and one-step propagation the hidden IF
 * neuron gets the constant current {@code c = a / lambda} in [0, 1] (p = 100 on a calibration set holding the test
 * images, so nothing is clipped), fires {@code floor(T c)} times in T steps (reset by subtraction keeps
 * {@code 0 <= V < 1}), so {@code |lambda rate - relu(a)| < lambda / T}; the output, {@code W_out lambda rate}, is then
 * within {@code sum_j |W_out[i, j]| lambda / T} of the ANN's logit.
 */
class ConvertRateTest {
    private static final RandomKey KEY = RandomKey.of(1403);
    private static final double ROUNDING = 1e-9;

    @Test
    void oneHiddenLayerRatesAreWithinThresholdOverTOfTheRelu() {
        Linear hidden = ConvertFixtures.randomLinear(5, 7, 0.6, KEY.fold(1));
        Linear out = ConvertFixtures.randomLinear(7, 3, 0.6, KEY.fold(2));
        Sequential model = new Sequential(hidden, Layers.relu(), out);
        Tensor x = Tensor.randn(KEY.fold(3), DType.FLOAT64, 16, 5);
        checkBound(model, x, hidden, out.weight().value());
    }

    @Test
    void poolBeforeReluConvolutionMeetsTheSameBound() {
        Conv2d conv = new Conv2d(2, 3, 3, ConvOptions.of(1, 1), false, DType.FLOAT64, KEY.fold(4));
        Linear out = ConvertFixtures.randomLinear(3 * 2 * 2, 4, 0.5, KEY.fold(5));
        // the design of digest 4.5 (a): average pooling before the ReLU, so the neurons sit after the pooling
        Sequential model = new Sequential(conv, Pooling.avg(2), Layers.relu(), Layers.flatten(), out);
        Tensor x = Tensor.randn(KEY.fold(6), DType.FLOAT64, 6, 2, 4, 4);
        Sequential preActivation = new Sequential(conv, Pooling.avg(2), Layers.flatten());
        checkStage(model, x, preActivation, out.weight().value());
    }

    @Test
    void poolAfterReluAveragesTheSpikesAndMeetsTheBound() {
        Conv2d conv = new Conv2d(2, 3, 3, ConvOptions.of(1, 1), false, DType.FLOAT64, KEY.fold(7));
        Linear out = ConvertFixtures.randomLinear(3 * 2 * 2, 4, 0.5, KEY.fold(8));
        // pooling after the ReLU: the next stage's synapses read the average of the spikes, a mean of per-neuron
        // errors each below lambda / T, so the output bound stands
        Sequential model = new Sequential(conv, Layers.relu(), Pooling.avg(2), Layers.flatten(), out);
        Tensor x = Tensor.randn(KEY.fold(9), DType.FLOAT64, 6, 2, 4, 4);
        checkStage(model, x, new Sequential(conv, Layers.flatten()), out.weight().value());
    }

    private static void checkBound(Sequential model, Tensor x, Linear hidden, Tensor outWeight) {
        checkStage(model, x, new Sequential(hidden), outWeight);
    }

    /** {@code pre}: the source layers up to (not including) the ReLU, flattened to {@code [N, features]}. */
    private static void checkStage(Sequential model, Tensor x, Sequential pre, Tensor outWeight) {
        ConversionOptions options = ConversionOptions.defaults().withPercentile(100).withPropagation(Propagation.ONE_STEP);
        SpikingNetwork snn = Converter.convert(model, List.of(x), options);
        double lambda = snn.scales().lambda(0);
        double[] a = ConvertFixtures.ann(pre, x).relu().toDoubleArray();
        double max = 0;
        for (double v : a) {
            max = Math.max(max, v);
        }
        assertEquals(max, lambda, 1e-12, "p = 100 is the largest ReLU output of the calibration set");
        double[] ann = ConvertFixtures.ann(model, x).toDoubleArray();
        int classes = outWeight.size(0);
        double[] rowNorm = outWeight.abs().sum(1, false).toDoubleArray();
        double previousError = Double.POSITIVE_INFINITY;
        for (int steps : new int[] {4, 16, 64, 256}) {
            Simulation sim = snn.simulate(x, steps);
            double[] counts = sim.spikeCounts(0).reshape(x.size(0), -1).toDoubleArray();
            assertEquals(a.length, counts.length);
            for (int i = 0; i < a.length; i++) {
                double rate = counts[i] / steps;
                assertEquals(Math.floor(steps * a[i] / lambda + ROUNDING), counts[i], "neuron " + i + " at T = " + steps);
                assertTrue(Math.abs(lambda * rate - a[i]) <= lambda / steps + ROUNDING,
                        "neuron " + i + " at T = " + steps + ": lambda rate " + lambda * rate + " vs relu " + a[i]);
            }
            double[] logits = sim.logits(steps - 1).toDoubleArray();
            double error = 0;
            for (int i = 0; i < ann.length; i++) {
                double bound = rowNorm[i % classes] * lambda / steps + ROUNDING;
                assertTrue(Math.abs(logits[i] - ann[i]) <= bound, "logit " + i + " at T = " + steps + ": "
                        + logits[i] + " vs ANN " + ann[i] + ", bound " + bound);
                error = Math.max(error, Math.abs(logits[i] - ann[i]));
            }
            assertTrue(error <= previousError, "the error shrinks with T");
            previousError = error;
        }
        assertArrayEquals(new int[] {256, x.size(0), classes}, snn.simulate(x, 256).accumulated().shape());
    }

    @Test
    void deeperNetworkPredictsLikeTheAnnAtLargeT() {
        Linear l1 = ConvertFixtures.randomLinear(6, 16, 0.5, KEY.fold(10));
        Linear l2 = ConvertFixtures.randomLinear(16, 16, 0.35, KEY.fold(11));
        Linear l3 = ConvertFixtures.randomLinear(16, 4, 0.35, KEY.fold(12));
        Sequential model = new Sequential(l1, Layers.relu(), l2, Layers.relu(), l3);
        Tensor x = Tensor.randn(KEY.fold(13), DType.FLOAT64, 32, 6);
        SpikingNetwork snn = Converter.convert(model, List.of(x), ConversionOptions.defaults().withPercentile(100));
        double[] ann = ConvertFixtures.ann(model, x).toDoubleArray();
        double scale = 0;
        for (double v : ann) {
            scale = Math.max(scale, Math.abs(v));
        }
        Simulation sim = snn.simulate(x, 1000);
        double early = maxError(sim.logits(49).toDoubleArray(), ann);
        double late = maxError(sim.logits(999).toDoubleArray(), ann);
        assertTrue(late < early, "error at T = 1000 (" + late + ") below T = 50 (" + early + ")");
        assertTrue(late <= 0.05 * scale, "error at T = 1000: " + late + " of logits up to " + scale);
    }

    private static double maxError(double[] a, double[] b) {
        double e = 0;
        for (int i = 0; i < a.length; i++) {
            e = Math.max(e, Math.abs(a[i] - b[i]));
        }
        return e;
    }
}
