package org.bitspike.tensor;

/**
 * The hyper-parameters of one {@link Tensor#adamStep_} call.
 *
 * @param lr learning rate, {@code >= 0}
 * @param beta1 decay of the first moment, in {@code [0, 1)}
 * @param beta2 decay of the second moment, in {@code [0, 1)}
 * @param eps added to the denominator after the square root, {@code > 0}
 * @param weightDecay {@code >= 0}; 0 for none
 * @param decoupled true for AdamW (the decay scales the parameter), false for Adam (it adds
 *     {@code weightDecay * p} to the gradient)
 * @param step the 1-based count of this parameter's updates, this one included: the bias
 *     corrections are {@code 1 - beta^step}
 */
public record AdamStep(double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupled,
                       long step) {
    public AdamStep {
        if (!(lr >= 0) || !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps > 0)
                || !(weightDecay >= 0) || step < 1) {
            throw TensorException.of("adamStep_", "needs lr %s >= 0, betas %s and %s in [0, 1), eps %s > 0,"
                    + " weight decay %s >= 0 and step %s >= 1", lr, beta1, beta2, eps, weightDecay, step);
        }
    }
}
