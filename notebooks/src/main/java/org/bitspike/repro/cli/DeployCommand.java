package org.bitspike.repro.cli;

import com.google.gson.GsonBuilder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bitspike.autograd.GradMode;
import org.bitspike.nn.Layer;
import org.bitspike.nn.accounting.CostTable;
import org.bitspike.nn.accounting.Energy;
import org.bitspike.nn.accounting.OpCounter;
import org.bitspike.nn.accounting.OpCounts;
import org.bitspike.nn.accounting.OpKind;
import org.bitspike.nn.data.Batch;
import org.bitspike.nn.data.DataLoader;
import org.bitspike.nn.data.Dataset;
import org.bitspike.nn.data.Transform;
import org.bitspike.nn.deploy.Deploy;
import org.bitspike.nn.deploy.DeployedModel;
import org.bitspike.nn.io.AtomicFiles;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code deploy}: a checkpoint of {@code train} turned into its packed inference form, checked against
 * the source on the whole test set (accuracy of both, agreement of the predictions, largest logit
 * difference), its executed operations counted next to the source's, and saved.
 */
@Command(name = "deploy", mixinStandardHelpOptions = true,
        description = "Deploy a checkpoint of `train` (packed, fused kernels), check it against the source on the test "
                + "set, count what it executes, and save it as safetensors.")
final class DeployCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", required = true, description = "a .safetensors file written by train")
    Path checkpoint;
    @Option(names = "--data-dir", description = "dataset directory (default: the dataset's usual place)")
    Path dataDir;
    @Option(names = "--out", description = "write the deployed model to this .safetensors file")
    Path out;
    @Option(names = "--json", description = "write the results to this JSON file")
    Path json;
    @Option(names = "--batch", defaultValue = "256", description = "evaluation batch size (default ${DEFAULT-VALUE})")
    int batch;

    @Override
    public Integer call() throws Exception {
        if (batch < 1) {
            throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
        }
        CheckpointModel loaded = CheckpointModel.load(checkpoint, dataDir);
        Layer net = loaded.net().eval();
        Dataset test = loaded.testSet(dataDir);
        String label = loaded.family().label(loaded.model());
        long sourceCorrect = 0;
        long deployedCorrect = 0;
        long agree = 0;
        long samples = 0;
        double maxDiff = 0;
        DeployedModel deployed = null;
        OpCounts executed = OpCounts.ZERO;
        OpCounts source;
        try (DataLoader loader = DataLoader.builder(test, RandomKey.of(0)).batchSize(batch)
                .transforms(Transform.normalize(loaded.mean(), loaded.std())).build();
             OpCounter counter = OpCounter.attach(net); GradMode.Scope scope = GradMode.noGrad()) {
            for (Batch b : loader.epoch(0)) {
                Tensor images = b.images();
                if (deployed == null) {
                    deployed = Deploy.deploy(net, images.size(1), images.size(2), images.size(3));
                    System.out.println(label + " deployed:");
                    System.out.print(deployed);
                }
                Tensor sourceLogits = net.forward(images).value();
                DeployedModel.Counted counted = deployed.forwardCounted(images);
                executed = executed.plus(counted.total());
                float[] expected = sourceLogits.toFloatArray();
                float[] got = counted.output().toFloatArray();
                long[] labels = b.labels().toLongArray();
                long[] e = sourceLogits.argmax(1, false).toLongArray();
                long[] g = counted.output().argmax(1, false).toLongArray();
                for (int n = 0; n < labels.length; n++) {
                    sourceCorrect += e[n] == labels[n] ? 1 : 0;
                    deployedCorrect += g[n] == labels[n] ? 1 : 0;
                    agree += e[n] == g[n] ? 1 : 0;
                }
                for (int i = 0; i < got.length; i++) {
                    maxDiff = Math.max(maxDiff, Math.abs(got[i] - expected[i]));
                }
                samples += labels.length;
            }
            source = counter.total();
        }
        CostTable table = CostTable.horowitz45nm();
        Energy sourceEnergy = Energy.of(source, samples, table);
        Energy deployedEnergy = Energy.of(executed, samples, table);
        System.out.printf(Locale.ROOT, "test images %d: source %.2f%%, deployed %.2f%%, same prediction on %d (%.3f%%), "
                + "largest logit difference %.3g%n", samples, 100.0 * sourceCorrect / samples,
                100.0 * deployedCorrect / samples, agree, 100.0 * agree / samples, maxDiff);
        System.out.printf(Locale.ROOT, "per image, source (its accounting): %s%n", perImage(source, samples));
        System.out.printf(Locale.ROOT, "per image, deployed (executed):     %s%n", perImage(executed, samples));
        System.out.printf(Locale.ROOT, "energy per image (%s): source %.3f uJ, deployed %.3f uJ%n", table.source(),
                sourceEnergy.picojoules() / 1e6, deployedEnergy.picojoules() / 1e6);
        System.out.printf(Locale.ROOT, "weights: source %d bytes (FLOAT32), deployed %d bytes (%.1fx smaller)%n",
                4 * net.parameterCount(), deployed.weightBytes(), 4.0 * net.parameterCount() / deployed.weightBytes());
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("checkpoint", checkpoint.toString());
        results.put("model", loaded.model());
        results.putAll(loaded.family().config());
        results.put("test_images", samples);
        results.put("source_accuracy", (double) sourceCorrect / samples);
        results.put("deployed_accuracy", (double) deployedCorrect / samples);
        results.put("agreement", (double) agree / samples);
        results.put("max_logit_difference", maxDiff);
        results.put("source_ops_per_image", perImageMap(source, samples));
        results.put("deployed_ops_per_image", perImageMap(executed, samples));
        results.put("source_energy_picojoules_per_image", sourceEnergy.picojoules());
        results.put("deployed_energy_picojoules_per_image", deployedEnergy.picojoules());
        results.put("energy_assumptions", deployedEnergy.assumptions());
        results.put("source_weight_bytes", 4 * net.parameterCount());
        results.put("deployed_weight_bytes", deployed.weightBytes());
        results.put("stages", deployed.stages());
        results.put("commit", Provenance.gitCommit());
        if (out != null) {
            Map<String, String> provenance = new LinkedHashMap<>();
            provenance.put("checkpoint", checkpoint.toString());
            provenance.put("checkpoint_sha256", Provenance.sha256(checkpoint));
            provenance.put("commit", Provenance.gitCommit());
            provenance.put("source_test_accuracy", String.valueOf((double) sourceCorrect / samples));
            provenance.put("deployed_test_accuracy", String.valueOf((double) deployedCorrect / samples));
            deployed.save(out, provenance);
            System.out.println("saved " + out);
        }
        if (json != null) {
            AtomicFiles.writeString(json, new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
                    .create().toJson(results) + "\n");
        }
        return 0;
    }

    private static String perImage(OpCounts c, long samples) {
        StringBuilder b = new StringBuilder();
        for (OpKind k : OpKind.values()) {
            b.append(String.format(Locale.ROOT, "%s %.0f  ", k.plural(), (double) c.get(k) / samples));
        }
        return b.toString().trim();
    }

    private static Map<String, Double> perImageMap(OpCounts c, long samples) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (OpKind k : OpKind.values()) {
            m.put(k.name(), (double) c.get(k) / samples);
        }
        return m;
    }
}
