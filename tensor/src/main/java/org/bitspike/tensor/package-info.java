/**
 * Strided n-dimensional tensors, the iteration engine and the kernels behind them.
 *
 * <p>Vocabulary:
 * <ul>
 *   <li>{@link org.bitspike.tensor.DType} - the element type: FLOAT32 (the fast path), FLOAT64 (the
 *       reference and gradient-check path), INT32, INT64, BOOL.</li>
 *   <li>{@link org.bitspike.tensor.Storage} - one flat Java array plus a version counter that every
 *       in-place write bumps; views share it.</li>
 *   <li>{@link org.bitspike.tensor.Tensor} - storage + offset + shape + strides + dtype. Views (view,
 *       permute, transpose, narrow, slice, select, expand, squeeze, unsqueeze) are stride arithmetic
 *       and never copy; {@code contiguous()} is the only implicit copy. In-place methods end in
 *       {@code _}.</li>
 *   <li>{@link org.bitspike.tensor.BitTensor} - 64 binary values per {@code long}, packed along one
 *       dimension, the operand layout of XNOR-popcount kernels.</li>
 *   <li>{@link org.bitspike.tensor.Convolution} - 2-D convolution (stride, padding, dilation,
 *       groups) with its input, weight and bias gradients, and max/average pooling forward and
 *       backward, on NCHW tensors.</li>
 *   <li>{@link org.bitspike.tensor.Adder} - AdderNet's negative-L1 convolution and fully connected
 *       layer, {@code y = -sum |x - w|} (padding counts as 0), with the gradient rules of
 *       {@link org.bitspike.tensor.AdderInputGradient} (HardTanh, sign, identity) and
 *       {@link org.bitspike.tensor.AdderWeightGradient} (full precision, sign).</li>
 *   <li>{@link org.bitspike.tensor.Normalization} - batch normalisation's per-channel passes on
 *       {@code [N, C, *]} (moments, affine map, backward), each fused with an optional ReLU.</li>
 *   <li>{@link org.bitspike.tensor.Spiking} - a Hoyer spike layer's one-pass FLOAT32 passes on a
 *       potential {@code [N, C, *]}: per-channel clipped sums, fire, the surrogate's and the Hoyer
 *       ratio's backward.</li>
 *   <li>Scans and sorting ({@code Scans}, {@code Sorting}) - {@code cumsum} along one dimension
 *       (in double, each prefix rounded once) and stable {@code sort}/{@code topk} with INT64
 *       indices, NaN above every number; they read the logical values and need no kernels.</li>
 *   <li>{@link org.bitspike.tensor.RandomKey} - an explicit, splittable random key; there is no
 *       hidden global generator.</li>
 *   <li>The iteration engine ({@code Iteration}) broadcasts shapes, coalesces dimensions and hands
 *       kernels one-dimensional strided runs; every elementwise op and reduction goes through it.</li>
 *   <li>{@link org.bitspike.tensor.kernel.KernelProvider} - the kernels (GEMM, convolution, pooling,
 *       adder convolution, XNOR GEMM, elementwise runs, reduction runs, batch-norm and spike-layer runs) behind a
 *       provider chosen once at start-up: scalar (the oracle) or Vector API. Elementwise results
 *       are the same bits on both; floating sums follow one fixed order of 16 double partials per
 *       output, so sum, mean and var are the same bits for any provider, layout and thread
 *       count.</li>
 * </ul>
 *
 * <p>Errors: every public op validates its arguments and throws {@link
 * org.bitspike.tensor.TensorException} (an {@code IllegalArgumentException}) naming the op, every
 * shape involved and the rule broken.
 */
package org.bitspike.tensor;
