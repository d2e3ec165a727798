package org.bitspike.nn.spiking;

import static org.bitspike.nn.spiking.StepRuns.bits;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.bitspike.autograd.GradCheck;
import org.bitspike.autograd.Var;
import org.bitspike.nn.Layer;
import org.bitspike.nn.Sequential;
import org.bitspike.nn.spiking.NeuronTest.Kind;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Gradients through time. With the surrogate's smooth function standing in for the step, the unrolled neuron is
 * a smooth function of its input sequence and of PLIF's {@code w}, and its back-propagation through time is
 * gradient-checked (FLOAT64, T = 4). The real neuron's backward is then proved equal, bit for bit, to the
 * backward of a hand-unrolled model whose spike is the smooth function's backward attached to the step's forward
 * ({@code smooth - smooth.detach() + step}): so the checked smooth backward is the one training uses. Truncated
 * BPTT cuts exactly the gradients it should and nothing when {@code k >= T}.
 */
class NeuronGradientTest {
    private static final int T = 4;

    private static Neuron neuron(Kind kind, NeuronOptions o) {
        Layer layer = NeuronTest.neuron(kind, o.withStepMode(StepMode.MULTI)).to(DType.FLOAT64);
        return (Neuron) layer;
    }

    /** Spikes and final potential of the unrolled smooth neuron, fresh state each call, w replaced for PLIF. */
    private static List<Var> unrolled(Neuron neuron, Var[] x) {
        neuron.resetState();
        Var out = neuron instanceof PLIFNeuron ? neuron.forwardWith(Map.of("w", x[1]), x[0]) : neuron.forward(x[0]);
        return List.of(out, neuron.state());
    }

    private static void gradcheckThroughTime(List<Surrogate> surrogates) {
        int seed = 0;
        for (Surrogate surrogate : surrogates) {
            for (Kind kind : Kind.values()) {
                for (Reset reset : Reset.values()) {
                    // NOTE: a detached reset is not the derivative of anything by design (it drops a path on purpose),
                    // so finite differences cannot check it; the straight-through test below covers it
                    NeuronOptions o = NeuronOptions.defaults().withSurrogate(surrogate).withReset(reset).withThreshold(0.8);
                    Neuron neuron = neuron(kind, o).smoothStandIn();
                    Tensor x = NeuronTest.sequence(seed++, DType.FLOAT64, T, 2, 3);
                    Tensor w = Tensor.scalar(DType.FLOAT64, 0.3);
                    Tensor[] inputs = kind == Kind.PLIF ? new Tensor[] {x, w} : new Tensor[] {x};
                    GradCheck.checkOutputs(kind + " " + neuron.options(), v -> unrolled(neuron, v),
                            GradCheck.Options.defaults(), inputs);
                }
            }
        }
    }

    @Test
    void theSmoothNeuronsBackpropagationThroughTimeMatchesFiniteDifferences() {
        gradcheckThroughTime(List.of(Surrogate.arctan(2), Surrogate.sigmoid(4)));
    }

    /** The rest of the surrogates; the rectangle and triangle only away from their kinks, which random inputs miss. */
    @Test
    @Tag("slow")
    void everySurrogatesSmoothNeuronMatchesFiniteDifferences() {
        gradcheckThroughTime(List.of(Surrogate.fastSigmoid(2), Surrogate.arctan(0.5), Surrogate.sigmoid(1.5)));
    }

    /**
     * The neuron unrolled by hand with a straight-through spike {@code a - a.detach() + step(h - theta)},
     * {@code a = smoothFunction(h - theta)}: the step's forward, the smooth function's backward.
     */
    private static List<Var> straightThrough(Kind kind, NeuronOptions o, double tau, Var x, Var w) {
        Tensor theta = Tensor.scalar(DType.FLOAT64, o.threshold());
        Var v = Var.of(Tensor.zeros(DType.FLOAT64, x.value().select(0, 0).shape()));
        Var[] spikes = new Var[x.size(0)];
        for (int t = 0; t < spikes.length; t++) {
            Var xt = x.select(0, t);
            Var h = switch (kind) {
                case IF -> v.add(xt);
                case LIF -> v.add(xt.sub(v).div(tau));
                case PLIF -> v.add(xt.sub(v).mul(w.sigmoid()));
            };
            Var a = o.surrogate().smoothFunction().apply(h.sub(Var.of(theta)));
            Var s = a.sub(a.detach()).add(Var.of(h.value().ge(theta).to(DType.FLOAT64)));
            Var r = o.detachReset() ? s.detach() : s;
            v = switch (o.reset()) {
                case SUBTRACT -> h.sub(r.mul(o.threshold()));
                case ZERO -> h.mul(r.neg().add(1));
                case NONE -> h;
            };
            spikes[t] = s;
        }
        return List.of(Var.stack(0, spikes), v);
    }

    @Test
    void theRealNeuronsBackwardIsTheSmoothModelsBackwardBitForBit() {
        int seed = 100;
        for (Surrogate surrogate : SpikingOpTable.surrogates()) {
            for (Kind kind : Kind.values()) {
                for (Reset reset : Reset.values()) {
                    for (boolean detachReset : new boolean[] {false, true}) {
                        NeuronOptions o = NeuronOptions.defaults().withSurrogate(surrogate).withReset(reset)
                                .withDetachReset(detachReset);
                        String what = kind + " " + o;
                        Neuron neuron = neuron(kind, o);
                        Tensor x = NeuronTest.sequence(seed, DType.FLOAT64, 6, 3, 4);
                        Tensor g = Tensor.randn(RandomKey.of(seed + 1), DType.FLOAT64, 6, 3, 4);
                        Tensor gv = Tensor.randn(RandomKey.of(seed + 2), DType.FLOAT64, 3, 4);
                        seed += 3;
                        Tensor w0 = Tensor.scalar(DType.FLOAT64, -Math.log(NeuronTest.TAU - 1));

                        Var xr = Var.withGrad(x);
                        Var wr = Var.withGrad(w0);
                        Var out = neuron.forwardWith(kind == Kind.PLIF ? Map.of("w", wr) : Map.of(), xr);
                        out.mul(Var.of(g)).sum().add(neuron.state().mul(Var.of(gv)).sum()).backward();

                        Var xs = Var.withGrad(x);
                        Var ws = Var.withGrad(w0);
                        List<Var> ref = straightThrough(kind, o, NeuronTest.TAU, xs, ws);
                        ref.get(0).mul(Var.of(g)).sum().add(ref.get(1).mul(Var.of(gv)).sum()).backward();

                        assertArrayEquals(bits(ref.get(0).value()), bits(out.value()), what + ": spikes");
                        assertArrayEquals(bits(ref.get(1).value()), bits(neuron.state().value()), what + ": potential");
                        assertArrayEquals(bits(xs.grad().value()), bits(xr.grad().value()), what + ": input gradient");
                        if (kind == Kind.PLIF) {
                            assertEquals(ws.grad().value().itemDouble(), wr.grad().value().itemDouble(), 0,
                                    what + ": gradient of w");
                            assertNotEquals(0, wr.grad().value().itemDouble(), what);
                        }
                    }
                }
            }
        }
    }

    /** The input's gradient of {@code sum(g * spikes[t])}, from a fresh state, for a model run in multi-step mode. */
    private static double[] gradientOfStep(Layer model, Tensor x, int t, Tensor g) {
        Neuron.resetStates(model);
        Var input = Var.withGrad(x);
        model.forward(input).select(0, t).mul(Var.of(g)).sum().backward();
        return input.grad().value().toDoubleArray();
    }

    @Test
    void truncatedBpttStopsAtTheLastDetachAndIsFullBpttWhenKReachesT() {
        int time = 7;
        int per = 2 * 5;
        for (Kind kind : Kind.values()) {
            for (int k : new int[] {1, 2, 3}) {
                NeuronOptions o = NeuronOptions.defaults().withStepMode(StepMode.MULTI).withThreshold(0.7)
                        .withDetachEvery(k);
                Layer model = new Sequential(NeuronTest.neuron(kind, o), new LIFNeuron(1.5, o.withThreshold(0.3)))
                        .to(DType.FLOAT64);
                Tensor x = NeuronTest.sequence(200 + k, DType.FLOAT64, time, 2, 5);
                for (int t = 0; t < time; t++) {
                    Tensor g = Tensor.randn(RandomKey.of(300 + t), DType.FLOAT64, 2, 5);
                    double[] grad = gradientOfStep(model, x, t, g);
                    int lastDetach = k * (t / k);
                    for (int s = 0; s < time; s++) {
                        boolean reached = false;
                        for (int i = 0; i < per; i++) {
                            reached |= grad[s * per + i] != 0;
                        }
                        String what = kind + " k " + k + ": gradient of step " + t + " at input step " + s;
                        // the arctan surrogate is never 0, so every step the graph still links to gets a gradient
                        assertEquals(s >= lastDetach && s <= t, reached, what);
                    }
                }
            }
            // k >= T is full BPTT, bit for bit; k = 0 reaches step 0 from the last step
            Tensor x = NeuronTest.sequence(400, DType.FLOAT64, time, 2, 5);
            Tensor g = Tensor.randn(RandomKey.of(401), DType.FLOAT64, 2, 5);
            NeuronOptions full = NeuronOptions.defaults().withStepMode(StepMode.MULTI).withThreshold(0.7);
            double[] expected = gradientOfStep(NeuronTest.neuron(kind, full).to(DType.FLOAT64), x, time - 1, g);
            assertTrue(expected[0] != 0 || expected[1] != 0, kind + ": full BPTT reaches step 0");
            for (int k : new int[] {time, time + 5}) {
                double[] truncated = gradientOfStep(NeuronTest.neuron(kind, full.withDetachEvery(k)).to(DType.FLOAT64), x,
                        time - 1, g);
                assertArrayEquals(bits(Tensor.of(expected, expected.length)), bits(Tensor.of(truncated, truncated.length)),
                        kind + " k " + k);
            }
        }
    }

    /** detachState() by hand in single-step mode truncates like detachEvery in multi-step mode. */
    @Test
    void detachingByHandInSingleStepModeIsDetachEvery() {
        int time = 6;
        Tensor x = NeuronTest.sequence(500, DType.FLOAT64, time, 3, 2);
        Tensor g = Tensor.randn(RandomKey.of(501), DType.FLOAT64, time, 3, 2);
        Neuron multi = neuron(Kind.PLIF, NeuronOptions.defaults().withDetachEvery(4));
        Var xm = Var.withGrad(x);
        multi.forward(xm).mul(Var.of(g)).sum().backward();
        Neuron single = (Neuron) NeuronTest.neuron(Kind.PLIF, NeuronOptions.defaults()).to(DType.FLOAT64);
        Var xs = Var.withGrad(x);
        Var[] out = new Var[time];
        for (int t = 0; t < time; t++) {
            if (t == 4) {
                single.detachState();
            }
            out[t] = single.forward(xs.select(0, t));
        }
        Var.stack(0, out).mul(Var.of(g)).sum().backward();
        assertArrayEquals(bits(xm.grad().value()), bits(xs.grad().value()));
        assertEquals(multi.namedParameters().get("w").grad().value().itemDouble(),
                single.namedParameters().get("w").grad().value().itemDouble(), 0);
    }
}
