package org.bitspike.nn.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.bitspike.autograd.GradMode;
import org.bitspike.autograd.Var;
import org.bitspike.nn.Layers;
import org.bitspike.nn.Sequential;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Layer-delayed against one-step propagation: delayed, stage l is silent before step l and the output receives nothing
 * before step L (the number of spiking stages); its spike trains are the one-step trains shifted by l steps, exactly,
 * because stage l at step t reads what stage l - 1 emitted at t - 1.
 */
class ConvertPropagationTest {
    private static final RandomKey KEY = RandomKey.of(1405);
    private static final int STEPS = 12;

    @Test
    void delayedStageLIsSilentBeforeStepLAndOtherwiseTheOneStepTrainShifted() {
        // positive weights and inputs: every stage is driven, and small lambdas make the first spikes come at once
        Sequential model = new Sequential(ConvertFixtures.linear(2, 3, 1, 1, 1, 2, 2, 1), Layers.relu(),
                ConvertFixtures.linear(3, 3, 1, 0.5, 0.5, 0.5, 1, 0.5, 0.5, 0.5, 1), Layers.relu(),
                ConvertFixtures.linear(3, 2, 1, 1, 0.5, 0.25, 1, 1), Layers.relu(),
                ConvertFixtures.linear(2, 2, 1, 0.5, -0.25, 1));
        Tensor x = Tensor.rand(KEY, DType.FLOAT64, 4, 2).add(0.5);
        Scales scales = new Scales(List.of("1", "3", "5"), new double[] {0.5, 0.5, 0.5});
        SpikingNetwork delayed = Converter.convert(model, scales, ConversionOptions.defaults());
        SpikingNetwork oneStep = Converter.convert(model, scales,
                ConversionOptions.defaults().withPropagation(Propagation.ONE_STEP));
        List<Tensor[]> d = run(delayed, x);
        List<Tensor[]> o = run(oneStep, x);
        int stages = delayed.spikingStages();
        for (int t = 0; t < STEPS; t++) {
            for (int l = 0; l < stages; l++) {
                Tensor spikes = d.get(t)[l];
                if (t < l) {
                    assertEquals(0, spikes.sum().itemDouble(), "delayed stage " + l + " fired at step " + t);
                } else {
                    assertTrue(spikes.contentEquals(o.get(t - l)[l]), "delayed stage " + l + " at step " + t
                            + " is the one-step train of step " + (t - l));
                }
            }
            Tensor out = d.get(t)[stages];
            if (t < stages) {
                assertEquals(0, out.abs().sum().itemDouble(), "the output received current at step " + t);
            } else {
                assertTrue(out.contentEquals(o.get(t - stages)[stages]), "delayed output at step " + t);
            }
        }
        for (int l = 0; l < stages; l++) {
            assertTrue(d.get(l)[l].sum().itemDouble() > 0, "delayed stage " + l + " fires at step " + l);
            assertTrue(o.get(0)[l].sum().itemDouble() > 0, "one-step stage " + l + " fires at step 0");
        }
        assertTrue(o.get(0)[stages].abs().sum().itemDouble() > 0, "one-step: the output receives current at step 0");
        // the simulation's accumulated output agrees with the stepping
        Simulation sim = delayed.simulate(x, STEPS);
        assertEquals(0, sim.accumulated(stages - 1).abs().sum().itemDouble());
        assertTrue(sim.accumulated(stages).contentEquals(d.get(stages)[stages]));
    }

    /** For each step: the spikes of every spiking stage, then the output current. */
    private static List<Tensor[]> run(SpikingNetwork snn, Tensor x) {
        List<Tensor[]> out = new ArrayList<>();
        snn.resetState();
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            for (int t = 0; t < STEPS; t++) {
                Tensor current = snn.forward(Var.of(x)).value();
                Tensor[] row = new Tensor[snn.spikingStages() + 1];
                for (int l = 0; l < snn.spikingStages(); l++) {
                    row[l] = snn.spikes(l);
                }
                row[snn.spikingStages()] = current;
                out.add(row);
            }
        }
        assertEquals(STEPS, snn.step());
        return out;
    }
}
