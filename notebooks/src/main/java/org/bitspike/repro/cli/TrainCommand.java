package org.bitspike.repro.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.util.Comparator;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bitspike.autograd.Var;
import org.bitspike.nn.Functional;
import org.bitspike.nn.Layer;
import org.bitspike.nn.Reduction;
import org.bitspike.nn.data.DataLoader;
import org.bitspike.nn.data.Dataset;
import org.bitspike.nn.data.Split;
import org.bitspike.nn.data.Transform;
import org.bitspike.nn.io.AtomicFiles;
import org.bitspike.nn.io.Safetensors;
import org.bitspike.nn.spiking.HoyerRegularizer;
import org.bitspike.nn.spiking.SpikeStatistics;
import org.bitspike.nn.optim.Adam;
import org.bitspike.nn.optim.Optimizer;
import org.bitspike.nn.optim.ParamGroup;
import org.bitspike.nn.optim.Schedule;
import org.bitspike.nn.optim.Sgd;
import org.bitspike.nn.optim.Bop;
import org.bitspike.nn.optim.CombinedOptimizer;
import org.bitspike.nn.binary.BinaryLayer;
import org.bitspike.nn.binary.LatentWeightClipping;
import org.bitspike.nn.binary.Quantizer;
import org.bitspike.autograd.GradMode;
import org.bitspike.nn.train.Checkpoints;
import org.bitspike.nn.train.SignFlips;
import org.bitspike.nn.train.EarlyStopping;
import org.bitspike.nn.train.MetricsLog;
import org.bitspike.nn.train.TerminalProgress;
import org.bitspike.nn.train.Trainer;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;

/** {@code train}: trains a zoo model, evaluates its best checkpoint on the test set, prints the results. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a model of the zoo; resumes from OUT/last.safetensors when it exists.")
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--model", defaultValue = "vgg-small", description = "vgg-small, vgg11, vgg16, resnet18, resnet20; "
            + "--activation hoyer makes it spiking (default: ${DEFAULT-VALUE})")
    String model;
    @Option(names = "--dataset", defaultValue = "fashion-mnist", description = "fashion-mnist, mnist, cifar10 (default: ${DEFAULT-VALUE})")
    String dataset;
    @Option(names = "--data-dir", description = "dataset directory (default: the dataset's usual place)")
    Path dataDir;
    @Option(names = "--epochs", defaultValue = "15")
    int epochs;
    @Option(names = "--batch-size", defaultValue = "64")
    int batchSize;
    @Option(names = "--optimizer", defaultValue = "sgd", description = "sgd (Nesterov momentum), adam, adamw")
    String optimizer;
    @Option(names = "--lr", defaultValue = "0.05")
    double lr;
    @Option(names = "--momentum", defaultValue = "0.9")
    double momentum;
    @Option(names = "--weight-decay", defaultValue = "5e-4", description = "not applied to BatchNorm parameters and biases")
    double weightDecay;
    @Option(names = "--warmup-epochs", defaultValue = "1", description = "linear warm-up, then cosine annealing to 0")
    int warmupEpochs;
    @Option(names = "--label-smoothing", defaultValue = "0.1")
    double labelSmoothing;
    @Option(names = "--augment", defaultValue = "true", negatable = true, description = "random crop (padding 2) and horizontal flip")
    boolean augment;
    @Option(names = "--validation", defaultValue = "5000", description = "training images held out to choose the best epoch")
    int validation;
    @Option(names = "--patience", defaultValue = "0", description = "early stopping after this many epochs without improvement (0: off)")
    int patience;
    @Option(names = "--limit", defaultValue = "0", description = "use only this many training and test images (0: all), for smoke runs")
    int limit;
    @Option(names = "--seed", defaultValue = "1")
    long seed;
    @Option(names = "--out", required = true, description = "run directory: checkpoints, metrics, results")
    Path out;
    @Mixin
    ModelOptions family = new ModelOptions();
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintStream err = System.err;
        family.validate(spec.commandLine().getParseResult());
        family.checkModel(model);
        DataChoice data = DataChoice.of(dataset);
        Path dir = dataDir != null ? dataDir : data.defaultDir;
        RandomKey key = RandomKey.of(seed);
        Dataset full = limited(data.load(dir, Split.TRAIN));
        Dataset test = limited(data.load(dir, Split.TEST));
        Dataset.TrainValidation split = full.split(validation, key.fold(1));
        double[] mean = split.train().channelMean();
        double[] std = split.train().channelStd();
        List<Transform> transforms = new ArrayList<>();
        if (augment) {
            transforms.add(Transform.randomCrop(data.colour() ? 4 : 2));
            transforms.add(Transform.randomHorizontalFlip());
        }
        transforms.add(Transform.normalize(mean, std));
        Layer net = family.build(model, full.channels(), full.numClasses(), key.fold(2));
        HoyerRegularizer.Options regularizerOptions = family.regularizer();
        Optimizer opt = optimizer(net);
        Files.createDirectories(out);
        String config = configJson(mean, std);
        Map<String, String> metadata = Provenance.collect(config, dir, data.files);
        try (SpikeStatistics spikes = family.spiking() ? SpikeStatistics.attach(net) : null;
             HoyerRegularizer regularizer = regularizerOptions == null ? null : HoyerRegularizer.attach(net, regularizerOptions);
             DataLoader train = DataLoader.builder(split.train(), key.fold(3)).batchSize(batchSize).shuffle(true)
                .dropLast(true).transforms(transforms).build();
             DataLoader val = DataLoader.builder(split.validation(), key.fold(4)).batchSize(256)
                     .transforms(Transform.normalize(mean, std)).build();
             DataLoader testLoader = DataLoader.builder(test, key.fold(5)).batchSize(256)
                     .transforms(Transform.normalize(mean, std)).build()) {
            long steps = (long) epochs * train.batchesPerEpoch();
            long warmup = (long) warmupEpochs * train.batchesPerEpoch();
            SignFlips flips = family.family().binary() ? new SignFlips(BinaryLayer.latentWeights(net)) : null;
            Trainer.Builder b = Trainer.builder(net, opt, train).validation(val)
                    .schedule(Schedule.warmup(warmup, Schedule.cosine(Math.max(1, steps - warmup), 0)))
                    .loss((logits, labels) -> Functional.crossEntropy(logits, labels, labelSmoothing, Reduction.MEAN))
                    .regularizer(regularizer);
            if (flips != null) { // before the metrics log, which reads the epoch's flip ratio
                b.callback(flips);
                if (!family.bop()) {
                    b.callback(new LatentWeightClipping());
                }
            }
            b.callback(new TerminalProgress(err)).callback(new MetricsLog(out, () -> epochExtras(spikes, flips)))
                    .callback(new Checkpoints(out, metadata));
            if (patience > 0) {
                b.callback(new EarlyStopping(patience));
            }
            Trainer trainer = b.build();
            org.bitspike.nn.io.Checkpoint resumed = Checkpoints.resume(trainer, out);
            if (resumed != null) {
                checkSameRun(resumed.metadata().get("config"), config);
                err.printf("resuming %s from epoch %d%n", out.resolve(Checkpoints.LAST), trainer.nextEpoch() + 1);
            }
            err.printf("%s on %s: %,d parameters; %d training, %d validation, %d test images; seed %d%n", model, dataset,
                    net.parameterCount(), split.train().size(), split.validation().size(), test.size(), seed);
            trainer.fit(epochs);

            Map<String, Tensor> best = Safetensors.read(out.resolve(Checkpoints.BEST)).tensors();
            Map<String, Tensor> weights = new LinkedHashMap<>();
            best.forEach((k, v) -> {
                if (k.startsWith("model.")) {
                    weights.put(k.substring(6), v);
                }
            });
            net.load(weights);
            if (spikes != null) {
                spikes.reset();
            }
            Results r = Results.evaluate(net, testLoader, data.classes);
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("model", model);
            summary.putAll(family.config());
            summary.put("dataset", dataset);
            summary.put("seed", seed);
            summary.put("best_epoch", trainer.bestEpoch() + 1);
            summary.put("best_validation_accuracy", trainer.bestAccuracy());
            summary.putAll(r.fields());
            if (spikes != null) {
                summary.put("spikes", SpikeSummary.of(spikes));
            }
            if (flips != null) {
                summary.put("flip_ratio_by_epoch", flips.history()); // the epochs of this process (not before a resume)
            }
            summary.put("peak_heap_mb_upper_bound", peakHeapMegabytes());
            summary.put("provenance", metadata);
            AtomicFiles.writeString(out.resolve("results.json"),
                    new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(summary) + "\n");
            System.out.println(r.table(family.label(model), dataset, seed, trainer.bestEpoch() + 1));
            System.out.printf("peak heap (sum of the heap pools' peaks, an upper bound): %.0f MB%n", peakHeapMegabytes());
        }
        return 0;
    }

    /**
     * Refuses to resume a run with other options than it was started with (all but {@code epochs},
     * which may grow): the earlier epochs would be recorded under a configuration they did not have.
     */
    private void checkSameRun(String savedJson, String currentJson) {
        Path last = out.resolve(Checkpoints.LAST);
        if (savedJson == null) {
            throw new IllegalArgumentException(last + ": no 'config' in the metadata; was it written by train?");
        }
        Map<?, ?> saved = new Gson().fromJson(savedJson, Map.class);
        Map<?, ?> current = new Gson().fromJson(currentJson, Map.class);
        java.util.TreeSet<Object> keys = new java.util.TreeSet<>(Comparator.comparing(Object::toString));
        keys.addAll(saved.keySet());
        keys.addAll(current.keySet());
        List<String> differences = new ArrayList<>();
        for (Object k : keys) {
            // NOTE: runs from before the adder family recorded no "family"; their activation says it
            boolean olderRun = k.equals("family") && !saved.containsKey(k);
            if (!k.equals("epochs") && !olderRun && !java.util.Objects.equals(saved.get(k), current.get(k))) {
                differences.add(k + ": " + saved.get(k) + " in the checkpoint, " + current.get(k) + " now");
            }
        }
        if (!differences.isEmpty()) {
            throw new IllegalArgumentException("cannot resume " + last + " with other options (" + String.join("; ", differences)
                    + "); use another --out or the run's own options");
        }
    }

    /**
     * The epoch's extras for metrics.jsonl: the spike statistics of the epoch that just ended (its training and
     * validation forwards, then cleared) and the binary weights' mean flip ratio per step.
     */
    private static Map<String, Object> epochExtras(SpikeStatistics spikes, SignFlips flips) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (spikes != null) {
            m.put("spikes", spikes.summary());
            spikes.reset();
        }
        if (flips != null) {
            m.put("flip_ratio", flips.epochRatio());
        }
        return m;
    }

    /** The sum of every heap pool's peak use since the JVM started: an upper bound of the peak heap. */
    static double peakHeapMegabytes() {
        return java.lang.management.ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == java.lang.management.MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum() / 1e6;
    }

    private Dataset limited(Dataset d) {
        if (limit <= 0 || limit >= d.size()) {
            return d;
        }
        return d.subset(java.util.stream.IntStream.range(0, limit).toArray());
    }

    /**
     * The optimiser: weight decay on weights only (not on BN, biases, the spike layers' v, or binary weights, whose
     * sign is all that counts); the binary weights of a binary family either join the float optimiser as latent
     * weights or go to Bop, beside it ({@code --binary-weights}).
     */
    private Optimizer optimizer(Layer net) {
        // In the model's order: the optimiser's saved state is indexed by position, so an order that changed from one
        // JVM to the next (an identity set's) would refuse, or worse mismatch, the state on resume.
        List<Var> binaryOrdered = family.family().binary() ? BinaryLayer.latentWeights(net) : List.of();
        java.util.Set<Var> binary = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        binary.addAll(binaryOrdered);
        List<Var> decayed = new ArrayList<>();
        List<Var> plain = new ArrayList<>();
        net.namedParameters().forEach((name, p) -> {
            if (!binary.contains(p)) {
                (p.dim() > 1 ? decayed : plain).add(p);
            }
        });
        List<ParamGroup> groups = new ArrayList<>(List.of(new ParamGroup(decayed, lr, weightDecay),
                new ParamGroup(plain, lr, 0)));
        if (!binary.isEmpty() && !family.bop()) {
            groups.add(new ParamGroup(binaryOrdered, lr, 0));
        }
        Optimizer floats = switch (optimizer) {
            case "sgd" -> new Sgd(groups, momentum, 0, momentum > 0);
            case "adam" -> new Adam(groups, 0.9, 0.999, 1e-8, false);
            case "adamw" -> new Adam(groups, 0.9, 0.999, 1e-8, true);
            default -> throw new IllegalArgumentException("unknown optimizer '" + optimizer + "'; known: sgd, adam, adamw");
        };
        if (binary.isEmpty() || !family.bop()) {
            return floats;
        }
        try (GradMode.Scope scope = GradMode.noGrad()) {
            for (Var w : binaryOrdered) { // Bop trains +-1 weights: start from the signs of the initialisation
                w.value().copy_(Quantizer.sign(w.value()));
            }
        }
        return CombinedOptimizer.of(floats, Bop.of(binaryOrdered, family.bopGamma, family.bopThreshold));
    }

    private String configJson(double[] mean, double[] std) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("model", model);
        c.putAll(family.config());
        c.put("dataset", dataset);
        c.put("epochs", epochs);
        c.put("batch_size", batchSize);
        c.put("optimizer", optimizer);
        c.put("lr", lr);
        c.put("momentum", momentum);
        c.put("weight_decay", weightDecay);
        c.put("warmup_epochs", warmupEpochs);
        c.put("label_smoothing", labelSmoothing);
        c.put("augment", augment);
        c.put("validation", validation);
        c.put("patience", patience);
        c.put("limit", limit);
        c.put("seed", seed);
        c.put("normalize_mean", mean);
        c.put("normalize_std", std);
        return new GsonBuilder().create().toJson(c);
    }
}
