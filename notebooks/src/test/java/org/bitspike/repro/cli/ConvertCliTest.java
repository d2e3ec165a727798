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

/**
 * {@code train --model cnn-avgpool --family bwn} then {@code convert}: one run per percentile and propagation mode, the
 * latency curve, and operations counted per image from what ran; bad options and unconvertible models refused.
 */
class ConvertCliTest {
    private static final Gson GSON = new Gson();
    private static final long FIRST_CONV_MACS = 28L * 28 * 16 * 9; // the analog image every step: dense MACs

    private static Path train(Path dir, String model, String family) {
        Path run = dir.resolve(model + "-" + family);
        assertEquals(0, CliRuns.quietly(() -> BitspikeCli.run("train", "--model", model, "--family", family,
                "--epochs", "1", "--limit", "300", "--validation", "100", "--batch-size", "32", "--seed", "4",
                "--out", run.toString())));
        return run.resolve("best.safetensors");
    }

    @Test
    void aBinaryWeightSourceConvertsForEveryPercentileAndPropagation(@TempDir Path dir) throws Exception {
        Path checkpoint = train(dir, "cnn-avgpool", "bwn");
        Path json = dir.resolve("convert.json");
        assertEquals(0, CliRuns.quietly(() -> BitspikeCli.run("convert", "--checkpoint", checkpoint.toString(),
                "--steps", "8", "--images", "40", "--calibration", "64", "--batch-size", "20", "--percentile", "99,100",
                "--propagation", "delayed,one-step", "--json", json.toString())));
        Map<?, ?> out = GSON.fromJson(Files.readString(json), Map.class);
        assertEquals("bwn", out.get("family"));
        assertEquals(40.0, out.get("test_images"));
        double ann = (Double) out.get("ann_accuracy");
        assertTrue(ann >= 0 && ann <= 1, "ANN accuracy " + ann);
        List<?> runs = (List<?>) out.get("runs");
        assertEquals(4, runs.size());
        for (Object o : runs) {
            Map<?, ?> run = (Map<?, ?>) o;
            String what = run.get("percentile") + " " + run.get("propagation");
            assertEquals(8, ((List<?>) run.get("accuracy_by_step")).size(), what);
            List<?> bySteps = (List<?>) run.get("by_steps");
            assertEquals(List.of(1.0, 2.0, 4.0, 8.0), bySteps.stream().map(m -> ((Map<?, ?>) m).get("steps")).toList());
            for (Object m : bySteps) {
                Map<?, ?> at = (Map<?, ?>) m;
                Map<?, ?> ops = (Map<?, ?>) at.get("ops_per_image");
                double t = (Double) at.get("steps");
                assertEquals(t * FIRST_CONV_MACS, (Double) ops.get("MAC"), 1e-6 * t * FIRST_CONV_MACS,
                        what + " at T = " + t + ": only the first convolution multiplies");
            }
            Map<?, ?> last = (Map<?, ?>) bySteps.get(3);
            double acs = (Double) ((Map<?, ?>) last.get("ops_per_image")).get("AC");
            assertTrue(acs > 0, what + ": spikes arrived and were accumulated");
            assertEquals(5, ((Map<?, ?>) run.get("spikes_per_image_by_stage")).size(), what);
            assertTrue((Double) last.get("energy_picojoules_per_image") > FIRST_CONV_MACS * 8 * 4.6, what);
        }
        // delayed propagation: the classifier hears nothing before the spikes crossed the five spiking stages
        Map<?, ?> delayed = (Map<?, ?>) runs.get(0);
        Map<?, ?> atOne = (Map<?, ?>) ((List<?>) delayed.get("by_steps")).get(0);
        assertEquals(0.0, (Double) ((Map<?, ?>) atOne.get("ops_per_image")).get("AC"), "no spike has arrived at T = 1");
    }

    @Test
    void badOptionsAndUnconvertibleModelsAreRefusedByName(@TempDir Path dir) {
        Path vgg = train(dir, "vgg-small", "float");
        CliRuns.assertExit(1, "cannot convert layer 'features.1' (BatchNorm2d(32))", "convert", "--checkpoint", vgg.toString(), "--steps", "2", "--images", "4",
                "--calibration", "8");
        String any = vgg.toString();
        CliRuns.assertExit(1, "--propagation: unknown 'sideways'; known: delayed, one-step", "convert", "--checkpoint",
                any, "--propagation", "sideways");
        CliRuns.assertExit(1, "--synapses: unknown 'half'; known: unit, scaled", "convert", "--checkpoint", any,
                "--synapses", "half");
        CliRuns.assertExit(1, "--steps must be at least 1, got 0", "convert", "--checkpoint", any, "--steps", "0");
        CliRuns.assertExit(1, "percentile", "convert", "--checkpoint", any, "--percentile", "101");
        CliRuns.assertTrainFailure(dir, "--model mlp-512 is a conversion source (ReLU, no batch norm): it takes "
                + "--family float or bwn, not adder", "--model", "mlp-512", "--family", "adder");
    }
}
