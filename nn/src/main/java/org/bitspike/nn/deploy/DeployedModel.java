package org.bitspike.nn.deploy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bitspike.nn.accounting.OpCounts;
import org.bitspike.nn.io.Checkpoint;
import org.bitspike.nn.io.CheckpointFormatException;
import org.bitspike.nn.io.Safetensors;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.Tensor;
import org.bitspike.tensor.TensorException;

/**
 * A model in its packed inference form ({@link Deploy#deploy}): a fixed list of stages from images
 * {@code [N, C, H, W]} to the source's output. Inference only, no gradient, no modes; immutable and
 * safe to share between threads.
 */
public final class DeployedModel {
    private final String source;
    private final int[] inputShape;
    private final List<Stage> stages;

    DeployedModel(String source, int[] inputShape, List<Stage> stages) {
        this.source = source;
        this.inputShape = inputShape.clone();
        this.stages = List.copyOf(stages);
    }

    /**
     * The source's evaluation output for {@code images} {@code [N, C, H, W]} (FLOAT32).
     *
     * @throws TensorException naming {@code deployed forward} when the images are not
     *     {@code [N, inputShape...]} FLOAT32
     */
    public Tensor forward(Tensor images) {
        checkInput(images);
        Stage.Activation a = Stage.Activation.of(images);
        for (int i = 0; i < stages.size(); i++) {
            try {
                a = stages.get(i).apply(a);
            } catch (IllegalStateException e) {
                throw new IllegalStateException("deployed forward: stage " + i + " (" + stages.get(i).describe() + "): "
                        + e.getMessage(), e);
            }
        }
        return a.dense();
    }

    /** A forward's output and what each stage executed. */
    public record Counted(Tensor output, List<StageCount> stages) {
        /** The operations of all stages. */
        public OpCounts total() {
            return stages.stream().map(StageCount::ops).reduce(OpCounts.ZERO, OpCounts::plus);
        }
    }

    /**
     * {@link #forward} that also counts what each stage's kernel executed on these images: spikes that
     * really arrived, words really popcounted (see {@link Stage#count}). Costs a pass over each packed
     * map on top of the forward; {@link #forward} counts nothing.
     */
    public Counted forwardCounted(Tensor images) {
        checkInput(images);
        List<StageCount> counts = new ArrayList<>();
        Stage.Activation a = Stage.Activation.of(images);
        for (Stage stage : stages) {
            if (stage instanceof Stage.Dense dense) {
                a = dense.applyCounted(a, counts);
            } else {
                counts.add(stage.count(a));
                a = stage.apply(a);
            }
        }
        return new Counted(a.dense(), List.copyOf(counts));
    }

    private void checkInput(Tensor images) {
        int[] s = images.shape();
        if (s.length != 4 || images.dtype() != DType.FLOAT32 || s[0] < 1
                || !Arrays.equals(Arrays.copyOfRange(s, 1, 4), inputShape)) {
            throw TensorException.of("deployed forward", "input %s of %s must be FLOAT32 [N, %d, %d, %d]", s,
                    images.dtype(), inputShape[0], inputShape[1], inputShape[2]);
        }
    }

    /** The per-image input shape {@code [C, H, W]}. */
    public int[] inputShape() {
        return inputShape.clone();
    }

    /** One line per stage, in order. */
    public List<String> stages() {
        return stages.stream().map(Stage::describe).toList();
    }

    /** Bytes of every constant the deployed model holds: packed and float weights, bounds. */
    public long weightBytes() {
        return stages.stream().mapToLong(Stage::weightBytes).sum();
    }

    /** The {@code format} metadata value of a deployed file. */
    public static final String FORMAT = "bitspike-deployed";
    /** The version this code writes and reads. */
    public static final int FORMAT_VERSION = 1;

    /**
     * Saves this model as safetensors, atomically (the previous file stays intact until the new one
     * is complete): each stage's tensors as {@code stage.<i>.<name>} (packed weights as INT64 words),
     * and metadata {@code format}, {@code format_version}, {@code input_shape}, {@code stages},
     * {@code stage.<i>.kind} and {@code stage.<i>.config}, the source's description and
     * {@code provenance.<key>} for each entry of {@code provenance} (e.g. the checkpoint, the commit,
     * the measured accuracy).
     */
    public void save(Path file, Map<String, String> provenance) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("format_version", String.valueOf(FORMAT_VERSION));
        meta.put("input_shape", inputShape[0] + "," + inputShape[1] + "," + inputShape[2]);
        meta.put("source", source);
        meta.put("stages", String.valueOf(stages.size()));
        for (int i = 0; i < stages.size(); i++) {
            Stage stage = stages.get(i);
            meta.put("stage." + i + ".kind", stage.kind());
            meta.put("stage." + i + ".config", stage.config().toString());
            int index = i;
            stage.tensors().forEach((name, t) -> tensors.put("stage." + index + "." + name, t));
        }
        provenance.forEach((k, v) -> meta.put("provenance." + k, v));
        Safetensors.write(file, tensors, meta);
    }

    /**
     * A model saved by {@link #save}, checked: its format and version, every stage's settings and
     * tensors, no tensor that belongs to no stage, and a forward of one blank image through all the
     * stages (so a file whose tensors do not fit its metadata fails here, not at first use).
     *
     * @throws CheckpointFormatException naming the file and what does not match
     * @throws IOException when the file cannot be read
     */
    public static DeployedModel load(Path file) throws IOException {
        Checkpoint c = Safetensors.read(file);
        String name = file.toString();
        Map<String, String> meta = c.metadata();
        if (!FORMAT.equals(meta.get("format"))) {
            throw new CheckpointFormatException(name, "metadata format is '" + meta.get("format") + "', expected '"
                    + FORMAT + "' (not a deployed bitspike model)");
        }
        if (!String.valueOf(FORMAT_VERSION).equals(meta.get("format_version"))) {
            throw new CheckpointFormatException(name, "format_version '" + meta.get("format_version")
                    + "' is not the version this code reads (" + FORMAT_VERSION + ")");
        }
        try {
            int[] input = Config.parse("input_shape", "shape=" + meta.get("input_shape")).ints("shape", 3);
            int count = Integer.parseInt(String.valueOf(meta.get("stages")));
            Map<String, Tensor> unclaimed = new LinkedHashMap<>(c.tensors());
            List<Stage> stages = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String prefix = "stage." + i + ".";
                String what = "stage " + i;
                Map<String, Tensor> mine = new LinkedHashMap<>();
                c.tensors().forEach((key, t) -> {
                    if (key.startsWith(prefix)) {
                        mine.put(key.substring(prefix.length()), t);
                        unclaimed.remove(key);
                    }
                });
                String kind = meta.get(prefix + "kind");
                if (kind == null) {
                    throw new IllegalArgumentException(what + ": no metadata '" + prefix + "kind'");
                }
                stages.add(Stage.read(what + " (" + kind + ")", kind, Config.parse(what, meta.get(prefix + "config")),
                        mine));
            }
            if (!unclaimed.isEmpty()) {
                throw new IllegalArgumentException("tensors " + unclaimed.keySet() + " belong to no stage of " + count);
            }
            DeployedModel model = new DeployedModel(String.valueOf(meta.get("source")), input, stages);
            model.forward(Tensor.zeros(DType.FLOAT32, 1, input[0], input[1], input[2]));
            return model;
        } catch (RuntimeException e) {
            CheckpointFormatException bad = new CheckpointFormatException(name,
                    "the deployed model does not match its metadata: " + e.getMessage());
            bad.initCause(e);
            throw bad;
        }
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("DeployedModel(input " + Arrays.toString(inputShape) + ", "
                + weightBytes() + " weight bytes)\n");
        for (int i = 0; i < stages.size(); i++) {
            b.append(String.format("  %2d  %s%n", i, stages.get(i).describe()));
        }
        return b.toString();
    }
}
