package org.bitspike.nn.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;
import org.bitspike.autograd.Var;
import org.bitspike.nn.Functional;
import org.bitspike.nn.Layer;
import org.bitspike.nn.data.Batch;
import org.bitspike.nn.data.DataLoaderException;
import org.bitspike.nn.data.DataLoader;
import org.bitspike.nn.optim.Optimizer;
import org.bitspike.nn.optim.Schedule;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.Tensor;

/**
 * The training loop: for each epoch, the loader's batches through forward, loss (plus the
 * {@link Regularizer}'s penalty, when there is one), backward and an optimiser step (the schedule
 * applied per step), then validation, then the callbacks. Everything a
 * run depends on is either a pure function of the seed, epoch and step (data order, augmentation,
 * learning rate) or in {@link #state()} (parameters, buffers, optimiser state, the epoch and step
 * counters, the best result so far), so a run restored from a checkpoint taken after an epoch
 * continues exactly as if it had never stopped.
 */
public final class Trainer {
    private final Layer model;
    private final Optimizer optimizer;
    private final Schedule schedule;
    private final BiFunction<Var, Tensor, Var> loss;
    private final DataLoader train;
    private final DataLoader validation;
    private final Regularizer regularizer;
    private final List<Callback> callbacks;
    private int nextEpoch;
    private long step;
    private double bestAccuracy = Double.NEGATIVE_INFINITY;
    private int bestEpoch = -1;
    private final List<EpochResult> history = new ArrayList<>();

    private Trainer(Builder b) {
        this.model = b.model;
        this.optimizer = b.optimizer;
        this.schedule = b.schedule;
        this.loss = b.loss;
        this.train = b.train;
        this.validation = b.validation;
        this.regularizer = b.regularizer;
        this.callbacks = List.copyOf(b.callbacks);
    }

    /** A builder for training {@code model} with {@code optimizer} on {@code train}'s batches. */
    public static Builder builder(Layer model, Optimizer optimizer, DataLoader train) {
        return new Builder(model, optimizer, train);
    }

    public Layer model() {
        return model;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    /** The epoch the next {@link #fit} starts with. */
    public int nextEpoch() {
        return nextEpoch;
    }

    /** The best validation accuracy so far (training accuracy without validation), and its epoch (-1 before any). */
    public double bestAccuracy() {
        return bestAccuracy;
    }

    public int bestEpoch() {
        return bestEpoch;
    }

    /** The results of the epochs this trainer ran. */
    public List<EpochResult> history() {
        return List.copyOf(history);
    }

    /**
     * Trains until {@code epochs} epochs are done in total (continuing from {@link #nextEpoch()}), or
     * until a callback stops it; returns the results of the epochs run by this call.
     *
     * @throws TrainingInterruptedException when the thread is interrupted; checked before each step
     */
    public List<EpochResult> fit(int epochs) {
        if (epochs < nextEpoch) {
            throw new IllegalArgumentException("fit: " + epochs + " epochs requested but " + nextEpoch + " are done");
        }
        callbacks.forEach(c -> c.onTrainStart(this, nextEpoch, epochs));
        List<EpochResult> results = new ArrayList<>();
        boolean stop = false;
        while (nextEpoch < epochs && !stop) {
            EpochResult r = runEpoch(nextEpoch);
            double score = Double.isNaN(r.validationAccuracy()) ? r.trainAccuracy() : r.validationAccuracy();
            if (score > bestAccuracy) {
                bestAccuracy = score;
                bestEpoch = r.epoch();
            }
            nextEpoch++;
            history.add(r);
            results.add(r);
            for (Callback c : callbacks) {
                stop |= c.onEpochEnd(this, r);
            }
        }
        callbacks.forEach(c -> c.onTrainEnd(this));
        return results;
    }

    private EpochResult runEpoch(int epoch) {
        model.train();
        double lossSum = 0;
        long correct = 0;
        long seen = 0;
        long start = System.nanoTime();
        int batchesPerEpoch = train.batchesPerEpoch();
        int index = 0;
        try {
            for (Batch batch : train.epoch(epoch)) {
                if (Thread.interrupted()) { // between steps, so weights are never half updated
                    throw new TrainingInterruptedException(epoch, index, batchesPerEpoch, step);
                }
                long t0 = System.nanoTime();
                schedule.apply(optimizer, step);
                Var logits;
                Var l;
                try (Regularizer.Step penalty = regularizer == null ? null : regularizer.begin()) {
                    logits = model.forward(batch.images());
                    l = loss.apply(logits, batch.labels());
                    if (penalty != null) {
                        l = l.add(penalty.penalty());
                    }
                    optimizer.zeroGrad();
                    l.backward();
                }
                optimizer.step();
                step++;
                double batchLoss = l.itemDouble();
                int batchCorrect = Evaluation.correct(logits.value(), batch.labels());
                lossSum += batchLoss * batch.size();
                correct += batchCorrect;
                seen += batch.size();
                Callback.BatchResult br = new Callback.BatchResult(epoch, index, batchesPerEpoch, batch.size(), batchLoss,
                        batchCorrect, (System.nanoTime() - t0) / 1e9);
                callbacks.forEach(c -> c.onBatchEnd(this, br));
                index++;
            }
        } catch (DataLoaderException e) {
            if (!(e.getCause() instanceof InterruptedException)) {
                throw e;
            }
            Thread.interrupted(); // the loader kept the flag; this exception reports it
            throw new TrainingInterruptedException(epoch, index, batchesPerEpoch, step);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Evaluation.Result val = validation == null ? new Evaluation.Result(Double.NaN, Double.NaN, 0)
                : Evaluation.run(model, validation.epoch(0), loss);
        return new EpochResult(epoch, lossSum / seen, (double) correct / seen, val.loss(), val.accuracy(),
                optimizer.groups().get(0).lr(), seconds, seen / seconds);
    }

    // ------------------------------------------------------------------ state

    /**
     * Everything needed to continue this run: {@code model.*} (parameters and buffers),
     * {@code optimizer.*} and {@code trainer.*} (next epoch, step, best accuracy and epoch).
     */
    public Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        model.stateDict().forEach((k, v) -> out.put("model." + k, v));
        optimizer.stateDict().forEach((k, v) -> out.put("optimizer." + k, v));
        out.put("trainer.nextEpoch", Tensor.scalar(DType.INT64, nextEpoch));
        out.put("trainer.step", Tensor.scalar(DType.INT64, step));
        out.put("trainer.bestAccuracy", Tensor.scalar(DType.FLOAT64, bestAccuracy));
        out.put("trainer.bestEpoch", Tensor.scalar(DType.INT64, bestEpoch));
        return out;
    }

    /** Restores {@link #state()} output (strictly: every entry must fit). */
    public void restore(Map<String, Tensor> state) {
        Map<String, Tensor> modelState = new LinkedHashMap<>();
        Map<String, Tensor> optimizerState = new LinkedHashMap<>();
        List<String> unexpected = new ArrayList<>();
        state.forEach((k, v) -> {
            if (k.startsWith("model.")) {
                modelState.put(k.substring(6), v);
            } else if (k.startsWith("optimizer.")) {
                optimizerState.put(k.substring(10), v);
            } else if (!k.startsWith("trainer.")) {
                unexpected.add(k);
            }
        });
        for (String k : List.of("trainer.nextEpoch", "trainer.step", "trainer.bestAccuracy", "trainer.bestEpoch")) {
            if (!state.containsKey(k)) {
                unexpected.add("missing " + k);
            }
        }
        if (!unexpected.isEmpty()) {
            throw new IllegalArgumentException("Trainer.restore: " + unexpected);
        }
        model.load(modelState);
        optimizer.load(optimizerState);
        nextEpoch = (int) state.get("trainer.nextEpoch").getLong();
        step = state.get("trainer.step").getLong();
        bestAccuracy = state.get("trainer.bestAccuracy").itemDouble();
        bestEpoch = (int) state.get("trainer.bestEpoch").getLong();
    }

    /** Configures a {@link Trainer}. */
    public static final class Builder {
        private final Layer model;
        private final Optimizer optimizer;
        private final DataLoader train;
        private Schedule schedule = Schedule.constant();
        private BiFunction<Var, Tensor, Var> loss = Functional::crossEntropy;
        private DataLoader validation;
        private Regularizer regularizer;
        private final List<Callback> callbacks = new ArrayList<>();

        private Builder(Layer model, Optimizer optimizer, DataLoader train) {
            this.model = Objects.requireNonNull(model, "model");
            this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
            this.train = Objects.requireNonNull(train, "train");
        }

        /** The learning-rate schedule, as a function of the global step (default constant). */
        public Builder schedule(Schedule s) {
            this.schedule = Objects.requireNonNull(s, "schedule");
            return this;
        }

        /** The loss of logits against labels (default mean cross-entropy). */
        public Builder loss(BiFunction<Var, Tensor, Var> l) {
            this.loss = Objects.requireNonNull(l, "loss");
            return this;
        }

        /** Batches evaluated after every epoch. */
        public Builder validation(DataLoader v) {
            this.validation = v;
            return this;
        }

        /**
         * A penalty the model produces while it trains (e.g. {@code HoyerRegularizer}), added to
         * every training step's loss; validation reports the plain loss.
         */
        public Builder regularizer(Regularizer r) {
            this.regularizer = r;
            return this;
        }

        public Builder callback(Callback c) {
            callbacks.add(Objects.requireNonNull(c, "callback"));
            return this;
        }

        public Trainer build() {
            return new Trainer(this);
        }
    }
}
