package org.bitspike.nn.deploy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.bitspike.nn.Layer;
import org.bitspike.nn.binary.BinaryKinds;
import org.bitspike.nn.io.Checkpoint;
import org.bitspike.nn.io.CheckpointFormatException;
import org.bitspike.nn.io.Safetensors;
import org.bitspike.nn.models.Models;
import org.bitspike.nn.spiking.HoyerKinds;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Saving and loading deployed models: the same outputs after a round trip, clear errors for files that do not match. */
class DeployedFileTest {
    private static DeployedModel xnor;
    private static Tensor images;

    @TempDir
    Path dir;

    @BeforeAll
    static void deployOnce() {
        RandomKey key = RandomKey.of(21);
        Layer model = DeployTest.trained(Models.create("vgg-small", 1, 10, new BinaryKinds(BinaryKinds.Style.XNOR), key),
                key);
        xnor = Deploy.deploy(model, 1, 28, 28);
        images = Tensor.randn(key.fold(5), 3, 1, 28, 28);
    }

    @Test
    void roundTripsGiveTheSameOutputs() throws IOException {
        Path file = dir.resolve("xnor.safetensors");
        xnor.save(file, Map.of("commit", "abc123", "accuracy", "0.91"));
        DeployedModel back = DeployedModel.load(file);
        assertEquals(xnor.stages(), back.stages());
        assertEquals(xnor.weightBytes(), back.weightBytes());
        assertArrayEquals(xnor.forward(images).toFloatArray(), back.forward(images).toFloatArray(), 0f);
        Map<String, String> meta = Safetensors.read(file).metadata();
        assertEquals("abc123", meta.get("provenance.commit"));
        assertEquals(DeployedModel.FORMAT, meta.get("format"));

        RandomKey key = RandomKey.of(23);
        DeployedModel hoyer = Deploy.deploy(DeployTest.trained(Models.create("vgg-small", 1, 10, HoyerKinds.papers(), key),
                key), 1, 28, 28);
        Path spikes = dir.resolve("hoyer.safetensors");
        hoyer.save(spikes, Map.of());
        assertArrayEquals(hoyer.forward(images).toFloatArray(), DeployedModel.load(spikes).forward(images).toFloatArray(),
                0f);
    }

    /** Saves {@link #xnor}, lets {@code edit} change its tensors or metadata, writes it back. */
    private Path corrupted(Consumer<Map<String, Tensor>> tensors, Consumer<Map<String, String>> meta) throws IOException {
        Path file = dir.resolve("bad.safetensors");
        xnor.save(file, Map.of());
        Checkpoint c = Safetensors.read(file);
        Map<String, Tensor> t = new LinkedHashMap<>(c.tensors());
        Map<String, String> m = new LinkedHashMap<>(c.metadata());
        tensors.accept(t);
        meta.accept(m);
        Safetensors.write(file, t, m);
        return file;
    }

    private static String stageOf(String kind) {
        for (int i = 0; i < xnor.stages().size(); i++) {
            if (xnor.stages().get(i).startsWith(kind)) {
                return "stage." + i + ".";
            }
        }
        throw new AssertionError("no " + kind + " stage");
    }

    private static void assertBad(Path file, String... fragments) {
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> DeployedModel.load(file));
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), e.getMessage());
        }
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    }

    @Test
    void filesThatDoNotMatchTheirMetadataAreRefused() throws IOException {
        String xnorStage = stageOf("xnor conv");
        assertBad(corrupted(t -> { }, m -> m.put("format", "something-else")), "not a deployed bitspike model");
        assertBad(corrupted(t -> { }, m -> m.put("format_version", "9")), "format_version '9'");
        assertBad(corrupted(t -> t.remove(xnorStage + "lower"), m -> { }), "missing tensor 'lower'");
        assertBad(corrupted(t -> t.put("stage.99.weights", Tensor.zeros(2)), m -> { }), "belong to no stage");
        assertBad(corrupted(t -> t.put(xnorStage + "lower", Tensor.of(new int[] {1, 2, 3}, 3)), m -> { }),
                "lower has 3 entries");
        assertBad(corrupted(t -> {
            long[] w = t.get(xnorStage + "weights").toLongArray();
            w[0] = -1L; // the 32-channel rows use half a word: padding bits set
            t.put(xnorStage + "weights", Tensor.of(w, t.get(xnorStage + "weights").shape()));
        }, m -> { }), "padding bits set");
        assertBad(corrupted(t -> { }, m -> m.put(xnorStage + "config", "source=x")), "missing setting 'shape'");
    }
}
