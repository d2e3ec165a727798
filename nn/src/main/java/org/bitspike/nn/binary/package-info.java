/**
 * Binary neural networks (digest sections 7 and 1.2-1.3): quantizers with declared
 * pseudo-gradients and the binary layers built on them.
 *
 * <dl>
 *   <dt>the sign rule</dt>
 *   <dd>One rule for the whole project: {@code sign(x) = +1} for {@code x >= 0} (so {@code +0} and
 *       {@code -0} are +1), {@code -1} for {@code x < 0} and for NaN
 *       ({@link org.bitspike.nn.binary.Quantizer#sign}). {@code BitTensor}'s SIGN packing, the
 *       Bop optimiser and the flip-ratio callback use it too, so a packed weight is the sign a layer
 *       trained with. Spikes and {@link org.bitspike.nn.binary.Quantizer.SteHeaviside} fire at
 *       {@code x >= 0} as well (the spiking package's convention); their 0/1 outputs pack with the
 *       SPIKE encoding ({@code > 0} is 1), which is exact on 0 and 1.</dd>
 *   <dt>quantizer</dt>
 *   <dd>{@link org.bitspike.nn.binary.Quantizer}: a forward onto a few levels plus the
 *       pseudo-gradient training uses instead of its derivative, declared side by side and run as one
 *       autograd {@code Function}: SteSign, ApproxSign, SwishSign, SteHeaviside, DoReFa (k bits),
 *       MagnitudeAwareSign, and the identity ("none"); named by
 *       {@link org.bitspike.nn.binary.QuantizerKind}. A quantizer's <em>outputs</em> say which values
 *       it produces (a binary set, levels in [0, 1], or reals).</dd>
 *   <dt>latent weights</dt>
 *   <dd>The real-valued weights the optimiser updates; the forward uses their quantized form.
 *       {@link org.bitspike.nn.binary.BinaryLayer#clipLatentWeights()} keeps them in [-1, 1] after
 *       each step ({@link org.bitspike.nn.binary.LatentWeightClipping} from the training loop).</dd>
 *   <dt>binary layers</dt>
 *   <dd>{@link org.bitspike.nn.binary.BinaryConv2d} and {@link org.bitspike.nn.binary.BinaryLinear}:
 *       input and kernel quantizers, XNOR-Net's per-output-channel scale
 *       ({@link org.bitspike.nn.binary.BinaryOptions.Scaling}), an explicit pad value
 *       ({@link org.bitspike.nn.binary.BinaryOptions.PadValue}; zero padding of a +-1 input is not
 *       binary) and an optional bias. A layer is <em>purely binary</em> when every
 *       multiply-accumulate is an XNOR- or AND-popcount; scale and bias are full-precision work on
 *       the output.</dd>
 * </dl>
 */
package org.bitspike.nn.binary;
