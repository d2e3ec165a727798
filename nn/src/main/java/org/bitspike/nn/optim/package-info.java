/**
 * Optimisers and learning-rate schedules.
 *
 * <h2>Vocabulary</h2>
 * <dl>
 *   <dt>{@link org.bitspike.nn.optim.ParamGroup}</dt>
 *   <dd>parameters sharing a learning rate and weight decay (e.g. no decay on BatchNorm and thresholds).</dd>
 *   <dt>{@link org.bitspike.nn.optim.Optimizer}</dt>
 *   <dd>updates parameters in place from their gradients without recording; its per-parameter state
 *       is saved and restored by name so that a resumed run continues bit for bit.
 *       {@link org.bitspike.nn.optim.Sgd} (momentum, Nesterov, weight decay) and
 *       {@link org.bitspike.nn.optim.Adam} (Adam, AdamW, AMSGrad) and
 *       {@link org.bitspike.nn.optim.RMSprop} (momentum, centered) follow PyTorch's update rules.
 *       {@link org.bitspike.nn.optim.Bop} flips binary weights (Larq's rule, gamma as the group's rate).</dd>
 *   <dt>{@link org.bitspike.nn.optim.CombinedOptimizer}</dt>
 *   <dd>several optimisers stepped as one: Bop for the binary weights beside Adam or SGD for the rest.</dd>
 *   <dt>{@link org.bitspike.nn.optim.Schedule}</dt>
 *   <dd>a pure function from step to learning-rate factor: step, multi-step, cosine, linear warm-up.</dd>
 * </dl>
 */
package org.bitspike.nn.optim;
