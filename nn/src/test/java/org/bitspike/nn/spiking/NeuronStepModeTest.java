package org.bitspike.nn.spiking;

import static org.bitspike.nn.spiking.StepRuns.bits;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * A model run in {@link StepMode#MULTI} on {@code [T, N, ...]} equals the same model stepped {@code T} times in
 * {@link StepMode#SINGLE}, bit for bit, in FLOAT32 and FLOAT64: spikes, input gradients and the neurons'
 * parameter gradients, for every reset mode, with and without detached reset and truncation. The stateless
 * layers' parameter gradients are folded sums in multi-step mode, so they are compared up to rounding.
 */
class NeuronStepModeTest {
    private static final int T = 5;
    private static final int N = 3;

    /** What a run produced: the spikes, the input's gradient, every parameter's gradient by the single-step name. */
    private record Run(Tensor out, Tensor inputGrad, Map<String, Tensor> grads) {
    }

    private static NeuronOptions options(StepMode mode, Reset reset, boolean detachReset, int detachEvery) {
        return NeuronOptions.defaults().withStepMode(mode).withReset(reset).withDetachReset(detachReset)
                .withDetachEvery(detachEvery);
    }

    /** Linear, LIF, linear, PLIF, linear, IF; the stateless layers wrapped in MultiStep in multi-step mode. */
    private static Layer dense(StepMode mode, Reset reset, boolean detachReset, int detachEvery) {
        NeuronOptions o = options(mode, reset, detachReset, detachEvery);
        Function<Layer, Layer> wrap = l -> mode == StepMode.MULTI ? new MultiStep(l) : l;
        return new Sequential(wrap.apply(new Linear(4, 6, RandomKey.of(1))), new LIFNeuron(2, o.withThreshold(0.3)),
                wrap.apply(new Linear(6, 5, RandomKey.of(2))), new PLIFNeuron(1.5, o.withThreshold(0.15)),
                wrap.apply(new Linear(5, 4, RandomKey.of(3))), new IFNeuron(o.withThreshold(0.2)));
    }

    /** Convolution, IF, average pooling, flatten, linear, LIF. */
    private static Layer convolutional(StepMode mode, Reset reset, boolean detachReset, int detachEvery) {
        NeuronOptions o = options(mode, reset, detachReset, detachEvery);
        Function<Layer, Layer> wrap = l -> mode == StepMode.MULTI ? new MultiStep(l) : l;
        return new Sequential(wrap.apply(new Conv2d(2, 3, 3, 1, 1, false, RandomKey.of(5))), new IFNeuron(o.withThreshold(0.5)),
                wrap.apply(Pooling.avg(2)), wrap.apply(Layers.flatten()), wrap.apply(new Linear(12, 4, RandomKey.of(6))),
                new LIFNeuron(1.5, o.withThreshold(0.2)));
    }

    private static Run run(Layer model, StepMode mode, Tensor x, Tensor g) {
        Var input = Var.withGrad(x);
        Var out = StepRuns.forward(model, mode, input);
        out.backward(g);
        Map<String, Tensor> grads = StepRuns.grads(model);
        return new Run(out.value(), input.grad().value(), grads);
    }

    private interface Builder {
        Layer build(StepMode mode, Reset reset, boolean detachReset, int detachEvery);
    }

    private static void compare(Builder builder, int[] shape, long seed) {
        for (DType dtype : List.of(DType.FLOAT32, DType.FLOAT64)) {
            for (Reset reset : Reset.values()) {
                for (boolean detachReset : new boolean[] {false, true}) {
                    for (int detachEvery : new int[] {0, 2}) {
                        String what = dtype + " " + reset + (detachReset ? " detached" : "") + " detach every "
                                + detachEvery;
                        Tensor x = Tensor.randn(RandomKey.of(seed), DType.FLOAT64, shape).mul(1.5).add(0.5).to(dtype);
                        Tensor g = Tensor.randn(RandomKey.of(seed + 1), DType.FLOAT64, builder.build(StepMode.MULTI, reset,
                                detachReset, detachEvery).to(dtype).forward(x).shape()).to(dtype);
                        Run multi = run(builder.build(StepMode.MULTI, reset, detachReset, detachEvery).to(dtype),
                                StepMode.MULTI, x, g);
                        Run single = run(builder.build(StepMode.SINGLE, reset, detachReset, detachEvery).to(dtype),
                                StepMode.SINGLE, x, g);
                        double rate = java.util.Arrays.stream(multi.out().toDoubleArray()).average().orElse(0);
                        assertTrue(rate > 0.05 && rate < 0.95, what + ": firing rate " + rate);
                        assertArrayEquals(bits(single.out()), bits(multi.out()), what + ": spikes");
                        assertArrayEquals(bits(single.inputGrad()), bits(multi.inputGrad()), what + ": input gradient");
                        assertTrue(java.util.Arrays.stream(multi.inputGrad().toDoubleArray()).anyMatch(v -> v != 0), what);
                        assertEquals(single.grads().keySet(), multi.grads().keySet(), what);
                        double tol = dtype == DType.FLOAT32 ? 1e-5 : 1e-12;
                        for (String name : single.grads().keySet()) {
                            Tensor s = single.grads().get(name);
                            Tensor m = multi.grads().get(name);
                            if (name.endsWith("w")) { // a neuron's parameter: the same graph, the same sums
                                assertArrayEquals(bits(s), bits(m), what + ": gradient of " + name);
                            } else { // NOTE: one reduction over T*N rows against T reductions added up
                                double[] sv = s.toDoubleArray();
                                double[] mv = m.toDoubleArray();
                                for (int i = 0; i < sv.length; i++) {
                                    assertEquals(sv[i], mv[i], tol * (1 + Math.abs(sv[i])), what + ": gradient of " + name
                                            + " at " + i);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void aDenseModelGivesTheSameSpikesAndGradientsInBothStepModes() {
        compare(NeuronStepModeTest::dense, new int[] {T, N, 4}, 10);
    }

    @Test
    void aConvolutionalModelGivesTheSameSpikesAndGradientsInBothStepModes() {
        compare(NeuronStepModeTest::convolutional, new int[] {T, N, 2, 4, 4}, 20);
    }

    /** The state carries over between multi-step calls: two calls of T steps are one call of 2T. */
    @Test
    void twoMultiStepCallsEqualOneLongCall() {
        for (DType dtype : List.of(DType.FLOAT32, DType.FLOAT64)) {
            Tensor x = Tensor.randn(RandomKey.of(30), DType.FLOAT64, 2 * T, N, 4).mul(1.5).add(0.5).to(dtype);
            Layer once = dense(StepMode.MULTI, Reset.SUBTRACT, false, 3).to(dtype);
            Layer twice = dense(StepMode.MULTI, Reset.SUBTRACT, false, 3).to(dtype);
            Tensor whole = once.forward(x).value();
            Var first = twice.forward(x.narrow(0, 0, T));
            Var second = twice.forward(x.narrow(0, T, T));
            assertArrayEquals(bits(whole), bits(Var.cat(0, first, second).value()), dtype.toString());
        }
    }
}
