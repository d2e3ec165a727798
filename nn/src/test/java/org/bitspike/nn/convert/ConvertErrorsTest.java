package org.bitspike.nn.convert;

import static org.bitspike.nn.convert.IllegalArgumentExceptionAssert.contains;

import java.util.List;
import org.bitspike.nn.BatchNorm;
import org.bitspike.nn.Conv2d;
import org.bitspike.nn.Layers;
import org.bitspike.nn.Linear;
import org.bitspike.nn.Pooling;
import org.bitspike.nn.Sequential;
import org.bitspike.nn.binary.BinaryLinear;
import org.bitspike.nn.binary.BinaryOptions;
import org.bitspike.nn.binary.Quantizer;
import org.bitspike.nn.models.LayerKinds;
import org.bitspike.nn.models.ResidualBlock;
import org.bitspike.nn.spiking.LIFNeuron;
import org.bitspike.tensor.Convolution.ConvOptions;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Every model, option and batch the converter refuses, each with a message naming what and where. */
class ConvertErrorsTest {
    private static final RandomKey KEY = RandomKey.of(1407);
    private static final ConversionOptions DEFAULTS = ConversionOptions.defaults();

    private static Conv2d conv(int in, int out) {
        return new Conv2d(in, out, 3, ConvOptions.of(1, 1), false, DType.FLOAT64, KEY);
    }

    private static List<Tensor> images() {
        return List.of(Tensor.randn(KEY, DType.FLOAT64, 2, 1, 4, 4));
    }

    @Test
    void maxPoolingAfterTheSpikeIsRefused() {
        Sequential model = new Sequential(new Sequential(conv(1, 2), Layers.relu(), Pooling.max(2)),
                new Sequential(Layers.flatten(), ConvertFixtures.randomLinear(8, 3, 1, KEY)));
        contains(() -> Converter.convert(model, images(), DEFAULTS), "'0.2'", "MaxPool2d", "max pooling after the spike",
                "average pooling");
    }

    @Test
    void maxPoolingBeforeTheReluIsRefusedToo() {
        Sequential model = new Sequential(conv(1, 2), Pooling.max(2), Layers.relu(), Layers.flatten(),
                ConvertFixtures.randomLinear(8, 3, 1, KEY));
        contains(() -> Converter.convert(model, images(), DEFAULTS), "'1'", "MaxPool2d", "not linear");
    }

    @Test
    void aBiasIsRefused() {
        Sequential withBias = new Sequential(new Linear(3, 4, true, DType.FLOAT64, KEY), Layers.relu(),
                ConvertFixtures.randomLinear(4, 2, 1, KEY));
        contains(() -> Converter.convert(withBias, List.of(Tensor.zeros(DType.FLOAT64, 1, 3)), DEFAULTS), "'0'",
                "Linear(3 -> 4, bias)", "bias");
        Sequential binaryBias = new Sequential(ConvertFixtures.randomLinear(3, 4, 1, KEY), Layers.relu(),
                new BinaryLinear(4, 2, BinaryOptions.xnor().withInput(Quantizer.identity()).withBias(true), DType.FLOAT64,
                        KEY));
        contains(() -> Converter.convert(binaryBias, List.of(Tensor.zeros(DType.FLOAT64, 1, 3)), DEFAULTS), "'2'",
                "bias");
    }

    @Test
    void batchNormThatLeavesABiasIsRefused() {
        BatchNorm norm = BatchNorm.of2d(2, DType.FLOAT64);
        norm.bias().value().copy_(Tensor.of(new double[] {0, 0.3}, 2));
        Sequential model = new Sequential(conv(1, 2), norm, Layers.relu(), Layers.flatten(),
                ConvertFixtures.randomLinear(32, 3, 1, KEY));
        contains(() -> Converter.convert(model, images(), DEFAULTS), "'1'", "cannot be folded into '0'", "channel 1",
                "0.3");
        Sequential misplaced = new Sequential(conv(1, 2), Layers.relu(), BatchNorm.of2d(2, DType.FLOAT64),
                Layers.flatten(), ConvertFixtures.randomLinear(32, 3, 1, KEY));
        contains(() -> Converter.convert(misplaced, images(), DEFAULTS), "'2'", "directly follow", "'1'");
    }

    @Test
    void unknownLayersAreRefused() {
        Sequential sigmoid = new Sequential(ConvertFixtures.randomLinear(3, 4, 1, KEY), Layers.sigmoid(),
                ConvertFixtures.randomLinear(4, 2, 1, KEY));
        contains(() -> Converter.convert(sigmoid, List.of(Tensor.zeros(DType.FLOAT64, 1, 3)), DEFAULTS), "'1'",
                "Sigmoid", "unknown layer");
        Sequential neuron = new Sequential(ConvertFixtures.randomLinear(3, 4, 1, KEY), new LIFNeuron(2),
                ConvertFixtures.randomLinear(4, 2, 1, KEY));
        contains(() -> Converter.convert(neuron, List.of(Tensor.zeros(DType.FLOAT64, 1, 3)), DEFAULTS), "'1'",
                "LIFNeuron", "unknown layer");
        Sequential residual = new Sequential(new ResidualBlock(1, 1, 1, LayerKinds.FLOAT, KEY), Layers.flatten(),
                ConvertFixtures.randomLinear(16, 2, 1, KEY));
        contains(() -> Converter.convert(residual, images(), DEFAULTS), "'0'", "unknown container ResidualBlock");
        Sequential binaryInput = new Sequential(ConvertFixtures.randomLinear(3, 4, 1, KEY), Layers.relu(),
                new BinaryLinear(4, 2, BinaryOptions.xnor(), DType.FLOAT64, KEY));
        contains(() -> Converter.convert(binaryInput, List.of(Tensor.zeros(DType.FLOAT64, 1, 3)), DEFAULTS), "'2'",
                "input quantizer");
        Sequential endsInRelu = new Sequential(ConvertFixtures.randomLinear(3, 4, 1, KEY), Layers.relu());
        contains(() -> Converter.convert(endsInRelu, List.of(Tensor.zeros(DType.FLOAT64, 1, 3)), DEFAULTS),
                "must end with a convolution or linear layer", "'1'");
        Sequential twoWeighted = new Sequential(ConvertFixtures.randomLinear(3, 4, 1, KEY),
                ConvertFixtures.randomLinear(4, 4, 1, KEY), Layers.relu(), ConvertFixtures.randomLinear(4, 2, 1, KEY));
        contains(() -> Converter.convert(twoWeighted, List.of(Tensor.zeros(DType.FLOAT64, 1, 3)), DEFAULTS), "'1'",
                "second convolution or linear layer", "'0'");
    }

    private static Sequential mlp() {
        return new Sequential(ConvertFixtures.randomLinear(3, 4, 1, KEY), Layers.relu(),
                ConvertFixtures.randomLinear(4, 2, 1, KEY));
    }

    @Test
    void stepsMustBePositive() {
        Tensor x = Tensor.randn(KEY, DType.FLOAT64, 2, 3);
        SpikingNetwork snn = Converter.convert(mlp(), List.of(x), DEFAULTS);
        contains(() -> snn.simulate(x, 0), "simulate", "T must be at least 1", "got 0");
        contains(() -> snn.simulate(x, -3), "T must be at least 1", "got -3");
    }

    @Test
    void percentileMustLieInZeroToHundred() {
        Tensor x = Tensor.randn(KEY, DType.FLOAT64, 2, 3);
        for (double p : new double[] {0, -1, 100.5, Double.NaN, Double.POSITIVE_INFINITY}) {
            contains(() -> DEFAULTS.withPercentile(p), "ConversionOptions", "(0, 100]", String.valueOf(p));
            contains(() -> ThresholdBalancing.measure(mlp(), List.of(x), p), "ThresholdBalancing.measure", "(0, 100]");
        }
    }

    @Test
    void anEmptyCalibrationSetIsRefused() {
        contains(() -> Converter.convert(mlp(), List.of(), DEFAULTS), "calibration set is empty", "0 batches");
        contains(() -> ThresholdBalancing.measure(mlp(), List.of(), 99.7), "calibration set is empty");
        contains(() -> ThresholdBalancing.measure(mlp(), List.of(Tensor.zeros(DType.FLOAT64, 0, 3)), 99.7),
                "calibration batch 0", "[0, 3]", "non-empty");
        contains(() -> ThresholdBalancing.measure(mlp(), null, 99.7), "calibration set is null");
    }

    @Test
    void aBatchOfTheWrongShapeIsRefused() {
        Tensor good = Tensor.randn(KEY, DType.FLOAT64, 2, 3);
        contains(() -> ThresholdBalancing.measure(mlp(), List.of(good, Tensor.zeros(DType.FLOAT64, 2, 5)), 99.7),
                "calibration batch 1", "[2, 5]", "'0'", "[N, 3]");
        contains(() -> ThresholdBalancing.measure(mlp(), List.of(good.to(DType.FLOAT32)), 99.7), "calibration batch 0",
                "FLOAT32", "FLOAT64");
        SpikingNetwork snn = Converter.convert(mlp(), List.of(good), DEFAULTS);
        contains(() -> snn.simulate(Tensor.zeros(DType.FLOAT64, 2, 4), 5), "simulate", "[2, 4]", "[N, 3]");
        contains(() -> snn.simulate(Tensor.zeros(DType.FLOAT64, 3), 5), "simulate", "[3]", "[N, ...]");
        // a convolution's input: channels checked up front, a spatial size that no longer fits the linear layer
        // named by stage
        Sequential cnn = new Sequential(conv(1, 2), Layers.relu(), Layers.flatten(), ConvertFixtures.randomLinear(32, 3, 1,
                KEY));
        contains(() -> Converter.convert(cnn, List.of(Tensor.zeros(DType.FLOAT64, 2, 3, 4, 4)), DEFAULTS),
                "calibration batch 0", "[2, 3, 4, 4]", "[N, 1, H, W]");
        SpikingNetwork cnnSnn = Converter.convert(cnn, images(), DEFAULTS);
        contains(() -> cnnSnn.simulate(Tensor.zeros(DType.FLOAT64, 2, 1, 6, 6), 3), "does not fit stage 1", "output",
                "'3'");
    }

    @Test
    void aBatchOfAnotherSizeMidPresentationIsRefused() {
        Tensor x = Tensor.randn(KEY, DType.FLOAT64, 2, 3);
        Sequential binary = new Sequential(ConvertFixtures.randomLinear(3, 4, 1, KEY), Layers.relu(),
                new BinaryLinear(4, 4, BinaryOptions.xnor().withInput(Quantizer.identity()), DType.FLOAT64, KEY),
                Layers.relu(), ConvertFixtures.randomLinear(4, 2, 1, KEY));
        Scales one = new Scales(List.of("1"), new double[] {1});
        Scales two = new Scales(List.of("1", "3"), new double[] {1, 1});
        for (Sequential model : List.of(mlp(), binary)) {
            SpikingNetwork snn = Converter.convert(model, model == binary ? two : one, DEFAULTS);
            snn.resetState();
            snn.forward(x);
            contains(() -> snn.forward(Tensor.randn(KEY, DType.FLOAT64, 5, 3)), "step 1", "stage 0", "[5, 3]", "[2, 4]",
                    "reset");
            snn.resetState();
            snn.forward(Tensor.randn(KEY, DType.FLOAT64, 5, 3)); // after a reset any batch size is fine
        }
    }

    @Test
    void scalesMustMatchTheModel() {
        contains(() -> Converter.convert(mlp(), new Scales(List.of("a", "b"), new double[] {1, 2}), DEFAULTS),
                "1 ReLUs", "2 scales");
        contains(() -> new Scales(List.of("a"), new double[] {0}), "lambda of stage 0", "positive");
        contains(() -> Converter.convert(mlp(), new Scales(List.of("3"), new double[] {1}), DEFAULTS), "scale 0",
                "'3'", "'1'");
    }
}
