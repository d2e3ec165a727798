package org.bitspike.nn.spiking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.bitspike.autograd.Var;
import org.bitspike.nn.Conv2d;
import org.bitspike.nn.Layer;
import org.bitspike.nn.Layers;
import org.bitspike.nn.Linear;
import org.bitspike.nn.Pooling;
import org.bitspike.nn.Sequential;
import org.bitspike.nn.accounting.OpCounter;
import org.bitspike.nn.accounting.OpCounts;
import org.bitspike.nn.accounting.OpKind;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * {@link TimeMonitor}: the same per-step records in both step modes, accumulates from the spikes that arrived at each
 * step, membrane statistics checked by hand, steps that add up to the operation counter's total.
 */
class TimeMonitorTest {
    private static final int T = 4;
    private static final int N = 3;

    /** Convolution, LIF, average pooling, flatten, linear, LIF (stateless layers in MultiStep in multi-step mode). */
    private static Layer convolutional(StepMode mode) {
        NeuronOptions o = NeuronOptions.defaults().withStepMode(mode);
        Function<Layer, Layer> wrap = l -> mode == StepMode.MULTI ? new MultiStep(l) : l;
        return new Sequential(wrap.apply(new Conv2d(2, 3, 3, 1, 1, false, RandomKey.of(5))),
                new LIFNeuron(2, o.withThreshold(0.5)), wrap.apply(Pooling.avg(2)), wrap.apply(Layers.flatten()),
                wrap.apply(new Linear(12, 4, RandomKey.of(6))), new LIFNeuron(1.5, o.withThreshold(0.2)));
    }

    /** Two sequences of T steps (states reset between them), recorded by a monitor. */
    private static TimeMonitor record(Layer model, StepMode mode, Tensor... sequences) {
        try (TimeMonitor monitor = TimeMonitor.attach(model)) {
            for (Tensor x : sequences) {
                Neuron.resetStates(model);
                StepRuns.forward(model, mode, Var.of(x));
            }
            return monitor;
        }
    }

    @Test
    void bothStepModesGiveIdenticalPerStepRecords() {
        Tensor first = Tensor.randn(RandomKey.of(20), T, N, 2, 4, 4).mul(1.5).add(0.5);
        Tensor second = Tensor.randn(RandomKey.of(21), T, N, 2, 4, 4).mul(1.5).add(0.5);
        TimeMonitor multi = record(convolutional(StepMode.MULTI), StepMode.MULTI, first, second);
        TimeMonitor single = record(convolutional(StepMode.SINGLE), StepMode.SINGLE, first, second);

        assertEquals(T, multi.steps());
        List<TimeMonitor.NeuronStats> neurons = multi.neurons();
        assertEquals(2 * T, neurons.size(), "two neuron layers, T steps each");
        assertEquals(List.of("1", "5"), neurons.stream().map(TimeMonitor.NeuronStats::layer).distinct().toList());
        for (TimeMonitor.NeuronStats s : neurons) {
            assertEquals(2L * N * (s.layer().equals("1") ? 48 : 4), s.neurons(), s.toString());
            assertTrue(s.std() > 0 && s.min() < s.mean() && s.mean() < s.max(), s.toString());
        }
        assertTrue(neurons.stream().anyMatch(s -> s.firingRate() > 0 && s.firingRate() < 1), neurons.toString());
        assertEquals(neurons, single.neurons());

        List<TimeMonitor.LayerOperations> ops = multi.operations();
        assertEquals(List.of("0", "1", "2", "3", "4", "5"), ops.stream().map(TimeMonitor.LayerOperations::layer).toList(),
                "the counted layers, named through their MultiStep wrappers");
        assertEquals(ops, single.operations());
        assertEquals(multi.summary(), single.summary());
        assertEquals(multi.table(), single.table());
        // the linear layer reads the pooled spikes: averages, not spikes, so MACs; the second LIF compares
        long macs = ops.get(4).steps().get(0).ops().get(OpKind.MAC);
        assertEquals(2L * N * 12 * 4, macs);
        assertTrue(ops.stream().allMatch(l -> l.sequence().isZero()), "every forward was split into steps");
    }

    @Test
    void theStepsAddUpToTheOperationCountersTotal() {
        Layer model = convolutional(StepMode.MULTI);
        Tensor x = Tensor.randn(RandomKey.of(30), T, N, 2, 4, 4).mul(1.5).add(0.5);
        OpCounts counted;
        try (TimeMonitor monitor = TimeMonitor.attach(model); OpCounter counter = OpCounter.attach(model)) {
            model.forward(x);
            counted = counter.total();
            OpCounts steps = monitor.operationsByStep().stream().reduce(OpCounts.ZERO, OpCounts::plus);
            assertEquals(counted, steps);
            assertTrue(counted.get(OpKind.MAC) > 0 && counted.get(OpKind.CMP) == (long) T * N * (48 + 4), counted.toString());
        }
    }

    /** Spike trains [T, N, 5] into a linear layer of 3 outputs: step 0 silent, step 1 four spikes, step 2 seven. */
    @Test
    void aLinearLayerPaysItsFanoutForEachSpikeThatArrivedAtThatStep() {
        double[] v = new double[3 * 2 * 5];
        v[10] = v[12] = v[16] = v[19] = 1; // step 1: 4 spikes
        for (int i = 20; i < 30; i += 1) {
            v[i] = i % 3 == 0 ? 0 : 1; // step 2: 7 spikes (21, 24, 27 silent)
        }
        Tensor trains = Tensor.of(v, 3, 2, 5).to(DType.FLOAT32);
        long[] expected = {0, 4 * 3, 7 * 3};
        for (StepMode mode : StepMode.values()) {
            Function<Layer, Layer> wrap = l -> mode == StepMode.MULTI ? new MultiStep(l) : l;
            Layer model = new Sequential(wrap.apply(new Linear(5, 3, false, RandomKey.of(1))),
                    new IFNeuron(NeuronOptions.defaults().withStepMode(mode)));
            TimeMonitor monitor = record(model, mode, trains);
            List<TimeMonitor.StepOperations> linear = monitor.operations().get(0).steps();
            for (int t = 0; t < 3; t++) {
                assertEquals(expected[t], linear.get(t).ops().get(OpKind.AC), mode + " step " + t);
                assertEquals(0, linear.get(t).ops().get(OpKind.MAC), mode + " step " + t);
                assertEquals(expected[t] / 3, linear.get(t).inputSpikes(), mode + " step " + t);
                assertEquals(10, linear.get(t).spikeInputElements(), mode + " step " + t);
            }
        }
    }

    /**
     * Spike maps [T, 1, 1, 6, 6] into a 3x3 convolution (padding 1) to 4 channels: a spike away from the border is read
     * by 9 output positions of each of the 4 channels, 36 accumulates; on the corner only 4 positions read it.
     */
    @Test
    void aConvolutionPaysItsFanoutForEachSpikeThatArrivedAtThatStep() {
        Tensor trains = Tensor.zeros(DType.FLOAT32, 3, 1, 1, 6, 6);
        trains.select(0, 1).select(0, 0).select(0, 0).select(0, 2).fill_(1); // step 1: row 2, six spikes
        trains.select(0, 2).select(0, 0).select(0, 0).select(0, 2).select(0, 3).fill_(1); // step 2: one inside
        trains.select(0, 2).select(0, 0).select(0, 0).select(0, 0).select(0, 0).fill_(1); // and one on the corner
        // row 2: columns 1-4 are read by 9 positions, columns 0 and 5 by 6
        long[] expected = {0, 4L * (4 * 9 + 2 * 6), 4L * (9 + 4)};
        for (StepMode mode : StepMode.values()) {
            Function<Layer, Layer> wrap = l -> mode == StepMode.MULTI ? new MultiStep(l) : l;
            Layer model = new Sequential(wrap.apply(new Conv2d(1, 4, 3, 1, 1, false, RandomKey.of(2))),
                    new LIFNeuron(2, NeuronOptions.defaults().withStepMode(mode)));
            TimeMonitor monitor = record(model, mode, trains);
            TimeMonitor.LayerOperations conv = monitor.operations().get(0);
            for (int t = 0; t < 3; t++) {
                assertEquals(expected[t], conv.steps().get(t).ops().get(OpKind.AC), mode + " step " + t);
                assertEquals(0, conv.steps().get(t).ops().get(OpKind.MAC), mode + " step " + t);
                assertEquals(4L * 36 * 9, conv.steps().get(t).ops().denseMacs(), mode + " step " + t);
            }
            // the neuron: one comparison and 3 + 2 FLOPs per neuron at every step
            TimeMonitor.StepOperations neuron = monitor.operations().get(1).steps().get(2);
            assertEquals(4 * 36, neuron.ops().get(OpKind.CMP));
            assertEquals(5 * 4 * 36, neuron.ops().get(OpKind.FLOP));
        }
    }

    /** IF, threshold 1, reset by subtraction, band 0.1: the charged potential worked out by hand. */
    @Test
    @SuppressWarnings("unchecked")
    void theMembraneStatisticsAreThoseOfTheChargedPotential() {
        Tensor x = Tensor.of(new double[] {0.5, 0.95, 1.5, 0.2, 0.0, -0.4}, 2, 1, 3);
        for (StepMode mode : StepMode.values()) {
            Layer model = new Sequential(new IFNeuron(NeuronOptions.defaults().withStepMode(mode)));
            TimeMonitor monitor = record(model, mode, x);
            List<TimeMonitor.NeuronStats> s = monitor.neurons();
            // step 0: H = x0 = [0.5, 0.95, 1.5]; 1.5 fires; 0.95 is within 0.1 of 1
            check(s.get(0), 1, new double[] {0.5, 0.95, 1.5}, 1.0 / 3);
            // step 1: V0 = [0.5, 0.95, 0.5] (1.5 - 1), H = V0 + x1 = [0.7, 0.95, 0.1]; none fires
            check(s.get(1), 0, new double[] {0.5 + 0.2, 0.95, 0.5 + -0.4}, 1.0 / 3);
            Map<String, Object> layer = (Map<String, Object>) monitor.summary().get("0");
            assertEquals(List.of(1.0 / 3, 0.0), layer.get("firing_rate"));
            assertEquals(List.of(1L, 0L), layer.get("spikes"));
            assertEquals(List.of(3L, 3L), layer.get("CMPs"));
        }
    }

    private static void check(TimeMonitor.NeuronStats s, long spikes, double[] h, double near) {
        double mean = (h[0] + h[1] + h[2]) / 3;
        double var = ((h[0] - mean) * (h[0] - mean) + (h[1] - mean) * (h[1] - mean) + (h[2] - mean) * (h[2] - mean)) / 3;
        assertEquals(3, s.neurons(), s.toString());
        assertEquals(spikes, s.spikes(), s.toString());
        assertEquals(mean, s.mean(), 1e-12, s.toString());
        assertEquals(Math.sqrt(var), s.std(), 1e-12, s.toString());
        assertEquals(near, s.nearThreshold(), 0, s.toString());
        assertEquals(Math.min(h[0], Math.min(h[1], h[2])), s.min(), 0, s.toString());
        assertEquals(Math.max(h[0], Math.max(h[1], h[2])), s.max(), 0, s.toString());
    }

    @Test
    void aClosedMonitorRecordsNothingMoreAndAModelWithoutNeuronsIsRefused() {
        Layer model = convolutional(StepMode.MULTI);
        Tensor x = Tensor.randn(RandomKey.of(40), T, N, 2, 4, 4);
        TimeMonitor monitor = record(model, StepMode.MULTI, x);
        List<TimeMonitor.NeuronStats> before = monitor.neurons();
        model.namedLayers().values().forEach(l -> assertTrue(l.forwardObservers().isEmpty(), l.toString()));
        Neuron.resetStates(model);
        model.forward(x);
        assertEquals(before, monitor.neurons());
        monitor.reset();
        assertEquals(0, monitor.steps());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TimeMonitor.attach(new Sequential(new Linear(2, 2, RandomKey.of(1)))));
        assertTrue(e.getMessage().contains("no spiking neuron"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TimeMonitor.Options(0, org.bitspike.nn.accounting.SpikeRule.VALUES));
    }

    /** A forward that cannot be split by step (the sum over steps of DirectSteps) is kept for the whole sequence. */
    @Test
    void whatIsNotLaidOutByStepIsRecordedForTheWholeSequence() {
        NeuronOptions o = NeuronOptions.defaults().withStepMode(StepMode.MULTI).withThreshold(0.3);
        Layer model = new DirectSteps(T, new Sequential(new Linear(5, 4, RandomKey.of(3)), new FoldedTime(T,
                new LIFNeuron(2, o))));
        Tensor x = Tensor.randn(RandomKey.of(50), N, 5);
        try (TimeMonitor monitor = TimeMonitor.attach(model)) {
            model.forward(x);
            List<TimeMonitor.LayerOperations> ops = monitor.operations();
            assertEquals(List.of("", "network.0", "network.1"),
                    ops.stream().map(TimeMonitor.LayerOperations::layer).toList());
            assertEquals(OpCounts.of(OpKind.FLOP, (T - 1L) * N * 4), ops.get(0).sequence());
            assertTrue(ops.get(0).steps().isEmpty());
            for (int t = 0; t < T; t++) {
                assertEquals(N * 5L * 4, ops.get(1).steps().get(t).ops().get(OpKind.MAC), "step " + t);
                assertEquals(N * 4L, ops.get(2).steps().get(t).ops().get(OpKind.CMP), "step " + t);
            }
            assertEquals(T, monitor.steps());
        }
    }
}
