package org.bitspike.nn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bitspike.nn.io.Checkpoint;
import org.bitspike.nn.io.Safetensors;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training loop: it learns, it logs, and a killed run resumes bit for bit, on any thread count. */
class TrainerTest {
    private static final int EPOCHS = 4;

    @Test
    void itLearnsAndLogsEveryEpoch(@TempDir Path dir) throws IOException {
        Trainer trainer = TrainingFixture.trainer(dir, EPOCHS);
        List<EpochResult> results = trainer.fit(EPOCHS);
        assertEquals(EPOCHS, results.size());
        assertTrue(results.get(EPOCHS - 1).trainLoss() < results.get(0).trainLoss(), results.toString());
        assertTrue(trainer.bestAccuracy() >= 0.9, "validation accuracy " + trainer.bestAccuracy());
        List<String> jsonl = Files.readAllLines(dir.resolve("metrics.jsonl"));
        assertEquals(EPOCHS, jsonl.size());
        assertTrue(jsonl.get(0).startsWith("{\"epoch\":0,\"train_loss\":"), jsonl.get(0));
        assertEquals(EPOCHS + 1, Files.readAllLines(dir.resolve("metrics.csv")).size());
        Checkpoint last = Safetensors.read(dir.resolve(Checkpoints.LAST));
        assertEquals("fixture", last.metadata().get("run"));
        assertEquals(String.valueOf(EPOCHS - 1), last.metadata().get("epoch"));
        assertTrue(Files.exists(dir.resolve(Checkpoints.BEST)));
    }

    @Test
    void anInterruptStopsTrainingBetweenSteps(@TempDir Path dir) throws IOException {
        Trainer trainer = TrainingFixture.trainer(dir, EPOCHS);
        Thread.currentThread().interrupt();
        TrainingInterruptedException e = assertThrows(TrainingInterruptedException.class, () -> trainer.fit(EPOCHS));
        assertFalse(Thread.currentThread().isInterrupted(), "the interrupt is consumed by the exception");
        assertEquals(0, e.epoch());
        assertEquals(0, e.batch());
        assertEquals(0, trainer.nextEpoch());
        assertTrue(e.getMessage().startsWith("training interrupted in epoch 0 before batch 0 of "), e.getMessage());
        assertEquals(EPOCHS, trainer.fit(EPOCHS).size()); // and it trains normally afterwards
    }

    @Test
    void aRunKilledMidEpochResumesToBitIdenticalWeights(@TempDir Path dir) throws Exception {
        Path straight = Files.createDirectories(dir.resolve("straight"));
        TrainingFixture.trainer(straight, EPOCHS).fit(EPOCHS);

        Path killed = Files.createDirectories(dir.resolve("killed"));
        Process p = java(List.of(), killed.toString(), String.valueOf(EPOCHS), "2", "1");
        StringBuilder seen = new StringBuilder();
        try (java.io.BufferedReader lines = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()))) {
            for (String line; (line = lines.readLine()) != null && !line.equals(TrainingFixture.STALLED); ) {
                seen.append(line).append('\n'); // blocks until the child reports, or ends
            }
            assertTrue(Files.exists(killed.resolve("stalled")), "the child never reached epoch 2, batch 1:\n" + seen);
            p.destroyForcibly().waitFor(); // SIGKILL, in the middle of epoch 2
        }
        assertEquals("1", Safetensors.read(killed.resolve(Checkpoints.LAST)).metadata().get("epoch"));

        Process resumed = java(List.of(), killed.toString(), String.valueOf(EPOCHS));
        assertEquals(0, resumed.waitFor(), output(resumed));
        assertSameWeights(straight, killed);
        assertEquals(Files.readAllLines(straight.resolve("metrics.jsonl")).size(),
                Files.readAllLines(killed.resolve("metrics.jsonl")).size());
    }

    @Test
    void oneAndTwoThreadsGiveBitIdenticalRuns(@TempDir Path dir) throws Exception {
        Path one = Files.createDirectories(dir.resolve("one"));
        Path two = Files.createDirectories(dir.resolve("two"));
        Process a = java(List.of("-Dbitspike.threads=1"), one.toString(), "2");
        Process b = java(List.of("-Dbitspike.threads=2"), two.toString(), "2");
        assertEquals(0, a.waitFor(), output(a));
        assertEquals(0, b.waitFor(), output(b));
        assertSameWeights(one, two);
        List<String> lossesOne = Files.readAllLines(one.resolve("metrics.jsonl")).stream()
                .map(l -> l.replaceAll(",\"seconds\".*", "")).toList();
        List<String> lossesTwo = Files.readAllLines(two.resolve("metrics.jsonl")).stream()
                .map(l -> l.replaceAll(",\"seconds\".*", "")).toList();
        assertEquals(lossesOne, lossesTwo);
    }

    private static void assertSameWeights(Path a, Path b) throws IOException {
        Map<String, Tensor> x = Safetensors.read(a.resolve(Checkpoints.LAST)).tensors();
        Map<String, Tensor> y = Safetensors.read(b.resolve(Checkpoints.LAST)).tensors();
        assertEquals(x.keySet(), y.keySet());
        for (String name : x.keySet()) {
            assertTrue(x.get(name).contentEquals(y.get(name)), name + " differs");
        }
    }

    private static Process java(List<String> jvmFlags, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--add-modules");
        cmd.add("jdk.incubator.vector");
        cmd.addAll(jvmFlags);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(TrainingFixture.class.getName());
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.PIPE).start();
    }

    private static String output(Process p) {
        try {
            if (p.isAlive()) {
                return "(still running)";
            }
            return new String(p.getInputStream().readAllBytes());
        } catch (IOException e) {
            return "(output unreadable: " + e + ")";
        }
    }
}
