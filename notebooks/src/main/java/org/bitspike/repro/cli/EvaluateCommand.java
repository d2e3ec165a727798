package org.bitspike.repro.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.util.ArrayList;
import java.util.List;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bitspike.nn.Layer;
import org.bitspike.nn.data.DataLoader;
import org.bitspike.nn.data.Dataset;
import org.bitspike.nn.data.Split;
import org.bitspike.nn.data.Transform;
import org.bitspike.nn.io.Checkpoint;
import org.bitspike.nn.io.AtomicFiles;
import org.bitspike.nn.io.Safetensors;
import org.bitspike.nn.spiking.PotentialNoise;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code evaluate}: a checkpoint written by {@code train}, on its dataset's test set. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Evaluate a checkpoint of `train` on the test set (model, dataset and normalisation from its metadata).")
final class EvaluateCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", required = true, description = "a .safetensors file written by train")
    Path checkpoint;
    @Option(names = "--data-dir", description = "dataset directory (default: the dataset's usual place)")
    Path dataDir;
    @Option(names = "--noise", split = ",", description = "hoyer models: also evaluate with Gaussian noise of these relative "
            + "scales (sigma times the potential's std) added to every spike layer's potential, e.g. 0,0.05,0.1,0.2,0.3")
    List<Double> noise = List.of();
    @Option(names = "--json", description = "also write the results (and the noise curve) to this JSON file")
    Path json;

    @Override
    public Integer call() throws Exception {
        Checkpoint c = Safetensors.read(checkpoint);
        String configJson = c.metadata().get("config");
        if (configJson == null) {
            throw new IllegalArgumentException(checkpoint + ": no 'config' in the metadata; was it written by train?");
        }
        Map<?, ?> config = new Gson().fromJson(configJson, Map.class);
        String model = (String) config.get("model");
        DataChoice data = DataChoice.of((String) config.get("dataset"));
        double[] mean = doubles(config.get("normalize_mean"));
        double[] std = doubles(config.get("normalize_std"));
        ModelOptions family = ModelOptions.fromConfig(config);
        for (double sigma : noise) {
            if (!(sigma >= 0) || !Double.isFinite(sigma)) {
                throw new IllegalArgumentException("--noise: every sigma must be non-negative and finite, got " + sigma);
            }
        }
        if (!noise.isEmpty() && !family.spiking()) {
            throw new IllegalArgumentException("--noise: " + checkpoint + " is a " + family.label(model)
                    + " model without spike layers to perturb");
        }
        Dataset test = data.load(dataDir != null ? dataDir : data.defaultDir, Split.TEST);
        int limit = config.get("limit") instanceof Number n ? n.intValue() : 0;
        if (limit > 0 && limit < test.size()) { // the same slice train evaluated on
            test = test.subset(java.util.stream.IntStream.range(0, limit).toArray());
        }
        Layer net = family.build(model, test.channels(), test.numClasses(), RandomKey.of(0));
        Map<String, Tensor> weights = new LinkedHashMap<>();
        c.tensors().forEach((k, v) -> {
            if (k.startsWith("model.")) {
                weights.put(k.substring(6), v);
            }
        });
        net.load(weights);
        try (DataLoader loader = DataLoader.builder(test, RandomKey.of(0)).batchSize(256)
                .transforms(Transform.normalize(mean, std)).build()) {
            Results r = Results.evaluate(net, loader, data.classes);
            long seed = ((Number) config.get("seed")).longValue();
            System.out.println(r.table(family.label(model), data.id, seed, Integer.parseInt(c.metadata().getOrDefault("epoch", "-1")) + 1));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("checkpoint", checkpoint.toString());
            out.put("model", model);
            out.putAll(family.config());
            out.put("seed", seed);
            out.putAll(r.fields());
            if (!noise.isEmpty()) {
                out.put("noise", noiseCurve(net, loader, data.classes));
            }
            if (json != null) {
                AtomicFiles.writeString(json, new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
                        .create().toJson(out) + "\n");
            }
        }
        return 0;
    }

    /** Test accuracy with noise of each relative scale on every spike layer's potential (fixed noise key). */
    private List<Map<String, Object>> noiseCurve(Layer net, DataLoader loader, List<String> classes) {
        List<Map<String, Object>> curve = new ArrayList<>();
        for (double sigma : noise) {
            try (PotentialNoise n = PotentialNoise.attach(net, sigma, RandomKey.of(12))) {
                Results r = Results.evaluate(net, loader, classes);
                System.out.printf("noise sigma %.3f: test accuracy %.2f%%%n", sigma, 100 * r.accuracy());
                curve.add(Map.of("sigma", sigma, "accuracy", r.accuracy(), "loss", r.loss()));
            }
        }
        return curve;
    }

    private static double[] doubles(Object list) {
        return ((java.util.List<?>) list).stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray();
    }
}
