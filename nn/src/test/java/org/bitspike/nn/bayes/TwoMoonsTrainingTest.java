package org.bitspike.nn.bayes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bitspike.nn.data.TwoMoons;
import org.bitspike.tensor.RandomKey;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A short two-moons run of each rule beats chance (50%) clearly on a held-out two-moons sample: 2 x 32 LIF, T = 20,
 * burn-in 4, 3 epochs of the 200 BiSNN points (the paper: 2 x 256, T = 100, 5000 epochs). Measured with these seeds
 * (2026-12-07): float 91.0%, ST 81.5%, Bayes MAP 92.0% and ensemble (S = 10) 90.0%; the thresholds leave 6 to 15
 * points of margin. Rule settings: the table's ST (lr 750, +-10); Bayes with the table's +-10 start but lr 10
 * (the table's 0.1 needs its 5000 epochs: 58% after 3); float Adam 1e-3.
 *
 * <p>Tagged slow: each run takes 5-15 s on a loaded 2-core machine.
 */
@Tag("slow")
class TwoMoonsTrainingTest {
    private static final TwoMoons TRAIN = TwoMoons.bisnn(RandomKey.of(1));
    private static final TwoMoons TEST = TwoMoons.generate(200, 0.1, RandomKey.of(2));

    private static BiSnnConfig small(Rule rule) {
        return BiSnnConfig.twoMoons(rule).withHidden(32, 32).withSteps(20, 4).withEpochs(3);
    }

    private static BiSnnExperiment.Result run(BiSnnConfig config) {
        BiSnnExperiment.Result r = BiSnnExperiment.train(config, TRAIN.points(), TRAIN.labels(), TEST.points(),
                TEST.labels());
        assertEquals(3, r.epochs().size());
        assertTrue(r.epochs().get(2).trainLoss() < r.epochs().get(0).trainLoss(), "the local loss fell: " + r.epochs());
        return r;
    }

    @Test
    void floatRuleBeatsChance() {
        BiSnnExperiment.Result r = run(small(Rule.FLOAT).withLr(1e-3).withInitScale(1));
        assertTrue(r.epochs().get(2).test().accuracy() >= 0.80, r.epochs().toString());
    }

    @Test
    void straightThroughRuleBeatsChance() {
        BiSnnExperiment.Result r = run(small(Rule.STRAIGHT_THROUGH));
        assertTrue(r.epochs().get(2).test().accuracy() >= 0.72, r.epochs().toString());
        for (double w : r.network().layers().get(0).weight().value().toDoubleArray()) {
            assertTrue(w == 1 || w == -1, "binary weights: " + w);
        }
    }

    @Test
    void bayesRuleBeatsChanceAsMapAndAsEnsemble() {
        BiSnnExperiment.Result r = run(small(Rule.BAYES).withLr(10));
        BiSnnExperiment.Evaluation e = r.evaluate(TEST.points(), TEST.labels());
        assertTrue(e.map().accuracy() >= 0.80, "MAP " + e.map());
        assertTrue(e.ensemble().accuracy() >= 0.80, "ensemble " + e.ensemble());
        assertArrayEquals(new int[] {1, 2, 5, 10}, e.sizes());
        assertEquals(e.ensemble(), e.bySize().get(3), "the last size is the whole ensemble");
        assertEquals(e.map().accuracy(), r.epochs().get(2).test().accuracy(), "MAP scores agree with the last epoch's");
    }
}
