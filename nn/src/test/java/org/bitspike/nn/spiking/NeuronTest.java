package org.bitspike.nn.spiking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.bitspike.autograd.Var;
import org.bitspike.nn.Linear;
import org.bitspike.nn.Sequential;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The neurons' forward against a naive double-precision loop for every kind, reset mode and threshold;
 * a hand-computed golden case; the explicit state and its reset; and bad input named.
 */
class NeuronTest {
    enum Kind {
        IF, LIF, PLIF
    }

    static final double TAU = 2.5;

    static Neuron neuron(Kind kind, NeuronOptions options) {
        return switch (kind) {
            case IF -> new IFNeuron(options);
            case LIF -> new LIFNeuron(TAU, options);
            case PLIF -> new PLIFNeuron(TAU, options);
        };
    }

    /** The input sequence {@code [T, N, F]}: mostly below threshold, with excursions above it. */
    static Tensor sequence(long seed, DType dtype, int... shape) {
        return Tensor.randn(RandomKey.of(seed), DType.FLOAT64, shape).mul(1.2).add(0.8).to(dtype);
    }

    /**
     * The neuron written as a loop over doubles: spikes {@code [T, ...]} (and the final potential appended), with the
     * leak {@code H = V + (X - V) k}, {@code k = 0} meaning IF.
     */
    static double[][] reference(double[] x, int time, double leak, NeuronOptions o) {
        int n = x.length / time;
        double[] v = new double[n];
        double[][] out = new double[time + 1][n];
        for (int t = 0; t < time; t++) {
            for (int i = 0; i < n; i++) {
                double in = x[t * n + i];
                double h = leak == 0 ? v[i] + in : v[i] + (in - v[i]) * leak;
                double s = h >= o.threshold() ? 1 : 0;
                v[i] = switch (o.reset()) {
                    case SUBTRACT -> h - o.threshold() * s;
                    case ZERO -> s == 1 ? 0 : h;
                    case NONE -> h;
                };
                out[t][i] = s;
            }
        }
        out[time] = v;
        return out;
    }

    @Test
    void everyNeuronMatchesTheNaiveLoopForEveryResetModeAndThreshold() {
        int time = 7;
        int seed = 0;
        for (Kind kind : Kind.values()) {
            for (Reset reset : Reset.values()) {
                for (double threshold : new double[] {1, 0.6}) {
                    for (boolean detach : new boolean[] {false, true}) {
                        NeuronOptions o = NeuronOptions.defaults().withReset(reset).withThreshold(threshold)
                                .withDetachReset(detach).withStepMode(StepMode.MULTI);
                        Neuron neuron = (Neuron) neuron(kind, o).to(DType.FLOAT64);
                        Tensor x = sequence(seed++, DType.FLOAT64, time, 3, 4);
                        // NOTE: PLIF's w was initialised in FLOAT32, so its leak is sigmoid of the rounded w, not 1/tau
                        double leak = switch (kind) {
                            case IF -> 0;
                            case LIF -> 1 / TAU;
                            case PLIF -> 1 / (1 + Math.exp(-neuron.namedParameters().get("w").value().itemDouble()));
                        };
                        double[][] expected = reference(x.toDoubleArray(), time, leak, o);
                        double[] spikes = neuron.forward(x).value().toDoubleArray();
                        String what = kind + " " + o;
                        int fired = 0;
                        for (int t = 0; t < time; t++) {
                            for (int i = 0; i < 12; i++) {
                                assertEquals(expected[t][i], spikes[t * 12 + i], 0, what + ": spike at step " + t + ", " + i);
                                fired += (int) expected[t][i];
                            }
                        }
                        assertTrue(fired > 5 && fired < time * 12 - 5, what + ": a test that fires " + fired + " times");
                        assertArrayEquals(expected[time], neuron.state().value().toDoubleArray(), 1e-12,
                                what + ": final potential");
                    }
                }
            }
        }
    }

    /** IF with reset by subtraction on 0.6, 0.6, 0.6, 0.1: 0.6, 1.2 fires -> 0.2, 0.8, 0.9 (hand computed). */
    @Test
    void goldenIntegrateAndFire() {
        Neuron ifn = (Neuron) new IFNeuron(NeuronOptions.defaults().withStepMode(StepMode.MULTI)).to(DType.FLOAT64);
        Tensor x = Tensor.of(new double[] {0.6, 0.6, 0.6, 0.1}, 4, 1);
        assertArrayEquals(new double[] {0, 1, 0, 0}, ifn.forward(x).value().toDoubleArray());
        assertEquals(0.9, ifn.state().value().toDoubleArray()[0], 1e-15);
        // LIF tau 2, reset to zero, on 1.5, 1.5, 1.5: H = 0.75, 1.125 fires -> 0, 0.75
        Neuron lif = new LIFNeuron(2, NeuronOptions.defaults().withReset(Reset.ZERO).withStepMode(StepMode.MULTI));
        lif.to(DType.FLOAT64);
        assertArrayEquals(new double[] {0, 1, 0}, lif.forward(Tensor.of(new double[] {1.5, 1.5, 1.5}, 3, 1)).value()
                .toDoubleArray());
        assertEquals(0.75, lif.state().value().toDoubleArray()[0], 0);
    }

    /** A potential exactly at the threshold fires; NaN never does. */
    @Test
    void firesIffThePotentialReachesTheThreshold() {
        Neuron ifn = new IFNeuron(NeuronOptions.defaults().withThreshold(0.5));
        double[] s = ifn.forward(Tensor.of(new float[] {0.5f, 0.4999f, Float.NaN, 7}, 4)).value().toDoubleArray();
        assertArrayEquals(new double[] {1, 0, 0, 1}, s);
    }

    @Test
    void plifStartsAtItsTimeConstantAndEqualsLifThere() {
        PLIFNeuron plif = new PLIFNeuron(TAU, NeuronOptions.defaults().withStepMode(StepMode.MULTI));
        assertEquals(TAU, plif.tau(), 1e-6);
        assertEquals(-Math.log(TAU - 1), plif.namedParameters().get("w").value().itemDouble(), 1e-7);
        plif.to(DType.FLOAT64);
        LIFNeuron lif = new LIFNeuron(TAU, NeuronOptions.defaults().withStepMode(StepMode.MULTI));
        Tensor x = sequence(3, DType.FLOAT64, 6, 2, 5);
        assertArrayEquals(lif.forward(x).value().toDoubleArray(), plif.forward(x).value().toDoubleArray());
        assertArrayEquals(lif.state().value().toDoubleArray(), plif.state().value().toDoubleArray(), 1e-6);
        assertEquals(List.of("w"), List.copyOf(plif.namedParameters().keySet()));
        assertTrue(new LIFNeuron(TAU).parameters().isEmpty() && new IFNeuron().parameters().isEmpty());
    }

    @Test
    void stateIsOwnedByTheLayerAndResetOneNeuronOrAWholeModel() {
        IFNeuron a = new IFNeuron();
        LIFNeuron b = new LIFNeuron(2);
        Sequential model = new Sequential(new Linear(3, 4, RandomKey.of(1)), a, new Sequential(new Linear(4, 2,
                RandomKey.of(2)), b));
        assertNull(a.state());
        model.forward(Tensor.randn(RandomKey.of(3), 5, 3));
        assertNotNull(a.state());
        assertNotNull(b.state());
        assertArrayEquals(new int[] {5, 4}, a.state().shape());
        assertEquals(2, Neuron.resetStates(model));
        assertNull(a.state());
        assertNull(b.state());
        // after a reset a new batch size is fine, and a fresh neuron gives the same spikes: nothing else remembered
        Tensor x = Tensor.randn(RandomKey.of(4), 2, 3);
        Var again = model.forward(x);
        Neuron.resetStates(model);
        assertArrayEquals(again.value().toDoubleArray(), model.forward(x).value().toDoubleArray());
        // two neurons never share state
        IFNeuron c = new IFNeuron();
        c.forward(Tensor.full(0.7, 2));
        IFNeuron d = new IFNeuron();
        assertNull(d.state());
        assertArrayEquals(new double[] {1, 1}, c.forward(Tensor.full(0.7, 2)).value().toDoubleArray());
        assertArrayEquals(new double[] {0, 0}, d.forward(Tensor.full(0.7, 2)).value().toDoubleArray());
    }

    /** snnTorch #438: resetting one model must not touch another's neurons (no registry of instances). */
    @Test
    void resettingOneModelLeavesAnotherAlone() {
        IFNeuron mine = new IFNeuron();
        IFNeuron theirs = new IFNeuron();
        Sequential a = new Sequential(mine);
        Sequential b = new Sequential(new Sequential(theirs));
        a.forward(Tensor.full(0.4, 3));
        b.forward(Tensor.full(0.4, 3));
        assertEquals(1, Neuron.resetStates(a));
        assertNull(mine.state());
        assertArrayEquals(new double[] {0.4, 0.4, 0.4}, theirs.state().value().toDoubleArray(), 1e-7);
        assertEquals(1, Neuron.resetStates(b)); // found inside the nested container
        assertNull(theirs.state());
    }

    @Test
    void badSettingsAreNamed() {
        NeuronOptions o = NeuronOptions.defaults();
        for (double bad : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            String m = assertThrows(IllegalArgumentException.class, () -> o.withThreshold(bad)).getMessage();
            assertTrue(m.contains("threshold") && m.contains(String.valueOf(bad)), m);
        }
        for (double bad : new double[] {1, 0.5, -2, Double.NaN, Double.POSITIVE_INFINITY}) {
            String m = assertThrows(IllegalArgumentException.class, () -> new LIFNeuron(bad)).getMessage();
            assertTrue(m.contains("LIFNeuron") && m.contains("tau") && m.contains(String.valueOf(bad)), m);
            m = assertThrows(IllegalArgumentException.class, () -> new PLIFNeuron(bad)).getMessage();
            assertTrue(m.contains("PLIFNeuron") && m.contains("tau"), m);
        }
        String m = assertThrows(IllegalArgumentException.class, () -> o.withReset(null)).getMessage();
        assertTrue(m.contains("reset") && m.contains("SUBTRACT, ZERO, NONE"), m);
        m = assertThrows(IllegalArgumentException.class, () -> o.withStepMode(null)).getMessage();
        assertTrue(m.contains("step mode") && m.contains("SINGLE, MULTI"), m);
        m = assertThrows(IllegalArgumentException.class, () -> o.withSurrogate(null)).getMessage();
        assertTrue(m.contains("surrogate"), m);
        m = assertThrows(IllegalArgumentException.class, () -> o.withDetachEvery(-1)).getMessage();
        assertTrue(m.contains("detachEvery") && m.contains("-1"), m);
        m = assertThrows(IllegalArgumentException.class, () -> new IFNeuron(null)).getMessage();
        assertTrue(m.contains("IFNeuron"), m);
    }

    @Test
    void badInputIsNamed() {
        Neuron multi = new LIFNeuron(2, NeuronOptions.defaults().withStepMode(StepMode.MULTI));
        String m = assertThrows(IllegalArgumentException.class, () -> multi.forward(Tensor.zeros(5))).getMessage();
        assertTrue(m.contains("LIFNeuron") && m.contains("[T, N, ...]") && m.contains("[5]") && m.contains("rank 1"), m);
        m = assertThrows(IllegalArgumentException.class, () -> multi.forward(Tensor.zeros(0, 3))).getMessage();
        assertTrue(m.contains("T = 0") && m.contains("[0, 3]"), m);
        // the batch size changes mid-sequence without a reset: the message says to reset
        multi.forward(Tensor.zeros(4, 8, 3));
        m = assertThrows(IllegalArgumentException.class, () -> multi.forward(Tensor.zeros(4, 2, 3))).getMessage();
        assertTrue(m.contains("[8, 3]") && m.contains("[2, 3]") && m.contains("resetState()")
                && m.contains("Neuron.resetStates(model)"), m);
        multi.resetState();
        assertArrayEquals(new int[] {4, 2, 3}, multi.forward(Tensor.zeros(4, 2, 3)).shape());
        // single step: a state of another shape, and of another dtype
        Neuron single = new IFNeuron();
        single.forward(Tensor.zeros(2, 3));
        m = assertThrows(IllegalArgumentException.class, () -> single.forward(Tensor.zeros(3, 3))).getMessage();
        assertTrue(m.contains("IFNeuron") && m.contains("[2, 3]") && m.contains("[3, 3]"), m);
        m = assertThrows(IllegalArgumentException.class, () -> single.forward(Tensor.zeros(DType.FLOAT64, 2, 3)))
                .getMessage();
        assertTrue(m.contains("FLOAT32") && m.contains("FLOAT64") && m.contains("resetState()"), m);
        m = assertThrows(IllegalArgumentException.class, () -> new IFNeuron().forward(Tensor.scalar(DType.FLOAT32, 1)))
                .getMessage();
        assertTrue(m.contains("[N, ...]"), m);
        m = assertThrows(IllegalArgumentException.class, () -> new IFNeuron().forward(Tensor.zeros(DType.INT32, 2)))
                .getMessage();
        assertTrue(m.contains("INT32") && m.contains("floating"), m);
        m = assertThrows(IllegalArgumentException.class, () -> new PLIFNeuron(2).forward(Tensor.zeros(DType.FLOAT64, 2)))
                .getMessage();
        assertTrue(m.contains("PLIFNeuron") && m.contains("FLOAT64") && m.contains("FLOAT32"), m);
        MultiStep wrapped = new MultiStep(new Linear(3, 2, RandomKey.of(0)));
        m = assertThrows(IllegalArgumentException.class, () -> wrapped.forward(Tensor.zeros(3))).getMessage();
        assertTrue(m.contains("MultiStep(Linear)") && m.contains("[T, N, ...]"), m);
        MultiStep collapsing = new MultiStep(org.bitspike.nn.Layers.flatten(0));
        m = assertThrows(IllegalArgumentException.class, () -> collapsing.forward(Tensor.zeros(2, 3, 4))).getMessage();
        assertTrue(m.contains("[6, 4]") && m.contains("[24]") && m.contains("T*N = 6"), m);
    }
}
