package org.bitspike.nn.bayes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.bitspike.autograd.GradOptions;
import org.bitspike.autograd.Var;
import org.bitspike.nn.optim.Optimizer;
import org.bitspike.nn.optim.ParamGroup;
import org.bitspike.nn.optim.Sgd;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.bitspike.tensor.TensorException;
import org.junit.jupiter.api.Test;

/** DECOLLE's local learning: fixed readouts, local losses, no gradient between layers, an update per step. */
class DecolleTest {
    private static DecolleNetwork network(int outputs, RandomKey key) {
        return new DecolleNetwork(6, new int[] {5, 4}, outputs, true, Traces.defaults(), WeightInit.uniform(0.5), 0.5,
                DType.FLOAT64, key);
    }

    private static Tensor sequence(int steps, int batch, int inputs, long seed) {
        double[][] s = TraceLifTest.spikes(RandomKey.of(seed), steps, batch, inputs);
        double[] flat = new double[steps * batch * inputs];
        for (int t = 0; t < steps; t++) {
            System.arraycopy(s[t], 0, flat, t * batch * inputs, batch * inputs);
        }
        return Tensor.of(flat, steps, batch, inputs);
    }

    @Test
    void readoutIsAFixedPlusMinusOneProjectionScaledByOneOverSqrtN() {
        Readout r = new Readout(4, 3, 0.5, DType.FLOAT64, RandomKey.of(1));
        assertEquals(0, r.parameterCount(), "never trained");
        double[] b = r.weight().toDoubleArray();
        double[] d = r.bias().toDoubleArray();
        for (double v : b) {
            assertTrue(v == 1 || v == -1, "B in {-1, +1}: " + v);
        }
        double[] s = {1, 0, 1, 1, 0, 1, 0, 0};
        double[] y = r.forward(Tensor.of(s, 2, 4)).value().toDoubleArray();
        for (int n = 0; n < 2; n++) {
            for (int k = 0; k < 3; k++) {
                double acc = d[k];
                for (int i = 0; i < 4; i++) {
                    acc += b[k * 4 + i] * s[n * 4 + i];
                }
                assertEquals(acc / 2, y[n * 3 + k], 1e-15);
            }
        }
    }

    @Test
    void onlyTheLayersAreTrainable() {
        DecolleNetwork net = network(3, RandomKey.of(2));
        assertEquals(List.of("lif0.weight", "lif0.bias", "lif1.weight", "lif1.bias"),
                new ArrayList<>(net.namedParameters().keySet()));
    }

    /** The loss of the second readout reaches no parameter of the first layer, nor does any earlier step. */
    @Test
    void noGradientFlowsBetweenLayersNorThroughTime() {
        DecolleNetwork net = network(3, RandomKey.of(3));
        Tensor seq = sequence(5, 2, 6, 4);
        Tensor labels = Tensor.of(new long[] {0, 2}, 2);
        List<Var> ys = null;
        for (int t = 0; t < 5; t++) {
            ys = net.step(seq.select(0, t));
        }
        net.loss().of(ys.get(1), labels).backward(Tensor.scalar(DType.FLOAT64, 1), GradOptions.retainingGraph());
        assertNull(net.layers().get(0).weight().grad(), "layer 0 gets nothing from layer 1's readout");
        assertNotNull(net.layers().get(1).weight().grad());
        // the summed loss gives each layer exactly its own readout's gradient
        double[] own1 = net.layers().get(1).weight().grad().value().toDoubleArray();
        net.layers().forEach(l -> l.parameters().forEach(Var::zeroGrad));
        net.localLoss(ys, labels).backward();
        assertArrayEquals(own1, net.layers().get(1).weight().grad().value().toDoubleArray(), 1e-15);
    }

    /** An optimiser that records how often and with which gradients it was asked to update. */
    private static final class Recording extends Optimizer {
        final List<double[]> weightGrads = new ArrayList<>();
        int updates;

        Recording(List<Var> params) {
            super(List.of(new ParamGroup(params, 0, 0)));
        }

        @Override
        protected List<String> stateNames() {
            return List.of();
        }

        @Override
        protected void update(Tensor param, Tensor grad, ParamGroup group, int slot) {
            updates++;
            if (slot == 0) {
                weightGrads.add(grad.toDoubleArray());
            }
        }
    }

    @Test
    void parametersAreUpdatedAtEveryStepAfterTheBurnIn() {
        DecolleNetwork net = network(1, RandomKey.of(5));
        Recording rec = new Recording(net.parameters());
        new OnlineTrainer(net, rec, 3).train(sequence(10, 4, 6, 6), Tensor.of(new long[] {0, 1, 1, 0}, 4), null);
        assertEquals(7 * 4, rec.updates, "7 learning steps x 4 parameters");
        assertNull(net.layers().get(0).state(), "the traces are reset after the sequence");
    }

    /** The trainer is step, local loss, backward, update, step after step: replayed here by hand with SGD. */
    @Test
    void onlineTrainingEqualsAHandWrittenLoopWithUpdatesBetweenSteps() {
        Tensor seq = sequence(8, 3, 6, 7);
        Tensor labels = Tensor.of(new long[] {2, 0, 1}, 3);
        DecolleNetwork a = network(3, RandomKey.of(8));
        double loss = new OnlineTrainer(a, Sgd.of(a.parameters(), 0.5, 0, 0), 2).train(seq, labels, null);
        DecolleNetwork b = network(3, RandomKey.of(8));
        double total = 0;
        for (int t = 0; t < 8; t++) {
            List<Var> ys = b.step(seq.select(0, t));
            if (t >= 2) {
                b.parameters().forEach(Var::zeroGrad);
                Var l = b.localLoss(ys, labels);
                l.backward();
                total += l.value().itemDouble();
                for (Var p : b.parameters()) {
                    p.value().addScaled_(p.grad().value(), -0.5);
                }
            }
        }
        assertEquals(total / 6, loss, 1e-15);
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(b.parameters().get(i).value().toDoubleArray(), a.parameters().get(i).value().toDoubleArray(),
                    1e-15);
        }
        boolean changed = false;
        DecolleNetwork fresh = network(3, RandomKey.of(8));
        for (int i = 0; i < 4; i++) {
            changed |= !fresh.parameters().get(i).value().contentEquals(a.parameters().get(i).value());
        }
        assertTrue(changed, "training changed something");
    }

    @Test
    void localLossIsBceWithLogitsForOneOutputAndCrossEntropyForClasses() {
        assertEquals(LocalLoss.BCE_WITH_LOGITS, LocalLoss.forOutputs(1));
        assertEquals(LocalLoss.CROSS_ENTROPY, LocalLoss.forOutputs(10));
        Var logits = Var.of(Tensor.of(new double[] {0.3, -1.2}, 2, 1));
        double bce = LocalLoss.BCE_WITH_LOGITS.of(logits, Tensor.of(new long[] {1, 0}, 2)).value().itemDouble();
        assertEquals((Math.log1p(Math.exp(-0.3)) + Math.log1p(Math.exp(-1.2))) / 2, bce, 1e-15);
        Var two = Var.of(Tensor.of(new double[] {1, 2, 0.5, -1}, 2, 2));
        double ce = LocalLoss.CROSS_ENTROPY.of(two, Tensor.of(new long[] {1, 0}, 2)).value().itemDouble();
        double expected = (-Math.log(Math.exp(2) / (Math.exp(1) + Math.exp(2)))
                - Math.log(Math.exp(0.5) / (Math.exp(0.5) + Math.exp(-1)))) / 2;
        assertEquals(expected, ce, 1e-15, "one softmax, not two");
        TensorException e = assertThrows(TensorException.class,
                () -> LocalLoss.BCE_WITH_LOGITS.of(logits, Tensor.of(new long[] {1, 2}, 2)));
        assertTrue(e.getMessage().contains("0 or 1"), e.getMessage());
    }

    @Test
    void badSequencesAreRefusedBeforeAnythingRuns() {
        DecolleNetwork net = network(1, RandomKey.of(9));
        OnlineTrainer trainer = new OnlineTrainer(net, Sgd.of(net.parameters(), 0.1, 0, 0), 4);
        Tensor labels = Tensor.of(new long[] {0, 1}, 2);
        TensorException shortSeq = assertThrows(TensorException.class,
                () -> trainer.train(sequence(4, 2, 6, 1), labels, null));
        assertTrue(shortSeq.getMessage().contains("T = 4") && shortSeq.getMessage().contains("burn-in of 4"),
                shortSeq.getMessage());
        TensorException empty = assertThrows(TensorException.class,
                () -> trainer.train(Tensor.zeros(DType.FLOAT64, 0, 2, 6), labels, null));
        assertTrue(empty.getMessage().contains("T = 0"), empty.getMessage());
        TensorException width = assertThrows(TensorException.class,
                () -> trainer.train(Tensor.zeros(DType.FLOAT64, 8, 2, 5), labels, null));
        assertTrue(width.getMessage().contains("[T, N, 6]") && width.getMessage().contains("[8, 2, 5]"),
                width.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new OnlineTrainer(net, trainer.optimizer(), -1));
        BayesBiSnn bayes = new BayesBiSnn(net.parameters(), 0.1, 1, 0, 0.5);
        IllegalArgumentException noKey = assertThrows(IllegalArgumentException.class,
                () -> new OnlineTrainer(net, bayes, 1).train(sequence(4, 2, 6, 1), labels, null));
        assertTrue(noKey.getMessage().contains("random key"), noKey.getMessage());
    }
}
