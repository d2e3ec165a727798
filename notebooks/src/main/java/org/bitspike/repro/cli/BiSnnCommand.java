package org.bitspike.repro.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParser;
import com.google.gson.ToNumberPolicy;
import com.google.gson.reflect.TypeToken;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.bitspike.nn.bayes.BiSnnConfig;
import org.bitspike.nn.bayes.BiSnnExperiment;
import org.bitspike.nn.bayes.Prediction;
import org.bitspike.nn.bayes.Rule;
import org.bitspike.nn.bayes.Scores;
import org.bitspike.nn.data.Dataset;
import org.bitspike.nn.data.Split;
import org.bitspike.nn.data.TwoMoons;
import org.bitspike.nn.io.AtomicFiles;
import org.bitspike.nn.io.Checkpoint;
import org.bitspike.nn.io.Safetensors;
import org.bitspike.nn.metrics.ReliabilityDiagram;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bisnn}: one BiSNN run (digest section 5): a DECOLLE network of LIF layers with synaptic and refractory traces
 * trained online by the float, straight-through (ST-BiSNN) or Bayesian (Bayes-BiSNN) rule, on two-moons (population
 * coded) or Fashion-MNIST (rate coded). After every epoch the network, the optimiser's state (theta for the binary
 * rules) and the metrics so far are saved atomically to {@code last.safetensors}; the same command again resumes from
 * it and ends exactly as an uninterrupted run. At the end: MAP scores (and for the Bayes rule the ensemble's, by
 * ensemble size) with reliability diagrams in {@code results.json}; for two-moons the decision and uncertainty maps
 * over a grid in {@code grid.json}.
 */
@Command(name = "bisnn", mixinStandardHelpOptions = true,
        description = "Train a BiSNN (float, straight-through or Bayes rule) on two-moons or Fashion-MNIST; resumable.")
final class BiSnnCommand implements Callable<Integer> {
    static final String LAST = "last.safetensors";
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
            .create();
    // NOTE: LONG_OR_DOUBLE, so that integers read back from the checkpoint's metadata stay integers (epoch 1, not 1.0)
    private static final Gson LINE = new GsonBuilder().serializeSpecialFloatingPointValues()
            .setObjectToNumberStrategy(ToNumberPolicy.LONG_OR_DOUBLE).create();

    @Option(names = "--task", defaultValue = "fashion-mnist", description = "two-moons or fashion-mnist (default: "
            + "${DEFAULT-VALUE})")
    String task;
    @Option(names = "--rule", required = true, description = "float, st (straight-through) or bayes")
    String rule;
    @Option(names = "--seed", defaultValue = "1", description = "network, shuffling, spikes and samples derive from it "
            + "(default: ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--epochs", description = "passes over the training set (default: the task's)")
    Integer epochs;
    @Option(names = "--hidden", split = ",", description = "LIF layer sizes (default: 256,256)")
    int[] hidden;
    @Option(names = "--lr", description = "learning rate (default: the rule's for the task, digest 5.4)")
    Double lr;
    @Option(names = "--steps", description = "time steps T per sample (default: the task's)")
    Integer steps;
    @Option(names = "--burn-in", description = "steps without learning at the start of a sample (default: the task's)")
    Integer burnIn;
    @Option(names = "--batch", description = "samples per update (default: the rule's for the task)")
    Integer batch;
    @Option(names = "--samples", description = "S, the Bayes ensemble's members (default: 10)")
    Integer samples;
    @Option(names = "--init-scale", description = "initial weights +-scale (binary rules) or uniform in +-scale (float)")
    Double initScale;
    @Option(names = "--tau", description = "Bayes: the relaxation's temperature (default: 1)")
    Double tau;
    @Option(names = "--rho", description = "Bayes: the KL weight (default: the task's)")
    Double rho;
    @Option(names = "--p0", description = "Bayes: the prior's probability of +1 (default: 0.5)")
    Double p0;
    @Option(names = "--limit", description = "train on the first N training samples (default: all)")
    Integer limit;
    @Option(names = "--test-limit", description = "evaluate on the first N test samples (default: all)")
    Integer testLimit;
    @Option(names = "--grid", defaultValue = "100", description = "two-moons: the maps' points per side (default: "
            + "${DEFAULT-VALUE})")
    int grid;
    @Option(names = "--data-dir", description = "Fashion-MNIST's directory (default: the dataset's usual place)")
    Path dataDir;
    @Option(names = "--out", required = true, description = "the run's directory (checkpoint, metrics, results)")
    Path out;

    @Override
    public Integer call() throws Exception {
        BiSnnConfig config = config();
        Data data = data(config);
        Map<String, String> provenance = Provenance.collect(configJson(config, data), data.dir(), data.files());
        Files.createDirectories(out);
        BiSnnExperiment.Result run = BiSnnExperiment.build(config, data.trainX().size(1));
        List<Map<String, Object>> metrics = resume(run, provenance.get("config"));
        if (!metrics.isEmpty()) {
            System.out.printf(Locale.ROOT, "bisnn: resuming %s after epoch %d of %d%n", out, metrics.size(),
                    config.epochs());
        }
        System.out.println("bisnn: " + config + " on " + data.trainX().size(0) + " training and "
                + data.testX().size(0) + " test samples");
        for (int epoch = metrics.size(); epoch < config.epochs(); epoch++) {
            long start = System.nanoTime();
            BiSnnExperiment.Epoch e = BiSnnExperiment.trainEpoch(run, epoch, data.trainX(), data.trainY(),
                    data.testX(), data.testY());
            double seconds = (System.nanoTime() - start) / 1e9;
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("epoch", e.epoch());
            row.put("train_loss", e.trainLoss());
            row.putAll(scores("test_", e.test(), false));
            row.put("seconds", seconds);
            metrics.add(row);
            save(run, provenance, metrics);
            System.out.printf(Locale.ROOT, "bisnn: epoch %d/%d: local loss %.4f, MAP test accuracy %.2f%%, ECE15 "
                    + "%.4f, %.0f s, about %.0f s left%n", e.epoch(), config.epochs(), e.trainLoss(),
                    100 * e.test().accuracy(), e.test().ece15(), seconds, seconds * (config.epochs() - e.epoch()));
        }
        long start = System.nanoTime();
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("task", label(config.task()));
        results.put("rule", label(config.rule()));
        results.put("seed", config.seed());
        results.put("config", JsonParser.parseString(provenance.get("config")));
        results.put("train_samples", data.trainX().size(0));
        results.put("test_samples", data.testX().size(0));
        BiSnnExperiment.Evaluation eval = run.evaluate(data.testX(), data.testY());
        results.put("map", scores("", eval.map(), true));
        if (eval.ensemble() != null) {
            results.put("ensemble", scores("", eval.ensemble(), true));
            List<Map<String, Object>> bySize = new ArrayList<>();
            for (int i = 0; i < eval.sizes().length; i++) {
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("size", eval.sizes()[i]);
                s.putAll(scores("", eval.bySize().get(i), false));
                bySize.add(s);
            }
            results.put("by_size", bySize);
        }
        results.put("train_seconds", metrics.stream().mapToDouble(m -> ((Number) m.get("seconds")).doubleValue()).sum());
        if (config.task() == BiSnnConfig.Task.TWO_MOONS) {
            AtomicFiles.writeString(out.resolve("grid.json"), LINE.toJson(maps(run, data)) + "\n");
        }
        results.put("evaluation_seconds", (System.nanoTime() - start) / 1e9);
        results.put("provenance", provenance);
        AtomicFiles.writeString(out.resolve("results.json"), GSON.toJson(results) + "\n");
        System.out.printf(Locale.ROOT, "bisnn: MAP %s%n", eval.map());
        if (eval.ensemble() != null) {
            System.out.printf(Locale.ROOT, "bisnn: ensemble of %d %s%n", config.samples(), eval.ensemble());
        }
        return 0;
    }

    /** The task's defaults for the rule, with every option given on the command line applied. */
    BiSnnConfig config() {
        Rule r = switch (rule) {
            case "float" -> Rule.FLOAT;
            case "st" -> Rule.STRAIGHT_THROUGH;
            case "bayes" -> Rule.BAYES;
            default -> throw new IllegalArgumentException("--rule: unknown '" + rule + "'; known: float, st, bayes");
        };
        BiSnnConfig c = switch (task) {
            case "two-moons" -> BiSnnConfig.twoMoons(r);
            case "fashion-mnist" -> BiSnnConfig.fashionMnist(r);
            default -> throw new IllegalArgumentException("--task: unknown '" + task + "'; known: two-moons, "
                    + "fashion-mnist");
        };
        c = c.withSeed(seed);
        if (epochs != null) {
            c = c.withEpochs(epochs);
        }
        if (hidden != null) {
            c = c.withHidden(hidden);
        }
        if (lr != null) {
            c = c.withLr(lr);
        }
        if (steps != null || burnIn != null) {
            c = c.withSteps(steps != null ? steps : c.steps(), burnIn != null ? burnIn : c.burnIn());
        }
        if (batch != null) {
            c = c.withBatch(batch);
        }
        if (samples != null) {
            c = c.withSamples(samples);
        }
        if (initScale != null) {
            c = c.withInitScale(initScale);
        }
        if (tau != null || rho != null || p0 != null) {
            c = c.withPosterior(tau != null ? tau : c.tau(), rho != null ? rho : c.rho(), p0 != null ? p0 : c.p0());
        }
        if (grid < 2) {
            throw new IllegalArgumentException("--grid must be at least 2 points per side, got " + grid);
        }
        requirePositive("--limit", limit);
        requirePositive("--test-limit", testLimit);
        return c;
    }

    /** Features in [0, 1] and integer labels, for training and test, and the files they came from. */
    record Data(Tensor trainX, Tensor trainY, Tensor testX, Tensor testY, Path dir, List<String> files) {
    }

    /**
     * Two-moons: BiSNN's 200 training points (noise 0.1, data seed 1) and 1,000 test points (seed 2), the same for
     * every rule and seed; Fashion-MNIST: the training set (its first {@code --limit}) and the test set.
     */
    Data data(BiSnnConfig config) throws IOException {
        Tensor trainX;
        Tensor trainY;
        Tensor testX;
        Tensor testY;
        Path dir;
        List<String> files;
        if (config.task() == BiSnnConfig.Task.TWO_MOONS) {
            TwoMoons train = TwoMoons.bisnn(RandomKey.of(1));
            TwoMoons test = TwoMoons.generate(1000, 0.1, RandomKey.of(2));
            trainX = train.points(DType.FLOAT32);
            trainY = train.labels();
            testX = test.points(DType.FLOAT32);
            testY = test.labels();
            dir = out;
            files = List.of();
        } else {
            DataChoice choice = DataChoice.FASHION_MNIST;
            dir = dataDir != null ? dataDir : choice.defaultDir;
            files = choice.files;
            Dataset train = choice.load(dir, Split.TRAIN);
            Dataset test = choice.load(dir, Split.TEST);
            train = first(train, limit);
            test = first(test, testLimit);
            trainX = train.images().reshape(train.size(), 784);
            trainY = train.labels();
            testX = test.images().reshape(test.size(), 784);
            testY = test.labels();
        }
        return new Data(trainX, trainY, testX, testY, dir, files);
    }

    private static Dataset first(Dataset d, Integer count) {
        return count == null ? d : d.subset(IntStream.range(0, Math.min(count, d.size())).toArray());
    }

    private static void requirePositive(String option, Integer value) {
        if (value != null && value < 1) {
            throw new IllegalArgumentException(option + " must be at least 1, got " + value);
        }
    }

    private String configJson(BiSnnConfig c, Data data) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("task", label(c.task()));
        m.put("rule", label(c.rule()));
        m.put("hidden", c.hidden());
        m.put("bias", c.bias());
        m.put("lr", c.lr());
        m.put("tau", c.tau());
        m.put("rho", c.rho());
        m.put("p0", c.p0());
        m.put("init_scale", c.initScale());
        m.put("batch", c.batch());
        m.put("epochs", c.epochs());
        m.put("steps", c.steps());
        m.put("burn_in", c.burnIn());
        m.put("samples", c.samples());
        m.put("seed", c.seed());
        m.put("train_samples", data.trainX().size(0));
        m.put("test_samples", data.testX().size(0));
        return LINE.toJson(m);
    }

    /**
     * Restores {@code run} from {@code out/last.safetensors} when there is one (the same configuration, else a clear
     * error), and returns the metrics of the epochs it holds; an empty list for a new run.
     */
    private List<Map<String, Object>> resume(BiSnnExperiment.Result run, String configJson) throws IOException {
        Path last = out.resolve(LAST);
        if (!Files.exists(last)) {
            return new ArrayList<>();
        }
        Checkpoint c = Safetensors.read(last);
        String saved = c.metadata().get("config");
        // NOTE: the epoch count may grow (a run extended with --epochs); everything else must match
        if (saved == null || !sameButEpochs(saved, configJson)) {
            throw new IllegalArgumentException(String.format("bisnn: %s holds another run (%s); this command asks for "
                    + "%s. Use another --out or remove the directory", last, saved, configJson));
        }
        String rows = c.metadata().get("metrics");
        if (rows == null) {
            throw new IllegalArgumentException("bisnn: " + last + " has no 'metrics' metadata: not written by bisnn");
        }
        run.restore(c.tensors());
        List<Map<String, Object>> metrics = LINE.fromJson(rows, new TypeToken<List<Map<String, Object>>>() { }.getType());
        return new ArrayList<>(metrics);
    }

    private static boolean sameButEpochs(String a, String b) {
        Map<?, ?> x = new LinkedHashMap<>(LINE.fromJson(a, Map.class));
        Map<?, ?> y = new LinkedHashMap<>(LINE.fromJson(b, Map.class));
        x.remove("epochs");
        y.remove("epochs");
        return x.equals(y);
    }

    /** The checkpoint (state, provenance, metrics so far), then metrics.jsonl: each replaced atomically. */
    private void save(BiSnnExperiment.Result run, Map<String, String> provenance, List<Map<String, Object>> metrics)
            throws IOException {
        Map<String, String> meta = new LinkedHashMap<>(provenance);
        meta.put("epoch", String.valueOf(metrics.size()));
        meta.put("metrics", LINE.toJson(metrics));
        Safetensors.write(out.resolve(LAST), run.state(), meta);
        StringBuilder lines = new StringBuilder();
        metrics.forEach(m -> lines.append(LINE.toJson(m)).append('\n'));
        AtomicFiles.writeString(out.resolve("metrics.jsonl"), lines.toString());
    }

    /** Accuracy, NLL and ECE (10 and 15 bins), with the 15-bin reliability diagram when {@code bins}. */
    private static Map<String, Object> scores(String prefix, Scores s, boolean bins) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(prefix + "accuracy", s.accuracy());
        m.put(prefix + "nll", s.nll());
        m.put(prefix + "ece10", s.ece10());
        m.put(prefix + "ece15", s.ece15());
        if (bins) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (ReliabilityDiagram.Bin b : s.bins15().bins()) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("lower", b.lower());
                r.put("upper", b.upper());
                r.put("count", b.count());
                r.put("confidence", b.meanConfidence());
                r.put("accuracy", b.accuracy());
                rows.add(r);
            }
            m.put(prefix + "reliability15", rows);
        }
        return m;
    }

    /**
     * Two-moons maps over a {@code grid x grid} lattice of the unit square (x fastest): the MAP network's probability
     * of the inner moon, and for the Bayes rule the ensemble's mean and the members' standard deviation (the
     * uncertainty map), with the training points to draw over them.
     */
    private Map<String, Object> maps(BiSnnExperiment.Result run, Data data) {
        Tensor points = TwoMoons.grid(grid).to(DType.FLOAT32);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("side", grid);
        m.put("map_probability", column(run.predictMap(points), 1));
        if (run.config().rule() == Rule.BAYES) {
            Prediction.Ensemble e = run.predictEnsemble(points, run.config().samples());
            m.put("ensemble_probability", column(e.mean(), 1));
            m.put("ensemble_std", column(e.std(), 1));
        }
        m.put("train_points", data.trainX().toDoubleArray());
        m.put("train_labels", data.trainY().toLongArray());
        return m;
    }

    private static double[] column(Tensor probabilities, int k) {
        return probabilities.select(1, k).contiguous().toDoubleArray();
    }

    private static String label(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
