package org.bitspike.repro.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bitspike.nn.deploy.DeployedModel;
import org.bitspike.nn.io.Safetensors;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code deploy}: a trained XNOR checkpoint deployed, exact on its test images, saved with provenance. */
class DeployCliTest {
    private static final Gson GSON = new Gson();

    @Test
    void xnorCheckpointDeploysExactlyAndSaves(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("xnor");
        assertEquals(0, CliRuns.quietly(() -> BitspikeCli.run("train", "--epochs", "1", "--limit", "300",
                "--validation", "100", "--batch-size", "32", "--seed", "4", "--family", "xnor", "--out", run.toString())));
        Path json = dir.resolve("deploy.json");
        Path out = dir.resolve("xnor.deployed.safetensors");
        assertEquals(0, CliRuns.quietly(() -> BitspikeCli.run("deploy", "--checkpoint",
                run.resolve("best.safetensors").toString(), "--out", out.toString(), "--json", json.toString())));
        Map<?, ?> r = GSON.fromJson(Files.readString(json), Map.class);
        assertEquals(300.0, (Double) r.get("test_images"));
        assertEquals(1.0, (Double) r.get("agreement"), "an XNOR deployment predicts what its source does");
        assertEquals(0.0, (Double) r.get("max_logit_difference"));
        assertEquals(r.get("source_accuracy"), r.get("deployed_accuracy"));
        Map<?, ?> ops = (Map<?, ?>) r.get("deployed_ops_per_image");
        assertTrue((Double) ops.get("BOP") > 0 && (Double) ops.get("CMP") > 0, ops.toString());
        double ratio = (Double) r.get("source_weight_bytes") / (Double) r.get("deployed_weight_bytes");
        assertTrue(ratio >= 25, "a deployed binary model takes at most 1/25 of the float bytes: " + ratio);
        assertEquals(9, ((List<?>) r.get("stages")).size());

        DeployedModel loaded = DeployedModel.load(out);
        Map<String, String> meta = Safetensors.read(out).metadata();
        assertEquals(run.resolve("best.safetensors").toString(), meta.get("provenance.checkpoint"));
        assertEquals(String.valueOf(r.get("deployed_accuracy")), meta.get("provenance.deployed_test_accuracy"));
        Tensor zeros = Tensor.zeros(2, 1, 28, 28);
        assertArrayEquals(new int[] {2, 10}, loaded.forward(zeros).shape());
    }
}
