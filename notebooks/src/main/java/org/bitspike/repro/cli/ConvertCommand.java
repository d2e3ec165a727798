package org.bitspike.repro.cli;

import com.google.gson.GsonBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.bitspike.nn.Layer;
import org.bitspike.nn.accounting.CostTable;
import org.bitspike.nn.accounting.Energy;
import org.bitspike.nn.accounting.OpCounter;
import org.bitspike.nn.accounting.OpCounts;
import org.bitspike.nn.accounting.OpKind;
import org.bitspike.nn.accounting.Step;
import org.bitspike.nn.convert.BinarySynapses;
import org.bitspike.nn.convert.ConversionOptions;
import org.bitspike.nn.convert.Converter;
import org.bitspike.nn.convert.LatencyCurve;
import org.bitspike.nn.convert.Propagation;
import org.bitspike.nn.convert.SpikingNetwork;
import org.bitspike.nn.data.Batch;
import org.bitspike.nn.data.DataLoader;
import org.bitspike.nn.data.Dataset;
import org.bitspike.nn.data.Split;
import org.bitspike.nn.data.Transform;
import org.bitspike.nn.io.AtomicFiles;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code convert}: a checkpoint of a conversion source (ReLU, no bias, average pooling; float or binary-weight) turned
 * into a spiking network of IF neurons (digest section 4.3) for every combination of the given percentiles and
 * propagation modes, and evaluated on test images at every time step: the latency curve beside the ANN's accuracy on
 * the same images, spikes per image, and operations and energy counted from the spikes that arrived.
 */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = "Convert a checkpoint of train (a bias-free ReLU model with average pooling, float or bwn) to a "
                + "spiking network and report its accuracy at every time step.")
final class ConvertCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", required = true, description = "a .safetensors file written by train")
    Path checkpoint;
    @Option(names = "--data-dir", description = "dataset directory (default: the dataset's usual place)")
    Path dataDir;
    @Option(names = "--steps", defaultValue = "100", description = "time steps T to simulate (default: ${DEFAULT-VALUE})")
    int steps;
    @Option(names = "--percentile", split = ",", defaultValue = "99.7", description = "the percentile p of every "
            + "ReLU's outputs on the calibration images that becomes its scale; a list runs each (default: "
            + "${DEFAULT-VALUE})")
    List<Double> percentiles;
    @Option(names = "--propagation", split = ",", defaultValue = "delayed", description = "delayed (a layer sees the "
            + "spikes of the step before: the paper's synchronous mode) or one-step; a list runs each (default: "
            + "${DEFAULT-VALUE})")
    List<String> propagations;
    @Option(names = "--synapses", defaultValue = "unit", description = "binary-weight layers: unit (+-1 synapses, the "
            + "scale in each neuron's threshold) or scaled (scaled synapses, threshold 1) (default: ${DEFAULT-VALUE})")
    String synapses;
    @Option(names = "--calibration", defaultValue = "2000", description = "training images (a seeded random choice) "
            + "that set the thresholds (default: ${DEFAULT-VALUE})")
    int calibration;
    @Option(names = "--images", defaultValue = "10000", description = "test images to evaluate, the first ones "
            + "(default: ${DEFAULT-VALUE}, the whole Fashion-MNIST test set)")
    int images;
    @Option(names = "--batch-size", defaultValue = "250", description = "images simulated at once (default: "
            + "${DEFAULT-VALUE})")
    int batchSize;
    @Option(names = "--report-steps", split = ",", defaultValue = "1,2,4,8,16,25,32,50,64,100,128,200", description =
            "the time steps at which operations and energy per image are reported (those <= --steps) (default: "
                    + "${DEFAULT-VALUE})")
    List<Integer> reportSteps;
    @Option(names = "--json", description = "write the results to this JSON file")
    Path json;

    @Override
    public Integer call() throws Exception {
        List<Propagation> modes = new ArrayList<>();
        for (String p : propagations) {
            modes.add(propagation(p));
        }
        BinarySynapses binarySynapses = synapses(synapses);
        for (double p : percentiles) {
            ConversionOptions.defaults().withPercentile(p); // validates the percentile before anything is loaded
        }
        requirePositive("--steps", steps);
        requirePositive("--calibration", calibration);
        requirePositive("--images", images);
        requirePositive("--batch-size", batchSize);
        CheckpointModel loaded = CheckpointModel.load(checkpoint, dataDir);
        Layer net = loaded.net();
        net.eval();
        String label = loaded.family().label(loaded.model());
        Transform normalize = Transform.normalize(loaded.mean(), loaded.std());
        Dataset test = loaded.testSet(dataDir);
        test = test.subset(IntStream.range(0, Math.min(images, test.size())).toArray());
        List<Tensor> calibrationImages = calibrationImages(loaded, normalize);

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("checkpoint", checkpoint.toString());
        out.put("model", loaded.model());
        out.putAll(loaded.family().config());
        out.put("seed", loaded.config().get("seed"));
        out.put("steps", steps);
        out.put("calibration_images", calibration);
        try (DataLoader loader = DataLoader.builder(test, RandomKey.of(0)).batchSize(batchSize).transforms(normalize)
                .build()) {
            Results ann = Results.evaluate(net, loader, loaded.data().classes);
            out.put("test_images", ann.samples());
            out.put("ann_accuracy", ann.accuracy());
            System.out.printf(Locale.ROOT, "%s: ANN test accuracy %.2f%% on %d images%n", label, 100 * ann.accuracy(),
                    ann.samples());
            List<Map<String, Object>> runs = new ArrayList<>();
            for (double p : percentiles) {
                for (Propagation mode : modes) {
                    ConversionOptions options = ConversionOptions.defaults().withPercentile(p).withPropagation(mode)
                            .withBinarySynapses(binarySynapses);
                    long start = System.nanoTime();
                    SpikingNetwork snn = Converter.convert(net, calibrationImages, options);
                    Map<String, Object> run = simulate(snn, loader, ann.accuracy());
                    run.put("percentile", p);
                    run.put("propagation", label(mode));
                    run.put("synapses", binarySynapses.name().toLowerCase(Locale.ROOT));
                    run.put("seconds", (System.nanoTime() - start) / 1e9);
                    runs.add(run);
                    System.out.printf(Locale.ROOT, "p %.2f, %s: SNN accuracy %.2f%% at T = %d, within 1%% of the ANN "
                            + "from T = %s, %.0f spikes per image%n", p, label(mode), 100 * (Double) run.get("final_accuracy"),
                            steps, run.get("steps_within_1pct"), (Double) run.get("spikes_per_image"));
                }
            }
            out.put("runs", runs);
        }
        if (json != null) {
            AtomicFiles.writeString(json, new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
                    .create().toJson(out) + "\n");
        }
        return 0;
    }

    /** The latency curve and the operations counted per image up to each report step. */
    private Map<String, Object> simulate(SpikingNetwork snn, DataLoader loader, double annAccuracy) {
        LatencyCurve curve;
        OpCounts[] upTo = new OpCounts[steps];
        try (OpCounter counter = OpCounter.attach(snn)) {
            curve = snn.evaluate(loader.epoch(0), steps);
            // the counter saw one forward per time step of each batch, in order: step i is time step i mod T
            OpCounts[] perStep = new OpCounts[steps];
            List<Step> seen = counter.steps();
            for (int i = 0; i < seen.size(); i++) {
                int t = i % steps;
                perStep[t] = perStep[t] == null ? seen.get(i).total() : perStep[t].plus(seen.get(i).total());
            }
            OpCounts sum = OpCounts.ZERO;
            for (int t = 0; t < steps; t++) {
                sum = sum.plus(perStep[t]);
                upTo[t] = sum;
            }
        }
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("accuracy_by_step", curve.accuracy());
        run.put("final_accuracy", curve.finalAccuracy());
        run.put("steps_within_1pct", curve.stepsToReach(annAccuracy - 0.01));
        run.put("steps_within_0.5pct", curve.stepsToReach(annAccuracy - 0.005));
        Map<String, Double> spikes = new LinkedHashMap<>();
        double[] perStage = curve.spikesPerStage();
        for (int l = 0; l < perStage.length; l++) {
            spikes.put(snn.stageName(l), perStage[l]);
        }
        run.put("spikes_per_image_by_stage", spikes);
        run.put("spikes_per_image", curve.spikesPerImage());
        run.put("thresholds", thresholdSummary(snn));
        List<Map<String, Object>> ops = new ArrayList<>();
        for (int t : reportSteps) {
            if (t >= 1 && t <= steps) {
                Map<String, Object> at = new LinkedHashMap<>();
                at.put("steps", t);
                at.put("accuracy", curve.accuracy()[t - 1]);
                Map<String, Double> perImage = new LinkedHashMap<>();
                upTo[t - 1].asMap().forEach((k, v) -> perImage.put(k.name(), (double) v / curve.images()));
                at.put("ops_per_image", perImage);
                Energy e = Energy.of(upTo[t - 1], curve.images(), CostTable.horowitz45nm());
                at.put("energy_picojoules_per_image", e.picojoules());
                ops.add(at);
            }
        }
        run.put("by_steps", ops);
        run.put("energy_assumptions", Energy.of(upTo[steps - 1], curve.images(), CostTable.horowitz45nm()).assumptions());
        return run;
    }

    /** Each spiking stage's thresholds: one value, or the range over neurons (binary stages with unit synapses). */
    private static Map<String, double[]> thresholdSummary(SpikingNetwork snn) {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (int l = 0; l < snn.spikingStages(); l++) {
            java.util.DoubleSummaryStatistics th = java.util.Arrays.stream(snn.thresholds(l)).summaryStatistics();
            out.put(snn.stageName(l), new double[] {th.getMin(), th.getMax()});
        }
        return out;
    }

    /** {@code calibration} training images, a seeded random choice, normalised as in training. */
    private List<Tensor> calibrationImages(CheckpointModel loaded, Transform normalize) throws java.io.IOException {
        Dataset train = loaded.data().load(dataDir != null ? dataDir : loaded.data().defaultDir, Split.TRAIN);
        int n = Math.min(calibration, train.size());
        int[] chosen = java.util.Arrays.copyOf(RandomKey.of(4301).permutation(train.size()), n);
        List<Tensor> out = new ArrayList<>();
        try (DataLoader loader = DataLoader.builder(train.subset(chosen), RandomKey.of(0)).batchSize(batchSize)
                .transforms(normalize).build()) {
            for (Batch b : loader.epoch(0)) {
                out.add(b.images());
            }
        }
        return out;
    }

    /** The propagation mode named on the command line: {@code delayed} or {@code one-step}. */
    private static Propagation propagation(String name) {
        for (Propagation p : Propagation.values()) {
            if (label(p).equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("--propagation: unknown '" + name + "'; known: delayed, one-step");
    }

    /** The command line's (and the JSON's) name of {@code p}: its enum name in lower case, {@code _} as {@code -}. */
    private static String label(Propagation p) {
        return p.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static BinarySynapses synapses(String name) {
        return switch (name) {
            case "unit" -> BinarySynapses.UNIT;
            case "scaled" -> BinarySynapses.SCALED;
            default -> throw new IllegalArgumentException("--synapses: unknown '" + name + "'; known: unit, scaled");
        };
    }

    private static void requirePositive(String option, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(option + " must be at least 1, got " + value);
        }
    }
}
