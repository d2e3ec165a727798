package org.bitspike.nn.bayes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bitspike.nn.optim.Adam;
import org.bitspike.nn.optim.Optimizer;
import org.bitspike.nn.spiking.Encoders;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.bitspike.tensor.TensorException;

/**
 * One BiSNN run, driven by a {@link BiSnnConfig}: builds the {@link DecolleNetwork} and the rule's optimiser, trains
 * online epoch by epoch on encoded sequences, and scores the MAP network on the test set after every epoch; the
 * {@link Result} then predicts (MAP, ensemble) on any features, for maps and calibration. The code a CLI command and a
 * notebook call; it holds no state of its own.
 *
 * <p>Randomness, all from {@code RandomKey.of(config.seed())}: {@code fold(0)} the network, {@code fold(1).fold(e)}
 * epoch {@code e} (shuffling, encoding, relaxed samples), {@code fold(2)} the evaluation inputs' spikes (the same every
 * epoch and for every predictor, so they are compared on the same spikes), {@code fold(3)} the ensembles.
 */
public final class BiSnnExperiment {
    /** Rows per forward when predicting (memory bound: the traces are {@code [rows, width]} per layer). */
    static final int PREDICT_ROWS = 2048;

    private BiSnnExperiment() {
    }

    /** One epoch: the mean local loss of its sequences, and the MAP network's test scores after it. */
    public record Epoch(int epoch, double trainLoss, Scores test) {
    }

    /** MAP scores, and for the Bayes rule the ensemble's (S members) and the scores by ensemble size. */
    public record Evaluation(Scores map, Scores ensemble, int[] sizes, List<Scores> bySize) {
    }

    /** A trained network, its optimiser (holding theta for the binary rules) and the per-epoch metrics. */
    public record Result(BiSnnConfig config, DecolleNetwork network, Optimizer optimizer, List<Epoch> epochs) {
        /** The rule's optimiser as a binary rule, or null for the float rule. */
        public BinaryRule binaryRule() {
            return optimizer instanceof BinaryRule b ? b : null;
        }

        /**
         * Everything training changes: {@code network.*} (the layers' parameters and buffers) and {@code optimizer.*}
         * (for the binary rules theta, the latent or natural parameters; Adam's moments for the float rule); copies.
         */
        public Map<String, Tensor> state() {
            Map<String, Tensor> out = new LinkedHashMap<>();
            network.stateDict().forEach((k, v) -> out.put("network." + k, v));
            optimizer.stateDict().forEach((k, v) -> out.put("optimizer." + k, v));
            return out;
        }

        /**
         * Restores {@link #state()} output into this run's network and optimiser, strictly: an entry of neither, or a
         * missing or misshapen one, is refused naming the key (nothing is half-restored by the network's check).
         */
        public void restore(Map<String, Tensor> state) {
            Map<String, Tensor> net = new LinkedHashMap<>();
            Map<String, Tensor> opt = new LinkedHashMap<>();
            List<String> foreign = new ArrayList<>();
            state.forEach((k, v) -> {
                if (k.startsWith("network.")) {
                    net.put(k.substring("network.".length()), v);
                } else if (k.startsWith("optimizer.")) {
                    opt.put(k.substring("optimizer.".length()), v);
                } else {
                    foreign.add(k);
                }
            });
            if (!foreign.isEmpty()) {
                throw new IllegalArgumentException("BiSnnExperiment.restore: entries that are neither network.* nor "
                        + "optimizer.*: " + foreign);
            }
            network.load(net);
            optimizer.load(opt);
        }

        /** MAP probabilities {@code [N, K]} of {@code features [N, F]} (the float rule: its weights). */
        public Tensor predictMap(Tensor features) {
            List<Tensor> parts = new ArrayList<>();
            BinaryRule rule = binaryRule();
            forEachChunk(features, seq -> parts.add(Prediction.map(network, rule, seq, config.burnIn())));
            return Tensor.cat(0, parts.toArray(Tensor[]::new));
        }

        /** The Bayes rule's S-member ensemble on {@code features}. */
        public Prediction.Ensemble predictEnsemble(Tensor features, int members) {
            if (!(optimizer instanceof BayesBiSnn bayes)) {
                throw new IllegalStateException("predictEnsemble: the " + config.rule() + " rule has no posterior to "
                        + "sample; only BAYES does");
            }
            List<Tensor> parts = new ArrayList<>();
            List<List<Tensor>> byMember = new ArrayList<>();
            for (int m = 0; m < members; m++) {
                byMember.add(new ArrayList<>());
            }
            RandomKey key = RandomKey.of(config.seed()).fold(3);
            // NOTE: the same key for every chunk: member m is one network for all rows
            forEachChunk(features, seq -> {
                Prediction.Ensemble e = Prediction.ensemble(network, bayes, seq, config.burnIn(), members, key);
                for (int m = 0; m < members; m++) {
                    byMember.get(m).add(e.members().get(m));
                }
            });
            for (List<Tensor> member : byMember) {
                parts.add(Tensor.cat(0, member.toArray(Tensor[]::new)));
            }
            return new Prediction.Ensemble(parts);
        }

        /** MAP scores and, for the Bayes rule, the ensemble's with {@code config.samples()} members and by size. */
        public Evaluation evaluate(Tensor features, Tensor labels) {
            Scores map = Scores.of(predictMap(features), labels);
            if (!(optimizer instanceof BayesBiSnn)) {
                return new Evaluation(map, null, new int[0], List.of());
            }
            int s = config.samples();
            int[] sizes = Arrays.stream(new int[] {1, 2, 5, 10, 20}).filter(k -> k < s).toArray();
            sizes = Arrays.copyOf(sizes, sizes.length + 1);
            sizes[sizes.length - 1] = s;
            Prediction.Ensemble e = predictEnsemble(features, s);
            return new Evaluation(map, Scores.of(e.mean(), labels), sizes, e.bySize(labels, sizes));
        }

        private void forEachChunk(Tensor features, java.util.function.Consumer<Tensor> body) {
            checkFeatures("predict", features, config);
            RandomKey key = RandomKey.of(config.seed()).fold(2);
            int n = features.size(0);
            for (int start = 0, c = 0; start < n; start += PREDICT_ROWS, c++) {
                int rows = Math.min(PREDICT_ROWS, n - start);
                body.accept(encode(config, features.narrow(0, start, rows), key.fold(c)));
            }
        }
    }

    /**
     * The spikes {@code [T, N, inputs]} of {@code features [N, F]} in {@code [0, 1]}: population code for two-moons
     * ({@link Encoders#population}, 10 neurons per feature), rate code for Fashion-MNIST ({@link Encoders#rate}),
     * FLOAT32.
     */
    public static Tensor encode(BiSnnConfig config, Tensor features, RandomKey key) {
        Tensor x = features.to(DType.FLOAT32);
        return switch (config.task()) {
            case TWO_MOONS -> Encoders.population(x, BiSnnConfig.Task.POPULATION, config.steps(), key);
            case FASHION_MNIST -> Encoders.rate(x, config.steps(), key);
        };
    }

    /** Input neurons for {@code features} features. */
    static int inputs(BiSnnConfig config, int features) {
        return config.task() == BiSnnConfig.Task.TWO_MOONS ? features * BiSnnConfig.Task.POPULATION : features;
    }

    /** The network and optimiser of {@code config} for {@code features} input features, before any training. */
    public static Result build(BiSnnConfig config, int features) {
        RandomKey root = RandomKey.of(config.seed());
        WeightInit init = config.rule() == Rule.FLOAT ? WeightInit.uniform(config.initScale())
                : WeightInit.signs(config.initScale(), config.p0());
        DecolleNetwork net = new DecolleNetwork(inputs(config, features), config.hidden(), config.task().outputs(),
                config.bias(), Traces.defaults(), init, config.p0(), DType.FLOAT32, root.fold(0));
        Optimizer opt = switch (config.rule()) {
            case FLOAT -> Adam.of(net.parameters(), config.lr(), 0);
            case STRAIGHT_THROUGH -> new StraightThroughSgd(net.parameters(), config.lr());
            case BAYES -> new BayesBiSnn(net.parameters(), config.lr(), config.tau(), config.rho(), config.p0());
        };
        return new Result(config, net, opt, new ArrayList<>());
    }

    /**
     * Trains {@code config.epochs()} epochs on {@code trainFeatures [N, F]} (values in [0, 1]) and integer {@code
     * trainLabels [N]}, scoring the MAP network on the test set after each.
     */
    public static Result train(BiSnnConfig config, Tensor trainFeatures, Tensor trainLabels, Tensor testFeatures,
            Tensor testLabels) {
        checkData("train", config, trainFeatures, trainLabels, testFeatures, testLabels);
        Result result = build(config, trainFeatures.size(1));
        List<Epoch> epochs = new ArrayList<>();
        for (int epoch = 0; epoch < config.epochs(); epoch++) {
            epochs.add(runEpoch(result, epoch, trainFeatures, trainLabels, testFeatures, testLabels));
        }
        return new Result(config, result.network(), result.optimizer(), List.copyOf(epochs));
    }

    /**
     * Trains epoch {@code epoch} (0-based) of {@code run} in place and scores its MAP network on the test set. The
     * epoch's randomness depends on the seed and {@code epoch} only, so a run restored ({@link Result#restore}) after
     * epoch {@code e} and continued with epoch {@code e + 1} ends exactly as one that was never interrupted.
     */
    public static Epoch trainEpoch(Result run, int epoch, Tensor trainFeatures, Tensor trainLabels,
            Tensor testFeatures, Tensor testLabels) {
        BiSnnConfig config = run.config();
        checkData("trainEpoch", config, trainFeatures, trainLabels, testFeatures, testLabels);
        if (epoch < 0) {
            throw new IllegalArgumentException("BiSnnExperiment.trainEpoch: the epoch index must be >= 0, got " + epoch);
        }
        if (run.network().inputs() != inputs(config, trainFeatures.size(1))) {
            throw TensorException.of("BiSnnExperiment.trainEpoch", "the network reads %d inputs, the features %s "
                    + "encode to %d", run.network().inputs(), Arrays.toString(trainFeatures.shape()),
                    inputs(config, trainFeatures.size(1)));
        }
        return runEpoch(run, epoch, trainFeatures, trainLabels, testFeatures, testLabels);
    }

    /** {@link #trainEpoch} on data already checked (once per run, not once per epoch). */
    private static Epoch runEpoch(Result run, int epoch, Tensor trainFeatures, Tensor trainLabels, Tensor testFeatures,
            Tensor testLabels) {
        BiSnnConfig config = run.config();
        OnlineTrainer trainer = new OnlineTrainer(run.network(), run.optimizer(), config.burnIn());
        RandomKey key = RandomKey.of(config.seed()).fold(1).fold(epoch);
        int n = trainFeatures.size(0);
        int[] order = key.fold(0).permutation(n);
        double loss = 0;
        int batches = 0;
        for (int start = 0; start < n; start += config.batch(), batches++) {
            int rows = Math.min(config.batch(), n - start);
            long[] idx = new long[rows];
            for (int i = 0; i < rows; i++) {
                idx[i] = order[start + i];
            }
            Tensor index = Tensor.of(idx, rows);
            RandomKey batchKey = key.fold(1).fold(batches);
            Tensor seq = encode(config, trainFeatures.indexSelect(0, index), batchKey.fold(0));
            loss += trainer.train(seq, trainLabels.indexSelect(0, index), batchKey.fold(1));
        }
        return new Epoch(epoch + 1, loss / batches, Scores.of(run.predictMap(testFeatures), testLabels));
    }

    private static void checkData(String op, BiSnnConfig config, Tensor trainFeatures, Tensor trainLabels,
            Tensor testFeatures, Tensor testLabels) {
        checkFeatures(op, trainFeatures, config);
        checkLabels(op, trainFeatures, trainLabels, config);
        checkFeatures(op + " (test set)", testFeatures, config);
        checkLabels(op + " (test set)", testFeatures, testLabels, config);
        if (testFeatures.size(1) != trainFeatures.size(1)) {
            throw TensorException.of("BiSnnExperiment." + op, "training features %s and test features %s differ in "
                    + "width", Arrays.toString(trainFeatures.shape()), Arrays.toString(testFeatures.shape()));
        }
    }

    private static void checkFeatures(String op, Tensor features, BiSnnConfig config) {
        if (features == null || features.dim() != 2 || features.size(0) == 0 || !features.dtype().isFloating()) {
            throw TensorException.of("BiSnnExperiment." + op, "features must be a non-empty floating [N, F] matrix, got %s",
                    features == null ? "null" : features.dtype() + " " + Arrays.toString(features.shape()));
        }
        if (config.task() == BiSnnConfig.Task.FASHION_MNIST && features.size(1) != 784) {
            throw TensorException.of("BiSnnExperiment." + op, "Fashion-MNIST features must be [N, 784] pixels in [0, 1], "
                    + "got %s", Arrays.toString(features.shape()));
        }
    }

    private static void checkLabels(String op, Tensor features, Tensor labels, BiSnnConfig config) {
        if (labels == null || labels.dim() != 1 || labels.dtype().isFloating() || labels.size(0) != features.size(0)) {
            throw TensorException.of("BiSnnExperiment." + op, "labels must be integer [%d], got %s", features.size(0),
                    labels == null ? "null" : labels.dtype() + " " + Arrays.toString(labels.shape()));
        }
        int classes = Math.max(2, config.task().outputs());
        for (long y : labels.to(DType.INT64).toLongArray()) {
            if (y < 0 || y >= classes) {
                throw TensorException.of("BiSnnExperiment." + op, "label %d is outside [0, %d) for %s", y, classes,
                        config.task());
            }
        }
    }
}
