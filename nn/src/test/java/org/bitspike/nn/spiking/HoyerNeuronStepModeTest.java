package org.bitspike.nn.spiking;

import static org.bitspike.nn.spiking.StepRuns.bits;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.bitspike.autograd.GradMode;
import org.bitspike.autograd.Var;
import org.bitspike.nn.Conv2d;
import org.bitspike.nn.Layer;
import org.bitspike.nn.Layers;
import org.bitspike.nn.Linear;
import org.bitspike.nn.Pooling;
import org.bitspike.nn.Sequential;
import org.bitspike.nn.spiking.HoyerNeuron.Options;
import org.bitspike.nn.spiking.HoyerSpike.Threshold;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * A model of Hoyer neurons run in {@link StepMode#MULTI} on {@code [T, N, ...]} equals the same model stepped T times
 * in {@link StepMode#SINGLE}, bit for bit, in FLOAT32 (the fused spike passes) and FLOAT64, in training (batch theta)
 * and evaluation (running theta), with shared and per-step running thetas, detached reset and truncated BPTT: spikes,
 * the input's gradient, the neurons' gradients (leak and v) and the running thetas afterwards. The stateless layers'
 * parameter gradients are folded sums in multi-step mode, so they are compared up to rounding.
 */
class HoyerNeuronStepModeTest {
    private static final int T = 4;
    private static final int N = 3;

    private record Run(Tensor out, Tensor inputGrad, Map<String, Tensor> grads, Map<String, Tensor> buffers) {
    }

    private static Options options(boolean perStep, StepMode mode, boolean detachReset, int detachEvery,
            HoyerSpike.Options spike) {
        Options o = perStep ? Options.perStep(spike, T) : Options.shared(spike);
        return o.withStepMode(mode).withDetachReset(detachReset).withDetachEvery(detachEvery);
    }

    /** Convolution, Hoyer neuron (channel-wise), average pooling, flatten, linear, Hoyer neuron (layer-wise). */
    private static Layer model(boolean perStep, StepMode mode, boolean detachReset, int detachEvery) {
        Function<Layer, Layer> wrap = l -> mode == StepMode.MULTI ? new MultiStep(l) : l;
        HoyerSpike.Options cw = HoyerSpike.Options.DEFAULT;
        return new Sequential(wrap.apply(new Conv2d(2, 3, 3, 1, 1, false, RandomKey.of(5))),
                new HoyerNeuron(3, options(perStep, mode, detachReset, detachEvery, cw)),
                wrap.apply(Pooling.avg(2)), wrap.apply(Layers.flatten()), wrap.apply(new Linear(12, 4, RandomKey.of(6))),
                new HoyerNeuron(4, options(perStep, mode, detachReset, detachEvery, cw.withThreshold(Threshold.LAYER))));
    }

    private static Run run(Layer model, StepMode mode, Tensor x, Tensor g) {
        Var input = Var.withGrad(x);
        Var out = StepRuns.forward(model, mode, input);
        out.backward(g);
        Map<String, Tensor> grads = StepRuns.grads(model);
        Map<String, Tensor> buffers = new LinkedHashMap<>();
        model.namedBuffers().forEach((name, b) -> buffers.put(name.replace(".layer.", "."), b.contiguous()));
        return new Run(out.value(), input.grad().value(), grads, buffers);
    }

    @Test
    void bothStepModesGiveTheSameSpikesGradientsAndRunningThetas() {
        long seed = 40;
        for (DType dtype : List.of(DType.FLOAT32, DType.FLOAT64)) {
            for (boolean training : new boolean[] {true, false}) {
                for (boolean perStep : new boolean[] {false, true}) {
                    for (boolean detachReset : new boolean[] {false, true}) {
                        for (int detachEvery : new int[] {0, 2}) {
                            String what = dtype + (training ? " training" : " evaluation") + (perStep ? " per-step"
                                    : " shared") + (detachReset ? " detached reset" : "") + " detach every " + detachEvery;
                            Tensor x = Tensor.randn(RandomKey.of(seed++), DType.FLOAT64, T, N, 2, 4, 4).mul(1.5).add(0.5)
                                    .to(dtype);
                            Tensor g = Tensor.randn(RandomKey.of(seed++), DType.FLOAT64, T, N, 4).to(dtype);
                            Layer multiModel = model(perStep, StepMode.MULTI, detachReset, detachEvery).to(dtype);
                            Layer singleModel = model(perStep, StepMode.SINGLE, detachReset, detachEvery).to(dtype);
                            if (!training) { // running thetas below the initial 1, so that the evaluation fires
                                for (Layer m : List.of(multiModel, singleModel)) {
                                    m.eval();
                                    try (GradMode.Scope scope = GradMode.noGrad()) {
                                        m.namedBuffers().forEach((n, b) -> b.fill_(0.4));
                                    }
                                }
                            }
                            Run multi = run(multiModel, StepMode.MULTI, x, g);
                            Run single = run(singleModel, StepMode.SINGLE, x, g);
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
                                if (name.endsWith("leak") || name.endsWith("spike.v")) { // the neurons': the same graph
                                    assertTrue(s != null, what + ": no gradient for " + name);
                                    assertArrayEquals(bits(s), bits(m), what + ": gradient of " + name);
                                } else { // NOTE: one reduction over T*N rows against T reductions added up
                                    double[] sv = s.toDoubleArray();
                                    double[] mv = m.toDoubleArray();
                                    for (int i = 0; i < sv.length; i++) {
                                        assertEquals(sv[i], mv[i], tol * (1 + Math.abs(sv[i])), what + ": gradient of "
                                                + name + " at " + i);
                                    }
                                }
                            }
                            for (String name : single.buffers().keySet()) {
                                assertArrayEquals(bits(single.buffers().get(name)), bits(multi.buffers().get(name)),
                                        what + ": buffer " + name);
                            }
                        }
                    }
                }
            }
        }
    }

    /** The state carries over between multi-step calls (shared running theta): two calls of T steps are one of 2T. */
    @Test
    void twoMultiStepCallsEqualOneLongCall() {
        Tensor x = Tensor.randn(RandomKey.of(30), DType.FLOAT32, 2 * T, N, 2, 4, 4).mul(1.5).add(0.5);
        Layer once = model(false, StepMode.MULTI, false, 3);
        Layer twice = model(false, StepMode.MULTI, false, 3);
        Tensor whole = once.forward(x).value();
        Tensor first = twice.forward(x.narrow(0, 0, T)).value();
        Tensor second = twice.forward(x.narrow(0, T, T)).value();
        assertArrayEquals(bits(whole), bits(Tensor.cat(0, first, second)));
    }
}
