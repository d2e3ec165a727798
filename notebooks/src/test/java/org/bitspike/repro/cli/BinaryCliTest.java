package org.bitspike.repro.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bitspike.nn.io.Safetensors;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --family xnor|bireal|reactnet}: latent weights or Bop, the flip ratio, the counted BOPs, bad options. */
class BinaryCliTest {
    private static final Gson GSON = new Gson();

    private static Map<?, ?> train(Path run, String... family) throws Exception {
        return train(run, 1, family);
    }

    private static Map<?, ?> train(Path run, int epochs, String... family) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("train", "--epochs", "" + epochs, "--limit", "300", "--validation",
                "100", "--batch-size", "32", "--seed", "4", "--out", run.toString()));
        args.addAll(List.of(family));
        assertEquals(0, CliRuns.quietly(() -> BitspikeCli.run(args.toArray(new String[0]))));
        return GSON.fromJson(Files.readString(run.resolve("results.json")), Map.class);
    }

    @Test
    void latentWeightsTrainWithTheFlipRatioRecordedAndTheSummaryCountsBops(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("xnor");
        Map<?, ?> results = train(run, "--family", "xnor");
        assertEquals("xnor", results.get("family"));
        assertEquals("latent", results.get("binary_weights"));
        List<?> flips = (List<?>) results.get("flip_ratio_by_epoch");
        assertEquals(1, flips.size());
        double ratio = (Double) flips.get(0);
        assertTrue(ratio > 0 && ratio < 1, "some binary weights flip, not all: " + ratio);
        Map<?, ?> epoch = GSON.fromJson(Files.readAllLines(run.resolve("metrics.jsonl")).get(0), Map.class);
        assertEquals(ratio, (Double) epoch.get("flip_ratio"), 1e-12);

        Path counted = dir.resolve("summary.json");
        assertEquals(0, CliRuns.quietly(() -> BitspikeCli.run("summary", "--checkpoint",
                run.resolve("best.safetensors").toString(), "--images", "4", "--json", counted.toString())));
        Map<?, ?> ops = (Map<?, ?>) GSON.fromJson(Files.readString(counted), Map.class).get("ops_per_image");
        long terms = 28L * 28 * 32 * 32 * 9 + 14L * 14 * 64 * 32 * 9 + 14L * 14 * 64 * 64 * 9 + 3136L * 256;
        assertEquals((double) terms, (Double) ops.get("BOP"));
        assertEquals(28.0 * 28 * 32 * 9 + 256 * 10, (Double) ops.get("MAC"));
    }

    @Test
    void bopKeepsTheBinaryWeightsAtPlusOrMinusOne(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("bop");
        Map<?, ?> results = train(run, "--family", "bireal", "--binary-weights", "bop", "--bop-gamma", "1e-3");
        assertEquals(1e-3, (Double) results.get("bop_gamma"));
        Map<String, Tensor> weights = Safetensors.read(run.resolve("best.safetensors")).tensors();
        int binary = 0;
        for (Map.Entry<String, Tensor> e : weights.entrySet()) {
            // the binary convolutions sit in the blocks' main branch: features.<i>.main.0.weight
            if (e.getKey().matches("model\\.features\\.\\d+\\.main\\.0\\.weight")) {
                binary++;
                double[] v = e.getValue().toDoubleArray();
                for (double w : v) {
                    assertTrue(w == 1 || w == -1, e.getKey() + " holds " + w);
                }
            }
        }
        assertEquals(3, binary);
        assertTrue((Double) ((List<?>) results.get("flip_ratio_by_epoch")).get(0) >= 0);
    }

    @Test
    void aResumedRunEndsWithTheSameWeightsAndOptimiserStateAsAnUninterruptedOne(@TempDir Path dir) throws Exception {
        // Bi-Real: float and binary parameter groups in one Adam, whose state is saved by position
        Path straight = dir.resolve("straight");
        Path resumed = dir.resolve("resumed");
        train(straight, 2, "--family", "bireal", "--optimizer", "adam", "--lr", "1e-3");
        train(resumed, 1, "--family", "bireal", "--optimizer", "adam", "--lr", "1e-3");
        train(resumed, 2, "--family", "bireal", "--optimizer", "adam", "--lr", "1e-3");
        Map<String, Tensor> expected = Safetensors.read(straight.resolve("last.safetensors")).tensors();
        Map<String, Tensor> actual = Safetensors.read(resumed.resolve("last.safetensors")).tensors();
        assertEquals(expected.keySet(), actual.keySet());
        for (Map.Entry<String, Tensor> e : expected.entrySet()) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(e.getValue().shape(), actual.get(e.getKey()).shape(), e.getKey());
            org.junit.jupiter.api.Assertions.assertArrayEquals(e.getValue().toDoubleArray(),
                    actual.get(e.getKey()).toDoubleArray(), e.getKey());
        }
    }

    @Test
    void badBinaryOptionsNameTheOptionAndValue(@TempDir Path dir) {
        CliRuns.assertTrainFailure(dir, "--bop-gamma must be in (0, 1], got 2.0", "--family", "xnor", "--binary-weights",
                "bop", "--bop-gamma", "2");
        CliRuns.assertTrainFailure(dir, "--bop-threshold has no effect without --binary-weights bop", "--family", "xnor",
                "--bop-threshold", "1e-6");
        CliRuns.assertTrainFailure(dir, "--binary-weights: unknown 'ternary'", "--family", "reactnet", "--binary-weights",
                "ternary");
        CliRuns.assertTrainFailure(dir, "--binary-weights applies to the binary families", "--binary-weights", "bop");
    }
}
