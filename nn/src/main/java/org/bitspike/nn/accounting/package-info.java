/**
 * Operation counting and energy estimates from what a model actually executed (digest sections 1.2, 1.3, 6.4, 7).
 *
 * <dl>
 *   <dt>operation kinds</dt>
 *   <dd>{@link org.bitspike.nn.accounting.OpKind}: MAC (full-precision multiply-accumulate), AC (accumulate gated by
 *       a spike that arrived), BOP (XNOR-popcount binary MAC), ADD (an adder layer's additions, two per term), CMP
 *       (threshold comparison, one per neuron per step) and FLOP (other full-precision work: batch norm, scaling,
 *       biases, residual additions, pooling); {@link org.bitspike.nn.accounting.OpCounts} holds them, plus the
 *       dense-MAC equivalent the papers' formulas scale;</dd>
 *   <dt>a step</dt>
 *   <dd>one forward of the model the counter is attached to ({@link org.bitspike.nn.accounting.Step}); counts are for
 *       the whole batch, per-sample figures divide by the samples;</dd>
 *   <dt>spikes</dt>
 *   <dd>an input is spikes when its values say so ({@link org.bitspike.nn.accounting.SpikeRule}): then a convolution
 *       or linear layer pays one AC per weight whose input fired, and silent inputs and padding cost nothing;</dd>
 *   <dt>declaring a cost</dt>
 *   <dd>{@link org.bitspike.nn.accounting.Countable}, implemented by a layer for its own forward (and the precision
 *       of its parameters), with the shared rules in {@link org.bitspike.nn.accounting.LayerCosts};</dd>
 *   <dt>counting</dt>
 *   <dd>{@link org.bitspike.nn.accounting.OpCounter}, attached to one model for a scope, observing every layer
 *       through {@link org.bitspike.nn.Layer#observeForward}; nothing global, nothing paid when none is attached;</dd>
 *   <dt>energy</dt>
 *   <dd>{@link org.bitspike.nn.accounting.CostTable} (pJ per operation with its source and process node; default the
 *       45 nm table), {@link org.bitspike.nn.accounting.Energy} (a compute-only estimate per sample that prints its
 *       assumptions), {@link org.bitspike.nn.accounting.EnergyModel} and
 *       {@link org.bitspike.nn.accounting.OpsConvention} (the papers' formulas by name);</dd>
 *   <dt>summary</dt>
 *   <dd>{@link org.bitspike.nn.accounting.ModelSummary}: one record per layer (output shape, parameters by precision,
 *       memory, input spike rate, operations, energy) and a terminal table;
 *       {@link org.bitspike.nn.accounting.EfficiencyReport}: accuracy against energy or OPs for several models, with
 *       the Pareto front.</dd>
 * </dl>
 *
 * <p>NOTE: max pooling shrinks the map, and the next layer is counted on the map it receives; the authors' counter
 * ({@code compute_mac}, section 1.2) shrinks it only after average pooling and so over-counts their VGG.
 */
package org.bitspike.nn.accounting;
