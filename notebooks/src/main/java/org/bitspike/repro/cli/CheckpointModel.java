package org.bitspike.repro.cli;

import com.google.gson.Gson;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.bitspike.nn.Layer;
import org.bitspike.nn.data.Dataset;
import org.bitspike.nn.data.Split;
import org.bitspike.nn.io.Checkpoint;
import org.bitspike.nn.io.Safetensors;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;

/**
 * A model rebuilt from a checkpoint written by {@code train}: its zoo name, family, dataset and normalisation from the
 * metadata's config, its weights loaded. What {@code evaluate} and {@code summary} share.
 *
 * @param net the model with the checkpoint's weights (in training mode, as built)
 * @param model the zoo name
 * @param family the family options the run recorded
 * @param data the run's dataset
 * @param mean the normalisation's channel means
 * @param std the normalisation's channel standard deviations
 * @param config the run's whole config
 * @param checkpoint the checkpoint as read
 */
record CheckpointModel(Layer net, String model, ModelOptions family, DataChoice data, double[] mean, double[] std,
                       Map<?, ?> config, Checkpoint checkpoint) {

    static CheckpointModel load(Path file, Path dataDir) throws IOException {
        Checkpoint c = Safetensors.read(file);
        String configJson = c.metadata().get("config");
        if (configJson == null) {
            throw new IllegalArgumentException(file + ": no 'config' in the metadata; was it written by train?");
        }
        Map<?, ?> config = new Gson().fromJson(configJson, Map.class);
        String model = (String) config.get("model");
        DataChoice data = DataChoice.of((String) config.get("dataset"));
        ModelOptions family = ModelOptions.fromConfig(config);
        Dataset test = data.load(dataDir != null ? dataDir : data.defaultDir, Split.TEST);
        Layer net = family.build(model, test.channels(), test.numClasses(), RandomKey.of(0));
        Map<String, Tensor> weights = new LinkedHashMap<>();
        c.tensors().forEach((k, v) -> {
            if (k.startsWith("model.")) {
                weights.put(k.substring(6), v);
            }
        });
        net.load(weights);
        return new CheckpointModel(net, model, family, data, doubles(config.get("normalize_mean")),
                doubles(config.get("normalize_std")), config, c);
    }

    /** The test set the run evaluated on: the whole test split, or its first {@code limit} images for a smoke run. */
    Dataset testSet(Path dataDir) throws IOException {
        Dataset test = data.load(dataDir != null ? dataDir : data.defaultDir, Split.TEST);
        int limit = config.get("limit") instanceof Number n ? n.intValue() : 0;
        return limit > 0 && limit < test.size() ? test.subset(IntStream.range(0, limit).toArray()) : test;
    }

    private static double[] doubles(Object list) {
        return ((List<?>) list).stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray();
    }
}
