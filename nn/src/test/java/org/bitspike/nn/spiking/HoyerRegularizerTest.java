package org.bitspike.nn.spiking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.bitspike.autograd.GradMode;
import org.bitspike.autograd.Var;
import org.bitspike.nn.Functional;
import org.bitspike.nn.Layer;
import org.bitspike.nn.Layers;
import org.bitspike.nn.Linear;
import org.bitspike.nn.Sequential;
import org.bitspike.nn.data.Batch;
import org.bitspike.nn.data.DataLoader;
import org.bitspike.nn.data.Dataset;
import org.bitspike.nn.optim.Sgd;
import org.bitspike.nn.spiking.HoyerRegularizer.Options;
import org.bitspike.nn.spiking.HoyerRegularizer.Scale;
import org.bitspike.nn.spiking.HoyerSpike.Threshold;
import org.bitspike.nn.train.Callback;
import org.bitspike.nn.train.Regularizer;
import org.bitspike.nn.train.Trainer;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The Hoyer regulariser's step semantics (digest section 2.4 collected through an explicit object):
 * only forwards inside an open step count, one step at a time, nothing left on the layers after
 * close, the same penalty with or without a graph and in either mode, and the Trainer hook.
 */
class HoyerRegularizerTest {
    private static HoyerSpike spike(int channels, Threshold t) {
        HoyerSpike s = new HoyerSpike(channels, HoyerSpike.Options.DEFAULT.withThreshold(t), DType.FLOAT64);
        s.train();
        return s;
    }

    private static Tensor potentials(long seed, int... shape) {
        return Tensor.randn(RandomKey.of(seed), DType.FLOAT64, shape).mul(1.3);
    }

    /** H(clip(u / |v|, 0, 1)) in double (divided by the size for MEAN). */
    private static double naiveH(Tensor u, double v, Scale scale) {
        double l1 = 0;
        double l2 = 0;
        double[] us = u.toDoubleArray();
        for (double p : us) {
            double z = Math.min(Math.max(p / Math.abs(v), 0), 1);
            l1 += z;
            l2 += z * z;
        }
        double h = l2 == 0 ? 0 : l1 * l1 / l2;
        return scale == Scale.MEAN ? h / us.length : h;
    }

    @Test
    void onlyForwardsInsideAnOpenStepAreCollected() {
        HoyerSpike layer = spike(3, Threshold.CHANNEL_WISE);
        Tensor u1 = potentials(1, 4, 3, 2, 2);
        Tensor u2 = potentials(2, 4, 3, 2, 2);
        try (HoyerRegularizer hoyer = HoyerRegularizer.attach(layer, Options.sum(0.5))) {
            layer.forward(u1); // no step is open: not collected
            try (Regularizer.Step step = hoyer.begin()) {
                assertEquals(0, step.penalty().itemDouble(), "a step without forwards");
                assertEquals(0, step.penalty().dim());
                layer.forward(u2);
                assertEquals(0.5 * naiveH(u2, 1, Scale.SUM), step.penalty().itemDouble(), 1e-12);
            }
            layer.forward(u1); // the step is closed: not collected
            try (Regularizer.Step step = hoyer.begin()) {
                assertEquals(0, step.penalty().itemDouble(), "a new step starts empty");
            }
        }
    }

    @Test
    void oneStepAtATimeAndNothingAfterClose() {
        HoyerSpike layer = spike(3, Threshold.LAYER);
        HoyerRegularizer hoyer = HoyerRegularizer.attach(layer, Options.mean(1));
        assertTrue(layer.isObserved());
        Regularizer.Step first = hoyer.begin();
        IllegalStateException twice = assertThrows(IllegalStateException.class, hoyer::begin);
        assertTrue(twice.getMessage().contains("HoyerRegularizer.begin") && twice.getMessage().contains("already open"),
                twice.getMessage());
        first.close();
        IllegalStateException closedStep = assertThrows(IllegalStateException.class, first::penalty);
        assertTrue(closedStep.getMessage().contains("closed"), closedStep.getMessage());
        Regularizer.Step second = hoyer.begin();
        layer.forward(potentials(3, 2, 3));
        hoyer.close(); // closes the open step and detaches
        assertFalse(layer.isObserved(), "the regulariser left an observer on its layer");
        assertThrows(IllegalStateException.class, second::penalty);
        IllegalStateException closed = assertThrows(IllegalStateException.class, hoyer::begin);
        assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
        second.close(); // closing again is harmless
    }

    /** A second regulariser on the same model is independent; closing one leaves the other attached. */
    @Test
    void regularisersOnOneModelAreIndependent() {
        HoyerSpike layer = spike(2, Threshold.LAYER);
        Tensor u = potentials(4, 3, 2);
        try (HoyerRegularizer a = HoyerRegularizer.attach(layer, Options.sum(1));
                HoyerRegularizer b = HoyerRegularizer.attach(layer, Options.mean(1))) {
            try (Regularizer.Step sa = a.begin(); Regularizer.Step sb = b.begin()) {
                layer.forward(u);
                assertEquals(naiveH(u, 1, Scale.SUM), sa.penalty().itemDouble(), 1e-12);
                assertEquals(naiveH(u, 1, Scale.MEAN), sb.penalty().itemDouble(), 1e-12);
            }
            a.close();
            assertTrue(layer.isObserved(), "closing one regulariser detached the other");
        }
        assertFalse(layer.isObserved());
    }

    /** Under noGrad and in evaluation the penalty is the one recorded with a graph in training. */
    @Test
    void thePenaltyIsTheSameWithoutGraphAndInEvaluation() {
        Tensor u = potentials(5, 4, 3, 3, 3);
        double recorded = 0;
        for (int mode = 0; mode < 4; mode++) {
            HoyerSpike layer = spike(3, Threshold.CHANNEL_WISE);
            boolean grad = mode % 2 == 0;
            if (mode >= 2) {
                layer.eval();
            }
            try (HoyerRegularizer hoyer = HoyerRegularizer.attach(layer, Options.sum(1).withDetachClip(mode == 3));
                    Regularizer.Step step = hoyer.begin();
                    GradMode.Scope scope = grad ? GradMode.enableGrad() : GradMode.noGrad()) {
                layer.forward(Var.withGrad(u));
                Var p = step.penalty();
                assertEquals(grad, p.requiresGrad(), "mode " + mode + ": a graph exactly when gradients are on");
                if (mode == 0) {
                    recorded = p.itemDouble();
                    assertEquals(naiveH(u, 1, Scale.SUM), recorded, 1e-12);
                } else {
                    assertEquals(recorded, p.itemDouble(), 0, "mode " + mode);
                }
            }
        }
    }

    @Test
    void twoForwardsInOneStepAddUp() {
        HoyerSpike layer = spike(3, Threshold.CHANNEL_WISE);
        Tensor u1 = potentials(6, 2, 3, 4);
        Tensor u2 = potentials(7, 5, 3, 2);
        double[] single = new double[2];
        try (HoyerRegularizer hoyer = HoyerRegularizer.attach(layer, Options.sum(0.25))) {
            for (int i = 0; i < 2; i++) {
                try (Regularizer.Step step = hoyer.begin()) {
                    layer.forward(i == 0 ? u1 : u2);
                    single[i] = step.penalty().itemDouble();
                }
            }
            try (Regularizer.Step step = hoyer.begin()) {
                layer.forward(u1);
                layer.forward(u2);
                assertEquals(single[0] + single[1], step.penalty().itemDouble(), 1e-15 * (single[0] + single[1]));
            }
        }
        assertTrue(single[0] > 0 && single[1] > 0 && single[0] != single[1]);
    }

    /** lambda times the sum over the model's spike layers of each layer's H (per element for MEAN). */
    @Test
    void thePenaltyIsLambdaTimesTheSumOverSpikeLayers() {
        for (Scale scale : Scale.values()) {
            Sequential model = new Sequential(new Linear(6, 5, true, DType.FLOAT64, RandomKey.of(1)),
                    spike(5, Threshold.LAYER), new Linear(5, 4, true, DType.FLOAT64, RandomKey.of(2)),
                    spike(4, Threshold.CHANNEL_WISE), new Linear(4, 3, true, DType.FLOAT64, RandomKey.of(3)));
            List<SpikeEvent> events = new ArrayList<>();
            for (Layer l : model.namedLayers().values()) {
                if (l instanceof HoyerSpike s) {
                    s.observe(events::add);
                }
            }
            try (HoyerRegularizer hoyer = HoyerRegularizer.attach(model, new Options(0.3, scale, false));
                    Regularizer.Step step = hoyer.begin()) {
                model.forward(potentials(8, 7, 6));
                assertEquals(2, events.size());
                double expected = 0;
                for (SpikeEvent e : events) {
                    expected += naiveH(e.potential().value(), e.clip().itemDouble(), scale);
                }
                assertEquals(0.3 * expected, step.penalty().itemDouble(), 1e-12 * expected, scale.toString());
            }
        }
    }

    /** detachClip: the same penalty and the same u gradient, but no gradient to v. */
    @Test
    void detachClipSendsVNoGradient() {
        Tensor u = potentials(9, 6, 2, 3, 3);
        Tensor[] du = new Tensor[2];
        for (int detach = 0; detach < 2; detach++) {
            HoyerSpike layer = spike(2, Threshold.CHANNEL_WISE);
            Var x = Var.withGrad(u);
            try (HoyerRegularizer hoyer = HoyerRegularizer.attach(layer, Options.sum(1).withDetachClip(detach == 1));
                    Regularizer.Step step = hoyer.begin()) {
                layer.forward(x);
                step.penalty().backward();
            }
            du[detach] = x.grad().value();
            if (detach == 1) {
                assertNull(layer.clip().grad(), "detachClip: v got a gradient");
            } else {
                assertNotEquals(0, layer.clip().grad().itemDouble(), "v got no gradient although u clips at |v|");
            }
        }
        assertArrayEquals(du[0].toDoubleArray(), du[1].toDoubleArray(), 0, "detaching v changed the u gradient");
    }

    @Test
    void badAttachmentsAreRefusedByName() {
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> HoyerRegularizer.attach(new Sequential(new Linear(3, 2, RandomKey.of(1)), Layers.relu()),
                        Options.sum(1)));
        assertTrue(none.getMessage().contains("HoyerRegularizer.attach") && none.getMessage().contains("Sequential")
                && none.getMessage().contains("no HoyerSpike"), none.getMessage());
        IllegalArgumentException lambda = assertThrows(IllegalArgumentException.class, () -> Options.sum(-1));
        assertTrue(lambda.getMessage().contains("lambda") && lambda.getMessage().contains("-1.0"), lambda.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Options.mean(Double.NaN));
        NullPointerException noModel = assertThrows(NullPointerException.class,
                () -> HoyerRegularizer.attach(null, Options.sum(1)));
        assertTrue(noModel.getMessage().contains("model is null"), noModel.getMessage());
    }

    /** lambda 0 records nothing: the penalty is a constant zero without a graph. */
    @Test
    void lambdaZeroCostsNothing() {
        HoyerSpike layer = spike(2, Threshold.LAYER);
        try (HoyerRegularizer hoyer = HoyerRegularizer.attach(layer, Options.sum(0));
                Regularizer.Step step = hoyer.begin()) {
            layer.forward(Var.withGrad(potentials(10, 3, 2)));
            Var p = step.penalty();
            assertEquals(0, p.itemDouble());
            assertFalse(p.requiresGrad());
            // NOTE: the zero is FLOAT32 whatever the model's dtype; a FLOAT64 loss plus it stays FLOAT64
            assertEquals(DType.FLOAT64, Var.of(Tensor.scalar(DType.FLOAT64, 1)).add(p).dtype());
        }
    }

    // ------------------------------------------------------------------ the Trainer hook

    /** 24 images 4x4 of 3 classes, seeded noise. */
    private static Dataset dataset() {
        byte[] pixels = new byte[24 * 16];
        int[] labels = new int[24];
        RandomKey key = RandomKey.of(31);
        for (int i = 0; i < 24; i++) {
            labels[i] = i % 3;
            for (int p = 0; p < 16; p++) {
                pixels[i * 16 + p] = (byte) (key.uniformDouble(i * 16L + p) * 200 + (p / 4 == labels[i] ? 55 : 0));
            }
        }
        return Dataset.of(pixels, labels, 1, 4, 4, 3);
    }

    private static Sequential tinyHoyerModel() {
        return new Sequential(Layers.flatten(), new Linear(16, 8, RandomKey.of(11)),
                new HoyerSpike(8, HoyerSpike.Options.DEFAULT.withThreshold(Threshold.LAYER)), new Linear(8, 3,
                        RandomKey.of(12)));
    }

    /**
     * A Trainer with the regulariser and a hand-run loop on a twin model see the same batches: every
     * step's reported loss is the hand-run cross-entropy plus penalty (a penalty that matters), and
     * the parameters end up identical.
     */
    @Test
    void theTrainerAddsThePenaltyToEveryStepsLoss() {
        Sequential trained = tinyHoyerModel();
        Sequential byHand = tinyHoyerModel();
        List<Double> reported = new ArrayList<>();
        DataLoader loader = DataLoader.builder(dataset(), RandomKey.of(5)).batchSize(8).build();
        try (HoyerRegularizer hoyer = HoyerRegularizer.attach(trained, Options.mean(2))) {
            Trainer trainer = Trainer.builder(trained, Sgd.of(trained.parameters(), 0.2, 0.9, 0), loader)
                    .regularizer(hoyer)
                    .callback(new Callback() {
                        @Override
                        public void onBatchEnd(Trainer t, BatchResult batch) {
                            reported.add(batch.loss());
                        }
                    })
                    .build();
            trainer.fit(2);
        }
        List<Double> expected = new ArrayList<>();
        Sgd sgd = Sgd.of(byHand.parameters(), 0.2, 0.9, 0);
        try (HoyerRegularizer hoyer = HoyerRegularizer.attach(byHand, Options.mean(2))) {
            byHand.train();
            for (int epoch = 0; epoch < 2; epoch++) {
                for (Batch batch : loader.epoch(epoch)) {
                    try (Regularizer.Step step = hoyer.begin()) {
                        Var crossEntropy = Functional.crossEntropy(byHand.forward(batch.images()), batch.labels());
                        Var penalty = step.penalty();
                        Var loss = crossEntropy.add(penalty);
                        assertTrue(penalty.itemDouble() > 0.01 * crossEntropy.itemDouble(), "a negligible penalty "
                                + penalty.itemDouble());
                        sgd.zeroGrad();
                        loss.backward();
                        expected.add(loss.itemDouble());
                    }
                    sgd.step();
                }
            }
        }
        loader.close();
        assertEquals(6, expected.size());
        assertEquals(expected, reported, "the trainer's losses are not cross-entropy plus penalty");
        trained.namedParameters().forEach((name, p) -> assertArrayEquals(byHand.namedParameters().get(name).value()
                .toDoubleArray(), p.value().toDoubleArray(), 0, name));
        HoyerSpike spike = (HoyerSpike) trained.children().get("2");
        assertNotEquals(1.0, spike.clip().itemDouble(), "v did not train");
        assertFalse(spike.isObserved());
    }
}
