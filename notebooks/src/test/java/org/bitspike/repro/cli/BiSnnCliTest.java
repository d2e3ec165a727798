package org.bitspike.repro.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bisnn}: a tiny two-moons run per rule writes its metrics, results and maps; a run stopped after an epoch and
 * started again (with more epochs) ends exactly as an uninterrupted one; another run in the same directory and bad
 * options are refused by name. The Fashion-MNIST path is covered on 64 images.
 */
class BiSnnCliTest {
    private static final Gson GSON = new Gson();
    private static final String[] TINY = {"--task", "two-moons", "--hidden", "8,8", "--steps", "6", "--burn-in", "2",
        "--grid", "5", "--samples", "3"};

    private static int run(Path out, String rule, int epochs, String... extra) {
        List<String> args = new ArrayList<>(List.of("bisnn", "--rule", rule, "--epochs", String.valueOf(epochs),
                "--out", out.toString()));
        args.addAll(List.of(TINY));
        args.addAll(List.of(extra));
        return CliRuns.quietly(() -> BitspikeCli.run(args.toArray(String[]::new)));
    }

    /** The metrics lines without their wall times. */
    private static List<String> metrics(Path dir) throws IOException {
        return Files.readAllLines(dir.resolve("metrics.jsonl")).stream()
                .map(l -> l.replaceAll("\"seconds\":[0-9.eE+-]+", "")).toList();
    }

    @Test
    void bayesRunWritesScoresEnsembleSizesAndUncertaintyMaps(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("bayes");
        assertEquals(0, run(out, "bayes", 2, "--lr", "10"));
        assertEquals(2, metrics(out).size());
        Map<?, ?> results = GSON.fromJson(Files.readString(out.resolve("results.json")), Map.class);
        assertEquals("bayes", results.get("rule"));
        assertEquals(1000.0, results.get("test_samples"));
        Map<?, ?> map = (Map<?, ?>) results.get("map");
        double accuracy = (Double) map.get("accuracy");
        assertTrue(accuracy >= 0 && accuracy <= 1, "accuracy " + accuracy);
        assertEquals(15, ((List<?>) map.get("reliability15")).size());
        assertNotNull(results.get("ensemble"));
        List<?> bySize = (List<?>) results.get("by_size");
        assertEquals(List.of(1.0, 2.0, 3.0), bySize.stream().map(s -> ((Map<?, ?>) s).get("size")).toList());
        assertEquals(((Map<?, ?>) results.get("ensemble")).get("accuracy"), ((Map<?, ?>) bySize.get(2)).get("accuracy"),
                "the largest size is the whole ensemble");
        Map<?, ?> grid = GSON.fromJson(Files.readString(out.resolve("grid.json")), Map.class);
        assertEquals(5.0, grid.get("side"));
        for (String key : List.of("map_probability", "ensemble_probability", "ensemble_std")) {
            List<?> values = (List<?>) grid.get(key);
            assertEquals(25, values.size(), key);
            for (Object v : values) {
                double p = (Double) v;
                assertTrue(p >= 0 && p <= 1, key + " " + p);
            }
        }
        assertEquals(400, ((List<?>) grid.get("train_points")).size());
    }

    @Test
    void straightThroughRunHasNoEnsemble(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("st");
        assertEquals(0, run(out, "st", 1));
        Map<?, ?> results = GSON.fromJson(Files.readString(out.resolve("results.json")), Map.class);
        assertEquals("straight-through", results.get("rule"));
        assertNull(results.get("ensemble"));
        Map<?, ?> grid = GSON.fromJson(Files.readString(out.resolve("grid.json")), Map.class);
        assertNull(grid.get("ensemble_std"), "a deterministic network has no uncertainty map");
    }

    @Test
    void runStartedAgainContinuesAsAnUninterruptedOne(@TempDir Path dir) throws IOException {
        Path whole = dir.resolve("whole");
        Path parts = dir.resolve("parts");
        assertEquals(0, run(whole, "bayes", 3, "--lr", "10"));
        assertEquals(0, run(parts, "bayes", 1, "--lr", "10"));
        assertEquals(0, run(parts, "bayes", 3, "--lr", "10"));
        assertEquals(metrics(whole), metrics(parts));
        assertEquals(Files.readString(whole.resolve("grid.json")), Files.readString(parts.resolve("grid.json")));
        Map<?, ?> a = GSON.fromJson(Files.readString(whole.resolve("results.json")), Map.class);
        Map<?, ?> b = GSON.fromJson(Files.readString(parts.resolve("results.json")), Map.class);
        assertEquals(a.get("ensemble"), b.get("ensemble"));
        assertEquals(a.get("map"), b.get("map"));
    }

    @Test
    void anotherRunInTheSameDirectoryAndBadOptionsAreRefused(@TempDir Path dir) {
        Path out = dir.resolve("st");
        assertEquals(0, run(out, "st", 1));
        CliRuns.assertExit(1, "holds another run", "bisnn", "--rule", "bayes", "--epochs", "1", "--out",
                out.toString(), "--task", "two-moons", "--hidden", "8,8", "--steps", "6", "--burn-in", "2");
        String o = dir.resolve("bad").toString();
        CliRuns.assertExit(1, "--rule: unknown 'adam'; known: float, st, bayes", "bisnn", "--rule", "adam", "--out", o);
        CliRuns.assertExit(1, "--task: unknown 'xor'; known: two-moons, fashion-mnist", "bisnn", "--rule", "st",
                "--task", "xor", "--out", o);
        CliRuns.assertExit(1, "burnIn must be >= 0 and < T = 4", "bisnn", "--rule", "st", "--steps", "4",
                "--burn-in", "4", "--out", o);
        CliRuns.assertExit(1, "--limit must be at least 1, got 0", "bisnn", "--rule", "st", "--limit", "0", "--out", o);
        CliRuns.assertExit(1, "--grid must be at least 2", "bisnn", "--rule", "st", "--grid", "1", "--out", o);
    }

    @Test
    void fashionMnistRunReadsRateCodedImages(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("fm");
        assertEquals(0, CliRuns.quietly(() -> BitspikeCli.run("bisnn", "--rule", "bayes", "--hidden", "16",
                "--steps", "4", "--burn-in", "1", "--epochs", "1", "--samples", "2", "--limit", "64", "--test-limit",
                "32", "--out", out.toString())));
        Map<?, ?> results = GSON.fromJson(Files.readString(out.resolve("results.json")), Map.class);
        assertEquals("fashion-mnist", results.get("task"));
        assertEquals(64.0, results.get("train_samples"));
        assertEquals(32.0, results.get("test_samples"));
        assertTrue(((Map<?, ?>) results.get("provenance")).get("dataset_sha256").toString().contains("t10k"));
        assertTrue(Files.notExists(out.resolve("grid.json")));
    }
}
