package org.bitspike.nn.accounting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.bitspike.autograd.GradMode;
import org.bitspike.autograd.Var;
import org.bitspike.nn.BatchNorm;
import org.bitspike.nn.Conv2d;
import org.bitspike.nn.Layer;
import org.bitspike.nn.Layers;
import org.bitspike.nn.Linear;
import org.bitspike.nn.Pooling;
import org.bitspike.nn.Sequential;
import org.bitspike.nn.spiking.HoyerSpike;
import org.bitspike.tensor.Convolution.ConvOptions;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The counter counts what ran: a tiny spiking model checked by hand, counts that follow the input, the spike rule,
 * steps, and the refusal to count a model twice.
 */
class OpCounterTest {
    private static final RandomKey KEY = RandomKey.of(13);

    /**
     * conv 1 -> 2 (2x2, no padding, no bias; channel 0 all ones, channel 1 all 0.5) -> Hoyer spike (fixed theta = 1,
     * v = 1: fires iff u >= 1) -> flatten -> linear 8 -> 3 (no bias). In evaluation.
     */
    static Sequential tinySpikingModel() {
        Conv2d conv = new Conv2d(1, 2, 2, ConvOptions.of(1, 0), false, KEY);
        try (GradMode.Scope s = GradMode.noGrad()) {
            conv.weight().value().copy_(Tensor.of(new float[] {1, 1, 1, 1, 0.5f, 0.5f, 0.5f, 0.5f}, 2, 1, 2, 2));
        }
        Sequential model = new Sequential(conv,
                new HoyerSpike(2, HoyerSpike.Options.DEFAULT.withThreshold(HoyerSpike.Threshold.FIXED)),
                Layers.flatten(), new Linear(8, 3, false, KEY.fold(1)));
        model.eval();
        return model;
    }

    private static Tensor image(float... pixels) {
        return Tensor.of(pixels, 1, 1, 3, 3);
    }

    private static OpCounter count(Layer model, Tensor... inputs) {
        try (OpCounter counter = OpCounter.attach(model); GradMode.Scope s = GradMode.noGrad()) {
            for (Tensor x : inputs) {
                model.forward(x);
            }
            return counter;
        }
    }

    @Test
    void aTinySpikingModelCostsWhatAHandCountGives() {
        Sequential model = tinySpikingModel();
        // spikes at (0,0) and (1,1). A 2x2 kernel over 3x3 reads row 0 once, row 1 twice, row 2 once (columns alike):
        // (0,0) is read by 1 x 1 (output, tap) pairs, (1,1) by 2 x 2: 5 taps fired, for each of 2 output channels.
        OpCounter counter = count(model, image(1, 0, 0, 0, 1, 0, 0, 0, 0));
        List<LayerCount> layers = counter.layers();
        assertEquals(List.of("", "0", "1", "2", "3"), layers.stream().map(LayerCount::name).toList());
        OpCounts conv = layers.get(1).counts();
        assertEquals(10, conv.get(OpKind.AC));
        assertEquals(0, conv.get(OpKind.MAC));
        assertEquals(2 * 2 * 2 * 4, conv.denseMacs(), "N Cout Hout Wout x Cin kH kW");
        // window sums: 2, 1, 1, 1 in channel 0 (all fire), 1, 0.5, 0.5, 0.5 in channel 1 (one fires): 5 of 8 spikes
        assertEquals(OpCounts.of(OpKind.CMP, 8), layers.get(2).counts(), "one comparison per neuron");
        assertEquals(OpCounts.ZERO, layers.get(3).counts(), "flatten is a view");
        OpCounts linear = layers.get(4).counts();
        assertEquals(5 * 3, linear.get(OpKind.AC), "5 spikes arrived, each adds a weight to 3 outputs");
        assertEquals(8 * 3, linear.denseMacs());
        OpCounts total = counter.total();
        assertEquals(25, total.get(OpKind.AC));
        assertEquals(8, total.get(OpKind.CMP));
        assertEquals(0, total.get(OpKind.MAC) + total.get(OpKind.FLOP) + total.get(OpKind.BOP) + total.get(OpKind.ADD));
        // section 1.3's rate model: rate 2/9 of the conv's 32 dense MACs, 5/8 of the linear's 24
        assertEquals(2.0 / 9 * 32, layers.get(1).rateModelAccumulates(), 1e-12);
        assertEquals(15.0, layers.get(4).rateModelAccumulates(), 1e-12);

        CostTable table = CostTable.horowitz45nm();
        assertEquals((25 + 8) * 0.9, Energy.of(counter, table, EnergyModel.COUNTED).picojoules(), 1e-9);
        assertEquals((2.0 / 9 * 32 + 15 + 8) * 0.9, Energy.of(counter, table, EnergyModel.RATE_MODEL).picojoules(), 1e-9);
        assertEquals((32 + 24) * 4.6, Energy.of(counter, table, EnergyModel.DENSE_MACS).picojoules(), 1e-9);
        assertEquals(25 + 8, OpsConvention.BOPS_OVER_64_PLUS_FLOPS.ops(total), 0);
        assertEquals(56, OpsConvention.DENSE_MACS.ops(total), 0);
    }

    @Test
    void countsFollowTheSpikesThatArrived() {
        Sequential model = tinySpikingModel();
        OpCounts sparse = count(model, image(1, 0, 0, 0, 0, 0, 0, 0, 0)).total();
        OpCounts dense = count(model, image(1, 1, 1, 1, 1, 1, 1, 1, 1)).total();
        OpCounts silent = count(model, image(0, 0, 0, 0, 0, 0, 0, 0, 0)).total();
        assertNotEquals(sparse.get(OpKind.AC), dense.get(OpKind.AC));
        // corner pixel: 1 tap x 2 channels; window sums 1 and 0.5: one spike (channel 0, position (0,0)) -> 3 ACs
        assertEquals(2 + 3, sparse.get(OpKind.AC));
        // every pixel: (1 + 2 + 1)^2 = 16 taps x 2 channels; all 8 neurons fire (sums 4 and 2) -> 24 ACs
        assertEquals(32 + 24, dense.get(OpKind.AC));
        assertEquals(0, silent.get(OpKind.AC), "an input that did not fire costs nothing");
        assertEquals(8, silent.get(OpKind.CMP), "the comparisons are paid whatever fires");
        assertEquals(sparse.denseMacs(), dense.denseMacs(), "the dense count ignores the data");
    }

    @Test
    void aDenseInputCostsMacsAndTheNeverRuleCountsMacsOnSpikes() {
        Sequential model = tinySpikingModel();
        OpCounts analog = count(model, image(0.5f, 0, 0, 0, 2, 0, 0, 0, 0)).layers().get(1).counts();
        assertEquals(32, analog.get(OpKind.MAC));
        assertEquals(0, analog.get(OpKind.AC));
        try (OpCounter counter = OpCounter.attach(model, SpikeRule.NEVER); GradMode.Scope s = GradMode.noGrad()) {
            model.forward(image(1, 0, 0, 0, 1, 0, 0, 0, 0));
            assertEquals(32 + 24, counter.total().get(OpKind.MAC));
            assertEquals(0, counter.total().get(OpKind.AC));
            assertEquals(0, counter.layers().get(1).rateModelAccumulates());
        }
    }

    @Test
    void firedTapsAreTheConvolutionOfTheNonZeroMaskWithAOnesKernel() {
        ConvOptions[] options = {ConvOptions.of(1, 1), ConvOptions.of(2, 1), ConvOptions.of(1, 0),
            new ConvOptions(2, 1, 2, 0, 1, 1, 1), ConvOptions.of(1, 2).withDilation(2), ConvOptions.of(3, 1)};
        int[] kernels = {3, 3, 1, 3, 3, 2};
        for (int t = 0; t < options.length; t++) {
            Tensor x = Tensor.rand(KEY.fold(100 + t), 2, 3, 7, 6).lt(0.3).to(org.bitspike.tensor.DType.FLOAT32);
            Var mask = Var.of(x);
            Var taps = mask.conv2d(Var.of(Tensor.ones(1, 3, kernels[t], kernels[t])), null, options[t]);
            long expected = Math.round(taps.value().sum().itemDouble());
            long fired = LayerCosts.firedTaps(mask, kernels[t], kernels[t], options[t], taps.size(2), taps.size(3));
            assertEquals(expected, fired, "options " + options[t] + ", kernel " + kernels[t]);
            assertTrue(fired > 0);
        }
    }

    @Test
    void maxPoolingShrinksTheMapTheNextLayerIsCountedOn() {
        Conv2d second = new Conv2d(4, 4, 3, 1, 1, false, KEY.fold(3));
        Sequential model = new Sequential(new Conv2d(1, 4, 3, 1, 1, false, KEY.fold(2)), Pooling.max(2), second,
                Pooling.avg(2));
        OpCounter counter = count(model, Tensor.randn(KEY.fold(4), 1, 1, 8, 8));
        List<LayerCount> layers = counter.layers();
        assertEquals(4L * 8 * 8 * 9, layers.get(1).counts().get(OpKind.MAC));
        assertEquals(4L * 4 * 4 * 3, layers.get(2).counts().get(OpKind.FLOP), "a 2x2 max is 3 comparisons per output");
        assertEquals(4L * 4 * 4 * 4 * 9, layers.get(3).counts().get(OpKind.MAC), "counted on the pooled 4x4 map");
        assertEquals(4L * 2 * 2 * 4, layers.get(4).counts().get(OpKind.FLOP), "a 2x2 mean is 3 adds and a scaling");
    }

    @Test
    void aStepIsOneModelForwardAndCountsAreForTheWholeBatch() {
        Sequential model = new Sequential(new Linear(4, 3, true, KEY), BatchNorm.of1d(3), Layers.relu());
        model.eval();
        OpCounter counter = count(model, Tensor.randn(KEY.fold(5), 2, 4), Tensor.randn(KEY.fold(6), 5, 4));
        List<Step> steps = counter.steps();
        assertEquals(2, steps.size());
        assertEquals(2, steps.get(0).samples());
        assertEquals(5, steps.get(1).samples());
        assertEquals(7, counter.samples());
        // per sample: 12 MACs, 3 bias adds, batch norm 2 x 3, ReLU 3 (reported by the fused BN + ReLU)
        assertEquals(OpCounts.of(OpKind.MAC, 24).with(OpKind.FLOP, 2 * 12).withDenseMacs(24), steps.get(0).total());
        assertEquals(7 * 12, counter.total().get(OpKind.MAC));
        assertEquals(7 * 12, counter.total().get(OpKind.FLOP));
        model.train();
        try (OpCounter training = OpCounter.attach(model)) {
            model.forward(Tensor.randn(KEY.fold(7), 2, 4));
            assertEquals(2 * (3 + 6 * 3 + 3), training.total().get(OpKind.FLOP), "batch norm costs 6 per element in training");
        }
    }

    @Test
    void theValuesDecideWhatIsSpikesAndAFloatInputOfZerosAndOnesIsSpikesByThatRule() {
        Linear linear = new Linear(3, 2, false, org.bitspike.tensor.DType.FLOAT64, KEY);
        Var out = Var.of(Tensor.zeros(org.bitspike.tensor.DType.FLOAT64, 1, 2));
        double[][] spikes = {{0, 1, 1}, {-0.0, 0, 1}, {0, 0, 0}};
        double[][] dense = {{0, 1, 1 + 1e-12}, {0, Double.NaN, 1}, {0, -1, 1}, {0, 2, 1}};
        for (double[] v : spikes) {
            Forward f = Forward.of(linear, Var.of(Tensor.of(v, 1, 3)), out, SpikeRule.VALUES);
            assertTrue(f.inputIsSpikes(), java.util.Arrays.toString(v));
            long fired = java.util.Arrays.stream(v).filter(x -> x != 0).count();
            assertEquals(OpCounts.of(OpKind.AC, 2 * fired).withDenseMacs(6), linear.cost(f));
        }
        for (double[] v : dense) {
            Forward f = Forward.of(linear, Var.of(Tensor.of(v, 1, 3)), out, SpikeRule.VALUES);
            assertFalse(f.inputIsSpikes(), java.util.Arrays.toString(v));
            assertEquals(OpCounts.of(OpKind.MAC, 6).withDenseMacs(6), linear.cost(f));
        }
        assertFalse(Forward.of(linear, Var.of(Tensor.of(spikes[0], 1, 3)), out, SpikeRule.NEVER).inputIsSpikes());
    }

    @Test
    void layerAndGroupNormsComputeTheirStatisticsInEveryMode() {
        Sequential model = new Sequential(new org.bitspike.nn.GroupNorm(2, 4), Layers.flatten(),
                new org.bitspike.nn.LayerNorm(4 * 9));
        model.eval();
        OpCounts total = count(model, Tensor.randn(KEY.fold(8), 3, 4, 3, 3)).total();
        assertEquals(2 * 8L * 3 * 4 * 9, total.get(OpKind.FLOP), "mean 1, variance 3, normalise 2, scale and shift 2");
    }

    @Test
    void countingAModelTwiceIsRefusedAndClosingLeavesNothingBehind() {
        Sequential model = tinySpikingModel();
        Layer linear = model.layers().get(3);
        try (OpCounter counter = OpCounter.attach(model)) {
            IllegalStateException twice = assertThrows(IllegalStateException.class, () -> OpCounter.attach(model));
            assertTrue(twice.getMessage().contains("already counted by an open OpCounter"), twice.getMessage());
            IllegalStateException part = assertThrows(IllegalStateException.class, () -> OpCounter.attach(linear));
            assertTrue(part.getMessage().contains("Linear(8 -> 3)"), part.getMessage());
            assertFalse(counter.layers().size() > 0, "nothing ran yet");
        }
        for (Layer l : model.namedLayers().values()) {
            assertTrue(l.forwardObservers().isEmpty(), "closed: no observer left on " + l);
        }
        OpCounter again = OpCounter.attach(model);
        again.close();
        again.close();
        assertThrows(IllegalArgumentException.class, () -> OpCounter.attach(null));
        assertThrows(IllegalArgumentException.class, () -> OpCounter.attach(model, null));
    }

    @Test
    void aLeafThatDeclaresNoCostIsUncountedNotFree() {
        Layer opaque = new Layer() {
            @Override
            protected Var compute(Var input) {
                return input.mul(2.0);
            }
        };
        Sequential model = new Sequential(new Linear(2, 2, KEY), opaque);
        OpCounter counter = count(model, Tensor.ones(1, 2));
        LayerCount c = counter.layers().get(2);
        assertFalse(c.counted());
        assertTrue(counter.layers().get(0).counted(), "a container's children are its count");
        ModelSummary summary = ModelSummary.of(counter, CostTable.horowitz45nm());
        assertEquals(1, summary.uncounted().size());
        assertTrue(summary.toText().contains("Uncounted"), summary.toText());
    }
}
