package org.bitspike.repro.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line end to end on a slice of the real Fashion-MNIST (installed by scripts/setup). */
class BitspikeCliTest {

    @Test
    void trainWritesCheckpointsMetricsAndResultsThenEvaluateAgrees(@TempDir Path dir) throws Exception {
        String out = dir.resolve("run").toString();
        String printed = capture(() -> assertEquals(0, BitspikeCli.run("train", "--epochs", "1", "--limit", "400",
                "--validation", "100", "--batch-size", "32", "--seed", "3", "--out", out)));
        assertTrue(printed.contains("| vgg-small | fashion-mnist | 3 | 1 |"), printed);
        Path run = Path.of(out);
        for (String f : new String[] {"last.safetensors", "best.safetensors", "metrics.jsonl", "metrics.csv", "results.json"}) {
            assertTrue(Files.exists(run.resolve(f)), f);
        }
        Map<?, ?> results = new Gson().fromJson(Files.readString(run.resolve("results.json")), Map.class);
        Map<?, ?> provenance = (Map<?, ?>) results.get("provenance");
        assertTrue(((String) provenance.get("dataset_sha256")).contains("train-images-idx3-ubyte.gz="), provenance.toString());
        assertTrue(((String) provenance.get("config")).contains("\"seed\":3"), provenance.toString());
        double accuracy = (Double) results.get("test_accuracy");
        String evaluated = capture(() -> assertEquals(0, BitspikeCli.run("evaluate", "--checkpoint",
                run.resolve("best.safetensors").toString())));
        assertTrue(evaluated.contains(String.format("%.2f%%", 100 * accuracy)), evaluated + " vs " + accuracy);
    }

    @Test
    void badArgumentsAreUsageErrorsAndFailuresNameTheProblem(@TempDir Path dir) throws Exception {
        capture(() -> assertEquals(2, BitspikeCli.run("train", "--epochs", "x", "--out", dir.toString())));
        PrintStream err = System.err;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buffer, true));
        try {
            assertEquals(1, BitspikeCli.run("train", "--dataset", "imagenet", "--out", dir.toString()));
        } finally {
            System.setErr(err);
        }
        assertTrue(buffer.toString().contains("unknown dataset 'imagenet'"), buffer.toString());
    }

    /** Runs {@code r}, returning what it printed on standard output (its progress on standard error is dropped). */
    private static String capture(Runnable r) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buffer, true));
        System.setErr(new PrintStream(java.io.OutputStream.nullOutputStream()));
        try {
            r.run();
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        return buffer.toString();
    }
}
