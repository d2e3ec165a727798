package org.bitspike.repro.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --family adder} end to end on a slice of Fashion-MNIST, its config round trip, and its bad options. */
class AdderCliTest {

    @Test
    void anAdderRunRecordsItsRulesAndEvaluatesFromItsCheckpoint(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        assertEquals(0, CliRuns.quietly(() -> BitspikeCli.run("train", "--family", "adder", "--adder-eta", "0.1",
                "--epochs", "1", "--limit", "300", "--validation", "100", "--batch-size", "32", "--seed", "4",
                "--out", run.toString())));
        Gson gson = new Gson();
        Map<?, ?> results = gson.fromJson(Files.readString(run.resolve("results.json")), Map.class);
        assertEquals("adder", results.get("family"));
        assertEquals("hardtanh", results.get("adder_input_grad"));
        assertEquals("full", results.get("adder_weight_grad"));
        assertEquals(0.1, (Double) results.get("adder_eta"));
        double accuracy = (Double) results.get("test_accuracy");
        assertTrue(accuracy > 0.1, "one epoch on 200 images beats chance: " + accuracy);

        Path json = dir.resolve("evaluated.json");
        assertEquals(0, CliRuns.quietly(() -> BitspikeCli.run("evaluate", "--checkpoint",
                run.resolve("best.safetensors").toString(), "--json", json.toString())));
        Map<?, ?> evaluated = gson.fromJson(Files.readString(json), Map.class);
        assertEquals(accuracy, (Double) evaluated.get("test_accuracy"), 1e-12, "the checkpoint rebuilds the same model");

        // summary counts the trained model from its checkpoint: two additions per adder term, MACs only at the ends
        Path counted = dir.resolve("summary.json");
        assertEquals(0, CliRuns.quietly(() -> BitspikeCli.run("summary", "--checkpoint",
                run.resolve("best.safetensors").toString(), "--images", "8", "--json", counted.toString())));
        Map<?, ?> summary = gson.fromJson(Files.readString(counted), Map.class);
        Map<?, ?> ops = (Map<?, ?>) summary.get("ops_per_image");
        long terms = 28L * 28 * 32 * 32 * 9 + 14L * 14 * 64 * 32 * 9 + 14L * 14 * 64 * 64 * 9 + 3136L * 256;
        assertEquals(2.0 * terms, (Double) ops.get("ADD"));
        assertEquals(8.0, (Double) summary.get("images"));
        assertTrue((Double) summary.get("energy_picojoules_per_image") > 0.9 * 2 * terms);
        assertTrue(((String) summary.get("energy_assumptions")).contains("compute-only estimate"));
        CliRuns.assertExit(1, "--family comes from the checkpoint's metadata", "summary", "--checkpoint",
                run.resolve("best.safetensors").toString(), "--family", "float");
        CliRuns.assertExit(1, "--images must be at least 1, got 0", "summary", "--images", "0");

        CliRuns.assertTrainFailure(dir, "adder_eta: 0.1 in the checkpoint, 0.2 now", "--family", "adder", "--epochs", "2",
                "--validation", "100", "--batch-size", "32", "--seed", "4", "--out", run.toString());
    }

    @Test
    void badAdderOptionsNameTheOptionAndValue(@TempDir Path dir) {
        CliRuns.assertTrainFailure(dir, "--adder-eta: AdderRules: eta must be finite and >= 0", "--family", "adder",
                "--adder-eta", "-1");
        CliRuns.assertTrainFailure(dir, "--adder-input-grad: unknown 'tanh'; known: hardtanh, sign, identity", "--family",
                "adder", "--adder-input-grad", "tanh");
        CliRuns.assertTrainFailure(dir, "--adder-weight-grad: unknown 'half'", "--family", "adder", "--adder-weight-grad",
                "half");
        CliRuns.assertTrainFailure(dir, "--adder-eta applies to --family adder only", "--adder-eta", "0.1");
        CliRuns.assertTrainFailure(dir, "--family: unknown 'spiking'; known: float, hoyer, adder", "--family", "spiking");
        CliRuns.assertTrainFailure(dir, "--activation hoyer contradicts --family adder", "--family", "adder",
                "--activation", "hoyer");
        CliRuns.assertTrainFailure(dir, "--threshold applies to --family hoyer", "--family", "adder", "--threshold", "cw");
    }
}
