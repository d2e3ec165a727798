package org.bitspike.nn;

import org.bitspike.tensor.Tensor;

/**
 * The options of {@link Losses#crossEntropy(org.bitspike.autograd.Var, Tensor, CrossEntropyOptions)},
 * PyTorch's keyword arguments as a record with withers:
 *
 * <pre>{@code
 * CrossEntropyOptions o = CrossEntropyOptions.defaults().withClassWeights(w).withIgnoreIndex(255)
 *         .withLabelSmoothing(0.1).withReduction(Reduction.SUM);
 * }</pre>
 *
 * @param classWeights {@code [C]} floating weight of each class (a constant), or null for none
 * @param ignoreIndex a label value whose samples contribute nothing (PyTorch's default -100); not
 *     used with probability targets
 * @param labelSmoothing in {@code [0, 1]}: the target puts {@code 1 - e} on the label and
 *     {@code e / C} on every class
 * @param reduction MEAN (weighted), SUM or NONE; BATCH_MEAN is rejected by the loss
 */
public record CrossEntropyOptions(Tensor classWeights, long ignoreIndex, double labelSmoothing, Reduction reduction) {
    /** PyTorch's default ignored index. */
    public static final long DEFAULT_IGNORE_INDEX = -100;

    public CrossEntropyOptions {
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException("CrossEntropyOptions: label smoothing must be in [0, 1], got "
                    + labelSmoothing);
        }
        if (reduction == null) {
            throw new IllegalArgumentException("CrossEntropyOptions: reduction is null; use MEAN, SUM or NONE");
        }
        if (classWeights != null && (classWeights.dim() != 1 || !classWeights.dtype().isFloating())) {
            throw new IllegalArgumentException("CrossEntropyOptions: class weights must be a floating [C] vector, got "
                    + classWeights.dtype() + " " + java.util.Arrays.toString(classWeights.shape()));
        }
    }

    /** No weights, ignored index -100, no smoothing, MEAN. */
    public static CrossEntropyOptions defaults() {
        return new CrossEntropyOptions(null, DEFAULT_IGNORE_INDEX, 0, Reduction.MEAN);
    }

    /** These options with class weights {@code [C]} (a constant; null for none). */
    public CrossEntropyOptions withClassWeights(Tensor weights) {
        return new CrossEntropyOptions(weights, ignoreIndex, labelSmoothing, reduction);
    }

    /** These options with samples labelled {@code index} ignored. */
    public CrossEntropyOptions withIgnoreIndex(long index) {
        return new CrossEntropyOptions(classWeights, index, labelSmoothing, reduction);
    }

    /** These options with label smoothing {@code epsilon} in {@code [0, 1]}. */
    public CrossEntropyOptions withLabelSmoothing(double epsilon) {
        return new CrossEntropyOptions(classWeights, ignoreIndex, epsilon, reduction);
    }

    /** These options with reduction {@code r}. */
    public CrossEntropyOptions withReduction(Reduction r) {
        return new CrossEntropyOptions(classWeights, ignoreIndex, labelSmoothing, r);
    }
}
