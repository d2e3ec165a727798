package org.bitspike.nn.spiking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bitspike.autograd.GradCheck;
import org.bitspike.autograd.GradMode;
import org.bitspike.autograd.Var;
import org.bitspike.nn.Layer;
import org.bitspike.nn.Sequential;
import org.bitspike.nn.io.Safetensors;
import org.bitspike.nn.spiking.HoyerNeuron.Options;
import org.bitspike.nn.spiking.HoyerNeuron.RunningTheta;
import org.bitspike.nn.spiking.HoyerSpike.Threshold;
import org.bitspike.nn.train.Regularizer;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The multi-step Hoyer neuron against digest section 2.7: the dynamics of a tiny input over three steps by hand
 * (membrane, spikes, the reset by |v| times the running theta), the leak's gradient by central differences through a
 * smooth stand-in, per-step against shared running thetas, save and load, the observers seeing every step, and the
 * errors for bad input.
 */
class HoyerNeuronTest {
    /** A FLOAT64 neuron with |v| = {@code v} and leak {@code leak}. */
    static HoyerNeuron neuron(int channels, Options options, double v, double leak) {
        HoyerNeuron n = new HoyerNeuron(channels, options, DType.FLOAT64);
        try (GradMode.Scope scope = GradMode.noGrad()) {
            n.spike().clip().value().fill_(v);
            n.leak().value().fill_(leak);
        }
        return n;
    }

    private static final HoyerSpike.Options SPIKE = HoyerSpike.Options.DEFAULT.withMomentum(0.5);

    /**
     * Two samples, two channels, the same input at each step (direct encoding), |v| = 2, leak 0.5, momentum 0.5,
     * channel-wise theta. By hand, with z = m / 2 and theta_c = sum zc^2 / sum zc per channel over the batch:
     * <pre>
     * x = [[1, 1/2], [3, 1]]   (sample 0: channels 0, 1; sample 1)
     * t = 0: m = x;  z = [[.5, .25], [1.5, .5]];  clip = [[.5, .25], [1, .5]]
     *        theta = [(.25 + 1) / 1.5, (.0625 + .25) / .75] = [5/6, 5/12]
     *        o = [[0, 0], [1, 1]];  r = (1 + theta) / 2 = [11/12, 17/24]
     *        m = m - 2 r o = [[1, 1/2], [3 - 11/6, 1 - 17/12]] = [[1, 1/2], [7/6, -5/12]]
     * t = 1: m = m / 2 + x = [[3/2, 3/4], [43/12, 19/24]];  z = [[3/4, 3/8], [43/24, 19/48]]
     *        clip = [[3/4, 3/8], [1, 19/48]];  theta_0 = (9/16 + 1) / (7/4) = 25/28, theta_1 = (9/64 + 361/2304) / (37/48)
     *        o = [[0, 0], [1, 1]] (3/8 < theta_1 = 0.3856.. < 19/48)
     *        r_0 = (11/12 + 25/28) / 2;  sample 1 channel 0 resets to 43/12 - 2 r_0
     * t = 2: by the same rules (the reference loop below)
     * </pre>
     */
    @Test
    void threeStepsOfATinyInputFollowTheDynamicsByHand() {
        HoyerNeuron n = neuron(2, Options.shared(SPIKE).withStepMode(StepMode.MULTI), 2, 0.5);
        n.train();
        double[][] x = {{1, 0.5}, {3, 1}};
        Tensor step = Tensor.of(new double[] {1, 0.5, 3, 1}, 2, 2);
        List<Tensor> membranes = new ArrayList<>();
        Tensor out = n.forward(Encoders.direct(step, 1)).value();
        membranes.add(n.state().value());
        for (int t = 1; t < 3; t++) {
            out = Tensor.cat(0, out, n.forward(Encoders.direct(step, 1)).value());
            membranes.add(n.state().value());
        }
        // the first step and a few values of the second, literally from the javadoc
        assertArrayEquals(new double[] {0, 0, 1, 1}, out.select(0, 0).toDoubleArray());
        assertArrayEquals(new double[] {1, 0.5, 7.0 / 6, -5.0 / 12}, membranes.get(0).toDoubleArray(), 1e-15);
        assertArrayEquals(new double[] {0, 0, 1, 1}, out.select(0, 1).toDoubleArray());
        double r0 = (11.0 / 12 + 25.0 / 28) / 2;
        assertEquals(43.0 / 12 - 2 * r0, membranes.get(1).toDoubleArray()[2], 1e-14);
        assertEquals(1.5, membranes.get(1).toDoubleArray()[0], 1e-15);
        // every value of the three steps against the reference loop, and the running theta after them
        Reference ref = Reference.run(x, 3, 2, 0.5, 0.5);
        for (int t = 0; t < 3; t++) {
            assertArrayEquals(ref.spikes[t], out.select(0, t).toDoubleArray(), "spikes at step " + t);
            assertArrayEquals(ref.membranes[t], membranes.get(t).toDoubleArray(), 1e-14, "membrane after step " + t);
        }
        assertArrayEquals(ref.running, n.spike().runningTheta().toDoubleArray(), 1e-15, "running theta");
    }

    /** The digest's dynamics written out in plain doubles, channel-wise theta, for {@code x[n][c]} repeated T times. */
    private record Reference(double[][] spikes, double[][] membranes, double[] running) {
        static Reference run(double[][] x, int steps, double v, double leak, double momentum) {
            int batch = x.length;
            int channels = x[0].length;
            double[][] m = new double[batch][channels];
            double[] running = new double[channels];
            java.util.Arrays.fill(running, 1);
            double[][] spikes = new double[steps][batch * channels];
            double[][] membranes = new double[steps][batch * channels];
            for (int t = 0; t < steps; t++) {
                for (int n = 0; n < batch; n++) {
                    for (int c = 0; c < channels; c++) {
                        m[n][c] = t == 0 ? x[n][c] : leak * m[n][c] + x[n][c];
                    }
                }
                for (int c = 0; c < channels; c++) {
                    double l1 = 0;
                    double l2 = 0;
                    for (int n = 0; n < batch; n++) {
                        double zc = Math.min(1, Math.max(0, m[n][c] / v));
                        l1 += zc;
                        l2 += zc * zc;
                    }
                    double theta = l1 == 0 ? 1 : l2 / l1;
                    running[c] = (1 - momentum) * running[c] + momentum * theta;
                    for (int n = 0; n < batch; n++) {
                        double o = m[n][c] / v >= theta ? 1 : 0;
                        spikes[t][n * channels + c] = o;
                        m[n][c] -= v * running[c] * o;
                        membranes[t][n * channels + c] = m[n][c];
                    }
                }
            }
            return new Reference(spikes, membranes, running);
        }
    }

    /** In evaluation the neuron fires at |v| r and resets by exactly that: a layer-wise threshold, by hand. */
    @Test
    void inEvaluationTheRunningThetaIsBothThresholdAndReset() {
        HoyerNeuron n = neuron(3, Options.shared(SPIKE.withThreshold(Threshold.LAYER)), 0.5, 1);
        try (GradMode.Scope scope = GradMode.noGrad()) {
            n.spike().runningTheta().fill_(0.8); // threshold |v| r = 0.4
        }
        n.eval();
        Tensor x = Tensor.of(new double[] {0.25, 0.5, -1}, 1, 3);
        assertArrayEquals(new double[] {0, 1, 0}, n.forward(x).value().toDoubleArray());
        assertArrayEquals(new double[] {0.25, 0.1, -1}, n.state().value().toDoubleArray(), 1e-15);
        assertArrayEquals(new double[] {1, 1, 0}, n.forward(x).value().toDoubleArray()); // 0.5 and 0.6
        assertArrayEquals(new double[] {0.1, 0.2, -2}, n.state().value().toDoubleArray(), 1e-15);
        assertEquals(0.8, n.spike().runningTheta().itemDouble(), "evaluation leaves the running theta");
    }

    /** The unrolled neuron with a smooth spike, in evaluation: its gradients to the input and the leak. */
    private static List<Var> unrolled(HoyerNeuron n, Var[] in) {
        n.resetState();
        Var out = n.forwardWith(Map.of("leak", in[1]), in[0]);
        return List.of(out, n.state());
    }

    /**
     * The leak's gradient through time, dm[t]/dlambda = m[t-1] chained through every later step and the reset, and
     * the input's, by central differences in FLOAT64: the spike replaced by a smooth function of z - theta (the
     * reset then subtracts a smooth amount; |v| is detached in the reset by design, so v is not checked here). The
     * stand-in runs the same charge and reset code as the real neuron; only the spike differs.
     */
    @Test
    void theLeaksGradientThroughTimeMatchesFiniteDifferences() {
        int seed = 0;
        for (Surrogate s : List.of(Surrogate.sigmoid(4), Surrogate.arctan(2))) {
            // NOTE: a detached reset drops a path on purpose, so it is no derivative finite differences could check
            for (Options o : List.of(Options.shared(SPIKE), Options.perStep(SPIKE.withThreshold(Threshold.LAYER), 4))) {
                HoyerNeuron n = neuron(3, o.withStepMode(StepMode.MULTI), 1.3, 0.9).smoothStandIn(s);
                try (GradMode.Scope scope = GradMode.noGrad()) {
                    n.spike().runningTheta().copy_(Tensor.rand(RandomKey.of(seed), DType.FLOAT64,
                            n.spike().runningTheta().shape()).mul(0.6).add(0.2));
                }
                n.eval();
                Tensor x = Tensor.randn(RandomKey.of(seed + 1), DType.FLOAT64, 4, 2, 3).mul(0.8).add(0.4);
                seed += 2;
                Tensor leak = Tensor.scalar(DType.FLOAT64, 0.85);
                GradCheck.checkOutputs("HoyerNeuron " + s + " " + o.running(),
                        in -> unrolled(n, in), GradCheck.Options.defaults(), x, leak);
            }
        }
    }

    /** The real neuron's leak gradient is that of the smooth model's graph: non-zero and flowing through time. */
    @Test
    void theLeakLearnsFromLaterSteps() {
        HoyerNeuron n = neuron(2, Options.shared(SPIKE).withStepMode(StepMode.MULTI), 1, 1);
        n.train();
        Tensor x = Tensor.randn(RandomKey.of(7), DType.FLOAT64, 3, 4, 2, 3).mul(1.2).add(0.6);
        n.forward(x).sum().backward();
        assertNotNull(n.leak().grad());
        assertNotEquals(0.0, n.leak().grad().value().itemDouble());
        HoyerNeuron oneStep = neuron(2, Options.shared(SPIKE).withStepMode(StepMode.MULTI), 1, 1);
        oneStep.forward(x.narrow(0, 0, 1)).sum().backward();
        assertTrue(oneStep.leak().grad() == null || oneStep.leak().grad().value().itemDouble() == 0,
                "one step has nothing to leak");
    }

    /** Truncated BPTT every 2 steps: steps 2 and 3 get no gradient from inputs 0 and 1, and do without truncation. */
    @Test
    void truncationCutsTheGradientThroughTheMembrane() {
        for (int k : new int[] {0, 2}) {
            HoyerNeuron n = neuron(2, Options.shared(SPIKE).withStepMode(StepMode.MULTI).withDetachEvery(k), 1, 0.9)
                    .smoothStandIn(Surrogate.sigmoid(4));
            n.eval();
            Var x = Var.withGrad(Tensor.randn(RandomKey.of(9), DType.FLOAT64, 4, 3, 2).add(0.5));
            n.forward(x).narrow(0, 2, 2).sum().backward();
            double early = x.grad().value().narrow(0, 0, 2).abs().sum().itemDouble();
            double late = x.grad().value().narrow(0, 2, 2).abs().sum().itemDouble();
            assertTrue(late > 0, "k = " + k);
            assertEquals(k == 2, early == 0, "k = " + k + ": gradient to steps 0 and 1 is " + early);
        }
    }

    // ------------------------------------------------------------------ running thetas

    /** The batch theta of every step, as the spike's observers see it. */
    private static List<Tensor> thetas(HoyerNeuron n, Tensor x) {
        List<Tensor> thetas = new ArrayList<>();
        var handle = n.spike().observe(e -> thetas.add(e.theta()));
        n.forward(x);
        handle.remove();
        return thetas;
    }

    @Test
    void perStepRunningThetasMoveOnlyWithTheirStepAndTheSharedOneWithEvery() {
        for (Threshold mode : List.of(Threshold.CHANNEL_WISE, Threshold.LAYER)) {
            HoyerSpike.Options spike = HoyerSpike.Options.DEFAULT.withThreshold(mode);
            HoyerNeuron perStep = neuron(3, Options.perStep(spike, 3).withStepMode(StepMode.MULTI), 1, 1);
            HoyerNeuron shared = neuron(3, Options.shared(spike).withStepMode(StepMode.MULTI), 1, 1);
            int[] one = mode == Threshold.CHANNEL_WISE ? new int[] {3} : new int[0];
            assertArrayEquals(one, shared.spike().runningTheta().shape());
            assertArrayEquals(mode == Threshold.CHANNEL_WISE ? new int[] {3, 3} : new int[] {3},
                    perStep.spike().runningTheta().shape());
            Tensor x = Tensor.randn(RandomKey.of(11), DType.FLOAT64, 3, 4, 3, 2).mul(1.5).add(0.3);
            List<Tensor> p = thetas(perStep, x);
            List<Tensor> s = thetas(shared, x);
            assertEquals(3, p.size(), "the observers see every step");
            Tensor expectedShared = Tensor.ones(DType.FLOAT64, one);
            for (int t = 0; t < 3; t++) {
                // NOTE: the running update is (1 - m) r + m theta with m = 0.1, one multiply-add per step
                assertArrayEquals(Tensor.ones(DType.FLOAT64, one).mul(0.9).add(p.get(t).mul(0.1)).toDoubleArray(),
                        perStep.spike().runningTheta().select(0, t).toDoubleArray(), 1e-15, mode + " step " + t);
                expectedShared = expectedShared.mul(0.9).add(s.get(t).mul(0.1));
            }
            assertArrayEquals(expectedShared.toDoubleArray(), shared.spike().runningTheta().toDoubleArray(), 1e-15);
            // evaluation: step t fires at (and resets by) its own running theta
            perStep.eval();
            perStep.resetState();
            List<Tensor> evalThetas = thetas(perStep, x);
            for (int t = 0; t < 3; t++) {
                assertArrayEquals(perStep.spike().runningTheta().select(0, t).toDoubleArray(),
                        evalThetas.get(t).toDoubleArray(), mode + " evaluation step " + t);
            }
        }
    }

    /** Leak, v and the running thetas survive a safetensors round trip: the restored neuron runs bit for bit alike. */
    @Test
    void theStateDictRoundTripRestoresLeakClipAndRunningThetas(@TempDir Path dir) throws IOException {
        int k = 0;
        for (Options o : List.of(Options.shared(SPIKE), Options.perStep(SPIKE, 2))) {
            HoyerNeuron trained = neuron(3, o.withStepMode(StepMode.MULTI), 0.7, 0.8);
            Tensor x = Tensor.randn(RandomKey.of(20 + k), DType.FLOAT64, 2, 5, 3, 2).add(0.4);
            for (int i = 0; i < 3; i++) {
                trained.resetState();
                trained.forward(x);
            }
            Path file = dir.resolve("neuron" + k++ + ".safetensors");
            Safetensors.write(file, trained.stateDict());
            HoyerNeuron restored = new HoyerNeuron(3, o.withStepMode(StepMode.MULTI), DType.FLOAT64);
            restored.load(Safetensors.read(file).tensors());
            assertEquals(List.of("leak", "spike.v", "spike.runningTheta"), List.copyOf(restored.stateDict().keySet()));
            for (var e : trained.stateDict().entrySet()) {
                assertArrayEquals(e.getValue().toDoubleArray(), restored.stateDict().get(e.getKey()).toDoubleArray(),
                        e.getKey());
            }
            trained.eval();
            restored.eval();
            trained.resetState();
            assertArrayEquals(trained.forward(x).value().toDoubleArray(), restored.forward(x).value().toDoubleArray());
            assertArrayEquals(trained.state().value().toDoubleArray(), restored.state().value().toDoubleArray());
        }
        // a per-step state does not load into a shared neuron: the shapes are named
        HoyerNeuron perStep = new HoyerNeuron(3, Options.perStep(SPIKE, 2), DType.FLOAT64);
        HoyerNeuron shared = new HoyerNeuron(3, Options.shared(SPIKE), DType.FLOAT64);
        String m = assertThrows(IllegalArgumentException.class, () -> shared.load(perStep.stateDict())).getMessage();
        assertTrue(m.contains("spike.runningTheta") && m.contains("[2, 3]") && m.contains("[3]"), m);
    }

    // ------------------------------------------------------------------ state and observers

    @Test
    void oneResetCoversBothKindsOfNeuron() {
        HoyerNeuron hoyer = new HoyerNeuron(2, Options.shared(SPIKE));
        IFNeuron plain = new IFNeuron();
        Layer model = new Sequential(hoyer, plain);
        model.forward(Tensor.randn(RandomKey.of(3), DType.FLOAT32, 4, 2).add(1));
        assertNotNull(hoyer.state());
        assertNotNull(plain.state());
        assertEquals(1, hoyer.steps());
        assertEquals(2, Neuron.resetStates(model));
        assertNull(hoyer.state());
        assertNull(plain.state());
        assertEquals(0, hoyer.steps());
    }

    /** The Hoyer regulariser and spike statistics see every step of a Hoyer neuron. */
    @Test
    void theRegularizerAndStatisticsSeeEveryStep() {
        HoyerNeuron n = neuron(3, Options.shared(SPIKE).withStepMode(StepMode.MULTI), 1, 1);
        Layer model = new Sequential(n);
        Tensor x = Tensor.randn(RandomKey.of(5), DType.FLOAT64, 4, 2, 3, 2).add(0.5);
        double sum = 0;
        HoyerNeuron single = neuron(3, Options.shared(SPIKE), 1, 1);
        for (int t = 0; t < 4; t++) { // the terms of the steps one at a time
            try (HoyerRegularizer hoyer = HoyerRegularizer.attach(single, HoyerRegularizer.Options.sum(1));
                    Regularizer.Step step = hoyer.begin()) {
                single.forward(x.select(0, t));
                sum += step.penalty().value().itemDouble();
            }
        }
        try (HoyerRegularizer hoyer = HoyerRegularizer.attach(model, HoyerRegularizer.Options.sum(1));
                SpikeStatistics stats = SpikeStatistics.attach(model);
                Regularizer.Step step = hoyer.begin()) {
            Tensor spikes = model.forward(x).value();
            assertEquals(sum, step.penalty().value().itemDouble(), 1e-12 * sum);
            assertEquals(spikes.mean().itemDouble(), stats.layers().get(0).firingRate(true), 1e-15);
        }
    }

    // ------------------------------------------------------------------ bad input

    @Test
    void badInputGetsAnErrorNamingWhatAndWhere() {
        HoyerNeuron multi = new HoyerNeuron(3, Options.shared(SPIKE).withStepMode(StepMode.MULTI));
        String m = assertThrows(IllegalArgumentException.class, () -> multi.forward(Tensor.zeros(0, 2, 3))).getMessage();
        assertTrue(m.contains("HoyerNeuron") && m.contains("T = 0") && m.contains("[0, 2, 3]"), m);
        m = assertThrows(IllegalArgumentException.class, () -> multi.forward(Tensor.zeros(2, 2, 4))).getMessage();
        assertTrue(m.contains("HoyerNeuron") && m.contains("[N, 3, ...]") && m.contains("[2, 4]"), m);
        multi.forward(Tensor.zeros(2, 2, 3));
        m = assertThrows(IllegalArgumentException.class, () -> multi.forward(Tensor.zeros(2, 5, 3))).getMessage();
        assertTrue(m.contains("HoyerNeuron") && m.contains("[2, 3]") && m.contains("[5, 3]") && m.contains("resetState()"), m);

        HoyerNeuron perStep = new HoyerNeuron(3, Options.perStep(SPIKE, 2).withStepMode(StepMode.MULTI));
        Tensor before = perStep.spike().runningTheta().contiguous();
        m = assertThrows(IllegalArgumentException.class, () -> perStep.forward(Tensor.ones(3, 2, 3))).getMessage();
        assertTrue(m.contains("T = 2") && m.contains("steps 0 to 2") && m.contains("SHARED"), m);
        assertEquals(0, perStep.steps(), "a refused sequence runs nothing");
        assertArrayEquals(before.toDoubleArray(), perStep.spike().runningTheta().toDoubleArray());
        HoyerNeuron perStepSingle = new HoyerNeuron(3, Options.perStep(SPIKE, 2));
        perStepSingle.forward(Tensor.ones(2, 3));
        perStepSingle.forward(Tensor.ones(2, 3));
        m = assertThrows(IllegalArgumentException.class, () -> perStepSingle.forward(Tensor.ones(2, 3))).getMessage();
        assertTrue(m.contains("T = 2") && m.contains("steps 2 to 2") && m.contains("resetState()"), m);
        perStepSingle.resetState();
        perStepSingle.forward(Tensor.ones(2, 3));

        m = assertThrows(IllegalArgumentException.class, () -> Options.perStep(SPIKE, 0)).getMessage();
        assertTrue(m.contains("T = 0"), m);
        m = assertThrows(IllegalArgumentException.class,
                () -> new Options(SPIKE, RunningTheta.SHARED, 3, StepMode.SINGLE, 0, false)).getMessage();
        assertTrue(m.contains("steps 0") && m.contains("3"), m);
        m = assertThrows(IllegalArgumentException.class, () -> Options.shared(SPIKE).withDetachEvery(-1)).getMessage();
        assertTrue(m.contains("detachEvery") && m.contains("-1"), m);
        m = assertThrows(IllegalArgumentException.class, () -> new HoyerNeuron(0, Options.shared(SPIKE))).getMessage();
        assertTrue(m.contains("channels") && m.contains("0"), m);
        m = assertThrows(IllegalArgumentException.class, () -> new FoldedTime(0, multi)).getMessage();
        assertTrue(m.contains("FoldedTime") && m.contains("0"), m);
        m = assertThrows(IllegalArgumentException.class, () -> new DirectSteps(0, multi)).getMessage();
        assertTrue(m.contains("DirectSteps") && m.contains("0"), m);
        m = assertThrows(IllegalArgumentException.class, () -> MultiStepHoyerKinds.papers(0)).getMessage();
        assertTrue(m.contains("MultiStepHoyerKinds") && m.contains("0"), m);
        m = assertThrows(IllegalArgumentException.class, () -> new FoldedTime(2, multi).forward(Tensor.zeros(3, 3)))
                .getMessage();
        assertTrue(m.contains("FoldedTime") && m.contains("[3, 3]") && m.contains("T = 2"), m);
        // the spike of a per-step neuron cannot be run alone: it has no single running theta
        m = assertThrows(IllegalArgumentException.class, () -> perStep.spike().forward(Tensor.ones(2, 3))).getMessage();
        assertTrue(m.contains("HoyerNeuron") && m.contains("per time step"), m);
    }
}
