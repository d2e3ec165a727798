package org.bitspike.nn.spiking;

import static org.bitspike.nn.spiking.StepRuns.bits;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bitspike.autograd.GradMode;
import org.bitspike.autograd.Var;
import org.bitspike.nn.Functional;
import org.bitspike.nn.Layer;
import org.bitspike.nn.accounting.CostTable;
import org.bitspike.nn.accounting.ModelSummary;
import org.bitspike.nn.accounting.OpKind;
import org.bitspike.nn.models.Models;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The zoo's multi-step Hoyer networks ({@link MultiStepHoyerKinds}): with T = 1 they are today's one-step Hoyer
 * networks output for output and gradient for gradient (same weights); with more steps a Hoyer neuron stands where
 * each Hoyer spike stood, every step is counted, and the small VGG trains.
 */
class HoyerNeuronZooTest {
    private static final int N = 4;

    /** A multi-step model's parameter or buffer name as the one-step model calls it (null for the leak). */
    private static String oneStepName(String name) {
        if (name.endsWith(".leak")) {
            return null;
        }
        return name.replaceFirst("^network\\.", "").replace(".layer.spike.", ".");
    }

    private static Map<String, Tensor> gradients(Layer model) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        model.namedParameters().forEach((n, p) -> out.put(n, p.grad() == null ? null : p.grad().value()));
        return out;
    }

    /** Same weights (the one-step model's, with random running thetas), same outputs and gradients, with T = 1. */
    @Test
    void oneStepReproducesTheOneStepHoyerNetworkExactly() {
        for (String name : List.of("vgg-small", "resnet20")) {
            for (HoyerNeuron.RunningTheta running : HoyerNeuron.RunningTheta.values()) {
                int size = name.equals("vgg-small") ? 28 : 32;
                Layer oneStep = Models.create(name, 1, 10, HoyerKinds.papers(), RandomKey.of(3));
                DirectSteps multi = new MultiStepHoyerKinds(HoyerKinds.papers(), running, 1).model(name, 1, 10,
                        RandomKey.of(3));
                Map<String, Tensor> source = oneStep.stateDict();
                try (GradMode.Scope scope = GradMode.noGrad()) {
                    int k = 0;
                    for (var e : source.entrySet()) {
                        if (e.getKey().endsWith("runningTheta")) {
                            e.getValue().copy_(Tensor.rand(RandomKey.of(k++), e.getValue().shape()).mul(0.5).add(0.4));
                        }
                    }
                }
                Map<String, Tensor> mapped = new LinkedHashMap<>();
                int matched = 0;
                for (var e : multi.stateDict().entrySet()) {
                    String old = oneStepName(e.getKey());
                    Tensor value = old == null ? e.getValue() : source.get(old);
                    assertNotNull(value, name + ": no one-step counterpart of " + e.getKey());
                    // a per-step buffer with T = 1 is the one-step buffer with a leading 1
                    mapped.put(e.getKey(), value.reshape(e.getValue().shape()));
                    matched += old == null ? 0 : 1;
                }
                assertEquals(source.size(), matched, name + ": every one-step entry is used");
                multi.load(mapped);
                Tensor x = Tensor.randn(RandomKey.of(7), N, 1, size, size);
                Tensor y = Tensor.of(new long[] {1, 3, 5, 7}, N);
                for (boolean training : new boolean[] {true, false}) {
                    String what = name + " " + running + (training ? " training" : " evaluation");
                    if (training) {
                        oneStep.train();
                        multi.train();
                    } else {
                        oneStep.eval();
                        multi.eval();
                    }
                    Var a = oneStep.forward(x);
                    Var b = multi.forward(x);
                    assertArrayEquals(bits(a.value()), bits(b.value()), what + ": logits");
                    oneStep.zeroGrad();
                    multi.zeroGrad();
                    Functional.crossEntropy(a, y).backward();
                    Functional.crossEntropy(b, y).backward();
                    Map<String, Tensor> ga = gradients(oneStep);
                    for (var e : gradients(multi).entrySet()) {
                        String old = oneStepName(e.getKey());
                        if (old != null) {
                            Tensor expected = ga.get(old);
                            assertEquals(expected == null, e.getValue() == null, what + ": gradient of " + e.getKey());
                            if (expected != null) {
                                assertArrayEquals(bits(expected), bits(e.getValue()), what + ": gradient of " + e.getKey());
                            }
                        }
                    }
                    Map<String, Tensor> after = oneStep.stateDict();
                    for (var e : multi.stateDict().entrySet()) {
                        String old = oneStepName(e.getKey());
                        if (old != null) {
                            assertArrayEquals(bits(after.get(old)), bits(e.getValue()), what + ": " + e.getKey());
                        }
                    }
                }
            }
        }
    }

    @Test
    void aHoyerNeuronStandsWhereEveryHoyerSpikeStood() {
        for (String name : Models.NAMES) {
            Layer oneStep = Models.create(name, 3, 10, HoyerKinds.papers(), RandomKey.of(2));
            DirectSteps multi = MultiStepHoyerKinds.papers(2).model(name, 3, 10, RandomKey.of(2));
            List<String> spikes = new ArrayList<>();
            oneStep.namedLayers().forEach((n, l) -> {
                if (l instanceof HoyerSpike) {
                    spikes.add(n);
                }
            });
            List<String> neurons = new ArrayList<>();
            multi.namedLayers().forEach((n, l) -> {
                if (l instanceof HoyerNeuron neuron) {
                    neurons.add(n.replaceFirst("^network\\.", "").replaceFirst("\\.layer$", ""));
                    assertEquals(StepMode.MULTI, neuron.options().stepMode());
                    HoyerSpike.Threshold expected = ((HoyerSpike) oneStep.namedLayers().get(neurons.get(neurons.size() - 1)))
                            .options().threshold();
                    assertEquals(expected, neuron.options().spike().threshold(), name + " " + n);
                }
            });
            assertFalse(spikes.isEmpty());
            assertEquals(spikes, neurons, name);
        }
    }

    /** The operations of kind {@code kind} per sample of the rows whose name ends with {@code suffix}. */
    private static double ops(ModelSummary summary, OpKind kind, String suffix) {
        return summary.rows().stream().filter(r -> r.name().endsWith(suffix))
                .mapToDouble(r -> r.opsPerSample().get(kind)).sum();
    }

    /**
     * Two steps with per-step running thetas: the operations of every layer (convolutions, linear layers, spikes) are
     * counted once per step, every parameter is in the summary, every neuron ran two steps, and a few optimiser steps by hand lower the loss while the
     * leak learns.
     */
    @Test
    void theSmallVggRunsTwoStepsCountsThemAndTrains() {
        MultiStepHoyerKinds kinds = new MultiStepHoyerKinds(HoyerKinds.papers(), HoyerNeuron.RunningTheta.PER_STEP, 2);
        DirectSteps model = kinds.model("vgg-small", 1, 10, RandomKey.of(4));
        Tensor x = Tensor.randn(RandomKey.of(8), N, 1, 28, 28);
        Tensor y = Tensor.of(new long[] {0, 1, 2, 3}, N);
        model.eval();
        DirectSteps one = MultiStepHoyerKinds.papers(1).model("vgg-small", 1, 10, RandomKey.of(4));
        one.eval();
        ModelSummary two = ModelSummary.run(model, x, CostTable.horowitz45nm());
        ModelSummary single = ModelSummary.run(one, x, CostTable.horowitz45nm());
        assertEquals(List.of(), two.uncounted());
        for (OpKind kind : List.of(OpKind.MAC, OpKind.CMP)) { // convolutions, linear layers and spikes: once per step
            double perStep = ops(single, kind, "");
            assertTrue(perStep > 0, kind.toString());
            assertEquals(2 * perStep, ops(two, kind, ""), 1e-9 * perStep, kind.toString());
        }
        assertEquals(2 * ops(single, OpKind.CMP, ".spike"), ops(two, OpKind.CMP, ".spike"), 1e-9, "every spike, every step");
        assertTrue(ops(two, OpKind.FLOP, ".layer") > 0, "the neurons' charge and reset are counted");
        long parameters = model.parameters().stream().mapToLong(p -> p.numel()).sum();
        assertEquals(parameters, two.parametersByBits().values().stream().mapToLong(Long::longValue).sum(),
                "every parameter (leak and v included) is in the summary");
        for (var l : model.namedLayers().values()) {
            if (l instanceof HoyerNeuron n) {
                assertEquals(2, n.steps());
            }
        }
        model.train();
        double first = Double.NaN;
        double last = Double.NaN;
        for (int i = 0; i < 8; i++) {
            model.zeroGrad();
            Var loss = Functional.crossEntropy(model.forward(x), y);
            loss.backward();
            if (i == 0) {
                first = loss.value().itemDouble();
                HoyerNeuron n = (HoyerNeuron) model.namedLayers().get("network.features.2.layer");
                assertNotNull(n.leak().grad(), "the leak gets a gradient");
                assertNotEquals(0.0, n.leak().grad().value().itemDouble());
            }
            last = loss.value().itemDouble();
            try (GradMode.Scope scope = GradMode.noGrad()) {
                for (Var p : model.parameters()) {
                    if (p.grad() != null) {
                        p.value().sub_(p.grad().value().mul(0.05));
                    }
                }
            }
        }
        assertTrue(Double.isFinite(last) && last < first, "loss " + first + " -> " + last);
    }
}
