/**
 * Adder networks (AdderNet, Chen et al., CVPR 2020; digest section 6): layers whose output is the negative L1
 * distance between an input patch and a filter, {@code y = -sum |x - w|}, instead of a cross-correlation.
 *
 * <dl>
 *   <dt>rules</dt>
 *   <dd>{@link org.bitspike.nn.adder.AdderRules}: what the backward uses in place of the derivative of
 *       {@code -|x - w|}. AdderNet's rules are HardTanh(w - x) for the input (the exact gradient of
 *       {@code -huber(x - w)}) and the full-precision difference x - w for the weight (the exact gradient of
 *       {@code -(x - w)^2 / 2}); the SIGN rules are the exact subgradients of the layer itself.</dd>
 *   <dt>adaptive scaling</dt>
 *   <dd>AdderNet's per-layer learning-rate scaling: the weight gradient of one backward pass is rescaled to
 *       the norm {@code eta * sqrt(k)}, k the number of weights, so the optimiser's learning rate means the same
 *       in every layer (digest 6.3).</dd>
 *   <dt>layers</dt>
 *   <dd>{@link org.bitspike.nn.adder.AdderConv2d} and {@link org.bitspike.nn.adder.AdderLinear}; a batch norm
 *       follows each in the zoo (outputs are all {@code <= 0} with a large spread). Their gradients are first
 *       order only: a gradient of a gradient is refused by name.</dd>
 * </dl>
 */
package org.bitspike.nn.adder;
