package org.bitspike.nn.bayes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.bitspike.tensor.TensorException;
import org.junit.jupiter.api.Test;

/** The experiment's defaults (digest 5.4's table) and the bad settings and inputs it refuses. */
class BiSnnConfigTest {
    @Test
    void twoMoonsDefaultsAreTheDigestsTable() {
        BiSnnConfig bayes = BiSnnConfig.twoMoons(Rule.BAYES);
        assertEquals(0.1, bayes.lr());
        assertEquals(1, bayes.tau());
        assertEquals(5e-4, bayes.rho());
        assertEquals(0.5, bayes.p0());
        assertEquals(40, bayes.batch());
        assertEquals(5000, bayes.epochs());
        assertEquals(100, bayes.steps());
        assertEquals(10, bayes.burnIn());
        assertEquals(10, bayes.samples());
        assertEquals(10, bayes.initScale());
        assertArrayEquals(new int[] {256, 256}, bayes.hidden());
        assertTrue(!bayes.bias());
        BiSnnConfig st = BiSnnConfig.twoMoons(Rule.STRAIGHT_THROUGH);
        assertEquals(750, st.lr());
        assertEquals(32, st.batch());
        assertEquals(1, BiSnnConfig.Task.TWO_MOONS.outputs());
        assertEquals(10, BiSnnConfig.Task.FASHION_MNIST.outputs());
        BiSnnConfig fm = BiSnnConfig.fashionMnist(Rule.BAYES);
        assertEquals(150, fm.lr());
        assertEquals(1e-7, fm.rho());
        assertEquals(20, fm.steps());
        assertEquals(5, fm.burnIn());
    }

    @Test
    void badSettingsAreRefusedNamingTheSettingAndValue() {
        BiSnnConfig c = BiSnnConfig.twoMoons(Rule.BAYES);
        assertMessage(() -> c.withSteps(0, 0), "steps T", "0.0", "T = 0");
        assertMessage(() -> c.withSteps(10, 10), "burnIn", "10.0", "< T = 10");
        assertMessage(() -> c.withPosterior(-1, 0, 0.5), "tau", "-1.0");
        assertMessage(() -> c.withPosterior(1, -0.5, 0.5), "rho", "-0.5");
        assertMessage(() -> c.withPosterior(1, 0, 0), "p0", "0.0", "strictly between 0 and 1");
        assertMessage(() -> c.withPosterior(1, 0, 1.5), "p0", "1.5");
        assertMessage(() -> c.withHidden(), "hidden");
        assertMessage(() -> c.withBatch(0), "batch");
        assertMessage(() -> c.withSamples(0), "samples S");
    }

    @Test
    void badInputsAreRefusedNamingWhatAndWhere() {
        BiSnnConfig c = BiSnnConfig.twoMoons(Rule.STRAIGHT_THROUGH).withHidden(4).withSteps(5, 1).withEpochs(1);
        Tensor ok = Tensor.rand(RandomKey.of(1), DType.FLOAT64, 6, 2);
        Tensor labels = Tensor.of(new long[] {0, 1, 0, 1, 1, 0}, 6);
        Tensor outside = ok.add(0.5);
        TensorException range = assertThrows(TensorException.class,
                () -> BiSnnExperiment.train(c, outside, labels, ok, labels));
        assertTrue(range.getMessage().contains("populationRates") && range.getMessage().contains("[0, 1]"),
                range.getMessage());
        TensorException label = assertThrows(TensorException.class,
                () -> BiSnnExperiment.train(c, ok, Tensor.of(new long[] {0, 1, 2, 1, 1, 0}, 6), ok, labels));
        assertTrue(label.getMessage().contains("label 2") && label.getMessage().contains("TWO_MOONS"),
                label.getMessage());
        TensorException count = assertThrows(TensorException.class,
                () -> BiSnnExperiment.train(c, ok, Tensor.of(new long[] {0, 1}, 2), ok, labels));
        assertTrue(count.getMessage().contains("[6]") && count.getMessage().contains("[2]"), count.getMessage());
        BiSnnConfig fm = BiSnnConfig.fashionMnist(Rule.FLOAT);
        TensorException width = assertThrows(TensorException.class, () -> BiSnnExperiment.train(fm, ok, labels, ok, labels));
        assertTrue(width.getMessage().contains("784") && width.getMessage().contains("[6, 2]"), width.getMessage());
        TensorException rate = assertThrows(TensorException.class,
                () -> BiSnnExperiment.encode(fm, Tensor.of(new double[] {0.2, -0.1}, 1, 2), RandomKey.of(1)));
        assertTrue(rate.getMessage().contains("rate") && rate.getMessage().contains("-0.1"), rate.getMessage());
    }

    private static void assertMessage(Runnable r, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "'" + f + "' in: " + e.getMessage());
        }
    }
}
