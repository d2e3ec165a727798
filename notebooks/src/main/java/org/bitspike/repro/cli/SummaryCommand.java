package org.bitspike.repro.cli;

import com.google.gson.GsonBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.bitspike.nn.Layer;
import org.bitspike.nn.accounting.CostTable;
import org.bitspike.nn.accounting.Energy;
import org.bitspike.nn.accounting.ModelSummary;
import org.bitspike.nn.accounting.OpKind;
import org.bitspike.nn.data.Batch;
import org.bitspike.nn.data.DataLoader;
import org.bitspike.nn.data.Dataset;
import org.bitspike.nn.data.Split;
import org.bitspike.nn.data.Transform;
import org.bitspike.nn.io.AtomicFiles;
import org.bitspike.tensor.RandomKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code summary}: what a model computes per image, counted from real forwards on test images (spikes that arrived,
 * not a formula): per layer its output shape, input spike rate, parameters by precision, memory, operations by kind
 * and energy, from the 45 nm cost table.
 */
@Command(name = "summary", mixinStandardHelpOptions = true,
        description = "Count a model's operations and energy per image on test images (a checkpoint of train, or an "
                + "untrained zoo model).")
final class SummaryCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", description = "a .safetensors file written by train: model, family, dataset and "
            + "normalisation from its metadata")
    Path checkpoint;
    @Option(names = "--model", defaultValue = "vgg-small", description = "without --checkpoint: the zoo model, untrained "
            + "(its spike counts then say little) (default: ${DEFAULT-VALUE})")
    String model;
    @Option(names = "--dataset", defaultValue = "fashion-mnist", description = "without --checkpoint: the images "
            + "(default: ${DEFAULT-VALUE})")
    String dataset;
    @Option(names = "--data-dir", description = "dataset directory (default: the dataset's usual place)")
    Path dataDir;
    @Option(names = "--images", defaultValue = "256", description = "how many test images (the first ones) to count "
            + "over (default: ${DEFAULT-VALUE})")
    int images;
    @Option(names = "--memory", description = "add the energy of reading every parameter once per image (off: a "
            + "compute-only estimate)")
    boolean memory;
    @Option(names = "--json", description = "also write the summary to this JSON file")
    Path json;
    @Mixin
    ModelOptions family = new ModelOptions();
    @Spec
    CommandSpec spec;

    private static final List<String> MODEL_OPTIONS = List.of("--model", "--dataset", "--family", "--activation",
            "--threshold", "--hoyer-lambda", "--adder-eta", "--adder-input-grad", "--adder-weight-grad");

    @Override
    public Integer call() throws Exception {
        if (images < 1) {
            throw new IllegalArgumentException("--images must be at least 1, got " + images);
        }
        Layer net;
        Dataset test;
        double[] mean;
        double[] std;
        String label;
        if (checkpoint != null) {
            for (String name : MODEL_OPTIONS) {
                if (spec.commandLine().getParseResult().hasMatchedOption(name)) {
                    throw new IllegalArgumentException(name + " comes from the checkpoint's metadata; drop it or drop "
                            + "--checkpoint");
                }
            }
            CheckpointModel loaded = CheckpointModel.load(checkpoint, dataDir);
            net = loaded.net();
            test = loaded.testSet(dataDir);
            mean = loaded.mean();
            std = loaded.std();
            label = loaded.family().label(loaded.model()) + " from " + checkpoint;
        } else {
            family.validate(spec.commandLine().getParseResult());
            family.checkModel(model);
            DataChoice data = DataChoice.of(dataset);
            Path dir = dataDir != null ? dataDir : data.defaultDir;
            Dataset train = data.load(dir, Split.TRAIN);
            test = data.load(dir, Split.TEST);
            mean = train.channelMean();
            std = train.channelStd();
            net = family.build(model, test.channels(), test.numClasses(), RandomKey.of(0));
            label = family.label(model) + ", untrained";
        }
        int n = Math.min(images, test.size());
        Dataset first = test.subset(IntStream.range(0, n).toArray());
        net.eval();
        Batch batch;
        try (DataLoader loader = DataLoader.builder(first, RandomKey.of(0)).batchSize(n)
                .transforms(Transform.normalize(mean, std)).build()) {
            batch = loader.epoch(0).iterator().next();
        }
        ModelSummary summary = ModelSummary.run(net, batch.images(), CostTable.horowitz45nm());
        Energy energy = memory ? summary.energyWithParameterReads() : summary.energy();
        System.out.println(label + ", counted over the first " + n + " test images, per image:");
        System.out.println(summary.toText());
        if (memory) {
            System.out.println(energy.assumptions());
        }
        if (json != null) {
            AtomicFiles.writeString(json, new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
                    .create().toJson(toJson(label, n, summary, energy)) + "\n");
        }
        return 0;
    }

    private static Map<String, Object> toJson(String label, int images, ModelSummary summary, Energy energy) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", label);
        out.put("images", images);
        out.put("spike_rule", summary.rule().toString());
        out.put("ops_per_image", byName(summary.totalOpsPerSample()));
        out.put("parameters_by_bits", summary.parametersByBits());
        out.put("energy_picojoules_per_image", energy.picojoules());
        out.put("energy_assumptions", energy.assumptions());
        List<Map<String, Object>> rows = new ArrayList<>();
        for (ModelSummary.Row r : summary.rows()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", r.name());
            row.put("layer", r.description());
            row.put("output_shape", r.outputShape());
            row.put("input_spike_rate", r.inputSpikeRate());
            row.put("parameters_by_bits", r.parametersByBits());
            row.put("ops_per_image", byName(r.opsPerSample()));
            row.put("picojoules_per_image", r.picojoules());
            row.put("counted", r.counted());
            rows.add(row);
        }
        out.put("layers", rows);
        out.put("uncounted", summary.uncounted());
        return out;
    }

    private static Map<String, Double> byName(Map<OpKind, Double> ops) {
        Map<String, Double> out = new LinkedHashMap<>();
        ops.forEach((k, v) -> out.put(k.name(), v));
        return out;
    }
}
