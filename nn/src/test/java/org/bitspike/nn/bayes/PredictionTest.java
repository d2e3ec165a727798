package org.bitspike.nn.bayes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.bitspike.autograd.Var;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.bitspike.tensor.TensorException;
import org.junit.jupiter.api.Test;

/** MAP and ensemble predictions, probabilities for one output and for classes, and the scores of digest 5.5. */
class PredictionTest {
    private static DecolleNetwork network(int outputs, double scale, long seed) {
        return new DecolleNetwork(6, new int[] {8, 5}, outputs, false, Traces.defaults(), WeightInit.signs(scale, 0.5),
                0.5, DType.FLOAT64, RandomKey.of(seed));
    }

    private static Tensor sequence(int steps, int batch, long seed) {
        return Tensor.rand(RandomKey.of(seed), DType.FLOAT64, steps, batch, 6).lt(0.4).to(DType.FLOAT64);
    }

    @Test
    void oneOutputGivesTwoColumnsOfSigmoidsThatSurviveLargeLogits() {
        Tensor p = Prediction.probabilities(Tensor.of(new double[] {0, 2, -700}, 3, 1));
        double s2 = 1 / (1 + Math.exp(-2));
        assertArrayEquals(new double[] {0.5, 0.5, 1 - s2, s2, 1, 0}, p.toDoubleArray(), 1e-15);
        assertTrue(p.toDoubleArray()[5] > 0, "sigmoid(-700) is tiny but not 0 in FLOAT64");
        Tensor q = Prediction.probabilities(Tensor.of(new float[] {1, 2, 3}, 1, 3));
        double z = Math.exp(1) + Math.exp(2) + Math.exp(3);
        assertArrayEquals(new double[] {Math.exp(1) / z, Math.exp(2) / z, Math.exp(3) / z}, q.toDoubleArray(), 1e-7);
    }

    @Test
    void logitsAreTheLastReadoutSummedFromTheBurnIn() {
        DecolleNetwork net = network(3, 1, 1);
        Tensor seq = sequence(9, 4, 2);
        Tensor logits = Prediction.logits(net, seq, 3);
        double[] expected = new double[4 * 3];
        for (int t = 0; t < 9; t++) {
            List<Var> ys = net.step(seq.select(0, t));
            if (t >= 3) {
                double[] y = ys.get(1).value().toDoubleArray();
                for (int i = 0; i < y.length; i++) {
                    expected[i] += y[i];
                }
            }
        }
        assertArrayEquals(expected, logits.toDoubleArray(), 1e-12);
        assertEquals(4, net.layers().get(0).state().batch(), "the replay left its traces behind");
        assertArrayEquals(logits.toDoubleArray(), Prediction.logits(net, seq, 3).toDoubleArray(), 0,
                "logits reset the traces before the sequence");
        assertEquals(null, net.layers().get(0).state(), "and after it");
    }

    @Test
    void ensembleMembersAreBinaryNetworksDrawnPerMemberKeyAndMapIsRestored() {
        DecolleNetwork net = network(3, 0.3, 3);
        BayesBiSnn rule = new BayesBiSnn(net.parameters(), 0.1, 1, 0, 0.5);
        Tensor seq = sequence(8, 5, 4);
        Tensor map = Prediction.map(net, rule, seq, 2);
        double[] mapWeights = net.parameters().get(0).value().toDoubleArray();
        RandomKey key = RandomKey.of(5);
        Prediction.Ensemble e = Prediction.ensemble(net, rule, seq, 2, 4, key);
        assertArrayEquals(mapWeights, net.parameters().get(0).value().toDoubleArray(), 0, "MAP written back");
        rule.writeBinarySample(key.fold(2));
        double[] member2 = Prediction.probabilities(Prediction.logits(net, seq, 2)).toDoubleArray();
        assertArrayEquals(member2, e.members().get(2).toDoubleArray(), 0);
        double[] mean3 = new double[member2.length];
        for (int m = 0; m < 3; m++) {
            double[] pm = e.members().get(m).toDoubleArray();
            for (int i = 0; i < pm.length; i++) {
                mean3[i] += pm[i] / 3;
            }
        }
        assertArrayEquals(mean3, e.mean(3).toDoubleArray(), 1e-15);
        // theta = +-0.3: members differ from one another and from MAP
        assertTrue(!e.members().get(0).contentEquals(e.members().get(1)) && !e.members().get(0).contentEquals(map));
        assertEquals(2, e.bySize(Tensor.of(new long[] {0, 1, 2, 0, 1}, 5), 1, 4).size());
    }

    @Test
    void ensembleStdIsTheMembersSpreadAroundTheirMean() {
        Prediction.Ensemble e = new Prediction.Ensemble(List.of(Tensor.of(new double[] {0.2, 0.8, 0.5, 0.5}, 2, 2),
                Tensor.of(new double[] {0.6, 0.4, 0.5, 0.5}, 2, 2)));
        assertArrayEquals(new double[] {0.2, 0.2, 0, 0}, e.std().toDoubleArray(), 1e-15);
        Prediction.Ensemble one = new Prediction.Ensemble(List.of(Tensor.of(new double[] {0.3, 0.7}, 1, 2)));
        assertArrayEquals(new double[] {0, 0}, one.std().toDoubleArray(), 0, "one member does not disagree with itself");
    }

    /** A posterior at +-10 is deterministic to e^-20: every member is the MAP network. */
    @Test
    void aSaturatedPosteriorsEnsembleIsItsMap() {
        DecolleNetwork net = network(1, 10, 6);
        BayesBiSnn rule = new BayesBiSnn(net.parameters(), 0.1, 1, 0, 0.5);
        Tensor seq = sequence(8, 5, 7);
        Tensor map = Prediction.map(net, rule, seq, 2);
        assertArrayEquals(map.toDoubleArray(), Prediction.ensemble(net, rule, seq, 2, 3, RandomKey.of(8)).mean()
                .toDoubleArray(), 1e-15);
    }

    @Test
    void scoresByHand() {
        Tensor p = Tensor.of(new double[] {0.9, 0.1, 0.3, 0.7, 0.6, 0.4, 0.2, 0.8}, 4, 2);
        Scores s = Scores.of(p, Tensor.of(new long[] {0, 1, 1, 1}, 4));
        assertEquals(0.75, s.accuracy(), 1e-15);
        assertEquals(-(Math.log(0.9) + Math.log(0.7) + Math.log(0.4) + Math.log(0.8)) / 4, s.nll(), 1e-15);
        // each confidence alone in its bin: ECE = mean |correct - confidence| = (0.1 + 0.3 + 0.6 + 0.2) / 4
        assertEquals(0.3, s.ece10(), 1e-12);
        assertEquals(0.3, s.ece15(), 1e-12);
        assertEquals(10, s.bins10().bins().size());
        assertEquals(15, s.bins15().bins().size());
        TensorException e = assertThrows(TensorException.class, () -> Scores.of(p, Tensor.of(new long[] {0, 1, 2, 1}, 4)));
        assertTrue(e.getMessage().contains("label 2 at 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Prediction.ensemble(network(1, 1, 1), null, sequence(4, 1, 1), 1, 2, RandomKey.of(1)));
    }
}
