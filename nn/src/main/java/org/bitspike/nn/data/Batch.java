package org.bitspike.nn.data;

import java.util.Arrays;

import org.bitspike.tensor.DType;
import org.bitspike.tensor.Tensor;

/**
 * One batch from a {@link DataLoader}: FLOAT32 images {@code [B, C, H, W]} and their INT64 labels
 * {@code [B]}. Both tensors are fresh and owned by the receiver.
 */
public record Batch(Tensor images, Tensor labels) {
    /** Checks the dtypes and that both tensors hold the same number of samples. */
    public Batch {
        if (images.dtype() != DType.FLOAT32 || images.dim() != 4 || labels.dtype() != DType.INT64
                || labels.dim() != 1 || labels.size(0) != images.size(0)) {
            throw new IllegalArgumentException("Batch: expected FLOAT32 images [B, C, H, W] and INT64 labels [B], got "
                    + images.dtype() + " " + Arrays.toString(images.shape()) + " and " + labels.dtype() + " "
                    + Arrays.toString(labels.shape()));
        }
    }

    /** Number of samples {@code B}. */
    public int size() {
        return labels.size(0);
    }
}
