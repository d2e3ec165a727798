package org.bitspike.nn.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bitspike.nn.BatchNorm;
import org.bitspike.nn.Conv2d;
import org.bitspike.nn.Dropout;
import org.bitspike.nn.Layers;
import org.bitspike.nn.Linear;
import org.bitspike.nn.Sequential;
import org.bitspike.nn.binary.BinaryConv2d;
import org.bitspike.nn.binary.BinaryOptions;
import org.bitspike.nn.binary.Quantizer;
import org.bitspike.tensor.Convolution.ConvOptions;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Percentile threshold balancing on data whose percentiles are computed by hand, and the weights it normalises. */
class ConvertBalancingTest {
    private static final RandomKey KEY = RandomKey.of(1404);

    /**
     * Identity layers: the ReLU sees the inputs themselves. Inputs -3, -1, 0, 1, 2, 3, 4, 5, 6, 10 (in two batches)
     * give ReLU outputs 0, 0, 0, 1, 2, 3, 4, 5, 6, 10 (n = 10): the p-th percentile sits at rank r = p / 100 * 9.
     * p = 50: r = 4.5, between 2 and 3: 2.5. p = 90: r = 8.1, 6 + 0.1 * (10 - 6) = 6.4. p = 99.7: r = 8.973,
     * 6 + 0.973 * 4 = 9.892. p = 100: 10. p = 20: r = 1.8, between two zeros: 0, refused. p = 35: r = 3.15, 1 + 0.15 = 1.15.
     */
    @Test
    void percentilesOfKnownActivationsAreTheHandComputedOnes() {
        Sequential model = new Sequential(ConvertFixtures.linear(1, 1, 1), Layers.relu(), ConvertFixtures.linear(1, 1, 1));
        List<Tensor> data = List.of(Tensor.of(new double[] {-3, 10, 0, 1, 2}, 5, 1),
                Tensor.of(new double[] {3, -1, 6, 5, 4}, 5, 1));
        assertEquals(2.5, ThresholdBalancing.measure(model, data, 50).lambda(0), 1e-12);
        assertEquals(6.4, ThresholdBalancing.measure(model, data, 90).lambda(0), 1e-12);
        assertEquals(9.892, ThresholdBalancing.measure(model, data, 99.7).lambda(0), 1e-12);
        assertEquals(10, ThresholdBalancing.measure(model, data, 100).lambda(0), 0);
        assertEquals(1.15, ThresholdBalancing.measure(model, data, 35).lambda(0), 1e-12);
        assertEquals(List.of("1"), ThresholdBalancing.measure(model, data, 50).stages());
        IllegalArgumentExceptionAssert.contains(() -> ThresholdBalancing.measure(model, data, 20), "lambda of stage 0",
                "'1'", "0.0");
    }

    /**
     * Two stages with weights 1 and 2: the second ReLU's outputs are twice the first's (0..20), so lambda_1 = 2 lambda_0.
     * The normalised weights are W_0 / lambda_0, W_1 lambda_0 / lambda_1 and W_out lambda_1.
     */
    @Test
    void weightsAreNormalisedLayerByLayer() {
        Sequential model = new Sequential(ConvertFixtures.linear(1, 1, 1), Layers.relu(), ConvertFixtures.linear(1, 1, 2),
                Layers.relu(), new Dropout(0.1, KEY), ConvertFixtures.linear(1, 1, 3));
        List<Tensor> data = List.of(Tensor.of(new double[] {-3, -1, 0, 1, 2, 3, 4, 5, 6, 10}, 10, 1));
        SpikingNetwork snn = Converter.convert(model, data, ConversionOptions.defaults().withPercentile(90));
        assertArrayEquals(new double[] {6.4, 12.8}, snn.scales().lambdas(), 1e-12);
        assertEquals(1 / 6.4, weight(snn, 0), 1e-15);
        assertEquals(2 * 6.4 / 12.8, weight(snn, 1), 1e-15);
        assertEquals(3 * 12.8, weight(snn, 2), 1e-12);
        assertArrayEquals(new double[] {1}, snn.thresholds(0));
        assertEquals(List.of("1", "3"), snn.scales().stages());
        assertEquals("output", snn.stageName(2));
    }

    private static double weight(SpikingNetwork snn, int stage) {
        return ((Linear) snn.synapses(stage)).weight().value().toDoubleArray()[0];
    }

    /** p = 100 is the largest ReLU input: batch norm (zero shift) folded and XNOR scales read as the layers compute. */
    @Test
    void foldedBatchNormAndBinaryScalesMeasureWhatTheAnnComputes() {
        Conv2d conv = new Conv2d(2, 3, 3, ConvOptions.of(1, 1), false, DType.FLOAT64, KEY.fold(1));
        BatchNorm norm = BatchNorm.of2d(3, DType.FLOAT64);
        // a zero shift: beta = gamma mean / sqrt(var + eps) per channel, here with mean 0 and beta 0; gamma < 0 allowed
        norm.weight().value().copy_(Tensor.of(new double[] {1.5, -0.5, 2}, 3));
        norm.runningVar().copy_(Tensor.of(new double[] {0.25, 4, 1}, 3));
        BinaryConv2d binary = new BinaryConv2d(3, 4, 3, ConvOptions.of(1, 1), BinaryOptions.xnor()
                .withInput(Quantizer.identity()), DType.FLOAT64, KEY.fold(2));
        Sequential model = new Sequential(conv, norm, Layers.relu(), binary, Layers.relu(), Layers.flatten(),
                ConvertFixtures.randomLinear(4 * 16, 2, 0.3, KEY.fold(3)));
        Tensor x = Tensor.randn(KEY.fold(4), DType.FLOAT64, 5, 2, 4, 4);
        Scales scales = ThresholdBalancing.measure(model, List.of(x), 100);
        Tensor first = ConvertFixtures.ann(new Sequential(conv, norm), x);
        Tensor second = ConvertFixtures.ann(binary, first.relu());
        assertEquals(first.max().itemDouble(), scales.lambda(0), 1e-12);
        assertEquals(second.max().itemDouble(), scales.lambda(1), 1e-12);
    }

    /** Conversion and simulation leave the source as it was: its parameters, buffers and training mode. */
    @Test
    void theSourceModelIsNotModified() {
        Conv2d conv = new Conv2d(2, 3, 3, ConvOptions.of(1, 1), false, DType.FLOAT64, KEY.fold(5));
        BatchNorm norm = BatchNorm.of2d(3, DType.FLOAT64);
        norm.weight().value().copy_(Tensor.of(new double[] {2, 0.5, 1}, 3));
        Sequential model = new Sequential(conv, norm, Layers.relu(), Layers.flatten(),
                ConvertFixtures.randomLinear(3 * 16, 2, 0.3, KEY.fold(6)));
        model.train();
        Map<String, double[]> before = new TreeMap<>();
        model.stateDict().forEach((k, v) -> before.put(k, v.to(DType.FLOAT64).toDoubleArray()));
        Tensor x = Tensor.randn(KEY.fold(7), DType.FLOAT64, 3, 2, 4, 4);
        SpikingNetwork snn = Converter.convert(model, List.of(x), ConversionOptions.defaults());
        snn.simulate(x, 10);
        assertTrue(model.isTraining(), "the source's mode is kept");
        model.stateDict().forEach((k, v) -> assertArrayEquals(before.get(k), v.to(DType.FLOAT64).toDoubleArray(), 0, k));
        assertEquals(before.keySet(), new TreeMap<>(model.stateDict()).keySet());
    }
}
