package org.bitspike.repro.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --activation hoyer} and {@code evaluate --noise} end to end on a slice of Fashion-MNIST. */
class HoyerCliTest {

    @Test
    void hoyerRunRecordsSpikeStatisticsAndEvaluateMeasuresNoise(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        assertEquals(0, quietly(() -> BitspikeCli.run("train", "--activation", "hoyer", "--hoyer-lambda", "0.05",
                "--epochs", "2", "--limit", "300", "--validation", "100", "--batch-size", "32", "--seed", "4",
                "--out", run.toString())));
        Gson gson = new Gson();
        Map<?, ?> results = gson.fromJson(Files.readString(run.resolve("results.json")), Map.class);
        assertEquals("hoyer", results.get("activation"));
        assertEquals("cw", results.get("threshold"));
        Map<?, ?> layers = (Map<?, ?>) ((Map<?, ?>) results.get("spikes")).get("layers");
        assertEquals(List.of("features.2", "features.7", "features.11", "features.16", "classifier.3"),
                List.copyOf(((Map<?, ?>) layers).keySet()));
        for (Object layer : layers.values()) {
            Map<?, ?> m = (Map<?, ?>) layer;
            double rate = (Double) m.get("firing_rate_eval");
            assertTrue(rate >= 0 && rate <= 1, m.toString());
            double histogramTotal = ((List<?>) m.get("histogram_eval")).stream().mapToDouble(v -> (Double) v).sum();
            assertTrue(histogramTotal > 0, m.toString());
            assertTrue((Double) m.get("clip") > 0 && (Double) m.get("theta") > 0, m.toString());
        }
        List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"));
        assertEquals(2, lines.size());
        for (String line : lines) {
            Map<?, ?> epoch = gson.fromJson(line, Map.class);
            Map<?, ?> first = (Map<?, ?>) ((Map<?, ?>) epoch.get("spikes")).get("features.2");
            double train = (Double) first.get("firing_rate_train");
            assertTrue(train > 0 && train < 1, line);
        }

        Path json = dir.resolve("noise.json");
        assertEquals(0, quietly(() -> BitspikeCli.run("evaluate", "--checkpoint", run.resolve("best.safetensors").toString(),
                "--noise", "0,0.3", "--json", json.toString())));
        Map<?, ?> evaluated = gson.fromJson(Files.readString(json), Map.class);
        List<?> noise = (List<?>) evaluated.get("noise");
        assertEquals(2, noise.size());
        double clean = (Double) ((Map<?, ?>) noise.get(0)).get("accuracy");
        assertEquals((Double) results.get("test_accuracy"), clean, 1e-12, "sigma 0 is the plain evaluation");
        assertEquals(clean, (Double) evaluated.get("test_accuracy"), 1e-12);
        for (Object layer : layers.values()) {
            assertTrue(!((Map<?, ?>) layer).containsKey("firing_rate_train"), "the test set is evaluated only: " + layer);
        }

        // review finding 1: a run resumed with other options is refused, naming what changed
        assertFailure(dir, "hoyer_lambda: 0.05 in the checkpoint, 0.5 now", "--activation", "hoyer", "--hoyer-lambda", "0.5",
                "--epochs", "3", "--validation", "100", "--batch-size", "32", "--seed", "4", "--out", run.toString());
        // review finding 5: a bad noise level fails before anything is evaluated
        assertEvaluateFailure("every sigma must be non-negative and finite, got -0.1", "--checkpoint",
                run.resolve("best.safetensors").toString(), "--noise", "0,-0.1");
    }

    @Test
    void multiStepHoyerRunTrainsResumesEvaluatesAndCountsEveryStep(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("t2");
        List<String> args = List.of("train", "--activation", "hoyer", "--time-steps", "2", // per-step running theta by default
                "--limit", "300", "--validation", "100", "--batch-size", "32", "--seed", "4", "--out", run.toString());
        List<String> one = new java.util.ArrayList<>(args);
        one.addAll(List.of("--epochs", "1"));
        assertEquals(0, quietly(() -> BitspikeCli.run(one.toArray(new String[0]))));
        List<String> two = new java.util.ArrayList<>(args);
        two.addAll(List.of("--epochs", "2"));
        assertEquals(0, quietly(() -> BitspikeCli.run(two.toArray(new String[0]))), "resumes with T = 2 rebuilt");
        Gson gson = new Gson();
        Map<?, ?> results = gson.fromJson(Files.readString(run.resolve("results.json")), Map.class);
        assertEquals(2.0, results.get("time_steps"));
        assertEquals("per-step", results.get("running_theta"));
        assertEquals(2, Files.readAllLines(run.resolve("metrics.jsonl")).size());

        Path evaluated = dir.resolve("eval.json");
        assertEquals(0, quietly(() -> BitspikeCli.run("evaluate", "--checkpoint", run.resolve("best.safetensors").toString(),
                "--json", evaluated.toString())));
        assertEquals((Double) results.get("test_accuracy"),
                (Double) gson.fromJson(Files.readString(evaluated), Map.class).get("test_accuracy"), 1e-12,
                "the checkpoint's config rebuilds the two-step model");

        // every spiking neuron compares once per step: 28x28x32 + 14x14x32 (pooled) + 14x14x64 + 7x7x64 (pooled) + 256
        Path counted = dir.resolve("summary.json");
        assertEquals(0, quietly(() -> BitspikeCli.run("summary", "--checkpoint", run.resolve("best.safetensors").toString(),
                "--images", "4", "--json", counted.toString())));
        Map<?, ?> ops = (Map<?, ?>) gson.fromJson(Files.readString(counted), Map.class).get("ops_per_image");
        assertEquals(2.0 * (28 * 28 * 32 + 14 * 14 * 32 + 14 * 14 * 64 + 7 * 7 * 64 + 256), (Double) ops.get("CMP"));
    }

    @Test
    void badSpikeOptionsNameTheOptionAndValue(@TempDir Path dir) {
        assertFailure(dir, "unknown threshold mode 'median'", "--activation", "hoyer", "--threshold", "median");
        assertFailure(dir, "window (0.0, 0.0]", "--activation", "hoyer", "--window", "0");
        assertFailure(dir, "momentum must be in [0, 1], got 1.5", "--activation", "hoyer", "--theta-momentum", "1.5");
        assertFailure(dir, "--activation: unknown 'tanh'", "--activation", "tanh");
        assertFailure(dir, "--hoyer-reduction: unknown 'max'", "--activation", "hoyer", "--hoyer-reduction", "max",
                "--hoyer-lambda", "1");
        assertFailure(dir, "lambda must be non-negative and finite, got -1.0", "--activation", "hoyer", "--hoyer-lambda", "-1");
        assertFailure(dir, "--time-steps must be at least 1, got 0", "--activation", "hoyer", "--time-steps", "0");
        assertFailure(dir, "--running-theta: unknown 'each'; known: shared, per-step", "--activation", "hoyer",
                "--time-steps", "2", "--running-theta", "each");
        assertFailure(dir, "--running-theta has no effect without --time-steps > 1", "--activation", "hoyer",
                "--running-theta", "per-step");
        assertFailure(dir, "--time-steps applies to --family hoyer (--activation hoyer) only", "--time-steps", "2");
        // review finding 2: options that would have no effect are refused, not ignored
        assertFailure(dir, "--threshold applies to --family hoyer (--activation hoyer) only", "--threshold", "layer");
        assertFailure(dir, "--hoyer-lambda applies to --family hoyer (--activation hoyer) only", "--activation", "relu", "--hoyer-lambda", "0.1");
        assertFailure(dir, "--hoyer-detach-clip has no effect without --hoyer-lambda > 0", "--activation", "hoyer",
                "--hoyer-detach-clip");
    }

    private static void assertFailure(Path dir, String fragment, String... options) {
        CliRuns.assertTrainFailure(dir, fragment, options);
    }

    private static void assertEvaluateFailure(String fragment, String... options) {
        CliRuns.assertEvaluateFailure(fragment, options);
    }

    private static int quietly(java.util.function.IntSupplier call) {
        return CliRuns.quietly(call);
    }
}
