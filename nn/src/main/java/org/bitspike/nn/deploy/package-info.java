/**
 * Deployment: a trained binary or spiking model turned into its inference form, which runs on packed
 * activations (64 channels to a {@code long}) with the fused kernels of {@code tensor}'s
 * {@code PackedOps}, and is proven equal to the model it came from.
 *
 * <p>Vocabulary:
 * <ul>
 *   <li>a <em>stage</em> is one step of a deployed model: a float section (run as the source's
 *       evaluation forward), packing a float map, an XNOR-popcount or spike-event convolution (a
 *       linear layer is a convolution over the whole map), packed max pooling, unpacking;</li>
 *   <li>a <em>decision</em> is where a value becomes a bit: the sign quantizer at the input of a
 *       binary layer, or a Hoyer spike. The per-channel chain from an accumulation to its decision
 *       (the layer's scale and bias, max pooling, batch norm, a learnable shift) is folded into two
 *       bounds per channel, found by asking the chain itself ({@code ThresholdSearch}), so the bit
 *       is the source's for every accumulation value;</li>
 *   <li>a <em>packed map</em> is a {@code BitTensor} {@code [N, C, H, W]} packed along channels,
 *       SIGN for binary networks and SPIKE for spiking ones.</li>
 * </ul>
 * The training tree is never modified; a deployed model holds copies.
 */
package org.bitspike.nn.deploy;
