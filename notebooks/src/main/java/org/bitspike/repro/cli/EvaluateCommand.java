package org.bitspike.repro.cli;

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
import org.bitspike.nn.data.Transform;
import org.bitspike.nn.io.AtomicFiles;
import org.bitspike.nn.spiking.PotentialNoise;
import org.bitspike.tensor.RandomKey;
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
        CheckpointModel loaded = CheckpointModel.load(checkpoint, dataDir);
        String model = loaded.model();
        DataChoice data = loaded.data();
        ModelOptions family = loaded.family();
        Map<?, ?> config = loaded.config();
        for (double sigma : noise) {
            if (!(sigma >= 0) || !Double.isFinite(sigma)) {
                throw new IllegalArgumentException("--noise: every sigma must be non-negative and finite, got " + sigma);
            }
        }
        if (!noise.isEmpty() && !family.spiking()) {
            throw new IllegalArgumentException("--noise: " + checkpoint + " is a " + family.label(model)
                    + " model without spike layers to perturb");
        }
        Dataset test = loaded.testSet(dataDir);
        Layer net = loaded.net();
        try (DataLoader loader = DataLoader.builder(test, RandomKey.of(0)).batchSize(256)
                .transforms(Transform.normalize(loaded.mean(), loaded.std())).build()) {
            Results r = Results.evaluate(net, loader, data.classes);
            long seed = ((Number) config.get("seed")).longValue();
            System.out.println(r.table(family.label(model), data.id, seed, Integer.parseInt(loaded.checkpoint().metadata().getOrDefault("epoch", "-1")) + 1));
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
}
