package org.bitspike.nn.deploy;

import java.util.Arrays;
import java.util.List;
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
        int[] s = images.shape();
        if (s.length != 4 || images.dtype() != DType.FLOAT32 || s[0] < 1
                || !Arrays.equals(Arrays.copyOfRange(s, 1, 4), inputShape)) {
            throw TensorException.of("deployed forward", "input %s of %s must be FLOAT32 [N, %d, %d, %d]", s,
                    images.dtype(), inputShape[0], inputShape[1], inputShape[2]);
        }
        Stage.Activation a = Stage.Activation.of(images);
        for (Stage stage : stages) {
            a = stage.apply(a);
        }
        return a.dense();
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
