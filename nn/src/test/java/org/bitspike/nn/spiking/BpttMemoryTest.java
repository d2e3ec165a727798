package org.bitspike.nn.spiking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bitspike.autograd.Autograd;
import org.bitspike.autograd.Var;
import org.bitspike.nn.Layer;
import org.bitspike.nn.Linear;
import org.bitspike.nn.Sequential;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The memory back-propagation through time holds, measured deterministically as the bytes of the tensors the graph
 * saved for its backward ({@link Autograd#savedTensors}), for a small multi-step LIF network over T = 1 ... 16 steps.
 *
 * <p>What it shows (FLOAT32, batch 4, linear 8 -> 16, LIF, linear 16 -> 4, LIF): the graph keeps, per step and
 * sample, each linear layer's input and each neuron's charged potential (the spike's surrogate needs it),
 * {@code 4 x (8 + 16 + 16 + 4) = 176} bytes, plus one saved scalar per constant (threshold, 1/tau): 728 bytes per step
 * for the batch, exactly linear in T (976 bytes at T = 1, 11,896 at T = 16). Truncated BPTT ({@code detachEvery k})
 * does not save memory here: it cuts the gradient path through the membrane, but every step's spikes still reach
 * the loss through the layers after the neuron, so every step's saved tensors stay alive; only the cut reset and
 * charge ops of the membrane path leave the graph (8 bytes and 8 ops per step at k = 1). Memory falls with truncation
 * only when the loss is back-propagated (and the graph dropped) every k steps, which is the caller's loop, not a
 * neuron option.
 */
class BpttMemoryTest {
    private static final int N = 4;
    private static final int[] STEPS = {1, 2, 4, 8, 16};

    private static Layer network(int detachEvery) {
        NeuronOptions o = NeuronOptions.defaults().withStepMode(StepMode.MULTI).withDetachEvery(detachEvery)
                .withThreshold(0.5);
        return new Sequential(new MultiStep(new Linear(8, 16, RandomKey.of(1))), new LIFNeuron(2, o),
                new MultiStep(new Linear(16, 4, RandomKey.of(2))), new LIFNeuron(2, o));
    }

    private static Var loss(int time, int detachEvery) {
        return network(detachEvery).forward(Tensor.randn(RandomKey.of(3), time, N, 8)).sum();
    }

    private static Autograd.SavedTensors saved(int time, int detachEvery) {
        return Autograd.savedTensors(loss(time, detachEvery));
    }

    @Test
    void theGraphGrowsLinearlyInTheNumberOfSteps() {
        long first = saved(1, 0).bytes();
        long perStep = saved(2, 0).bytes() - first;
        long data = 4L * N * (8 + 16 + 16 + 4); // linear inputs and charged potentials, FLOAT32
        assertTrue(perStep >= data && perStep <= data + 8 * 4, "per step " + perStep + " bytes, expected " + data
                + " plus a few saved scalars");
        for (int time : STEPS) {
            long bytes = saved(time, 0).bytes();
            long linear = first + perStep * (time - 1);
            assertEquals(linear, bytes, 0.01 * linear, "T = " + time + ": " + bytes + " bytes");
        }
        double ratio = (double) saved(16, 0).bytes() / saved(8, 0).bytes();
        assertTrue(ratio > 1.9 && ratio < 2.0, "doubling T from 8 to 16 multiplied the saved bytes by " + ratio);
    }

    @Test
    void truncatedBpttKeepsEveryStepsSavedTensorsButCutsTheMembranePath() {
        for (int time : STEPS) {
            Autograd.SavedTensors full = saved(time, 0);
            for (int k : new int[] {1, 2}) {
                Autograd.SavedTensors truncated = saved(time, k);
                String what = "T = " + time + ", detach every " + k + ": " + truncated + " against " + full;
                assertTrue(truncated.bytes() <= full.bytes() && truncated.bytes() >= 0.98 * full.bytes(), what);
                if (time > k) {
                    assertTrue(truncated.ops() < full.ops(), what + ": the detached membrane ops left the graph");
                } else {
                    assertEquals(full, truncated, what);
                }
            }
        }
    }

    @Test
    void theBackwardReleasesEverything() {
        Var loss = loss(8, 0);
        assertTrue(Autograd.savedTensors(loss).bytes() > 0);
        loss.backward();
        assertEquals(0, Autograd.savedTensors(loss).bytes());
    }
}
