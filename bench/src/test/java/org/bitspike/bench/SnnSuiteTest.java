package org.bitspike.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.bitspike.autograd.Autograd;
import org.bitspike.autograd.Var;
import org.bitspike.bench.SnnSuite.Style;
import org.bitspike.nn.Functional;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.bitspike.tensor.kernel.KernelProvider;
import org.bitspike.tensor.kernel.Parallel;
import org.junit.jupiter.api.Test;

/** The snn suite: both styles compute the same thing, the checks pass, the memory fields are what the graph holds. */
class SnnSuiteTest {
    private static final int N = 3;

    /** One forward and backward of a style on a seeded batch: the loss and every parameter's gradient. */
    private static List<Tensor> lossAndGradients(Style style, int time) {
        SnnSuite.Network network = SnnSuite.network(style, time);
        Tensor images = Tensor.randn(RandomKey.of(7), N, 1, 28, 28).mul(2);
        Tensor labels = Tensor.of(new long[] {3, 0, 9}, N);
        Var loss = Functional.crossEntropy(network.logits(images), labels);
        loss.backward();
        List<Tensor> out = new java.util.ArrayList<>(List.of(loss.value()));
        network.parameters().forEach(p -> out.add(p.grad().value()));
        return out;
    }

    private static long[] bits(Tensor t) {
        float[] v = t.toFloatArray();
        long[] b = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Float.floatToRawIntBits(v[i]);
        }
        return b;
    }

    @Test
    void theMachineryAndTheHandUnrolledNetworkComputeTheSameLossAndGradients() {
        for (int time : new int[] {1, 4}) {
            List<Tensor> machinery = lossAndGradients(Style.MACHINERY, time);
            List<Tensor> hand = lossAndGradients(Style.HAND, time);
            assertEquals(4, machinery.size());
            for (int i = 0; i < machinery.size(); i++) {
                assertArrayEquals(bits(hand.get(i)), bits(machinery.get(i)), "T = " + time + ", tensor " + i
                        + " (0: the loss, then the gradients of conv1, conv2, the readout)");
                assertTrue(java.util.Arrays.stream(machinery.get(i).toDoubleArray()).anyMatch(v -> v != 0),
                        "T = " + time + ", tensor " + i + " is not all zero");
            }
        }
    }

    @Test
    void bothStylesTrainAndPassTheirChecksAtQuickScale() {
        for (BenchCase c : new SnnSuite().cases(Scale.QUICK).subList(0, 2)) { // T = 4: T = 8 is the same code, longer
            BenchCase.Prepared p = c.prepare(Impl.VECTOR, KernelProvider.get(), Parallel.shared());
            p.run();
            p.verify(); // throws when the loss does not fall, a gradient is not finite or a LIF layer is silent
        }
    }

    @Test
    void theMachineryCasesAreComparedWithTheHandOnesAndReportTheGraphsMemoryPerStep() {
        List<BenchCase> cases = new SnnSuite().cases(Scale.QUICK);
        assertEquals(List.of("lif-T4/machinery", "lif-T4/hand", "lif-T8/machinery", "lif-T8/hand"),
                cases.stream().map(BenchCase::name).toList());
        assertEquals(Optional.of("lif-T4/hand"), cases.get(0).comparedWith());
        assertEquals(Optional.empty(), cases.get(1).comparedWith());
        assertEquals(SnnSuite.QUICK.batch() * 8, cases.get(2).images(), "image-steps per run");
        long four = (long) cases.get(0).fields().get("saved_bytes");
        long eight = (long) cases.get(2).fields().get("saved_bytes");
        assertEquals(Autograd.savedTensors(Functional.crossEntropy(SnnSuite.network(Style.MACHINERY, 4).logits(
                Tensor.randn(RandomKey.of(1), SnnSuite.QUICK.batch(), 1, 28, 28)), Tensor.of(new long[SnnSuite.QUICK
                .batch()], SnnSuite.QUICK.batch()))).bytes(), four, "what the graph of a forward saves");
        long perStep = (long) cases.get(0).fields().get("saved_bytes_per_step");
        assertEquals(perStep, cases.get(2).fields().get("saved_bytes_per_step"), "the same growth per step at T = 8");
        assertEquals(eight - four, 4 * perStep, "exactly linear in T");
        // per image and step at least: conv2's input (8 x 14 x 14) and the readout's (3136), the two LIF layers'
        // charged potentials (8 x 28 x 28, 16 x 14 x 14), FLOAT32
        long data = 4L * SnnSuite.QUICK.batch() * (8 * 14 * 14 + 3136 + 8 * 28 * 28 + 16 * 14 * 14);
        assertTrue(perStep >= data && perStep < 3 * data, perStep + " bytes per step, at least " + data);
    }
}
