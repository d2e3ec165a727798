package org.bitspike.nn.spiking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bitspike.autograd.GradMode;
import org.bitspike.autograd.HookHandle;
import org.bitspike.autograd.Var;
import org.bitspike.nn.Sequential;
import org.bitspike.nn.io.Safetensors;
import org.bitspike.nn.spiking.HoyerSpike.Options;
import org.bitspike.nn.spiking.HoyerSpike.Threshold;
import org.bitspike.nn.train.Regularizer;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.bitspike.testing.Nd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Hoyer spike layer against digest sections 2.2-2.4 through its public API: the backward in
 * closed form, the running theta (momentum, evaluation, the empty-channel guard, save and load),
 * and FLOAT32 against FLOAT64.
 */
class HoyerSpikeTest {
    private static HoyerSpike layer(int channels, Options options, DType dtype, double v) {
        HoyerSpike l = new HoyerSpike(channels, options, dtype);
        try (GradMode.Scope scope = GradMode.noGrad()) {
            l.clip().value().fill_(v);
        }
        return l;
    }

    /** Standard normal potentials times {@code scale} (FLOAT64). */
    private static Tensor potentials(long seed, double scale, int... shape) {
        return Tensor.randn(RandomKey.of(seed), DType.FLOAT64, shape).mul(scale);
    }

    // ------------------------------------------------------------------ backward (digest 2.3)

    /**
     * du = g h 1[lo < z <= hi] / |v| and dv = sum g h 1[lo < z <= hi] (-z / v), z = u / |v|: the
     * window on z, its height, and nothing through theta (a theta gradient would change both).
     */
    @Test
    void theBackwardIsTheClosedFormOfDigest23ForEitherSignOfV() {
        int k = 0;
        for (double v : new double[] {0.7, -1.3}) {
            for (Options options : List.of(Options.DEFAULT, Options.DEFAULT.withWindow(0, 1),
                    Options.DEFAULT.withThreshold(Threshold.LAYER).withScale(0.8))) {
                Surrogate.Rectangle window = (Surrogate.Rectangle) options.surrogate();
                HoyerSpike spike = layer(3, options, DType.FLOAT64, v);
                spike.train();
                Tensor u = potentials(100 + k, 1.5, 4, 3, 5, 5);
                Tensor g = potentials(200 + k, 1, 4, 3, 5, 5);
                k++;
                Var x = Var.withGrad(u);
                spike.forward(x).backward(g);
                double[] us = u.toDoubleArray();
                double[] gs = g.toDoubleArray();
                double[] du = new double[us.length];
                double dv = 0;
                double scale = 0;
                for (int i = 0; i < us.length; i++) {
                    double z = us[i] / Math.abs(v);
                    double d = gs[i] * window.derivative(z);
                    du[i] = d / Math.abs(v);
                    dv += d * (-z / v);
                    scale += Math.abs(d * z / v);
                }
                String what = "v " + v + ", " + options;
                assertArrayEquals(du, x.grad().value().toDoubleArray(), 1e-15, what + ": du");
                assertEquals(dv, spike.clip().grad().itemDouble(), 1e-13 * scale, what + ": dv");
                assertTrue(Math.abs(dv) > 1e-3, what + ": dv is too small to mean anything: " + dv);
            }
        }
    }

    // ------------------------------------------------------------------ the running theta

    /** The thetas a layer's forwards used, as the layer reports them. */
    private static List<Tensor> recordThetas(HoyerSpike spike) {
        List<Tensor> thetas = new ArrayList<>();
        spike.observe(e -> thetas.add(e.theta().contiguous()));
        return thetas;
    }

    /**
     * Dyadic inputs and momentum 0.25, so every value is exact whatever the order of operations:
     * batch 1 has channel thetas 0.625 ([0.25, 0.75]) and 0.5 ([0.5, -1]); batch 2 has 0.5 ([0.5,
     * 0.5]) and 1.0 (channel 1 has no positive entry: 1.0, never NaN).
     */
    @Test
    void theRunningThetaMovesByTheMomentumInTrainingOnly() {
        HoyerSpike spike = layer(2, Options.DEFAULT.withMomentum(0.25), DType.FLOAT64, 1);
        spike.train();
        List<Tensor> thetas = recordThetas(spike);
        assertArrayEquals(new double[] {1, 1}, spike.runningTheta().toDoubleArray(), "initial running theta");
        spike.forward(Tensor.of(new double[] {0.25, 0.5, 0.75, -1}, 2, 2, 1, 1));
        assertArrayEquals(new double[] {0.625, 0.5}, thetas.get(0).toDoubleArray(), "batch 1 theta");
        assertArrayEquals(new double[] {0.90625, 0.875}, spike.runningTheta().toDoubleArray(), "after step 1");
        Var out = spike.forward(Tensor.of(new double[] {0.5, -1, 0.5, -2}, 2, 2, 1, 1));
        assertArrayEquals(new double[] {0.5, 1.0}, thetas.get(1).toDoubleArray(), "batch 2 theta");
        assertArrayEquals(new double[] {0.8046875, 0.90625}, spike.runningTheta().toDoubleArray(), "after step 2");
        assertArrayEquals(new double[] {1, 0, 1, 0}, out.value().toDoubleArray(), "z >= theta fires (0.5 >= 0.5)");

        // evaluation: the running theta decides, and stays as it is
        spike.eval();
        Tensor before = spike.runningTheta().copy();
        Var eval = spike.forward(Tensor.of(new double[] {0.8, 0.95, 0.81, 0.9, 2, -3}, 3, 2, 1, 1));
        assertArrayEquals(new double[] {0.8046875, 0.90625}, thetas.get(2).toDoubleArray(), "evaluation theta");
        assertArrayEquals(new double[] {0, 1, 1, 0, 1, 0}, eval.value().toDoubleArray(), "evaluation spikes");
        assertArrayEquals(before.toDoubleArray(), spike.runningTheta().toDoubleArray(), "evaluation updated the theta");
    }

    /** The default momentum 0.1, layer-wise, on random batches: r = 0.9 r + 0.1 theta, twice. */
    @Test
    void theDefaultMomentumIsOneTenthOfTheNewValue() {
        HoyerSpike spike = layer(3, Options.DEFAULT.withThreshold(Threshold.LAYER), DType.FLOAT64, 1.2);
        spike.train();
        double running = 1;
        for (int step = 0; step < 2; step++) {
            Tensor u = potentials(300 + step, 1, 5, 3);
            spike.forward(u);
            double l1 = 0;
            double l2 = 0;
            for (double p : u.toDoubleArray()) {
                double z = Math.min(Math.max(p / 1.2, 0), 1);
                l1 += z;
                l2 += z * z;
            }
            running = 0.9 * running + 0.1 * (l2 / l1);
            assertEquals(0, spike.runningTheta().dim(), "a layer-wise running theta is 0-d");
            assertEquals(running, spike.runningTheta().itemDouble(), 1e-15, "after step " + (step + 1));
        }
    }

    /** No positive entry anywhere (all negative, or all zero): theta 1.0 in every mode, never NaN. */
    @Test
    void aSliceWithoutPositiveEntryHasThetaOne() {
        for (Threshold t : Threshold.values()) {
            HoyerSpike spike = layer(2, Options.DEFAULT.withThreshold(t).withMomentum(1), DType.FLOAT64, 1);
            spike.train();
            List<Tensor> thetas = recordThetas(spike);
            Var zeros = spike.forward(Tensor.zeros(DType.FLOAT64, 3, 2, 2, 2));
            spike.forward(Tensor.full(DType.FLOAT64, -0.5, 3, 2));
            for (Tensor theta : thetas) {
                for (double th : theta.toDoubleArray()) {
                    assertEquals(1.0, th, t + ": theta");
                }
            }
            for (double r : spike.runningTheta().toDoubleArray()) {
                assertEquals(1.0, r, t + ": running theta");
            }
            assertEquals(0, zeros.value().sum().itemDouble(), t + ": z = 0 < theta = 1 does not fire");
        }
    }

    /** Saved with the model, restored exactly; a checkpoint of another granularity is refused by name. */
    @Test
    void theRunningThetaIsSavedAndRestored(@TempDir Path dir) throws IOException {
        Sequential model = new Sequential(layer(4, Options.DEFAULT, DType.FLOAT32, 0.9));
        model.train();
        for (int step = 0; step < 3; step++) {
            model.forward(potentials(400 + step, 1, 6, 4, 3, 3).to(DType.FLOAT32));
        }
        Path file = dir.resolve("hoyer.safetensors");
        Safetensors.write(file, model.stateDict());
        Sequential restored = new Sequential(new HoyerSpike(4, Options.DEFAULT));
        restored.load(Safetensors.read(file).tensors());
        HoyerSpike a = (HoyerSpike) model.children().get("0");
        HoyerSpike b = (HoyerSpike) restored.children().get("0");
        assertArrayEquals(a.runningTheta().toDoubleArray(), b.runningTheta().toDoubleArray(), 0, "running theta");
        assertNotEquals(1.0, b.runningTheta().toDoubleArray()[0], "the saved theta was the initial one");
        assertEquals(a.clip().itemDouble(), b.clip().itemDouble(), 0, "v");
        model.eval();
        restored.eval();
        Tensor u = potentials(410, 1, 2, 4, 3, 3).to(DType.FLOAT32);
        assertArrayEquals(model.forward(u).value().toDoubleArray(), restored.forward(u).value().toDoubleArray(), 0,
                "evaluation spikes of the restored model");

        Sequential layerWise = new Sequential(new HoyerSpike(4, Options.DEFAULT.withThreshold(Threshold.LAYER)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> layerWise.load(Safetensors.read(file).tensors()));
        assertContains(e.getMessage(), "0.runningTheta", "[4]", "[]");
        IllegalArgumentException back = assertThrows(IllegalArgumentException.class,
                () -> model.load(layerWise.stateDict()));
        assertContains(back.getMessage(), "0.runningTheta", "[]", "[4]");
    }

    /**
     * A layer-wise and a fixed layer have state of the same shapes, so a layer-wise checkpoint loads
     * into a fixed layer; the fixed layer must still compare with 1 in evaluation, not with the
     * running theta it was handed.
     */
    @Test
    void aFixedThresholdIsOneInEvaluationWhateverACheckpointHolds() {
        HoyerSpike layerWise = layer(2, Options.DEFAULT.withThreshold(Threshold.LAYER).withMomentum(1), DType.FLOAT64, 1);
        layerWise.train();
        layerWise.forward(Tensor.of(new double[] {0.5, 0.5, -1, -1}, 2, 2));
        assertEquals(0.5, layerWise.runningTheta().itemDouble(), "the layer-wise checkpoint's theta");
        HoyerSpike fixed = layer(2, Options.DEFAULT.withThreshold(Threshold.FIXED), DType.FLOAT64, 1);
        fixed.load(layerWise.stateDict());
        fixed.eval();
        Var out = fixed.forward(Tensor.of(new double[] {0.75, 1, 1.5, 0.25}, 2, 2));
        assertArrayEquals(new double[] {0, 1, 1, 0}, out.value().toDoubleArray(), "fixed: z >= 1");
    }

    // ------------------------------------------------------------------ FLOAT32 against FLOAT64

    /**
     * The same FLOAT32-representable potentials through a FLOAT32 and a FLOAT64 layer (two training
     * steps and an evaluation, with the regulariser): theta, running theta, penalty and gradients
     * agree to FLOAT32 accuracy; spikes agree except within 1e-5 relative of the threshold, where
     * FLOAT32 rounding may decide differently.
     */
    @Test
    void float32AgreesWithFloat64AwayFromTheThreshold() {
        for (Options options : List.of(Options.DEFAULT, Options.DEFAULT.withThreshold(Threshold.LAYER).withScale(0.9))) {
            HoyerSpike wide = layer(4, options, DType.FLOAT64, -0.85);
            HoyerSpike narrow = layer(4, options, DType.FLOAT32, -0.85);
            List<Tensor> wideThetas = recordThetas(wide);
            List<Tensor> narrowThetas = recordThetas(narrow);
            int compared = 0;
            for (int step = 0; step < 3; step++) {
                boolean training = step < 2;
                for (HoyerSpike l : List.of(wide, narrow)) {
                    if (training) {
                        l.train();
                    } else {
                        l.eval();
                    }
                }
                Tensor u32 = potentials(500 + step, 1, 8, 4, 6, 6).to(DType.FLOAT32);
                Tensor w = potentials(600 + step, 1, 8, 4, 6, 6);
                Step a = step(wide, u32.to(DType.FLOAT64), w);
                Step b = step(narrow, u32, w.to(DType.FLOAT32));
                String what = options.threshold() + " step " + step;
                assertEquals(DType.FLOAT32, b.spikes().dtype(), what);
                assertClose(wideThetas.get(step), narrowThetas.get(step), 1e-5, what + ": theta");
                assertClose(wide.runningTheta(), narrow.runningTheta(), 1e-5, what + ": running theta");
                assertEquals(a.penalty(), b.penalty(), 1e-5 * a.penalty(), what + ": penalty");
                assertClose(a.du(), b.du(), 1e-4, what + ": du");
                assertEquals(a.dv(), b.dv(), 1e-4 * a.dvScale(), what + ": dv");
                double[] z = u32.to(DType.FLOAT64).div(0.85).toDoubleArray();
                double[] threshold = wideThetas.get(step).mul(options.scale()).toDoubleArray();
                double[] sa = a.spikes().toDoubleArray();
                double[] sb = b.spikes().toDoubleArray();
                int inner = 36;
                for (int i = 0; i < z.length; i++) {
                    double th = threshold[threshold.length == 1 ? 0 : i / inner % 4];
                    if (Math.abs(z[i] - th) > 1e-5 * th) {
                        assertEquals(sa[i], sb[i], what + ": spike " + i + " (z " + z[i] + ", threshold " + th + ")");
                        compared++;
                    }
                }
            }
            assertTrue(compared > 3 * 8 * 4 * 36 * 0.99, "only " + compared + " spikes compared");
        }
    }

    /** One forward, loss sum(spikes * w) + penalty, backward: what the FLOAT32 comparison looks at. */
    private record Step(Tensor spikes, double penalty, Tensor du, double dv, double dvScale) {
    }

    private static Step step(HoyerSpike spike, Tensor u, Tensor w) {
        spike.zeroGrad();
        Var x = Var.withGrad(u);
        try (HoyerRegularizer hoyer = HoyerRegularizer.attach(spike, HoyerRegularizer.Options.mean(1));
                Regularizer.Step step = hoyer.begin()) {
            Var out = spike.forward(x);
            Var penalty = step.penalty();
            out.mul(Var.of(w)).sum().add(penalty).backward();
            // the scale of dv: the sum of the magnitudes of its terms, through the surrogate window
            double[] z = u.to(DType.FLOAT64).div(Math.abs(spike.clip().itemDouble())).toDoubleArray();
            double[] ws = w.toDoubleArray();
            double scale = 0;
            for (int i = 0; i < z.length; i++) {
                scale += Math.abs(ws[i] * z[i]);
            }
            return new Step(out.value(), penalty.itemDouble(), x.grad().value(), spike.clip().grad().itemDouble(),
                    scale / Math.abs(spike.clip().itemDouble()));
        }
    }

    // ------------------------------------------------------------------ observers and perturbations

    /** What an observer sees: u, v, z = u / |v|, theta, s theta shaped for z, the spikes, the mode. */
    @Test
    void observersSeeTheForwardAndPerturbationsReplaceThePotential() {
        HoyerSpike spike = layer(3, Options.DEFAULT.withScale(0.5), DType.FLOAT64, -2);
        spike.train();
        List<SpikeEvent> events = new ArrayList<>();
        HookHandle handle = spike.observe(events::add);
        Tensor u = potentials(700, 1, 2, 3, 2, 2);
        Var out = spike.forward(u);
        SpikeEvent e = events.get(0);
        assertEquals(spike, e.layer());
        assertTrue(e.training());
        assertArrayEquals(u.toDoubleArray(), e.potential().value().toDoubleArray(), 0);
        assertArrayEquals(u.div(2).toDoubleArray(), e.normalised().toDoubleArray(), 1e-16);
        assertEquals(-2, e.clip().itemDouble());
        assertArrayEquals(new int[] {1, 3, 1, 1}, e.threshold().shape());
        assertArrayEquals(e.theta().mul(0.5).toDoubleArray(), e.threshold().toDoubleArray(), 0);
        assertArrayEquals(out.value().toDoubleArray(), e.spikes().value().toDoubleArray(), 0);
        assertArrayEquals(naive(u, -2, Threshold.CHANNEL_WISE, 0.5), out.value().toDoubleArray(), 0);

        HookHandle noise = spike.perturb(p -> p.add(1));
        Var perturbed = spike.forward(u);
        assertArrayEquals(u.add(1).toDoubleArray(), events.get(1).potential().value().toDoubleArray(), 0);
        assertArrayEquals(naive(u.add(1), -2, Threshold.CHANNEL_WISE, 0.5), perturbed.value().toDoubleArray(), 0);
        noise.remove();
        handle.remove();
        spike.forward(u);
        assertEquals(2, events.size(), "a removed observer was called");
    }

    private static double[] naive(Tensor u, double v, Threshold t, double scale) {
        return SpikingOpTable.naiveHoyerSpike(Nd.of(u), v, t, scale).data();
    }

    // ------------------------------------------------------------------ support

    private static void assertClose(Tensor expected, Tensor actual, double relative, String what) {
        double[] e = expected.toDoubleArray();
        double[] a = actual.toDoubleArray();
        assertEquals(e.length, a.length, what + ": sizes");
        double max = 0;
        for (double v : e) {
            max = Math.max(max, Math.abs(v));
        }
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], a[i], relative * max, what + " element " + i);
        }
    }

    private static void assertContains(String message, String... fragments) {
        for (String f : fragments) {
            assertTrue(message.contains(f), "\"" + message + "\" lacks \"" + f + "\"");
        }
    }

    /** The documented defaults: cw, s = 1, momentum 0.1, window (0, 2] of height 0.5; v = 1; running theta 1. */
    @Test
    void theDefaultsAreTheDocumentedOnes() {
        assertEquals(new Options(Threshold.CHANNEL_WISE, 1, 0.1, Surrogate.rectangle(0, 2, 0.5)), Options.DEFAULT);
        HoyerSpike cw = new HoyerSpike(3, Options.DEFAULT);
        assertEquals(DType.FLOAT32, cw.clip().dtype());
        assertEquals(1.0, cw.clip().itemDouble());
        assertArrayEquals(new double[] {1, 1, 1}, cw.runningTheta().toDoubleArray());
        assertArrayEquals(new int[0], new HoyerSpike(3, Options.DEFAULT.withThreshold(Threshold.FIXED)).runningTheta().shape());
        for (Threshold t : Threshold.values()) {
            assertEquals(t, Threshold.parse(t.label()));
        }
        assertEquals(List.of("cw", "layer", "fixed"), List.of(Threshold.CHANNEL_WISE.label(), Threshold.LAYER.label(),
                Threshold.FIXED.label()));
        assertEquals(Map.of("v", List.of(), "runningTheta", List.of(3)), Map.of("v", shape(cw.stateDict().get("v")),
                "runningTheta", shape(cw.stateDict().get("runningTheta"))));
    }

    private static List<Integer> shape(Tensor t) {
        return java.util.Arrays.stream(t.shape()).boxed().toList();
    }

    /** Review finding 3: a NaN potential is clipped to 0 for theta and the penalty in every dtype, as the fused sums do. */
    @Test
    void aNanPotentialDoesNotPoisonThetaOrThePenaltyInAnyDtype() {
        double[][] thetas = new double[2][];
        double[] penalties = new double[2];
        DType[] dtypes = {DType.FLOAT32, DType.FLOAT64};
        for (int d = 0; d < 2; d++) {
            HoyerSpike spike = new HoyerSpike(2, Options.DEFAULT, dtypes[d]);
            org.bitspike.nn.Sequential model = new org.bitspike.nn.Sequential(spike);
            Tensor u = Tensor.of(new double[] {0.25, Double.NaN, 0.75, 0.5}, 2, 2, 1, 1).to(dtypes[d]);
            try (HoyerRegularizer hoyer = HoyerRegularizer.attach(model, HoyerRegularizer.Options.sum(1));
                    org.bitspike.nn.train.Regularizer.Step step = hoyer.begin()) {
                model.forward(u);
                penalties[d] = step.penalty().itemDouble();
            }
            thetas[d] = spike.runningTheta().to(DType.FLOAT64).toDoubleArray();
        }
        assertArrayEquals(thetas[1], thetas[0], 1e-6);
        assertTrue(Double.isFinite(thetas[1][1]), java.util.Arrays.toString(thetas[1]));
        assertEquals(penalties[1], penalties[0], 1e-6);
        assertTrue(Double.isFinite(penalties[1]));
    }
}
